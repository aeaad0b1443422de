/* ns.c: namespace objects, the nsproxy, unshare(2), setns(2), UTS (hostname) and the trace
 * records of namespaces (namespaces(7)).
 *
 * A namespace is created by clone(2) or unshare(2) with a CLONE_NEW* flag and lives while a
 * task (through its nsproxy) or an open /proc/PID/ns/ file references it. Inode numbers follow
 * Linux: the initial namespaces have fixed numbers (include/linux/proc_ns.h: PROC_IPC_INIT_INO
 * 0xEFFFFFFF, UTS 0xEFFFFFFE, PID 0xEFFFFFFC, CGROUP 0xEFFFFFFB), new ones count up from
 * 0xF0000000 as proc_alloc_inum does. The mount namespace uses its mount table's id. */
#include "containers/ns.h"
#include "devices/probe_abi.h"
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/sched.h"
#include "kernel/uapi/utsname.h"

struct msg_ns *msg_ns_create(void);        /* kernel/msg.c */
void msg_ns_destroy(struct msg_ns *ns);
struct msg_ns *msg_ns_init(void);

static struct uts_ns init_uts = { { NS_UTS, 0xEFFFFFFEu, 1 }, "vx86", "(none)" };
static struct ipc_ns init_ipc = { { NS_IPC, 0xEFFFFFFFu, 1 }, NULL };
static struct mnt_ns init_mnt = { { NS_MNT, 0, 1 }, NULL };
static struct cgroup_ns init_cgroup = { { NS_CGROUP, 0xEFFFFFFBu, 1 }, NULL };
struct pid_ns init_pid_ns = { { NS_PID, 0xEFFFFFFCu, 1 }, 0, NULL, NULL, 0, 0 };
static struct user_ns init_user = { { NS_USER, 0xEFFFFFFDu, 1 }, NULL, 0, 0, 0xFFFFFFFFu };
struct nsproxy init_nsproxy = { 1, &init_uts, &init_ipc, &init_mnt, &init_pid_ns, &init_cgroup, &init_user };
static uint32_t next_inum = 0xF0000001u;   /* 0xF0000000 is the first mount table's (mount.c) */
/* CG's cgroup.c, when linked: the cgroup a new cgroup namespace is rooted at. */
extern struct cgroup *cgroup_of(struct proc *p) __attribute__((weak));
struct cgroup *ns_cgroup_root(struct proc *p) { return (p->ns ? p->ns : &init_nsproxy)->cgroup->root; }

#define CLONE_NEWALL (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWCGROUP | CLONE_NEWUSER)

const char *ns_type_name(int type)
{
    static const char *const names[NS_NTYPES] = { "mnt", "uts", "ipc", "pid", "cgroup", "user" };
    return type >= 0 && type < NS_NTYPES ? names[type] : "?";
}

/* ---- trace records (devices/probe_abi.h); nothing when the probe is absent ---- */

static int probe_state;                    /* 0 unknown, 1 present, -1 absent */

/* One record: the payload copied behind a header, its physical address to the probe port. */
void ns_probe(uint16_t kind, const void *payload, uint32_t len)
{
    static struct { vx86_probe_header h; char data[128]; } rec;
    if (!probe_state)
        probe_state = inl(VX86_PROBE_PORT_MAGIC) == VX86_PROBE_MAGIC ? 1 : -1;
    if (probe_state < 0)
        return;
    uint32_t f = irq_save();
    rec.h.kind = kind;
    rec.h.length = (uint16_t)len;
    memcpy(rec.data, payload, len);
    outl(VX86_PROBE_PORT_RECORD, V2P(&rec));
    irq_restore(f);
}

static void trace_ns_create(struct ns_common *c, struct ns_common *parent)
{
    static const uint32_t probe_type[NS_NTYPES] = {
        VX86_PROBE_NS_MNT, VX86_PROBE_NS_UTS, VX86_PROBE_NS_IPC, VX86_PROBE_NS_PID, VX86_PROBE_NS_CGROUP,
        VX86_PROBE_NS_USER,
    };
    vx86_probe_ns_create r = { c->inum, probe_type[c->type], parent ? parent->inum : 0, (uint32_t)current->pid };
    ns_probe(VX86_PROBE_KIND_NS_CREATE, &r, sizeof r);
}

void ns_trace_mount(const char *source, const char *target, const char *fstype)
{
    vx86_probe_mount r;
    memset(&r, 0, sizeof r);
    r.mnt_ns = ns_inum(current, NS_MNT);
    r.pid = (uint32_t)current->pid;
    strlcpy(r.fstype, fstype ? fstype : "", sizeof r.fstype);
    strlcpy(r.source, source ? source : "", sizeof r.source);
    target = target ? target : "";
    size_t n = strlen(target), room = sizeof r.target - 1;
    if (n > room)                          /* keep the path's end, where it says what it is */
        memcpy(r.target, "...", 3), strlcpy(r.target + 3, target + n - (room - 3), room - 2);
    else
        strlcpy(r.target, target, sizeof r.target);
    ns_probe(VX86_PROBE_KIND_MOUNT, &r, sizeof r);
}

static void trace_hostname(struct uts_ns *u)
{
    vx86_probe_hostname r;
    memset(&r, 0, sizeof r);
    r.uts_ns = u->c.inum;
    r.pid = (uint32_t)current->pid;
    strlcpy(r.name, u->nodename, sizeof r.name);
    ns_probe(VX86_PROBE_KIND_HOSTNAME, &r, sizeof r);
}

/* ---- namespace objects ---- */

static void *ns_new(uint32_t size, int type, struct ns_common *parent)
{
    struct ns_common *c = kzalloc(size);
    if (!c)
        return NULL;
    c->type = type;
    c->inum = next_inum++;
    c->ref = 1;
    trace_ns_create(c, parent);
    return c;
}

static struct ns_common *ns_get(struct ns_common *c) { c->ref++; return c; }

void ns_put(struct ns_common *c)
{
    if (!c || --c->ref > 0)
        return;
    switch (c->type) {                     /* the initial namespaces never reach 0 */
    case NS_IPC: msg_ns_destroy(((struct ipc_ns *)c)->msg); break;
    case NS_MNT: mnt_table_put(((struct mnt_ns *)c)->table); break;
    case NS_PID: ns_put(&((struct pid_ns *)c)->parent->c); break;
    case NS_USER: ns_put(&((struct user_ns *)c)->parent->c); break;
    }
    kfree(c);
}

uint32_t ns_inum(struct proc *p, int type)
{
    struct nsproxy *n = p->ns ? p->ns : &init_nsproxy;
    switch (type) {
    case NS_MNT: return n->mnt->table->id;
    case NS_UTS: return n->uts->c.inum;
    case NS_IPC: return n->ipc->c.inum;
    case NS_PID: return task_active_pid_ns(p)->c.inum;
    case NS_CGROUP: return n->cgroup->c.inum;
    case NS_USER: return n->user->c.inum;
    default: return 0;
    }
}

struct ns_common *ns_of(struct proc *p, int type, int for_children)
{
    struct nsproxy *n = p->ns ? p->ns : &init_nsproxy;
    switch (type) {
    case NS_MNT: return &n->mnt->c;
    case NS_UTS: return &n->uts->c;
    case NS_IPC: return &n->ipc->c;
    case NS_PID: return for_children ? &n->pid_for_children->c : &task_active_pid_ns(p)->c;
    case NS_CGROUP: return &n->cgroup->c;
    case NS_USER: return &n->user->c;
    default: return NULL;
    }
}

static struct nsproxy *nsproxy_copy(struct nsproxy *o)
{
    struct nsproxy *n = kzalloc(sizeof *n);
    if (!n)
        return NULL;
    *n = *o;
    n->ref = 1;
    ns_get(&n->uts->c); ns_get(&n->ipc->c); ns_get(&n->mnt->c);
    ns_get(&n->pid_for_children->c); ns_get(&n->cgroup->c); ns_get(&n->user->c);
    return n;
}

static void nsproxy_put(struct nsproxy *n)
{
    if (!n || --n->ref > 0)
        return;
    ns_put(&n->uts->c); ns_put(&n->ipc->c); ns_put(&n->mnt->c);
    ns_put(&n->pid_for_children->c); ns_put(&n->cgroup->c); ns_put(&n->user->c);
    kfree(n);
}

/* Replace one namespace in n (which holds the only reference) by a fresh one of that type. */
static void swap_ns(struct ns_common **slot, struct ns_common *fresh)
{
    ns_put(*slot);
    *slot = fresh;
}

/* A new nsproxy for flags: copies of what is shared, new namespaces for CLONE_NEW*. The mount
 * namespace starts as a copy of the caller's table; the UTS one as a copy of its names;
 * the IPC one empty; the cgroup one rooted at the caller's cgroup (cgroup_namespaces(7)). */
static int nsproxy_new(struct proc *p, uint32_t flags, struct nsproxy **out)
{
    struct nsproxy *o = p->ns ? p->ns : &init_nsproxy;
    if (flags & CLONE_NEWPID && o->pid_for_children != task_active_pid_ns(p))
        return -EINVAL;                    /* already unshared: copy_pid_ns() refuses a second */
    if (flags & CLONE_NEWPID && o->pid_for_children->level + 1 >= PID_NS_LEVELS)
        return -ENOSPC;                    /* pid_namespaces(7): 32 levels below the first */
    struct nsproxy *n = nsproxy_copy(o);
    if (!n)
        return -ENOMEM;
    if (flags & CLONE_NEWUTS) {
        struct uts_ns *u = ns_new(sizeof *u, NS_UTS, &o->uts->c);
        if (!u)
            goto nomem;
        memcpy(u->nodename, o->uts->nodename, sizeof u->nodename);
        memcpy(u->domainname, o->uts->domainname, sizeof u->domainname);
        swap_ns((struct ns_common **)&n->uts, &u->c);
    }
    if (flags & CLONE_NEWIPC) {
        struct ipc_ns *i = ns_new(sizeof *i, NS_IPC, &o->ipc->c);
        if (!i || !(i->msg = msg_ns_create())) {
            kfree(i);
            goto nomem;
        }
        swap_ns((struct ns_common **)&n->ipc, &i->c);
    }
    if (flags & CLONE_NEWNS) {
        struct mnt_ns *m = kzalloc(sizeof *m);
        if (!m || !(m->table = mnt_table_clone(o->mnt->table))) {
            kfree(m);
            goto nomem;
        }
        m->c = (struct ns_common){ NS_MNT, next_inum++, 1 };
        m->table->id = m->c.inum;          /* one numbering for every namespace type */
        trace_ns_create(&m->c, &o->mnt->c);
        swap_ns((struct ns_common **)&n->mnt, &m->c);
    }
    if (flags & CLONE_NEWPID) {
        struct pid_ns *pn = ns_new(sizeof *pn, NS_PID, &o->pid_for_children->c);
        if (!pn)
            goto nomem;
        pn->parent = (struct pid_ns *)ns_get(&o->pid_for_children->c);
        pn->level = pn->parent->level + 1;
        swap_ns((struct ns_common **)&n->pid_for_children, &pn->c);
    }
    if (flags & CLONE_NEWUSER) {           /* no uid_map yet: everybody is 65534 inside */
        struct user_ns *u = ns_new(sizeof *u, NS_USER, &o->user->c);
        if (!u)
            goto nomem;
        u->parent = (struct user_ns *)ns_get(&o->user->c);
        swap_ns((struct ns_common **)&n->user, &u->c);
    }
    if (flags & CLONE_NEWCGROUP) {
        struct cgroup_ns *c = ns_new(sizeof *c, NS_CGROUP, &o->cgroup->c);
        if (!c)
            goto nomem;
        c->root = cgroup_of ? cgroup_of(p) : NULL;
        swap_ns((struct ns_common **)&n->cgroup, &c->c);
    }
    *out = n;
    return 0;
nomem:
    nsproxy_put(n);
    return -ENOMEM;
}

void ns_init_task(struct proc *p)
{
    if (!init_mnt.table) {
        init_mnt.table = vfs_mnt_of(NULL);
        init_mnt.c.inum = init_mnt.table->id;
        init_ipc.msg = msg_ns_init();
    }
    init_nsproxy.ref++;
    p->ns = &init_nsproxy;
    p->pidns = &init_pid_ns;
    p->nspid[0] = p->pid;
    if (!init_pid_ns.reaper)
        init_pid_ns.reaper = p;
}

int ns_fork(struct proc *parent, struct proc *child, uint32_t flags)
{
    struct nsproxy *n;
    if (!(flags & CLONE_NEWALL)) {
        n = parent->ns ? parent->ns : &init_nsproxy;
        n->ref++;
    } else {
        int r = nsproxy_new(parent, flags, &n);
        if (r < 0)
            return r;
    }
    child->ns = n;
    int r = pid_ns_attach(child, n->pid_for_children);
    if (r < 0) {
        child->ns = NULL;
        nsproxy_put(n);
    }
    return r;
}

void ns_release(struct proc *p)
{
    nsproxy_put(p->ns);
    p->ns = NULL;
    if (p->pidns)
        ns_put(&p->pidns->c);
    p->pidns = NULL;
}

/* ---- system calls ---- */

long sys_unshare(const struct syscall_args *a)
{
    uint32_t flags = a->arg[0];
    /* Accepted without effect: what a single-threaded process already has to itself. */
    uint32_t noop = CLONE_FS | CLONE_FILES | CLONE_SYSVSEM | CLONE_VM | CLONE_SIGHAND | CLONE_THREAD;
    if (flags & ~(CLONE_NEWALL | noop))
        return -EINVAL;                    /* CLONE_NEWUSER, CLONE_NEWNET...: not modelled */
    if (!(flags & CLONE_NEWALL))
        return 0;
    struct proc *p = current;
    struct nsproxy *n;
    int r = nsproxy_new(p, flags, &n);
    if (r < 0)
        return r;
    nsproxy_put(p->ns);
    p->ns = n;
    return 0;
}

long sys_sethostname(const struct syscall_args *a)
{
    uint32_t len = a->arg[1];
    char buf[UTSNAME_LEN];
    if (len >= UTSNAME_LEN)
        return -EINVAL;
    if (copyin(buf, a->arg[0], len) < 0)
        return -EFAULT;
    buf[len] = 0;
    struct uts_ns *u = (current->ns ? current->ns : &init_nsproxy)->uts;
    memcpy(u->nodename, buf, len + 1);
    trace_hostname(u);
    return 0;
}

const char *ns_hostname(struct proc *p) { return (p->ns ? p->ns : &init_nsproxy)->uts->nodename; }

/* setns(2): fd is an open /proc/PID/ns/TYPE file (procfs makes it an nsfs-like inode whose
 * priv is the namespace); nstype 0 accepts any type, otherwise it must match (EINVAL). Joining
 * a PID namespace changes where children go (pid_for_children), never the caller's own pid;
 * only a descendant of the caller's PID namespace may be joined (pid_namespaces(7)). */
long sys_setns(const struct syscall_args *a)
{
    static const uint32_t flag_of[NS_NTYPES] = {
        CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWCGROUP, CLONE_NEWUSER,
    };
    int fd = (int)a->arg[0];
    uint32_t nstype = a->arg[1];
    struct proc *p = current;
    if (fd < 0 || fd >= NOFILE || !p->ofile[fd])
        return -EBADF;
    struct ns_common *c = procfs_ns_of_inode(p->ofile[fd]->ip);
    if (!c || (nstype && nstype != flag_of[c->type]) || c == ns_of(p, NS_USER, 0))
        return -EINVAL;                    /* setns(2): not the user namespace it is in */
    if (c->type == NS_PID && !pid_ns_is_ancestor(task_active_pid_ns(p), (struct pid_ns *)c))
        return -EINVAL;
    struct nsproxy *n = nsproxy_copy(p->ns ? p->ns : &init_nsproxy);
    if (!n)
        return -ENOMEM;
    struct ns_common **slot = c->type == NS_MNT ? (struct ns_common **)&n->mnt
                            : c->type == NS_UTS ? (struct ns_common **)&n->uts
                            : c->type == NS_IPC ? (struct ns_common **)&n->ipc
                            : c->type == NS_PID ? (struct ns_common **)&n->pid_for_children
                            : c->type == NS_USER ? (struct ns_common **)&n->user
                            : (struct ns_common **)&n->cgroup;
    swap_ns(slot, ns_get(c));
    if (c->type == NS_MNT) {               /* setns(2): root and cwd become the namespace's root */
        struct inode *root = n->mnt->table->m[0].root;
        iput(p->root);
        p->root = idup(root);
        iput(p->cwd);
        p->cwd = idup(root);
    }
    nsproxy_put(p->ns);
    p->ns = n;
    return 0;
}

/* ---- user namespaces (user_namespaces(7)) ---- */

static struct user_ns *user_of(struct proc *p) { return (p->ns ? p->ns : &init_nsproxy)->user; }

/* Everybody is uid 0 at the root; each namespace down maps it through its extent, or to
 * 65534 (overflowuid) when its map lacks it. */
static uint32_t uid_in(struct user_ns *u)
{
    uint32_t id = u->parent ? uid_in(u->parent) : 0;
    return !u->parent ? 0 : id != 65534 && id - u->lower < u->count ? u->first + (id - u->lower) : 65534;
}

long ns_getuid(void) { return uid_in(user_of(current)); }

int ns_uid_map_text(struct proc *p, char *b, uint32_t n)
{
    struct user_ns *u = user_of(p);
    return u->count ? ksnprintf(b, n, "%10u %10u %10u\n", u->first, u->lower, u->count) : 0;
}

/* One write of "first lower count" (map_write in kernel/user_namespace.c): EPERM once written
 * (the initial map too), EINVAL when malformed or count is 0, EPERM when lower..lower+count is
 * not mapped in the parent. Simplified: one extent; everybody is root, so any mapped range. */
int ns_uid_map_write(struct proc *p, char *s)
{
    struct user_ns *u = user_of(p), *up = u->parent;
    uint32_t v[3] = { 0, 0, 0 };
    if (u->count || !up)
        return -EPERM;
    for (int i = 0; i < 3; i++) {
        while (*s == ' ' || *s == '\t')
            s++;
        char *d = s;
        for (; *s >= '0' && *s <= '9'; s++)
            v[i] = v[i] * 10 + (uint32_t)(*s - '0');
        if (s == d || (i < 2 ? *s != ' ' && *s != '\t' : *s && *s != '\n'))
            return -EINVAL;
    }
    if (!v[2])
        return -EINVAL;
    if (v[1] - up->first >= up->count || v[2] > up->count - (v[1] - up->first))
        return -EPERM;
    u->first = v[0], u->lower = v[1], u->count = v[2];
    return 0;
}
