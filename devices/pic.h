/* 8259A programmable interrupt controller pair, wired as on the PC/AT: master at 0x20-0x21,
 * slave at 0xA0-0xA1, slave INT on master IR2. Edge- or level-triggered, 8086 mode, auto-EOI,
 * non-specific and specific EOI, OCW3 IRR/ISR reads, poll mode and special mask mode.
 * Priority rotation is not modelled (IR0 is always highest); rotate commands act as their
 * plain EOI counterparts. */
#ifndef VX86_PIC_H
#define VX86_PIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/dev.h"
#include "devices/pic_abi.h"   /* ports and command words */

typedef struct pic_chip {
    uint8_t irr, isr, imr;
    uint8_t line_levels;       /* last level seen on each IR input (for edge detection) */
    uint8_t vector_base;       /* ICW2 & 0xF8 */
    uint8_t icw3;
    uint8_t init_step;         /* 0 = operational; 2, 3, 4 = next ICW expected */
    bool icw4_expected, single, level_triggered, auto_eoi, x86_mode;
    bool read_isr;             /* OCW3 RR/RIS: even-port reads return ISR instead of IRR */
    bool poll;                 /* OCW3 P: next even-port read is a poll */
    bool special_mask;         /* OCW3 SMM */
} pic_chip;

typedef struct pic {
    pic_chip chip[2];          /* 0 = master, 1 = slave */
    bool intr;                 /* the INTR output to the CPU */
    const dev_host *host;
    void (*intr_changed)(void *ctx, bool level);
    void *intr_ctx;
} pic;

/* `intr_changed` (may be NULL) is called whenever the INTR output changes level. */
void pic_init(pic *d, const dev_host *host, void (*intr_changed)(void *ctx, bool level), void *ctx);
uint32_t pic_io_read(pic *d, uint16_t port, int size);
void pic_io_write(pic *d, uint16_t port, int size, uint32_t value);

/* Drive ISA IRQ line 0-15. Line 2 is redirected to IRQ 9 as on the AT bus (IR2 is the cascade). */
void pic_set_irq(pic *d, int line, bool level);
/* True when INTR is asserted: an unmasked request outranks everything in service. */
bool pic_has_interrupt(const pic *d);
/* The CPU's interrupt acknowledge: returns the vector and moves the request from IRR to ISR.
 * With nothing to deliver it returns the spurious vector of IR7 (master) or IR15 (slave). */
int pic_ack(pic *d);

/* Snapshot: returns the bytes needed, writing them only if cap suffices. Load keeps the
 * host and callback given to pic_init and returns false for a malformed buffer. */
size_t pic_save(const pic *d, uint8_t *buf, size_t cap);
bool pic_load(pic *d, const uint8_t *buf, size_t len);

#endif
