/* file.c -- open file descriptions and file descriptors (after xv6's file.c).
 *
 * A struct file is what open(2) creates: the inode, the offset and the status flags. dup(2) and
 * fork(2) share it (ref counts), so a parent and child writing to one file advance one offset,
 * as POSIX requires. A descriptor is an index into the process's ofile[]; close-on-exec is a bit
 * per descriptor in proc->cloexec. The table is system wide: when it is full open is ENFILE. */
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/fcntl.h"
#include "kernel/uapi/stat.h"

static struct file file_table[NFILE];

struct file *file_alloc(void)
{
    for (int i = 0; i < NFILE; i++)
        if (file_table[i].ref == 0) {
            memset(&file_table[i], 0, sizeof file_table[i]);
            file_table[i].ref = 1;
            return &file_table[i];
        }
    return NULL;
}

struct file *file_dup(struct file *f)
{
    if (f)
        f->ref++;
    return f;
}

void file_close(struct file *f)
{
    if (!f)
        return;
    if (f->ref <= 0)
        panic("file_close: ref %d", f->ref);
    if (--f->ref > 0)
        return;
    if (f->ip && f->ip->fop && f->ip->fop->release)
        f->ip->fop->release(f);
    iput(f->ip);
    f->ip = NULL;
}

/* Open ip with open(2)'s flags; the file takes over the caller's reference on ip. */
struct file *file_open_inode(struct inode *ip, uint32_t flags, int *err)
{
    struct file *f = file_alloc();
    if (!f) {
        iput(ip);
        *err = -ENFILE;
        return NULL;
    }
    f->ip = ip;
    f->flags = flags & ~(uint32_t)(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY | O_CLOEXEC);
    if (ip->fop && ip->fop->open) {
        int r = ip->fop->open(ip, f);
        if (r < 0) {
            f->ip = NULL;
            f->ref = 0;
            iput(ip);
            *err = r;
            return NULL;
        }
    }
    return f;
}

int file_uses_super(struct super *sb)
{
    for (int i = 0; i < NFILE; i++)
        if (file_table[i].ref > 0 && file_table[i].ip && file_table[i].ip->sb == sb)
            return 1;
    return 0;
}

long file_read(struct file *f, struct iobuf b, uint32_t n)
{
    if (!FILE_READABLE(f->flags))
        return -EBADF;
    if (S_ISDIR(f->ip->mode))
        return -EISDIR;
    if (!f->ip->fop || !f->ip->fop->read)
        return -EINVAL;
    long r = f->ip->fop->read(f->ip, f, b, f->off, n);
    if (r > 0 && !S_ISFIFO(f->ip->mode) && !S_ISCHR(f->ip->mode))
        f->off += (uint32_t)r;
    return r;
}

long file_write(struct file *f, struct iobuf b, uint32_t n)
{
    if (!FILE_WRITABLE(f->flags))
        return -EBADF;
    if (!f->ip->fop || !f->ip->fop->write)
        return -EINVAL;
    if (n == 0 && S_ISREG(f->ip->mode))
        return 0;                  /* nothing written: even O_APPEND leaves the offset alone */
    if ((f->flags & O_APPEND) && S_ISREG(f->ip->mode))
        f->off = f->ip->size;
    long r = f->ip->fop->write(f->ip, f, b, f->off, n);
    if (r > 0 && !S_ISFIFO(f->ip->mode) && !S_ISCHR(f->ip->mode))
        f->off += (uint32_t)r;
    return r;
}

/* ---- descriptors ---- */

int fd_alloc(struct proc *p, struct file *f, int from)
{
    for (int fd = from < 0 ? 0 : from; fd < NOFILE; fd++)
        if (!p->ofile[fd]) {
            p->ofile[fd] = f;
            p->cloexec &= ~(1u << fd);
            return fd;
        }
    return -EMFILE;
}

struct file *fd_get(struct proc *p, int fd)
{
    if (fd < 0 || fd >= NOFILE)
        return NULL;
    return p->ofile[fd];
}

int fs_open_console(struct proc *p)
{
    int err = 0;
    struct inode *ip = vfs_lookup(p, "/dev/console", 1, &err);
    if (!ip)
        return err;
    struct file *f = file_open_inode(ip, O_RDWR, &err);
    if (!f)
        return err;
    for (int fd = 0; fd < 3; fd++) {
        file_close(p->ofile[fd]);
        p->ofile[fd] = fd ? file_dup(f) : f;
    }
    return 0;
}

int fs_proc_fork(struct proc *child, struct proc *parent)
{
    for (int fd = 0; fd < NOFILE; fd++)
        child->ofile[fd] = file_dup(parent->ofile[fd]);
    child->cloexec = parent->cloexec;
    child->cwd = idup(parent->cwd);
    child->root = idup(parent->root);
    child->umask = parent->umask;
    return 0;
}

void fs_proc_exec(struct proc *p)
{
    for (int fd = 0; fd < NOFILE; fd++)
        if (p->ofile[fd] && (p->cloexec & (1u << fd))) {
            file_close(p->ofile[fd]);
            p->ofile[fd] = NULL;
        }
    p->cloexec = 0;
}

void fs_proc_exit(struct proc *p)
{
    for (int fd = 0; fd < NOFILE; fd++) {
        file_close(p->ofile[fd]);
        p->ofile[fd] = NULL;
    }
    iput(p->cwd);
    iput(p->root);
    p->cwd = p->root = NULL;
}
