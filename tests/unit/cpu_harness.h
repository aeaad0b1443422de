/* cpu_harness.h: a vx86 CPU on a plain RAM bus, for unit tests (header-only).
 *
 * A harness owns one cpu and a small RAM. It lays out a flat GDT and an IDT whose every gate
 * points at a HLT, so any guest exception ends in a halt instead of a triple fault, and it
 * records every event the CPU reports (the first exception vector is what most tests check).
 *
 * Guest physical layout (identity-mapped, paging off):
 *   0x1000 GDT, 0x2000 IDT (256 gates), 0x3000 exception handler (HLT; JMP back),
 *   0x4000 test code, 0x8000-0xF000 stack (ESP starts at 0xF000),
 *   0x10000 data scratch (oracle memory operands). */
#ifndef VX86_TEST_CPU_HARNESS_H
#define VX86_TEST_CPU_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"

#define HARNESS_GDT 0x1000u
#define HARNESS_IDT 0x2000u
#define HARNESS_HANDLER 0x3000u
#define HARNESS_CODE 0x4000u
#define HARNESS_STACK_TOP 0xF000u
#define HARNESS_DATA 0x10000u
#define HARNESS_RAM_DEFAULT 0x20000u
#define HARNESS_MAX_EVENTS 16

typedef struct harness {
    cpu c;
    uint8_t *ram;
    uint32_t ram_size;
    cpu_event events[HARNESS_MAX_EVENTS];
    int event_count;         /* may exceed HARNESS_MAX_EVENTS; only the first ones are kept */
    int first_exception;     /* vector of the first CPU_EV_EXCEPTION, or -1 */
    uint16_t code_sel, data_sel;
} harness;

static inline uint32_t harness_io_in(void *ctx, uint16_t port, int size)
{
    (void)ctx; (void)port; (void)size;
    return 0xFFFFFFFFu;   /* an empty ISA bus floats high */
}

static inline void harness_io_out(void *ctx, uint16_t port, int size, uint32_t value)
{
    (void)ctx; (void)port; (void)size; (void)value;
}

static inline int harness_intr_ack(void *ctx)
{
    (void)ctx;
    return -1;
}

static inline void harness_event(void *ctx, const cpu_event *ev)
{
    harness *h = ctx;
    if (h->event_count < HARNESS_MAX_EVENTS)
        h->events[h->event_count] = *ev;
    h->event_count++;
    if (ev->kind == CPU_EV_EXCEPTION && h->first_exception < 0)
        h->first_exception = (int)ev->vector;
}

static inline void harness_put32(harness *h, uint32_t addr, uint32_t v)
{
    memcpy(h->ram + addr, &v, 4);
}

/* An 8-byte flat 4 GiB descriptor: access byte `access`, G=1, D=1. */
static inline void harness_flat_desc(harness *h, uint16_t sel, uint8_t access)
{
    uint32_t at = HARNESS_GDT + (sel & ~7u);
    harness_put32(h, at, 0x0000FFFFu);
    harness_put32(h, at + 4, 0x00CF0000u | ((uint32_t)access << 8));
}

/* Write the GDT, IDT and handler into RAM and point the CPU's registers at them. */
static inline void harness_lay_out_tables(harness *h)
{
    cpu *c = &h->c;
    memset(h->ram + HARNESS_GDT, 0, 0x3000);
    harness_flat_desc(h, h->code_sel, 0x9B);
    harness_flat_desc(h, h->data_sel, 0x93);
    c->gdtr.base = HARNESS_GDT;
    c->gdtr.limit = 0x3F;   /* 8 descriptors */
    for (uint32_t v = 0; v < 256; v++) {
        uint32_t gate = HARNESS_IDT + v * 8;
        /* 32-bit interrupt gate, DPL 0, present, offset HARNESS_HANDLER */
        harness_put32(h, gate, ((uint32_t)h->code_sel << 16) | (HARNESS_HANDLER & 0xFFFF));
        harness_put32(h, gate + 4, (HARNESS_HANDLER & 0xFFFF0000u) | 0x8E00u);
    }
    c->idtr.base = HARNESS_IDT;
    c->idtr.limit = 256 * 8 - 1;
    h->ram[HARNESS_HANDLER] = 0xF4;       /* hlt */
    h->ram[HARNESS_HANDLER + 1] = 0xEB;   /* jmp back to the hlt: stays halted if woken */
    h->ram[HARNESS_HANDLER + 2] = 0xFD;
}

/* Reset the CPU to flat 32-bit protected mode with our tables, and forget recorded events.
 * RAM outside the table area is left alone. */
static inline void harness_reset(harness *h)
{
    cpu *c = &h->c;
    cpu_reset_flat32(c);
    /* Keep whatever selectors the reset chose (so reloads match the cached descriptors); pick
     * the conventional ones if it left them zero. */
    h->code_sel = c->seg[S_CS].sel ? c->seg[S_CS].sel : 0x08;
    h->data_sel = c->seg[S_DS].sel ? c->seg[S_DS].sel : 0x10;
    if ((h->code_sel & ~7u) == (h->data_sel & ~7u) || h->code_sel > 0x38 || h->data_sel > 0x38) {
        h->code_sel = 0x08;
        h->data_sel = 0x10;
    }
    c->seg[S_CS].sel = h->code_sel;
    for (int s = 0; s < S_LDTR; s++)
        if (s != S_CS)
            c->seg[s].sel = h->data_sel;
    harness_lay_out_tables(h);
    cpu_invalidate_phys(c, 0, h->ram_size);
    for (int r = 0; r < 8; r++)
        c->regs[r] = 0;
    c->regs[R_ESP] = HARNESS_STACK_TOP;
    c->eip = HARNESS_CODE;
    c->halted = false;
    c->shutdown = false;
    h->event_count = 0;
    h->first_exception = -1;
}

static inline harness *harness_new(uint32_t ram_size)
{
    harness *h = calloc(1, sizeof *h);
    if (!h) {
        fprintf(stderr, "cpu_harness.h: out of memory\n");
        abort();
    }
    h->ram_size = ram_size ? ram_size : HARNESS_RAM_DEFAULT;
    h->ram = calloc(1, h->ram_size);
    if (!h->ram) {
        fprintf(stderr, "cpu_harness.h: out of memory for %u bytes of guest RAM\n", h->ram_size);
        abort();
    }
    cpu_bus bus = {
        .ctx = h,
        .ram = h->ram,
        .ram_size = h->ram_size,
        .mmio_read = NULL,
        .mmio_write = NULL,
        .io_in = harness_io_in,
        .io_out = harness_io_out,
        .intr_ack = harness_intr_ack,
        .event = harness_event,
    };
    cpu_init(&h->c, &bus);
    harness_reset(h);
    return h;
}

static inline void harness_free(harness *h)
{
    if (!h)
        return;
    cpu_free(&h->c);
    free(h->ram);
    free(h);
}

/* Copy bytes into guest RAM (and drop any decoded code there). */
static inline void harness_load(harness *h, uint32_t addr, const void *bytes, uint32_t len)
{
    if (addr > h->ram_size || len > h->ram_size - addr) {
        fprintf(stderr, "cpu_harness.h: load of %u bytes at 0x%x is outside guest RAM\n", len, addr);
        abort();
    }
    memcpy(h->ram + addr, bytes, len);
    cpu_invalidate_phys(&h->c, addr, len);
}

/* Load code at HARNESS_CODE, set EIP there and clear the recorded events. */
static inline void harness_load_code(harness *h, const void *bytes, uint32_t len)
{
    harness_load(h, HARNESS_CODE, bytes, len);
    h->c.eip = HARNESS_CODE;
    h->c.halted = false;
    h->event_count = 0;
    h->first_exception = -1;
}

/* Execute one instruction; returns the cpu_step result. */
static inline cpu_stop harness_step(harness *h)
{
    return cpu_step(&h->c);
}

#endif
