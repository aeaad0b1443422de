/* 8254 programmable interval timer at 0x40-0x43 (channel 0 drives IRQ 0) plus the gate and
 * output bits of channel 2 in system control port B (0x61).
 *
 * Counters run on virtual time: nothing ticks per cycle. A channel remembers when it started
 * counting; reads compute the count from host->now(), and channel 0's next rising output edge
 * is scheduled with host->set_timer. PIT ticks = cycles * 1193182 / cycles_per_second, exact.
 * Simplifications: counting starts on the tick the count is written (no one-clock load delay);
 * a new count in modes 2/3 restarts the period at once rather than at the end of the current
 * one; BCD counting is accepted but counts in binary; the IRQ 0 line is pulsed (low then high)
 * at each rising output edge instead of following mode 3's square wave. */
#ifndef VX86_PIT_H
#define VX86_PIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/dev.h"
#include "devices/pit_abi.h"   /* ports, input clock, control word */

typedef struct pit_channel {
    uint8_t mode;              /* 0-5 (6 and 7 are stored as 2 and 3) */
    uint8_t access;            /* 1 = low byte, 2 = high byte, 3 = low then high */
    bool bcd;
    bool armed;                /* a count was loaded since the mode was set */
    bool gate;
    bool paused;               /* gate low stopped counting; elapsed frozen in paused_elapsed */
    bool triggered;            /* modes 1 and 5: a gate rising edge started the count */
    bool write_hi_next, read_hi_next;
    uint8_t write_lo;
    uint8_t latch_bytes;       /* latched count bytes still to be read (0 = not latched) */
    uint16_t latch_value;
    bool status_latched;
    uint8_t status;
    uint32_t reload;           /* 1..65536 (a written 0 means 65536) */
    uint64_t start;            /* PIT tick at which the current count began */
    uint64_t paused_elapsed;
} pit_channel;

typedef struct pit {
    pit_channel ch[3];
    uint8_t port_b;            /* bits 0-3 of port 0x61 as written */
    uint64_t next_edge;        /* PIT tick of channel 0's next rising edge, UINT64_MAX if none */
    const dev_host *host;
} pit;

/* Starts like a PC after reset: channel 0 in mode 3 at 18.2 Hz (IRQ 0 already scheduled, so
 * the host's clock and timers must work when this is called). */
void pit_init(pit *d, const dev_host *host);
/* Ports 0x40-0x43 and 0x61. */
uint32_t pit_io_read(pit *d, uint16_t port, int size);
void pit_io_write(pit *d, uint16_t port, int size, uint32_t value);

/* Virtual time conversions (exact integer math, no overflow for any 64-bit cycle count). */
uint64_t pit_ticks_at(const dev_host *host, uint64_t cycles);
/* The first cycle at which pit_ticks_at() reaches `ticks`. */
uint64_t pit_cycle_of_tick(const dev_host *host, uint64_t ticks);

/* Snapshot: bytes needed returned, written if cap suffices. Load re-arms channel 0's timer. */
size_t pit_save(const pit *d, uint8_t *buf, size_t cap);
bool pit_load(pit *d, const uint8_t *buf, size_t len);

#endif
