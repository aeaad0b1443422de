/* sys_proc.c: the process system calls -- argument checking and Linux's return conventions
 * around proc.c, sched.c and exec.c. */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "containers/ns.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/vm.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/reboot.h"
#include "kernel/uapi/resource.h"
#include "kernel/uapi/sched.h"
#include "kernel/uapi/signal.h"
#include "kernel/uapi/time.h"
#include "kernel/uapi/utsname.h"
#include "kernel/uapi/wait.h"

#define EXEC_ARG_PTRS 256
#define HEAP_MAX (USTACK_TOP - USTACK_MAX - (64u << 20))   /* keep 64 MiB below the stack zone */


long sys_fork(const struct syscall_args *a) { return proc_fork(a->tf, SIGCHLD, 0); }
long sys_vfork(const struct syscall_args *a) { return proc_fork(a->tf, SIGCHLD, 0); }   /* a fork: COW makes it cheap */

long sys_clone(const struct syscall_args *a)
{
    uint32_t flags = a->arg[0];
    /* Threads (CLONE_VM and friends) are not modelled; namespaces are (containers/ns.c). */
    if (flags & ~(CSIGNAL | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWCGROUP))
        return -EINVAL;
    return proc_fork(a->tf, flags, a->arg[1]);
}

long sys_execve(const struct syscall_args *a)
{
    char *page = kmalloc(PAGE_SIZE), *args = kmalloc(PAGE_SIZE), *envs = kmalloc(PAGE_SIZE);
    char **ptrs = kmalloc(2 * EXEC_ARG_PTRS * sizeof(char *));
    long r = -ENOMEM;
    if (!page || !args || !envs || !ptrs)
        goto out;
    r = copyinstr(page, a->arg[0], PAGE_SIZE);
    if (r < 0)
        goto out;
    if (r == 0) {
        r = -ENOENT;
        goto out;
    }
    char **argv = ptrs, **envp = ptrs + EXEC_ARG_PTRS;
    argv[0] = envp[0] = NULL;
    if (a->arg[1] && (r = copyin_strv(a->arg[1], args, PAGE_SIZE, argv, EXEC_ARG_PTRS)) < 0)
        goto out;
    if (a->arg[2] && (r = copyin_strv(a->arg[2], envs, PAGE_SIZE, envp, EXEC_ARG_PTRS)) < 0)
        goto out;
    r = exec(page, argv, envp, a->tf);
out:
    kfree(page); kfree(args); kfree(envs); kfree(ptrs);
    return r;
}

long sys_exit(const struct syscall_args *a) { proc_exit(W_EXITCODE(a->arg[0], 0)); }
long sys_exit_group(const struct syscall_args *a) { proc_exit(W_EXITCODE(a->arg[0], 0)); }

static long do_wait(int pid, uint32_t ustatus, int options)
{
    if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE | __WNOTHREAD))
        return -EINVAL;
    int status = 0;
    long r = proc_wait(pid, &status, options);
    if (r > 0 && ustatus && copyout(ustatus, &status, sizeof status) < 0)
        return -EFAULT;
    return r;
}

long sys_waitpid(const struct syscall_args *a) { return do_wait((int)a->arg[0], a->arg[1], (int)a->arg[2]); }

long sys_wait4(const struct syscall_args *a)
{
    long r = do_wait((int)a->arg[0], a->arg[1], (int)a->arg[2]);
    if (r > 0 && a->arg[3]) {
        uint32_t rusage[18] = { 0 };       /* struct rusage: not accounted, all zero */
        if (copyout(a->arg[3], rusage, sizeof rusage) < 0)
            return -EFAULT;
    }
    return r;
}

/* Pids as the caller's PID namespace numbers them; a parent outside it reads as 0. */
long sys_getpid(const struct syscall_args *a) { (void)a; return task_pid_in(current, task_active_pid_ns(current)); }
long sys_gettid(const struct syscall_args *a) { return sys_getpid(a); }
long sys_getppid(const struct syscall_args *a) { (void)a; return task_pid_in(current->parent, task_active_pid_ns(current)); }
long sys_getuid(const struct syscall_args *a) { (void)a; return ns_getuid(); }   /* root, 65534 unmapped */

/* The heap grows lazily: pages below the break are demand-zero (vm.c). Like Linux's heuristic
 * overcommit, a request larger than the free memory (less a reserve for the kernel) is refused,
 * so malloc sees ENOMEM; a page that still cannot be had at first touch is a SIGSEGV (Linux's
 * OOM killer would pick a victim instead). */
#define BRK_RESERVE_FRAMES 256

long sys_brk(const struct syscall_args *a)
{
    struct proc *p = current;
    uint32_t want = a->arg[0];
    if (want < p->brk_start || want > HEAP_MAX)
        return (long)p->brk;               /* Linux returns the old break on failure */
    uint32_t old_top = PGROUNDUP(p->brk), new_top = PGROUNDUP(want);
    if (new_top > old_top) {
        uint32_t need = (new_top - old_top) / PAGE_SIZE;
        if (need + BRK_RESERVE_FRAMES > frame_counters.free)
            return (long)p->brk;
    }
    if (new_top < old_top)
        vm_dealloc_range(p->pgdir, new_top, old_top);
    p->brk = want;
    return (long)want;
}

long sys_nanosleep(const struct syscall_args *a)
{
    struct uapi_timespec ts;
    if (copyin(&ts, a->arg[0], sizeof ts) < 0)
        return -EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
        return -EINVAL;
    uint64_t ns = (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
    uint64_t tick = 1000000000ull / hz;
    /* Wake at the first tick at or after now + ns: never earlier than asked, as POSIX says. */
    uint64_t until = (ktime_ns() + ns + tick - 1) / tick;
    if (sleep_until(until) == 0)
        return 0;
    if (a->arg[1]) {
        uint64_t left = (until > jiffies ? until - jiffies : 0) * tick;
        struct uapi_timespec rem = { (int32_t)(left / NSEC_PER_SEC), (int32_t)(left % NSEC_PER_SEC) };
        if (copyout(a->arg[1], &rem, sizeof rem) < 0)
            return -EFAULT;
    }
    return -EINTR;
}

long sys_sched_yield(const struct syscall_args *a) { (void)a; sched_yield_now(); return 0; }

long sys_clock_gettime(const struct syscall_args *a)
{
    uint64_t ns;
    switch (a->arg[0]) {
    case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_BOOTTIME:
        ns = ktime_ns();                   /* no RTC: the realtime clock starts at the epoch */
        break;
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
        ns = current->se.sum_exec_ns;
        break;
    default:
        return -EINVAL;
    }
    struct uapi_timespec ts = { (int32_t)(ns / NSEC_PER_SEC), (int32_t)(ns % NSEC_PER_SEC) };
    return copyout(a->arg[1], &ts, sizeof ts) < 0 ? -EFAULT : 0;
}

long sys_uname(const struct syscall_args *a)
{
    struct new_utsname u;
    memset(&u, 0, sizeof u);
    strlcpy(u.sysname, "Linux", sizeof u.sysname);   /* what programs test for; the toy's ABI is Linux's */
    strlcpy(u.nodename, ns_hostname(current), sizeof u.nodename);
    strlcpy(u.release, "0.1.0-vx86", sizeof u.release);
    strlcpy(u.version, "#1 vx86 toy OS", sizeof u.version);
    strlcpy(u.machine, "i686", sizeof u.machine);
    strlcpy(u.domainname, "(none)", sizeof u.domainname);
    return copyout(a->arg[0], &u, sizeof u) < 0 ? -EFAULT : 0;
}

/* sethostname(2) is in containers/ns.c: the name belongs to the UTS namespace. */

long sys_reboot(const struct syscall_args *a)
{
    if (a->arg[0] != LINUX_REBOOT_MAGIC1 ||
        (a->arg[1] != LINUX_REBOOT_MAGIC2 && a->arg[1] != LINUX_REBOOT_MAGIC2A &&
         a->arg[1] != LINUX_REBOOT_MAGIC2B && a->arg[1] != LINUX_REBOOT_MAGIC2C))
        return -EINVAL;
    switch (a->arg[2]) {
    case LINUX_REBOOT_CMD_POWER_OFF:
        machine_poweroff((int)(a->arg[3] & 0xFF));
    case LINUX_REBOOT_CMD_HALT:
    case LINUX_REBOOT_CMD_RESTART:
        machine_poweroff(0);               /* no reset line modelled: restart powers off */
    case LINUX_REBOOT_CMD_CAD_ON:
    case LINUX_REBOOT_CMD_CAD_OFF:
        return 0;
    default:
        return -EINVAL;
    }
}

long sys_setpgid(const struct syscall_args *a)
{
    int pid = (int)a->arg[0], pgid = (int)a->arg[1];
    struct proc *self = current;
    if (pgid < 0)
        return -EINVAL;
    struct proc *p = pid ? ns_find_task(pid, task_active_pid_ns(self)) : self;
    if (!p || (p != self && p->parent != self))
        return -ESRCH;
    if (pgid && ns_global_pid(pgid) < 0)
        return -EPERM;                     /* no such group in the caller's PID namespace */
    p->pgid = pgid ? ns_global_pid(pgid) : p->pid;
    return 0;
}

long sys_getpgid(const struct syscall_args *a)
{
    struct proc *p = a->arg[0] ? ns_find_task((int)a->arg[0], task_active_pid_ns(current)) : current;
    return p ? ns_local_pid(p->pgid) : -ESRCH;
}

long sys_getpgrp(const struct syscall_args *a) { (void)a; return ns_local_pid(current->pgid); }

long sys_setsid(const struct syscall_args *a)
{
    (void)a;
    struct proc *p = current;
    if (p->pgid == p->pid)
        return -EPERM;                     /* a group leader cannot start a session */
    p->sid = p->pgid = p->pid;
    return ns_local_pid(p->sid);
}

/* Nice values set the scheduler weight (sched.c). Everyone is root, so lowering nice is allowed;
 * PRIO_USER treats every task as one user's. */
static int prio_match(struct proc *p, uint32_t which, int who)
{
    struct proc *self = current;
    if (p->state == P_UNUSED || p->state == P_ZOMBIE)
        return 0;
    switch (which) {
    case PRIO_PROCESS: return p->pid == (who ? who : self->pid);
    case PRIO_PGRP: return p->pgid == (who ? who : self->pgid);
    default: return who == 0;              /* PRIO_USER: uid 0 is the only user */
    }
}

long sys_setpriority(const struct syscall_args *a)
{
    uint32_t which = a->arg[0];
    int who = (int)a->arg[1], nice = (int)a->arg[2];
    if (which > PRIO_USER || who < 0)
        return -EINVAL;
    int found = 0;
    for (int i = 0; i < NPROC; i++) {
        if (prio_match(&proc_table[i], which, who)) {
            sched_set_nice(&proc_table[i], nice);
            found = 1;
        }
    }
    return found ? 0 : -ESRCH;
}

long sys_getpriority(const struct syscall_args *a)
{
    uint32_t which = a->arg[0];
    int who = (int)a->arg[1], best = 99;
    if (which > PRIO_USER || who < 0)
        return -EINVAL;
    for (int i = 0; i < NPROC; i++)
        if (prio_match(&proc_table[i], which, who) && proc_table[i].se.nice < best)
            best = proc_table[i].se.nice;
    return best == 99 ? -ESRCH : 20 - best;
}
