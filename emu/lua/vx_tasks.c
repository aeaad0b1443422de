/* Tasks in Lua: m:tasks() rebuilt from the trace (emu/trace_tasks.h), the decoded
 * fields of task records in m:events{...}, and the Gantt chart: vx.gantt(x) builds its view
 * model (a plain table), vx.show.gantt(x, {format=, width=}) draws it as text or SVG, and
 * vx.export.svg(x[, path]) takes it too. x is any of: a list of events (m:events{...}), a list
 * of tasks (m:tasks()), or a Gantt model (vx.gantt's table, possibly edited). */
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/gantt.h"
#include "emu/machine.h"
#include "emu/trace.h"
#include "emu/trace_tasks.h"
#include "emu/lua/vx_internal.h"

static void set_int(lua_State *L, const char *k, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, k);
}

static void set_str(lua_State *L, const char *k, const char *v)
{
    lua_pushstring(L, v);
    lua_setfield(L, -2, k);
}

static uint32_t le32(const uint8_t *p, size_t len, size_t off)
{
    uint32_t v = 0;
    for (size_t k = 0; k < 4; k++)
        if (off + k < len)
            v |= (uint32_t)p[off + k] << (8 * k);
    return v;
}

/* A NUL-padded name field of a payload as a Lua string. */
static void set_name(lua_State *L, const char *k, const uint8_t *p, size_t len, size_t off, size_t size)
{
    size_t n = 0;
    while (n < size && off + n < len && p[off + n])
        n++;
    lua_pushlstring(L, n ? (const char *)p + off : "", n);
    lua_setfield(L, -2, k);
}

void vxlua_set_task_fields(lua_State *L, const trace_event *ev, const uint8_t *p)
{
    size_t len = ev->length;
    if (ev->kind == TRACE_TASK_CREATE) {
        static const struct { const char *name; size_t off; } F[] = {
            { "pid", offsetof(vx86_probe_task_create, pid) },
            { "parent_pid", offsetof(vx86_probe_task_create, parent_pid) },
            { "ns_pid", offsetof(vx86_probe_task_create, ns_pid) },
            { "pid_ns", offsetof(vx86_probe_task_create, pid_ns) },
            { "mnt_ns", offsetof(vx86_probe_task_create, mnt_ns) },
            { "uts_ns", offsetof(vx86_probe_task_create, uts_ns) },
            { "ipc_ns", offsetof(vx86_probe_task_create, ipc_ns) },
            { "cgroup", offsetof(vx86_probe_task_create, cgroup) },
            { "task_vm", offsetof(vx86_probe_task_create, vm) },   /* `vm` is the record's VM tag */
        };
        for (size_t k = 0; k < sizeof F / sizeof F[0]; k++)
            set_int(L, F[k].name, le32(p, len, F[k].off));
        set_name(L, "name", p, len, offsetof(vx86_probe_task_create, name), VX86_PROBE_NAME_LEN);
    } else if (ev->kind == TRACE_TASK_EXIT) {
        set_int(L, "pid", le32(p, len, offsetof(vx86_probe_task_exit, pid)));
        set_int(L, "status", (int32_t)le32(p, len, offsetof(vx86_probe_task_exit, status)));
    } else if (ev->kind == TRACE_SWITCH) {
        uint32_t state = le32(p, len, offsetof(vx86_probe_switch, prev_state));
        set_int(L, "prev_pid", le32(p, len, offsetof(vx86_probe_switch, prev_pid)));
        set_int(L, "next_pid", le32(p, len, offsetof(vx86_probe_switch, next_pid)));
        set_int(L, "prev_state", state);
        set_str(L, "prev_state_name", task_state_name(state));
    }
}

/* ---- m:tasks() ---- */

static void push_spans(lua_State *L, const task_span *s, size_t n)
{
    lua_createtable(L, (int)n, 0);
    for (size_t k = 0; k < n; k++) {
        lua_createtable(L, 0, 2);
        set_int(L, "start", (lua_Integer)s[k].start);
        set_int(L, "stop", (lua_Integer)s[k].end);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
}

static void push_task(lua_State *L, const task_info *t)
{
    lua_createtable(L, 0, 24);
    set_int(L, "pid", t->pid);
    set_int(L, "ppid", t->ppid);
    set_int(L, "ns_pid", t->ns_pid);
    set_str(L, "name", t->name);
    set_int(L, "vm", t->vm);
    set_int(L, "cgroup", t->cgroup);
    set_int(L, "pid_ns", t->pid_ns);
    set_int(L, "mnt_ns", t->mnt_ns);
    set_int(L, "uts_ns", t->uts_ns);
    set_int(L, "ipc_ns", t->ipc_ns);
    lua_createtable(L, 0, 4);
    set_int(L, "pid", t->pid_ns);
    set_int(L, "mnt", t->mnt_ns);
    set_int(L, "uts", t->uts_ns);
    set_int(L, "ipc", t->ipc_ns);
    lua_setfield(L, -2, "namespaces");
    set_str(L, "state", task_state_name(t->state));
    set_int(L, "state_code", t->state);
    if (t->created_seen)
        set_int(L, "created", (lua_Integer)t->created);
    if (t->exited) {
        set_int(L, "exited", (lua_Integer)t->exited_at);
        set_int(L, "status", t->status);
    }
    set_int(L, "run_cycles", (lua_Integer)t->run_cycles);
    set_int(L, "slices", t->slices);
    push_spans(L, t->spans, t->span_count);
    lua_setfield(L, -2, "spans");
}

/* m:tasks() -> list of tasks, sorted by (vm, pid), as of the machine's current cycle. */
static int m_tasks(lua_State *L)
{
    void *vm = vxlua_to_vm(L, 1);
    machine *m = vm ? vxlua_vm_machine(vm) : NULL;
    if (!vm) return luaL_argerror(L, 1, "vx.machine expected");
    if (!m) return luaL_error(L, "vx.machine: the machine is closed");
    task_table tt;
    task_table_init(&tt);
    const trace *t = machine_trace(m);
    bool ok = !t || task_table_from_trace(&tt, t, machine_cycles(m));
    if (!ok) {
        task_table_free(&tt);
        return luaL_error(L, "vx.machine:tasks: out of memory");
    }
    lua_createtable(L, (int)tt.count, 1);
    for (size_t i = 0; i < tt.count; i++) {
        push_task(L, &tt.tasks[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    if (tt.partial) {   /* the trace ring dropped its oldest events: say so rather than guess */
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "partial");
    }
    task_table_free(&tt);
    return 1;
}

/* ---- the Gantt model between C and Lua ---- */

static bool get_u64(lua_State *L, int idx, const char *k, uint64_t *out)
{
    lua_getfield(L, idx, k);
    bool ok = lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 0;
    if (ok)
        *out = (uint64_t)lua_tointeger(L, -1);
    lua_pop(L, 1);
    return ok;
}

static uint32_t get_u32(lua_State *L, int idx, const char *k)
{
    uint64_t v = 0;
    get_u64(L, idx, k, &v);
    return (uint32_t)v;
}

/* The string field k of the table at idx copied into buf, or NULL when it is not a string. */
static const char *get_string(lua_State *L, int idx, const char *k, char *buf, size_t cap)
{
    lua_getfield(L, idx, k);
    const char *s = lua_isstring(L, -1) ? lua_tostring(L, -1) : NULL;
    if (s)
        snprintf(buf, cap, "%s", s);
    lua_pop(L, 1);
    return s ? buf : NULL;
}

/* What kind of thing the table at idx is: 'g' a Gantt model, 'e' a list of events, 't' a list of
 * tasks, 0 neither. An empty list is a list of events. */
static int shape_of(lua_State *L, int idx)
{
    if (!lua_istable(L, idx))
        return 0;
    char kind[16];
    if (get_string(L, idx, "kind", kind, sizeof kind) && strcmp(kind, "gantt") == 0)
        return 'g';
    if (lua_geti(L, idx, 1) == LUA_TNIL) {
        /* No first element: an empty list ({} or m:events' list with only `now`) draws an empty
         * chart; a table with other fields (a page walk) is something else. */
        lua_pop(L, 1);
        lua_getfield(L, idx, "now");
        lua_pushnil(L);
        bool empty = lua_next(L, idx) == 0;
        if (!empty)
            lua_pop(L, 2);
        bool events = empty || lua_isinteger(L, -1);
        lua_pop(L, 1);
        return events ? 'e' : 0;
    }
    int shape = 0;
    if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "kind");
        lua_getfield(L, -2, "spans");
        shape = lua_isstring(L, -2) ? 'e' : lua_istable(L, -1) ? 't' : 0;
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
    return shape;
}

/* Fill g from the Lua value at idx (any shape) with the range in opts (at opts_idx, 0 = none).
 * Returns an error message or NULL. */
static const char *gantt_from_lua(lua_State *L, int idx, int opts_idx, gantt *g)
{
    idx = lua_absindex(L, idx);
    gantt_init(g, 0, 0);   /* so that the caller can free it whatever happens */
    int shape = shape_of(L, idx);
    uint64_t start = 0, stop = 0;
    bool has_start = opts_idx && get_u64(L, opts_idx, "start", &start);
    bool has_stop = opts_idx && get_u64(L, opts_idx, "stop", &stop);
    lua_Integer n = shape ? (lua_Integer)lua_rawlen(L, idx) : 0;
    char name[64];
    if (shape == 'e') {
        task_table tt;
        task_table_init(&tt);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_geti(L, idx, i);
            int e = lua_gettop(L);
            char kind[32] = "";
            uint64_t cycle = 0;
            if (!lua_istable(L, e) || !get_string(L, e, "kind", kind, sizeof kind) || !get_u64(L, e, "cycle", &cycle)) {
                task_table_free(&tt);
                return "an event without kind and cycle";
            }
            uint32_t vm = get_u32(L, e, "vm");
            if (strcmp(kind, "task_create") == 0) {
                vx86_probe_task_create c;
                memset(&c, 0, sizeof c);
                c.pid = get_u32(L, e, "pid");
                c.parent_pid = get_u32(L, e, "parent_pid");
                c.ns_pid = get_u32(L, e, "ns_pid");
                c.pid_ns = get_u32(L, e, "pid_ns");
                c.mnt_ns = get_u32(L, e, "mnt_ns");
                c.uts_ns = get_u32(L, e, "uts_ns");
                c.ipc_ns = get_u32(L, e, "ipc_ns");
                c.cgroup = get_u32(L, e, "cgroup");
                c.vm = get_u32(L, e, "task_vm");
                if (get_string(L, e, "name", name, sizeof name))
                    memcpy(c.name, name, strnlen(name, VX86_PROBE_NAME_LEN));
                task_table_create(&tt, cycle, vm, &c);
            } else if (strcmp(kind, "task_exit") == 0) {
                task_table_exit(&tt, cycle, vm, get_u32(L, e, "pid"), (int32_t)get_u32(L, e, "status"));
            } else if (strcmp(kind, "switch") == 0) {
                task_table_switch(&tt, cycle, vm, get_u32(L, e, "prev_pid"), get_u32(L, e, "next_pid"),
                                  get_u32(L, e, "prev_state"));
            }
            if (!has_start && i == 1)
                start = cycle;
            if (!has_stop && cycle > stop)
                stop = cycle;
            lua_settop(L, e - 1);
        }
        /* A list from m:events carries the cycle it was taken at: the running task ran until then. */
        uint64_t now;
        if (!has_stop && get_u64(L, idx, "now", &now) && now > stop)
            stop = now;
        task_table_close(&tt, stop);
        gantt_free(g);
        gantt_init(g, start, stop);
        for (size_t i = 0; i < tt.count; i++) {
            const task_info *t = &tt.tasks[i];
            gantt_row *r = gantt_add_row(g, t->vm, t->pid, t->name);
            for (size_t k = 0; r && k < t->span_count; k++)
                gantt_add_span(g, r, t->spans[k].start, t->spans[k].end);
        }
        task_table_free(&tt);
        return g->failed ? "out of memory" : NULL;
    }
    if (shape != 't' && shape != 'g')
        return "expected a list of events (m:events), a list of tasks (m:tasks) or a Gantt model (vx.gantt)";
    int list = idx;
    if (shape == 'g') {
        if (!has_start) has_start = get_u64(L, idx, "start", &start);
        if (!has_stop) has_stop = get_u64(L, idx, "stop", &stop);
        lua_getfield(L, idx, "tasks");
        if (!lua_istable(L, -1))
            return "a Gantt model without its tasks list";
        list = lua_gettop(L);
        n = (lua_Integer)lua_rawlen(L, list);
    }
    /* The range from the spans when not given. */
    if (!has_start || !has_stop) {
        bool any = false;
        uint64_t lo = 0, hi = 0;
        for (lua_Integer i = 1; i <= n; i++) {
            lua_geti(L, list, i);
            if (lua_istable(L, -1) && lua_getfield(L, -1, "spans") == LUA_TTABLE) {
                for (lua_Integer k = 1; k <= (lua_Integer)lua_rawlen(L, -1); k++) {
                    lua_geti(L, -1, k);
                    uint64_t s, e;
                    if (lua_istable(L, -1) && get_u64(L, -1, "start", &s) && get_u64(L, -1, "stop", &e)) {
                        lo = any && lo < s ? lo : s;
                        hi = any && hi > e ? hi : e;
                        any = true;
                    }
                    lua_pop(L, 1);
                }
            }
            lua_pop(L, 2);
        }
        if (!has_start) start = lo;
        if (!has_stop) stop = hi;
    }
    gantt_free(g);
    gantt_init(g, start, stop);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, list, i);
        int row = lua_gettop(L);
        if (!lua_istable(L, row))
            return "a task that is not a table";
        char label[GANTT_LABEL_BYTES];
        gantt_row *r = gantt_add_row(g, get_u32(L, row, "vm"), get_u32(L, row, "pid"),
                                     get_string(L, row, "name", name, sizeof name));
        if (r && get_string(L, row, "label", label, sizeof label))
            memcpy(r->label, label, sizeof label);
        if (lua_getfield(L, row, "spans") == LUA_TTABLE) {
            for (lua_Integer k = 1; k <= (lua_Integer)lua_rawlen(L, -1); k++) {
                lua_geti(L, -1, k);
                uint64_t s, e;
                if (!lua_istable(L, -1) || !get_u64(L, -1, "start", &s) || !get_u64(L, -1, "stop", &e))
                    return "a span without integer start and stop";
                gantt_add_span(g, r, s, e);
                lua_pop(L, 1);
            }
        }
        lua_settop(L, row - 1);
    }
    return g->failed ? "out of memory" : NULL;
}

static void push_gantt(lua_State *L, const gantt *g)
{
    lua_createtable(L, 0, 4);
    set_str(L, "kind", "gantt");
    set_int(L, "start", (lua_Integer)g->start);
    set_int(L, "stop", (lua_Integer)g->end);
    lua_createtable(L, (int)g->count, 0);
    for (size_t i = 0; i < g->count; i++) {
        const gantt_row *r = &g->rows[i];
        lua_createtable(L, 0, 6);
        set_int(L, "pid", r->pid);
        set_int(L, "vm", r->vm);
        set_str(L, "label", r->label);
        set_int(L, "total", (lua_Integer)r->total);
        push_spans(L, r->spans, r->count);
        lua_setfield(L, -2, "spans");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "tasks");
}

/* Build the gantt of argument 1 with options at argument 2 or raise a Lua error naming fn. */
static void check_gantt(lua_State *L, const char *fn, gantt *g)
{
    int opts = lua_istable(L, 2) ? 2 : 0;
    const char *err = gantt_from_lua(L, 1, opts, g);
    if (err) {
        gantt_free(g);
        luaL_error(L, "%s: %s", fn, err);
    }
}

/* vx.gantt(x[, {start=, stop=}]) -> the model */
static int l_gantt(lua_State *L)
{
    gantt g;
    check_gantt(L, "vx.gantt", &g);
    push_gantt(L, &g);
    gantt_free(&g);
    return 1;
}

static int opt_int(lua_State *L, const char *k, int dflt)
{
    if (!lua_istable(L, 2))
        return dflt;
    lua_getfield(L, 2, k);
    int v = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : dflt;
    lua_pop(L, 1);
    return v;
}

/* vx.show.gantt(x[, {format="text"|"svg", width=N, start=, stop=}]) -> text */
static int l_show_gantt(lua_State *L)
{
    const char *format = "text";
    if (lua_istable(L, 2)) {
        lua_getfield(L, 2, "format");
        if (lua_isstring(L, -1))
            format = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    bool svg = strcmp(format, "svg") == 0;
    if (!svg && strcmp(format, "text") != 0)
        return luaL_error(L, "vx.show.gantt: format '%s' is not \"text\" or \"svg\"", format);
    gantt g;
    check_gantt(L, "vx.show.gantt", &g);
    char *out = svg ? gantt_svg(&g, opt_int(L, "width", 800)) : gantt_text(&g, opt_int(L, "width", 64));
    gantt_free(&g);
    if (!out)
        return luaL_error(L, "vx.show.gantt: out of memory");
    lua_pushstring(L, out);
    free(out);
    return 1;
}

/* vx.export.svg(x[, path]): a Gantt (any of its shapes) here, anything else to the walk picture. */
static int l_export_svg(lua_State *L)
{
    int shape = shape_of(L, 1);
    bool has_path = lua_isstring(L, 2);
    if (!shape) {
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_insert(L, 1);
        lua_call(L, lua_gettop(L) - 1, 1);
        return 1;
    }
    gantt g;
    const char *err = gantt_from_lua(L, 1, 0, &g);
    if (err) {
        gantt_free(&g);
        return luaL_error(L, "vx.export.svg: %s", err);
    }
    char *svg = gantt_svg(&g, 800);
    gantt_free(&g);
    if (!svg)
        return luaL_error(L, "vx.export.svg: out of memory");
    lua_settop(L, 2);
    lua_pushstring(L, svg);
    free(svg);
    if (has_path)
        vxlua_export_to(L, 2);
    return 1;
}

void vxlua_open_tasks(lua_State *L)
{
    int vx = lua_gettop(L);
    /* m:tasks() joins the machine's methods. */
    luaL_getmetatable(L, "vx.machine");
    lua_getfield(L, -1, "__index");
    lua_pushcfunction(L, m_tasks);
    lua_setfield(L, -2, "tasks");
    lua_pop(L, 2);
    lua_pushcfunction(L, l_gantt);
    lua_setfield(L, vx, "gantt");
    lua_getfield(L, vx, "show");
    lua_pushcfunction(L, l_show_gantt);
    lua_setfield(L, -2, "gantt");
    lua_pop(L, 1);
    lua_getfield(L, vx, "export");
    lua_getfield(L, -1, "svg");
    lua_pushcclosure(L, l_export_svg, 1);
    lua_setfield(L, -2, "svg");
    lua_pop(L, 1);
}
