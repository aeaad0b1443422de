/* vx86: the command-line program. Drives the machine through emu/machine.h only. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "emu/cli.h"
#include "emu/gdb/gdbstub.h"
#include "emu/gui/gui.h"
#include "emu/lua/lab_ui.h"
#include "emu/lua/vxlua.h"
#include "emu/tui/tui.h"
#include "emu/costs.h"
#include "emu/demo.h"
#include "emu/machine.h"
#include "emu/oscon.h"
#include "emu/trace.h"

/* machine_run slices: long enough to be cheap, short enough that a limit is checked often. */
#define RUN_CHUNK_CYCLES (1ull << 28)
/* With --realtime: how far virtual time may run ahead of the wall clock before we sleep. */
#define REALTIME_SLICE_SECONDS 0.002

static const char USAGE[] =
    "usage: vx86 [COMMAND] [ARGS]\n"
    "\n"
    "Commands (each answers --help with its own usage):\n"
    "  (none)              the demo: the toy OS runs two containers and two VMs side by side\n"
    "                      (os/ and guest/demo-vm.elf beside the vx86 binary), then ps, the\n"
    "                      cgroup tree, a VM's exits and a Gantt strip drawn from the trace\n"
    "  run IMAGE [OPTIONS] run a Multiboot v1 ELF32 kernel headless: COM1 on stdout\n"
    "  os [OPTIONS]        boot the toy OS (os/kernel.elf + os/initrd.img beside vx86) with\n"
    "                      its console on this terminal (Ctrl-] leaves); the options of 'run';\n"
    "                      --gui: in the SDL2 window instead (vx86 os --gui --help)\n"
    "  costs               print the default cost table (the --costs file format)\n"
    "  tui IMAGE [OPTIONS] the ncurses debugger (the options of 'run', plus --dump-screen;\n"
    "                      --gdb PORT lets gdb drive while the TUI shows the machine)\n"
    "  lab FILE [--text] [--seed N] [--solve] [--save F]   walk a Lua lab (the TUI on a\n"
    "                      terminal, --gui in the SDL2 window; vx86 lab --help); lab --list\n"
    "                      lists the labs\n"
    "  grade FILE --answers F [--seed N] [--format tap|junit|gradescope|prairielearn]\n"
    "        [--out PATH]  grade a submission headless (exit 0 graded, 2 not graded;\n"
    "                      vx86 grade --help)\n"
    "  lua SCRIPT [ARGS]   run a Lua script with the vx module, as lua(1) does (NOT sandboxed)\n"
    "  gui IMAGE [OPTIONS] the SDL2 window: VGA and serial consoles, run/pause/step, live\n"
    "                      pictures; --screenshot FILE.png --at CYCLES draws it headless\n"
    "                      (vx86 gui --help)\n"
    "  picture KIND IMAGE [--at CYCLES] [--svg FILE]   one diagram (memmap, pagetable, walk,\n"
    "                      gantt, exits, ...) as text, SVG or PNG (vx86 picture --help)\n"
    "\n";

/* 'vx86 run --help' prints RUN_USAGE and RUN_OPTIONS; 'vx86 --help' shows the options too. */
static const char RUN_USAGE[] =
    "usage: vx86 run IMAGE [OPTIONS]\n"
    "       vx86 run --restore FILE [OPTIONS]\n"
    "Run a Multiboot v1 ELF32 kernel headless: COM1 on stdout, messages on stderr.\n"
    "\n";
static const char RUN_OPTIONS[] =
    "Options of 'run' (before or after IMAGE):\n"
    "  --module FILE[,CMDLINE]  pass a multiboot module; its string is \"FILE CMDLINE\"\n"
    "                           (repeatable, at most 16; CMDLINE may contain spaces)\n"
    "  --cmdline S              kernel arguments; the multiboot command line is \"IMAGE S\"\n"
    "  --memory SIZE            guest RAM, 2M..3G, K/M/G suffix, bare number = MiB (default 64M)\n"
    "  --max-cycles N           stop after N cycles of virtual time (N may be 5e6, 1e9, ...)\n"
    "  --stats                  after the run, print instructions, cycles, host-seconds, mips\n"
    "                           to stderr\n"
    "  --costs FILE             cycle costs of instruction classes and events ('vx86 costs'\n"
    "                           prints the defaults in this format)\n"
    "  --trace FILE             at exit, write the trace as JSON Lines\n"
    "  --trace-chrome FILE      at exit, write the trace in Chrome Trace Event format (Perfetto)\n"
    "  --trace-size N           events the trace keeps, oldest dropped first (default 1000000)\n"
    "  --realtime               pace virtual time to the wall clock (1e9 cycles per second);\n"
    "                           without it, runs never read the wall clock\n"
    "  --trace-walks            also trace every page walk, step by step (high volume)\n"
    "  --serial-input FILE      queue FILE's bytes for the guest's COM1 receiver ('-': stdin;\n"
    "                           at most 64 MiB)\n"
    "  --keys TEXT              type TEXT on the PS/2 keyboard at start\n"
    "  --input-after TEXT       hold --serial-input and --keys until the guest's serial output\n"
    "                           contains TEXT (a prompt), as a person typing would\n"
    "  --gdb PORT               wait for gdb on 127.0.0.1:PORT (0 = any free port) and let it\n"
    "                           drive the run: gdb IMAGE -ex 'target remote :PORT'\n"
    "  --explain                when a VMRUN fails its consistency checks (VMEXIT_INVALID),\n"
    "                           name the failed check on stderr\n"
    "  --snapshot-at CYCLES FILE  at cycle CYCLES save the whole machine to FILE, then go on\n"
    "                           (a point the run never reaches is only a warning)\n"
    "  --restore FILE           start from a snapshot instead of booting (IMAGE optional); the\n"
    "                           run ends exactly as the one that saved it would have\n"
    "\n"
    "Exit status:\n"
    "  odd N   the guest wrote V to the debug-exit port 0xf4: N = (V << 1) | 1, as in QEMU\n"
    "          (a guest-runtime program: 1 when main returns 0, 253 after an unhandled\n"
    "          exception, 255 after vx_panic)\n"
    "  0       the guest halted with nothing left to do\n"
    "  2       usage error (unknown option, missing argument, bad number, bad --costs file,\n"
    "          --serial-input over 64 MiB, a trace or snapshot file that cannot be written)\n"
    "  4       image or module missing or malformed, bad snapshot file\n"
    "  6       --max-cycles reached (with --gdb too)\n"
    "  8       triple fault (shutdown); stderr names the exceptions that led to it\n"
    "  10      internal error\n"
    "  130/143 stopped by SIGINT (Ctrl-C) / SIGTERM after writing the trace and stats\n"
    "          (vx86 ends by that signal: 128 + its number, as shells report it)\n";

static const char OTHER_OPTIONS[] =
    "\n"
    "Other options:\n"
    "  -h, --help     this help\n"
    "  --version      print the version\n";

static const char COSTS_USAGE[] =
    "usage: vx86 costs\n"
    "Print the default cycle cost of each instruction class and event, in the format that\n"
    "'vx86 run --costs FILE' reads: copy it, change some numbers, pass the file back.\n"
    "  -h, --help     this help\n"
    "Exit status: 0, or 2 when given any other argument.\n";

static bool is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* vx86 os: while set, keystrokes on the terminal go to COM1 as the guest runs (emu/oscon.c). */
static bool os_console;
static bool os_left;                       /* the user pressed the escape key */

static int usage_error(const char *msg)
{
    fprintf(stderr, "vx86: %s\nTry 'vx86 --help'.\n", msg);
    return CLI_EXIT_USAGE;
}

static void serial_to_stdout(void *ctx, uint8_t byte)
{
    (void)ctx;
    putchar(byte);
    /* Line by line, so a guest that never stops still shows its output as it goes. */
    if (byte == '\n')
        fflush(stdout);
}

/* Ctrl-C and SIGTERM stop the guest at the next instruction boundary (machine_request_stop), and
 * the run ends as any other: serial and console output flushed, stats and traces written. Then
 * vx86 ends by the same signal, so the shell sees 130 or 143 (128 + signal) and a script loop
 * stops as it would for any program interrupted. */
static volatile sig_atomic_t stop_signal;
static machine *volatile signal_target;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
    machine *m = signal_target;
    if (m)
        machine_request_stop(m);
}

static void catch_stop_signals(machine *m)
{
    signal_target = m;
    static const int SIGNALS[] = { SIGINT, SIGTERM };
    for (size_t k = 0; k < sizeof SIGNALS / sizeof SIGNALS[0]; k++) {
        struct sigaction old, sa = { .sa_handler = on_stop_signal, .sa_flags = SA_RESETHAND };
        sigemptyset(&sa.sa_mask);
        /* An ignored signal stays ignored (nohup, background jobs of scripts); a second one of
         * ours (SA_RESETHAND) ends vx86 at once, should the first not stop it. */
        if (sigaction(SIGNALS[k], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(SIGNALS[k], &sa, NULL);
    }
}

static void release_stop_signals(void)
{
    signal_target = NULL;
}

/* After the evidence is written: end by the signal that stopped the run. */
static int end_by_signal(int sig)
{
    fflush(stdout);
    fflush(stderr);
    signal(sig, SIG_DFL);
    raise(sig);
    return 128 + sig;   /* not reached unless the signal is blocked */
}

/* The wall clock: read only for --stats and --realtime, so headless runs stay deterministic. */
static double monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_seconds(double seconds)
{
    struct timespec ts = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Open a trace output before the run, so a bad path fails at once, not after a long run. */
static FILE *open_output(const char *path)
{
    if (!path)
        return NULL;
    FILE *f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "vx86: %s: cannot create: %s\n", path, strerror(errno));
    return f;
}

/* Write one trace file and close it; false (with a message) on a write error. */
static bool finish_trace(FILE *f, const char *path, const trace *t, bool (*write)(const trace *, FILE *))
{
    if (!f)
        return true;
    bool ok = write(t, f);
    ok = fclose(f) == 0 && ok;
    if (!ok)
        fprintf(stderr, "vx86: %s: write error: %s\n", path, strerror(errno));
    return ok;
}

static int run_image(const cli_run_options *opts)
{
    machine_config cfg = { 0 };
    cfg.kernel = opts->image;
    cfg.cmdline = opts->cmdline;
    cfg.module_count = opts->module_count;
    memcpy(cfg.modules, opts->modules, sizeof cfg.modules);
    cfg.memory_bytes = opts->memory_bytes;
    cfg.serial_out = serial_to_stdout;
    cfg.trace_capacity = (size_t)opts->trace_size;
    cfg.trace_walks = opts->trace_walks;
    cfg.explain = opts->explain;

    char err[512] = "";
    costs table;
    costs_defaults(&table);
    if (opts->costs_file && !costs_load(&table, opts->costs_file, err, sizeof err)) {
        fprintf(stderr, "vx86: %s\n", err);
        return CLI_EXIT_USAGE;
    }
    cfg.costs = &table;

    if (opts->snapshot_file && !cli_check_output_path(opts->snapshot_file, err, sizeof err)) {
        fprintf(stderr, "vx86: %s\n", err);
        return CLI_EXIT_USAGE;
    }
    FILE *trace_out = open_output(opts->trace_file);
    FILE *chrome_out = open_output(opts->trace_chrome_file);
    if ((opts->trace_file && !trace_out) || (opts->trace_chrome_file && !chrome_out)) {
        if (trace_out)
            fclose(trace_out);
        if (chrome_out)
            fclose(chrome_out);
        return CLI_EXIT_USAGE;
    }

    machine *m;
    if (opts->restore_file) {
        /* The snapshot carries its own cost table; --costs given anyway replaces it. */
        m = machine_snapshot_restore(opts->restore_file, &cfg, err, sizeof err);
        if (m && opts->costs_file)
            machine_set_costs(m, &table);
    } else {
        m = machine_create(&cfg, err, sizeof err);
    }
    if (!m) {
        fprintf(stderr, "vx86: %s\n", err[0] ? err : "cannot create the machine");
        if (trace_out)
            fclose(trace_out);
        if (chrome_out)
            fclose(chrome_out);
        return CLI_EXIT_IMAGE;
    }

    if (opts->input_after)
        machine_input_gate(m, opts->input_after);
    if (opts->serial_input_file && !cli_queue_serial_input(m, opts->serial_input_file)) {
        machine_destroy(m);
        if (trace_out)
            fclose(trace_out);
        if (chrome_out)
            fclose(chrome_out);
        return CLI_EXIT_USAGE;
    }
    if (opts->keys)
        machine_type_keys(m, opts->keys);

    /* Counted from boot, also after --restore: --stats and --max-cycles match the straight run. */
    uint64_t start = opts->restore_file ? 0 : machine_cycles(m);
    catch_stop_signals(m);
    bool snapshot_pending = opts->snapshot_file != NULL, snapshot_failed = false;
    machine_stop stop = MACHINE_STOP_LIMIT;
    bool wall_clock = opts->stats || opts->realtime;
    double t0 = wall_clock ? monotonic_seconds() : 0;
    double cps = (double)machine_cycles_per_second(m);
    bool interrupted = false;
    if (opts->gdb_port >= 0) {
        uint64_t limit = !opts->max_cycles ? UINT64_MAX
                         : start + opts->max_cycles < start ? UINT64_MAX : start + opts->max_cycles;
        int r = gdbstub_serve_limited(m, opts->gdb_port, limit, &stop_signal, stderr);
        if (r == GDBSTUB_SERVE_ERROR || r == GDBSTUB_SERVE_KILLED) {
            release_stop_signals();
            if (r == GDBSTUB_SERVE_KILLED)
                fprintf(stderr, "vx86: killed by gdb\n");
            machine_destroy(m);
            if (trace_out)
                fclose(trace_out);
            if (chrome_out)
                fclose(chrome_out);
            return r == GDBSTUB_SERVE_ERROR ? CLI_EXIT_USAGE : CLI_EXIT_HALTED;
        }
        if (r == GDBSTUB_SERVE_INTERRUPTED)
            interrupted = true;
        else
            stop = (machine_stop)r;
    }
    for (; opts->gdb_port < 0 && !interrupted;) {
        if (stop_signal) {
            interrupted = true;
            break;
        }
        uint64_t chunk = opts->realtime ? (uint64_t)(REALTIME_SLICE_SECONDS * cps) : RUN_CHUNK_CYCLES;
        if (os_console) {
            fflush(stdout);
            if (!oscon_poll(m)) {
                os_left = true;
                break;
            }
        }
        if (snapshot_pending) {
            uint64_t now = machine_cycles(m);
            if (now >= opts->snapshot_at) {
                snapshot_pending = false;
                if (!machine_snapshot_save(m, opts->snapshot_file, err, sizeof err)) {
                    fprintf(stderr, "vx86: %s\n", err);
                    snapshot_failed = true;
                }
            } else if (opts->snapshot_at - now < chunk) {
                chunk = opts->snapshot_at - now;
            }
        }
        if (opts->max_cycles) {
            uint64_t used = machine_cycles(m) - start;
            if (used >= opts->max_cycles)
                break;
            if (opts->max_cycles - used < chunk)
                chunk = opts->max_cycles - used;
        }
        stop = machine_run(m, chunk);
        if (stop == MACHINE_STOP_BREAK && stop_signal) {
            interrupted = true;
            break;
        }
        if (stop != MACHINE_STOP_LIMIT)
            break;
        if (opts->realtime) {
            double ahead = (double)(machine_cycles(m) - start) / cps - (monotonic_seconds() - t0);
            if (ahead > 0)
                sleep_seconds(ahead);
        }
    }
    double seconds = wall_clock ? monotonic_seconds() - t0 : 0;
    release_stop_signals();
    fflush(stdout);

    int status;
    if (interrupted) {
        fprintf(stderr, "vx86: stopped by %s at cycle %llu\n", stop_signal == SIGINT ? "SIGINT" : "SIGTERM",
                (unsigned long long)(machine_cycles(m) - start));
        status = 128 + stop_signal;
    } else switch (stop) {
    case MACHINE_STOP_EXIT:
        status = machine_exit_status(m);
        break;
    case MACHINE_STOP_HALTED:
        status = CLI_EXIT_HALTED;
        break;
    case MACHINE_STOP_LIMIT:
        if (os_left) {
            status = 0;
            break;
        }
        fprintf(stderr, "vx86: stopped after %llu cycles (--max-cycles)\n", (unsigned long long)opts->max_cycles);
        status = CLI_EXIT_MAX_CYCLES;
        break;
    case MACHINE_STOP_SHUTDOWN: {
        /* Name the exceptions that led here, from the trace: "#DE at 0x1000a3 -> #DF -> triple fault". */
        char chain[160];
        if (trace_triple_fault_chain(machine_trace(m), NULL, chain, sizeof chain) == 0)
            snprintf(chain, sizeof chain, "triple fault");
        fprintf(stderr, "vx86: %s: %s: the machine shut down\n", opts->image ? opts->image : opts->restore_file,
                chain);
        status = CLI_EXIT_SHUTDOWN;
        break;
    }
    default:
        fprintf(stderr, "vx86: internal error: the machine stopped for no reason (%d)\n", (int)stop);
        status = CLI_EXIT_INTERNAL;
        break;
    }

    /* A snapshot point the run never reached is the user's choice of number, not a failure of the
     * run: say so, and keep the guest's own status. */
    if (snapshot_pending && opts->gdb_port >= 0)
        fprintf(stderr, "vx86: warning: %s not written: --snapshot-at is not taken under --gdb\n", opts->snapshot_file);
    else if (snapshot_pending)
        fprintf(stderr, "vx86: warning: %s not written: the run ended at cycle %llu, before cycle %llu\n",
                opts->snapshot_file, (unsigned long long)machine_cycles(m), (unsigned long long)opts->snapshot_at);
    if (snapshot_failed)
        status = CLI_EXIT_USAGE;

    if (opts->stats) {
        uint64_t instructions = machine_instructions(m);
        fprintf(stderr, "instructions: %llu\n", (unsigned long long)instructions);
        fprintf(stderr, "cycles: %llu\n", (unsigned long long)(machine_cycles(m) - start));
        fprintf(stderr, "host-seconds: %.6f\n", seconds);
        fprintf(stderr, "mips: %.2f\n", seconds > 0 ? (double)instructions / seconds / 1e6 : 0.0);
    }
    /* Traces are written whatever stopped the guest, --max-cycles included. */
    const trace *t = machine_trace(m);
    bool traced = finish_trace(trace_out, opts->trace_file, t, trace_write_jsonl);
    traced = finish_trace(chrome_out, opts->trace_chrome_file, t, trace_write_chrome) && traced;
    if (!traced)
        status = CLI_EXIT_USAGE;
    machine_destroy(m);
    /* Also a signal that came while the results were being written: they are complete now. */
    if (stop_signal)
        return end_by_signal(stop_signal);
    return status;
}

static int cmd_run(int argc, char **argv)
{
    cli_run_options opts;
    char err[512];
    int rc = cli_parse_run(argc, argv, &opts, err, sizeof err);
    if (rc == 0 && opts.help) {
        fputs(RUN_USAGE, stdout);
        fputs(RUN_OPTIONS, stdout);
    } else if (rc == 0) {
        rc = run_image(&opts);
    } else {
        usage_error(err);
    }
    cli_run_options_free(&opts);
    return rc;
}

/* vx86 os [ARGS]: run build/os/kernel.elf --module build/os/initrd.img ARGS, the images found
 * beside the vx86 binary. On a terminal the console is live (raw input, real-time pace); with
 * stdin redirected, stdin is the serial input. */
static int cmd_os(int argc, char **argv)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return usage_error("cannot find the vx86 binary's directory");
    exe[n] = 0;
    char kernel[PATH_MAX + 32], initrd[PATH_MAX + 32];
    const char *dir = dirname(exe);
    snprintf(kernel, sizeof kernel, "%s/os/kernel.elf", dir);
    snprintf(initrd, sizeof initrd, "%s/os/initrd.img", dir);
    struct stat st;
    if (stat(kernel, &st) != 0 || stat(initrd, &st) != 0) {
        fprintf(stderr, "vx86: %s or %s not found; run 'make os' first\n", kernel, initrd);
        return CLI_EXIT_IMAGE;
    }
    char **args = calloc((size_t)argc + 4, sizeof *args);
    if (!args)
        return CLI_EXIT_INTERNAL;
    args[0] = kernel;
    args[1] = "--module";
    args[2] = initrd;
    memcpy(args + 3, argv, (size_t)argc * sizeof *args);
    for (int i = 0; i < argc; i++)   /* --gui: the toy OS in the SDL2 window (emu/gui) */
        if (strcmp(argv[i], "--gui") == 0) {
            memmove(args + 3 + i, args + 4 + i, (size_t)(argc - i) * sizeof *args);
            int r = gui_os_main(argc + 2, args);
            free(args);
            return r;
        }
    cli_run_options opts;
    char err[512];
    int rc = cli_parse_run(argc + 3, args, &opts, err, sizeof err);
    if (rc == 0 && opts.help) {
        fputs(USAGE, stdout);
    } else if (rc == 0) {
        if (!opts.serial_input_file && isatty(STDIN_FILENO) && opts.gdb_port < 0) {
            os_console = oscon_raw();
            opts.realtime = true;
            if (os_console)
                fprintf(stderr, "vx86 os: console on this terminal; Ctrl-] leaves\r\n");
        } else if (!opts.serial_input_file && !isatty(STDIN_FILENO)) {
            opts.serial_input_file = "-";
        }
        rc = run_image(&opts);
        oscon_restore();
    } else {
        usage_error(err);
    }
    cli_run_options_free(&opts);
    free(args);
    return rc;
}

/* vx86 with no arguments: the demo (emu/demo.c) boots the toy OS beside the binary (os/), which
 * runs two containers and two VMs of guest/demo.elf; found wherever we run from. */
static int run_demo(const char *argv0)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
    } else {
        snprintf(exe, sizeof exe, "%s", argv0);
    }
    const char *bindir = dirname(exe);
    static const char *const NEEDS[] = { "os/kernel.elf", "os/initrd.img", "guest/demo.elf" };
    for (size_t i = 0; i < sizeof NEEDS / sizeof NEEDS[0]; i++) {
        char path[PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/%s", bindir, NEEDS[i]);
        /* Show the path relative to the current directory when it lies below it. */
        const char *shown = path;
        char cwd[PATH_MAX];
        if (getcwd(cwd, sizeof cwd)) {
            size_t len = strlen(cwd);
            if (strncmp(path, cwd, len) == 0 && path[len] == '/')
                shown = path + len + 1;
        }
        struct stat st;
        if (stat(path, &st) != 0) {
            fprintf(stderr, "vx86: demo image %s not found; run 'make' first\n", shown);
            return CLI_EXIT_IMAGE;
        }
    }
    return demo_run(bindir, argv0);
}

/* The lab engine knows no front end: `vx86 lab` on a terminal gets the TUI's lab screen here. */
static lab_ui *tui_lab_screen(const char *title)
{
    static const tui_command_hook LUA_HOOK = { vxlua_command_create, vxlua_command, vxlua_command_destroy };
    return tui_lab_ui_create(&LUA_HOOK, title);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return run_demo(argv[0]);
    const char *cmd = argv[1];
    if (is_help(cmd) || strcmp(cmd, "help") == 0) {
        fputs(USAGE, stdout);
        fputs(RUN_OPTIONS, stdout);
        fputs(OTHER_OPTIONS, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        puts("vx86 " CLI_VERSION);
        return 0;
    }
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "os") == 0)
        return cmd_os(argc - 2, argv + 2);
    if (strcmp(cmd, "costs") == 0) {
        if (argc == 3 && is_help(argv[2])) {
            fputs(COSTS_USAGE, stdout);
            return 0;
        }
        if (argc > 2)
            return usage_error("'costs' takes no arguments");
        costs defaults;
        costs_defaults(&defaults);
        costs_write(stdout, &defaults);
        return 0;
    }
    if (strcmp(cmd, "tui") == 0) {
        static const tui_command_hook lua_hook = { vxlua_command_create, vxlua_command, vxlua_command_destroy };
        tui_set_command_hook(&lua_hook);
        return tui_main(argc - 2, argv + 2);
    }
    if (strcmp(cmd, "lab") == 0) {
        lab_set_terminal_ui(tui_lab_screen);
        lab_set_window_ui(gui_lab_ui_create);
        return lab_main(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "lua") == 0)
        return vxlua_script_main(argc - 1, argv + 1);
    if (strcmp(cmd, "grade") == 0)
        return grade_main(argc - 1, argv + 1);
    if (strcmp(cmd, "gui") == 0)
        return gui_main(argc - 2, argv + 2);
    if (strcmp(cmd, "picture") == 0)
        return picture_main(argc - 2, argv + 2);
    char msg[256];
    if (cmd[0] == '-')
        snprintf(msg, sizeof msg, "unknown option '%s'", cmd);
    else
        snprintf(msg, sizeof msg, "unknown command '%s'", cmd);
    return usage_error(msg);
}
