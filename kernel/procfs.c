/* procfs.c -- /proc: files whose contents are made when they are read (proc(5)).
 *
 *   /proc/meminfo  /proc/uptime  /proc/mounts  /proc/self -> PID
 *   /proc/PID/status   Name, Umask, State, Tgid, Pid, PPid, ... in Linux's order and format
 *   /proc/PID/cmdline  the arguments, each followed by a NUL
 *   /proc/PID/mounts   the mount table the process sees
 * Inodes are made on lookup and dropped on their last iput; their number encodes (pid, kind)
 * so the same file always has the same st_ino. A file of a process that has exited reads as
 * ESRCH, as on Linux. PID/cgroup is the cgroup v2 line of cgroups(7). vms, vm/N/stats: hyperv/dev.c. */
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "containers/cgroup.h"
#include "containers/ns.h"
#include "kernel/vm.h"
#include "kernel/uapi/dirent.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/stat.h"

enum pkind {
    PK_ROOT = 1, PK_SELF, PK_MEMINFO, PK_UPTIME, PK_MOUNTS, PK_VMS, /* in /proc */
    PK_PIDDIR, PK_STATUS, PK_CMDLINE, PK_PMOUNTS, PK_NSDIR, PK_CGROUP, PK_UIDMAP, /* in /proc/PID */
    PK_NS = 0x10,                  /* + enum ns_type: /proc/PID/ns/TYPE; + NS_NTYPES: pid_for_children */
    PK_VMDIR = 0x18, PK_VMN, PK_VMSTATS,   /* /proc/vm, /proc/vm/N, /proc/vm/N/stats (hyperv/dev.c); N in the pid bits */
};
extern int hv_proc_vm_stats(int id, char *b, uint32_t n);
extern int hv_vm_next(int *cursor);
/* A mount of /proc shows the tasks of the PID namespace of the task that mounted it, numbered
 * as that namespace numbers them (pid_namespaces(7)); sb->priv is that namespace. */
static struct pid_ns *sb_ns(struct super *sb) { return sb->priv ? sb->priv : &init_pid_ns; }
static int ns_pid(struct super *sb, struct proc *p) { return p ? task_pid_in(p, sb_ns(sb)) : 0; }
#define PROC_TEXT_MAX 4096u
#define PIDPOS_BASE   1000u       /* readdir positions from here walk the task table */

static const struct pent { const char *name; int kind; uint32_t mode; } root_ents[] = {
    { "meminfo", PK_MEMINFO, S_IFREG | 0444 },
    { "mounts",  PK_MOUNTS,  S_IFREG | 0444 },
    { "self",    PK_SELF,    S_IFLNK | 0777 },
    { "uptime",  PK_UPTIME,  S_IFREG | 0444 },
    { "vm",      PK_VMDIR,   S_IFDIR | 0555 },
    { "vms",     PK_VMS,     S_IFREG | 0444 },    /* hyperv/dev.c: every VM, exits per code */
}, pid_ents[] = {
    { "cgroup",  PK_CGROUP,  S_IFREG | 0444 },
    { "cmdline", PK_CMDLINE, S_IFREG | 0444 },
    { "mounts",  PK_PMOUNTS, S_IFREG | 0444 },
    { "ns",      PK_NSDIR,   S_IFDIR | 0555 },
    { "status",  PK_STATUS,  S_IFREG | 0444 },
    { "uid_map", PK_UIDMAP,  S_IFREG | 0644 },    /* containers/ns.c: user namespaces */
}, vmn_ents[] = {
    { "stats",   PK_VMSTATS, S_IFREG | 0444 },
}, ns_ents[] = {
    { "cgroup", PK_NS + NS_CGROUP, S_IFLNK | 0777 },
    { "ipc",    PK_NS + NS_IPC,    S_IFLNK | 0777 },
    { "mnt",    PK_NS + NS_MNT,    S_IFLNK | 0777 },
    { "pid",    PK_NS + NS_PID,    S_IFLNK | 0777 },
    { "pid_for_children", PK_NS + NS_NTYPES, S_IFLNK | 0777 },
    { "user",   PK_NS + NS_USER,   S_IFLNK | 0777 },
    { "uts",    PK_NS + NS_UTS,    S_IFLNK | 0777 },
};

static int kind_of(struct inode *ip) { return (int)((uintptr_t)ip->priv & 0xFF); }
static int pid_of(struct inode *ip) { return (int)((uintptr_t)ip->priv >> 8); }
static uint32_t ino_for(int pid, int kind) { return pid ? 0x1000u + (uint32_t)pid * 32u + (uint32_t)kind : (uint32_t)kind; }

static const struct inode_ops procfs_dir_ops, procfs_file_ops, procfs_nslink_ops;
static const struct file_ops procfs_fops, procfs_dir_fops;

static struct inode *procfs_inode(struct super *sb, int pid, int kind, uint32_t mode, int *err)
{
    int isdir = S_ISDIR(mode);
    struct inode *ip = inode_alloc(sb, mode, isdir ? &procfs_dir_ops : kind >= PK_NS ? &procfs_nslink_ops
                                                                        : &procfs_file_ops,
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

static int gen_status(struct super *sb, struct proc *p, char *b, uint32_t n)
{
    uint32_t rss = p->pgdir ? vm_user_pages(p->pgdir) * 4 : 0;
    char nspid[8 * PID_NS_LEVELS];         /* NSpid: the pid at each level from this /proc's down */
    int len = 0, pid = ns_pid(sb, p);
    for (int l = sb_ns(sb)->level; l <= task_active_pid_ns(p)->level; l++)
        len += ksnprintf(nspid + len, sizeof nspid - (uint32_t)len, l ? "\t%d" : "\t%d",
                         l ? p->nspid[l] : p->pid);
    return ksnprintf(b, n,
                     "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
                     "PPid:\t%d\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n"
                     "NSpid:%s\nVmRSS:\t%8u kB\nThreads:\t1\n",
                     p->name, (unsigned)p->umask, proc_state_name(p->state), pid, pid,
                     ns_pid(sb, p->parent), nspid, (unsigned)rss);
}

/* The text of a file, into b (PROC_TEXT_MAX bytes): its length or -errno. */
static int generate(struct inode *ip, char *b)
{
    int pid = pid_of(ip);
    if (kind_of(ip) == PK_VMSTATS)
        return hv_proc_vm_stats(pid, b, PROC_TEXT_MAX);
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
        return gen_status(ip->sb, p, b, PROC_TEXT_MAX);
    case PK_UIDMAP:
        return ns_uid_map_text(p, b, PROC_TEXT_MAX);
    case PK_CGROUP: {              /* "0::PATH", the v2 line of cgroups(7), as the reader's cgroup ns sees it */
        char path[128];
        return ksnprintf(b, PROC_TEXT_MAX, "0::%s\n", cgroup_path_relative(cgroup_of(p),
                         curproc()->ns->cgroup->root, path, sizeof path));
    }
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

/* The namespace a /proc/PID/ns/ link names, or NULL when the task has gone. */
static struct ns_common *link_ns(struct inode *ip)
{
    struct proc *p = proc_find(pid_of(ip));
    int t = kind_of(ip) - PK_NS;
    return p ? ns_of(p, t == NS_NTYPES ? NS_PID : t, t == NS_NTYPES) : NULL;
}

static int procfs_readlink(struct inode *ip, char *buf, uint32_t n)
{
    char tmp[32];
    int len;
    if (kind_of(ip) >= PK_NS) {            /* "uts:[4026531838]", as namespaces(7) shows */
        struct ns_common *c = link_ns(ip);
        if (!c)
            return -ENOENT;
        len = ksnprintf(tmp, sizeof tmp, "%s:[%u]", ns_type_name(c->type), (unsigned)c->inum);
    } else if (kind_of(ip) != PK_SELF) {
        return -EINVAL;
    } else {
        int pid = ns_pid(ip->sb, curproc());
        if (!pid)
            return -ENOENT;                /* a task outside this /proc's namespace */
        len = ksnprintf(tmp, sizeof tmp, "%d", pid);
    }
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

static const struct pent *dir_ents(struct inode *dir, uint32_t *nt)
{
    int k = kind_of(dir);
    if (k == PK_VMDIR || k == PK_VMN) {
        *nt = k == PK_VMN ? ARRAY_SIZE(vmn_ents) : 0;
        return vmn_ents;
    }
    *nt = k == PK_NSDIR ? ARRAY_SIZE(ns_ents) : k == PK_PIDDIR ? ARRAY_SIZE(pid_ents) : ARRAY_SIZE(root_ents);
    return k == PK_NSDIR ? ns_ents : k == PK_PIDDIR ? pid_ents : root_ents;
}

static struct inode *procfs_lookup(struct inode *dir, const char *name, int *err)
{
    int dpid = pid_of(dir);
    uint32_t ntu;
    const struct pent *t = dir_ents(dir, &ntu);
    int nt = (int)ntu;
    for (int i = 0; i < nt; i++)
        if (strcmp(t[i].name, name) == 0)
            return procfs_inode(dir->sb, dpid, t[i].kind, t[i].mode, err);
    if (kind_of(dir) == PK_VMDIR) {        /* /proc/vm/N: a VM that exists now */
        int id = parse_pid(name), cur = 0, v;
        while ((v = hv_vm_next(&cur)) && v != id)
            ;
        if (id && v == id)
            return procfs_inode(dir->sb, id, PK_VMN, S_IFDIR | 0555, err);
        *err = -ENOENT;
        return NULL;
    }
    struct proc *p = dpid ? NULL : ns_find_task(parse_pid(name), sb_ns(dir->sb));
    if (p)
        return procfs_inode(dir->sb, p->pid, PK_PIDDIR, S_IFDIR | 0555, err);
    *err = -ENOENT;
    return NULL;
}

static int dt_of(uint32_t mode) { return S_ISDIR(mode) ? DT_DIR : S_ISLNK(mode) ? DT_LNK : DT_REG; }

static int procfs_readdir(struct inode *dir, uint32_t *pos, struct fs_dirent *out)
{
    int dpid = pid_of(dir);
    uint32_t nt;
    const struct pent *t = dir_ents(dir, &nt);
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
    if (kind_of(dir) == PK_VMDIR) {        /* positions past the entries: VM slots */
        int slot = (int)(*pos - 2), id = hv_vm_next(&slot);
        if (!id)
            return 0;
        out->ino = ino_for(id, PK_VMN);
        out->type = DT_DIR;
        ksnprintf(out->name, sizeof out->name, "%d", id);
        *pos = 2 + (uint32_t)slot;
        return 1;
    }
    if (dpid || kind_of(dir) == PK_VMN)
        return 0;
    int cursor = *pos < PIDPOS_BASE ? 0 : (int)(*pos - PIDPOS_BASE);
    struct proc *p;
    while ((p = proc_iter(&cursor)) != NULL && !ns_pid(dir->sb, p))
        ;                                  /* tasks outside this /proc's namespace: not shown */
    if (!p)
        return 0;
    out->ino = ino_for(p->pid, PK_PIDDIR);
    out->type = DT_DIR;
    ksnprintf(out->name, sizeof out->name, "%d", ns_pid(dir->sb, p));
    *pos = PIDPOS_BASE + (uint32_t)cursor;
    return 1;
}

static struct inode *procfs_parent(struct inode *dir)
{
    int err = 0;
    if (kind_of(dir) == PK_NSDIR)
        return procfs_inode(dir->sb, pid_of(dir), PK_PIDDIR, S_IFDIR | 0555, &err);
    if (kind_of(dir) == PK_VMN)
        return procfs_inode(dir->sb, 0, PK_VMDIR, S_IFDIR | 0555, &err);
    return idup(dir->sb->root);
}

/* Opening /proc/PID/ns/TYPE gives a file standing for the namespace itself (Linux's nsfs): its
 * st_ino is the namespace's inode number, it holds a reference, and setns(2) takes it. */
static const struct inode_ops nsfile_ops;
static const struct file_ops nsfile_fops = { 0 };

static void nsfile_evict(struct inode *ip) { ns_put(ip->priv); }
static const struct inode_ops nsfile_ops = { .evict = nsfile_evict };

struct ns_common *procfs_ns_of_inode(struct inode *ip)
{
    return ip && ip->iop == &nsfile_ops ? ip->priv : NULL;
}

static struct inode *procfs_get_link(struct inode *link, int *err)
{
    struct ns_common *c = kind_of(link) >= PK_NS ? link_ns(link) : NULL;
    struct inode *ip = c ? inode_alloc(link->sb, S_IFREG | 0444, &nsfile_ops, &nsfile_fops) : NULL;
    if (!ip) {
        *err = c ? -ENOMEM : -ENOENT;
        return NULL;
    }
    ip->ino = c->inum;
    c->ref++;
    ip->priv = c;
    return ip;
}

static const struct inode_ops procfs_dir_ops = {
    .lookup = procfs_lookup, .readdir = procfs_readdir, .parent = procfs_parent,
};
static const struct inode_ops procfs_file_ops = { .readlink = procfs_readlink };
static const struct inode_ops procfs_nslink_ops = { .readlink = procfs_readlink, .get_link = procfs_get_link };
/* The one writable file: /proc/PID/uid_map, in a single write from offset 0 (user_namespaces(7)). */
static long procfs_write(struct inode *ip, struct file *f, struct iobuf b, uint32_t off, uint32_t n)
{
    (void)f;
    char buf[64];
    struct proc *p = proc_find(pid_of(ip));
    if (kind_of(ip) != PK_UIDMAP || !p)
        return kind_of(ip) != PK_UIDMAP ? -EINVAL : -ESRCH;   /* the others: no write, as before */
    if (off || n >= sizeof buf)
        return -EINVAL;
    if (iob_get(buf, b, 0, n) < 0)
        return -EFAULT;
    buf[n] = 0;
    int r = ns_uid_map_write(p, buf);
    return r < 0 ? r : (long)n;
}
static const struct file_ops procfs_fops = { .read = procfs_read, .write = procfs_write };
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
    struct pid_ns *ns = task_active_pid_ns(curproc());
    ns->c.ref++;
    sb->priv = ns;
    return sb;
}

static void procfs_kill(struct super *sb)
{
    iput(sb->root);
    ns_put(sb->priv);
}

const struct fs_type procfs_type = { .name = "proc", .mount = procfs_mount, .kill = procfs_kill };
