/* A fake dev_host for device unit tests: a settable clock, a timer list that fires in time
 * order as the clock advances, and a recorder for IRQ line levels and rising edges.
 * Header-only (static inline functions) so each test binary includes its own copy. */
#ifndef VX86_TEST_FAKE_HOST_H
#define VX86_TEST_FAKE_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "devices/dev.h"

#define FAKE_MAX_TIMERS 16

typedef struct fake_timer {
    void (*fn)(void *arg);
    void *arg;
    uint64_t at;               /* UINT64_MAX = not armed */
} fake_timer;

typedef struct fake_host {
    dev_host host;
    uint64_t now;
    fake_timer timers[FAKE_MAX_TIMERS];
    int timer_count;
    bool irq_level[16];
    int irq_rises[16];         /* rising edges seen per line */
    int irq_calls[16];
} fake_host;

static inline uint64_t fake_now(void *ctx)
{
    return ((fake_host *)ctx)->now;
}

static inline void fake_set_timer(void *ctx, void (*fn)(void *arg), void *arg, uint64_t at)
{
    fake_host *f = ctx;
    for (int i = 0; i < f->timer_count; i++) {
        if (f->timers[i].fn == fn && f->timers[i].arg == arg) {
            f->timers[i].at = at;
            return;
        }
    }
    if (f->timer_count < FAKE_MAX_TIMERS)
        f->timers[f->timer_count++] = (fake_timer){ fn, arg, at };
}

static inline void fake_irq(void *ctx, int line, bool level)
{
    fake_host *f = ctx;
    if (line < 0 || line > 15) return;
    f->irq_calls[line]++;
    if (level && !f->irq_level[line]) f->irq_rises[line]++;
    f->irq_level[line] = level;
}

static inline void fake_host_init(fake_host *f, uint64_t cycles_per_second)
{
    memset(f, 0, sizeof *f);
    f->host.ctx = f;
    f->host.now = fake_now;
    f->host.set_timer = fake_set_timer;
    f->host.irq = fake_irq;
    f->host.cycles_per_second = cycles_per_second;
}

/* Earliest armed timer, or -1. */
static inline int fake_next_timer(const fake_host *f)
{
    int best = -1;
    for (int i = 0; i < f->timer_count; i++) {
        if (f->timers[i].at == UINT64_MAX) continue;
        if (best < 0 || f->timers[i].at < f->timers[best].at) best = i;
    }
    return best;
}

/* Advance the clock to `until`, firing due timers in time order (a timer is disarmed before
 * its callback runs, which may re-arm it). */
static inline void fake_run_until(fake_host *f, uint64_t until)
{
    for (;;) {
        int t = fake_next_timer(f);
        if (t < 0 || f->timers[t].at > until) break;
        if (f->timers[t].at > f->now) f->now = f->timers[t].at;
        fake_timer fired = f->timers[t];
        f->timers[t].at = UINT64_MAX;
        fired.fn(fired.arg);
    }
    if (until > f->now) f->now = until;
}

static inline uint64_t fake_timer_at(const fake_host *f, void (*fn)(void *arg), void *arg)
{
    for (int i = 0; i < f->timer_count; i++)
        if (f->timers[i].fn == fn && f->timers[i].arg == arg) return f->timers[i].at;
    return UINT64_MAX;
}

#endif
