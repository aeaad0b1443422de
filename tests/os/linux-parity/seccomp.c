/* seccomp.c: system-call filters (seccomp(2), Documentation/userspace-api/seccomp_filter.rst)
 * against Linux. A classic-BPF filter that checks the architecture (KILL on a mismatch), answers
 * getppid with ERRNO(EPERM) and getpid with ERRNO(EACCES) and allows the rest; the filter is
 * inherited by a forked child; a second filter stacked on it that KILLs getppid wins over the first
 * one's ERRNO (the most restrictive action), and the child dies of SIGSYS (31); PR_GET_SECCOMP
 * says 2 (filter mode); malformed filters are EINVAL (empty, a jump past the end, a misaligned or
 * out-of-range load, a last instruction that is no RET, an unknown opcode). The structures and
 * constants are written out (linux/filter.h, linux/seccomp.h, linux/audit.h), so the same source
 * builds with glibc and with the toy OS's C library. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <sys/syscall.h>
#include "nsutil.h"

struct filt { uint16_t code; uint8_t jt, jf; uint32_t k; };
struct fprog { unsigned short len; struct filt *filter; };
#define LD_NR    0x20, 0, 0, 0             /* BPF_LD|BPF_W|BPF_ABS, offsetof(seccomp_data, nr) */
#define LD_ARCH  0x20, 0, 0, 4             /* ... offsetof(seccomp_data, arch) */
#define JEQ      0x15                      /* BPF_JMP|BPF_JEQ|BPF_K */
#define RET      0x06                      /* BPF_RET|BPF_K */
#define RET_KILL_PROCESS 0x80000000u
#define RET_ERRNO        0x00050000u
#define RET_ALLOW        0x7fff0000u
#ifdef __x86_64__
#define ARCH 0xC000003Eu                   /* AUDIT_ARCH_X86_64 */
#else
#define ARCH 0x40000003u                   /* AUDIT_ARCH_I386 */
#endif
#define PR_SET_DUMPABLE 4
#define PR_GET_SECCOMP 21
#define PR_SET_SECCOMP 22
#define PR_SET_NO_NEW_PRIVS 38
#define SECCOMP_MODE_FILTER 2
#define SECCOMP_SET_MODE_FILTER 1

static long load(struct filt *f, unsigned short n)
{
    struct fprog p = { n, f };
    return syscall(SYS_prctl, PR_SET_SECCOMP, SECCOMP_MODE_FILTER, (long)&p, 0, 0);
}

/* "name -> value" or "name -> -1 errno N". */
static void show(const char *name, long r)
{
    if (r < 0)
        printf("%s -> -1 errno %d\n", name, errno);
    else
        printf("%s -> %s\n", name, r > 0 ? "positive" : "0");
    fflush(stdout);
}

int main(void)
{
    struct filt bad_jump[] = { { LD_NR }, { JEQ, 5, 0, 1 }, { RET, 0, 0, RET_ALLOW } };
    struct filt bad_load[] = { { 0x20, 0, 0, 2 }, { RET, 0, 0, RET_ALLOW } };
    struct filt far_load[] = { { 0x20, 0, 0, 64 }, { RET, 0, 0, RET_ALLOW } };
    struct filt no_ret[] = { { LD_NR } };
    struct filt bad_op[] = { { 0xC7, 0, 0, 0 }, { RET, 0, 0, RET_ALLOW } };
    struct filt base[] = {
        { LD_ARCH }, { JEQ, 1, 0, ARCH }, { RET, 0, 0, RET_KILL_PROCESS },
        { LD_NR },
        { JEQ, 0, 1, SYS_getppid }, { RET, 0, 0, RET_ERRNO | EPERM },
        { JEQ, 0, 1, SYS_getpid }, { RET, 0, 0, RET_ERRNO | EACCES },
        { RET, 0, 0, RET_ALLOW },
    };
    struct filt kill_ppid[] = {
        { LD_NR }, { JEQ, 0, 1, SYS_getppid }, { RET, 0, 0, RET_KILL_PROCESS }, { RET, 0, 0, RET_ALLOW },
    };
    show("get_seccomp before", syscall(SYS_prctl, PR_GET_SECCOMP, 0, 0, 0, 0));
    show("no_new_privs", syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
    show("empty filter", load(base, 0));
    show("jump past the end", load(bad_jump, 3));
    show("misaligned load", load(bad_load, 2));
    show("load past seccomp_data", load(far_load, 2));
    show("no RET at the end", load(no_ret, 1));
    show("unknown opcode", load(bad_op, 2));
    show("seccomp(2) with an unknown flag", syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0x40000000, (long)&(struct fprog){ 9, base }));
    show("getppid unfiltered", syscall(SYS_getppid));
    show("load the filter", load(base, sizeof base / sizeof base[0]));
    show("get_seccomp after", syscall(SYS_prctl, PR_GET_SECCOMP, 0, 0, 0, 0));
    show("getppid", syscall(SYS_getppid));
    show("getpid", syscall(SYS_getpid));
    show("getuid allowed", syscall(SYS_getuid) >= 0 ? 1 : -1);
    pid_t c = fork();
    if (c == 0) {                          /* the child inherits the filter */
        show("child getppid", syscall(SYS_getppid));
        _exit(3);
    }
    reap(c, "child");
    if ((c = fork()) == 0) {               /* a second filter: KILL beats ERRNO */
        syscall(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0);   /* no core file on Linux */
        show("stack a killing filter", load(kill_ppid, 4));
        show("child getpid", syscall(SYS_getpid));
        syscall(SYS_getppid);
        printf("still alive\n");
        _exit(4);
    }
    reap(c, "stacked child");
    return 0;
}
