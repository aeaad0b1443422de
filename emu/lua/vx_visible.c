/* Namespaces, cgroups and VMs in Lua: m:namespaces(), m:cgroups() and m:vms() rebuilt
 * from the trace (emu/trace_ns.h, trace_cgroups.h, trace_vms.h), each a plain table with
 * kind = "namespaces" / "cgroups" / "vms" that is also the picture's view model:
 * vx.show.namespaces(x[, {format="text"|"svg", width=N}]), vx.show.cgroups(x[, ...]) and
 * vx.show.exits(x[, ...]) draw it, where x is a machine or such a table (possibly edited), and
 * vx.export.svg(x[, path]) takes the tables too. */
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/svm.h"
#include "emu/machine.h"
#include "emu/trace.h"
#include "emu/trace_cgroups.h"
#include "emu/trace_ns.h"
#include "emu/trace_vms.h"
#include "emu/vis_text.h"
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

static void set_bool(lua_State *L, const char *k, bool v)
{
    lua_pushboolean(L, v);
    lua_setfield(L, -2, k);
}

/* Non-negative integer field k of the table at idx; false (and *out untouched) when absent. */
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

static void get_str(lua_State *L, int idx, const char *k, char *buf, size_t cap)
{
    lua_getfield(L, idx, k);
    const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
    snprintf(buf, cap, "%s", s);
    lua_pop(L, 1);
}

static void push_members(lua_State *L, const ns_member *m, size_t n, bool ns_pid)
{
    lua_createtable(L, (int)n, 0);
    for (size_t k = 0; k < n; k++) {
        lua_createtable(L, 0, 3);
        set_int(L, "pid", m[k].pid);
        if (ns_pid)
            set_int(L, "ns_pid", m[k].ns_pid);
        set_str(L, "name", m[k].name);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "tasks");
}

/* The machine at idx and its trace, or a Lua error naming fn. */
static machine *check_machine(lua_State *L, int idx, const char *fn)
{
    void *vm = vxlua_to_vm(L, idx);
    if (!vm) {
        luaL_error(L, "%s: a vx.machine expected", fn);
        return NULL;
    }
    machine *m = vxlua_vm_machine(vm);
    if (!m)
        luaL_error(L, "%s: the machine is closed", fn);
    return m;
}

/* ---- namespaces ---- */

static void push_ns(lua_State *L, const ns_table *nt)
{
    lua_createtable(L, (int)nt->count, 2);
    set_str(L, "kind", "namespaces");
    if (nt->partial)
        set_bool(L, "partial", true);
    for (size_t i = 0; i < nt->count; i++) {
        const ns_info *n = &nt->ns[i];
        lua_createtable(L, 0, 12);
        set_int(L, "vm", n->vm);
        set_str(L, "type", ns_type_name(n->type));
        set_int(L, "id", n->id);
        set_int(L, "parent", n->parent);
        set_int(L, "depth", n->depth);
        if (n->created_seen) {
            set_int(L, "created", (lua_Integer)n->created);
            set_int(L, "creator_pid", n->creator_pid);
        }
        if (n->type == VX86_PROBE_NS_UTS)
            set_str(L, "hostname", n->hostname);
        if (n->type == VX86_PROBE_NS_MNT)
            set_int(L, "mounts", n->mounts);
        push_members(L, n->members, n->member_count, true);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

static int m_namespaces(lua_State *L)
{
    machine *m = check_machine(L, 1, "vx.machine:namespaces");
    ns_table nt;
    ns_table_init(&nt);
    if (!ns_table_from_trace(&nt, machine_trace(m), machine_cycles(m))) {
        ns_table_free(&nt);
        return luaL_error(L, "vx.machine:namespaces: out of memory");
    }
    push_ns(L, &nt);
    ns_table_free(&nt);
    return 1;
}

/* The tasks list of the element at idx into a member array via add(). */
static const char *read_members(lua_State *L, int idx, void (*add)(void *, uint32_t, uint32_t, const char *), void *ctx)
{
    if (lua_getfield(L, idx, "tasks") != LUA_TTABLE) {
        lua_pop(L, 1);
        return NULL;
    }
    int list = lua_gettop(L);
    for (lua_Integer k = 1; k <= (lua_Integer)lua_rawlen(L, list); k++) {
        lua_geti(L, list, k);
        if (!lua_istable(L, -1)) {
            lua_settop(L, list - 1);
            return "a task that is not a table";
        }
        char name[VX86_PROBE_NAME_LEN + 1];
        get_str(L, -1, "name", name, sizeof name);
        uint32_t pid = get_u32(L, -1, "pid");
        uint64_t ns_pid = pid;
        get_u64(L, -1, "ns_pid", &ns_pid);
        add(ctx, pid, (uint32_t)ns_pid, name);
        lua_pop(L, 1);
    }
    lua_settop(L, list - 1);
    return NULL;
}

struct ns_add { ns_table *nt; uint32_t vm, type, id; };
static void ns_add_member(void *ctx, uint32_t pid, uint32_t ns_pid, const char *name)
{
    struct ns_add *a = ctx;
    ns_table_add_member(a->nt, a->vm, a->type, a->id, pid, ns_pid, name);
}

/* The model from the value at idx (a machine or a m:namespaces() table); error message or NULL. */
static const char *ns_from_lua(lua_State *L, int idx, ns_table *nt)
{
    ns_table_init(nt);
    if (vxlua_to_vm(L, idx)) {
        machine *m = check_machine(L, idx, "vx.show.namespaces");
        return ns_table_from_trace(nt, machine_trace(m), machine_cycles(m)) ? NULL : "out of memory";
    }
    char kind[32];
    if (!lua_istable(L, idx) || (get_str(L, idx, "kind", kind, sizeof kind), strcmp(kind, "namespaces") != 0))
        return "expected a machine or a namespace list (m:namespaces())";
    nt->partial = lua_getfield(L, idx, "partial") == LUA_TBOOLEAN && lua_toboolean(L, -1);
    lua_pop(L, 1);
    for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, idx); i++) {
        lua_geti(L, idx, i);
        int e = lua_gettop(L);
        if (!lua_istable(L, e))
            return "a namespace that is not a table";
        char type[16];
        get_str(L, e, "type", type, sizeof type);
        uint32_t t = ns_type_lookup(type), id = get_u32(L, e, "id"), vm = get_u32(L, e, "vm");
        if (!t || !id)
            return "a namespace without a known type (pid, mnt, uts, ipc, user, net) and a non-zero id";
        ns_info *n = ns_table_get(nt, vm, t, id);
        if (!n)
            return "out of memory";
        n->parent = get_u32(L, e, "parent");
        n->created_seen = get_u64(L, e, "created", &n->created);
        n->creator_pid = get_u32(L, e, "creator_pid");
        n->mounts = get_u32(L, e, "mounts");
        get_str(L, e, "hostname", n->hostname, sizeof n->hostname);
        struct ns_add a = { nt, vm, t, id };
        const char *err = read_members(L, e, ns_add_member, &a);
        if (err)
            return err;
        lua_settop(L, e - 1);
    }
    ns_table_finish(nt);
    return nt->failed ? "out of memory" : NULL;
}

/* ---- cgroups ---- */

static void set_limit(lua_State *L, const char *k, uint32_t v)
{
    if (v != VX86_PROBE_CGROUP_MAX)
        set_int(L, k, v);   /* absent = "max" */
}

static void push_cg(lua_State *L, const cg_table *ct)
{
    lua_createtable(L, (int)ct->count, 2);
    set_str(L, "kind", "cgroups");
    if (ct->partial)
        set_bool(L, "partial", true);
    for (size_t i = 0; i < ct->count; i++) {
        const cg_info *c = &ct->cg[i];
        lua_createtable(L, 0, 12);
        set_int(L, "vm", c->vm);
        set_int(L, "id", c->id);
        set_str(L, "path", c->path);
        set_int(L, "depth", c->depth);
        push_members(L, c->members, c->member_count, false);
        set_int(L, "throttles", c->throttles);
        if (c->throttles) {
            set_int(L, "throttle_quota_us", (lua_Integer)c->quota_us);
            set_int(L, "throttle_period_us", (lua_Integer)c->period_us);
        }
        set_int(L, "ooms", c->ooms);
        if (c->ooms) {
            lua_createtable(L, 0, 3);
            set_int(L, "pid", c->oom_pid);
            set_int(L, "usage", c->oom_usage);
            set_int(L, "max", c->oom_max);
            lua_setfield(L, -2, "last_oom");
        }
        if (c->has_stat) {
            const vx86_probe_cgroup_stat *s = &c->stat;
            set_int(L, "stat_cycle", (lua_Integer)c->stat_cycle);
            lua_createtable(L, 0, 3);
            set_int(L, "current", s->memory_current);
            set_limit(L, "max", s->memory_max);
            set_int(L, "oom_kill", s->oom_kills);
            lua_setfield(L, -2, "memory");
            lua_createtable(L, 0, 3);
            set_int(L, "current", s->pids_current);
            set_limit(L, "max", s->pids_max);
            set_int(L, "events_max", s->pids_events_max);
            lua_setfield(L, -2, "pids");
            lua_createtable(L, 0, 7);
            set_int(L, "weight", s->cpu_weight);
            set_int(L, "usage_us", (lua_Integer)s->cpu_usage_us);
            set_limit(L, "quota_us", s->cpu_quota_us);
            set_int(L, "period_us", s->cpu_period_us);
            set_int(L, "nr_periods", s->nr_periods);
            set_int(L, "nr_throttled", s->nr_throttled);
            set_int(L, "throttled_us", (lua_Integer)s->throttled_us);
            lua_setfield(L, -2, "cpu");
        }
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

static int m_cgroups(lua_State *L)
{
    machine *m = check_machine(L, 1, "vx.machine:cgroups");
    cg_table ct;
    cg_table_init(&ct);
    if (!cg_table_from_trace(&ct, machine_trace(m), machine_cycles(m))) {
        cg_table_free(&ct);
        return luaL_error(L, "vx.machine:cgroups: out of memory");
    }
    push_cg(L, &ct);
    cg_table_free(&ct);
    return 1;
}

struct cg_add { cg_table *ct; uint32_t vm, id; };
static void cg_add_member(void *ctx, uint32_t pid, uint32_t ns_pid, const char *name)
{
    (void)ns_pid;
    struct cg_add *a = ctx;
    cg_table_task(a->ct, a->vm, pid, a->id, name);
}

/* A limit field of the sub-table at idx: absent = "max". */
static uint32_t get_limit(lua_State *L, int idx, const char *k)
{
    uint64_t v;
    return get_u64(L, idx, k, &v) ? (uint32_t)v : VX86_PROBE_CGROUP_MAX;
}

static const char *cg_from_lua(lua_State *L, int idx, cg_table *ct)
{
    cg_table_init(ct);
    if (vxlua_to_vm(L, idx)) {
        machine *m = check_machine(L, idx, "vx.show.cgroups");
        return cg_table_from_trace(ct, machine_trace(m), machine_cycles(m)) ? NULL : "out of memory";
    }
    char kind[32];
    if (!lua_istable(L, idx) || (get_str(L, idx, "kind", kind, sizeof kind), strcmp(kind, "cgroups") != 0))
        return "expected a machine or a cgroup list (m:cgroups())";
    ct->partial = lua_getfield(L, idx, "partial") == LUA_TBOOLEAN && lua_toboolean(L, -1);
    lua_pop(L, 1);
    for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, idx); i++) {
        lua_geti(L, idx, i);
        int e = lua_gettop(L);
        if (!lua_istable(L, e))
            return "a cgroup that is not a table";
        uint32_t vm = get_u32(L, e, "vm"), id = get_u32(L, e, "id");
        cg_info *c = cg_table_get(ct, vm, id);
        if (!c)
            return "out of memory";
        get_str(L, e, "path", c->path, sizeof c->path);
        c->throttles = get_u32(L, e, "throttles");
        get_u64(L, e, "throttle_quota_us", &c->quota_us);
        get_u64(L, e, "throttle_period_us", &c->period_us);
        c->ooms = get_u32(L, e, "ooms");
        if (lua_getfield(L, e, "last_oom") == LUA_TTABLE) {
            c->oom_pid = get_u32(L, -1, "pid");
            c->oom_usage = get_u32(L, -1, "usage");
            c->oom_max = get_u32(L, -1, "max");
        }
        lua_pop(L, 1);
        vx86_probe_cgroup_stat *s = &c->stat;
        s->cgroup = id;
        if (lua_getfield(L, e, "memory") == LUA_TTABLE) {
            c->has_stat = true;
            s->memory_current = get_u32(L, -1, "current");
            s->memory_max = get_limit(L, -1, "max");
            s->oom_kills = get_u32(L, -1, "oom_kill");
        }
        lua_pop(L, 1);
        if (lua_getfield(L, e, "pids") == LUA_TTABLE) {
            c->has_stat = true;
            s->pids_current = get_u32(L, -1, "current");
            s->pids_max = get_limit(L, -1, "max");
            s->pids_events_max = get_u32(L, -1, "events_max");
        }
        lua_pop(L, 1);
        if (lua_getfield(L, e, "cpu") == LUA_TTABLE) {
            c->has_stat = true;
            s->cpu_weight = get_u32(L, -1, "weight");
            get_u64(L, -1, "usage_us", &s->cpu_usage_us);
            s->cpu_quota_us = get_limit(L, -1, "quota_us");
            s->cpu_period_us = get_u32(L, -1, "period_us");
            s->nr_periods = get_u32(L, -1, "nr_periods");
            s->nr_throttled = get_u32(L, -1, "nr_throttled");
            get_u64(L, -1, "throttled_us", &s->throttled_us);
        }
        lua_pop(L, 1);
        if (c->has_stat) {   /* a table without one of the three reads as "max", none used */
            lua_getfield(L, e, "memory");
            if (lua_isnil(L, -1)) s->memory_max = VX86_PROBE_CGROUP_MAX;
            lua_getfield(L, e, "pids");
            if (lua_isnil(L, -1)) s->pids_max = VX86_PROBE_CGROUP_MAX;
            lua_getfield(L, e, "cpu");
            if (lua_isnil(L, -1)) s->cpu_quota_us = VX86_PROBE_CGROUP_MAX;
            lua_pop(L, 3);
        }
        struct cg_add a = { ct, vm, id };
        const char *err = read_members(L, e, cg_add_member, &a);
        if (err)
            return err;
        lua_settop(L, e - 1);
    }
    cg_table_finish(ct);
    return ct->failed ? "out of memory" : NULL;
}

/* ---- VMs ---- */

static void push_vms(lua_State *L, const vm_table *vt)
{
    lua_createtable(L, (int)vt->count, 2);
    set_str(L, "kind", "vms");
    if (vt->partial)
        set_bool(L, "partial", true);
    for (size_t i = 0; i < vt->count; i++) {
        const vm_info *v = &vt->vms[i];
        lua_createtable(L, 0, 16);
        set_int(L, "vm", v->vm);
        set_int(L, "asid", v->asid);
        set_str(L, "name", v->name);
        if (v->created_seen) {
            set_int(L, "pid", v->pid);
            set_int(L, "memory_kib", v->memory_kib);
            set_int(L, "created", (lua_Integer)v->created);
        }
        set_str(L, "state", v->exited ? "exited" : "running");
        if (v->exited) {
            set_int(L, "exited", (lua_Integer)v->exited_at);
            set_int(L, "status", v->status);
        }
        set_int(L, "runs", v->runs);
        set_int(L, "exits", v->exits);
        set_int(L, "guest_cycles", (lua_Integer)v->guest_cycles);
        set_int(L, "handle_cycles", (lua_Integer)v->handle_cycles);
        lua_createtable(L, (int)v->code_count, 0);
        lua_createtable(L, 0, (int)v->code_count);   /* by_name: exit name -> count */
        for (size_t k = 0; k < v->code_count; k++) {
            const vm_exit_stat *s = &v->codes[k];
            lua_createtable(L, 0, 6);
            set_int(L, "code", (lua_Integer)s->code);
            set_str(L, "name", svm_exit_name(s->code));
            set_int(L, "count", s->count);
            set_int(L, "handled", s->handled);
            set_int(L, "handle_cycles", (lua_Integer)s->handle_cycles);
            set_int(L, "guest_cycles", (lua_Integer)s->guest_cycles);
            lua_rawseti(L, -3, (lua_Integer)k + 1);
            set_int(L, svm_exit_name(s->code), s->count);
        }
        lua_setfield(L, -3, "by_name");
        lua_setfield(L, -2, "codes");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

static int m_vms(lua_State *L)
{
    machine *m = check_machine(L, 1, "vx.machine:vms");
    vm_table vt;
    vm_table_init(&vt);
    if (!vm_table_from_trace(&vt, machine_trace(m), machine_cycles(m))) {
        vm_table_free(&vt);
        return luaL_error(L, "vx.machine:vms: out of memory");
    }
    push_vms(L, &vt);
    vm_table_free(&vt);
    return 1;
}

static const char *vms_from_lua(lua_State *L, int idx, vm_table *vt)
{
    vm_table_init(vt);
    if (vxlua_to_vm(L, idx)) {
        machine *m = check_machine(L, idx, "vx.show.exits");
        return vm_table_from_trace(vt, machine_trace(m), machine_cycles(m)) ? NULL : "out of memory";
    }
    char kind[32];
    if (!lua_istable(L, idx) || (get_str(L, idx, "kind", kind, sizeof kind), strcmp(kind, "vms") != 0))
        return "expected a machine or a VM list (m:vms())";
    vt->partial = lua_getfield(L, idx, "partial") == LUA_TBOOLEAN && lua_toboolean(L, -1);
    lua_pop(L, 1);
    for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, idx); i++) {
        lua_geti(L, idx, i);
        int e = lua_gettop(L);
        if (!lua_istable(L, e))
            return "a VM that is not a table";
        if (vt->count == vt->cap) {
            size_t cap = vt->cap ? vt->cap * 2 : 8;
            vm_info *bigger = realloc(vt->vms, cap * sizeof *bigger);
            if (!bigger)
                return "out of memory";
            vt->vms = bigger;
            vt->cap = cap;
        }
        vm_info *v = &vt->vms[vt->count++];
        memset(v, 0, sizeof *v);
        v->vm = get_u32(L, e, "vm");
        v->asid = get_u32(L, e, "asid");
        get_str(L, e, "name", v->name, sizeof v->name);
        v->created_seen = get_u64(L, e, "created", &v->created);
        v->pid = get_u32(L, e, "pid");
        v->memory_kib = get_u32(L, e, "memory_kib");
        v->exited = get_u64(L, e, "exited", &v->exited_at);
        lua_getfield(L, e, "status");
        v->status = (int32_t)lua_tointeger(L, -1);
        lua_pop(L, 1);
        v->runs = get_u32(L, e, "runs");
        if (lua_getfield(L, e, "codes") == LUA_TTABLE) {
            int list = lua_gettop(L);
            size_t n = lua_rawlen(L, list);
            v->codes = calloc(n ? n : 1, sizeof *v->codes);
            if (!v->codes)
                return "out of memory";
            v->code_cap = n;
            for (size_t k = 0; k < n; k++) {
                lua_geti(L, list, (lua_Integer)k + 1);
                uint64_t code;
                if (!lua_istable(L, -1) || !get_u64(L, -1, "code", &code))
                    return "an exit code entry without an integer code";
                vm_exit_stat *s = &v->codes[v->code_count++];
                s->code = code;
                s->count = get_u32(L, -1, "count");
                s->handled = get_u32(L, -1, "handled");
                get_u64(L, -1, "handle_cycles", &s->handle_cycles);
                get_u64(L, -1, "guest_cycles", &s->guest_cycles);
                v->exits += s->count;
                v->handle_cycles += s->handle_cycles;
                v->guest_cycles += s->guest_cycles;
                lua_pop(L, 1);
            }
        }
        lua_settop(L, e - 1);
    }
    vm_table_finish(vt);
    return NULL;
}

/* ---- decoded records in m:events ---- */

static void set_payload_str(lua_State *L, const char *k, const uint8_t *p, size_t len, size_t off, size_t size)
{
    size_t n = 0;
    while (n < size && off + n < len && p[off + n])
        n++;
    lua_pushlstring(L, n ? (const char *)p + off : "", n);
    lua_setfield(L, -2, k);
}

void vxlua_set_visible_fields(lua_State *L, const trace_event *ev, const uint8_t *p)
{
    size_t len = ev->length;
    struct field { const char *name; size_t off; int size; };   /* size 4, 8, or -n for a string of n */
#define F32(s, f) { #f, offsetof(s, f), 4 }
#define F64(s, f) { #f, offsetof(s, f), 8 }
#define FSTR(s, f) { #f, offsetof(s, f), -(int)sizeof(((s *)0)->f) }
    static const struct field NS[] = { F32(vx86_probe_ns_create, ns_id), F32(vx86_probe_ns_create, ns_type),
                                       F32(vx86_probe_ns_create, parent_ns), F32(vx86_probe_ns_create, creator_pid), { 0 } };
    static const struct field ATTACH[] = { F32(vx86_probe_cgroup_attach, pid), F32(vx86_probe_cgroup_attach, cgroup),
                                           FSTR(vx86_probe_cgroup_attach, path), { 0 } };
    static const struct field THROTTLE[] = { F32(vx86_probe_cgroup_throttle, cgroup), F32(vx86_probe_cgroup_throttle, pid),
                                             F64(vx86_probe_cgroup_throttle, quota_us),
                                             F64(vx86_probe_cgroup_throttle, period_us), { 0 } };
    static const struct field OOM[] = { F32(vx86_probe_cgroup_oom, cgroup), F32(vx86_probe_cgroup_oom, pid),
                                        F32(vx86_probe_cgroup_oom, usage_bytes), F32(vx86_probe_cgroup_oom, max_bytes), { 0 } };
    static const struct field STAT[] = {
        F32(vx86_probe_cgroup_stat, cgroup), F32(vx86_probe_cgroup_stat, pids_current), F32(vx86_probe_cgroup_stat, pids_max),
        F32(vx86_probe_cgroup_stat, memory_current), F32(vx86_probe_cgroup_stat, memory_max),
        F32(vx86_probe_cgroup_stat, cpu_weight), F64(vx86_probe_cgroup_stat, cpu_usage_us),
        F32(vx86_probe_cgroup_stat, cpu_quota_us), F32(vx86_probe_cgroup_stat, cpu_period_us),
        F32(vx86_probe_cgroup_stat, nr_periods), F32(vx86_probe_cgroup_stat, nr_throttled),
        F64(vx86_probe_cgroup_stat, throttled_us), F32(vx86_probe_cgroup_stat, oom_kills),
        F32(vx86_probe_cgroup_stat, pids_events_max), FSTR(vx86_probe_cgroup_stat, path), { 0 } };
    static const struct field MOUNT[] = { F32(vx86_probe_mount, mnt_ns), F32(vx86_probe_mount, pid), FSTR(vx86_probe_mount, fstype),
                                          FSTR(vx86_probe_mount, source), FSTR(vx86_probe_mount, target), { 0 } };
    static const struct field HOST[] = { F32(vx86_probe_hostname, uts_ns), F32(vx86_probe_hostname, pid),
                                         { "hostname", offsetof(vx86_probe_hostname, name), -64 }, { 0 } };
    /* vm and asid are the event's own fields (the record's VM tag, the CPU's ASID): vm_id, vm_asid here */
    static const struct field VMC[] = { { "vm_id", offsetof(vx86_probe_vm_create, vm), 4 },
                                        { "vm_asid", offsetof(vx86_probe_vm_create, asid), 4 }, F32(vx86_probe_vm_create, pid),
                                        F32(vx86_probe_vm_create, memory_kib), FSTR(vx86_probe_vm_create, name), { 0 } };
    static const struct field VME[] = { { "vm_id", offsetof(vx86_probe_vm_exit, vm), 4 }, { 0 } };
#undef F32
#undef F64
#undef FSTR
    const struct field *f = ev->kind == TRACE_NS_CREATE ? NS : ev->kind == TRACE_CGROUP_ATTACH ? ATTACH
                          : ev->kind == TRACE_CGROUP_THROTTLE ? THROTTLE : ev->kind == TRACE_CGROUP_OOM ? OOM
                          : ev->kind == TRACE_CGROUP_STAT ? STAT : ev->kind == TRACE_MOUNT ? MOUNT
                          : ev->kind == TRACE_HOSTNAME ? HOST : ev->kind == TRACE_VM_CREATE ? VMC
                          : ev->kind == TRACE_VM_EXIT ? VME : NULL;
    for (; f && f->name; f++) {
        if (f->size < 0) {
            set_payload_str(L, f->name, p, len, f->off, (size_t)-f->size);
        } else {
            uint64_t v = 0;
            for (int k = 0; k < f->size; k++)
                if (f->off + (size_t)k < len)
                    v |= (uint64_t)p[f->off + (size_t)k] << (8 * k);
            set_int(L, f->name, (lua_Integer)v);
        }
    }
    if (ev->kind == TRACE_NS_CREATE)
        set_str(L, "ns_type_name", ns_type_name((uint32_t)vis_field32(p, len, offsetof(vx86_probe_ns_create, ns_type))));
    if (ev->kind == TRACE_VM_EXIT) {
        uint64_t s = 0;
        for (int k = 0; k < 4; k++)
            if (offsetof(vx86_probe_vm_exit, status) + (size_t)k < len)
                s |= (uint64_t)p[offsetof(vx86_probe_vm_exit, status) + (size_t)k] << (8 * k);
        set_int(L, "status", (int32_t)(uint32_t)s);
    }
}

/* ---- pictures ---- */

static int opt_width(lua_State *L, int dflt)
{
    if (!lua_istable(L, 2))
        return dflt;
    lua_getfield(L, 2, "width");
    int v = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : dflt;
    lua_pop(L, 1);
    return v;
}

/* "text" or "svg" from the options at 2 (true for svg), or a Lua error naming fn. */
static bool opt_svg(lua_State *L, const char *fn)
{
    const char *format = "text";
    if (!lua_isnoneornil(L, 2) && !lua_istable(L, 2))
        luaL_error(L, "%s: options must be a table ({format=, width=})", fn);
    if (lua_istable(L, 2)) {
        lua_getfield(L, 2, "format");
        if (lua_isstring(L, -1))
            format = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    bool svg = strcmp(format, "svg") == 0;
    if (!svg && strcmp(format, "text") != 0)
        luaL_error(L, "%s: format '%s' is not \"text\" or \"svg\"", fn, format);
    return svg;
}

/* Push the picture (text or SVG) of the model at 1, or raise an error naming fn. which: 'n', 'c', 'v'. */
static int show(lua_State *L, int which, const char *fn, bool svg, int width)
{
    char *out = NULL;
    const char *err;
    if (which == 'n') {
        ns_table nt;
        err = ns_from_lua(L, 1, &nt);
        if (!err && !(out = svg ? ns_svg(&nt, width) : ns_text(&nt)))
            err = "out of memory";
        ns_table_free(&nt);
    } else if (which == 'c') {
        cg_table ct;
        err = cg_from_lua(L, 1, &ct);
        if (!err && !(out = svg ? cg_svg(&ct, width) : cg_text(&ct)))
            err = "out of memory";
        cg_table_free(&ct);
    } else {
        vm_table vt;
        err = vms_from_lua(L, 1, &vt);
        if (!err && !(out = svg ? vm_exits_svg(&vt, width) : vm_exits_text(&vt)))
            err = "out of memory";
        vm_table_free(&vt);
    }
    if (err) {
        free(out);
        return luaL_error(L, "%s: %s", fn, err);
    }
    lua_pushstring(L, out);
    free(out);
    return 1;
}

static int l_show_namespaces(lua_State *L)
{
    bool svg = opt_svg(L, "vx.show.namespaces");
    return show(L, 'n', "vx.show.namespaces", svg, opt_width(L, 900));
}

static int l_show_cgroups(lua_State *L)
{
    bool svg = opt_svg(L, "vx.show.cgroups");
    return show(L, 'c', "vx.show.cgroups", svg, opt_width(L, 900));
}

static int l_show_exits(lua_State *L)
{
    bool svg = opt_svg(L, "vx.show.exits");
    return show(L, 'v', "vx.show.exits", svg, opt_width(L, 800));
}

/* vx.export.svg(x[, path]): these models here, anything else to the previous exporter. */
static int l_export_svg(lua_State *L)
{
    char kind[32] = "";
    if (lua_istable(L, 1))
        get_str(L, 1, "kind", kind, sizeof kind);
    int which = strcmp(kind, "namespaces") == 0 ? 'n' : strcmp(kind, "cgroups") == 0 ? 'c' : strcmp(kind, "vms") == 0 ? 'v' : 0;
    if (!which) {
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_insert(L, 1);
        lua_call(L, lua_gettop(L) - 1, 1);
        return 1;
    }
    bool has_path = lua_isstring(L, 2);
    lua_settop(L, 2);
    lua_pushvalue(L, 2);   /* the path at 3 */
    lua_pushnil(L);
    lua_replace(L, 2);     /* no options: the default width */
    show(L, which, "vx.export.svg", true, which == 'v' ? 800 : 900);
    if (has_path)
        vxlua_export_to(L, 3);
    return 1;
}

void vxlua_open_visible(lua_State *L)
{
    int vx = lua_gettop(L);
    luaL_getmetatable(L, "vx.machine");
    lua_getfield(L, -1, "__index");
    lua_pushcfunction(L, m_namespaces);
    lua_setfield(L, -2, "namespaces");
    lua_pushcfunction(L, m_cgroups);
    lua_setfield(L, -2, "cgroups");
    lua_pushcfunction(L, m_vms);
    lua_setfield(L, -2, "vms");
    lua_pop(L, 2);
    lua_getfield(L, vx, "show");
    lua_pushcfunction(L, l_show_namespaces);
    lua_setfield(L, -2, "namespaces");
    lua_pushcfunction(L, l_show_cgroups);
    lua_setfield(L, -2, "cgroups");
    lua_pushcfunction(L, l_show_exits);
    lua_setfield(L, -2, "exits");
    lua_pop(L, 1);
    lua_getfield(L, vx, "export");
    lua_getfield(L, -1, "svg");
    lua_pushcclosure(L, l_export_svg, 1);
    lua_setfield(L, -2, "svg");
    lua_pop(L, 1);
}
