/* cgroup.c: the cgroup v2 tree and its pids and memory controllers; the cpu controller's
 * scheduling is in kernel/sched.c, the files in cgroupfs.c.
 *
 * Rules from the kernel's Documentation/admin-guide/cgroup-v2.rst:
 *  - "Organizing Processes": every task belongs to exactly one cgroup; a child starts in its
 *    parent's; writing a PID to cgroup.procs moves it. "populated" in cgroup.events is 1 while
 *    the cgroup or a descendant has a live task.
 *  - "Top-down Constraint": a controller can be enabled in subtree_control only if the parent
 *    enabled it for us (cgroup.controllers lists those).
 *  - "No Internal Process Constraint": a non-root cgroup can distribute domain resources to its
 *    children (non-empty subtree_control) only when it has no processes of its own -- enabling a
 *    controller in a cgroup with processes, or moving a process into a cgroup whose
 *    subtree_control is non-empty, is EBUSY (the root is exempt).
 *  - "PID" (pids.max): fork/clone fails with EAGAIN when the limit would be passed, and the
 *    "max" event counts it. Migration may leave pids.current above pids.max.
 *  - "Memory" (memory.max): "If a cgroup's memory usage reaches this limit and can't be
 *    reduced, the OOM killer is invoked in the cgroup." There is no reclaim here (no page cache,
 *    no swap), so reaching the limit is an OOM at once. memory.events is hierarchical.
 * Pages are charged when a frame is allocated for a task (frame.c) and uncharged when it is
 * freed; the frame remembers its cgroup, as Linux's page->memcg_data. */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/signal.h"
#include "containers/cgroup.h"
#include "containers/ns.h"
#include "devices/probe_abi.h"

struct cgroup cgroup_table[NCGROUP];
static int next_id = 1;

static void cg_defaults(struct cgroup *cg)
{
    cg->cpu.weight = 1024;                 /* cpu.weight 100 */
    cg->cpu.quota_us = CGROUP_MAX;         /* cpu.max "max 100000" */
    cg->cpu.period_us = 100000;
    cg->mem_max_pages = CGROUP_MAX;
    cg->pids_max = CGROUP_MAX;
}

void cgroup_init(void)
{
    memset(cgroup_table, 0, sizeof cgroup_table);
    cgroup_root->used = 1;
    cgroup_root->id = next_id++;
    cg_defaults(cgroup_root);
}

struct cgroup *cgroup_of(struct proc *p) { return p && p->cgroup ? p->cgroup : cgroup_root; }
int cgroup_index(struct cgroup *cg) { return cg ? (int)(cg - cgroup_table) + 1 : 0; }
struct cgroup *cgroup_at(int index) { return index > 0 && index <= NCGROUP ? &cgroup_table[index - 1] : NULL; }

static int is_descendant(struct cgroup *cg, struct cgroup *anc)
{
    for (; cg; cg = cg->parent)
        if (cg == anc)
            return 1;
    return 0;
}

static int live(struct proc *p) { return p->state != P_UNUSED && p->state != P_ZOMBIE && p->state != P_EMBRYO; }

int cgroup_populated(struct cgroup *cg)
{
    for (int i = 0; i < NPROC; i++)
        if (live(&proc_table[i]) && is_descendant(cgroup_of(&proc_table[i]), cg))
            return 1;
    return 0;
}

int cgroup_frozen(struct cgroup *cg)
{
    for (; cg; cg = cg->parent)
        if (cg->freeze)
            return 1;
    return 0;
}

uint32_t cgroup_controllers(struct cgroup *cg) { return cg->parent ? cg->parent->subtree_control : CG_ALL; }

/* The nearest cgroup (cg or an ancestor) whose memory controller is enabled, or NULL. */
static struct cgroup *mem_cg(struct cgroup *cg)
{
    for (; cg && cg->parent; cg = cg->parent)
        if (cg->parent->subtree_control & CG_MEMORY)
            return cg;
    return NULL;
}

/* ---- paths ---- */

static int put_path(struct cgroup *cg, struct cgroup *top, char *buf, int n)
{
    if (cg == top || !cg->parent)
        return 0;
    int at = put_path(cg->parent, top, buf, n);
    return at + ksnprintf(buf + at, at < n ? (size_t)(n - at) : 0, "/%s", cg->name);
}

const char *cgroup_path_relative(struct cgroup *cg, struct cgroup *ns_root, char *buf, int n)
{
    if (ns_root && !is_descendant(cg, ns_root))
        ns_root = NULL;                    /* outside the namespace: Linux shows "/.." paths; we show it whole */
    if (put_path(cg, ns_root, buf, n) == 0 && n > 1)
        strlcpy(buf, "/", (size_t)n);
    return buf;
}

const char *cgroup_path(struct cgroup *cg, char *buf, int n) { return cgroup_path_relative(cg, NULL, buf, n); }

/* ---- the tree ---- */

struct cgroup *cgroup_lookup(struct cgroup *parent, const char *name, int len)
{
    for (int i = 1; i < NCGROUP; i++) {
        struct cgroup *c = &cgroup_table[i];
        if (c->used == 1 && c->parent == parent && (int)strlen(c->name) == len && !strncmp(c->name, name, (size_t)len))
            return c;
    }
    return NULL;
}

struct cgroup *cgroup_child_iter(struct cgroup *parent, int *cursor)
{
    while (*cursor >= 0 && *cursor < NCGROUP) {
        struct cgroup *c = &cgroup_table[(*cursor)++];
        if (c->used == 1 && c->parent == parent)
            return c;
    }
    return NULL;
}

int cgroup_mkdir(struct cgroup *parent, const char *name, int len, struct cgroup **out)
{
    if (len >= CGROUP_NAME_LEN)
        return -ENAMETOOLONG;
    if (cgroup_lookup(parent, name, len))
        return -EEXIST;
    for (int i = 1; i < NCGROUP; i++) {
        struct cgroup *c = &cgroup_table[i];
        if (c->used)
            continue;
        memset(c, 0, sizeof *c);
        c->used = 1;
        c->id = next_id++;
        c->parent = parent;
        memcpy(c->name, name, (size_t)len);
        cg_defaults(c);
        c->cpu.vruntime = parent->cpu.min_vruntime;
        *out = c;
        return 0;
    }
    return -EAGAIN;                        /* as cgroup.max.descendants gives when passed */
}

/* rmdir: "A cgroup can be removed ... if it doesn't have any children and is associated only
 * with zombie processes" ("Organizing Processes"); else EBUSY. Zombies move to the parent.
 * Frames still charged keep the slot "dying" (used 2) until they are uncharged. */
int cgroup_rmdir(struct cgroup *cg)
{
    if (!cg->parent)
        return -EBUSY;
    int cur = 0;
    if (cgroup_child_iter(cg, &cur) || cgroup_populated(cg))
        return -EBUSY;
    for (int i = 0; i < NPROC; i++)
        if (proc_table[i].state != P_UNUSED && proc_table[i].cgroup == cg)
            proc_table[i].cgroup = cg->parent;
    cg->used = cg->mem_pages ? 2 : 0;
    return 0;
}

int cgroup_set_subtree_control(struct cgroup *cg, uint32_t enable, uint32_t disable)
{
    if ((enable | disable) & ~cgroup_controllers(cg))
        return -ENOENT;                    /* not offered by the parent: Linux's ENOENT */
    if (enable & disable)
        return -EINVAL;
    /* No internal processes: a non-root cgroup with tasks of its own cannot enable. */
    uint32_t next = (cg->subtree_control | enable) & ~disable;
    if (cg->parent && next && (enable & ~cg->subtree_control)) {
        for (int i = 0; i < NPROC; i++)
            if (live(&proc_table[i]) && proc_table[i].cgroup == cg)
                return -EBUSY;
    }
    /* A controller still enabled in a child's subtree_control cannot be disabled (EBUSY). */
    int cur = 0;
    for (struct cgroup *c; (c = cgroup_child_iter(cg, &cur));)
        if (c->subtree_control & disable)
            return -EBUSY;
    cg->subtree_control = next;
    return 0;
}

int cgroup_attach(struct proc *p, struct cgroup *to)
{
    if (to->parent && to->subtree_control)
        return -EBUSY;                     /* the no-internal-process rule */
    struct cgroup *from = cgroup_of(p);
    if (from == to)
        return 0;
    for (struct cgroup *c = from; c; c = c->parent)
        c->pids_current--;
    for (struct cgroup *c = to; c; c = c->parent)
        c->pids_current++;                 /* may pass pids.max: migration is not limited */
    p->cgroup = to;
    sched_cgroup_moved(p);
    trace_cgroup_attach(p, to);
    trace_cgroup_stat(to);
    return 0;
}

void cgroup_kill(struct cgroup *cg)
{
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &proc_table[i];
        if (live(p) && is_descendant(cgroup_of(p), cg))
            signal_send(p, SIGKILL);
    }
}

/* ---- pids ---- */

int cgroup_can_fork(struct proc *parent)
{
    for (struct cgroup *c = cgroup_of(parent); c->parent; c = c->parent)
        if ((c->parent->subtree_control & CG_PIDS) && c->pids_max != CGROUP_MAX &&
            c->pids_current + 1 > c->pids_max) {
            c->pids_ev_max++;
            return -EAGAIN;
        }
    return 0;
}

void cgroup_fork(struct proc *parent, struct proc *child)
{
    struct cgroup *cg = cgroup_of(parent);
    child->cgroup = cg;
    for (struct cgroup *c = cg; c; c = c->parent)
        c->pids_current++;
    for (struct cgroup *c = cg; c->parent; c = c->parent)
        trace_cgroup_stat(c);              /* the picture's pids.current stays exact (not the root's) */
}

/* A zombie no longer populates its cgroup (cgroup_populated looks at task states) but stays
 * charged to pids.current until reaped; nothing to undo here yet. */
void cgroup_exit(struct proc *p) { (void)p; }

void cgroup_release(struct proc *p)
{
    struct cgroup *cg = cgroup_of(p);
    for (struct cgroup *c = cg; c; c = c->parent)
        c->pids_current--;
    p->cgroup = NULL;
    for (struct cgroup *c = cg; c->parent; c = c->parent)
        trace_cgroup_stat(c);
}

/* ---- memory ---- */

static void mem_event(struct cgroup *cg, uint64_t *(*field)(struct cgroup *))
{
    for (; cg && cg->parent; cg = cg->parent)
        (*field(cg))++;
}
static uint64_t *ev_max(struct cgroup *c) { return &c->mem_ev_max; }
static uint64_t *ev_oom(struct cgroup *c) { return &c->mem_ev_oom; }
static uint64_t *ev_oom_kill(struct cgroup *c) { return &c->mem_ev_oom_kill; }

/* The ancestor (or cg) whose memory.max the charge would pass, or NULL. */
static struct cgroup *over_limit(struct cgroup *cg, uint32_t pages)
{
    for (; cg && cg->parent; cg = cg->parent)
        if (cg->mem_max_pages != CGROUP_MAX && cg->mem_pages + pages > cg->mem_max_pages)
            return cg;
    return NULL;
}

/* Would `pages` more pages fit under memory.max of p's memory cgroup and its ancestors? For a
 * caller that gives up rather than charge (the hypervisor ends a VM instead of setting the OOM
 * killer on its own cgroup: hyperv/mem.c): a refusal counts as a "max" event, as a charge that
 * reached the limit does (cgroup-v2.rst, memory.events). */
int mem_fits(struct proc *p, uint32_t pages)
{
    struct cgroup *over = over_limit(mem_cg(cgroup_of(p)), pages);
    if (over)
        mem_event(over, ev_max);
    return over == NULL;
}

/* The OOM killer inside `over`: the task there using the most pages (the lowest pid on a tie),
 * as Linux's oom_badness picks by rss; tasks outside the cgroup are never chosen. */
static struct proc *oom_victim(struct cgroup *over)
{
    struct proc *best = NULL;
    uint32_t best_pages = 0;
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &proc_table[i];
        if (!live(p) || !is_descendant(cgroup_of(p), over) || !p->pgdir)
            continue;
        uint32_t n = vm_user_pages(p->pgdir);
        if (!best || n > best_pages || (n == best_pages && p->pid < best->pid))
            best = p, best_pages = n;
    }
    return best;
}

int mem_charge(struct proc *p, uint32_t pages)
{
    struct cgroup *cg = mem_cg(cgroup_of(p));
    if (!cg)
        return 0;
    for (int tries = 0;; tries++) {
        struct cgroup *over = over_limit(cg, pages);
        if (!over)
            break;
        mem_event(over, ev_max);
        if (tries >= 8)
            return -ENOMEM;
        mem_event(over, ev_oom);
        struct proc *victim = oom_victim(over);
        if (!victim)
            return -ENOMEM;
        if (!victim->killed) {
            mem_event(mem_cg(cgroup_of(victim)), ev_oom_kill);
            trace_cgroup_oom(over, victim);
            klog("Memory cgroup out of memory: Killed process %d (%s)\n", victim->pid, victim->name);
            signal_send(victim, SIGKILL);
        }
        if (victim == p || p->killed)
            return -ENOMEM;                /* we die: the fault path sees killed */
        sched_yield_now();                 /* let the victim run to its end, then try again */
    }
    for (struct cgroup *c = cg; c; c = c->parent) {
        c->mem_pages += pages;
        if (c->mem_pages > c->mem_peak_pages)
            c->mem_peak_pages = c->mem_pages;
    }
    return cgroup_index(cg);
}

void mem_uncharge(struct cgroup *cg, uint32_t pages)
{
    for (struct cgroup *c = cg; c; c = c->parent) {
        c->mem_pages -= pages;
        if (c->used == 2 && c->mem_pages == 0)
            c->used = 0;                   /* a removed cgroup's last page: the slot is free */
    }
}

/* ---- trace records (devices/probe_abi.h), sent by containers/ns.c's ns_probe ---- */

void trace_cgroup_attach(struct proc *p, struct cgroup *cg)
{
    vx86_probe_cgroup_attach r = { (uint32_t)p->pid, (uint32_t)cg->id, "" };
    cgroup_path(cg, r.path, sizeof r.path);
    ns_probe(VX86_PROBE_KIND_CGROUP_ATTACH, &r, sizeof r);
}

void trace_cgroup_throttle(struct cgroup *cg, struct proc *p)
{
    vx86_probe_cgroup_throttle r = { (uint32_t)cg->id, (uint32_t)p->pid, cg->cpu.quota_us, cg->cpu.period_us };
    ns_probe(VX86_PROBE_KIND_CGROUP_THROTTLE, &r, sizeof r);
}

void trace_cgroup_oom(struct cgroup *cg, struct proc *victim)
{
    vx86_probe_cgroup_oom r = { (uint32_t)cg->id, (uint32_t)victim->pid, (uint32_t)(cg->mem_pages * PAGE_SIZE),
                                (uint32_t)(cg->mem_max_pages * PAGE_SIZE) };
    ns_probe(VX86_PROBE_KIND_CGROUP_OOM, &r, sizeof r);
}

/* The picture of the cgroups (vx.show.cgroups, m:cgroups()) needs what the files say: a
 * CGROUP_STAT record at each limit write and attach, at each fork and reap in a cgroup below the
 * root (so pids.current is exact), and from the timer tick every 100 ms of
 * virtual time for each cgroup whose usage changed since its last record (a digest of the
 * numbers; a collision only delays a record). */
#define CG_STAT_NS (100 * 1000000ull)

static uint32_t probe_max(uint64_t v, uint64_t unit)
{
    return v == CGROUP_MAX || v * unit >= VX86_PROBE_CGROUP_MAX ? VX86_PROBE_CGROUP_MAX : (uint32_t)(v * unit);
}

static uint64_t stat_digest(struct cgroup *cg)
{
    return cg->cpu.usage_ns / 1000 * 31 + cg->mem_pages * 131 + cg->pids_current * 1009 +
           cg->cpu.nr_throttled * 7 + cg->mem_ev_oom_kill * 13 + cg->pids_ev_max * 17;
}

void trace_cgroup_stat(struct cgroup *cg)
{
    struct cg_sched *c = &cg->cpu;
    vx86_probe_cgroup_stat r = {
        (uint32_t)cg->id, (uint32_t)cg->pids_current, probe_max(cg->pids_max, 1),
        probe_max(cg->mem_pages, PAGE_SIZE), probe_max(cg->mem_max_pages, PAGE_SIZE),
        (c->weight * 100 + 512) / 1024, c->usage_ns / 1000, probe_max(c->quota_us, 1),
        (uint32_t)c->period_us, (uint32_t)c->nr_periods, (uint32_t)c->nr_throttled,
        c->throttled_ns / 1000, (uint32_t)cg->mem_ev_oom_kill, (uint32_t)cg->pids_ev_max, "" };
    cg->stat_sent = stat_digest(cg);
    cgroup_path(cg, r.path, sizeof r.path);
    ns_probe(VX86_PROBE_KIND_CGROUP_STAT, &r, sizeof r);
}

void cgroup_stat_tick(uint64_t now_ns)
{
    static uint64_t next_ns;
    if (now_ns < next_ns)
        return;
    next_ns = now_ns - now_ns % CG_STAT_NS + CG_STAT_NS;
    for (int i = 0; i < NCGROUP; i++)
        if (cgroup_table[i].used == 1 && stat_digest(&cgroup_table[i]) != cgroup_table[i].stat_sent)
            trace_cgroup_stat(&cgroup_table[i]);
}
