/* proc.c: the task table, fork, exit and wait (after xv6's proc.c).
 *
 * A process that exits frees its memory and files at once and stays a ZOMBIE holding only its
 * table slot and exit status until its parent waits; its children go to init (pid 1), which
 * reaps them (Linux reparents to the namespace's init or a subreaper). */
#include "kernel/kernel.h"
#include "kernel/fs.h"
#include "kernel/proc.h"
#include "containers/ns.h"
#include "containers/cgroup.h"
#include "containers/seccomp.h"
#include "kernel/vm.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/signal.h"
#include "kernel/uapi/wait.h"

struct proc proc_table[NPROC];
/* Outside .bss (kernel.ld): the loader gives zeroed memory and no one needs them zeroed again. */
static uint8_t kstacks[NPROC][KSTACK_SIZE] __attribute__((aligned(16), section(".kstacks")));
extern uint8_t boot_stack[];
static struct proc idle_proc = { .pid = 0, .state = P_RUNNING, .name = "idle", .kstack = boot_stack };
struct proc *current = &idle_proc;
struct proc *initproc;
static int next_pid = 1;
#define PID_MAX 32768                      /* Linux's default pid_max */

extern void trapret(void);
void swtch(struct context **old, struct context *new);

struct proc *curproc(void) { return current; }
struct proc *proc_idle(void) { return &idle_proc; }

char proc_state_letter(int state)
{
    static const char letters[] = { '?', 'R', 'S', 'R', 'R', 'Z', 'T' };
    return state >= 0 && state < (int)sizeof letters ? letters[state] : '?';
}

const char *proc_state_name(int state)
{
    switch (state) {
    case P_RUNNING: case P_RUNNABLE: case P_EMBRYO: return "R (running)";
    case P_SLEEPING: return "S (sleeping)";
    case P_ZOMBIE: return "Z (zombie)";
    case P_STOPPED: return "T (stopped)";
    default: return "? (unknown)";
    }
}

/* A pid is free when no task has it as pid or process group (so a group id is never reused). */
static int pid_taken(const struct proc *self, int pid)
{
    for (int i = 0; i < NPROC; i++) {
        const struct proc *q = &proc_table[i];
        if (q != self && q->state != P_UNUSED && (q->pid == pid || q->pgid == pid))
            return 1;
    }
    return 0;
}

/* First user entry of a new task: swtch returns here, and we return into trapret. */
static void forkret(void) { }

struct proc *proc_alloc(void)
{
    uint32_t f = irq_save();
    struct proc *p = NULL;
    for (int i = 0; i < NPROC && !p; i++)
        if (proc_table[i].state == P_UNUSED)
            p = &proc_table[i];
    if (!p) {
        irq_restore(f);
        return NULL;
    }
    int i = (int)(p - proc_table);
    memset(p, 0, sizeof *p);
    p->state = P_EMBRYO;
    do {
        p->pid = next_pid++;
        if (next_pid >= PID_MAX)
            next_pid = 2;
    } while (pid_taken(p, p->pid));
    irq_restore(f);
    p->kstack = kstacks[i];
    uint8_t *sp = p->kstack + KSTACK_SIZE;
    sp -= sizeof *p->tf;
    p->tf = (struct trapframe *)sp;
    sp -= 4;
    *(uint32_t *)sp = (uint32_t)trapret;
    sp -= sizeof *p->ctx;
    p->ctx = (struct context *)sp;
    memset(p->ctx, 0, sizeof *p->ctx);
    p->ctx->eip = (uint32_t)forkret;
    p->se.weight = 1024;
    p->exit_signal = SIGCHLD;
    p->start_jiffies = jiffies;
    return p;
}

struct proc *proc_find(int pid)
{
    for (int i = 0; i < NPROC; i++)
        if (proc_table[i].state != P_UNUSED && proc_table[i].pid == pid)
            return &proc_table[i];
    return NULL;
}

struct proc *proc_iter(int *cursor)
{
    while (*cursor >= 0 && *cursor < NPROC) {
        struct proc *p = &proc_table[(*cursor)++];
        if (p->state != P_UNUSED)
            return p;
    }
    return NULL;
}

void proc_set_name(struct proc *p, const char *path)
{
    const char *base = path;
    for (const char *s = path; *s; s++)
        if (*s == '/' && s[1])
            base = s + 1;
    strlcpy(p->name, base, sizeof p->name);
}

static void proc_free_slot(struct proc *p)
{
    cgroup_release(p);                     /* pids.current counts a task until it is reaped */
    ns_release(p);
    seccomp_release(p);
    p->state = P_UNUSED;
    p->pid = 0;
    p->parent = NULL;
}

int proc_fork(struct trapframe *tf, uint32_t flags, uint32_t child_stack)
{
    struct proc *p = current, *np;
    int err = cgroup_can_fork(p);          /* pids.max: EAGAIN (cgroup-v2.rst, "PID") */
    if (err)
        return err;
    if (!(np = proc_alloc()))
        return -EAGAIN;
    cgroup_fork(p, np);                    /* before the page tables: they are charged to it */
    np->pgdir = vm_new_pgdir(np->pid);
    if (!np->pgdir || vm_fork_cow(np->pgdir, p->pgdir, np->pid) < 0) {
        if (np->pgdir)
            vm_free(np->pgdir);
        proc_free_slot(np);
        return -ENOMEM;
    }
    *np->tf = *tf;
    np->tf->eax = 0;                       /* fork returns 0 in the child */
    if (child_stack)
        np->tf->esp = child_stack;
    np->parent = p;
    int nsr = ns_fork(p, np, flags);       /* namespaces and the pid at each level */
    if (nsr < 0) {
        vm_free(np->pgdir);
        proc_free_slot(np);
        return nsr;
    }
    memcpy(np->name, p->name, sizeof np->name);
    memcpy(np->cmdline, p->cmdline, sizeof np->cmdline);
    np->cmdline_len = p->cmdline_len;
    np->brk_start = p->brk_start;
    np->brk = p->brk;
    np->pgid = p->pgid;
    np->sid = p->sid;
    np->umask = p->umask;
    np->cloexec = p->cloexec;
    np->exit_signal = flags & 0xFF;        /* the CSIGNAL byte: fork() passes SIGCHLD */
    np->se.vruntime = p->se.vruntime;
    np->se.weight = p->se.weight;
    np->se.nice = p->se.nice;
    signal_fork(np, p);
    seccomp_fork(np, p);                   /* filters are inherited (seccomp(2)) */
    fs_proc_fork(np, p);
    trace_task_create(np);
    sched_make_runnable(np);
    return task_pid_in(np, task_active_pid_ns(p));   /* the child's pid as the parent sees it */
}

_Noreturn void proc_exit(int wstatus)
{
    struct proc *p = current;
    if (p == initproc) {
        /* The machine's life is init's: power off with its status (Linux would panic). */
        int code = (wstatus & 0x7F) ? 128 + (wstatus & 0x7F) : (wstatus >> 8) & 0xFF;
        klog("init exited with status %d: powering off\n", code);
        machine_poweroff(code);
    }
    fs_proc_exit(p);
    uint32_t *pgdir = p->pgdir;
    p->pgdir = NULL;
    vm_switch(p);                          /* onto the kernel's directory before freeing ours */
    if (pgdir)
        vm_free(pgdir);

    cli();                                 /* from here to the switch: no interrupt sees us half-dead */
    struct proc *reaper = ns_exit(p);      /* the namespace's init, or init */
    int zombies = 0;
    for (int i = 0; i < NPROC; i++) {
        struct proc *c = &proc_table[i];
        if (c->state != P_UNUSED && c->parent == p) {
            c->parent = reaper;
            zombies |= c->state == P_ZOMBIE;
        }
    }
    if (zombies) {
        signal_send(reaper, SIGCHLD);
        wakeup(reaper);
    }
    p->xstate = wstatus;
    p->state = P_ZOMBIE;
    cgroup_exit(p);
    if (p->parent) {
        if (p->exit_signal)
            signal_send(p->parent, p->exit_signal);
        wakeup(p->parent);
    }
    trace_task_exit(p, wstatus);
    schedule();
    panic("zombie %d ran again", p->pid);
}

static int wait_matches(struct proc *p, struct proc *c, int pid)
{
    if (c->state == P_UNUSED || c->parent != p)
        return 0;
    if (pid > 0)
        return task_pid_in(c, task_active_pid_ns(p)) == pid;
    if (pid == 0)
        return c->pgid == p->pgid;
    if (pid < -1)
        return c->pgid == ns_global_pid(-pid);   /* groups are kept by global pid */
    return 1;
}

int proc_wait(int pid, int *wstatus, int options)
{
    struct proc *p = current;
    uint32_t f = irq_save();
    for (;;) {
        int kids = 0;
        for (int i = 0; i < NPROC; i++) {
            struct proc *c = &proc_table[i];
            if (!wait_matches(p, c, pid))
                continue;
            kids = 1;
            if (c->state == P_STOPPED && c->stop_report && (options & WUNTRACED)) {
                *wstatus = c->stop_report;
                c->stop_report = 0;        /* each stop is reported once */
                irq_restore(f);
                return task_pid_in(c, task_active_pid_ns(p));
            }
            if (c->state == P_ZOMBIE) {
                int cpid = task_pid_in(c, task_active_pid_ns(p));
                *wstatus = c->xstate;
                proc_free_slot(c);
                irq_restore(f);
                return cpid;
            }
        }
        if (!kids) {
            irq_restore(f);
            return -ECHILD;
        }
        if (options & WNOHANG) {
            irq_restore(f);
            return 0;
        }
        if (signal_pending(p) || p->killed) {
            irq_restore(f);
            return -EINTR;
        }
        sleep_on(p);
    }
}

void proc_init(void)
{
    idle_proc.se.weight = 1024;
}

/* The first user process: pid 1 runs path with argv on the console. Called from kmain, on the
 * idle task's stack; exec works on `current`, so p is current while it loads. */
void proc_userinit(const char *path, char *const argv[])
{
    static char *const envp[] = { "PATH=/bin:/sbin", "HOME=/", "TERM=vt100", NULL };
    struct proc *p = proc_alloc();
    if (!p)
        panic("no slot for init");
    initproc = p;
    p->pgdir = vm_new_pgdir(p->pid);
    if (!p->pgdir)
        panic("no memory for init");
    p->pgid = p->sid = p->pid;
    p->umask = 022;
    ns_init_task(p);
    int err = 0;
    p->root = namei("/", &err);
    p->cwd = p->root ? idup(p->root) : NULL;
    if (!p->root)
        panic("no root file system (%d)", err);
    current = p;
    vm_switch(p);
    int r = fs_open_console(p);
    if (r >= 0)
        r = exec(path, argv, envp, p->tf);
    current = proc_idle();
    vm_switch(current);
    if (r < 0)
        panic("cannot run %s: error %d", path, -r);
    console_fg_pgrp = p->pgid;
    trace_task_create(p);
    sched_make_runnable(p);
}
