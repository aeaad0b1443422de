/* sched.c: the scheduler -- weighted fair sharing by virtual runtime, the idea of Linux's CFS
 * (Documentation/scheduler/sched-design-CFS.rst), chosen over stride scheduling because it is
 * what cgroup v2's cpu.weight feeds on Linux and because sleepers are placed by the same rule.
 *
 * The running task's vruntime grows by the time it runs * 1024 / weight (charged at every
 * switch and tick, the clock read from the PIT's counter between ticks), so a task of weight
 * 2048 ages half as fast and gets twice the CPU. The runnable task with the least vruntime runs
 * next; a newly woken task starts no lower than min_vruntime minus half a tick, so sleeping
 * earns no unbounded credit.
 *
 * cgroup v2's cpu controller (cgroup-v2.rst, "CPU"; containers/cgroup.h): a cgroup whose cpu
 * controller is enabled is a group entity with its own vruntime in its parent's queue, aging by
 * cpu.weight (100 = 1024), so CPU is shared by weight at each level of the tree, then among the
 * tasks and groups inside. cpu.max "$QUOTA $PERIOD": a group that has run QUOTA in the current
 * PERIOD is throttled -- none of its tasks is picked -- until the period ends; time run past the
 * quota (detected at the next tick or switch) is a debt paid from the next period, as Linux's
 * runtime_remaining, so the long-run share is exactly QUOTA/PERIOD. Periods are aligned on
 * virtual time; cpu.stat counts nr_periods (periods in which the group was active),
 * nr_throttled (periods that ended throttled) and throttled_usec.
 *
 * Time is the PIT's virtual time (HZ ticks per second): vx86's PIT runs on virtual cycles, so
 * runs are deterministic. The idle task (pid 0, kmain's stack) runs when no one else can. */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "kernel/uapi/errno.h"
#include "containers/cgroup.h"

#define NICE_0_WEIGHT 1024
void swtch(struct context **old, struct context *new);
struct proc *proc_idle(void);

volatile uint64_t jiffies;
uint32_t hz = 100;
volatile int need_resched;

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
    for (struct cgroup *g = cgroup_of(p); g; g = g->parent) {
        struct cg_sched *c = &g->cpu;
        c->usage_ns += delta;              /* cpu.stat usage_usec: every cgroup */
        if (g != cgroup_root)
            c->vruntime += delta * NICE_0_WEIGHT / c->weight;
        if (c->quota_us == CGROUP_MAX)
            continue;
        c->active = 1;
        c->runtime_ns += (int64_t)delta;
        if (!c->throttled && c->runtime_ns >= (int64_t)(c->quota_us * 1000)) {
            c->throttled = 1;
            c->throttled_at = now;
            need_resched = 1;
            trace_cgroup_throttle(g, p);
        }
    }
}

struct cgroup *cgroup_cpu_group(struct proc *p)
{
    struct cgroup *g = cgroup_of(p);
    while (g->parent && !(g->parent->subtree_control & CG_CPU))
        g = g->parent;
    return g;
}

/* May p be picked? Not while a cgroup above it is throttled or frozen -- unless it was killed:
 * a frozen or throttled task still dies at once (cgroup-v2.rst, "cgroup.freeze" / SIGKILL). */
static int blocked(struct proc *p)
{
    if (p->killed)
        return 0;
    for (struct cgroup *g = cgroup_of(p); g; g = g->parent)
        if (g->cpu.throttled || g->freeze)
            return 1;
    return 0;
}

static int eligible(struct proc *p) { return p->state == P_RUNNABLE && !blocked(p); }

/* Period boundaries (from the tick): refill quotas, pay debts, unthrottle. */
void sched_cgroup_tick(void)
{
    uint64_t now = jiffies * tick_ns();
    cgroup_stat_tick(now);                 /* containers/cgroup.c: the picture's numbers */
    for (int i = 0; i < NCGROUP; i++) {
        struct cg_sched *c = &cgroup_table[i].cpu;
        if (!cgroup_table[i].used || c->quota_us == CGROUP_MAX)
            continue;
        uint64_t period = c->period_us * 1000, quota = c->quota_us * 1000;
        if (now < c->period_start_ns + period)
            continue;
        if (c->active || c->throttled)
            c->nr_periods++;
        if (c->throttled)
            c->nr_throttled++;
        c->period_start_ns = now - now % period;
        c->runtime_ns = c->runtime_ns > (int64_t)quota ? c->runtime_ns - (int64_t)quota : 0;
        c->active = 0;
        if (c->throttled && c->runtime_ns < (int64_t)quota) {
            c->throttled = 0;
            c->throttled_ns += now - c->throttled_at;
            need_resched = 1;
        }
    }
}

/* Down the tree from the root: at each queue the task or group entity with the least vruntime,
 * until a task (Linux's pick_next_entity per cfs_rq). Groups without an eligible task are
 * skipped. */
static struct proc *pick_next(int commit)
{
    static uint32_t gen;
    gen++;
    for (int i = 0; i < NPROC; i++)
        if (eligible(&proc_table[i]))
            for (struct cgroup *g = cgroup_cpu_group(&proc_table[i]); g; g = g->parent)
                g->cpu.stamp = gen;
    struct cgroup *q = cgroup_root;
    if (q->cpu.stamp != gen)
        return NULL;
    for (;;) {
        struct proc *best = NULL;
        for (int i = 0; i < NPROC; i++) {
            struct proc *p = &proc_table[i];
            if (eligible(p) && cgroup_cpu_group(p) == q && (!best || p->se.vruntime < best->se.vruntime))
                best = p;
        }
        struct cgroup *bg = NULL;
        for (int i = 1; i < NCGROUP; i++) {
            struct cgroup *g = &cgroup_table[i];
            if (g->used && g->parent == q && g->cpu.stamp == gen && (q->subtree_control & CG_CPU) &&
                (!bg || g->cpu.vruntime < bg->cpu.vruntime))
                bg = g;
        }
        if (bg && (!best || bg->cpu.vruntime < best->se.vruntime)) {
            if (commit && bg->cpu.vruntime > q->cpu.min_vruntime)
                q->cpu.min_vruntime = bg->cpu.vruntime;
            q = bg;
            continue;
        }
        if (commit && best && best->se.vruntime > q->cpu.min_vruntime)
            q->cpu.min_vruntime = best->se.vruntime;
        return best;
    }
}

/* An entity that comes back starts no lower than its queue's min_vruntime less half a tick. */
static void place(uint64_t *vruntime, uint64_t queue_min)
{
    uint64_t floor = queue_min > tick_ns() / 2 ? queue_min - tick_ns() / 2 : 0;
    if (*vruntime < floor)
        *vruntime = floor;
}

/* After a move to another cgroup (cgroup.procs): p joins its new queue at its minimum. */
void sched_cgroup_moved(struct proc *p)
{
    p->se.vruntime = cgroup_cpu_group(p)->cpu.min_vruntime;
    need_resched = 1;
}

void sched_make_runnable(struct proc *p)
{
    struct cgroup *q = cgroup_cpu_group(p);
    place(&p->se.vruntime, q->cpu.min_vruntime);
    for (struct cgroup *g = q; g->parent; g = g->parent)
        place(&g->cpu.vruntime, g->parent->cpu.min_vruntime);
    p->state = P_RUNNABLE;
    if (current == proc_idle() || q != cgroup_cpu_group(current) || p->se.vruntime < current->se.vruntime)
        need_resched = 1;
}

void schedule(void)
{
    uint32_t f = irq_save();
    struct proc *prev = current, *idle = proc_idle();
    update_curr(prev);
    if (prev->state == P_RUNNING)
        prev->state = P_RUNNABLE;
    struct proc *next = pick_next(1);
    if (!next)
        next = idle;
    need_resched = 0;
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
    /* Go behind every other runnable task of our queue, as sched_yield(2) promises for SCHED_OTHER. */
    struct cgroup *q = cgroup_cpu_group(p);
    for (int i = 0; i < NPROC; i++)
        if (proc_table[i].state == P_RUNNABLE && cgroup_cpu_group(&proc_table[i]) == q &&
            proc_table[i].se.vruntime >= p->se.vruntime)
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
    sched_cgroup_tick();
    update_curr(cur);
    if (cur == proc_idle()) {
        if (pick_next(0))
            need_resched = 1;              /* a throttled group's period began again */
        return;
    }
    struct proc *next = pick_next(0);
    if (next && (next->se.vruntime < cur->se.vruntime || cgroup_cpu_group(next) != cgroup_cpu_group(cur) ||
                 blocked(cur)))
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
