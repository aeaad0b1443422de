/* cgroupns.c: cgroup namespaces (cgroup_namespaces(7), cgroup-v2.rst "Namespace"). A process
 * in /batchjobs/container_id1 sees that path in /proc/self/cgroup; after unshare(CLONE_NEWCGROUP)
 * its cgroup is the namespace's root and reads "0::/", while a process outside the namespace
 * still sees the whole path. The host's controllers are on cgroup v1, so this program's
 * expected output is cgroupns.expected, taken from cgroup-v2.rst's example. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include "nsutil.h"

#define CG "/sys/fs/cgroup/batchjobs"

static void show(const char *label, const char *path)
{
    char buf[128];
    int fd = open(path, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0)
        close(fd);
    buf[n < 0 ? 0 : n] = 0;
    printf("%s: %s", label, n < 0 ? "(unreadable)\n" : buf);
    fflush(stdout);
}

static void join(const char *dir, pid_t pid)
{
    char path[128], num[16];
    snprintf(path, sizeof path, "%s/cgroup.procs", dir);
    int fd = open(path, O_WRONLY);
    int n = snprintf(num, sizeof num, "%d", (int)pid);
    if (fd < 0 || write(fd, num, (size_t)n) != n)
        die(path);
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if ((mkdir(CG, 0755) < 0 && errno != EEXIST) || (mkdir(CG "/container_id1", 0755) < 0 && errno != EEXIST))
        die("mkdir");
    int go[2], done[2];
    if (pipe(go) < 0 || pipe(done) < 0)
        die("pipe");
    pid_t c = fork();
    if (c == 0) {
        char x;
        join(CG "/container_id1", getpid());
        show("child before unshare", "/proc/self/cgroup");
        SHOW("child: unshare(CLONE_NEWCGROUP)", unshare(CLONE_NEWCGROUP));
        show("child after unshare", "/proc/self/cgroup");
        write(done[1], "x", 1);
        read(go[0], &x, 1);
        _exit(0);
    }
    char x, path[64];
    read(done[0], &x, 1);
    snprintf(path, sizeof path, "/proc/%d/cgroup", (int)c);
    show("parent reads the child's", path);
    write(go[1], "g", 1);
    reap(c, "parent: child");
    SHOW("rmdir container_id1", rmdir(CG "/container_id1"));
    SHOW("rmdir batchjobs", rmdir(CG));
    return 0;
}
