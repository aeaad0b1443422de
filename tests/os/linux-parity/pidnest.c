/* pidnest.c: the nesting limit of PID namespaces (pid_namespaces(7): "the kernel limits the
 * maximum nesting depth for PID namespaces to 32"; clone(2) and unshare(2): ENOSPC when
 * CLONE_NEWPID would exceed it). A chain of tasks: each unshares CLONE_NEWPID and forks, so the
 * child is pid 1 one level deeper; the first unshare that fails ends the chain and prints its
 * errno, the level it was made at and how many pids /proc/self/status's NSpid lists there. Each
 * task reaps its child and exits with the child's status, so the first task reports the depth.
 * The program must start in the initial PID namespace (level 0), as run.sh runs it. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include "nsutil.h"

static int nspid_fields(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[512];
    int n = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "NSpid:", 6) == 0)
            for (n = 0, line[strcspn(line, "\n")] = 0; strtok(n ? NULL : line + 6, "\t"); )
                n++;
    if (f)
        fclose(f);
    return n;
}

int main(void)
{
    printf("level 0: NSpid lists %d pid(s)\n", nspid_fields());
    fflush(stdout);
    for (int level = 0;; level++) {
        if (unshare(CLONE_NEWPID) < 0) {
            printf("level %d: unshare(CLONE_NEWPID) -> -1 %s\n", level, errname(errno));
            printf("level %d: NSpid lists %d pids, getpid %d\n", level, nspid_fields(), (int)getpid());
            fflush(stdout);
            _exit(level);
        }
        pid_t c = fork();
        if (c < 0)
            die("fork");
        if (c > 0) {                 /* wait for the deeper chain, hand its status up */
            int st;
            if (waitpid(c, &st, 0) != c)
                die("waitpid");
            if (level > 0)
                _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 200);
            printf("deepest level reached: %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
            return 0;
        }
    }
}
