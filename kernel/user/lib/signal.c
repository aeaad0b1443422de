/* signal/sigaction over rt_sigaction. Handlers always get an rt frame (SA_SIGINFO) whose return
 * address is __restore_rt (rt_sigreturn); a handler declared with one int argument still works
 * under the cdecl convention, and the kernel needs only the one frame shape. */
#include <signal.h>
#include <string.h>
#include "libc.h"

void __restore_rt(void);

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    struct kernel_sigaction k, ko;
    if (act) {
        k.handler = (uint32_t)act->sa_handler;
        k.flags = (uint32_t)act->sa_flags | SA_RESTORER;
        if (act->sa_handler != SIG_DFL && act->sa_handler != SIG_IGN)
            k.flags |= SA_SIGINFO;
        k.restorer = (uint32_t)__restore_rt;
        k.mask[0] = act->sa_mask.sig[0];
        k.mask[1] = act->sa_mask.sig[1];
    }
    long r = SYS4(rt_sigaction, sig, act ? &k : 0, old ? &ko : 0, 8);
    if (r == 0 && old) {
        memset(old, 0, sizeof *old);
        old->sa_handler = (void (*)(int))ko.handler;
        old->sa_flags = (int)ko.flags;
        old->sa_mask.sig[0] = ko.mask[0];
        old->sa_mask.sig[1] = ko.mask[1];
    }
    return (int)r;
}

sighandler_t signal(int sig, sighandler_t handler)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    if (sigaction(sig, &sa, &old) < 0)
        return SIG_ERR;
    return old.sa_handler;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old) { return SYS4(rt_sigprocmask, how, set, old, 8); }
int sigemptyset(sigset_t *s) { s->sig[0] = s->sig[1] = 0; return 0; }
int sigfillset(sigset_t *s) { s->sig[0] = s->sig[1] = ~0ul; return 0; }
static int sigbad(int sig)
{
    if (sig < 1 || sig >= NSIG) {
        errno = EINVAL;
        return 1;
    }
    return 0;
}
int sigaddset(sigset_t *s, int sig)
{
    if (sigbad(sig))
        return -1;
    s->sig[(sig - 1) / 32] |= 1ul << ((sig - 1) % 32);
    return 0;
}
int sigdelset(sigset_t *s, int sig)
{
    if (sigbad(sig))
        return -1;
    s->sig[(sig - 1) / 32] &= ~(1ul << ((sig - 1) % 32));
    return 0;
}
int sigismember(const sigset_t *s, int sig)
{
    if (sigbad(sig))
        return -1;
    return (s->sig[(sig - 1) / 32] >> ((sig - 1) % 32)) & 1;
}
