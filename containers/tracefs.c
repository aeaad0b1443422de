/* tracefs.c -- `mount -t tracefs nodev /sys/kernel/tracing` with one file, trace_marker, as
 * Linux's (Documentation/trace/ftrace.rst: "trace_marker ... allows userspace to write into the
 * ftrace buffer"). Here each write(2) becomes one LAB_MARK record of the vx86 trace probe
 * (devices/probe_abi.h): id = the writer's pid, text = the bytes written. That is how `ctr`, a user
 * program, marks its steps (clone, cgroup, mounts, pivot_root, exec) in the cycle-stamped trace.
 * On QEMU (no probe) writes succeed and go nowhere, as with tracing off on Linux. */
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/uapi/dirent.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/stat.h"
#include "devices/probe_abi.h"
#include <stdarg.h>

static struct { vx86_probe_header h; vx86_probe_lab_mark m; } rec;
static void trace_marker_send(uint32_t len);

static long marker_write(struct inode *ip, struct file *f, struct iobuf b, uint32_t off, uint32_t n)
{
    (void)ip; (void)f; (void)off;
    uint32_t len = n < sizeof rec.m.text ? n : sizeof rec.m.text;   /* longer: cut, as Linux */
    uint32_t fl = irq_save();
    int r = iob_get(rec.m.text, b, 0, len);
    if (r == 0)
        trace_marker_send(len);
    irq_restore(fl);
    return r < 0 ? r : (long)n;
}

/* Send rec.m.text[0..len) as one LAB_MARK record (interrupts are off: rec is shared). */
static void trace_marker_send(uint32_t len)
{
    if (inl(VX86_PROBE_PORT_MAGIC) == VX86_PROBE_MAGIC) {
        while (len && rec.m.text[len - 1] == '\n')
            len--;
        rec.h.kind = VX86_PROBE_KIND_LAB_MARK;
        rec.h.length = (uint16_t)(4 + len);
        rec.m.id = (uint32_t)curproc()->pid;
        outl(VX86_PROBE_PORT_RECORD, V2P(&rec));
    }
}

/* A record from the kernel itself (overlayfs counts its copy-ups this way). */
void trace_marker_printf(const char *fmt, ...)
{
    va_list ap;
    uint32_t fl = irq_save();
    va_start(ap, fmt);
    int n = kvsnprintf(rec.m.text, sizeof rec.m.text, fmt, ap);
    va_end(ap);
    trace_marker_send(n < 0 ? 0 : (uint32_t)n < sizeof rec.m.text ? (uint32_t)n : sizeof rec.m.text - 1);
    irq_restore(fl);
}

static const struct file_ops marker_fops = { .write = marker_write };
static const struct inode_ops marker_iops = { 0 };

static struct inode *tr_lookup(struct inode *dir, const char *name, int *err)
{
    if (strcmp(name, "trace_marker")) {
        *err = -ENOENT;
        return NULL;
    }
    return idup(dir->priv);
}

static int tr_readdir(struct inode *dir, uint32_t *pos, struct fs_dirent *out)
{
    if (*pos >= 3)
        return 0;
    out->ino = *pos == 2 ? ((struct inode *)dir->priv)->ino : dir->ino;
    out->type = *pos == 2 ? DT_REG : DT_DIR;
    strlcpy(out->name, *pos == 2 ? "trace_marker" : *pos ? ".." : ".", sizeof out->name);
    (*pos)++;
    return 1;
}

static struct inode *tr_parent(struct inode *dir) { return idup(dir); }
static void tr_evict(struct inode *dir) { iput(dir->priv); }

static const struct inode_ops tr_dir_ops = {
    .lookup = tr_lookup, .readdir = tr_readdir, .parent = tr_parent, .evict = tr_evict,
};
static const struct file_ops tr_dir_fops = { 0 };

static struct super *tr_mount(const struct fs_type *t, const char *source, const char *data, int *err)
{
    (void)source; (void)data;
    struct super *sb = super_alloc(t);
    struct inode *root = sb ? inode_alloc(sb, S_IFDIR | 0755, &tr_dir_ops, &tr_dir_fops) : NULL;
    struct inode *m = root ? inode_alloc(sb, S_IFREG | 0222, &marker_iops, &marker_fops) : NULL;
    if (!m) {
        if (root) {
            root->iop = NULL;
            iput(root);
        }
        kfree(sb);
        *err = -ENOMEM;
        return NULL;
    }
    root->nlink = 2;
    root->priv = m;
    sb->root = root;
    return sb;
}

static void tr_kill(struct super *sb) { iput(sb->root); }

const struct fs_type tracefs_type = { .name = "tracefs", .mount = tr_mount, .kill = tr_kill };
