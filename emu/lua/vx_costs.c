/* The cost table from Lua: m:costs() and m:set_costs{ name = cycles, ... } (emu/costs.h). A lab
 * edits the virtual-time model between runs and measures what changes: the world switch
 * (vmrun/vmexit), the TLB refill (page_walk_ref/nested_walk_ref), an instruction class. Names and
 * ranges are the cost file's (`vx86 costs`); a bad name or value is one Lua error naming it and
 * nothing changes. The table is part of a snapshot, so m:restore(s) brings back the table the
 * snapshot was taken with. */
#include <lauxlib.h>
#include <lua.h>
#include <string.h>

#include "emu/costs.h"
#include "emu/machine.h"
#include "emu/lua/vx_internal.h"

static machine *check_machine(lua_State *L, const char *method)
{
    void *vm = vxlua_to_vm(L, 1);
    if (!vm) luaL_error(L, "vx.machine:%s: call it on a machine (m:%s)", method, method);
    machine *m = vxlua_vm_machine(vm);
    if (!m) luaL_error(L, "vx.machine: the machine is closed");
    return m;
}

/* m:costs() -> { basic = 1, ..., vmrun = 700, vmexit = 700, ... } (the table in force) */
static int m_costs(lua_State *L)
{
    machine *m = check_machine(L, "costs");
    const costs *c = machine_costs(m);
    costs d;
    if (!c) {
        costs_defaults(&d);
        c = &d;
    }
    const costs_info *t = costs_table();
    lua_createtable(L, 0, COST_CLASS_COUNT);
    for (int k = 0; k < COST_CLASS_COUNT; k++) {
        lua_pushinteger(L, (lua_Integer)c->cycles[k]);
        lua_setfield(L, -2, t[k].name);
    }
    return 1;
}

/* m:set_costs{ vmrun = 0, page_walk_ref = 20 } or m:set_costs("defaults"): the entries given
 * change, the others keep their values. */
static int m_set_costs(lua_State *L)
{
    machine *m = check_machine(L, "set_costs");
    costs c;
    if (lua_type(L, 2) == LUA_TSTRING) {
        if (strcmp(lua_tostring(L, 2), "defaults") != 0)
            return luaL_error(L, "vx.machine:set_costs: want a table of costs or \"defaults\"");
        costs_defaults(&c);
        machine_set_costs(m, &c);
        return 0;
    }
    luaL_checktype(L, 2, LUA_TTABLE);
    const costs *cur = machine_costs(m);
    if (cur) c = *cur;
    else costs_defaults(&c);
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        if (lua_type(L, -2) != LUA_TSTRING) return luaL_error(L, "vx.machine:set_costs: keys are cost names");
        const char *name = lua_tostring(L, -2);
        int isnum;
        lua_Integer v = lua_tointegerx(L, -1, &isnum);
        if (!isnum || v < 0) return luaL_error(L, "vx.machine:set_costs: cost '%s' wants a whole number of cycles", name);
        char err[256];
        if (!costs_set(&c, name, (uint64_t)v, err, sizeof err)) return luaL_error(L, "vx.machine:set_costs: %s", err);
        lua_pop(L, 1);
    }
    machine_set_costs(m, &c);
    return 0;
}

void vxlua_open_costs(lua_State *L)
{
    if (luaL_getmetatable(L, "vx.machine") == LUA_TTABLE && lua_getfield(L, -1, "__index") == LUA_TTABLE) {
        lua_pushcfunction(L, m_costs);
        lua_setfield(L, -2, "costs");
        lua_pushcfunction(L, m_set_costs);
        lua_setfield(L, -2, "set_costs");
        lua_pop(L, 1);
    } else {
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}
