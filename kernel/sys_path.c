/* sys_path.c -- the system calls that take a path name: stat, access, readlink, truncate,
 * mkdir, mknod, rmdir, unlink, rename, chdir, chroot, getcwd, mount, umount2 (sys_file.c has the ones
 * that take a descriptor, and open). A path is copied in once (ENAMETOOLONG past PATH_MAX, EFAULT
 * for a bad pointer), then resolved by vfs.c; the checks run in the order Linux's fs/namei.c makes
 * them, so that when several errors apply, the same one wins (the unit test compares with Linux).
 * Everybody is root here, so permission bits are kept and shown but only X_OK consults them. */
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "containers/ns.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/fcntl.h"
#include "kernel/uapi/limits.h"
#include "kernel/uapi/mount.h"
#include "kernel/uapi/stat.h"

/* ---- helpers, shared with sys_file.c ---- */

/* Copy a user path into a new kernel buffer: its length, or -EFAULT/-ENAMETOOLONG/-ENOMEM. */
int upath_copy(uint32_t upath, char **out)
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

/* The directory an *at() call starts from: NULL for the cwd, or an error. */
int upath_at_dir(int dirfd, const char *path, struct inode **dir)
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
struct inode *upath_lookup(int dirfd, uint32_t upath, int follow, int empty_ok, int *err)
{
    char *path;
    int r = upath_copy(upath, &path);
    if (r < 0) {
        *err = r;
        return NULL;
    }
    struct inode *dir, *ip = NULL;
    if (r == 0 && empty_ok && dirfd != AT_FDCWD) {     /* AT_EMPTY_PATH: the fd itself */
        struct file *f = fd_get(curproc(), dirfd);
        ip = f ? idup(f->ip) : NULL;
        *err = f ? 0 : -EBADF;
    } else if ((*err = upath_at_dir(dirfd, path, &dir)) == 0) {
        ip = vfs_lookup_at(curproc(), dir, path, NULL, follow, err);
    }
    kfree(path);
    return ip;
}

/* ---- metadata ---- */

long upath_stat_out(struct inode *ip, uint32_t ubuf)
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
    struct inode *ip = upath_lookup(dirfd, upath, !(flags & AT_SYMLINK_NOFOLLOW),
                                   (flags & AT_EMPTY_PATH) != 0, &err);
    return ip ? upath_stat_out(ip, ubuf) : err;
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
long sys_access(const struct syscall_args *a)
{
    uint32_t mode = a->arg[1];
    if (mode & ~7u)
        return -EINVAL;
    int err = 0;
    struct inode *ip = upath_lookup(AT_FDCWD, a->arg[0], 1, 0, &err);
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
    struct inode *ip = upath_lookup(AT_FDCWD, a->arg[0], 0, 0, &err);
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

long upath_truncate(struct inode *ip, int32_t len)
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
    struct inode *ip = upath_lookup(AT_FDCWD, a->arg[0], 1, 0, &err);
    if (!ip)
        return err;
    long r = S_ISREG(ip->mode) ? vfs_readonly(curproc(), ip) : 0;   /* EROFS after EISDIR */
    if (r == 0)
        r = upath_truncate(ip, (int32_t)a->arg[1]);
    iput(ip);
    return r;
}

/* ---- names ---- */

/* Resolve the parent of a user path: the directory, and the last component in last;
 * *slash says the path ended in '/', which only a directory may have. */
static struct inode *parent_user(int dirfd, uint32_t upath, char *last, int *slash, int *err)
{
    char *path;
    int r = upath_copy(upath, &path);
    if (r < 0) {
        *err = r;
        return NULL;
    }
    *slash = r > 0 && path[r - 1] == '/';
    struct inode *dir, *ip = NULL;
    if ((*err = upath_at_dir(dirfd, path, &dir)) == 0)
        ip = vfs_lookup_at(curproc(), dir, path, last, 1, err);
    kfree(path);
    return ip;
}

static int dot_or_dotdot(const char *s) { return !strcmp(s, ".") || !strcmp(s, ".."); }

/* mkdir(2) and mknod(2): a new directory or node of type `type` (S_IFDIR, S_IFREG, S_IFCHR). */
static long do_mknod(int dirfd, uint32_t upath, uint32_t type, uint32_t mode)
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
    else if ((err = vfs_readonly(curproc(), dir)) < 0)
        ;                          /* filename_create: EEXIST first, then EROFS */
    else if (!dir->iop || !dir->iop->create)
        err = -EPERM;              /* vfs_mkdir: the file system cannot make directories */
    else if ((ip = dir->iop->create(dir, last, type | (mode & 07777 & ~curproc()->umask), &err)))
        err = 0;
    iput(ip);
    iput(dir);
    return err;
}

long sys_mkdir(const struct syscall_args *a) { return do_mknod(AT_FDCWD, a->arg[0], S_IFDIR, a->arg[1]); }
long sys_mkdirat(const struct syscall_args *a)
{
    return do_mknod((int)a->arg[0], a->arg[1], S_IFDIR, a->arg[2]);
}

/* mknod(2) makes regular files and character device 0/0 (overlayfs' whiteout, which container
 * image unpackers make). Simplified: other devices and FIFOs are EPERM (Linux lets CAP_MKNOD). */
static long mknod_type(uint32_t mode, uint32_t dev)
{
    uint32_t type = (mode & S_IFMT) ? (mode & S_IFMT) : S_IFREG;   /* 0 means a regular file */
    if (type == S_IFREG || (type == S_IFCHR && dev == 0))
        return type;
    return type == S_IFDIR ? -EINVAL : -EPERM;
}
long sys_mknod(const struct syscall_args *a)
{
    long t = mknod_type(a->arg[1], a->arg[2]);
    return t < 0 ? t : do_mknod(AT_FDCWD, a->arg[0], (uint32_t)t, a->arg[1]);
}
long sys_mknodat(const struct syscall_args *a)
{
    long t = mknod_type(a->arg[2], a->arg[3]);
    return t < 0 ? t : do_mknod((int)a->arg[0], a->arg[1], (uint32_t)t, a->arg[2]);
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
    else if ((err = vfs_readonly(curproc(), dir)) < 0)
        ;                                          /* mnt_want_write before the lookup */
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
    else if ((err = vfs_readonly(curproc(), odir)) < 0)
        ;
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
    struct inode *ip = upath_lookup(AT_FDCWD, a->arg[0], 1, 0, &err);
    return ip ? set_dir(&curproc()->cwd, ip) : err;
}

long sys_fchdir(const struct syscall_args *a)
{
    struct file *f = fd_get(curproc(), (int)a->arg[0]);
    return f ? set_dir(&curproc()->cwd, idup(f->ip)) : -EBADF;
}

long sys_chroot(const struct syscall_args *a)
{
    int err = 0;
    struct inode *ip = upath_lookup(AT_FDCWD, a->arg[0], 1, 0, &err);
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
    if (flags & (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE))
        return ns_mount_propagation(a->arg[1], flags);   /* containers/mnt_ns.c */
    if ((flags & MS_MOVE) || (flags & (MS_BIND | MS_REMOUNT)) == MS_BIND)
        return -EINVAL;            /* not yet: bind mounts and moves */
    if (!(flags & MS_REMOUNT) && !a->arg[2])
        return -EINVAL;
    if (!(flags & MS_REMOUNT) && (r = copyinstr(type, a->arg[2], sizeof type)) < 0)
        return r == -ENAMETOOLONG ? -ENODEV : r;
    int err = 0;
    struct inode *target = upath_lookup(AT_FDCWD, a->arg[1], 1, 0, &err);
    if (!target)
        return err;
    if (flags & MS_REMOUNT) {      /* the type and data are ignored, as for a bind remount */
        r = vfs_remount(vfs_mnt_of(curproc()), target, flags);
        iput(target);
        return r;
    }
    char *data = a->arg[4] ? kmalloc(PAGE_SIZE) : NULL;   /* options: one page, as Linux copies */
    if (a->arg[4] && (!data || (r = copyinstr(data, a->arg[4], PAGE_SIZE)) < 0))
        r = data ? r : -ENOMEM;
    else if (!fs_find_type(type))
        r = -ENODEV;
    else
        r = vfs_mount(vfs_mnt_of(curproc()), src, target, type, flags, data);
    kfree(data);
    iput(target);
    char tgt[256];                 /* the record keeps the end of a longer path (containers/ns.c) */
    if (r == 0 && copyinstr(tgt, a->arg[1], sizeof tgt) > 0)
        ns_trace_mount(src, tgt, type);
    return r;
}

long sys_umount2(const struct syscall_args *a)
{
    if (a->arg[1] & ~(uint32_t)(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
        return -EINVAL;
    int err = 0;
    struct inode *ip = upath_lookup(AT_FDCWD, a->arg[0], !(a->arg[1] & UMOUNT_NOFOLLOW), 0, &err);
    if (!ip)
        return err;
    long r = (a->arg[1] & MNT_DETACH) ? ns_umount_tree(vfs_mnt_of(curproc()), ip)
                                      : vfs_umount(vfs_mnt_of(curproc()), ip);
    iput(ip);
    return r;
}
