/* signal.c: sending signals, their default actions, user handlers, and the signal system calls.
 *
 * Default actions are Linux's (signal(7)): ignore SIGCHLD, SIGURG, SIGWINCH; stop for SIGSTOP,
 * SIGTSTP, SIGTTIN, SIGTTOU (the parent learns it through waitpid's WUNTRACED); SIGCONT resumes a
 * stopped process when sent, whatever its handler; terminate for the rest. Simplified: no core
 * is dumped, and stop signals to orphaned process groups are not discarded.
 *
 * A user handler runs on the user stack with this frame (ours; Linux's sigframe is larger):
 *   esp -> return address (sa_restorer, or the trampoline below), signal number, then the saved
 *   trapframe and blocked mask that rt_sigreturn puts back, then an 8-byte trampoline
 *   "mov $__NR_rt_sigreturn, %eax; int $0x80" for handlers installed without SA_RESTORER. */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "containers/ns.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/signal.h"
#include "kernel/uapi/wait.h"

#define SIGBIT(s) (1ull << ((s) - 1))
#define UNCATCHABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define H_DFL 0u
#define H_IGN 1u

struct sigframe {
    uint32_t ret;
    uint32_t sig;
    struct trapframe tf;
    uint64_t blocked;
    uint8_t trampoline[8];
};

#define STOP_SIGNALS (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))

static int default_ignored(int sig)
{
    return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

static int default_stops(int sig) { return (STOP_SIGNALS & SIGBIT(sig)) != 0; }

static int ignored(struct proc *p, int sig)
{
    uint32_t h = p->sigact[sig].handler;
    return h == H_IGN || (h == H_DFL && default_ignored(sig));
}

int signal_pending(struct proc *p)
{
    return p->killed || (p->sig_pending & ~p->sig_blocked) != 0;
}

static void kick(struct proc *p)
{
    if (p->state == P_SLEEPING)            /* every sleep in this kernel is interruptible */
        sched_make_runnable(p);
}

/* Tell the parent a child stopped or continued: SIGCHLD (ignored unless handled) and a wakeup
 * for a waitpid(WUNTRACED). */
static void notify_parent(struct proc *p)
{
    if (p->parent) {
        signal_send(p->parent, SIGCHLD);
        wakeup(p->parent);
    }
}

int signal_send(struct proc *p, int sig)
{
    if (sig < 1 || sig >= NSIG)
        return -EINVAL;
    if (p->state == P_ZOMBIE || p->state == P_UNUSED)
        return 0;
    if (p == initproc && p->sigact[sig].handler == H_DFL)
        return 0;                          /* init gets only the signals it handles (Linux's SIGNAL_UNKILLABLE) */
    uint32_t f = irq_save();
    if (sig == SIGCONT || sig == SIGKILL) {
        p->sig_pending &= ~STOP_SIGNALS;   /* a stop still pending is cancelled */
        if (p->state == P_STOPPED) {
            sched_make_runnable(p);
            p->stop_report = 0;
        }
    } else if (default_stops(sig)) {
        p->sig_pending &= ~SIGBIT(SIGCONT);
    }
    if (sig == SIGKILL) {
        p->killed = 1;
        kick(p);
    } else if (!ignored(p, sig)) {
        p->sig_pending |= SIGBIT(sig);
        if (!(p->sig_blocked & SIGBIT(sig)))
            kick(p);
    }
    irq_restore(f);
    return 0;
}

int signal_send_group(int pgid, int sig)
{
    int found = 0;
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &proc_table[i];
        if (p->state != P_UNUSED && p->state != P_ZOMBIE && p->pgid == pgid) {
            found = 1;
            signal_send(p, sig);
        }
    }
    return found ? 0 : -ESRCH;
}

void signal_force(struct proc *p, int sig)
{
    p->sig_blocked &= ~SIGBIT(sig);
    if (p->sigact[sig].handler == H_IGN)
        p->sigact[sig].handler = H_DFL;
    p->sig_pending |= SIGBIT(sig);
}

void signal_fork(struct proc *child, struct proc *parent)
{
    memcpy(child->sigact, parent->sigact, sizeof child->sigact);
    child->sig_blocked = parent->sig_blocked;
    child->sig_pending = 0;
}

void signal_exec(struct proc *p)
{
    for (int s = 1; s < NSIG; s++)
        if (p->sigact[s].handler != H_IGN)
            memset(&p->sigact[s], 0, sizeof p->sigact[s]);
}

static int setup_frame(struct proc *p, struct trapframe *tf, int sig)
{
    struct k_sigaction *ka = &p->sigact[sig];
    struct sigframe fr;
    uint32_t sp = ((tf->esp - sizeof fr) & ~15u) - 4;   /* ABI: esp+4 16-byte aligned */
    fr.sig = (uint32_t)sig;
    fr.tf = *tf;
    fr.blocked = p->sig_blocked;
    static const uint8_t tramp[8] = { 0xB8, __NR_rt_sigreturn & 0xFF, __NR_rt_sigreturn >> 8, 0, 0, 0xCD, 0x80, 0x90 };
    memcpy(fr.trampoline, tramp, sizeof tramp);
    fr.ret = (ka->flags & SA_RESTORER) ? ka->restorer : sp + __builtin_offsetof(struct sigframe, trampoline);
    if (copyout(sp, &fr, sizeof fr) < 0)
        return -EFAULT;
    p->sig_blocked |= ka->mask;
    if (!(ka->flags & SA_NODEFER))
        p->sig_blocked |= SIGBIT(sig);
    p->sig_blocked &= ~UNCATCHABLE;
    tf->esp = sp;
    tf->eip = ka->handler;
    tf->eax = (uint32_t)sig;               /* regparm-style callers find it here too */
    if (ka->flags & SA_RESETHAND)
        ka->handler = H_DFL;
    return 0;
}

/* On every return to user mode: act on the first deliverable signal. */
void signal_deliver(struct trapframe *tf)
{
    struct proc *p = current;
    if (p->killed)
        proc_exit(W_EXITCODE(0, SIGKILL));
    uint64_t ready = p->sig_pending & ~p->sig_blocked;
    if (!ready)
        return;
    int sig = __builtin_ctzll(ready) + 1;
    p->sig_pending &= ~SIGBIT(sig);
    uint32_t h = p->sigact[sig].handler;
    if (h == H_IGN || (h == H_DFL && default_ignored(sig)))
        return;
    if (h == H_DFL && default_stops(sig)) {
        uint32_t f = irq_save();
        p->state = P_STOPPED;
        p->stop_report = W_STOPCODE(sig);
        notify_parent(p);
        schedule();                        /* until SIGCONT or SIGKILL makes us runnable */
        irq_restore(f);
        if (p->killed)
            proc_exit(W_EXITCODE(0, SIGKILL));
        return;
    }
    if (h == H_DFL || setup_frame(p, tf, sig) < 0)
        proc_exit(W_EXITCODE(0, h == H_DFL ? sig : SIGSEGV));   /* an unwritable frame: SIGSEGV, as Linux */
}

/* ---- system calls ---- */

long sys_rt_sigaction(const struct syscall_args *a)
{
    int sig = (int)a->arg[0];
    struct proc *p = current;
    if (sig < 1 || sig >= NSIG || a->arg[3] != 8)
        return -EINVAL;
    if (a->arg[1] && (SIGBIT(sig) & UNCATCHABLE))
        return -EINVAL;
    struct kernel_sigaction old = { p->sigact[sig].handler, p->sigact[sig].flags, p->sigact[sig].restorer,
                                    { (uint32_t)p->sigact[sig].mask, (uint32_t)(p->sigact[sig].mask >> 32) } };
    if (a->arg[1]) {
        struct kernel_sigaction ka;
        if (copyin(&ka, a->arg[1], sizeof ka) < 0)
            return -EFAULT;
        p->sigact[sig].handler = ka.handler;
        p->sigact[sig].flags = ka.flags;
        p->sigact[sig].restorer = ka.restorer;
        p->sigact[sig].mask = (ka.mask[0] | (uint64_t)ka.mask[1] << 32) & ~UNCATCHABLE;
        if (ignored(p, sig))
            p->sig_pending &= ~SIGBIT(sig);   /* POSIX: setting SIG_IGN discards a pending one */
    }
    if (a->arg[2] && copyout(a->arg[2], &old, sizeof old) < 0)
        return -EFAULT;
    return 0;
}

long sys_signal(const struct syscall_args *a)
{
    int sig = (int)a->arg[0];
    struct proc *p = current;
    if (sig < 1 || sig >= NSIG || (SIGBIT(sig) & UNCATCHABLE))
        return -EINVAL;
    uint32_t old = p->sigact[sig].handler;
    p->sigact[sig].handler = a->arg[1];
    p->sigact[sig].flags = SA_RESETHAND | SA_NODEFER;   /* signal(2)'s System V semantics */
    p->sigact[sig].mask = 0;
    if (ignored(p, sig))
        p->sig_pending &= ~SIGBIT(sig);
    return (long)old;
}

long sys_rt_sigprocmask(const struct syscall_args *a)
{
    struct proc *p = current;
    if (a->arg[3] != 8)
        return -EINVAL;
    uint64_t old = p->sig_blocked;
    if (a->arg[1]) {
        uint64_t set;
        if (copyin(&set, a->arg[1], sizeof set) < 0)
            return -EFAULT;
        switch (a->arg[0]) {
        case SIG_BLOCK: p->sig_blocked |= set; break;
        case SIG_UNBLOCK: p->sig_blocked &= ~set; break;
        case SIG_SETMASK: p->sig_blocked = set; break;
        default: return -EINVAL;
        }
        p->sig_blocked &= ~UNCATCHABLE;
    }
    if (a->arg[2] && copyout(a->arg[2], &old, sizeof old) < 0)
        return -EFAULT;
    return 0;
}

long sys_rt_sigreturn(const struct syscall_args *a)
{
    struct trapframe *tf = a->tf;
    struct proc *p = current;
    struct sigframe fr;
    /* The handler's ret popped the return address: the frame starts 4 bytes below esp. */
    if (copyin(&fr, tf->esp - 4, sizeof fr) < 0) {
        signal_force(p, SIGSEGV);
        return -EFAULT;
    }
    uint32_t keep = tf->eflags & ~(F_ARITH | F_DF | F_TF | F_AC);   /* user may change only these */
    *tf = fr.tf;
    tf->eflags = keep | (fr.tf.eflags & (F_ARITH | F_DF | F_AC)) | F_IF;
    tf->cs = UCODE_SEL;
    tf->ss = tf->ds = tf->es = tf->fs = tf->gs = UDATA_SEL;
    p->sig_blocked = fr.blocked & ~UNCATCHABLE;
    return (long)tf->eax;                  /* the dispatcher stores this back into eax */
}

long sys_kill(const struct syscall_args *a)
{
    int pid = (int)a->arg[0], sig = (int)a->arg[1];
    struct proc *self = current;
    if (sig < 0 || sig >= NSIG)
        return -EINVAL;
    if (pid > 0) {
        struct proc *p = ns_find_task(pid, task_active_pid_ns(self));   /* only the visible */
        if (!p)
            return -ESRCH;
        if (sig && p != initproc && p == p->pidns->reaper && p->sigact[sig].handler == H_DFL &&
            (p->pidns == task_active_pid_ns(self) || (sig != SIGKILL && sig != SIGSTOP)))
            return 0;   /* pid_namespaces(7): a namespace's init gets only the signals it handles,
                           but SIGKILL and SIGSTOP from an ancestor namespace are forced */
        return sig ? signal_send(p, sig) : 0;
    }
    if (pid == 0 || pid < -1) {
        int pgid = pid == 0 ? self->pgid : ns_global_pid(-pid);   /* groups by global pid */
        if (!sig) {
            for (int i = 0; i < NPROC; i++)
                if (proc_table[i].state != P_UNUSED && proc_table[i].pgid == pgid)
                    return 0;
            return -ESRCH;
        }
        return signal_send_group(pgid, sig);
    }
    /* pid == -1: everyone we may signal except init and ourselves. */
    int found = 0;
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &proc_table[i];
        if (p->state != P_UNUSED && p != initproc && p != self && ns_proc_visible(self, p) &&
            p != task_active_pid_ns(self)->reaper) {
            found = 1;
            if (sig)
                signal_send(p, sig);
        }
    }
    return found ? 0 : -ESRCH;
}
