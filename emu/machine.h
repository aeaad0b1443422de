/* The machine API: the one door through which the CLI, the Lua module, the TUI, the GUI and the
 * GDB stub drive vx86. Nothing outside emu/ touches CPU or device internals. */
#ifndef VX86_MACHINE_H
#define VX86_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MACHINE_MAX_MODULES 16

typedef struct machine_module {
    const char *path;
    const char *args;      /* may be NULL; the multiboot string is "path args" */
} machine_module;

struct costs;
struct trace;

typedef struct machine_config {
    const char *kernel;                 /* Multiboot v1 ELF32 image */
    const char *cmdline;                /* appended after the image path, may be NULL */
    machine_module modules[MACHINE_MAX_MODULES];
    int module_count;
    uint32_t memory_bytes;              /* default 64 MiB */
    /* Serial (COM1) output sink; NULL writes to stdout. */
    void (*serial_out)(void *ctx, uint8_t byte);
    void *serial_ctx;
    const struct costs *costs;          /* virtual-time cost table (emu/costs.h); NULL = defaults */
    size_t trace_capacity;              /* events kept in the trace ring; 0 = TRACE_DEFAULT_CAPACITY */
} machine_config;

typedef enum machine_stop {
    MACHINE_STOP_LIMIT,      /* ran the requested number of cycles */
    MACHINE_STOP_EXIT,       /* guest wrote the debug-exit port: see machine_exit_status */
    MACHINE_STOP_HALTED,     /* HLT with interrupts off and nothing scheduled: the guest is done */
    MACHINE_STOP_SHUTDOWN,   /* triple fault */
    MACHINE_STOP_BREAK,      /* a breakpoint or an explicit stop request */
} machine_stop;

typedef struct machine machine;

/* Build a machine and load the image. On failure returns NULL and writes a one-line message
 * naming the file and the problem into err. */
machine *machine_create(const machine_config *cfg, char *err, size_t errlen);
void machine_destroy(machine *m);

/* Run until `cycles` more cycles have elapsed or the guest stops. */
machine_stop machine_run(machine *m, uint64_t cycles);
/* Status as QEMU's isa-debug-exit reports it: (value << 1) | 1. */
int machine_exit_status(const machine *m);

uint64_t machine_cycles(const machine *m);
uint64_t machine_instructions(const machine *m);

/* Register access by name ("eax", "eip", "eflags", "cr3", "cs", ...). Returns false if unknown. */
bool machine_get_reg(machine *m, const char *name, uint64_t *value);
bool machine_set_reg(machine *m, const char *name, uint64_t value);

/* Physical memory access (bounds-checked; returns false outside RAM). */
bool machine_read_phys(machine *m, uint32_t paddr, void *buf, size_t len);
bool machine_write_phys(machine *m, uint32_t paddr, const void *buf, size_t len);

/* Queue bytes for the guest's COM1 receiver. */
void machine_serial_input(machine *m, const uint8_t *bytes, size_t len);

/* Virtual time: the clock rate that converts cycles to guest seconds (PIT, trace timestamps). */
uint64_t machine_cycles_per_second(const machine *m);

/* The cost table in force. Setting it drops decoded instructions (they cache their cost), so it
 * is cheap only between runs. machine_load_costs reads a cost file over the current table; on
 * error nothing changes and err holds "FILE:LINE: problem". */
const struct costs *machine_costs(const machine *m);
void machine_set_costs(machine *m, const struct costs *c);
bool machine_load_costs(machine *m, const char *path, char *err, size_t errlen);

/* The trace ring buffer (emu/trace.h): CPU events and trace-probe records, cycle-stamped. */
struct trace *machine_trace(machine *m);

/* The underlying cpu (for emu/ internals and tests only). */
struct cpu *machine_cpu(machine *m);

/* Snapshots (emu/snapshot.c): the whole machine state, versioned and CRC-checked, so that a
 * restored machine continues exactly as the original would have (same output, same cycle and
 * instruction counts). Serial output already produced is not part of it. On failure these return
 * false/NULL and write one line, "NAME: problem", into err: "not a vx86 snapshot", "snapshot
 * version N, this vx86 reads version M", "truncated (expected N bytes, got M)", "checksum
 * mismatch (corrupted)", "RAM size mismatch (...)".
 * to_buffer hands back a malloc'd buffer (free() it). from_buffer restores into an existing
 * machine of the same RAM size; `name` (may be NULL) names the snapshot in errors. restore builds
 * a new machine from a file, with the snapshot's RAM size and the rest of cfg (serial sink,
 * trace capacity; may be NULL); the image is not loaded again. */
bool machine_snapshot_to_buffer(machine *m, uint8_t **buf, size_t *len, char *err, size_t errlen);
bool machine_snapshot_from_buffer(machine *m, const uint8_t *buf, size_t len, const char *name, char *err,
                                  size_t errlen);
bool machine_snapshot_save(machine *m, const char *path, char *err, size_t errlen);
machine *machine_snapshot_restore(const char *path, const machine_config *cfg, char *err, size_t errlen);
/* The kernel image the machine was built from (restored from a snapshot), or NULL. */
const char *machine_kernel_path(const machine *m);

#endif
