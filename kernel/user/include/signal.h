#ifndef _SIGNAL_H
#define _SIGNAL_H
#include <sys/types.h>
#include "../../uapi/signal.h"
#define NSIG 65
typedef void (*sighandler_t)(int);
typedef struct { unsigned long sig[2]; } sigset_t;
typedef int sig_atomic_t;
typedef struct {
    int si_signo, si_errno, si_code;
    union { struct { pid_t si_pid; uid_t si_uid; int si_status; }; void *si_addr; int __pad[29]; };
} siginfo_t;
struct sigaction {
    union { void (*sa_handler)(int); void (*sa_sigaction)(int, siginfo_t *, void *); };
    sigset_t sa_mask;
    int sa_flags;
    void (*sa_restorer)(void);
};
sighandler_t signal(int sig, sighandler_t handler);
int sigaction(int sig, const struct sigaction *act, struct sigaction *old);
int sigprocmask(int how, const sigset_t *set, sigset_t *old);
int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int sig);
int sigdelset(sigset_t *set, int sig);
int sigismember(const sigset_t *set, int sig);
int kill(pid_t pid, int sig);
int raise(int sig);
#endif
