/* forkbomb: every process forks until fork fails, then waits a little and exits -- the
 * classic `:(){ :|:& };:` made to end. The first process reports how many processes were made
 * (each child adds 1 to a count in a pipe) and the error fork gave. pids.max stops it: fork fails
 * with EAGAIN once the cgroup holds pids.max tasks (cgroup-v2.rst, "PID"). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    int fd[2];
    if (pipe(fd) < 0)
        return 1;
    pid_t first = getpid();
    int err = 0;
    for (;;) {
        pid_t c = fork();
        if (c < 0) {
            err = errno;
            break;
        }
        if (c == 0) {              /* a new process: count it, then fork on */
            write(fd[1], "x", 1);
            continue;
        }
    }
    struct timespec t = { 0, 20 * 1000000L };   /* stay alive while the others hit the limit */
    nanosleep(&t, NULL);
    while (wait(NULL) > 0)
        ;
    if (getpid() != first)
        _exit(0);
    close(fd[1]);
    char buf[64];
    long n = 0, r;
    while ((r = read(fd[0], buf, sizeof buf)) > 0)
        n += r;
    printf("forkbomb: %ld processes made, then fork failed: %s\n", n, strerror(err));
    return 0;
}
