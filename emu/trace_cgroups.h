/* The cgroup tree rebuilt from the trace: CGROUP_ATTACH records move tasks into
 * cgroups and name them by path, CGROUP_THROTTLE and CGROUP_OOM records count throttling and
 * OOM kills with the limits then in force, and CGROUP_STAT records (devices/probe_abi.h) give a
 * cgroup's limits and usage as its interface files say them. TASK_CREATE gives each task its
 * first cgroup. As a view model it is plain data: cgroups in drawing order (by VM, then depth
 * first by path) with depth, live tasks, limits and usage; cg_text and cg_svg draw it with usage
 * bars, and the TUI and SDL renderers read the same arrays.
 *
 * Cgroups are keyed by (vm, id). The parent is the cgroup whose path is the longest proper
 * prefix ending at a '/' ("/ctr" for "/ctr/web"); a cgroup no record named by path is "?". */
#ifndef VX86_TRACE_CGROUPS_H
#define VX86_TRACE_CGROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/probe_abi.h"
#include "emu/trace_ns.h"

struct trace;

typedef struct cg_info {
    uint32_t vm, id;
    char path[65];
    int depth;
    ns_member *members;                   /* live tasks attached, by pid (ns_pid unused) */
    size_t member_count, member_cap;
    /* from CGROUP_STAT (has_stat) */
    bool has_stat;
    uint64_t stat_cycle;
    vx86_probe_cgroup_stat stat;
    /* from CGROUP_THROTTLE */
    uint32_t throttles;
    uint64_t quota_us, period_us;         /* the cpu.max of the last throttle record */
    /* from CGROUP_OOM */
    uint32_t ooms;
    uint32_t oom_pid, oom_usage, oom_max; /* the last one */
} cg_info;

typedef struct cg_task {                  /* where each live task is (folding state) */
    uint32_t vm, pid, cgroup;
    char name[VX86_PROBE_NAME_LEN + 1];
} cg_task;

typedef struct cg_table {
    cg_info *cg;
    size_t count, cap;
    cg_task *tasks;
    size_t task_count, task_cap;
    bool failed, partial;
} cg_table;

void cg_table_init(cg_table *ct);
void cg_table_free(cg_table *ct);
/* The cgroup (vm, id), added when absent (NULL if out of memory). */
cg_info *cg_table_get(cg_table *ct, uint32_t vm, uint32_t id);
/* Fold a CGROUP_ATTACH / THROTTLE / OOM / STAT record (cycle order); other kinds are ignored.
 * Attach moves the pid: fold TASK_CREATE first with cg_table_task. */
void cg_table_record(cg_table *ct, uint64_t cycle, uint32_t vm, int trace_kind, const uint8_t *p, size_t len);
/* A task starts in a cgroup (TASK_CREATE), or leaves every cgroup (exited: id 0). */
void cg_table_task(cg_table *ct, uint32_t vm, uint32_t pid, uint32_t cgroup, const char *name);
/* Drawing order and depths; call once after the last record. */
void cg_table_finish(cg_table *ct);
bool cg_table_from_trace(cg_table *ct, const struct trace *t, uint64_t now);

/* The Chrome Trace Event part for cgroups (trace_write_chrome calls it): per CGROUP_STAT record
 * on the current timeline a counter event ("ph":"C") named "cgroup PATH" on the VM's process, with
 * args memory_bytes, pids and nr_throttled, so Perfetto draws each cgroup's usage over time.
 * Events go out as trace_tasks_write_chrome's do; false on a write error or out of memory. */
bool trace_cgroups_write_chrome(const struct trace *t, uint64_t cycles_per_second, FILE *out, bool *first);

/* Text: per cgroup a tree line "PATH (cgroup ID) tasks: PID NAME, ..." then, as known, a
 * memory bar (current / max), a pids bar (current / max), and cpu.max with cpu.stat's
 * throttling and the throttle / OOM records counted. malloc'd, NULL if out of memory. */
char *cg_text(const cg_table *ct);
/* SVG 1.1: a box per cgroup indented by depth with memory and pids usage bars. */
char *cg_svg(const cg_table *ct, int width_px);

#endif
