/* sched.c: the scheduler -- weighted fair sharing by virtual runtime, the idea of Linux's CFS
 * (Documentation/scheduler/sched-design-CFS.rst), chosen over stride scheduling because it is
 * what cgroup v2's cpu.weight feeds on Linux and because sleepers are placed by the same rule.
 *
 * The running task's vruntime grows by the time it runs * 1024 / weight (charged at every
 * switch and tick, the clock read from the PIT's counter between ticks), so a task of weight
 * 2048 ages half as fast and gets twice the CPU. The runnable task with the least vruntime runs
 * next; a newly woken task starts no lower than min_vruntime minus half a tick, so sleeping
 * earns no unbounded credit. Later, a cgroup becomes a group entity with its own vruntime
 * (cpu.weight) and a quota per period (cpu.max) that throttles the group's tasks.
 *
 * Time is the PIT's virtual time (HZ ticks per second): vx86's PIT runs on virtual cycles, so
 * runs are deterministic. The idle task (pid 0, kmain's stack) runs when no one else can. */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "kernel/uapi/errno.h"

#define NICE_0_WEIGHT 1024
void swtch(struct context **old, struct context *new);
struct proc *proc_idle(void);

volatile uint64_t jiffies;
uint32_t hz = 100;
volatile int need_resched;
static uint64_t min_vruntime;

static uint64_t tick_ns(void) { return 1000000000ull / hz; }

/* Ticks plus the time since the last one. With interrupts off a tick may be due but not yet
 * counted; the clock then holds still rather than run backwards. */
uint64_t ktime_ns(void)
{
    static uint64_t last;
    uint32_t f = irq_save();
    uint64_t ns = jiffies * tick_ns() + pit_ns_since_tick();
    if (ns < last)
        ns = last;
    last = ns;
    irq_restore(f);
    return ns;
}

/* Charge the running task for the time since it was last charged (Linux's update_curr). */
static void update_curr(struct proc *p)
{
    uint64_t now = ktime_ns();
    uint64_t delta = now - p->se.exec_start;
    p->se.exec_start = now;
    if (p == proc_idle())
        return;
    p->se.sum_exec_ns += delta;
    p->se.vruntime += delta * NICE_0_WEIGHT / p->se.weight;
}

static struct proc *pick_next(void)
{
    struct proc *best = NULL;
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &proc_table[i];
        if (p->state == P_RUNNABLE && (!best || p->se.vruntime < best->se.vruntime))
            best = p;
    }
    return best;
}

void sched_make_runnable(struct proc *p)
{
    uint64_t floor = min_vruntime > tick_ns() / 2 ? min_vruntime - tick_ns() / 2 : 0;
    if (p->se.vruntime < floor)
        p->se.vruntime = floor;
    p->state = P_RUNNABLE;
    if (current == proc_idle() || p->se.vruntime < current->se.vruntime)
        need_resched = 1;
}

void schedule(void)
{
    uint32_t f = irq_save();
    struct proc *prev = current, *idle = proc_idle();
    update_curr(prev);
    if (prev->state == P_RUNNING)
        prev->state = P_RUNNABLE;
    struct proc *next = pick_next();
    if (!next)
        next = idle;
    need_resched = 0;
    if (next != idle && next->se.vruntime > min_vruntime)
        min_vruntime = next->se.vruntime;
    if (prev == idle)
        idle->state = P_RUNNING;
    next->state = P_RUNNING;
    next->se.exec_start = prev->se.exec_start;
    if (next != prev) {
        trace_switch(prev, next);
        current = next;
        vm_switch(next);
        swtch(&prev->ctx, next->ctx);
    }
    irq_restore(f);
}

void sched_yield_now(void)
{
    struct proc *p = current;
    /* Go behind every other runnable task, as sched_yield(2) promises for SCHED_OTHER. */
    for (int i = 0; i < NPROC; i++)
        if (proc_table[i].state == P_RUNNABLE && proc_table[i].se.vruntime >= p->se.vruntime)
            p->se.vruntime = proc_table[i].se.vruntime + 1;
    schedule();
}

/* For kernel loops that run long (a vCPU's VMRUN loop, a big copy): the kernel is not preempted,
 * so such a loop offers the CPU when a tick asked for it (Linux's cond_resched). */
void cond_resched(void)
{
    if (need_resched)
        schedule();
}

void sleep_on(void *chan)
{
    struct proc *p = current;
    uint32_t f = irq_save();
    p->chan = chan;
    p->state = P_SLEEPING;
    schedule();
    p->chan = NULL;
    irq_restore(f);
}

void wakeup(void *chan)
{
    uint32_t f = irq_save();
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &proc_table[i];
        if (p->state == P_SLEEPING && p->chan == chan)
            sched_make_runnable(p);
    }
    irq_restore(f);
}

int sleep_until(uint64_t until)
{
    struct proc *p = current;
    uint32_t f = irq_save();
    p->wake_at = until;
    while (jiffies < until) {
        if (signal_pending(p) || p->killed) {
            p->wake_at = 0;
            irq_restore(f);
            return -EINTR;
        }
        sleep_on(&p->wake_at);
    }
    p->wake_at = 0;
    irq_restore(f);
    return 0;
}

/* The timer interrupt: time passes, sleepers whose time has come wake, the running task ages,
 * and a task with less vruntime asks for the CPU. */
void sched_tick(void)
{
    jiffies++;
    struct proc *cur = current;
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &proc_table[i];
        if (p->state == P_SLEEPING && p->wake_at && jiffies >= p->wake_at)
            sched_make_runnable(p);
    }
    update_curr(cur);
    if (cur == proc_idle())
        return;
    struct proc *next = pick_next();
    if (next && next->se.vruntime < cur->se.vruntime)
        need_resched = 1;
}

/* Linux's sched_prio_to_weight (kernel/sched/core.c): nice -20..19, each step about 1.25x. */
static const uint32_t prio_to_weight[40] = {
    88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
    9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991, 1586, 1277,
    1024, 820, 655, 526, 423, 335, 272, 215, 172, 137,
    110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
};

void sched_set_nice(struct proc *p, int nice)
{
    if (nice < -20) nice = -20;
    if (nice > 19) nice = 19;
    p->se.nice = nice;
    p->se.weight = prio_to_weight[nice + 20];
}

void sched_init(void)
{
    jiffies = 0;
}
