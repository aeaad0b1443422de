/* What a device model sees of the machine: virtual time, timers and interrupt lines.
 * Devices include nothing from cpu/ or emu/; emu/machine.c wires them to the bus. */
#ifndef VX86_DEV_H
#define VX86_DEV_H

#include <stdbool.h>
#include <stdint.h>

typedef struct dev_host {
    void *ctx;
    /* Current virtual time in cycles. */
    uint64_t (*now)(void *ctx);
    /* Call `fn(arg)` when virtual time reaches `at` (replaces any earlier timer with the same
     * fn/arg pair); at == UINT64_MAX cancels it. */
    void (*set_timer)(void *ctx, void (*fn)(void *arg), void *arg, uint64_t at);
    /* Drive an ISA IRQ line (0-15) to a level (edge-triggered PIC sees the rising edge). */
    void (*irq)(void *ctx, int line, bool level);
    /* Cycles per second of virtual time (the PIT's 1.193182 MHz is derived from it). */
    uint64_t cycles_per_second;
} dev_host;

#endif
