/* Linux x86 signal numbers with their glibc strsignal texts (arch/x86/include/uapi/asm/signal.h),
 * the kernel's struct sigaction for rt_sigaction(2) on i386, and the sa_flags / sigprocmask values.
 *
 *   SIGNAL_LIST(X) expands X(NAME, number, "text") once per signal. */
#ifndef KERNEL_UAPI_SIGNAL_H
#define KERNEL_UAPI_SIGNAL_H

#include <stdint.h>

#define SIGNAL_LIST(X) \
    X(SIGHUP, 1, "Hangup") \
    X(SIGINT, 2, "Interrupt") \
    X(SIGQUIT, 3, "Quit") \
    X(SIGILL, 4, "Illegal instruction") \
    X(SIGTRAP, 5, "Trace/breakpoint trap") \
    X(SIGABRT, 6, "Aborted") \
    X(SIGBUS, 7, "Bus error") \
    X(SIGFPE, 8, "Floating point exception") \
    X(SIGKILL, 9, "Killed") \
    X(SIGUSR1, 10, "User defined signal 1") \
    X(SIGSEGV, 11, "Segmentation fault") \
    X(SIGUSR2, 12, "User defined signal 2") \
    X(SIGPIPE, 13, "Broken pipe") \
    X(SIGALRM, 14, "Alarm clock") \
    X(SIGTERM, 15, "Terminated") \
    X(SIGSTKFLT, 16, "Stack fault") \
    X(SIGCHLD, 17, "Child exited") \
    X(SIGCONT, 18, "Continued") \
    X(SIGSTOP, 19, "Stopped (signal)") \
    X(SIGTSTP, 20, "Stopped") \
    X(SIGTTIN, 21, "Stopped (tty input)") \
    X(SIGTTOU, 22, "Stopped (tty output)") \
    X(SIGURG, 23, "Urgent I/O condition") \
    X(SIGXCPU, 24, "CPU time limit exceeded") \
    X(SIGXFSZ, 25, "File size limit exceeded") \
    X(SIGVTALRM, 26, "Virtual timer expired") \
    X(SIGPROF, 27, "Profiling timer expired") \
    X(SIGWINCH, 28, "Window changed") \
    X(SIGIO, 29, "I/O possible") \
    X(SIGPWR, 30, "Power failure") \
    X(SIGSYS, 31, "Bad system call")

enum {
#define UAPI_SIG_(name, num, text) name = num,
    SIGNAL_LIST(UAPI_SIG_)
#undef UAPI_SIG_
};
#define SIGIOT  SIGABRT
#define SIGPOLL SIGIO
#define NSIG_CLASSIC 32   /* signals 1..31; the real-time ones (32..64) are not modelled */
#define KERNEL_NSIG  64   /* bits in the kernel's sigset_t, which rt_sigaction's size argument is: 8 bytes */

#define SIG_DFL ((void (*)(int))0)
#define SIG_IGN ((void (*)(int))1)
#define SIG_ERR ((void (*)(int))-1)

#define SA_NOCLDSTOP 0x00000001u
#define SA_NOCLDWAIT 0x00000002u
#define SA_SIGINFO   0x00000004u
#define SA_ONSTACK   0x08000000u
#define SA_RESTART   0x10000000u
#define SA_NODEFER   0x40000000u
#define SA_RESETHAND 0x80000000u
#define SA_RESTORER  0x04000000u

#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* What rt_sigaction(sig, act, oact, 8) reads and writes on i386 (include/linux/signal_types.h with
 * __ARCH_HAS_SA_RESTORER): handler, flags, restorer (the return address of a handler frame; it
 * must make the rt_sigreturn system call), then the 64-bit mask. */
struct kernel_sigaction {
    uint32_t handler;
    uint32_t flags;
    uint32_t restorer;
    uint32_t mask[2];
};

#endif
