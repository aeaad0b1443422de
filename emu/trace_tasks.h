/* The task table rebuilt from the trace: a fold over the guest's task
 * create/exit/switch records. Nothing here reads guest memory, so a replayed trace, a restored
 * snapshot and a live machine give the same table for the same events. Lua's m:tasks(), the
 * TUI's task pane, vx.show.gantt and the Chrome export all read it.
 *
 * Tasks are keyed by (vm, pid): records from inside a VM carry the VM id, so a guest kernel's
 * pid 1 and the host's pid 1 are two tasks. A task runs from the switch record that names it
 * next_pid to the one that names it prev_pid; those [start, end) cycle spans are what the
 * Gantt chart draws. */
#ifndef VX86_TRACE_TASKS_H
#define VX86_TRACE_TASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/probe_abi.h"

struct trace;

typedef struct task_span {
    uint64_t start, end;        /* cycles, [start, end) */
} task_span;

typedef struct task_info {
    uint32_t vm, pid;           /* the key */
    uint32_t ppid, ns_pid;
    uint32_t pid_ns, mnt_ns, uts_ns, ipc_ns, cgroup;
    char name[VX86_PROBE_NAME_LEN + 1];   /* "" when no create record was seen */
    bool created_seen;          /* a task_create record named it (else only switches did) */
    bool exited;                /* a task_exit record named it */
    bool on_cpu;                /* running now (the last switch in its VM picked it) */
    uint32_t state;             /* enum vx86_probe_task_state as last known */
    int32_t status;             /* exit status (task_exit) */
    uint64_t created, exited_at;    /* cycles; valid with created_seen / exited */
    uint64_t run_cycles;        /* total of its spans (the open one up to the table's end) */
    uint32_t slices;            /* times it was switched in */
    task_span *spans;
    size_t span_count, span_cap;
} task_info;

typedef struct task_table {
    task_info *tasks;           /* sorted by (vm, pid) */
    size_t count, cap;
    uint64_t first, last;       /* cycles of the first and last record folded in */
    bool any;                   /* at least one record folded in */
    bool failed;                /* out of memory: the table is incomplete */
    bool partial;               /* built from a trace that dropped its oldest events: tasks created
                                 * before them may be missing or nameless, run times short */
} task_table;

void task_table_init(task_table *tt);
void task_table_free(task_table *tt);

/* Fold one record in (records must come in cycle order). Payloads are the probe's little-endian
 * bytes; a short payload reads its missing trailing fields as zero. */
void task_table_create(task_table *tt, uint64_t cycle, uint32_t vm, const vx86_probe_task_create *c);
void task_table_exit(task_table *tt, uint64_t cycle, uint32_t vm, uint32_t pid, int32_t status);
void task_table_switch(task_table *tt, uint64_t cycle, uint32_t vm, uint32_t prev, uint32_t next,
                       uint32_t prev_state);
/* A trace event of kind TRACE_TASK_CREATE / TASK_EXIT / SWITCH as raw payload bytes; other kinds
 * are ignored. */
void task_table_record(task_table *tt, uint64_t cycle, uint32_t vm, int trace_kind, const uint8_t *payload,
                       size_t len);
/* End the open spans at `now` (the tasks stay on_cpu): call once, after the last record. */
void task_table_close(task_table *tt, uint64_t now);

/* Rebuild from a trace as of cycle `now` (0 = the last event's cycle), then close at now.
 * Only the events on the current timeline count: when a snapshot was restored into the same
 * machine, the events recorded after the snapshot in the abandoned run have cycles above the
 * ones recorded since, and are skipped (walking back from the newest event, an event counts
 * only if its cycle is not above every later counted one, nor above now).
 * The trace is not part of a snapshot: a machine built from a snapshot file starts with an empty
 * trace, so tasks created before the snapshot appear only once a switch names them (no name,
 * parent or creation time) and their run times start at the restore. */
bool task_table_from_trace(task_table *tt, const struct trace *t, uint64_t now);

/* The task (vm, pid), or NULL. */
const task_info *task_table_find(const task_table *tt, uint32_t vm, uint32_t pid);

/* "running", "runnable", "sleeping", "stopped", "zombie", "embryo", "unused" or "?". */
const char *task_state_name(uint32_t state);

/* The Chrome Trace Event part for tasks (trace_write_chrome calls it): per task a thread (tid =
 * pid) of the VM's process (pid = vm), named "PID NAME" and sorted by pid, and each running span
 * an "X" duration event named after the task, with its ids in args. cycles_per_second converts
 * cycles to microseconds. Events go out as ",\n{...}" ("\n{...}" while *first, then *first is
 * cleared); returns false on a write error or when out of memory. */
bool trace_tasks_write_chrome(const struct trace *t, uint64_t cycles_per_second, FILE *out, bool *first);

#endif
