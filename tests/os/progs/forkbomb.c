/* forkbomb: fork until the kernel says no. The task table is finite, so fork must fail with
 * EAGAIN (not panic, not hang); then every child is killed and reaped and the system goes on. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX 10000

static pid_t kids[MAX];

int main(void)
{
    int n = 0, err = 0;
    while (n < MAX) {
        pid_t pid = fork();
        if (pid < 0) {
            err = errno;
            break;
        }
        if (pid == 0) {
            for (;;)
                sleep(1000);
        }
        kids[n++] = pid;
    }
    printf("forkbomb: fork failed after %s children: %s\n", n > 8 ? "many" : "few", strerror(err));
    for (int i = 0; i < n; i++)
        kill(kids[i], SIGKILL);
    int reaped = 0, st;
    while (wait(&st) > 0)
        reaped += WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
    printf("forkbomb: %s children killed and reaped\n", reaped == n ? "all" : "NOT all");
    return err == EAGAIN && reaped == n ? 0 : 1;
}
