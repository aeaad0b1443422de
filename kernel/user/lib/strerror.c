/* strerror, strsignal and perror with glibc's texts (kept in kernel/uapi beside the numbers). */
#include <string.h>
#include <stdio.h>
#include <signal.h>
#include <errno.h>
#include <stdlib.h>

static char unknown[40];

char *strerror(int e)
{
    switch (e) {
    case 0: return "Success";
#define OS_ERRTEXT_(name, val, text) case val: return text;
    ERRNO_LIST(OS_ERRTEXT_)
#undef OS_ERRTEXT_
    }
    snprintf(unknown, sizeof unknown, "Unknown error %d", e);
    return unknown;
}

char *strsignal(int sig)
{
    switch (sig) {
#define OS_SIGTEXT_(name, num, text) case num: return text;
    SIGNAL_LIST(OS_SIGTEXT_)
#undef OS_SIGTEXT_
    }
    if (sig >= 32 && sig < NSIG)
        snprintf(unknown, sizeof unknown, "Real-time signal %d", sig - 32);
    else
        snprintf(unknown, sizeof unknown, "Unknown signal %d", sig);
    return unknown;
}

/* sigabbrev_np (glibc 2.32): the signal's name without "SIG", or NULL. */
const char *sigabbrev_np(int sig)
{
    switch (sig) {
#define OS_SIGNAME_(name, num, text) case num: return &#name[3];
    SIGNAL_LIST(OS_SIGNAME_)
#undef OS_SIGNAME_
    }
    return 0;
}

void perror(const char *s)
{
    const char *msg = strerror(errno);
    if (s && *s)
        fprintf(stderr, "%s: %s\n", s, msg);
    else
        fprintf(stderr, "%s\n", msg);
}

void __assert_fail(const char *expr, const char *file, int line, const char *func)
{
    fprintf(stderr, "%s:%d: %s: Assertion `%s' failed.\n", file, line, func, expr);
    abort();
}
