/* cgroupfs.c: the cgroup2 file system, mounted at /sys/fs/cgroup. Names, formats, defaults and
 * errors from Documentation/admin-guide/cgroup-v2.rst ("Interface Files" of the core and of
 * each controller): a directory per cgroup (mkdir creates one, rmdir removes one), the core
 * files in every cgroup, a controller's files only where the parent enabled it (cgroup.controllers),
 * none of the limit files in the root. A malformed write is EINVAL; an out-of-range cpu.weight,
 * cgroup.freeze or cgroup.kill value is ERANGE, as Linux's kstrto* parsers give. */
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "kernel/uapi/dirent.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/stat.h"
#include "containers/cgroup.h"
#include "containers/ns.h"

enum {
    F_DIR, F_CONTROLLERS, F_EVENTS, F_FREEZE, F_KILL, F_PROCS, F_SUBTREE, F_CPU_MAX, F_CPU_STAT,
    F_CPU_WEIGHT, F_MEM_CURRENT, F_MEM_EVENTS, F_MEM_MAX, F_MEM_PEAK, F_PIDS_CURRENT, F_PIDS_EVENTS,
    F_PIDS_MAX, F_COUNT
};
#define NOT_ROOT 0x100
static const struct cgfile { const char *name; int kind; uint32_t mode, flags; } files[] = {
    { "cgroup.controllers",     F_CONTROLLERS,  0444, 0 },
    { "cgroup.events",          F_EVENTS,       0444, NOT_ROOT },
    { "cgroup.freeze",          F_FREEZE,       0644, NOT_ROOT },
    { "cgroup.kill",            F_KILL,         0200, NOT_ROOT },
    { "cgroup.procs",           F_PROCS,        0644, 0 },
    { "cgroup.subtree_control", F_SUBTREE,      0644, 0 },
    { "cpu.max",                F_CPU_MAX,      0644, NOT_ROOT | CG_CPU },
    { "cpu.stat",               F_CPU_STAT,     0444, 0 },
    { "cpu.weight",             F_CPU_WEIGHT,   0644, NOT_ROOT | CG_CPU },
    { "memory.current",         F_MEM_CURRENT,  0444, NOT_ROOT | CG_MEMORY },
    { "memory.events",          F_MEM_EVENTS,   0444, NOT_ROOT | CG_MEMORY },
    { "memory.max",             F_MEM_MAX,      0644, NOT_ROOT | CG_MEMORY },
    { "memory.peak",            F_MEM_PEAK,     0444, NOT_ROOT | CG_MEMORY },
    { "pids.current",           F_PIDS_CURRENT, 0444, NOT_ROOT | CG_PIDS },
    { "pids.events",            F_PIDS_EVENTS,  0444, NOT_ROOT | CG_PIDS },
    { "pids.max",               F_PIDS_MAX,     0644, NOT_ROOT | CG_PIDS },
};
static const char *const ctl_names[] = { "cpu", "memory", "pids" };
#define TEXT_MAX 4096u

static int visible(struct cgroup *cg, const struct cgfile *f)
{
    if ((f->flags & NOT_ROOT) && !cg->parent)
        return 0;
    uint32_t ctl = f->flags & CG_ALL;
    return !ctl || (cgroup_controllers(cg) & ctl);
}

static struct cgroup *cg_of(struct inode *ip) { return cgroup_at((int)((uintptr_t)ip->priv >> 8)); }
static int kind_of(struct inode *ip) { return (int)((uintptr_t)ip->priv & 0xFF); }

static const struct inode_ops dir_ops, file_iops;
static const struct file_ops file_fops, dir_fops;

static struct inode *cg_inode(struct super *sb, struct cgroup *cg, int kind, uint32_t mode, int *err)
{
    int isdir = kind == F_DIR;
    struct inode *ip = inode_alloc(sb, mode, isdir ? &dir_ops : &file_iops, isdir ? &dir_fops : &file_fops);
    if (!ip) {
        *err = -ENOMEM;
        return NULL;
    }
    ip->ino = (uint32_t)cg->id * 32u + (uint32_t)kind + 1;
    ip->priv = (void *)(uintptr_t)(((uint32_t)cgroup_index(cg) << 8) | (uint32_t)kind);
    if (isdir)
        ip->nlink = 2;
    return ip;
}

/* ---- reading: the text of a file ---- */

static int put_max(char *b, uint32_t n, uint64_t v, uint64_t scale)
{
    return v == CGROUP_MAX ? ksnprintf(b, n, "max\n") : ksnprintf(b, n, "%llu\n", (unsigned long long)(v * scale));
}

static int put_ctls(char *b, uint32_t n, uint32_t mask)
{
    int len = 0;
    for (int i = 0; i < 3; i++)
        if (mask & (1u << i))
            len += ksnprintf(b + len, n - (uint32_t)len, "%s%s", len ? " " : "", ctl_names[i]);
    return len + ksnprintf(b + len, n - (uint32_t)len, "\n");
}

static int generate(struct cgroup *cg, int kind, char *b, uint32_t n)
{
    struct cg_sched *c = &cg->cpu;
    unsigned long long u;
    switch (kind) {
    case F_CONTROLLERS: return put_ctls(b, n, cgroup_controllers(cg));
    case F_SUBTREE: return put_ctls(b, n, cg->subtree_control);
    case F_EVENTS:
        return ksnprintf(b, n, "populated %d\nfrozen %d\n", cgroup_populated(cg), cgroup_frozen(cg));
    case F_FREEZE: return ksnprintf(b, n, "%d\n", cg->freeze);
    case F_PROCS: {
        /* Pids as the reader's PID namespace numbers them; tasks it cannot see are left out. */
        int len = 0;
        struct pid_ns *ns = task_active_pid_ns(curproc());
        for (int i = 0; i < NPROC; i++) {
            struct proc *p = &proc_table[i];
            int nr = task_pid_in(p, ns);
            if (p->state != P_UNUSED && p->state != P_ZOMBIE && p->state != P_EMBRYO && cgroup_of(p) == cg && nr > 0)
                len += ksnprintf(b + len, n - (uint32_t)len, "%d\n", nr);
        }
        return len;
    }
    case F_CPU_MAX:
        return c->quota_us == CGROUP_MAX ? ksnprintf(b, n, "max %llu\n", (unsigned long long)c->period_us)
             : ksnprintf(b, n, "%llu %llu\n", (unsigned long long)c->quota_us, (unsigned long long)c->period_us);
    case F_CPU_WEIGHT: return ksnprintf(b, n, "%u\n", (unsigned)((c->weight * 100 + 512) / 1024));
    case F_CPU_STAT: {
        /* user/system split not kept: all time is reported as user time (a simplification). */
        u = c->usage_ns / 1000;
        int len = ksnprintf(b, n, "usage_usec %llu\nuser_usec %llu\nsystem_usec 0\n", u, u);
        if (cg->parent && (cgroup_controllers(cg) & CG_CPU))
            len += ksnprintf(b + len, n - (uint32_t)len,
                             "nr_periods %llu\nnr_throttled %llu\nthrottled_usec %llu\nnr_bursts 0\nburst_usec 0\n",
                             (unsigned long long)c->nr_periods, (unsigned long long)c->nr_throttled,
                             (unsigned long long)(c->throttled_ns / 1000));
        return len;
    }
    case F_MEM_CURRENT: return ksnprintf(b, n, "%llu\n", (unsigned long long)cg->mem_pages * PAGE_SIZE);
    case F_MEM_PEAK: return ksnprintf(b, n, "%llu\n", (unsigned long long)cg->mem_peak_pages * PAGE_SIZE);
    case F_MEM_MAX: return put_max(b, n, cg->mem_max_pages, PAGE_SIZE);
    case F_MEM_EVENTS:
        return ksnprintf(b, n, "low 0\nhigh 0\nmax %llu\noom %llu\noom_kill %llu\noom_group_kill 0\n",
                         (unsigned long long)cg->mem_ev_max, (unsigned long long)cg->mem_ev_oom,
                         (unsigned long long)cg->mem_ev_oom_kill);
    case F_PIDS_CURRENT: return ksnprintf(b, n, "%llu\n", (unsigned long long)cg->pids_current);
    case F_PIDS_MAX: return put_max(b, n, cg->pids_max, 1);
    case F_PIDS_EVENTS: return ksnprintf(b, n, "max %llu\n", (unsigned long long)cg->pids_ev_max);
    default: return -EINVAL;
    }
}

static long cg_read(struct inode *ip, struct file *f, struct iobuf b, uint32_t off, uint32_t n)
{
    (void)f;
    struct cgroup *cg = cg_of(ip);
    if (!cg || cg->used != 1)
        return -ENODEV;                    /* the cgroup was removed while open */
    if (!(ip->mode & 0444))
        return -EINVAL;                    /* cgroup.kill is write-only */
    char *text = kmalloc(TEXT_MAX);
    if (!text)
        return -ENOMEM;
    int len = generate(cg, kind_of(ip), text, TEXT_MAX);
    long r = len;
    if (len >= 0) {
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

/* ---- writing: parsers (kstrtoull / memparse rules) ---- */

static int parse_u64(const char *s, uint64_t *v)
{
    if (*s < '0' || *s > '9')
        return -EINVAL;
    uint64_t x = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (x > (UINT64_MAX - 9) / 10)
            return -ERANGE;
        x = x * 10 + (uint64_t)(*s - '0');
    }
    *v = x;
    return *s ? -EINVAL : 0;
}

/* "max" or a number. With `mem`, memparse's K/M/G/T suffixes are accepted. */
static int parse_max(const char *s, uint64_t *v, int mem)
{
    if (!strcmp(s, "max")) {
        *v = CGROUP_MAX;
        return 0;
    }
    char num[24];
    int len = (int)strlen(s), shift = 0;
    if (mem && len > 1) {
        const char *u = strchr("kKmMgGtT", s[len - 1]);
        if (u && s[len - 1]) {
            static const int sh[] = { 10, 10, 20, 20, 30, 30, 40, 40 };
            shift = sh[u - "kKmMgGtT"];
            len--;
        }
    }
    if (len <= 0 || len >= (int)sizeof num)
        return -EINVAL;
    memcpy(num, s, (size_t)len);
    num[len] = 0;
    int err = parse_u64(num, v);
    if (!err)
        *v <<= shift;
    return err;
}

static int write_subtree(struct cgroup *cg, char *s)
{
    uint32_t en = 0, dis = 0;
    while (*s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        char *tok = s;
        while (*s && *s != ' ')
            s++;
        int len = (int)(s - tok) - 1, bit = -1;
        for (int i = 0; i < 3; i++)
            if ((int)strlen(ctl_names[i]) == len && !strncmp(tok + 1, ctl_names[i], (size_t)len))
                bit = i;
        if (bit < 0 || (tok[0] != '+' && tok[0] != '-'))
            return -EINVAL;
        if (tok[0] == '+')
            en |= 1u << bit, dis &= ~(1u << bit);
        else
            dis |= 1u << bit, en &= ~(1u << bit);
    }
    return cgroup_set_subtree_control(cg, en, dis);
}

static int write_cpu_max(struct cgroup *cg, char *s)
{
    char *sp = strchr(s, ' ');
    uint64_t quota, period = cg->cpu.period_us;
    if (sp) {
        *sp = 0;
        if (parse_u64(sp + 1, &period))
            return -EINVAL;
    }
    if (parse_max(s, &quota, 0))
        return -EINVAL;
    /* tg_set_cfs_bandwidth: period 1 ms .. 1 s, quota at least 1 ms. */
    if (period < 1000 || period > 1000000 || (quota != CGROUP_MAX && quota < 1000))
        return -EINVAL;
    cg->cpu.quota_us = quota;
    cg->cpu.period_us = period;
    cg->cpu.runtime_ns = 0;
    if (cg->cpu.throttled && quota == CGROUP_MAX)
        cg->cpu.throttled = 0;
    return 0;
}

static int write_file(struct cgroup *cg, int kind, char *s)
{
    uint64_t v;
    int err;
    switch (kind) {
    case F_SUBTREE: return write_subtree(cg, s);
    case F_PROCS: {
        if ((err = parse_u64(s, &v)))
            return -EINVAL;
        struct proc *p = v ? ns_find_task((int)v, task_active_pid_ns(curproc())) : curproc();   /* "0": the writer */
        if (!p || p->state == P_ZOMBIE)
            return -ESRCH;
        return cgroup_attach(p, cg);
    }
    case F_FREEZE: case F_KILL:
        if ((err = parse_u64(s, &v)))
            return err;
        if (v > 1 || (kind == F_KILL && v != 1))
            return -ERANGE;
        if (kind == F_KILL)
            cgroup_kill(cg);
        else
            cg->freeze = (int)v;
        return 0;
    case F_CPU_WEIGHT:
        if ((err = parse_u64(s, &v)))
            return err;
        if (v < 1 || v > 10000)
            return -ERANGE;                /* CGROUP_WEIGHT_MIN..MAX */
        cg->cpu.weight = (uint32_t)(v * 1024 / 100);
        if (!cg->cpu.weight)
            cg->cpu.weight = 1;
        return 0;
    case F_CPU_MAX: return write_cpu_max(cg, s);
    case F_MEM_MAX:
        if (parse_max(s, &v, 1))
            return -EINVAL;
        cg->mem_max_pages = v == CGROUP_MAX ? CGROUP_MAX : v / PAGE_SIZE;
        return 0;
    case F_PIDS_MAX:
        if (parse_max(s, &v, 0))
            return -EINVAL;
        cg->pids_max = v;
        return 0;
    default: return -EINVAL;
    }
}

static long cg_write(struct inode *ip, struct file *f, struct iobuf b, uint32_t off, uint32_t n)
{
    (void)f, (void)off;
    struct cgroup *cg = cg_of(ip);
    if (!cg || cg->used != 1)
        return -ENODEV;
    char buf[128];
    if (n >= sizeof buf)
        return -EINVAL;
    if (iob_get(buf, b, 0, n) < 0)
        return -EFAULT;
    buf[n] = 0;
    int len = (int)n;
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
        buf[--len] = 0;                    /* echo's newline, as the kernel's strstrip */
    int err = write_file(cg, kind_of(ip), buf);
    if (err == 0)
        trace_cgroup_stat(cg);             /* the picture shows the new limit */
    return err < 0 ? err : (long)n;
}

/* ---- directories ---- */

static struct inode *cg_lookup(struct inode *dir, const char *name, int *err)
{
    struct cgroup *cg = cg_of(dir);
    for (unsigned i = 0; i < ARRAY_SIZE(files); i++)
        if (!strcmp(files[i].name, name) && visible(cg, &files[i]))
            return cg_inode(dir->sb, cg, files[i].kind, S_IFREG | files[i].mode, err);
    struct cgroup *c = cgroup_lookup(cg, name, (int)strlen(name));
    if (c)
        return cg_inode(dir->sb, c, F_DIR, S_IFDIR | 0755, err);
    *err = -ENOENT;
    return NULL;
}

static int cg_readdir(struct inode *dir, uint32_t *pos, struct fs_dirent *out)
{
    struct cgroup *cg = cg_of(dir);
    if (*pos < 2) {
        out->ino = dir->ino;
        out->type = DT_DIR;
        strlcpy(out->name, *pos ? ".." : ".", sizeof out->name);
        (*pos)++;
        return 1;
    }
    while (*pos - 2 < ARRAY_SIZE(files)) {
        const struct cgfile *e = &files[(*pos)++ - 2];
        if (!visible(cg, e))
            continue;
        out->ino = (uint32_t)cg->id * 32u + (uint32_t)e->kind + 1;
        out->type = DT_REG;
        strlcpy(out->name, e->name, sizeof out->name);
        return 1;
    }
    int cursor = (int)(*pos - 2 - ARRAY_SIZE(files));
    struct cgroup *c = cgroup_child_iter(cg, &cursor);
    if (!c)
        return 0;
    *pos = 2 + ARRAY_SIZE(files) + (uint32_t)cursor;
    out->ino = (uint32_t)c->id * 32u + 1;
    out->type = DT_DIR;
    strlcpy(out->name, c->name, sizeof out->name);
    return 1;
}

static struct inode *cg_create(struct inode *dir, const char *name, uint32_t mode, int *err)
{
    struct cgroup *c;
    if (!S_ISDIR(mode)) {
        *err = -EPERM;
        return NULL;
    }
    if ((*err = cgroup_mkdir(cg_of(dir), name, (int)strlen(name), &c)))
        return NULL;
    return cg_inode(dir->sb, c, F_DIR, S_IFDIR | 0755, err);
}

static int cg_unlink(struct inode *dir, const char *name, int isdir)
{
    struct cgroup *c = cgroup_lookup(cg_of(dir), name, (int)strlen(name));
    if (!c)
        return isdir ? -ENOENT : -EPERM;
    return isdir ? cgroup_rmdir(c) : -EISDIR;
}

static struct inode *cg_parent(struct inode *dir)
{
    struct cgroup *cg = cg_of(dir);
    int err;
    if (!cg || !cg->parent || dir == dir->sb->root || cg->parent == cg_of(dir->sb->root))
        return idup(dir->sb->root);
    struct inode *ip = cg_inode(dir->sb, cg->parent, F_DIR, S_IFDIR | 0755, &err);
    return ip ? ip : idup(dir->sb->root);
}

static const struct inode_ops dir_ops = {
    .lookup = cg_lookup, .readdir = cg_readdir, .create = cg_create, .unlink = cg_unlink,
    .parent = cg_parent,
};
static const struct inode_ops file_iops = { 0 };
static const struct file_ops file_fops = { .read = cg_read, .write = cg_write };
static const struct file_ops dir_fops = { 0 };

/* One hierarchy (cgroup v2), seen from the mounter's cgroup namespace: its root cgroup is the
 * mount's root (cgroup_namespaces(7)), so in a container /sys/fs/cgroup/pids.max is its own. */
static struct super *cg_mount(const struct fs_type *t, const char *source, const char *data, int *err)
{
    (void)source, (void)data;
    struct cgroup *top = ns_cgroup_root(curproc());
    struct super *sb = super_alloc(t);
    if (!sb || !(sb->root = cg_inode(sb, top ? top : cgroup_root, F_DIR, S_IFDIR | 0755, err))) {
        kfree(sb);
        *err = -ENOMEM;
        return NULL;
    }
    return sb;
}

static void cg_kill_sb(struct super *sb) { iput(sb->root); }

static const struct fs_type cgroup2_type = { .name = "cgroup2", .mount = cg_mount, .kill = cg_kill_sb };

void cgroupfs_init(void)
{
    fs_register(&cgroup2_type);
    int err = 0;
    fs_create_file("/sys/fs", NULL, 0, S_IFDIR | 0755);
    fs_create_file("/sys/fs/cgroup", NULL, 0, S_IFDIR | 0755);
    struct inode *ip = namei("/sys/fs/cgroup", &err);
    if (!ip || vfs_mount(vfs_mnt_of(NULL), "cgroup2", ip, "cgroup2", 0, NULL) < 0)
        printk("cgroupfs: cannot mount /sys/fs/cgroup\n");
    if (ip)
        iput(ip);
}
