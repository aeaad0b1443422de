/* procfs.c -- /proc: files whose contents are made when they are read (proc(5)).
 *
 *   /proc/meminfo  /proc/uptime  /proc/mounts  /proc/self -> PID
 *   /proc/PID/status   Name, Umask, State, Tgid, Pid, PPid, ... in Linux's order and format
 *   /proc/PID/cmdline  the arguments, each followed by a NUL
 *   /proc/PID/mounts   the mount table the process sees
 * Inodes are made on lookup and dropped on their last iput; their number encodes (pid, kind)
 * so the same file always has the same st_ino. A file of a process that has exited reads as
 * ESRCH, as on Linux. Later: PID/ns/, PID/cgroup, NSpid (containers), vm/ (hypervisor). */
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "kernel/uapi/dirent.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/stat.h"

enum pkind {
    PK_ROOT = 1, PK_SELF, PK_MEMINFO, PK_UPTIME, PK_MOUNTS, PK_VMS, /* in /proc */
    PK_PIDDIR, PK_STATUS, PK_CMDLINE, PK_PMOUNTS,                   /* in /proc/PID */
};
#define PROC_TEXT_MAX 4096u
#define PIDPOS_BASE   1000u       /* readdir positions from here walk the task table */

static const struct pent { const char *name; int kind; uint32_t mode; } root_ents[] = {
    { "meminfo", PK_MEMINFO, S_IFREG | 0444 },
    { "mounts",  PK_MOUNTS,  S_IFREG | 0444 },
    { "self",    PK_SELF,    S_IFLNK | 0777 },
    { "uptime",  PK_UPTIME,  S_IFREG | 0444 },
    { "vms",     PK_VMS,     S_IFREG | 0444 },    /* hyperv/dev.c: every VM, exits per code */
}, pid_ents[] = {
    { "cmdline", PK_CMDLINE, S_IFREG | 0444 },
    { "mounts",  PK_PMOUNTS, S_IFREG | 0444 },
    { "status",  PK_STATUS,  S_IFREG | 0444 },
};

static int kind_of(struct inode *ip) { return (int)((uintptr_t)ip->priv & 0xFF); }
static int pid_of(struct inode *ip) { return (int)((uintptr_t)ip->priv >> 8); }
static uint32_t ino_for(int pid, int kind) { return pid ? 0x1000u + (uint32_t)pid * 16u + (uint32_t)kind : (uint32_t)kind; }

static const struct inode_ops procfs_dir_ops, procfs_file_ops;
static const struct file_ops procfs_fops, procfs_dir_fops;

static struct inode *procfs_inode(struct super *sb, int pid, int kind, uint32_t mode, int *err)
{
    int isdir = S_ISDIR(mode);
    struct inode *ip = inode_alloc(sb, mode, isdir ? &procfs_dir_ops : &procfs_file_ops,
                                   isdir ? &procfs_dir_fops : &procfs_fops);
    if (!ip) {
        *err = -ENOMEM;
        return NULL;
    }
    ip->ino = ino_for(pid, kind);
    ip->priv = (void *)(uintptr_t)(((uint32_t)pid << 8) | (uint32_t)kind);
    if (isdir)
        ip->nlink = 2;
    return ip;
}

/* ---- contents ---- */

static int gen_status(struct proc *p, char *b, uint32_t n)
{
    uint32_t rss = p->pgdir ? vm_user_pages(p->pgdir) * 4 : 0;
    return ksnprintf(b, n,
                     "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
                     "PPid:\t%d\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n"
                     "NSpid:\t%d\nVmRSS:\t%8u kB\nThreads:\t1\n",
                     p->name, (unsigned)p->umask, proc_state_name(p->state), p->pid, p->pid,
                     p->parent ? p->parent->pid : 0, p->pid, (unsigned)rss);
}

/* The text of a file, into b (PROC_TEXT_MAX bytes): its length or -errno. */
static int generate(struct inode *ip, char *b)
{
    int pid = pid_of(ip);
    struct proc *p = pid ? proc_find(pid) : NULL;
    if (pid && !p)
        return -ESRCH;
    switch (kind_of(ip)) {
    case PK_MEMINFO: {
        struct frame_stats s;
        frame_get_stats(&s);
        return ksnprintf(b, PROC_TEXT_MAX,
                         "MemTotal:       %8u kB\nMemFree:        %8u kB\nMemAvailable:   %8u kB\n",
                         (unsigned)(s.total * 4), (unsigned)(s.free * 4), (unsigned)(s.free * 4));
    }
    case PK_UPTIME: {
        uint64_t cs = ktime_ns() / 10000000u;   /* hundredths of a second */
        /* Idle time is not accounted separately yet: reported as 0. */
        return ksnprintf(b, PROC_TEXT_MAX, "%u.%02u 0.00\n", (unsigned)(cs / 100),
                         (unsigned)(cs % 100));
    }
    case PK_MOUNTS:
        return vfs_mounts_text(vfs_mnt_of(curproc()), b, PROC_TEXT_MAX);
    case PK_PMOUNTS:
        return vfs_mounts_text(vfs_mnt_of(p), b, PROC_TEXT_MAX);
    case PK_VMS: {
        extern int hv_proc_vms(char *b, uint32_t n);
        return hv_proc_vms(b, PROC_TEXT_MAX);
    }
    case PK_STATUS:
        return gen_status(p, b, PROC_TEXT_MAX);
    case PK_CMDLINE: {
        uint32_t len = p->cmdline_len < PROC_CMDLINE_LEN ? p->cmdline_len : PROC_CMDLINE_LEN;
        memcpy(b, p->cmdline, len);
        return (int)len;
    }
    default:
        return -EINVAL;
    }
}

static long procfs_read(struct inode *ip, struct file *f, struct iobuf b, uint32_t off, uint32_t n)
{
    (void)f;
    char *text = kmalloc(PROC_TEXT_MAX);
    if (!text)
        return -ENOMEM;
    int len = generate(ip, text);
    long r = len;
    if (len >= 0) {
        if (len > (int)PROC_TEXT_MAX - 1)
            len = PROC_TEXT_MAX - 1;
        r = 0;
        if (off < (uint32_t)len) {
            r = (long)((uint32_t)len - off < n ? (uint32_t)len - off : n);
            if (iob_put(b, 0, text + off, (uint32_t)r) < 0)
                r = -EFAULT;
        }
    }
    kfree(text);
    return r;
}

static int procfs_readlink(struct inode *ip, char *buf, uint32_t n)
{
    if (kind_of(ip) != PK_SELF)
        return -EINVAL;
    struct proc *p = curproc();
    char tmp[16];
    int len = ksnprintf(tmp, sizeof tmp, "%d", p ? p->pid : 0);
    if ((uint32_t)len > n)
        len = (int)n;
    memcpy(buf, tmp, (uint32_t)len);
    return len;
}

/* ---- directories ---- */

static int parse_pid(const char *s)
{
    int v = 0;
    if (!*s || *s == '0')
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 100000000)
            return 0;
        v = v * 10 + (*s - '0');
    }
    return v;
}

static struct inode *procfs_lookup(struct inode *dir, const char *name, int *err)
{
    int dpid = pid_of(dir);
    const struct pent *t = dpid ? pid_ents : root_ents;
    int nt = dpid ? (int)ARRAY_SIZE(pid_ents) : (int)ARRAY_SIZE(root_ents);
    for (int i = 0; i < nt; i++)
        if (strcmp(t[i].name, name) == 0)
            return procfs_inode(dir->sb, dpid, t[i].kind, t[i].mode, err);
    int pid = dpid ? 0 : parse_pid(name);
    if (pid && proc_find(pid))
        return procfs_inode(dir->sb, pid, PK_PIDDIR, S_IFDIR | 0555, err);
    *err = -ENOENT;
    return NULL;
}

static int dt_of(uint32_t mode) { return S_ISDIR(mode) ? DT_DIR : S_ISLNK(mode) ? DT_LNK : DT_REG; }

static int procfs_readdir(struct inode *dir, uint32_t *pos, struct fs_dirent *out)
{
    int dpid = pid_of(dir);
    const struct pent *t = dpid ? pid_ents : root_ents;
    uint32_t nt = dpid ? ARRAY_SIZE(pid_ents) : ARRAY_SIZE(root_ents);
    if (*pos < 2) {
        out->ino = *pos == 0 ? dir->ino : PK_ROOT;
        out->type = DT_DIR;
        strlcpy(out->name, *pos ? ".." : ".", sizeof out->name);
        (*pos)++;
        return 1;
    }
    if (*pos - 2 < nt) {
        const struct pent *e = &t[*pos - 2];
        out->ino = ino_for(dpid, e->kind);
        out->type = (uint32_t)dt_of(e->mode);
        strlcpy(out->name, e->name, sizeof out->name);
        (*pos)++;
        return 1;
    }
    if (dpid)
        return 0;
    int cursor = *pos < PIDPOS_BASE ? 0 : (int)(*pos - PIDPOS_BASE);
    struct proc *p = proc_iter(&cursor);
    if (!p)
        return 0;
    out->ino = ino_for(p->pid, PK_PIDDIR);
    out->type = DT_DIR;
    ksnprintf(out->name, sizeof out->name, "%d", p->pid);
    *pos = PIDPOS_BASE + (uint32_t)cursor;
    return 1;
}

static struct inode *procfs_parent(struct inode *dir) { return idup(dir->sb->root); }

static const struct inode_ops procfs_dir_ops = {
    .lookup = procfs_lookup, .readdir = procfs_readdir, .parent = procfs_parent,
};
static const struct inode_ops procfs_file_ops = { .readlink = procfs_readlink };
static const struct file_ops procfs_fops = { .read = procfs_read };
static const struct file_ops procfs_dir_fops = { 0 };

static struct super *procfs_mount(const struct fs_type *t, const char *source, const char *data,
                                  int *err)
{
    (void)source, (void)data;
    struct super *sb = super_alloc(t);
    if (!sb || !(sb->root = procfs_inode(sb, 0, PK_ROOT, S_IFDIR | 0555, err))) {
        kfree(sb);
        *err = -ENOMEM;
        return NULL;
    }
    return sb;
}

static void procfs_kill(struct super *sb) { iput(sb->root); }

const struct fs_type procfs_type = { .name = "proc", .mount = procfs_mount, .kill = procfs_kill };
