/* rdonly.c: read-only mounts (mount(2): MS_RDONLY, and MS_REMOUNT|MS_BIND|MS_RDONLY, which
 * changes one mount and not its file system). In a private mount namespace, a tmpfs with a file
 * and a directory is remounted read-only: reading still works; opening for writing, O_TRUNC,
 * creating, mkdir, mknod, unlink (even of a missing name), rmdir, rename and truncate give EROFS,
 * each after the errors Linux's fs/namei.c checks first (mkdir of an existing name is EEXIST,
 * truncate of a directory EISDIR). Remounting without MS_RDONLY makes it writable again; a remount
 * of a directory that is no mount point is EINVAL; a tmpfs mounted MS_RDONLY is read-only from the
 * start. truncate(2) by syscall(2): the toy C library has no wrapper. /proc/self/mounts says "ro". This is how ctr mounts /sys/fs/cgroup in a container. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "nsutil.h"

#define DIR_ "/tmp/rdonly-parity"

static long open_close(const char *path, int flags)
{
    int fd = open(path, flags, 0644);
    if (fd >= 0)
        close(fd);
    return fd < 0 ? -1 : 0;
}

/* The options field of DIR_'s line in /proc/self/mounts begins with "ro" or "rw". */
static void mount_opts(const char *label)
{
    FILE *f = fopen("/proc/self/mounts", "r");
    char line[256], *p;
    const char *seen = "missing";
    while (f && fgets(line, sizeof line, f))   /* "SOURCE DIR TYPE OPTS 0 0" */
        if ((p = strstr(line, " " DIR_ " ")) && (p = strchr(p + sizeof DIR_ + 1, ' ')))
            seen = strncmp(p + 1, "ro", 2) == 0 ? "ro" : "rw";
    if (f)
        fclose(f);
    printf("%s: /proc/self/mounts says %s\n", label, seen);
    fflush(stdout);
}

int main(void)
{
    mkdir(DIR_, 0755);
    SHOW("unshare(CLONE_NEWNS)", unshare(CLONE_NEWNS));
    SHOW("mount / MS_REC|MS_PRIVATE", mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
    SHOW("mount tmpfs", mount("tmpfs", DIR_, "tmpfs", 0, NULL));
    int fd = open(DIR_ "/f", O_CREAT | O_WRONLY, 0644);
    if (fd < 0 || write(fd, "hello\n", 6) != 6 || close(fd) < 0 || mkdir(DIR_ "/d", 0755) < 0)
        die("fill");
    mount_opts("rw mount");
    SHOW("remount MS_BIND|MS_RDONLY", mount(NULL, DIR_, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
    mount_opts("ro mount");
    SHOW("open f O_RDONLY", open_close(DIR_ "/f", O_RDONLY));
    char buf[16] = "";
    fd = open(DIR_ "/f", O_RDONLY);
    printf("read f: %zd bytes\n", fd < 0 ? (ssize_t)-1 : read(fd, buf, sizeof buf));
    close(fd);
    SHOW("open f O_WRONLY", open_close(DIR_ "/f", O_WRONLY));
    SHOW("open f O_RDWR", open_close(DIR_ "/f", O_RDWR));
    SHOW("open f O_RDONLY|O_TRUNC", open_close(DIR_ "/f", O_RDONLY | O_TRUNC));
    SHOW("open f O_WRONLY|O_CREAT", open_close(DIR_ "/f", O_WRONLY | O_CREAT));
    SHOW("open new O_WRONLY|O_CREAT", open_close(DIR_ "/new", O_WRONLY | O_CREAT));
    SHOW("open missing O_RDONLY", open_close(DIR_ "/missing", O_RDONLY));
    SHOW("mkdir new", mkdir(DIR_ "/d2", 0755));
    SHOW("mkdir existing", mkdir(DIR_ "/d", 0755));
    SHOW("mknod whiteout", mknod(DIR_ "/w", S_IFCHR | 0600, 0));
    SHOW("unlink f", unlink(DIR_ "/f"));
    SHOW("unlink missing", unlink(DIR_ "/missing"));
    SHOW("rmdir d", rmdir(DIR_ "/d"));
    SHOW("rename f g", rename(DIR_ "/f", DIR_ "/g"));
    SHOW("truncate f", syscall(SYS_truncate, DIR_ "/f", 0));
    SHOW("truncate d", syscall(SYS_truncate, DIR_ "/d", 0));
    SHOW("open /dev/null O_WRONLY", open_close("/dev/null", O_WRONLY));
    SHOW("remount d (no mount point)", mount(NULL, DIR_ "/d", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
    SHOW("remount MS_BIND (rw again)", mount(NULL, DIR_, NULL, MS_REMOUNT | MS_BIND, NULL));
    mount_opts("remounted");
    SHOW("open f O_WRONLY", open_close(DIR_ "/f", O_WRONLY));
    SHOW("unlink f", unlink(DIR_ "/f"));
    SHOW("mount tmpfs MS_RDONLY on d", mount("tmpfs", DIR_ "/d", "tmpfs", MS_RDONLY, NULL));
    SHOW("open d/x O_WRONLY|O_CREAT", open_close(DIR_ "/d/x", O_WRONLY | O_CREAT));
    SHOW("mkdir d/e", mkdir(DIR_ "/d/e", 0755));
    SHOW("mkdir d2 (beside, rw)", mkdir(DIR_ "/d2", 0755));
    SHOW("umount d", umount(DIR_ "/d"));
    SHOW("umount", umount(DIR_));
    SHOW("rmdir", rmdir(DIR_));
    return 0;
}
