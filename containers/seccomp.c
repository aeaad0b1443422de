/* seccomp.c: system-call filtering, shaped like Linux's seccomp (seccomp(2), prctl(2) PR_SET_SECCOMP,
 * Documentation/userspace-api/seccomp_filter.rst). A task installs a classic-BPF program; from then
 * on every system call it makes first runs the program over a struct seccomp_data (the call's
 * number, the architecture, the instruction pointer and the six arguments), and the program's
 * return value decides: run the call, fail it with an errno, or kill the task with SIGSYS.
 *
 * Filters stack: each new one is pushed in front of the ones the task already had, all of them run,
 * and the most restrictive answer wins (seccomp_filter.rst, "Return values": the precedence is
 * KILL_PROCESS, KILL_THREAD, TRAP, ERRNO, ..., ALLOW). A filter never comes off: fork(2) shares the
 * chain with the child (a reference), execve(2) keeps it -- so a container's init that installs a
 * filter before it execs confines every process the container will ever have.
 *
 * The BPF subset (classic BPF, Linux's include/uapi/linux/filter.h encodings): LD|W|ABS (a 32-bit
 * word of seccomp_data), JMP JA/JEQ/JGT/JGE/JSET with K, ALU AND with K, RET with K or A. That is
 * what libseccomp and Docker's profiles compile to for number and argument tests. Anything else is
 * EINVAL when the filter is loaded, as Linux's checker (seccomp_check_filter) says, so the program
 * that runs at each call never needs a check.
 *
 * Simplifications: everybody is root in the toy OS, so no PR_SET_NO_NEW_PRIVS is demanded (Linux:
 * EACCES without it or CAP_SYS_ADMIN); a filter is at most SECCOMP_MAX_INSNS instructions (one
 * kernel page; Linux allows 4096, ENOMEM here beyond); no flags, no TRACE/LOG/USER_NOTIF (treated as
 * ALLOW, as with no tracer), TRAP sends SIGSYS without the siginfo details. */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/signal.h"
#include "kernel/uapi/wait.h"
#include "containers/seccomp.h"

/* ---- data structures ---- */

struct sock_filter {                       /* linux/filter.h */
    uint16_t code;
    uint8_t jt, jf;
    uint32_t k;
};

struct seccomp_data {                      /* linux/seccomp.h: what LD ABS reads */
    int32_t nr;
    uint32_t arch;
    uint64_t instruction_pointer;
    uint64_t args[6];
};

struct seccomp_filter {                    /* one installed program, shared by fork */
    int refs;
    struct seccomp_filter *prev;           /* the filters installed before it */
    uint32_t len;
    struct sock_filter insns[];
};

/* Classic BPF opcode pieces (linux/bpf_common.h). */
#define BPF_CLASS(c) ((c) & 0x07)
#define BPF_LD   0x00
#define BPF_ALU  0x04
#define BPF_JMP  0x05
#define BPF_RET  0x06
#define BPF_W    0x00
#define BPF_ABS  0x20
#define BPF_K    0x00
#define BPF_A    0x10
#define BPF_AND  0x50
#define BPF_JA   0x00
#define BPF_JEQ  0x10
#define BPF_JGT  0x20
#define BPF_JGE  0x30
#define BPF_JSET 0x40

/* prctl(2) options, seccomp(2) operations and modes (linux/prctl.h, linux/seccomp.h). */
#define PR_GET_SECCOMP      21
#define PR_SET_SECCOMP      22
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39
#define SECCOMP_MODE_DISABLED 0
#define SECCOMP_MODE_FILTER   2
#define SECCOMP_SET_MODE_FILTER 1
#define SECCOMP_GET_ACTION_AVAIL 2

#define SECCOMP_RET_KILL_PROCESS 0x80000000u
#define SECCOMP_RET_KILL_THREAD  0x00000000u
#define SECCOMP_RET_TRAP         0x00030000u
#define SECCOMP_RET_ERRNO        0x00050000u
#define SECCOMP_RET_ALLOW        0x7fff0000u
#define SECCOMP_RET_ACTION_FULL  0xffff0000u
#define SECCOMP_RET_DATA         0x0000ffffu
#define AUDIT_ARCH_I386          0x40000003u   /* linux/audit.h: EM_386 | __AUDIT_ARCH_LE */
#define MAX_ERRNO                4095

#define SECCOMP_MAX_INSNS ((PAGE_SIZE - sizeof(struct seccomp_filter)) / sizeof(struct sock_filter))

/* ---- running a filter ---- */

/* One program over one call. The checker guaranteed every jump lands inside and the program
 * ends in RET, so the loop always returns. */
static uint32_t bpf_run(const struct seccomp_filter *f, const struct seccomp_data *d)
{
    uint32_t a = 0;
    for (uint32_t pc = 0;; pc++) {
        const struct sock_filter *i = &f->insns[pc];
        switch (i->code) {
        case BPF_LD | BPF_W | BPF_ABS: a = *(const uint32_t *)((const uint8_t *)d + i->k); break;
        case BPF_ALU | BPF_AND | BPF_K: a &= i->k; break;
        case BPF_JMP | BPF_JA: pc += i->k; break;
        case BPF_JMP | BPF_JEQ | BPF_K: pc += a == i->k ? i->jt : i->jf; break;
        case BPF_JMP | BPF_JGT | BPF_K: pc += a > i->k ? i->jt : i->jf; break;
        case BPF_JMP | BPF_JGE | BPF_K: pc += a >= i->k ? i->jt : i->jf; break;
        case BPF_JMP | BPF_JSET | BPF_K: pc += (a & i->k) ? i->jt : i->jf; break;
        case BPF_RET | BPF_K: return i->k;
        default: return a;                 /* BPF_RET | BPF_A */
        }
    }
}

/* The most restrictive action of the chain: actions compare as signed numbers, so KILL_PROCESS
 * (0x80000000) < KILL_THREAD (0) < TRAP < ERRNO < ALLOW (seccomp_run_filters in Linux). */
static uint32_t run_filters(const struct seccomp_filter *f, const struct seccomp_data *d)
{
    uint32_t ret = SECCOMP_RET_ALLOW;
    for (; f; f = f->prev) {
        uint32_t r = bpf_run(f, d);
        if ((int32_t)(r & SECCOMP_RET_ACTION_FULL) < (int32_t)(ret & SECCOMP_RET_ACTION_FULL))
            ret = r;
    }
    return ret;
}

int seccomp_syscall_enter(struct trapframe *tf)
{
    struct proc *p = current;
    struct seccomp_data d = { (int32_t)tf->eax, AUDIT_ARCH_I386, tf->eip,
                              { tf->ebx, tf->ecx, tf->edx, tf->esi, tf->edi, tf->ebp } };
    uint32_t r = run_filters(p->seccomp, &d);
    switch (r & SECCOMP_RET_ACTION_FULL) {
    case SECCOMP_RET_ERRNO: {              /* the call is skipped and returns -errno */
        uint32_t e = r & SECCOMP_RET_DATA;
        tf->eax = (uint32_t)-(int32_t)(e > MAX_ERRNO ? MAX_ERRNO : e);
        return 1;
    }
    case SECCOMP_RET_TRAP:                 /* SIGSYS, which a handler may catch */
        tf->eax = (uint32_t)-ENOSYS;
        signal_force(p, SIGSYS);
        return 1;
    case SECCOMP_RET_KILL_PROCESS:
    case SECCOMP_RET_KILL_THREAD:          /* one thread per process here: the same */
        proc_exit(W_EXITCODE(0, SIGSYS));
    default:
        return 0;                          /* ALLOW (and the actions treated as it) */
    }
}

/* ---- loading a filter ---- */

/* seccomp_check_filter + bpf_check_classic: known opcodes only, loads aligned inside
 * seccomp_data, jumps inside the program, the last instruction a RET. */
static int check_filter(const struct sock_filter *f, uint32_t len)
{
    for (uint32_t pc = 0; pc < len; pc++) {
        const struct sock_filter *i = &f[pc];
        uint32_t rest = len - pc - 1;
        switch (i->code) {
        case BPF_LD | BPF_W | BPF_ABS:
            if (i->k & 3 || i->k >= sizeof(struct seccomp_data))
                return -EINVAL;
            break;
        case BPF_ALU | BPF_AND | BPF_K:
        case BPF_RET | BPF_K:
        case BPF_RET | BPF_A:
            break;
        case BPF_JMP | BPF_JA:
            if (i->k >= rest)
                return -EINVAL;
            break;
        case BPF_JMP | BPF_JEQ | BPF_K:
        case BPF_JMP | BPF_JGT | BPF_K:
        case BPF_JMP | BPF_JGE | BPF_K:
        case BPF_JMP | BPF_JSET | BPF_K:
            if (i->jt >= rest || i->jf >= rest)   /* pc + 1 + jt must be < len */
                return -EINVAL;
            break;
        default:
            return -EINVAL;
        }
    }
    return BPF_CLASS(f[len - 1].code) == BPF_RET ? 0 : -EINVAL;
}

/* Copy a struct sock_fprog { unsigned short len; struct sock_filter *filter; } from user space,
 * check it and push it on the current task's chain. */
static long set_mode_filter(uint32_t ufprog)
{
    struct { uint16_t len, pad; uint32_t filter; } fp;
    if (copyin(&fp, ufprog, sizeof fp) < 0)
        return -EFAULT;
    if (fp.len == 0 || fp.len > 4096)      /* BPF_MAXINSNS */
        return -EINVAL;
    if (fp.len > SECCOMP_MAX_INSNS)
        return -ENOMEM;
    struct seccomp_filter *f = kmalloc(sizeof *f + fp.len * sizeof f->insns[0]);
    if (!f)
        return -ENOMEM;
    f->len = fp.len;
    int r = copyin(f->insns, fp.filter, fp.len * sizeof f->insns[0]);
    if (r == 0)
        r = check_filter(f->insns, f->len);
    if (r < 0) {
        kfree(f);
        return r;
    }
    f->refs = 1;
    f->prev = current->seccomp;            /* our reference to the old chain moves to f */
    current->seccomp = f;
    return 0;
}

long sys_prctl(const struct syscall_args *a)
{
    switch (a->arg[0]) {
    case PR_GET_SECCOMP:
        return current->seccomp ? SECCOMP_MODE_FILTER : SECCOMP_MODE_DISABLED;
    case PR_SET_SECCOMP:
        return a->arg[1] == SECCOMP_MODE_FILTER ? set_mode_filter(a->arg[2]) : -EINVAL;
    case PR_SET_NO_NEW_PRIVS:              /* accepted: the toy OS has no set-user-ID programs */
        return a->arg[1] == 1 && !a->arg[2] && !a->arg[3] && !a->arg[4] ? 0 : -EINVAL;
    case PR_GET_NO_NEW_PRIVS:
        return 1;
    default:
        return -EINVAL;
    }
}

long sys_seccomp(const struct syscall_args *a)
{
    if (a->arg[0] == SECCOMP_SET_MODE_FILTER)
        return a->arg[1] ? -EINVAL : set_mode_filter(a->arg[2]);   /* no flags */
    return -EINVAL;
}

/* ---- fork and exit ---- */

void seccomp_fork(struct proc *child, struct proc *parent)
{
    child->seccomp = parent->seccomp;
    if (child->seccomp)
        child->seccomp->refs++;
}

void seccomp_release(struct proc *p)
{
    struct seccomp_filter *f = p->seccomp;
    p->seccomp = NULL;
    while (f && --f->refs == 0) {          /* the last user frees it, then drops its prev */
        struct seccomp_filter *prev = f->prev;
        kfree(f);
        f = prev;
    }
}

uint32_t seccomp_insns(const struct proc *p)
{
    uint32_t n = 0;
    for (const struct seccomp_filter *f = p->seccomp; f; f = f->prev)
        n += f->len;
    return n;
}
