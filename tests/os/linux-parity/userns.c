/* userns.c: user namespaces with a uid map (user_namespaces(7)). After unshare(CLONE_NEWUSER)
 * the process is in a new user namespace (its /proc/self/ns/user link changes) whose uid_map is
 * empty, so getuid() is the overflow uid 65534; /proc/self/uid_map takes one write of
 * "first lower count": malformed text or a count of 0 is EINVAL and leaves it unwritten; "0 0 1"
 * maps root to root, getuid() is 0 again and the file reads back in the kernel's format; a second
 * write is EPERM, as is a write to the initial namespace's map. The child of a fork shares the
 * namespace and its map. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sched.h>
#include <sys/syscall.h>
#include "nsutil.h"

static void show_map(const char *label)
{
    char buf[128] = "";
    int fd = open("/proc/self/uid_map", O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0)
        close(fd);
    buf[n > 0 ? n : 0] = 0;
    printf("%s: uid_map \"%.*s\"\n", label, (int)strcspn(buf, "\n"), buf);
    fflush(stdout);
}

static long write_map(const char *text)
{
    int fd = open("/proc/self/uid_map", O_WRONLY);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    int e = errno;
    close(fd);
    errno = e;
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

int main(void)
{
    char before[64], after[64];
    nslink("user", before, sizeof before);
    show_map("initial");
    printf("initial: getuid %d\n", (int)getuid());
    SHOW("write the initial map", write_map("0 0 1\n"));
    SHOW("unshare(CLONE_NEWUSER)", unshare(CLONE_NEWUSER));
    printf("user ns changed: %s\n", strcmp(before, nslink("user", after, sizeof after)) ? "yes" : "no");
    printf("unmapped: getuid %d\n", (int)getuid());
    show_map("unmapped");
    SHOW("write \"x\"", write_map("x"));
    SHOW("write \"0 0 0\"", write_map("0 0 0\n"));
    SHOW("write \"0 0\"", write_map("0 0\n"));
    show_map("after bad writes");
    SHOW("write \"0 0 1\"", write_map("0 0 1\n"));
    printf("mapped: getuid %d\n", (int)getuid());
    show_map("mapped");
    SHOW("write again", write_map("0 0 1\n"));
    pid_t c = fork();
    if (c == 0) {
        char mine[64];
        printf("child: same user ns %s, getuid %d\n", strcmp(after, nslink("user", mine, sizeof mine)) ? "no" : "yes",
               (int)getuid());
        fflush(stdout);
        _exit(0);
    }
    reap(c, "child");
    return 0;
}
