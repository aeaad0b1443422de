/* Command-line parsing for `vx86`, kept apart from main.c so it can be unit-tested. */
#ifndef VX86_CLI_H
#define VX86_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emu/machine.h"

#define CLI_VERSION "0.1.0"

/* Exit statuses of vx86 itself: all even, so they never collide with a guest's debug-exit status,
 * which is always odd ((value << 1) | 1). One table, used by main.c, --help and the README. */
enum {
    CLI_EXIT_HALTED = 0,        /* guest halted with nothing left to do */
    CLI_EXIT_USAGE = 2,         /* bad or unknown option, missing argument, bad number */
    CLI_EXIT_IMAGE = 4,         /* image or module missing or malformed */
    CLI_EXIT_MAX_CYCLES = 6,    /* --max-cycles reached */
    CLI_EXIT_SHUTDOWN = 8,      /* triple fault / shutdown */
    CLI_EXIT_INTERNAL = 10,     /* vx86 itself failed */
};

#define CLI_MEMORY_MIN     (2u * 1024 * 1024)
#define CLI_MEMORY_MAX     (3u * 1024 * 1024 * 1024)
#define CLI_MEMORY_DEFAULT (64u * 1024 * 1024)
#define CLI_TRACE_SIZE_DEFAULT 1000000u
#define CLI_TRACE_SIZE_MAX     10000000u    /* about 1.4 GB of host memory when full */
/* --serial-input reads at most this much (a guest's keyboard input, not a disk image): more is a
 * usage error, never silently dropped input. */
#define CLI_SERIAL_INPUT_MAX   (64u * 1024 * 1024)

typedef struct cli_run_options {
    const char *image;
    const char *cmdline;                       /* NULL if not given */
    machine_module modules[MACHINE_MAX_MODULES];
    int module_count;
    uint32_t memory_bytes;
    uint64_t max_cycles;                       /* 0: no limit */
    const char *costs_file;                    /* --costs FILE, NULL: the defaults */
    const char *trace_file;                    /* --trace FILE: JSON Lines */
    const char *trace_chrome_file;             /* --trace-chrome FILE: Chrome Trace Event format */
    uint64_t trace_size;                       /* --trace-size N: events kept (default 1,000,000) */
    bool realtime;                             /* --realtime: pace virtual time to the wall clock */
    bool trace_walks;                          /* --trace-walks: every page walk is a trace event */
    bool explain;                              /* --explain: say on stderr why a VMRUN failed */
    const char *serial_input_file;             /* --serial-input FILE: bytes for COM1's receiver */
    const char *keys;                          /* --keys TEXT: typed on the PS/2 keyboard at start */
    const char *input_after;                   /* --input-after TEXT: hold input until the guest prints TEXT */
    int gdb_port;                              /* --gdb PORT: serve gdb on 127.0.0.1:PORT; -1 = off */
    /* snapshots (emu/snapshot.c) */
    const char *snapshot_file;                 /* --snapshot-at CYCLES FILE: save there at CYCLES */
    uint64_t snapshot_at;
    const char *restore_file;                  /* --restore FILE: start from a snapshot (IMAGE optional) */
    bool stats;
    bool help;                                 /* --help given: print run help, ignore the rest */
    char *owned[MACHINE_MAX_MODULES];          /* module paths split off "FILE,CMDLINE" */
} cli_run_options;

/* Parse the arguments after "run" (argv[0] is the first of them). Returns 0 on success, or
 * CLI_EXIT_USAGE with a one-line message (without the "vx86: " prefix) in err. Free with
 * cli_run_options_free in both cases. */
int cli_parse_run(int argc, char **argv, cli_run_options *out, char *err, size_t errlen);
void cli_run_options_free(cli_run_options *opts);

/* Number parsers shared with other subcommands. Both return false on anything but a whole valid
 * value and say why in err. */
/* "64M", "512K", "1G", "2097152B"; a bare number means MiB, as in QEMU's -m. */
bool cli_parse_memory(const char *text, uint32_t *bytes, char *err, size_t errlen);
/* "1000", "5e6", "2.5e6", "1_000_000" is not accepted; the value must be an exact positive integer. */
bool cli_parse_count(const char *text, uint64_t *value, char *err, size_t errlen);

/* Can a file be created (or replaced) at path? Checked before a run so that an output that cannot
 * be written fails at once, not after a long run. False with "PATH: cannot write: reason" in err
 * (the directory is missing or not writable, or path is a directory). Creates nothing. */
bool cli_check_output_path(const char *path, char *err, size_t errlen);

/* --serial-input: queue the whole file (stdin for "-") for COM1's receiver. More than
 * CLI_SERIAL_INPUT_MAX, a read error or no memory is refused with one line on stderr: false. */
bool cli_queue_serial_input(machine *m, const char *path);

#endif
