/* 8254 PIT on virtual time. Facts from the Intel 82C54 datasheet (231244). */
#include "devices/pit.h"

#include <string.h>

#include "devices/devsnap.h"

#define PIT_SNAP_VERSION 1
#define PIT_REFRESH_TICKS 18      /* port B bit 4 toggles every ~15 us (DRAM refresh) */

static uint64_t host_cps(const dev_host *host)
{
    /* A missing rate would divide by zero; run the PIT at one tick per cycle instead. */
    return host->cycles_per_second ? host->cycles_per_second : PIT_HZ;
}

/* Split into whole seconds and a remainder so the products stay below 2^64 for any
 * cycles_per_second under 2^43 (far beyond any emulated clock). */
uint64_t pit_ticks_at(const dev_host *host, uint64_t cycles)
{
    uint64_t cps = host_cps(host);
    return cycles / cps * PIT_HZ + cycles % cps * PIT_HZ / cps;
}

uint64_t pit_cycle_of_tick(const dev_host *host, uint64_t ticks)
{
    uint64_t cps = host_cps(host);
    uint64_t rem = ticks % PIT_HZ * cps;
    return ticks / PIT_HZ * cps + (rem + PIT_HZ - 1) / PIT_HZ;
}

static uint64_t now_ticks(const pit *d)
{
    return pit_ticks_at(d->host, d->host->now(d->host->ctx));
}

static bool counts_with_gate(const pit_channel *c)
{
    return c->mode != 1 && c->mode != 5;   /* modes 1 and 5 are triggered, not enabled, by gate */
}

static bool is_counting(const pit_channel *c)
{
    if (!c->armed) return false;
    if (!counts_with_gate(c)) return c->triggered;
    return true;
}

static uint64_t elapsed(const pit_channel *c, uint64_t now)
{
    if (c->paused) return c->paused_elapsed;
    return now > c->start ? now - c->start : 0;
}

static uint16_t count_value(const pit_channel *c, uint64_t now)
{
    if (!is_counting(c)) return (uint16_t)c->reload;
    uint64_t e = elapsed(c, now);
    uint64_t n = c->reload;
    switch (c->mode) {
    case 2:
        return (uint16_t)(n - e % n);
    case 3: {
        /* Counts down by two through each half period; odd counts start one lower. */
        uint64_t pos = e % n, high_len = (n + 1) / 2, even = n & ~(uint64_t)1;
        uint64_t v = pos < high_len ? even - 2 * pos : even - 2 * (pos - high_len);
        return (uint16_t)v;
    }
    default:                   /* modes 0, 1, 4, 5: count down once, then wrap through 0xFFFF */
        return (uint16_t)(n - e);
    }
}

static bool out_level(const pit_channel *c, uint64_t now)
{
    if (!c->armed) return c->mode != 0;
    if (!is_counting(c)) return true;     /* modes 1/5 before their trigger */
    if (c->paused && (c->mode == 2 || c->mode == 3)) return true;
    uint64_t e = elapsed(c, now), n = c->reload;
    switch (c->mode) {
    case 0: case 1: return e >= n;
    case 2: return e % n != n - 1;        /* low for the one tick when the count is 1 */
    case 3: return e % n < (n + 1) / 2;
    default: return e != n;               /* modes 4, 5: one low tick at terminal count */
    }
}

/* Absolute tick of the channel's next rising output edge after `now`, or UINT64_MAX. */
static uint64_t next_rise(const pit_channel *c, uint64_t now)
{
    if (!is_counting(c) || c->paused) return UINT64_MAX;
    uint64_t e = elapsed(c, now), n = c->reload;
    switch (c->mode) {
    case 0: case 1: return e < n ? c->start + n : UINT64_MAX;
    case 4: case 5: return e < n + 1 ? c->start + n + 1 : UINT64_MAX;
    default: return c->start + (e / n + 1) * n;
    }
}

static void pit_timer_fired(void *arg);

static void schedule_channel0(pit *d, uint64_t now)
{
    d->next_edge = next_rise(&d->ch[0], now);
    uint64_t at = d->next_edge == UINT64_MAX ? UINT64_MAX : pit_cycle_of_tick(d->host, d->next_edge);
    d->host->set_timer(d->host->ctx, pit_timer_fired, d, at);
}

static void pit_timer_fired(void *arg)
{
    pit *d = arg;
    uint64_t now = now_ticks(d);
    if (d->next_edge != UINT64_MAX && now >= d->next_edge) {
        d->host->irq(d->host->ctx, PIT_IRQ, false);
        d->host->irq(d->host->ctx, PIT_IRQ, true);
    }
    schedule_channel0(d, now);
}

/* Channel state changed at `now`: re-plan channel 0's edges. A falling output is passed on,
 * but a rise from programming is not: the PIC would take it for a timer tick, while on a PC the
 * output of a running counter is already high when the OS reprograms it. */
static void channel_changed(pit *d, int idx, uint64_t now)
{
    if (idx != 0) return;
    if (!out_level(&d->ch[0], now)) d->host->irq(d->host->ctx, PIT_IRQ, false);
    schedule_channel0(d, now);
}

void pit_init(pit *d, const dev_host *host)
{
    memset(d, 0, sizeof *d);
    d->host = host;
    d->next_edge = UINT64_MAX;
    /* As QEMU's reset (and a PC BIOS) leaves it: every channel in mode 3 with count 65536, so
     * channel 0 already ticks at 18.2 Hz; channel 2 waits for its gate. */
    uint64_t now = now_ticks(d);
    for (int i = 0; i < 3; i++) {
        pit_channel *c = &d->ch[i];
        c->mode = 3;
        c->access = 3;
        c->reload = 65536;
        c->gate = i != 2;             /* channels 0 and 1 have their gates tied high */
        c->armed = true;
        c->start = now;
        c->paused = !c->gate;
    }
    schedule_channel0(d, now);
}

static void load_count(pit *d, int idx, uint32_t raw, uint64_t now)
{
    pit_channel *c = &d->ch[idx];
    c->reload = raw ? raw : 65536;
    c->armed = true;
    c->start = now;
    c->triggered = false;
    c->paused = counts_with_gate(c) && !c->gate;
    c->paused_elapsed = 0;
    channel_changed(d, idx, now);
}

static void write_control(pit *d, uint8_t v, uint64_t now)
{
    int sel = v >> 6;
    if (sel == 3) {            /* read-back: bit 5 clear = latch counts, bit 4 clear = latch status */
        for (int i = 0; i < 3; i++) {
            if (!(v & (2u << i))) continue;
            pit_channel *c = &d->ch[i];
            if (!(v & 0x20) && !c->latch_bytes) {
                c->latch_value = count_value(c, now);
                c->latch_bytes = c->access == 3 ? 2 : 1;
                c->read_hi_next = false;
            }
            if (!(v & 0x10) && !c->status_latched) {
                c->status = (uint8_t)(out_level(c, now) << 7 | (!c->armed) << 6 | c->access << 4 |
                                      c->mode << 1 | c->bcd);
                c->status_latched = true;
            }
        }
        return;
    }
    pit_channel *c = &d->ch[sel];
    uint8_t access = (v >> 4) & 3;
    if (access == 0) {         /* counter latch: a second latch before reading is ignored */
        if (!c->latch_bytes) {
            c->latch_value = count_value(c, now);
            c->latch_bytes = c->access == 3 ? 2 : 1;
            c->read_hi_next = false;
        }
        return;
    }
    uint8_t mode = (v >> 1) & 7;
    c->mode = mode > 5 ? mode - 4 : mode;
    c->access = access;
    c->bcd = v & 1;
    c->armed = false;
    c->triggered = false;
    c->paused = false;
    c->write_hi_next = c->read_hi_next = false;
    c->latch_bytes = 0;
    c->status_latched = false;
    channel_changed(d, sel, now);
}

static void write_counter(pit *d, int idx, uint8_t v, uint64_t now)
{
    pit_channel *c = &d->ch[idx];
    switch (c->access) {
    case 1: load_count(d, idx, v, now); break;
    case 2: load_count(d, idx, (uint32_t)v << 8, now); break;
    default:
        if (!c->write_hi_next) {
            c->write_lo = v;
            c->write_hi_next = true;
            if (c->mode == 0) {        /* mode 0: the first byte stops the count, OUT low */
                c->armed = false;
                channel_changed(d, idx, now);
            }
        } else {
            c->write_hi_next = false;
            load_count(d, idx, c->write_lo | (uint32_t)v << 8, now);
        }
        break;
    }
}

static uint8_t read_counter(pit *d, int idx, uint64_t now)
{
    pit_channel *c = &d->ch[idx];
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    bool latched = c->latch_bytes > 0;
    uint16_t v = latched ? c->latch_value : count_value(c, now);
    uint8_t b;
    switch (c->access) {
    case 1: b = (uint8_t)v; c->latch_bytes = 0; break;
    case 2: b = (uint8_t)(v >> 8); c->latch_bytes = 0; break;
    default:
        b = c->read_hi_next ? (uint8_t)(v >> 8) : (uint8_t)v;
        c->read_hi_next = !c->read_hi_next;
        if (latched) c->latch_bytes--;
        break;
    }
    return b;
}

static void set_gate(pit *d, int idx, bool gate, uint64_t now)
{
    pit_channel *c = &d->ch[idx];
    if (gate == c->gate) return;
    c->gate = gate;
    if (!c->armed) return;
    if (!gate) {
        if (counts_with_gate(c) && !c->paused) {
            c->paused_elapsed = elapsed(c, now);
            c->paused = true;
        }
    } else if (!counts_with_gate(c) || c->mode == 2 || c->mode == 3) {
        /* Rising gate (re)starts modes 1, 5 and reloads modes 2, 3. */
        c->triggered = true;
        c->start = now;
        c->paused = false;
    } else if (c->paused) {
        c->start = now - c->paused_elapsed;
        c->paused = false;
    }
    channel_changed(d, idx, now);
}

static uint8_t pit_read_byte(pit *d, uint16_t port)
{
    uint64_t now = now_ticks(d);
    if (port == PIT_PORT_B) {
        bool refresh = (now / PIT_REFRESH_TICKS) & 1;
        return (uint8_t)((d->port_b & 0x0F) | refresh << 4 | out_level(&d->ch[2], now) << 5);
    }
    if (port >= PIT_BASE && port < PIT_BASE + 3) return read_counter(d, port - PIT_BASE, now);
    return 0xFF;                  /* the control register is write-only */
}

static void pit_write_byte(pit *d, uint16_t port, uint8_t v)
{
    uint64_t now = now_ticks(d);
    if (port == PIT_PORT_B) {
        d->port_b = v & 0x0F;
        set_gate(d, 2, v & 1, now);
    } else if (port == PIT_BASE + 3) {
        write_control(d, v, now);
    } else if (port >= PIT_BASE && port < PIT_BASE + 3) {
        write_counter(d, port - PIT_BASE, v, now);
    }
}

uint32_t pit_io_read(pit *d, uint16_t port, int size)
{
    uint32_t v = 0;
    for (int i = 0; i < size && i < 4; i++)
        v |= (uint32_t)pit_read_byte(d, (uint16_t)(port + i)) << (8 * i);
    return v;
}

void pit_io_write(pit *d, uint16_t port, int size, uint32_t value)
{
    for (int i = 0; i < size && i < 4; i++)
        pit_write_byte(d, (uint16_t)(port + i), (uint8_t)(value >> (8 * i)));
}

size_t pit_save(const pit *d, uint8_t *buf, size_t cap)
{
    devsnap_writer w = { buf, cap, 0 };
    devsnap_put_u8(&w, PIT_SNAP_VERSION);
    for (int i = 0; i < 3; i++) {
        const pit_channel *c = &d->ch[i];
        devsnap_put_u8(&w, c->mode);
        devsnap_put_u8(&w, c->access);
        devsnap_put_u8(&w, (uint8_t)(c->bcd | c->armed << 1 | c->gate << 2 | c->paused << 3 |
                                     c->triggered << 4 | c->write_hi_next << 5 |
                                     c->read_hi_next << 6 | c->status_latched << 7));
        devsnap_put_u8(&w, c->write_lo);
        devsnap_put_u8(&w, c->latch_bytes);
        devsnap_put_u16(&w, c->latch_value);
        devsnap_put_u8(&w, c->status);
        devsnap_put_u32(&w, c->reload);
        devsnap_put_u64(&w, c->start);
        devsnap_put_u64(&w, c->paused_elapsed);
    }
    devsnap_put_u8(&w, d->port_b);
    devsnap_put_u64(&w, d->next_edge);
    return devsnap_finish(&w);
}

bool pit_load(pit *d, const uint8_t *buf, size_t len)
{
    devsnap_reader r = { buf, len, 0, true };
    if (devsnap_get_u8(&r) != PIT_SNAP_VERSION) return false;
    pit_channel ch[3];
    for (int i = 0; i < 3; i++) {
        pit_channel *c = &ch[i];
        c->mode = devsnap_get_u8(&r);
        c->access = devsnap_get_u8(&r);
        uint8_t f = devsnap_get_u8(&r);
        c->bcd = f & 1;
        c->armed = f & 2;
        c->gate = f & 4;
        c->paused = f & 8;
        c->triggered = f & 16;
        c->write_hi_next = f & 32;
        c->read_hi_next = f & 64;
        c->status_latched = f & 128;
        c->write_lo = devsnap_get_u8(&r);
        c->latch_bytes = devsnap_get_u8(&r);
        c->latch_value = devsnap_get_u16(&r);
        c->status = devsnap_get_u8(&r);
        c->reload = devsnap_get_u32(&r);
        c->start = devsnap_get_u64(&r);
        c->paused_elapsed = devsnap_get_u64(&r);
        if (c->mode > 5 || c->access < 1 || c->access > 3 || c->latch_bytes > 2 ||
            c->reload < 1 || c->reload > 65536)
            return false;
    }
    uint8_t port_b = devsnap_get_u8(&r);
    uint64_t next_edge = devsnap_get_u64(&r);
    if (!devsnap_done(&r)) return false;
    memcpy(d->ch, ch, sizeof ch);
    d->port_b = port_b;
    d->next_edge = next_edge;
    uint64_t at = next_edge == UINT64_MAX ? UINT64_MAX : pit_cycle_of_tick(d->host, next_edge);
    d->host->set_timer(d->host->ctx, pit_timer_fired, d, at);
    return true;
}
