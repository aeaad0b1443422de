/* Fake tasks for the host's task views: no address spaces and no stacks of their own,
 * only a scheduler's bookkeeping, but the trace records are exactly the ones the toy OS's kernel
 * sends: TASK_CREATE when a task appears, SWITCH each time the CPU changes hands, TASK_EXIT when
 * one ends (devices/probe_abi.h). The host rebuilds the task table and the Gantt chart from them.
 *
 * The schedule is round robin on the PIT: a task runs QUANTUM_TICKS ticks of 1 ms of virtual time,
 * or less when it finishes its work or blocks. "init" (pid 1) starts the others while it works,
 * then sleeps until they have all exited (as wait() would), and exits last; "idle" (pid 0) gets
 * the CPU at the end. Everything is a function of the cost table, so the schedule is the same on
 * every run and tests can assert exact numbers.
 *
 * The guest measures each task's running time itself with RDTSC, read in the same instruction
 * sequence that sends the switch record (interrupts off), so the host's numbers from the records'
 * cycle stamps must agree exactly: two independent clocks of the same run. It prints them at the
 * end ("task PID NAME ... ran N cycles"). Without the probe (QEMU, Bochs) it runs the same
 * schedule and sends nothing. */
#include "../sys/lib/sys.h"

#include "devices/probe_abi.h"

#define PIT_INPUT_HZ 1193182u          /* the PIT input clock, in Hz */
#define TICK_HZ 1000u
#define QUANTUM_TICKS 2u
#define CHUNK_ITERATIONS 10000u        /* one unit of work: a DEC/JNZ loop */
#define NTASKS 5
#define MAX_SWITCHES 256

struct task {
    uint32_t pid, ppid, ns_pid, pid_ns, cgroup;
    const char *name;
    uint32_t work;                     /* chunks to do before exiting */
    uint32_t done;
    uint32_t state;                    /* enum vx86_probe_task_state */
    uint64_t since;                    /* RDTSC when it was switched in */
    uint64_t ran;                      /* cycles on the CPU, by RDTSC */
    uint32_t slices;
};

/* init starts alpha, beta and gamma after this many chunks of its own work each. gamma lives in
 * a PID namespace of its own (pid 1 inside it) and cgroup 2, as a container's first process. */
static struct task tasks[NTASKS] = {
    { 0, 0, 0, 1, 1, "idle", 0, 0, VX86_PROBE_TASK_RUNNABLE, 0, 0, 0 },
    { 1, 0, 1, 1, 1, "init", 120, 0, VX86_PROBE_TASK_EMBRYO, 0, 0, 0 },
    { 2, 1, 2, 1, 1, "alpha", 260, 0, VX86_PROBE_TASK_EMBRYO, 0, 0, 0 },
    { 3, 1, 3, 1, 1, "beta", 420, 0, VX86_PROBE_TASK_EMBRYO, 0, 0, 0 },
    { 4, 1, 1, 2, 2, "gamma", 150, 0, VX86_PROBE_TASK_EMBRYO, 0, 0, 0 },
};
static const uint32_t START_AT[NTASKS] = { 0, 0, 10, 20, 30 };   /* init's chunk count */

static bool probe_present;
static struct task *current;
static volatile uint32_t ticks;
static uint32_t slice_start;           /* ticks when current was switched in */
static uint32_t switches;

/* ---- records ---- */

/* Records are built in static memory: the probe reads them by physical address, and this
 * program runs with paging off. */
static struct {
    vx86_probe_header h;
    union {
        vx86_probe_task_create create;
        vx86_probe_task_exit exit;
        vx86_probe_switch sw;
    } u;
} rec;

static void send(uint16_t kind, uint16_t length)
{
    if (!probe_present)
        return;
    rec.h.kind = kind;
    rec.h.length = length;
    outl(VX86_PROBE_PORT_RECORD, (uint32_t)(uintptr_t)&rec);
}

static void send_create(const struct task *t)
{
    vx86_probe_task_create *c = &rec.u.create;
    *c = (vx86_probe_task_create){ .pid = t->pid, .parent_pid = t->ppid, .ns_pid = t->ns_pid,
                                   .pid_ns = t->pid_ns, .mnt_ns = 1, .uts_ns = 1, .ipc_ns = 1,
                                   .cgroup = t->cgroup, .vm = 0 };
    for (int i = 0; i < VX86_PROBE_NAME_LEN && t->name[i]; i++)
        c->name[i] = t->name[i];
    send(VX86_PROBE_KIND_TASK_CREATE, sizeof *c);
}

static void send_exit(const struct task *t, int32_t status)
{
    rec.u.exit = (vx86_probe_task_exit){ .pid = t->pid, .status = status };
    send(VX86_PROBE_KIND_TASK_EXIT, sizeof rec.u.exit);
}

/* Send the switch record and read the TSC in one fixed instruction sequence, so the cycles
 * between the two are the same at every switch and cancel out of every slice's length. */
static uint64_t send_switch_and_read_tsc(uint32_t prev, uint32_t next, uint32_t prev_state)
{
    rec.u.sw = (vx86_probe_switch){ .prev_pid = prev, .next_pid = next, .prev_state = prev_state };
    rec.h.kind = VX86_PROBE_KIND_SWITCH;
    rec.h.length = sizeof rec.u.sw;
    uint32_t lo, hi;
    if (probe_present)
        __asm__ volatile("rdtsc\n\t"
                         "movl %%eax, %%ecx\n\t"
                         "movl %%edx, %%esi\n\t"
                         "movl %2, %%edx\n\t"
                         "movl %3, %%eax\n\t"
                         "outl %%eax, %%dx"
                         : "=c"(lo), "=S"(hi)
                         : "i"(VX86_PROBE_PORT_RECORD), "i"(&rec)
                         : "eax", "edx", "memory");
    else
        __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* ---- the scheduler (interrupts off) ---- */

/* Give the CPU to the next runnable task after current, round robin; current stops with state
 * `why`. If nothing else can run, current keeps the CPU (a new slice, no record) while it can,
 * else idle (pid 0) gets it. */
static void schedule(uint32_t why)
{
    struct task *prev = current, *next = NULL;
    int at = (int)(prev - tasks);
    for (int k = 1; k <= NTASKS && !next; k++) {
        struct task *t = &tasks[(at + k) % NTASKS];
        if (t->pid != 0 && t->state == VX86_PROBE_TASK_RUNNABLE && t != prev)
            next = t;
    }
    if (!next && why == VX86_PROBE_TASK_RUNNABLE) {
        slice_start = ticks;
        return;
    }
    if (!next)
        next = &tasks[0];
    prev->state = why;
    uint64_t now = send_switch_and_read_tsc(prev->pid, next->pid, why);
    prev->ran += now - prev->since;
    next->since = now;
    next->slices++;
    next->state = VX86_PROBE_TASK_RUNNING;
    current = next;
    slice_start = ticks;
    switches++;
}

static void on_timer(struct sys_frame *f)
{
    (void)f;
    ticks++;
    sys_pic_eoi(0);
    if (current->pid != 0 && ticks - slice_start >= QUANTUM_TICKS)
        schedule(VX86_PROBE_TASK_RUNNABLE);
}

static void work_chunk(uint32_t n)
{
    __asm__ volatile("1:\tdecl %0\n\tjnz 1b" : "+r"(n));
}

static bool children_alive(void)
{
    for (int i = 2; i < NTASKS; i++)
        if (tasks[i].state != VX86_PROBE_TASK_ZOMBIE)
            return true;
    return false;
}

/* One chunk of the current task's work done: start children, finish, sleep, wake. */
static void account_chunk(void)
{
    struct task *t = current;
    t->done++;
    if (t->pid == 1)
        for (int i = 2; i < NTASKS; i++)
            if (tasks[i].state == VX86_PROBE_TASK_EMBRYO && t->done == START_AT[i]) {
                tasks[i].state = VX86_PROBE_TASK_RUNNABLE;
                send_create(&tasks[i]);
            }
    if (t->done < t->work)
        return;
    if (t->pid == 1 && children_alive()) {
        schedule(VX86_PROBE_TASK_SLEEPING);   /* wait() for the children */
        return;
    }
    send_exit(t, (int32_t)t->pid * 10);
    t->state = VX86_PROBE_TASK_ZOMBIE;
    if (t->pid != 1 && tasks[1].state == VX86_PROBE_TASK_SLEEPING && !children_alive())
        tasks[1].state = VX86_PROBE_TASK_RUNNABLE;   /* the last child wakes init */
    schedule(VX86_PROBE_TASK_ZOMBIE);
}

int main(void)
{
    sys_init();
    sys_pic_remap();
    probe_present = inl(VX86_PROBE_PORT_MAGIC) == VX86_PROBE_MAGIC;
    printf("probe: %s\n", probe_present ? "present" : "absent");

    /* Boot: idle (pid 0) holds the CPU and hands it to init. */
    current = &tasks[0];
    send_create(&tasks[0]);
    tasks[1].state = VX86_PROBE_TASK_RUNNABLE;
    send_create(&tasks[1]);
    schedule(VX86_PROBE_TASK_RUNNABLE);

    sys_set_handler(PIC1_BASE + 0, on_timer);
    sys_pit_periodic((uint16_t)((PIT_INPUT_HZ + TICK_HZ / 2) / TICK_HZ));
    sys_pic_mask((uint16_t)~1u);           /* IRQ0 only */
    cpu_sti();
    while (current->pid != 0) {
        work_chunk(CHUNK_ITERATIONS);
        cpu_cli();
        account_chunk();
        cpu_sti();
    }
    cpu_cli();

    printf("switches: %u\n", switches);
    for (int i = 1; i < NTASKS; i++) {
        const struct task *t = &tasks[i];
        printf("task %u %s ppid %u slices %u ran %llu cycles, exit %d\n", t->pid, t->name, t->ppid, t->slices,
               (unsigned long long)t->ran, (int)t->pid * 10);
    }
    return 0;
}
