/* sys_file.c -- the file system calls (after xv6's sysfile.c): argument checking, user memory
 * through copyin/copyout, and the errno values the Linux man pages give for each call. Paths are
 * copied in once (ENAMETOOLONG past PATH_MAX, EFAULT for a bad pointer), then resolved by vfs.c.
 * Everybody is root here, so permission bits are kept and shown but only X_OK consults them. */
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/dirent.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/fcntl.h"
#include "kernel/uapi/limits.h"
#include "kernel/uapi/mount.h"
#include "kernel/uapi/stat.h"

#define MAX_RW     0x7FFFF000u     /* Linux's MAX_RW_COUNT: longer requests are shortened */
#define UIO_MAXIOV 1024

/* ---- helpers ---- */

/* Copy a user path into a new kernel buffer: its length, or -EFAULT/-ENAMETOOLONG/-ENOMEM. */
static int path_in(uint32_t upath, char **out)
{
    char *k = kmalloc(UAPI_PATH_MAX);
    if (!k)
        return -ENOMEM;
    int r = copyinstr(k, upath, UAPI_PATH_MAX);
    if (r < 0) {
        kfree(k);
        return r;
    }
    *out = k;
    return r;
}

/* A user range the kernel may touch at all (access_ok): below KERNBASE, not wrapping. */
static int user_range_ok(uint32_t u, uint32_t n)
{
    return n == 0 || (u + n >= u && u + n <= KERNBASE);
}

static struct file *argfd(const struct syscall_args *a, int i)
{
    return fd_get(curproc(), (int)a->arg[i]);
}

/* The directory an *at() call starts from: NULL for the cwd, or an error. */
static int at_dir(int dirfd, const char *path, struct inode **dir)
{
    *dir = NULL;
    if (path[0] == '/' || dirfd == AT_FDCWD)
        return 0;
    struct file *f = fd_get(curproc(), dirfd);
    if (!f)
        return -EBADF;
    if (!S_ISDIR(f->ip->mode))
        return -ENOTDIR;
    *dir = f->ip;
    return 0;
}

/* Resolve a user path from dirfd: the inode or NULL and *err. */
static struct inode *lookup_user(int dirfd, uint32_t upath, int follow, int empty_ok, int *err)
{
    char *path;
    int r = path_in(upath, &path);
    if (r < 0) {
        *err = r;
        return NULL;
    }
    struct inode *dir, *ip = NULL;
    if (r == 0 && empty_ok && dirfd != AT_FDCWD) {     /* AT_EMPTY_PATH: the fd itself */
        struct file *f = fd_get(curproc(), dirfd);
        ip = f ? idup(f->ip) : NULL;
        *err = f ? 0 : -EBADF;
    } else if ((*err = at_dir(dirfd, path, &dir)) == 0) {
        ip = vfs_lookup_at(curproc(), dir, path, NULL, follow, err);
    }
    kfree(path);
    return ip;
}

/* ---- read and write ---- */

long sys_read(const struct syscall_args *a)
{
    struct file *f = argfd(a, 0);
    uint32_t n = a->arg[2] > MAX_RW ? MAX_RW : a->arg[2];
    if (!f)
        return -EBADF;
    if (!FILE_READABLE(f->flags))
        return -EBADF;
    if (!user_range_ok(a->arg[1], n))
        return -EFAULT;
    return file_read(f, iob_user(a->arg[1]), n);
}

long sys_write(const struct syscall_args *a)
{
    struct file *f = argfd(a, 0);
    uint32_t n = a->arg[2] > MAX_RW ? MAX_RW : a->arg[2];
    if (!f)
        return -EBADF;
    if (!FILE_WRITABLE(f->flags))
        return -EBADF;
    if (!user_range_ok(a->arg[1], n))
        return -EFAULT;
    return file_write(f, iob_user(a->arg[1]), n);
}

struct k_iovec { uint32_t base, len; };

static long rw_vec(const struct syscall_args *a, int wr)
{
    struct file *f = argfd(a, 0);
    int cnt = (int)a->arg[2];
    if (!f)
        return -EBADF;
    if (cnt < 0 || cnt > UIO_MAXIOV)
        return -EINVAL;
    long total = 0;
    for (int i = 0; i < cnt; i++) {
        struct k_iovec v;
        if (copyin(&v, a->arg[1] + (uint32_t)i * sizeof v, sizeof v) < 0)
            return total ? total : -EFAULT;
        if (v.len == 0)
            continue;
        struct syscall_args one = { { a->arg[0], v.base, v.len, 0, 0, 0 }, a->tf };
        long r = wr ? sys_write(&one) : sys_read(&one);
        if (r < 0)
            return total ? total : r;
        total += r;
        if ((uint32_t)r < v.len)
            break;
    }
    return total;
}

long sys_readv(const struct syscall_args *a) { return rw_vec(a, 0); }
long sys_writev(const struct syscall_args *a) { return rw_vec(a, 1); }

/* ---- open and close ---- */

/* open(2) with O_CREAT: the parent first, then the name in it (Linux's open_last_lookups). */
static struct inode *open_create(struct proc *p, struct inode *dir, const char *path,
                                 uint32_t flags, uint32_t mode, int *err)
{
    char last[UAPI_NAME_MAX + 1];
    struct inode *pdir = vfs_lookup_at(p, dir, path, last, 1, err), *ip = NULL;
    if (!pdir)
        return NULL;
    uint32_t plen = (uint32_t)strlen(path);
    if (!last[0] || !strcmp(last, ".") || !strcmp(last, ".."))
        *err = flags & O_EXCL ? -EEXIST : -EISDIR;   /* an existing directory */
    else if (path[plen - 1] == '/')
        *err = -EISDIR;            /* O_CREAT never makes a directory */
    else if (pdir->iop && pdir->iop->lookup && (ip = pdir->iop->lookup(pdir, last, err))) {
        if (flags & O_EXCL) {
            *err = -EEXIST;
        } else if (S_ISLNK(ip->mode)) {     /* an existing symlink: open what it names */
            iput(ip);
            ip = vfs_lookup_at(p, dir, path, NULL, !(flags & O_NOFOLLOW), err);
            if (!ip || S_ISLNK(ip->mode))
                *err = ip ? -ELOOP : *err;
            else if (S_ISDIR(ip->mode))
                *err = -EISDIR;
            else
                *err = 0;
        } else {
            *err = S_ISDIR(ip->mode) ? -EISDIR : 0;
        }
        if (*err) {
            iput(ip);
            ip = NULL;
        }
    } else if (*err == -ENOENT || !pdir->iop || !pdir->iop->lookup) {
        if (!pdir->iop || !pdir->iop->create)
            *err = -EACCES;
        else
            ip = pdir->iop->create(pdir, last, S_IFREG | (mode & 07777 & ~p->umask), err);
    }
    iput(pdir);
    return ip;
}

static long do_openat(int dirfd, uint32_t upath, uint32_t flags, uint32_t mode)
{
    struct proc *p = curproc();
    if ((flags & O_CREAT) && (flags & O_DIRECTORY))
        return -EINVAL;            /* open(2): Linux 6.4 and later refuse the pair */
    int fd;
    for (fd = 0; fd < NOFILE && p->ofile[fd]; fd++)
        ;
    if (fd == NOFILE)
        return -EMFILE;            /* Linux reserves the descriptor before the lookup */
    char *path;
    int err = path_in(upath, &path);
    if (err < 0)
        return err;
    struct inode *dir = NULL, *ip = NULL;
    if ((err = at_dir(dirfd, path, &dir)) < 0)
        goto out;
    if (flags & O_CREAT)
        ip = open_create(p, dir, path, flags, mode, &err);
    else
        ip = vfs_lookup_at(p, dir, path, NULL, !(flags & O_NOFOLLOW), &err);
    if (!ip)
        goto out;
    if (S_ISLNK(ip->mode)) {       /* O_NOFOLLOW met a symlink */
        err = -ELOOP;
        goto out;
    }
    if (S_ISDIR(ip->mode) && (flags & O_ACCMODE) != O_RDONLY) {
        err = -EISDIR;
        goto out;
    }
    if ((flags & O_DIRECTORY) && !S_ISDIR(ip->mode)) {
        err = -ENOTDIR;
        goto out;
    }
    if ((flags & O_TRUNC) && S_ISREG(ip->mode) && FILE_WRITABLE(flags) &&
        ip->iop && ip->iop->truncate)
        ip->iop->truncate(ip, 0);
    struct file *f = file_open_inode(ip, flags, &err);
    ip = NULL;                     /* the file owns the reference now (or dropped it) */
    if (!f)
        goto out;
    p->ofile[fd] = f;
    if (flags & O_CLOEXEC)
        p->cloexec |= 1u << fd;
    else
        p->cloexec &= ~(1u << fd);
    err = fd;
out:
    iput(ip);
    kfree(path);
    return err;
}

long sys_open(const struct syscall_args *a) { return do_openat(AT_FDCWD, a->arg[0], a->arg[1], a->arg[2]); }
long sys_openat(const struct syscall_args *a)
{
    return do_openat((int)a->arg[0], a->arg[1], a->arg[2], a->arg[3]);
}

long sys_close(const struct syscall_args *a)
{
    struct proc *p = curproc();
    int fd = (int)a->arg[0];
    struct file *f = fd_get(p, fd);
    if (!f)
        return -EBADF;
    p->ofile[fd] = NULL;
    p->cloexec &= ~(1u << fd);
    file_close(f);
    return 0;
}

/* ---- offsets ---- */

static int64_t do_seek(struct file *f, int64_t off, int whence)
{
    uint32_t m = f->ip->mode;
    if (S_ISFIFO(m) || (S_ISCHR(m) && (f->ip->rdev >> 8) == 5))
        return -ESPIPE;            /* pipes and terminals */
    if (S_ISCHR(m))
        return 0;                  /* /dev/null and /dev/zero: always at 0, as Linux */
    int64_t base;
    switch (whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = f->off; break;
    case SEEK_END: base = f->ip->size; break;
    default: return -EINVAL;
    }
    int64_t pos = base + off;
    if (pos < 0)
        return -EINVAL;
    if (pos > 0xFFFFFFFFLL)
        return -EFBIG;             /* beyond what this 32-bit ramfs can hold */
    f->off = (uint32_t)pos;
    return pos;
}

long sys_lseek(const struct syscall_args *a)
{
    struct file *f = argfd(a, 0);
    if (!f)
        return -EBADF;
    int64_t r = do_seek(f, (int32_t)a->arg[1], (int)a->arg[2]);
    if (r > 0x7FFFFFFF) {
        f->off = 0;                /* lseek(2): EOVERFLOW, the offset is not representable */
        return -EOVERFLOW;
    }
    return (long)r;
}

long sys__llseek(const struct syscall_args *a)
{
    struct file *f = argfd(a, 0);
    if (!f)
        return -EBADF;
    int64_t off = (int64_t)(((uint64_t)a->arg[1] << 32) | a->arg[2]);
    int64_t r = do_seek(f, off, (int)a->arg[4]);
    if (r < 0)
        return (long)r;
    return copyout(a->arg[3], &r, sizeof r);
}

/* ---- descriptors ---- */

long sys_dup(const struct syscall_args *a)
{
    struct file *f = argfd(a, 0);
    if (!f)
        return -EBADF;
    int fd = fd_alloc(curproc(), file_dup(f), 0);
    if (fd < 0)
        file_close(f);
    return fd;
}

static long do_dup3(int oldfd, int newfd, uint32_t flags)
{
    struct proc *p = curproc();
    struct file *f = fd_get(p, oldfd);
    if (!f || newfd < 0 || newfd >= NOFILE)
        return -EBADF;
    if (oldfd == newfd)
        return newfd;
    file_dup(f);
    file_close(p->ofile[newfd]);
    p->ofile[newfd] = f;
    if (flags & O_CLOEXEC)
        p->cloexec |= 1u << newfd;
    else
        p->cloexec &= ~(1u << newfd);
    return newfd;
}

long sys_dup2(const struct syscall_args *a) { return do_dup3((int)a->arg[0], (int)a->arg[1], 0); }
long sys_dup3(const struct syscall_args *a)
{
    if (a->arg[0] == a->arg[1] || (a->arg[2] & ~(uint32_t)O_CLOEXEC))
        return -EINVAL;
    return do_dup3((int)a->arg[0], (int)a->arg[1], a->arg[2]);
}

static long do_pipe(uint32_t ufds, uint32_t flags)
{
    struct proc *p = curproc();
    if (flags & ~(uint32_t)(O_NONBLOCK | O_CLOEXEC))
        return -EINVAL;
    struct file *rd, *wr;
    int r = pipe_alloc(&rd, &wr);
    if (r < 0)
        return r;
    rd->flags |= flags & O_NONBLOCK;
    wr->flags |= flags & O_NONBLOCK;
    int fds[2];
    fds[0] = fd_alloc(p, rd, 0);
    fds[1] = fds[0] < 0 ? -EMFILE : fd_alloc(p, wr, 0);
    if (fds[1] < 0 || copyout(ufds, fds, sizeof fds) < 0) {
        r = fds[1] < 0 ? -EMFILE : -EFAULT;
        for (int i = 0; i < 2; i++)
            if (fds[i] >= 0)
                p->ofile[fds[i]] = NULL;
        file_close(rd);
        file_close(wr);
        return r;
    }
    if (flags & O_CLOEXEC)
        p->cloexec |= 1u << fds[0] | 1u << fds[1];
    return 0;
}

long sys_pipe(const struct syscall_args *a) { return do_pipe(a->arg[0], 0); }
long sys_pipe2(const struct syscall_args *a) { return do_pipe(a->arg[0], a->arg[1]); }

long sys_ioctl(const struct syscall_args *a)
{
    struct file *f = argfd(a, 0);
    if (!f)
        return -EBADF;
    if (!f->ip->fop || !f->ip->fop->ioctl)
        return -ENOTTY;
    return f->ip->fop->ioctl(f, a->arg[1], a->arg[2]);
}

static long do_fcntl(const struct syscall_args *a)
{
    struct proc *p = curproc();
    int fd = (int)a->arg[0];
    struct file *f = fd_get(p, fd);
    if (!f)
        return -EBADF;
    uint32_t arg = a->arg[2];
    switch (a->arg[1]) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
        if (arg >= NOFILE)
            return -EINVAL;
        int nfd = fd_alloc(p, file_dup(f), (int)arg);
        if (nfd < 0)
            file_close(f);
        else if (a->arg[1] == F_DUPFD_CLOEXEC)
            p->cloexec |= 1u << nfd;
        return nfd;
    }
    case F_GETFD:
        return (p->cloexec >> fd) & 1 ? FD_CLOEXEC : 0;
    case F_SETFD:
        if (arg & FD_CLOEXEC)
            p->cloexec |= 1u << fd;
        else
            p->cloexec &= ~(1u << fd);
        return 0;
    case F_GETFL:
        return (long)f->flags;
    case F_SETFL:                  /* only O_APPEND and O_NONBLOCK can change, fcntl(2) */
        f->flags = (f->flags & ~(uint32_t)(O_APPEND | O_NONBLOCK)) | (arg & (O_APPEND | O_NONBLOCK));
        return 0;
    default:
        return -EINVAL;
    }
}

long sys_fcntl(const struct syscall_args *a) { return do_fcntl(a); }
long sys_fcntl64(const struct syscall_args *a) { return do_fcntl(a); }

/* ---- metadata ---- */

static long stat_out(struct inode *ip, uint32_t ubuf)
{
    struct stat64 st;
    vfs_stat(ip, &st);
    iput(ip);
    return copyout(ubuf, &st, sizeof st);
}

static long do_stat(int dirfd, uint32_t upath, uint32_t ubuf, uint32_t flags)
{
    if (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    int err = 0;
    struct inode *ip = lookup_user(dirfd, upath, !(flags & AT_SYMLINK_NOFOLLOW),
                                   (flags & AT_EMPTY_PATH) != 0, &err);
    return ip ? stat_out(ip, ubuf) : err;
}

long sys_stat64(const struct syscall_args *a) { return do_stat(AT_FDCWD, a->arg[0], a->arg[1], 0); }
long sys_lstat64(const struct syscall_args *a)
{
    return do_stat(AT_FDCWD, a->arg[0], a->arg[1], AT_SYMLINK_NOFOLLOW);
}
long sys_fstatat64(const struct syscall_args *a)
{
    return do_stat((int)a->arg[0], a->arg[1], a->arg[2], a->arg[3]);
}
long sys_fstat64(const struct syscall_args *a)
{
    struct file *f = argfd(a, 0);
    return f ? stat_out(idup(f->ip), a->arg[1]) : -EBADF;
}

long sys_getdents64(const struct syscall_args *a)
{
    struct file *f = argfd(a, 0);
    uint32_t ubuf = a->arg[1], count = a->arg[2];
    if (!f)
        return -EBADF;
    if (!S_ISDIR(f->ip->mode) || !f->ip->iop || !f->ip->iop->readdir)
        return -ENOTDIR;
    if (!user_range_ok(ubuf, count))
        return -EFAULT;
    struct fs_dirent *de = kmalloc(sizeof *de);
    char *rec = kmalloc(sizeof(struct linux_dirent64) + UAPI_NAME_MAX + 8);
    long r = 0;
    if (!de || !rec) {
        r = -ENOMEM;
        goto out;
    }
    uint32_t done = 0;
    for (;;) {
        uint32_t pos = f->off;
        if (f->ip->iop->readdir(f->ip, &pos, de) <= 0)
            break;
        uint32_t nlen = (uint32_t)strlen(de->name);
        uint32_t reclen = (LINUX_DIRENT64_NAME_OFFSET + nlen + 1 + 7) & ~7u;
        if (done + reclen > count) {
            if (done == 0)
                r = -EINVAL;       /* getdents64(2): result buffer is too small */
            break;
        }
        struct linux_dirent64 *d = (struct linux_dirent64 *)rec;
        memset(rec, 0, reclen);
        d->d_ino = de->ino;
        d->d_off = pos;
        d->d_reclen = (uint16_t)reclen;
        d->d_type = (uint8_t)de->type;
        memcpy(rec + LINUX_DIRENT64_NAME_OFFSET, de->name, nlen + 1);
        if (copyout(ubuf + done, rec, reclen) < 0) {
            r = -EFAULT;
            break;
        }
        done += reclen;
        f->off = pos;
    }
    if (r == 0)
        r = done;
out:
    kfree(de);
    kfree(rec);
    return r;
}

long sys_access(const struct syscall_args *a)
{
    uint32_t mode = a->arg[1];
    if (mode & ~7u)
        return -EINVAL;
    int err = 0;
    struct inode *ip = lookup_user(AT_FDCWD, a->arg[0], 1, 0, &err);
    if (!ip)
        return err;
    /* root: read and write always; execute when some x bit is set or it is a directory */
    int ok = !(mode & X_OK) || S_ISDIR(ip->mode) || (ip->mode & 0111);
    iput(ip);
    return ok ? 0 : -EACCES;
}

long sys_readlink(const struct syscall_args *a)
{
    int32_t size = (int32_t)a->arg[2];
    int err = 0;
    if (size <= 0)
        return -EINVAL;
    struct inode *ip = lookup_user(AT_FDCWD, a->arg[0], 0, 0, &err);
    if (!ip)
        return err;
    char *buf = kmalloc(UAPI_PATH_MAX);
    long r = -EINVAL;
    if (!buf)
        r = -ENOMEM;
    else if (S_ISLNK(ip->mode) && ip->iop && ip->iop->readlink) {
        r = ip->iop->readlink(ip, buf, UAPI_PATH_MAX);
        if (r > size)
            r = size;              /* truncated silently, no NUL: readlink(2) */
        if (r > 0 && copyout(a->arg[1], buf, (uint32_t)r) < 0)
            r = -EFAULT;
    }
    kfree(buf);
    iput(ip);
    return r;
}

static long do_truncate(struct inode *ip, int32_t len)
{
    if (len < 0)
        return -EINVAL;
    if (S_ISDIR(ip->mode))
        return -EISDIR;
    if (!S_ISREG(ip->mode) || !ip->iop || !ip->iop->truncate)
        return -EINVAL;
    return ip->iop->truncate(ip, (uint32_t)len);
}

long sys_truncate(const struct syscall_args *a)
{
    int err = 0;
    if ((int32_t)a->arg[1] < 0)
        return -EINVAL;            /* before the path, as Linux's do_sys_truncate */
    struct inode *ip = lookup_user(AT_FDCWD, a->arg[0], 1, 0, &err);
    if (!ip)
        return err;
    long r = do_truncate(ip, (int32_t)a->arg[1]);
    iput(ip);
    return r;
}

long sys_ftruncate(const struct syscall_args *a)
{
    struct file *f = argfd(a, 0);
    if (!f)
        return -EBADF;
    if (!FILE_WRITABLE(f->flags))
        return -EINVAL;            /* ftruncate(2): fd is not open for writing */
    return do_truncate(f->ip, (int32_t)a->arg[1]);
}

long sys_sync(const struct syscall_args *a) { (void)a; return 0; }
long sys_fsync(const struct syscall_args *a) { return argfd(a, 0) ? 0 : -EBADF; }

long sys_umask(const struct syscall_args *a)
{
    struct proc *p = curproc();
    uint32_t old = p->umask;
    p->umask = a->arg[0] & 0777;
    return (long)old;
}

/* ---- names ---- */

/* Resolve the parent of a user path: the directory, and the last component in last;
 * *slash says the path ended in '/', which only a directory may have. */
static struct inode *parent_user(int dirfd, uint32_t upath, char *last, int *slash, int *err)
{
    char *path;
    int r = path_in(upath, &path);
    if (r < 0) {
        *err = r;
        return NULL;
    }
    *slash = r > 0 && path[r - 1] == '/';
    struct inode *dir, *ip = NULL;
    if ((*err = at_dir(dirfd, path, &dir)) == 0)
        ip = vfs_lookup_at(curproc(), dir, path, last, 1, err);
    kfree(path);
    return ip;
}

static int dot_or_dotdot(const char *s) { return !strcmp(s, ".") || !strcmp(s, ".."); }

static long do_mkdir(int dirfd, uint32_t upath, uint32_t mode)
{
    char last[UAPI_NAME_MAX + 1];
    int err = 0;
    int slash;
    struct inode *dir = parent_user(dirfd, upath, last, &slash, &err);
    if (!dir)
        return err;
    struct inode *ip = NULL;
    if (!last[0] || dot_or_dotdot(last))
        err = -EEXIST;
    else if (dir->iop && dir->iop->lookup && (ip = dir->iop->lookup(dir, last, &err)) != NULL)
        err = -EEXIST;
    else if (!dir->iop || !dir->iop->create)
        err = -EPERM;              /* vfs_mkdir: the file system cannot make directories */
    else if ((ip = dir->iop->create(dir, last, S_IFDIR | (mode & 07777 & ~curproc()->umask), &err)))
        err = 0;
    iput(ip);
    iput(dir);
    return err;
}

long sys_mkdir(const struct syscall_args *a) { return do_mkdir(AT_FDCWD, a->arg[0], a->arg[1]); }
long sys_mkdirat(const struct syscall_args *a)
{
    return do_mkdir((int)a->arg[0], a->arg[1], a->arg[2]);
}

static long do_unlink(int dirfd, uint32_t upath, int isdir)
{
    char last[UAPI_NAME_MAX + 1];
    int err = 0;
    int slash;
    struct inode *dir = parent_user(dirfd, upath, last, &slash, &err);
    if (!dir)
        return err;
    struct inode *ip = NULL;
    if (!last[0])
        err = isdir ? -EBUSY : -EISDIR;            /* "/" */
    else if (isdir && !strcmp(last, "."))
        err = -EINVAL;                             /* rmdir(2) */
    else if (isdir && !strcmp(last, ".."))
        err = -ENOTEMPTY;
    else if (!isdir && dot_or_dotdot(last))
        err = -EISDIR;
    else if (!dir->iop || !dir->iop->lookup || !(ip = dir->iop->lookup(dir, last, &err)))
        ;                                          /* err from lookup: ENOENT */
    else if (isdir && !S_ISDIR(ip->mode))
        err = -ENOTDIR;
    else if (!isdir && S_ISDIR(ip->mode))
        err = -EISDIR;
    else if (!isdir && slash)
        err = -ENOTDIR;                            /* "file/" names no directory */
    else if (isdir && vfs_is_mounted_on(vfs_mnt_of(curproc()), ip))
        err = -EBUSY;
    else if (!dir->iop->unlink)
        err = -EPERM;
    else
        err = dir->iop->unlink(dir, last, isdir);
    iput(ip);
    iput(dir);
    return err;
}

long sys_unlink(const struct syscall_args *a) { return do_unlink(AT_FDCWD, a->arg[0], 0); }
long sys_rmdir(const struct syscall_args *a) { return do_unlink(AT_FDCWD, a->arg[0], 1); }
long sys_unlinkat(const struct syscall_args *a)
{
    if (a->arg[2] & ~(uint32_t)AT_REMOVEDIR)
        return -EINVAL;
    return do_unlink((int)a->arg[0], a->arg[1], (a->arg[2] & AT_REMOVEDIR) != 0);
}

/* Is anc the directory d or one of its ancestors (inside one file system)? */
static int is_ancestor(struct inode *anc, struct inode *d)
{
    struct inode *cur = idup(d);
    int found = 0;
    for (;;) {
        if (cur == anc) {
            found = 1;
            break;
        }
        struct inode *up = cur->iop && cur->iop->parent ? cur->iop->parent(cur) : idup(cur);
        int top = (up == cur);
        iput(cur);
        cur = up;
        if (top)
            break;
    }
    iput(cur);
    return found;
}

/* The checks in the order Linux's do_renameat2 makes them, so the same error wins. */
long sys_rename(const struct syscall_args *a)
{
    char olast[UAPI_NAME_MAX + 1], nlast[UAPI_NAME_MAX + 1];
    int err = 0, oslash, nslash;
    struct inode *odir = parent_user(AT_FDCWD, a->arg[0], olast, &oslash, &err), *ndir = NULL,
                 *ip = NULL, *target = NULL;
    if (!odir)
        return err;
    struct mnt_table *t = vfs_mnt_of(curproc());
    if (!(ndir = parent_user(AT_FDCWD, a->arg[1], nlast, &nslash, &err)))
        ;
    else if (odir->sb != ndir->sb)
        err = -EXDEV;
    else if (!olast[0] || !nlast[0] || dot_or_dotdot(olast) || dot_or_dotdot(nlast))
        err = -EBUSY;
    else if (!odir->iop || !odir->iop->lookup || !(ip = odir->iop->lookup(odir, olast, &err)))
        ;
    else if (!S_ISDIR(ip->mode) && (oslash || nslash))
        err = -ENOTDIR;                            /* rename(2): slashes only on directories */
    else if ((target = ndir->iop->lookup(ndir, nlast, &err)) == NULL && err != -ENOENT)
        ;
    else if (S_ISDIR(ip->mode) && is_ancestor(ip, ndir))
        err = -EINVAL;                             /* a directory into itself */
    else if (target && S_ISDIR(target->mode) && is_ancestor(target, odir))
        err = -ENOTEMPTY;                          /* over one of its own ancestors */
    else if (vfs_is_mounted_on(t, ip) || (target && vfs_is_mounted_on(t, target)))
        err = -EBUSY;
    else if (!odir->iop->rename)
        err = -EPERM;
    else
        err = odir->iop->rename(odir, olast, ndir, nlast);
    iput(target);
    iput(ip);
    iput(ndir);
    iput(odir);
    return err;
}

/* ---- where a process stands ---- */

static long set_dir(struct inode **slot, struct inode *ip)
{
    if (!S_ISDIR(ip->mode)) {
        iput(ip);
        return -ENOTDIR;
    }
    iput(*slot);
    *slot = ip;
    return 0;
}

long sys_chdir(const struct syscall_args *a)
{
    int err = 0;
    struct inode *ip = lookup_user(AT_FDCWD, a->arg[0], 1, 0, &err);
    return ip ? set_dir(&curproc()->cwd, ip) : err;
}

long sys_fchdir(const struct syscall_args *a)
{
    struct file *f = argfd(a, 0);
    return f ? set_dir(&curproc()->cwd, idup(f->ip)) : -EBADF;
}

long sys_chroot(const struct syscall_args *a)
{
    int err = 0;
    struct inode *ip = lookup_user(AT_FDCWD, a->arg[0], 1, 0, &err);
    return ip ? set_dir(&curproc()->root, ip) : err;
}

long sys_getcwd(const struct syscall_args *a)
{
    uint32_t size = a->arg[1];
    if (size == 0)
        return -ERANGE;
    char *buf = kmalloc(UAPI_PATH_MAX);
    if (!buf)
        return -ENOMEM;
    long r = vfs_getcwd(curproc(), buf, size < UAPI_PATH_MAX ? size : UAPI_PATH_MAX);
    if (r > 0 && copyout(a->arg[0], buf, (uint32_t)r) < 0)
        r = -EFAULT;
    kfree(buf);
    return r;
}

/* ---- mounts ---- */

long sys_mount(const struct syscall_args *a)
{
    uint32_t flags = a->arg[3];
    char src[32] = "none", type[32] = "";
    int r;
    if (a->arg[0] && (r = copyinstr(src, a->arg[0], sizeof src)) < 0)
        return r;
    if (flags & (MS_REMOUNT | MS_BIND | MS_MOVE))
        return -EINVAL;            /* not yet: remount, bind and move mounts */
    if (!a->arg[2])
        return -EINVAL;
    if ((r = copyinstr(type, a->arg[2], sizeof type)) < 0)
        return r == -ENAMETOOLONG ? -ENODEV : r;
    int err = 0;
    struct inode *target = lookup_user(AT_FDCWD, a->arg[1], 1, 0, &err);
    if (!target)
        return err;
    if (!fs_find_type(type))
        r = -ENODEV;
    else
        r = vfs_mount(vfs_mnt_of(curproc()), src, target, type, flags, NULL);
    iput(target);
    return r;
}

long sys_umount2(const struct syscall_args *a)
{
    if (a->arg[1] & ~(uint32_t)(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
        return -EINVAL;
    int err = 0;
    struct inode *ip = lookup_user(AT_FDCWD, a->arg[0], !(a->arg[1] & UMOUNT_NOFOLLOW), 0, &err);
    if (!ip)
        return err;
    long r = vfs_umount(vfs_mnt_of(curproc()), ip);
    iput(ip);
    return r;
}
