/* The oracle for test_os_fs: the same file operations on the host's Linux, in a fresh temporary
 * directory, returning 0/count or -errno exactly as the system call gave it. Kept in its own
 * file because it needs the C library's <errno.h> and <fcntl.h>, whose macros clash with the
 * toy's kernel/uapi enums in one translation unit. */
#define _GNU_SOURCE
#include "linux_ref.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

static char saved_cwd[4096];
static char tmpdir[64];

int lx_begin(void)
{
    if (!getcwd(saved_cwd, sizeof saved_cwd))
        return -1;
    strcpy(tmpdir, "/tmp/vx86-osfs-XXXXXX");
    if (!mkdtemp(tmpdir) || chdir(tmpdir) < 0)
        return -1;
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

void lx_end(void)
{
    char cmd[128];
    if (chdir(saved_cwd) < 0)
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "linux_ref: could not remove %s\n", tmpdir);
}

static int R(long r) { return r < 0 ? -errno : (int)r; }

int lx_op(const struct fs_op *op)
{
    /* The toy's open flags are Linux's values, so they pass straight through. */
    switch (op->kind) {
    case OP_OPEN: {
        int fd = open(op->a, op->arg, 0644);
        if (fd < 0)
            return -errno;
        close(fd);
        return 0;
    }
    case OP_MKDIR:    return R(mkdir(op->a, 0755));
    case OP_RMDIR:    return R(rmdir(op->a));
    case OP_UNLINK:   return R(unlink(op->a));
    case OP_RENAME:   return R(rename(op->a, op->b));
    case OP_CHDIR:    return R(chdir(op->a));
    case OP_ACCESS:   return R(access(op->a, op->arg));
    case OP_TRUNCATE: return R(truncate(op->a, op->arg));
    case OP_WRITE: {
        int fd = open(op->a, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd < 0)
            return -errno;
        long r = write(fd, op->b, strlen(op->b));
        int e = errno;
        close(fd);
        return r < 0 ? -e : (int)r;
    }
    case OP_STAT: {
        struct stat st;
        if (stat(op->a, &st) < 0)
            return -errno;
        /* type, and size for files: what both must agree on (a directory's size is the file system's own) */
        return (int)((st.st_mode & S_IFMT) >> 12) * 100000 + (S_ISREG(st.st_mode) ? (int)st.st_size : 0);
    }
    case OP_READLINK: {
        char buf[64];
        return R(readlink(op->a, buf, sizeof buf));
    }
    default:
        return -EINVAL;
    }
}

static int slots[FD_SLOTS] = { -1, -1, -1, -1, -1 };

static int slot_fd(int i) { return slots[i] < 0 ? 999 : slots[i]; }   /* 999: never open */

void lx_fd_reset(void)
{
    for (int i = 0; i < FD_SLOTS; i++)
        if (slots[i] >= 0) {
            close(slots[i]);
            slots[i] = -1;
        }
}

int lx_fd_op(const struct fd_op *op, char *data)
{
    int fd = slot_fd(op->slot);
    switch (op->kind) {
    case FD_OPEN: {
        if (slots[op->slot] >= 0)
            close(slots[op->slot]);
        slots[op->slot] = open(op->path, op->arg, 0644);
        return slots[op->slot] < 0 ? -errno : 0;
    }
    case FD_CLOSE: {
        int r = close(fd);
        slots[op->slot] = -1;
        return R(r);
    }
    case FD_READ:      return R(read(fd, data, (size_t)op->arg));
    case FD_WRITE:     return R(write(fd, op->path, strlen(op->path)));
    case FD_LSEEK:     return R(lseek(fd, op->arg, op->arg2));
    case FD_FTRUNCATE: return R(ftruncate(fd, op->arg));
    case FD_DUP2: {
        int to = slots[op->slot2] >= 0 ? slots[op->slot2] : 20 + op->slot2;
        int r = dup2(fd, to);
        if (r >= 0)
            slots[op->slot2] = r;
        return r < 0 ? -errno : 0;
    }
    case FD_FSTAT: {
        struct stat st;
        if (fstat(fd, &st) < 0)
            return -errno;
        return (int)((st.st_mode & S_IFMT) >> 12) * 100000 + (S_ISREG(st.st_mode) ? (int)st.st_size : 0);
    }
    case FD_UNLINK:    return R(unlink(op->path));
    case FD_PIPE: {
        int p[2];
        if (op->slot == op->slot2)
            return -EINVAL;
        for (int i = 0; i < 2; i++) {
            int sl = i ? op->slot2 : op->slot;
            if (slots[sl] >= 0)
                close(slots[sl]);
            slots[sl] = -1;
        }
        if (pipe2(p, O_NONBLOCK) < 0)
            return -errno;
        slots[op->slot] = p[0];
        slots[op->slot2] = p[1];
        return 0;
    }
    default:           return -EINVAL;
    }
}

static void tree_walk(const char *abs, const char *rel, char *out, int cap, int *len)
{
    DIR *d = opendir(abs);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char a[1024], r[1024];
        struct stat st;
        snprintf(a, sizeof a, "%s/%s", abs, e->d_name);
        snprintf(r, sizeof r, "%s/%s", rel, e->d_name);
        if (lstat(a, &st) < 0)
            continue;
        if (*len > cap - 1100)
            break;                               /* full: the comparison will show it */
        *len += snprintf(out + *len, (size_t)(cap - *len), "%s %o %lu %ld\n", r, st.st_mode,
                         (unsigned long)st.st_nlink, S_ISREG(st.st_mode) ? (long)st.st_size : 0L);
        if (S_ISDIR(st.st_mode))
            tree_walk(a, r, out, cap, len);
    }
    closedir(d);
}

static int cmp_lines(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void lines_sort(char *buf)
{
    static char *lines[4096];
    char *copy = strdup(buf);
    int n = 0;
    for (char *l = strtok(copy, "\n"); l && n < 4096; l = strtok(NULL, "\n"))
        lines[n++] = l;
    qsort(lines, (size_t)n, sizeof lines[0], cmp_lines);
    buf[0] = 0;
    for (int i = 0; i < n; i++) {
        strcat(buf, lines[i]);
        strcat(buf, "\n");
    }
    free(copy);
}

void lx_tree(char *out, int cap)
{
    int len = 0;
    out[0] = 0;
    tree_walk(tmpdir, "", out, cap, &len);
    lines_sort(out);
}

int lx_umask(void)
{
    mode_t m = umask(022);
    umask(m);
    return (int)m;
}

int lx_symlink(const char *target, const char *name) { return R(symlink(target, name)); }
