/* proctest: the process life cycle as Linux defines it -- exit statuses through wait, WNOHANG,
 * ECHILD, waiting for a given pid or any, an orphan adopted when its parent dies, a zombie that
 * stays until waited for, stop and continue (WUNTRACED), and execve failing without harming
 * the caller. Built natively too:
 * Linux is the oracle (an orphan's new parent there may be a subreaper, so the test asks only
 * that it is no longer the dead parent). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void nap(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, 0);
}

int main(void)
{
    int st;
    pid_t a = fork();
    if (a == 0)
        _exit(3);
    pid_t got = waitpid(a, &st, 0);
    printf("waitpid(child) = child: %s, exited: %s, status %d\n", got == a ? "yes" : "no",
           WIFEXITED(st) ? "yes" : "no", WEXITSTATUS(st));

    errno = 0;
    long none = (long)wait(&st);
    printf("wait with no children: %ld, %s\n", none, strerror(errno));

    pid_t slow = fork();
    if (slow == 0) {
        nap(300);
        _exit(7);
    }
    printf("WNOHANG while the child runs: %ld\n", (long)waitpid(slow, &st, WNOHANG));
    got = wait(&st);
    printf("wait for any: the child, status %d\n", got == slow ? WEXITSTATUS(st) : -1);

    /* A zombie: the child has exited, but until we wait it keeps its pid (kill 0 finds it). */
    pid_t z = fork();
    if (z == 0)
        _exit(0);
    nap(100);
    printf("zombie still has its pid: %s\n", kill(z, 0) == 0 ? "yes" : "no");
    waitpid(z, &st, 0);
    errno = 0;
    kill(z, 0);
    printf("after wait it is gone: %s\n", strerror(errno));

    /* An orphan: the middle process dies; its child reports its new parent through a pipe. */
    int fd[2];
    pipe(fd);
    pid_t mid = fork();
    if (mid == 0) {
        pid_t me = getpid();
        if (fork() == 0) {
            nap(200);
            char verdict = getppid() != me ? 'y' : 'n';
            write(fd[1], &verdict, 1);
            _exit(0);
        }
        _exit(0);
    }
    waitpid(mid, &st, 0);
    char verdict = '?';
    read(fd[0], &verdict, 1);
    printf("orphan adopted by another parent: %s\n", verdict == 'y' ? "yes" : "no");

    /* Job control: a stopped child is reported with WUNTRACED, SIGCONT resumes it, SIGKILL ends
     * a stopped one. */
    pid_t s = fork();
    if (s == 0) {
        kill(getpid(), SIGSTOP);
        _exit(5);
    }
    waitpid(s, &st, WUNTRACED);
    printf("SIGSTOP: stopped %s, by %s\n", WIFSTOPPED(st) ? "yes" : "no", WSTOPSIG(st) == SIGSTOP ? "SIGSTOP" : "?");
    kill(s, SIGCONT);
    waitpid(s, &st, 0);
    printf("SIGCONT: it went on and exited with %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    pid_t t = fork();
    if (t == 0) {
        /* Its own process group, whose parent is in another group of the same session: Linux
         * discards SIGTSTP sent to an orphaned process group (POSIX), which the group of a
         * test run by a batch system can be. And the default action, whatever was inherited. */
        setpgid(0, 0);
        signal(SIGTSTP, SIG_DFL);
        kill(getpid(), SIGTSTP);
        _exit(1);
    }
    waitpid(t, &st, WUNTRACED);
    printf("SIGTSTP stops by default: %s\n", WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP ? "yes" : "no");
    kill(t, SIGKILL);
    waitpid(t, &st, 0);
    printf("SIGKILL ends a stopped child: %s\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL ? "yes" : "no");

    char *argv[] = { "/nonexistent/program", 0 };
    errno = 0;
    int r = execv(argv[0], argv);
    printf("execv of a missing program: %d, %s; the caller goes on\n", r, strerror(errno));
    return 0;
}
