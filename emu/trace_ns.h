/* The namespace tree rebuilt from the trace: NS_CREATE records give each namespace
 * its type, parent and creator; TASK_CREATE records say which namespaces each task lives in;
 * HOSTNAME and MOUNT records add a UTS namespace's hostname and a mount namespace's mount count.
 * As a view model it is plain data: the namespaces in drawing order (by VM, by type, then depth
 * first down each type's tree) with their depth and live tasks; ns_text draws it as `lsns` lists
 * namespaces with lxkns's tree, ns_svg as boxes, and any other renderer (TUI, SDL) reads the same
 * arrays. Nothing here reads guest memory, so a replay or a restored snapshot gives the same tree.
 *
 * Namespaces are keyed by (vm, type, id). A namespace a task names but no NS_CREATE announced (a
 * kernel's initial ones, or one created before the trace's oldest event) still appears, with
 * created_seen false and no parent. Only TASK_CREATE carries a task's namespaces, so user and net
 * namespaces list no tasks (their creator is shown). */
#ifndef VX86_TRACE_NS_H
#define VX86_TRACE_NS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/probe_abi.h"

struct trace;

typedef struct ns_member {
    uint32_t pid, ns_pid;                 /* ns_pid: the pid inside its PID namespace */
    char name[VX86_PROBE_NAME_LEN + 1];
} ns_member;

typedef struct ns_info {
    uint32_t vm, type, id;                /* type: enum vx86_probe_ns_type */
    uint32_t parent;                      /* the parent's id (same type), 0 = none */
    uint32_t creator_pid;
    bool created_seen;
    uint64_t created;                     /* cycle; valid with created_seen */
    int depth;                            /* in its type's tree, 0 for a root */
    char hostname[65];                    /* UTS: the last HOSTNAME record's name */
    uint32_t mounts;                      /* MNT: MOUNT records seen */
    ns_member *members;                   /* live tasks in it, by pid */
    size_t member_count, member_cap;
} ns_info;

typedef struct ns_table {
    ns_info *ns;                          /* in drawing order once ns_table_finish ran */
    size_t count, cap;
    bool failed, partial;                 /* out of memory; the trace dropped older events */
} ns_table;

void ns_table_init(ns_table *nt);
void ns_table_free(ns_table *nt);
/* The namespace (vm, type, id), added when absent (NULL if out of memory or id 0). */
ns_info *ns_table_get(ns_table *nt, uint32_t vm, uint32_t type, uint32_t id);
/* Fold one record (cycle order): NS_CREATE, HOSTNAME or MOUNT as raw payload bytes; other kinds
 * are ignored. */
void ns_table_record(ns_table *nt, uint64_t cycle, uint32_t vm, int trace_kind, const uint8_t *p, size_t len);
/* Add a live task to a namespace. */
void ns_table_add_member(ns_table *nt, uint32_t vm, uint32_t type, uint32_t id, uint32_t pid, uint32_t ns_pid,
                         const char *name);
/* Sort into drawing order and compute depths (a parent that is unknown or makes a cycle counts
 * as none). Call once, after the last record. */
void ns_table_finish(ns_table *nt);
/* The whole tree from a trace as of cycle now (0 = the newest event), live tasks from the task
 * table (emu/trace_tasks.h); false if out of memory. */
bool ns_table_from_trace(ns_table *nt, const struct trace *t, uint64_t now);

/* "pid", "mnt", "uts", "ipc", "user", "net" or "?"; ns_type_lookup gives the type or 0. */
const char *ns_type_name(uint32_t type);
uint32_t ns_type_lookup(const char *name);

/* Text: a heading per VM, then one line per namespace as lsns's columns (NS TYPE NPROCS PID
 * COMMAND: the lowest pid in it and its name) with the tree drawn in the NS column, then its
 * tasks "PID NAME (ns pid N)" and, for UTS and MNT, the hostname and mount count. malloc'd,
 * NULL if out of memory. */
char *ns_text(const ns_table *nt);
/* SVG 1.1: a box per namespace indented by depth, a line to its parent, its tasks inside;
 * width_px clamped to 320..4000. malloc'd, NULL if out of memory. */
char *ns_svg(const ns_table *nt, int width_px);

#endif
