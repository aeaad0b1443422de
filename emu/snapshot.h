/* Snapshot internals shared by emu/snapshot.c, emu/machine.c and cpu/snapshot.c. Front ends use the
 * machine_snapshot_* functions in machine.h.
 *
 * The format (all numbers little-endian, never a struct dump):
 *   header   "VX86SNAP", u32 format version, u32 0, u64 total length of the snapshot
 *   sections 4-byte ASCII tag, u64 payload length, payload; each tag exactly once:
 *     MCFG  u32 RAM bytes, u8 debug-exit seen, u32 length + kernel path (for symbols)
 *     CPU   cpu/snapshot.c: registers, segment caches, control/debug registers, MSRs, counters,
 *           interrupt state, cost table, SVM state, and the TLB and decoded-page bookkeeping
 *           that decide page-walk cycles
 *     RAM   u32 page count, bitmap of non-zero 4 KiB pages, those pages in order
 *     PIC PIT UART KBD VGA DBGP PROB   each device's own X_save blob (with its version byte)
 *     TIMR  u32 count, then (u32 device id, u64 due cycle) per pending timer; the devices re-arm
 *           their timers when loaded, and a restore checks they match this list
 *   trailer  "CRC ", u32 CRC-32 of every byte before it
 * A change to any of these layouts (including a device's) bumps SNAPSHOT_VERSION or the blob's
 * own version byte. */
#ifndef VX86_SNAPSHOT_H
#define VX86_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "devices/debugport.h"
#include "devices/i8042.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/probe.h"
#include "devices/uart.h"
#include "devices/vga.h"
#include "emu/costs.h"
#include "emu/machine.h"

#define SNAPSHOT_MAGIC "VX86SNAP"
#define SNAPSHOT_VERSION 1u
#define SNAPSHOT_HEADER_SIZE 24u
#define SNAPSHOT_TRAILER_SIZE 8u
#define SNAPSHOT_MAX_TIMERS 16
/* Limits a restore checks before it believes a file: the longest kernel path kept in MCFG, and
 * how much trailing junk is counted before the error message gives up counting. */
#define SNAPSHOT_MAX_PATH 4096u
#define SNAPSHOT_MAX_TRAILING (1ull << 20)

/* The CPU state blob is cpu_snapshot_save/load, declared in cpu/cpu.h. */

/* CRC-32 (IEEE 802.3, the zlib/PNG one): snapshot_crc32("123456789") == 0xCBF43926. */
uint32_t snapshot_crc32(const uint8_t *data, size_t len);

/* What emu/snapshot.c needs of a machine's insides (filled by emu/machine.c). Timers hold function
 * pointers, so they are described by their argument (the device) and due time only. */
typedef struct machine_parts {
    cpu *cpu;
    uint8_t *ram;
    uint32_t ram_size;
    pic *pic;
    pit *pit;
    uart *uart;
    i8042 *kbd;
    vga *vga;
    debugport *dbg;
    probe *probe;
    bool *exited;
    char **kernel_path;                 /* malloc'd, owned by the machine; may be NULL */
    costs *costs;                       /* the machine's copy of the CPU's cost table */
    int timer_count;                    /* pending timers, in slot order */
    const void *timer_arg[SNAPSHOT_MAX_TIMERS];
    uint64_t timer_at[SNAPSHOT_MAX_TIMERS];
} machine_parts;

void machine_parts_get(machine *m, machine_parts *out);
/* Cancel every pending timer (a restore re-arms them through the devices' load functions). */
void machine_timers_clear(machine *m);
/* A machine with devices reset and RAM zeroed, nothing loaded: what a restore starts from. */
machine *machine_create_blank(const machine_config *cfg, char *err, size_t errlen);

#endif
