/* proc.h: tasks. A task is a process today; a kernel thread or a vCPU later (hyperv/ adds a
 * task kind whose loop is VMRUN). Data structures first, then the functions over them. */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include <stdint.h>

#define NPROC   64                         /* the task table; fork beyond it is -EAGAIN */
#define NOFILE  32                         /* open files per process */
#define NSIG    65                         /* signals 1..64, as Linux */
#define KSTACK_SIZE 16384                  /* per task, from a static array (contiguous) */
#define PROC_NAME_LEN 16
#define PROC_CMDLINE_LEN 128

struct file;
struct inode;
struct nsproxy;                            /* containers/ns.h: the task's namespaces */
struct pid_ns;                             /* containers/ns.h: a PID namespace */
#define PID_NS_LEVELS 33  /* levels of PID namespaces: 0 and 32 nested, MAX_PID_NS_LEVEL */

/* What the trap entry (trapasm.S) pushes, lowest address first: the saved user (or kernel)
 * state of a task that entered the kernel. esp and ss are valid only when coming from ring 3. */
struct trapframe {
    uint32_t edi, esi, ebp, oesp, ebx, edx, ecx, eax;   /* pushal */
    uint32_t gs, fs, es, ds;
    uint32_t trapno, err;
    uint32_t eip, cs, eflags;
    uint32_t esp, ss;
};

/* Callee-saved registers of a task switched out inside swtch() (trapasm.S). */
struct context {
    uint32_t eflags, edi, esi, ebx, ebp, eip;
};

enum procstate { P_UNUSED, P_EMBRYO, P_SLEEPING, P_RUNNABLE, P_RUNNING, P_ZOMBIE, P_STOPPED };
/* A task's state as a letter for /proc/PID/status and ps: R S Z T, Linux's letters. */
char proc_state_letter(int state);
const char *proc_state_name(int state);    /* "R (running)", "S (sleeping)", ... as Linux */

struct k_sigaction {
    uint32_t handler;                      /* SIG_DFL 0, SIG_IGN 1, or a user address */
    uint32_t flags;
    uint32_t restorer;
    uint64_t mask;
};

/* The scheduler's per-task state (sched.c). Shaped for cgroup cpu.weight / cpu.max: weight is
 * what a cgroup's cpu.weight maps to, and a group entity can own the same fields later. */
struct sched_entity {
    uint64_t vruntime;                     /* weighted virtual runtime, in ns * 1024 / weight */
    uint32_t weight;                       /* 1024 = nice 0 (Linux's NICE_0_LOAD) */
    int nice;                              /* -20..19: weight from Linux's table */
    uint64_t sum_exec_ns;                  /* time actually run */
    uint64_t exec_start;                   /* ktime_ns when last charged */
};

struct proc {
    int pid;
    int state;                             /* enum procstate */
    struct proc *parent;
    char name[PROC_NAME_LEN];              /* the program's base name, as Linux's comm */
    char cmdline[PROC_CMDLINE_LEN];        /* argv joined by NULs, for /proc/PID/cmdline */
    uint32_t cmdline_len;

    uint32_t *pgdir;                       /* page directory (kernel virtual address) */
    uint8_t *kstack;                       /* bottom of the kernel stack */
    struct trapframe *tf;                  /* user state, at the top of kstack */
    struct context *ctx;                   /* where swtch() left it */

    void *chan;                            /* sleeping on this channel, if non-NULL */
    uint64_t wake_at;                      /* nanosleep: jiffies to wake at (0 = none) */
    int killed;                            /* SIGKILL pending: leave at the next return to user */
    int xstate;                            /* wait status for the parent (Linux encoding) */
    int exit_signal;                       /* signal sent to the parent at exit (SIGCHLD) */
    int stop_report;                       /* stopped: the wait status not yet reported, or 0 */

    uint32_t brk_start, brk;               /* the heap: [brk_start, brk) */

    int pgid, sid;                         /* process group and session (job control) */
    uint64_t sig_pending;                  /* bit (n-1) for signal n */
    uint64_t sig_blocked;
    struct k_sigaction sigact[NSIG];

    struct file *ofile[NOFILE];            /* fs: open files */
    uint32_t cloexec;                      /* fs: bit fd set = close on exec (fds < 32) */
    struct inode *cwd, *root;              /* fs: working and root directories */
    uint32_t umask;

    struct sched_entity se;
    uint64_t start_jiffies;
    uint32_t cow_copies;                   /* pages copied on a copy-on-write fault */
    uint32_t minflt;                       /* demand-zero and COW faults handled */
    /* Namespaces (containers/ns.c). ns is shared by tasks that did not unshare; pidns is the
     * namespace the task's pid lives in (fixed for life, as Linux's task_active_pid_ns), and
     * nspid[l] its pid as seen from level l (nspid[0] == pid, the global one). */
    struct nsproxy *ns;
    struct pid_ns *pidns;
    int nspid[PID_NS_LEVELS];
    struct cgroup *cgroup;                 /* containers/cgroup.h: NULL = the root cgroup */
    struct seccomp_filter *seccomp;        /* containers/seccomp.c: system-call filters, or NULL */
    /* Later: struct vcpu *vcpu. */
};

/* ---- proc.c ---- */
extern struct proc proc_table[NPROC];
struct proc *curproc(void);
extern struct proc *current;              /* the running task (the idle task when none) */
void proc_init(void);
struct proc *proc_alloc(void);             /* EMBRYO with a pid and a kernel stack, or NULL */
struct proc *proc_find(int pid);           /* a live (not UNUSED) task, or NULL */
int proc_fork(struct trapframe *tf, uint32_t flags, uint32_t child_stack);  /* pid or -errno */
_Noreturn void proc_exit(int wstatus);     /* status in wait encoding */
int proc_wait(int pid, int *wstatus, int options);   /* pid, 0 (WNOHANG), or -errno */
struct proc *proc_iter(int *cursor);       /* for procfs: start with *cursor = 0; NULL at end */
void proc_userinit(const char *path, char *const argv[]);   /* the first user process */
void proc_set_name(struct proc *p, const char *path);
extern struct proc *initproc;

/* ---- sched.c ---- */
void sleep_on(void *chan);                 /* one CPU: call with interrupts off around the check */
void wakeup(void *chan);                   /* safe from interrupt handlers */
void sched_yield_now(void);
void cond_resched(void);                   /* long kernel loops: schedule if a tick asked */
void schedule(void);                       /* pick the next task and switch to it */
void sched_make_runnable(struct proc *p);
void sched_tick(void);                     /* from the timer interrupt */
void sched_init(void);
void sched_set_nice(struct proc *p, int nice);   /* clamps to -20..19 and sets the weight */
extern volatile int need_resched;
/* Sleep until jiffies >= until or a signal arrives: 0, or -EINTR. */
int sleep_until(uint64_t until);

/* ---- signal.c ---- */
int signal_pending(struct proc *p);        /* a signal that is not blocked and not ignored */
int signal_send(struct proc *p, int sig);  /* 0 or -errno */
int signal_send_group(int pgid, int sig);
void signal_force(struct proc *p, int sig); /* a fault's signal: unblocked, default if ignored */  /* to every task of a process group */
void signal_deliver(struct trapframe *tf); /* on return to user: default action or handler */
void signal_fork(struct proc *child, struct proc *parent);
void signal_exec(struct proc *p);          /* handlers reset to SIG_DFL, as execve(2) says */

/* ---- console.c ---- */
int console_read(char *kbuf, int n);       /* line discipline; -EINTR on a signal */
int console_write(const char *kbuf, int n);
struct termios;
void console_termios(struct termios *t, int set);   /* TCGETS (0) / TCSETS (1) */
void console_init(void);
void console_intr(void);                   /* COM1 IRQ 4 */
void console_kbd_intr(void);               /* keyboard IRQ 1 */
extern int console_fg_pgrp;                /* the foreground process group (TIOCSPGRP) */
void console_putc_raw(int c);              /* polled output for panic and early boot */

/* ---- exec.c ---- */
int exec(const char *path, char *const argv[], char *const envp[], struct trapframe *tf);

/* ---- trace.c: probe records, nothing when the probe is absent ---- */
void trace_init(void);
void trace_task_create(struct proc *p);
void trace_task_exit(struct proc *p, int status);
void trace_switch(struct proc *prev, struct proc *next);

#endif
