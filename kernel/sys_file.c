/* sys_file.c -- the system calls on file descriptors (after xv6's sysfile.c): open, close, read,
 * write, lseek, dup, pipe, ioctl, fcntl, fstat, getdents64, ftruncate. Arguments are checked and
 * user memory is reached only through copyin/copyout (iobuf), with the errno values the Linux
 * man pages give; EBADF comes before EFAULT, as in Linux. Path-taking calls are in sys_path.c. */
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/dirent.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/fcntl.h"
#include "kernel/uapi/limits.h"
#include "kernel/uapi/stat.h"

#define MAX_RW     0x7FFFF000u     /* Linux's MAX_RW_COUNT: longer requests are shortened */
#define UIO_MAXIOV 1024

/* ---- helpers ---- */

/* A user range the kernel may touch at all (access_ok): below KERNBASE, not wrapping. */
static int user_range_ok(uint32_t u, uint32_t n)
{
    return n == 0 || (u + n >= u && u + n <= KERNBASE);
}

static struct file *argfd(const struct syscall_args *a, int i)
{
    return fd_get(curproc(), (int)a->arg[i]);
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

/* readv/writev: the whole vector is checked first (EFAULT; EINVAL for a negative length), as
 * Linux's import_iovec does, then each piece is moved in turn. */
static long rw_vec(const struct syscall_args *a, int wr)
{
    struct file *f = argfd(a, 0);
    int cnt = (int)a->arg[2];
    if (!f)
        return -EBADF;
    if (cnt < 0 || cnt > UIO_MAXIOV)
        return -EINVAL;
    for (int i = 0; i < cnt; i++) {
        struct k_iovec v;
        if (copyin(&v, a->arg[1] + (uint32_t)i * sizeof v, sizeof v) < 0)
            return -EFAULT;
        if ((int32_t)v.len < 0)
            return -EINVAL;
        if (!user_range_ok(v.base, v.len))
            return -EFAULT;
    }
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

/* open(2) with O_CREAT: the parent first, then the name in it (Linux's open_last_lookups). A final
 * symbolic link is followed unless O_EXCL or O_NOFOLLOW says not to; when it dangles, the file it
 * names is created, as on Linux. */
static struct inode *open_create(struct proc *p, struct inode *dir, const char *path,
                                 uint32_t flags, uint32_t mode, int *err)
{
    char last[UAPI_NAME_MAX + 1];
    char *target = NULL;           /* the link being followed, once there is one */
    struct inode *base = idup(dir), *ip = NULL;
    for (int links = 0;; links++) {
        struct inode *pdir = vfs_lookup_at(p, base, path, last, 1, err);
        if (!pdir)
            break;
        uint32_t plen = (uint32_t)strlen(path);
        if (!last[0] || !strcmp(last, ".") || !strcmp(last, ".."))
            *err = flags & O_EXCL ? -EEXIST : -EISDIR;   /* an existing directory */
        else if (path[plen - 1] == '/')
            *err = -EISDIR;        /* O_CREAT never makes a directory */
        else if (pdir->iop && pdir->iop->lookup && (ip = pdir->iop->lookup(pdir, last, err))) {
            if (flags & O_EXCL) {
                *err = -EEXIST;
            } else if (S_ISLNK(ip->mode)) {
                char *t = (flags & O_NOFOLLOW) || links >= FS_MAXSYMLINKS ? NULL
                                                                          : kmalloc(UAPI_PATH_MAX);
                int n = !t ? -ELOOP : ip->iop && ip->iop->readlink
                                      ? ip->iop->readlink(ip, t, UAPI_PATH_MAX - 1) : -EINVAL;
                iput(ip);
                ip = NULL;
                if (n > 0) {       /* go on with the target, from the link's directory */
                    t[n] = 0;
                    kfree(target);
                    target = t;
                    path = t;
                    iput(base);
                    base = pdir;
                    continue;
                }
                kfree(t);
                *err = n == 0 ? -ENOENT : n;
            } else {
                *err = S_ISDIR(ip->mode) ? -EISDIR : 0;
            }
            if (*err) {
                iput(ip);
                ip = NULL;
            }
        } else if (*err == -ENOENT || !pdir->iop || !pdir->iop->lookup) {
            if ((*err = vfs_readonly(p, pdir)) < 0)
                ;
            else if (!pdir->iop || !pdir->iop->create)
                *err = -EACCES;
            else
                ip = pdir->iop->create(pdir, last, S_IFREG | (mode & 07777 & ~p->umask), err);
        }
        iput(pdir);
        break;
    }
    iput(base);
    kfree(target);
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
    int err = upath_copy(upath, &path);
    if (err < 0)
        return err;
    struct inode *dir = NULL, *ip = NULL;
    if ((err = upath_at_dir(dirfd, path, &dir)) < 0)
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
    if ((FILE_WRITABLE(flags) || (flags & O_TRUNC)) && (S_ISREG(ip->mode) || S_ISDIR(ip->mode)) &&
        (err = vfs_readonly(p, ip)) < 0)
        goto out;                  /* a device node on a read-only mount stays writable */
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
    if (whence < SEEK_SET || whence > SEEK_HOLE)
        return -EINVAL;            /* before the file is asked, as ksys_lseek */
    if (S_ISFIFO(m) || (S_ISCHR(m) && (f->ip->rdev >> 8) == 5))
        return -ESPIPE;            /* pipes and terminals */
    if (S_ISCHR(m))
        return 0;                  /* /dev/null and /dev/zero: always at 0, as Linux */
    int64_t base, size = f->ip->size;
    int dir = S_ISDIR(m);
    switch (whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = f->off; break;
    case SEEK_END: if (dir) return -EINVAL; base = size; break;   /* tmpfs's dcache_dir_lseek */
    case SEEK_DATA:                /* no holes are tracked: all of the file is data, as */
    case SEEK_HOLE:                /* Linux's generic_file_llseek says for such file systems */
        if (dir)
            return -EINVAL;
        if (off < 0 || off >= size)
            return -ENXIO;
        base = 0;
        if (whence == SEEK_HOLE)
            off = size;
        break;
    default: return -EINVAL;
    }
    int64_t pos = base + off;
    if (pos < 0 || pos > 0xFFFFFFFFLL)
        return -EINVAL;            /* vfs_setpos: before 0 or past the largest file */
    f->off = (uint32_t)pos;
    return pos;
}

long sys_lseek(const struct syscall_args *a)
{
    struct file *f = argfd(a, 0);
    if (!f)
        return -EBADF;
    int64_t r = do_seek(f, (int32_t)a->arg[1], (int)a->arg[2]);
    if (r > 0x7FFFFFFF)
        return -EOVERFLOW;         /* moved, but not representable in off_t: as ksys_lseek */
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

/* ---- metadata of open files ---- */

long sys_fstat64(const struct syscall_args *a)
{
    struct file *f = argfd(a, 0);
    return f ? upath_stat_out(idup(f->ip), a->arg[1]) : -EBADF;
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

long sys_ftruncate(const struct syscall_args *a)
{
    if ((int32_t)a->arg[1] < 0)
        return -EINVAL;            /* before the descriptor, as do_sys_ftruncate */
    struct file *f = argfd(a, 0);
    if (!f)
        return -EBADF;
    if (!FILE_WRITABLE(f->flags))
        return -EINVAL;            /* ftruncate(2): fd is not open for writing */
    return upath_truncate(f->ip, (int32_t)a->arg[1]);
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

