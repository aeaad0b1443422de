/* mntns.c: mount namespaces (mount_namespaces(7)) and pivot_root(2). A child in a new mount
 * namespace makes every mount private (as runc does), mounts a tmpfs and writes a file there:
 * it sees the file, its parent (in the first namespace) does not, nor a grandchild that
 * unshared again before the mount. Then the child pivots into the tmpfs, finds the old root
 * at put_old, detaches it (umount2 MNT_DETACH) and no longer reaches it by any path. Last the
 * errors pivot_root(2) and mount(2) document. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "nsutil.h"

#define DIR_ "/tmp/mntns-parity"

static int exists(const char *path) { struct stat st; return stat(path, &st) == 0; }
static void see(const char *who, const char *path) { printf("%s: %s %s\n", who, path, exists(path) ? "exists" : errname(errno)); fflush(stdout); }
static long pivot(const char *new_root, const char *put_old) { return syscall(SYS_pivot_root, new_root, put_old); }

static void touch(const char *path)
{
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    if (fd < 0)
        die(path);
    close(fd);
}

static int child(int go_fd, int done_fd)
{
    SHOW("child: unshare(CLONE_NEWNS)", unshare(CLONE_NEWNS));
    SHOW("child: mount / MS_REC|MS_PRIVATE", mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
    int ready[2];
    if (pipe(ready) < 0)
        die("pipe");
    pid_t g = fork();                /* a grandchild in its own namespace, copied before the mount */
    if (g == 0) {
        if (unshare(CLONE_NEWNS) < 0)
            die("unshare g");
        write(ready[1], "r", 1);
        char c;
        read(go_fd, &c, 1);
        see("grandchild", DIR_ "/inside");
        _exit(0);
    }
    char r;
    read(ready[0], &r, 1);           /* the grandchild's namespace exists: mount now */
    SHOW("child: mount tmpfs", mount("tmpfs", DIR_, "tmpfs", 0, NULL));
    touch(DIR_ "/inside");
    see("child", DIR_ "/inside");
    write(done_fd, "x", 1);          /* the parent looks, then lets the grandchild look */
    reap(g, "child: grandchild");

    /* pivot_root into the tmpfs; the old root goes to /old. */
    if (mkdir(DIR_ "/old", 0755) < 0 || mkdir(DIR_ "/m", 0755) < 0)
        die("mkdir");
    touch(DIR_ "/marker");
    SHOW("child: chdir new root", chdir(DIR_));
    SHOW("child: pivot_root(., old)", pivot(".", "old"));
    SHOW("child: chdir /", chdir("/"));
    see("child", "/marker");
    see("child", "/old/tmp");
    see("child", "/old" DIR_ "/marker");
    SHOW("child: umount2 /old MNT_DETACH", umount2("/old", MNT_DETACH));
    see("child", "/old/tmp");
    see("child", "/tmp");

    /* The errors, in the man pages' terms. */
    SHOW("pivot_root(/nonexistent, /)", pivot("/nonexistent", "/"));
    SHOW("pivot_root(/marker, /)", pivot("/marker", "/"));
    SHOW("pivot_root(/old, /old): on the root mount", pivot("/old", "/old"));
    SHOW("mount tmpfs /m", mount("tmpfs", "/m", "tmpfs", 0, NULL));
    if (mkdir("/m/sub", 0755) < 0 || mkdir("/m/sub2", 0755) < 0)
        die("mkdir sub");
    SHOW("pivot_root(/m/sub, /m/sub): not a mount point", pivot("/m/sub", "/m/sub"));
    SHOW("mount tmpfs /m/sub", mount("tmpfs", "/m/sub", "tmpfs", 0, NULL));
    SHOW("pivot_root(/m/sub, /m/sub2): put_old not under new_root", pivot("/m/sub", "/m/sub2"));
    SHOW("mount no fstype", mount("x", "/m", NULL, 0, NULL));
    SHOW("mount fstype nope", mount("x", "/m", "nope", 0, NULL));
    SHOW("mount /nonexistent", mount("tmpfs", "/nonexistent", "tmpfs", 0, NULL));
    SHOW("mount MS_PRIVATE|MS_SHARED", mount(NULL, "/", NULL, MS_PRIVATE | MS_SHARED, NULL));
    SHOW("mount MS_PRIVATE on /m/sub2 (no mount point)", mount(NULL, "/m/sub2", NULL, MS_PRIVATE, NULL));
    SHOW("umount2 /m/sub2 (not mounted)", umount2("/m/sub2", 0));
    SHOW("umount2 /m (busy below)", umount2("/m", 0));
    SHOW("umount2 /m MNT_DETACH", umount2("/m", MNT_DETACH));
    see("child", "/m/sub");
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    mkdir(DIR_, 0755);
    int go[2], done[2];
    if (pipe(go) < 0 || pipe(done) < 0)
        die("pipe");
    pid_t c = fork();
    if (c == 0) {
        close(go[1]);
        close(done[0]);
        _exit(child(go[0], done[1]));
    }
    close(go[0]);
    close(done[1]);
    char x;
    read(done[0], &x, 1);            /* the child has mounted and written */
    see("parent", DIR_ "/inside");
    write(go[1], "g", 1);            /* let the grandchild look */
    reap(c, "parent: child");
    see("parent", DIR_ "/marker");
    rmdir(DIR_);
    see("parent", DIR_);
    return 0;
}
