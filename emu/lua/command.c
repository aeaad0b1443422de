/* The front ends' `:` Lua line: one Lua state per front end, the machine as global `m`, and an
 * instruction limit per line so that a typo like `while true do end` cannot hang the TUI. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/lua/vx_internal.h"

#define COMMAND_INSTRUCTION_LIMIT 50000000
#define COMMAND_HOOK_EVERY 10000

typedef struct vxlua_cmd {
    lua_State *L;
    luaL_Buffer *printed;    /* print() appends here while a line runs */
    char *out;
    size_t cap, len;
    long executed;
} vxlua_cmd;

static vxlua_cmd *cmd_of(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "vx.command");
    vxlua_cmd *c = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return c;
}

static void append(vxlua_cmd *c, const char *s, size_t n)
{
    if (!c->cap) return;
    while (n-- && c->len + 1 < c->cap) c->out[c->len++] = *s++;
    c->out[c->len] = '\0';
}

static int cmd_print(lua_State *L)
{
    vxlua_cmd *c = cmd_of(L);
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = luaL_tolstring(L, i, &len);
        if (i > 1) append(c, "\t", 1);
        append(c, s, len);
        lua_pop(L, 1);
    }
    append(c, "\n", 1);
    return 0;
}

static void cmd_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    vxlua_cmd *c = cmd_of(L);
    c->executed += COMMAND_HOOK_EVERY;
    if (c->executed > COMMAND_INSTRUCTION_LIMIT) luaL_error(L, "stopped: instruction limit of the command line");
}

void *vxlua_command_create(struct machine *m)
{
    vxlua_cmd *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->L = luaL_newstate();
    if (!c->L) {
        free(c);
        return NULL;
    }
    luaL_openlibs(c->L);
    luaL_requiref(c->L, "vx", luaopen_vx, 1);
    lua_pop(c->L, 1);
    lua_pushlightuserdata(c->L, c);
    lua_setfield(c->L, LUA_REGISTRYINDEX, "vx.command");
    lua_pushcfunction(c->L, cmd_print);
    lua_setglobal(c->L, "print");
    if (m) {
        vxlua_push_borrowed_machine(c->L, m);
        lua_setglobal(c->L, "m");
    }
    return c;
}

bool vxlua_command(void *ctx, const char *line, char *out, size_t cap)
{
    vxlua_cmd *c = ctx;
    if (cap) out[0] = '\0';
    if (!c) {
        snprintf(out, cap, "Lua is not available");
        return false;
    }
    c->out = out;
    c->cap = cap;
    c->len = 0;
    c->executed = 0;
    lua_State *L = c->L;
    int top = lua_gettop(L);
    /* An expression prints its value; otherwise run the line as a statement. */
    lua_pushfstring(L, "return %s", line);
    int rc = luaL_loadbufferx(L, lua_tostring(L, -1), lua_rawlen(L, -1), "=command", "t");
    lua_remove(L, -2);
    if (rc != LUA_OK) {
        lua_pop(L, 1);
        rc = luaL_loadbufferx(L, line, strlen(line), "=command", "t");
    }
    if (rc == LUA_OK) {
        lua_sethook(L, cmd_hook, LUA_MASKCOUNT, COMMAND_HOOK_EVERY);
        rc = lua_pcall(L, 0, LUA_MULTRET, 0);
        lua_sethook(L, NULL, 0, 0);
    }
    if (rc != LUA_OK) {
        const char *e = lua_tostring(L, -1);
        c->len = 0;
        append(c, e ? e : "error", strlen(e ? e : "error"));
        lua_settop(L, top);
        return false;
    }
    for (int i = top + 1; i <= lua_gettop(L); i++) {
        size_t len;
        const char *s = luaL_tolstring(L, i, &len);
        if (i > top + 1) append(c, "\t", 1);
        append(c, s, len);
        lua_pop(L, 1);
    }
    lua_settop(L, top);
    return true;
}

void vxlua_command_destroy(void *ctx)
{
    vxlua_cmd *c = ctx;
    if (!c) return;
    lua_close(c->L);
    free(c);
}
