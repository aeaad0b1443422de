/* devfs.c -- /dev: a fixed directory of character devices, mounted as "devtmpfs".
 *
 * Each node has Linux's device number (devices.txt: mem 1:3 null, 1:5 zero; tty 5:0 tty,
 * 5:1 console) so `ls -l /dev` and stat show what Linux shows. The console and tty both reach
 * console.c's line discipline; tty ioctls are the few a shell and isatty() need.
 * Simplified: no mknod (Linux's devtmpfs lets root create nodes). /dev/vm is hyperv/dev.c. */
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/uapi/dirent.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/ioctl.h"
#include "kernel/uapi/stat.h"

#define DEV(ma, mi) (((ma) << 8) | (mi))
#define DEV_CHUNK 256u             /* bytes moved per console call */

/* ---- the devices ---- */

static long null_read(struct inode *ip, struct file *f, struct iobuf b, uint32_t off, uint32_t n)
{
    (void)ip, (void)f, (void)b, (void)off, (void)n;
    return 0;
}

static long sink_write(struct inode *ip, struct file *f, struct iobuf b, uint32_t off, uint32_t n)
{
    (void)ip, (void)f, (void)b, (void)off;
    return (long)n;
}

static long zero_read(struct inode *ip, struct file *f, struct iobuf b, uint32_t off, uint32_t n)
{
    (void)ip, (void)f, (void)off;
    static const char zeros[DEV_CHUNK];
    for (uint32_t done = 0; done < n;) {
        uint32_t c = n - done < DEV_CHUNK ? n - done : DEV_CHUNK;
        if (iob_put(b, done, zeros, c) < 0)
            return done ? (long)done : -EFAULT;
        done += c;
    }
    return (long)n;
}

/* One line (or what is typed so far when the discipline says so): a short read, as a tty gives. */
static long cons_read(struct inode *ip, struct file *f, struct iobuf b, uint32_t off, uint32_t n)
{
    (void)ip, (void)f, (void)off;
    char kbuf[DEV_CHUNK];
    if (n == 0)
        return 0;
    int r = console_read(kbuf, (int)(n < DEV_CHUNK ? n : DEV_CHUNK));
    if (r > 0 && iob_put(b, 0, kbuf, (uint32_t)r) < 0)
        return -EFAULT;
    return r;
}

static long cons_write(struct inode *ip, struct file *f, struct iobuf b, uint32_t off, uint32_t n)
{
    (void)ip, (void)f, (void)off;
    char kbuf[DEV_CHUNK];
    uint32_t done = 0;
    while (done < n) {
        uint32_t c = n - done < DEV_CHUNK ? n - done : DEV_CHUNK;
        if (iob_get(kbuf, b, done, c) < 0)
            return done ? (long)done : -EFAULT;
        console_write(kbuf, (int)c);
        done += c;
    }
    return (long)n;
}

static long cons_ioctl(struct file *f, uint32_t cmd, uint32_t arg)
{
    (void)f;
    struct iobuf b = iob_user(arg);
    switch (cmd) {
    case TCGETS: {                 /* what the line discipline does now (console.c) */
        struct termios t;
        console_termios(&t, 0);
        return iob_put(b, 0, &t, sizeof t);
    }
    case TCSETS: case TCSETSW: case TCSETSF: {
        struct termios t;          /* ICANON, ECHO, ISIG, ICRNL are honoured; the rest is fixed */
        int r = iob_get(&t, b, 0, sizeof t);
        if (r >= 0)
            console_termios(&t, 1);
        return r;
    }
    case TIOCGWINSZ: {
        struct winsize w = { 25, 80, 0, 0 };
        return iob_put(b, 0, &w, sizeof w);
    }
    case TIOCGPGRP: {
        int32_t pg = console_fg_pgrp;
        return iob_put(b, 0, &pg, sizeof pg);
    }
    case TIOCSPGRP: {
        int32_t pg;
        int r = iob_get(&pg, b, 0, sizeof pg);
        if (r < 0)
            return r;
        if (pg <= 0)
            return -EINVAL;
        console_fg_pgrp = pg;
        return 0;
    }
    case TIOCSCTTY:
        return 0;
    default:
        return -ENOTTY;
    }
}

static long nontty_ioctl(struct file *f, uint32_t cmd, uint32_t arg)
{
    (void)f, (void)cmd, (void)arg;
    return -ENOTTY;
}

static const struct file_ops null_fops = { .read = null_read, .write = sink_write, .ioctl = nontty_ioctl };
static const struct file_ops zero_fops = { .read = zero_read, .write = sink_write, .ioctl = nontty_ioctl };
static const struct file_ops cons_fops = { .read = cons_read, .write = cons_write, .ioctl = cons_ioctl };
extern const struct file_ops vm_fops;      /* hyperv/dev.c: the hypervisor (KVM's misc 10:232) */

static const struct devnode {
    const char *name;
    uint32_t rdev;
    uint32_t mode;
    const struct file_ops *fop;
} devnodes[] = {
    { "console", DEV(5, 1), S_IFCHR | 0600, &cons_fops },
    { "null",    DEV(1, 3), S_IFCHR | 0666, &null_fops },
    { "tty",     DEV(5, 0), S_IFCHR | 0666, &cons_fops },
    { "vm",      DEV(10, 232), S_IFCHR | 0666, &vm_fops },
    { "zero",    DEV(1, 5), S_IFCHR | 0666, &zero_fops },
};
#define NDEV ((int)ARRAY_SIZE(devnodes))

/* ---- the directory ---- */

struct devfs_sb { struct inode *node[NDEV]; };   /* one inode per node, held by the super */

static struct inode *devfs_lookup(struct inode *dir, const char *name, int *err)
{
    struct devfs_sb *ds = dir->sb->priv;
    for (int i = 0; i < NDEV; i++)
        if (strcmp(devnodes[i].name, name) == 0)
            return idup(ds->node[i]);
    *err = -ENOENT;
    return NULL;
}

static int devfs_readdir(struct inode *dir, uint32_t *pos, struct fs_dirent *out)
{
    struct devfs_sb *ds = dir->sb->priv;
    if (*pos < 2) {
        out->ino = dir->ino;
        out->type = DT_DIR;
        strlcpy(out->name, *pos ? ".." : ".", sizeof out->name);
    } else if (*pos - 2 < (uint32_t)NDEV) {
        out->ino = ds->node[*pos - 2]->ino;
        out->type = DT_CHR;
        strlcpy(out->name, devnodes[*pos - 2].name, sizeof out->name);
    } else {
        return 0;
    }
    (*pos)++;
    return 1;
}

static struct inode *devfs_parent(struct inode *dir) { return idup(dir); }

static const struct inode_ops devfs_dir_ops = {
    .lookup = devfs_lookup, .readdir = devfs_readdir, .parent = devfs_parent,
};
static const struct file_ops devfs_dir_fops = { 0 };

static void devfs_kill(struct super *sb)
{
    struct devfs_sb *ds = sb->priv;
    for (int i = 0; i < NDEV; i++)
        iput(ds->node[i]);
    iput(sb->root);
    kfree(ds);
}

static struct super *devfs_mount(const struct fs_type *t, const char *source, const char *data,
                                 int *err)
{
    (void)source, (void)data;
    struct super *sb = super_alloc(t);
    struct devfs_sb *ds = kzalloc(sizeof *ds);
    if (!sb || !ds)
        goto fail;
    sb->priv = ds;
    if (!(sb->root = inode_alloc(sb, S_IFDIR | 0755, &devfs_dir_ops, &devfs_dir_fops)))
        goto fail;
    sb->root->nlink = 2;
    for (int i = 0; i < NDEV; i++) {
        ds->node[i] = inode_alloc(sb, devnodes[i].mode, NULL, devnodes[i].fop);
        if (!ds->node[i])
            goto fail;
        ds->node[i]->rdev = devnodes[i].rdev;
    }
    return sb;
fail:
    if (sb && ds && sb->root)
        devfs_kill(sb);          /* iput(NULL) is a no-op for the nodes not made */
    else
        kfree(ds);
    kfree(sb);
    *err = -ENOMEM;
    return NULL;
}

const struct fs_type devfs_type = { .name = "devtmpfs", .mount = devfs_mount, .kill = devfs_kill };
