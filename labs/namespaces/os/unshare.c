/* unshare [-p] [-m] [-u] [-i] [-C] [-f] [--mount-proc] [CMD [ARG]...]: run CMD (default /bin/sh)
 * in new namespaces, as util-linux's unshare(1): -p PID, -m mount, -u UTS, -i IPC, -C cgroup.
 * unshare(2) moves the caller into the new mount/UTS/IPC/cgroup namespaces at once, but a new PID
 * namespace is only for the caller's children (pid_namespaces(7)): without -f, CMD keeps its pid
 * and its first child becomes the namespace's init -- when that child exits, the namespace is
 * dead and the next fork fails (ENOMEM). -f forks first, so CMD itself is pid 1. --mount-proc
 * (implies -m) mounts a new proc on /proc in the child, so ps sees the new namespace. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int flags = 0, fork_first = 0, mount_proc = 0, i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--mount-proc")) {
            mount_proc = 1;
            flags |= CLONE_NEWNS;
            continue;
        }
        for (const char *c = argv[i] + 1; *c; c++) {
            switch (*c) {
            case 'p': flags |= CLONE_NEWPID; break;
            case 'm': flags |= CLONE_NEWNS; break;
            case 'u': flags |= CLONE_NEWUTS; break;
            case 'i': flags |= CLONE_NEWIPC; break;
            case 'C': flags |= CLONE_NEWCGROUP; break;
            case 'f': fork_first = 1; break;
            default:
                fprintf(stderr, "usage: unshare [-pmuiCf] [--mount-proc] [CMD [ARG]...]\n");
                return 1;
            }
        }
    }
    if (unshare(flags) < 0) {
        fprintf(stderr, "unshare: unshare failed: %s\n", strerror(errno));
        return 1;
    }
    if (fork_first) {
        pid_t c = fork();
        if (c < 0) {
            fprintf(stderr, "unshare: fork failed: %s\n", strerror(errno));
            return 1;
        }
        if (c > 0) {               /* wait for the namespace's init, exit with its status */
            int st = 0;
            while (waitpid(c, &st, 0) < 0 && errno == EINTR)
                ;
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        }
    }
    if (mount_proc) {
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
        if (mount("proc", "/proc", "proc", 0, NULL) < 0) {
            fprintf(stderr, "unshare: mount /proc failed: %s\n", strerror(errno));
            return 1;
        }
    }
    char *sh[] = { "/bin/sh", NULL };
    char **cmd = i < argc ? argv + i : sh;
    execvp(cmd[0], cmd);
    fprintf(stderr, "unshare: failed to execute %s: %s\n", cmd[0], strerror(errno));
    return 127;
}
