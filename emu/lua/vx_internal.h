/* Shared between the files of emu/lua (not a public header: front ends use vxlua.h). */
#ifndef VX86_VX_INTERNAL_H
#define VX86_VX_INTERNAL_H

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emu/lua/vxlua.h"

struct machine_walk;

/* Adds vx.show and vx.export to the module table on top of the stack. */
void vxlua_open_show(lua_State *L);
/* Write the string on top of the stack to the file named at path_idx (a Lua error if it cannot). */
void vxlua_export_to(lua_State *L, int path_idx);
/* Adds m:tasks(), vx.gantt, vx.show.gantt and the Gantt side of vx.export.svg (vx_tasks.c) to the
 * module table on top of the stack; after vxlua_open_show. */
void vxlua_open_tasks(lua_State *L);
/* Adds m:namespaces(), m:cgroups(), m:vms(), vx.show.namespaces / cgroups / exits and their side
 * of vx.export.svg (vx_visible.c) to the module table on top of the stack; after vxlua_open_tasks. */
void vxlua_open_visible(lua_State *L);
/* Adds m:costs() and m:set_costs{} (vx_costs.c) to the machine's methods; after the machine
 * metatable exists. */
void vxlua_open_costs(lua_State *L);
/* The decoded payload fields of an ns_create, cgroup_*, mount, hostname, vm_create or vm_exit
 * event, into the table on top (vx_visible.c). */
struct trace_event;
void vxlua_set_visible_fields(lua_State *L, const struct trace_event *ev, const uint8_t *payload);
/* The decoded payload fields of a task_create / task_exit / switch event, into the table on top. */
struct trace_event;
void vxlua_set_task_fields(lua_State *L, const struct trace_event *ev, const uint8_t *payload);
/* Push the Lua view model of a page walk. */
void vxlua_push_walk(lua_State *L, uint32_t lin, bool write, const struct machine_walk *w);

/* The "vx.machine" userdata at idx, or NULL if it is something else (lab.c shows ctx.m). */
void *vxlua_to_vm(lua_State *L, int idx);
/* Getters for lab_ui_machine (lab_ui.h): the machine (NULL once closed) and its COM1 output. */
struct machine *vxlua_vm_machine(void *vm);
const char *vxlua_vm_serial(void *vm, size_t *len);

/* ---- the sandbox for student Lua (sandbox.c) ---- */
typedef struct vxsb_limits {
    uint64_t instructions;   /* VM instructions, counted by a hook */
    size_t memory;           /* bytes the allocator may hold (after a full collection) */
    unsigned cpu_s;          /* CPU seconds of the child (RLIMIT_CPU), C calls included */
    unsigned wall_ms;        /* backstop only: no progress for this long is "retry", not a grade */
} vxsb_limits;
#define VXSB_DEFAULT_LIMITS ((vxsb_limits){ 20000000u, 64u << 20, 10u, 120000u })

/* One evaluated answer. */
typedef struct vxsb_answer {
    char *id;
    int type;                /* LUA_TNIL, LUA_TBOOLEAN, LUA_TNUMBER, LUA_TSTRING */
    char *text;              /* the value as text (numbers: integer digits or %.17g) */
    char *error;             /* this answer's function failed: why (NULL if fine) */
} vxsb_answer;

typedef struct vxsb_result {
    int status;              /* 0 evaluated, 1 graded failure (limit/sandbox), 2 malformed,
                                3 not graded: retry (the wall-clock backstop fired) */
    char message[512];       /* for status 1 and 2 */
    vxsb_answer *answers;
    int count;
} vxsb_result;

/* Load a student's Lua answers chunk in a fresh sandboxed state in a child process (so that a
 * runaway C call can be killed), evaluate it to a table, call function values with a copy of the
 * table at params_index in L (plain data only) and collect the answers for the given ids. */
void vxsb_eval(lua_State *L, int params_index, const char *chunk, size_t len, const char *chunkname,
               const char *const *ids, int id_count, const vxsb_limits *lim, vxsb_result *out);
void vxsb_result_free(vxsb_result *r);

/* Open the whitelisted libraries into a fresh state, read-only, with text-only `load`. */
void vxsb_open_safe_libs(lua_State *S);

#endif
