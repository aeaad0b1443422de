/* cgroup.h: the cgroup v2 core and its cpu, memory and pids controllers (cgroup.c), the file
 * system at /sys/fs/cgroup (cgroupfs.c). Facts from the kernel's
 * Documentation/admin-guide/cgroup-v2.rst; each field names the file that shows it.
 * Data structures first, then the hooks the rest of the kernel calls. */
#ifndef CONTAINERS_CGROUP_H
#define CONTAINERS_CGROUP_H

#include <stdint.h>
#include "kernel/proc.h"

#define NCGROUP         64                 /* cgroups at once (the root included) */
#define CGROUP_NAME_LEN 32
#define CGROUP_MAX      UINT64_MAX         /* "max" in cpu.max, memory.max, pids.max */

/* Controllers, as cgroup.controllers and cgroup.subtree_control list them (that order). */
enum { CG_CPU = 1u << 0, CG_MEMORY = 1u << 1, CG_PIDS = 1u << 2, CG_ALL = 7 };

/* The group scheduling entity of a cgroup whose cpu controller is enabled (sched.c): it
 * competes in its parent's queue by vruntime, with weight = cpu.weight * 1024 / 100. */
struct cg_sched {
    uint64_t vruntime;                     /* the group's place in its parent's queue */
    uint64_t min_vruntime;                 /* of the queue of its children (tasks and groups) */
    uint32_t weight;                       /* 1024 = cpu.weight 100 */
    /* cpu.max: "$MAX $PERIOD" -- quota per period, both in usec ("Core Interface Files", "CPU") */
    uint64_t quota_us, period_us;          /* quota CGROUP_MAX = no limit; period 100000 */
    uint64_t period_start_ns;              /* the current enforcement period began here */
    int64_t runtime_ns;                    /* run in this period (may exceed quota: carried over) */
    int throttled;                         /* quota spent: the group's tasks wait for the period */
    int active;                            /* ran or waited in this period (counts nr_periods) */
    uint64_t throttled_at;                 /* ktime_ns when throttled */
    uint32_t stamp;                        /* pick_next: has an eligible task below */
    /* cpu.stat */
    uint64_t usage_ns, nr_periods, nr_throttled, throttled_ns;
};

struct cgroup {
    int used;
    int id;                                /* like Linux's cgroup inode number: never reused */
    char name[CGROUP_NAME_LEN];
    struct cgroup *parent;                 /* NULL at the root */
    uint32_t subtree_control;              /* CG_* enabled for the children */
    int freeze;                            /* cgroup.freeze as written */
    struct cg_sched cpu;
    /* memory: pages charged (memory.current), the limit, the high-water mark, events */
    uint64_t mem_max_pages, mem_pages, mem_peak_pages;
    uint64_t mem_ev_max, mem_ev_oom, mem_ev_oom_kill;
    /* pids: tasks charged from fork to reap (pids.current), the limit, events */
    uint64_t pids_max, pids_current, pids_ev_max;
    uint64_t stat_sent;                    /* a digest of the usage its last CGROUP_STAT record had */
};

extern struct cgroup cgroup_table[NCGROUP];
#define cgroup_root (&cgroup_table[0])

/* ---- hooks (called from kernel/proc.c, kernel/frame.c, kernel/sched.c) ---- */
void cgroup_init(void);
struct cgroup *cgroup_of(struct proc *p);          /* never NULL: the root by default */
int cgroup_can_fork(struct proc *parent);          /* 0 or -EAGAIN (pids.max); counts pids.events */
void cgroup_fork(struct proc *parent, struct proc *child);   /* the child joins the parent's cgroup */
void cgroup_exit(struct proc *p);                  /* leaves cgroup.procs (populated may drop) */
void cgroup_release(struct proc *p);               /* reaped: pids.current drops */
/* Charge pages of memory to p's cgroup and its ancestors: the index of the cgroup charged (for
 * struct frame; 0 = none), or -ENOMEM when memory.max holds and the OOM killer (inside the
 * cgroup only) freed nothing for us. */
int mem_charge(struct proc *p, uint32_t pages);
int mem_fits(struct proc *p, uint32_t pages);    /* 1 if they fit under memory.max; 0 counts a "max" event */
void mem_uncharge(struct cgroup *cg, uint32_t pages);
int cgroup_index(struct cgroup *cg);               /* 1..NCGROUP for struct frame; 0 = none */
struct cgroup *cgroup_at(int index);
/* "/a/b" (the root is "/"), into buf of n bytes; returns buf. */
const char *cgroup_path(struct cgroup *cg, char *buf, int n);
/* The path as seen from inside the cgroup namespace whose root is `ns_root` (NS calls it). */
const char *cgroup_path_relative(struct cgroup *cg, struct cgroup *ns_root, char *buf, int n);
int cgroup_attach(struct proc *p, struct cgroup *to);   /* 0 or -errno (cgroup.procs write) */

/* ---- tree operations for cgroupfs.c (mkdir, rmdir) ---- */
struct cgroup *cgroup_lookup(struct cgroup *parent, const char *name, int len);
struct cgroup *cgroup_child_iter(struct cgroup *parent, int *cursor);
int cgroup_mkdir(struct cgroup *parent, const char *name, int len, struct cgroup **out);
int cgroup_rmdir(struct cgroup *cg);
int cgroup_populated(struct cgroup *cg);           /* a live task here or below */
int cgroup_frozen(struct cgroup *cg);              /* cgroup.freeze here or above */
uint32_t cgroup_controllers(struct cgroup *cg);    /* cgroup.controllers: parent's subtree_control */
int cgroup_set_subtree_control(struct cgroup *cg, uint32_t enable, uint32_t disable);
void cgroup_kill(struct cgroup *cg);               /* cgroup.kill: SIGKILL the subtree */

/* ---- the cpu controller in the scheduler (kernel/sched.c) ---- */
struct cgroup *cgroup_cpu_group(struct proc *p);   /* nearest cgroup with cpu enabled */
void sched_cgroup_tick(void);                      /* refill quotas at period boundaries */
void sched_cgroup_moved(struct proc *p);           /* after an attach: placed in the new queue */

/* ---- trace records (devices/probe_abi.h) ---- */
void trace_cgroup_attach(struct proc *p, struct cgroup *cg);
void trace_cgroup_throttle(struct cgroup *cg, struct proc *p);
void trace_cgroup_oom(struct cgroup *cg, struct proc *victim);
void trace_cgroup_stat(struct cgroup *cg);         /* its files' numbers: limits and usage */
void cgroup_stat_tick(uint64_t now_ns);            /* the same for changed cgroups, every 100 ms */

/* ---- cgroupfs.c ---- */
void cgroupfs_init(void);                          /* registers the file-system type "cgroup2" */

#endif
