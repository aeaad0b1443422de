/* nsutil.h: helpers shared by the namespace parity programs (standard headers only, so the same
 * source builds with glibc and with scripts/os-cc). Every line they print must be the same on
 * Linux and in the toy OS: no global pids, host names or inode numbers, only facts about them. */
#ifndef NSUTIL_H
#define NSUTIL_H
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static inline const char *errname(int e)
{
    switch (e) {
    case 0: return "0";
    case EPERM: return "EPERM";   case ENOENT: return "ENOENT"; case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";   case EBADF: return "EBADF";   case ECHILD: return "ECHILD";
    case EAGAIN: return "EAGAIN"; case ENOMEM: return "ENOMEM"; case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST"; case ENOTDIR: return "ENOTDIR"; case EINVAL: return "EINVAL";
    case ENOSPC: return "ENOSPC"; case ENODEV: return "ENODEV"; case ENOMSG: return "ENOMSG"; case EIDRM: return "EIDRM";
    case EROFS: return "EROFS";   case EISDIR: return "EISDIR";
    default: return "E?";
    }
}

/* "name -> 0" or "name -> -1 ENOENT": a call's result as Linux reports it. */
#define SHOW(name, call) do { errno = 0; long r_ = (long)(call); \
        printf("%s -> %s%s\n", name, r_ < 0 ? "-1 " : "0", r_ < 0 ? errname(errno) : ""); \
        fflush(stdout); } while (0)

static inline void die(const char *what)
{
    printf("FATAL %s: %s\n", what, errname(errno));
    fflush(stdout);
    exit(99);
}

/* Wait for pid; print how it ended as "LABEL: exit N" or "LABEL: signal N". */
static inline void reap(pid_t pid, const char *label)
{
    int st;
    if (waitpid(pid, &st, 0) != pid)
        die("waitpid");
    if (WIFEXITED(st))
        printf("%s: exit %d\n", label, WEXITSTATUS(st));
    else
        printf("%s: signal %d\n", label, WTERMSIG(st));
    fflush(stdout);
}

/* readlink of /proc/self/ns/TYPE into buf ("uts:[4026531838]"); "" on error. */
static inline const char *nslink(const char *type, char *buf, size_t n)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/ns/%s", type);
    ssize_t r = readlink(path, buf, n - 1);
    buf[r < 0 ? 0 : r] = 0;
    return buf;
}
#endif
