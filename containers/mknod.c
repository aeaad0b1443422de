/* mknod.c -- mknod(2) and mknodat(2), for what containers need: regular files and overlayfs
 * whiteouts (a character device 0/0, overlayfs.rst), which an image unpacker makes from the OCI
 * layer's ".wh.NAME" entries as containerd does. Simplified: other devices and FIFOs are EPERM
 * (Linux lets root, with CAP_MKNOD, make any node). */
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/stat.h"

static long do_mknod(int dirfd, uint32_t upath, uint32_t mode, uint32_t dev)
{
    uint32_t type = mode & S_IFMT;
    if (type == 0)
        type = S_IFREG;            /* mknod(2): a zero type means a regular file */
    if (type != S_IFREG && !(type == S_IFCHR && dev == 0))
        return type == S_IFDIR ? -EINVAL : -EPERM;
    char *path, last[FS_NAME_MAX + 1];
    int r = upath_copy(upath, &path), err = 0;
    if (r < 0)
        return r;
    struct inode *dir = NULL, *ip = NULL;
    if ((err = upath_at_dir(dirfd, path, &dir)) == 0)
        dir = vfs_lookup_at(curproc(), dir, path, last, 1, &err);
    kfree(path);
    if (!dir)
        return err;
    if (!last[0] || !strcmp(last, ".") || !strcmp(last, ".."))
        err = -EEXIST;
    else if (dir->iop && dir->iop->lookup && (ip = dir->iop->lookup(dir, last, &err)) != NULL)
        err = -EEXIST;
    else if (!dir->iop || !dir->iop->create)
        err = -EPERM;
    else if ((ip = dir->iop->create(dir, last, type | (mode & 07777 & ~curproc()->umask), &err)))
        err = 0;
    if (ip && !err)
        ip->rdev = 0;
    iput(ip);
    iput(dir);
    return err;
}

long sys_mknod(const struct syscall_args *a) { return do_mknod(AT_FDCWD, a->arg[0], a->arg[1], a->arg[2]); }
long sys_mknodat(const struct syscall_args *a)
{
    return do_mknod((int)a->arg[0], a->arg[1], a->arg[2], a->arg[3]);
}
