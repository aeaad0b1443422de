/* signals: handlers, SIG_IGN, old handlers, blocking and pending delivery, kill of children. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void handler(int sig) { got = sig; }

int main(void)
{
    printf("signal returns SIG_DFL first: %d\n", signal(SIGUSR1, handler) == SIG_DFL);
    raise(SIGUSR1);
    printf("handler saw %d\n", (int)got);
    printf("old handler is ours: %d\n", signal(SIGUSR1, SIG_IGN) == handler);
    got = 0;
    raise(SIGUSR1);
    printf("ignored: got %d\n", (int)got);

    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    printf("sigaction: %d\n", sigaction(SIGUSR2, &sa, &old));
    printf("old was default: %d\n", old.sa_handler == SIG_DFL);
    kill(getpid(), SIGUSR2);
    printf("handler saw %d\n", (int)got);

    /* blocked signals stay pending until unblocked */
    sigset_t set, prev;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    printf("ismember %d %d\n", sigismember(&set, SIGUSR2), sigismember(&set, SIGUSR1));
    got = 0;
    sigprocmask(SIG_BLOCK, &set, &prev);
    raise(SIGUSR2);
    printf("while blocked: got %d\n", (int)got);
    sigprocmask(SIG_SETMASK, &prev, 0);
    printf("after unblock: got %d\n", (int)got);

    /* errors */
    errno = 0;
    { long r_ = (long)(sigaction(SIGKILL, &sa, 0)); int e_ = errno; printf("sigaction SIGKILL: %ld %s\n", r_, strerror(e_)); }
    errno = 0;
    { long r_ = (long)(signal(0, handler) == SIG_ERR); int e_ = errno; printf("signal 0: %ld %s\n", r_, strerror(e_)); }
    errno = 0;
    { long r_ = (long)(kill(getpid(), 1000)); int e_ = errno; printf("kill bad signal: %ld %s\n", r_, strerror(e_)); }
    errno = 0;
    { long r_ = (long)(kill(999999, SIGTERM)); int e_ = errno; printf("kill no such process: %ld %s\n", r_, strerror(e_)); }
    printf("kill 0 to self: %d\n", kill(getpid(), 0));

    /* a child with a handler survives SIGTERM; without one it dies */
    int st;
    for (int with = 0; with < 2; with++) {
        int p[2];
        pipe(p);
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            got = 0;
            if (with)
                signal(SIGTERM, handler);
            write(p[1], "r", 1);
            while (!got)
                sleep(1);
            _exit(got);
        }
        char c;
        read(p[0], &c, 1);
        kill(pid, SIGTERM);
        waitpid(pid, &st, 0);
        printf("SIGTERM with handler %d: exited %d code %d signaled %d sig %d\n", with, WIFEXITED(st),
               WIFEXITED(st) ? WEXITSTATUS(st) : -1, WIFSIGNALED(st), WIFSIGNALED(st) ? WTERMSIG(st) : 0);
        close(p[0]);
        close(p[1]);
    }
    for (int s = 1; s < 32; s++)
        printf("%d %s\n", s, strsignal(s));
    return 0;
}
