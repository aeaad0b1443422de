/* Snapshot internals shared by emu/snapshot.c, emu/machine.c and cpu/snapshot.c. Front ends use the
 * machine_snapshot_* functions in machine.h; the file format is described in emu/README.md.
 *
 * A snapshot is: header ("VX86SNAP", u32 format version, u32 0, u64 total length), then sections
 * (4-byte ASCII tag, u64 payload length, payload), then the trailer ("CRC ", u32 CRC-32 of every byte
 * before the CRC). All numbers little-endian. */
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

/* CPU state blob (cpu/snapshot.c). save returns the bytes needed and writes them only if cap
 * suffices; load validates the whole blob before changing anything. To move into cpu/cpu.h. */
size_t cpu_snapshot_save(cpu *c, uint8_t *buf, size_t cap);
bool cpu_snapshot_load(cpu *c, const uint8_t *buf, size_t len);

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
