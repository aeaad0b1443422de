/* pipe.c -- pipes (after xv6's pipe.c, with pipe(7)'s rules).
 *
 * A pipe is a ring buffer of PIPE_SIZE bytes and two open files, a read end and a write end, on
 * one anonymous FIFO inode (so fstat says S_IFIFO). nread and nwrite count bytes ever read and
 * written; they wrap harmlessly as unsigned numbers, and nwrite - nread is the fill level.
 *  - read blocks while the pipe is empty and a writer exists; empty with no writer is 0 (EOF);
 *    O_NONBLOCK makes the wait EAGAIN; a signal makes it EINTR.
 *  - write with no reader is EPIPE and SIGPIPE to the writer; a write of at most PIPE_BUF bytes
 *    is atomic (it waits for room for all of it); larger writes may interleave.
 * Linux's pipe holds 65536 bytes; this one holds one page, which is also PIPE_BUF (4096). */
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/fcntl.h"
#include "kernel/uapi/signal.h"
#include "kernel/uapi/stat.h"

#define PIPE_SIZE PAGE_SIZE      /* one page of the kernel heap */
#define PIPE_BUF  4096u

struct pipe {
    char *buf;                     /* PIPE_SIZE bytes */
    uint32_t nread, nwrite;
    int readers, writers;          /* open ends */
};

static uint32_t pipe_used(struct pipe *pi) { return pi->nwrite - pi->nread; }

static long pipe_read(struct inode *ip, struct file *f, struct iobuf b, uint32_t off, uint32_t n)
{
    (void)ip;
    (void)off;
    struct pipe *pi = f->priv;
    if (n == 0)
        return 0;                  /* read(2) of 0 bytes: 0 at once, never a wait */
    uint32_t fl = irq_save();
    while (pipe_used(pi) == 0 && pi->writers > 0) {
        if (f->flags & O_NONBLOCK) {
            irq_restore(fl);
            return -EAGAIN;
        }
        if (signal_pending(curproc())) {
            irq_restore(fl);
            return -EINTR;
        }
        sleep_on(&pi->nread);
    }
    uint32_t done = 0;
    while (done < n && pipe_used(pi) > 0) {
        uint32_t at = pi->nread % PIPE_SIZE;
        uint32_t chunk = PIPE_SIZE - at;
        if (chunk > pipe_used(pi))
            chunk = pipe_used(pi);
        if (chunk > n - done)
            chunk = n - done;
        if (iob_put(b, done, pi->buf + at, chunk) < 0) {
            if (!done)
                done = (uint32_t)-EFAULT;
            break;
        }
        pi->nread += chunk;
        done += chunk;
    }
    wakeup(&pi->nwrite);
    irq_restore(fl);
    return (long)(int32_t)done;
}

static long pipe_write(struct inode *ip, struct file *f, struct iobuf b, uint32_t off, uint32_t n)
{
    (void)ip;
    (void)off;
    struct pipe *pi = f->priv;
    uint32_t done = 0;
    if (n == 0)
        return 0;                  /* as Linux's pipe_write: before looking for readers */
    uint32_t fl = irq_save();
    while (done < n) {
        if (pi->readers == 0) {
            signal_send(curproc(), SIGPIPE);
            irq_restore(fl);
            return done ? (long)done : -EPIPE;
        }
        uint32_t room = PIPE_SIZE - pipe_used(pi);
        uint32_t want = n - done;
        /* Atomic small writes: wait until all of it fits; big ones take what fits. */
        if (room == 0 || (n <= PIPE_BUF && room < want)) {
            if (f->flags & O_NONBLOCK) {
                irq_restore(fl);
                return done ? (long)done : -EAGAIN;
            }
            if (signal_pending(curproc())) {
                irq_restore(fl);
                return done ? (long)done : -EINTR;
            }
            wakeup(&pi->nread);
            sleep_on(&pi->nwrite);
            continue;
        }
        uint32_t at = pi->nwrite % PIPE_SIZE;
        uint32_t chunk = PIPE_SIZE - at;
        if (chunk > room)
            chunk = room;
        if (chunk > want)
            chunk = want;
        if (iob_get(pi->buf + at, b, done, chunk) < 0) {
            irq_restore(fl);
            wakeup(&pi->nread);
            return done ? (long)done : -EFAULT;
        }
        pi->nwrite += chunk;
        done += chunk;
    }
    wakeup(&pi->nread);
    irq_restore(fl);
    return (long)done;
}

static void pipe_release(struct file *f)
{
    struct pipe *pi = f->priv;
    uint32_t fl = irq_save();
    if ((f->flags & O_ACCMODE) == O_WRONLY) {
        pi->writers--;
        wakeup(&pi->nread);
    } else {
        pi->readers--;
        wakeup(&pi->nwrite);
    }
    irq_restore(fl);
    if (pi->readers == 0 && pi->writers == 0) {
        kfree(pi->buf);
        kfree(pi);
    }
}

static long pipe_ioctl(struct file *f, uint32_t cmd, uint32_t arg)
{
    (void)f;
    (void)cmd;
    (void)arg;
    return -ENOTTY;
}

static const struct file_ops pipe_fops = {
    .release = pipe_release, .read = pipe_read, .write = pipe_write, .ioctl = pipe_ioctl,
};

/* Make a pipe: *rd and *wr are new open files (read end, write end). */
int pipe_alloc(struct file **rd, struct file **wr)
{
    struct pipe *pi = kzalloc(sizeof *pi);
    char *buf = kmalloc(PIPE_SIZE);
    struct inode *ip = inode_alloc(NULL, S_IFIFO | 0600, NULL, &pipe_fops);
    struct file *r = file_alloc(), *w = file_alloc();
    if (!pi || !buf || !ip || !r || !w) {
        kfree(pi);
        kfree(buf);
        iput(ip);
        if (r)
            r->ref = 0;
        if (w)
            w->ref = 0;
        return (!r || !w) ? -ENFILE : -ENOMEM;
    }
    static uint32_t pipe_ino;
    ip->ino = ++pipe_ino;          /* pipefs numbers its inodes too; fstat shows them */
    pi->buf = buf;
    pi->readers = pi->writers = 1;
    r->ip = ip;
    w->ip = idup(ip);
    r->flags = O_RDONLY;
    w->flags = O_WRONLY;
    r->priv = w->priv = pi;
    *rd = r;
    *wr = w;
    return 0;
}
