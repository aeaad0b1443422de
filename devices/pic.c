/* 8259A pair. Facts from the Intel 8259A datasheet (231468). */
#include "devices/pic.h"

#include <string.h>

#include "devices/devsnap.h"

#define PIC_SNAP_VERSION 1

static void chip_reset(pic_chip *c)
{
    uint8_t levels = c->line_levels;
    memset(c, 0, sizeof *c);
    c->line_levels = levels;   /* inputs keep their electrical level across re-initialisation */
}

/* Highest-priority request that may interrupt now, or -1. IR0 is highest. */
static int chip_pending(const pic_chip *c)
{
    uint8_t req = c->irr & (uint8_t)~c->imr;
    if (c->special_mask)
        req &= (uint8_t)~c->isr;   /* SMM: only the in-service level itself is inhibited */
    for (int i = 0; i < 8; i++) {
        uint8_t bit = (uint8_t)(1u << i);
        if (!c->special_mask && (c->isr & bit))
            return -1;             /* fully nested: an in-service level blocks itself and below */
        if (req & bit)
            return i;
    }
    return -1;
}

static void chip_set_line(pic_chip *c, int irq, bool level)
{
    uint8_t bit = (uint8_t)(1u << irq);
    if (c->level_triggered) {
        if (level) c->irr |= bit;
        else c->irr &= (uint8_t)~bit;
    } else if (level && !(c->line_levels & bit)) {
        c->irr |= bit;             /* a rising edge latches a request; it stays until acknowledged */
    }
    if (level) c->line_levels |= bit;
    else c->line_levels &= (uint8_t)~bit;
}

static void pic_update(pic *d)
{
    pic_chip *m = &d->chip[0];
    /* The slave's INT output is a level on master IR2, recomputed from the slave's state. */
    bool slave_int = chip_pending(&d->chip[1]) >= 0;
    uint8_t casc = 1u << PIC_CASCADE_IRQ;
    if (slave_int) m->irr |= casc;
    else m->irr &= (uint8_t)~casc;
    bool intr = chip_pending(m) >= 0;
    if (intr != d->intr) {
        d->intr = intr;
        if (d->intr_changed) d->intr_changed(d->intr_ctx, intr);
    }
}

void pic_init(pic *d, const dev_host *host, void (*intr_changed)(void *ctx, bool level), void *ctx)
{
    memset(d, 0, sizeof *d);
    d->host = host;
    d->intr_changed = intr_changed;
    d->intr_ctx = ctx;
    /* Power-on vectors as the BIOS leaves them, so a guest that forgets to initialise still
     * gets distinct vectors; all lines masked until the guest programs the chips. */
    for (int i = 0; i < 2; i++) {
        d->chip[i].vector_base = i ? 0x70 : 0x08;
        d->chip[i].imr = 0xFF;
        d->chip[i].x86_mode = true;
    }
    d->chip[0].icw3 = 1u << PIC_CASCADE_IRQ;
    d->chip[1].icw3 = PIC_CASCADE_IRQ;
}

bool pic_has_interrupt(const pic *d)
{
    return d->intr;
}

void pic_set_irq(pic *d, int line, bool level)
{
    if (line < 0 || line > 15) return;
    if (line == PIC_CASCADE_IRQ) line = 9;
    chip_set_line(&d->chip[line >> 3], line & 7, level);
    pic_update(d);
}

/* Move request irq from IRR to ISR (ISR untouched in auto-EOI mode). */
static void chip_accept(pic_chip *c, int irq)
{
    uint8_t bit = (uint8_t)(1u << irq);
    if (!c->level_triggered) c->irr &= (uint8_t)~bit;
    if (!c->auto_eoi) c->isr |= bit;
}

/* The acknowledge cycle; returns the IRQ number 0-15, or 7/15 for a spurious one
 * (then *spurious is set and no ISR bit of that chip is touched). */
static int pic_ack_irq(pic *d, bool *spurious)
{
    pic_chip *m = &d->chip[0], *s = &d->chip[1];
    *spurious = false;
    int irq = chip_pending(m);
    if (irq < 0) {
        *spurious = true;
        return 7;
    }
    chip_accept(m, irq);
    if (irq == PIC_CASCADE_IRQ && !m->single) {
        int sirq = chip_pending(s);
        if (sirq < 0) {
            /* The master's IR2 stays in service: the OS must still EOI the master. */
            *spurious = true;
            pic_update(d);
            return 15;
        }
        chip_accept(s, sirq);
        pic_update(d);
        return 8 + sirq;
    }
    pic_update(d);
    return irq;
}

int pic_ack(pic *d)
{
    bool spurious;
    int irq = pic_ack_irq(d, &spurious);
    return d->chip[irq >> 3].vector_base + (irq & 7);
}

static void chip_eoi_highest(pic_chip *c)
{
    for (int i = 0; i < 8; i++) {
        if (c->isr & (1u << i)) {
            c->isr &= (uint8_t)~(1u << i);
            return;
        }
    }
}

static void pic_write_byte(pic *d, uint16_t port, uint8_t v)
{
    int which = (port & 0xF0) == PIC_SLAVE_BASE ? 1 : 0;
    pic_chip *c = &d->chip[which];
    if ((port & 1) == 0) {
        if (v & 0x10) {            /* ICW1 */
            chip_reset(c);
            c->icw4_expected = v & 0x01;
            c->single = v & 0x02;
            c->level_triggered = v & 0x08;
            c->init_step = 2;
            c->imr = 0;
        } else if (v & 0x08) {     /* OCW3 */
            if (v & 0x02) c->read_isr = v & 0x01;
            c->poll = v & 0x04;
            if (v & 0x40) c->special_mask = v & 0x20;
        } else {                   /* OCW2: R SL EOI in bits 7-5 */
            switch (v >> 5) {
            case 1: case 5:        /* non-specific EOI (rotating variant: rotation not modelled) */
                chip_eoi_highest(c);
                break;
            case 3: case 7:        /* specific EOI (rotating variant likewise) */
                c->isr &= (uint8_t)~(1u << (v & 7));
                break;
            default:               /* set priority / rotate in auto-EOI / no-op: ignored */
                break;
            }
        }
    } else {
        switch (c->init_step) {
        case 2:
            c->vector_base = v & 0xF8;
            c->init_step = c->single ? (c->icw4_expected ? 4 : 0) : 3;
            break;
        case 3:
            c->icw3 = v;
            c->init_step = c->icw4_expected ? 4 : 0;
            break;
        case 4:
            c->x86_mode = v & 0x01;   /* 8080 mode is not modelled: vectors are always 8086 style */
            c->auto_eoi = v & 0x02;
            c->init_step = 0;
            break;
        default:
            c->imr = v;
            break;
        }
    }
    pic_update(d);
}

static uint8_t pic_read_byte(pic *d, uint16_t port)
{
    int which = (port & 0xF0) == PIC_SLAVE_BASE ? 1 : 0;
    pic_chip *c = &d->chip[which];
    if (port & 1) return c->imr;
    if (c->poll) {
        /* Poll: acts as an acknowledge on this chip; bit 7 says whether there was a request. */
        c->poll = false;
        int irq = chip_pending(c);
        if (irq < 0) return 0;
        chip_accept(c, irq);
        pic_update(d);
        return (uint8_t)(0x80 | irq);
    }
    return c->read_isr ? c->isr : c->irr;
}

static bool pic_owns(uint16_t port)
{
    return (port & 0xFFFE) == PIC_MASTER_BASE || (port & 0xFFFE) == PIC_SLAVE_BASE;
}

uint32_t pic_io_read(pic *d, uint16_t port, int size)
{
    uint32_t v = 0;
    for (int i = 0; i < size && i < 4; i++) {
        uint16_t p = (uint16_t)(port + i);
        uint32_t b = pic_owns(p) ? pic_read_byte(d, p) : 0xFF;
        v |= b << (8 * i);
    }
    return v;
}

void pic_io_write(pic *d, uint16_t port, int size, uint32_t value)
{
    for (int i = 0; i < size && i < 4; i++) {
        uint16_t p = (uint16_t)(port + i);
        if (pic_owns(p)) pic_write_byte(d, p, (uint8_t)(value >> (8 * i)));
    }
}

size_t pic_save(const pic *d, uint8_t *buf, size_t cap)
{
    devsnap_writer w = { buf, cap, 0 };
    devsnap_put_u8(&w, PIC_SNAP_VERSION);
    for (int i = 0; i < 2; i++) {
        const pic_chip *c = &d->chip[i];
        devsnap_put_u8(&w, c->irr);
        devsnap_put_u8(&w, c->isr);
        devsnap_put_u8(&w, c->imr);
        devsnap_put_u8(&w, c->line_levels);
        devsnap_put_u8(&w, c->vector_base);
        devsnap_put_u8(&w, c->icw3);
        devsnap_put_u8(&w, c->init_step);
        uint8_t flags = (uint8_t)(c->icw4_expected | c->single << 1 | c->level_triggered << 2 |
                                  c->auto_eoi << 3 | c->x86_mode << 4 | c->read_isr << 5 |
                                  c->poll << 6 | c->special_mask << 7);
        devsnap_put_u8(&w, flags);
    }
    devsnap_put_u8(&w, d->intr);
    return devsnap_finish(&w);
}

bool pic_load(pic *d, const uint8_t *buf, size_t len)
{
    devsnap_reader r = { buf, len, 0, true };
    if (devsnap_get_u8(&r) != PIC_SNAP_VERSION) return false;
    pic_chip chips[2];
    for (int i = 0; i < 2; i++) {
        pic_chip *c = &chips[i];
        c->irr = devsnap_get_u8(&r);
        c->isr = devsnap_get_u8(&r);
        c->imr = devsnap_get_u8(&r);
        c->line_levels = devsnap_get_u8(&r);
        c->vector_base = devsnap_get_u8(&r);
        c->icw3 = devsnap_get_u8(&r);
        c->init_step = devsnap_get_u8(&r);
        uint8_t f = devsnap_get_u8(&r);
        c->icw4_expected = f & 1;
        c->single = f & 2;
        c->level_triggered = f & 4;
        c->auto_eoi = f & 8;
        c->x86_mode = f & 16;
        c->read_isr = f & 32;
        c->poll = f & 64;
        c->special_mask = f & 128;
        if (c->init_step != 0 && (c->init_step < 2 || c->init_step > 4)) return false;
    }
    bool intr = devsnap_get_u8(&r);
    if (!devsnap_done(&r)) return false;
    d->chip[0] = chips[0];
    d->chip[1] = chips[1];
    d->intr = intr;
    return true;
}
