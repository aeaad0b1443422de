/* `vx86 lua SCRIPT [ARGS]`: an instructor's script with the `vx` module, the way lua(1) runs
 * one: every standard library (io, os, package: this is trusted code, not a sandbox), the global
 * `arg` table (arg[0] the script, arg[1..n] its arguments, arg[-1] the interpreter), the
 * arguments also as `...`, and the exit status from os.exit (0 when the script ends, 1 after an
 * uncaught error, whose message and traceback go to stderr). SCRIPT "-" reads stdin. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <string.h>

#include "emu/lua/vxlua.h"

static const char USAGE[] =
    "usage: vx86 lua SCRIPT [ARGS...]\n"
    "Run a Lua 5.4 script with the vx module loaded (vx.boot, m:run, m:translate, ...), as lua(1)\n"
    "does: the global 'arg' holds SCRIPT as arg[0] and ARGS as arg[1..n] (also '...'), and\n"
    "os.exit(n) sets the exit status. SCRIPT '-' reads the script from stdin.\n"
    "NOT SANDBOXED: the script has io, os and package like any Lua program; run only code you\n"
    "trust. (Student answers are graded by 'vx86 grade', which is sandboxed.)\n"
    "Exit status: the script's os.exit status, 0 when it ends normally, 1 on an uncaught error,\n"
    "2 bad usage.\n";

static int traceback(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (!msg) msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    luaL_traceback(L, L, msg, 1);
    return 1;
}

int vxlua_script_main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(USAGE, stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(USAGE, stdout);
        return 0;
    }
    if (argv[1][0] == '-' && argv[1][1]) {
        fprintf(stderr, "vx86 lua: unknown option '%s' (vx86 lua --help)\n", argv[1]);
        return 2;
    }
    lua_State *L = luaL_newstate();
    if (!L) {
        fprintf(stderr, "vx86 lua: out of memory\n");
        return 1;
    }
    luaL_openlibs(L);
    luaL_requiref(L, "vx", luaopen_vx, 1);
    lua_pop(L, 1);
    /* arg: the interpreter at -1, the script at 0, its arguments from 1. */
    lua_createtable(L, argc - 2, 2);
    lua_pushstring(L, "vx86 lua");
    lua_rawseti(L, -2, -1);
    for (int i = 1; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i - 1);
    }
    lua_setglobal(L, "arg");
    const char *script = argv[1];
    int rc = luaL_loadfile(L, strcmp(script, "-") == 0 ? NULL : script);
    if (rc == LUA_OK) {
        lua_pushcfunction(L, traceback);
        lua_insert(L, -2);
        for (int i = 2; i < argc; i++) lua_pushstring(L, argv[i]);
        rc = lua_pcall(L, argc - 2, 0, -(argc - 2) - 2);
    }
    if (rc != LUA_OK) {
        fflush(stdout);
        fprintf(stderr, "vx86 lua: %s\n", lua_tostring(L, -1) ? lua_tostring(L, -1) : "error");
        lua_close(L);
        return 1;
    }
    lua_close(L);
    return 0;
}
