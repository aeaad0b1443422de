/* m:costs() and m:set_costs{} (emu/lua/vx_costs.c): the table in force, edits that change the
 * cycle count by exactly the instructions of the edited class, the table travelling with a
 * snapshot, and bad names or values as Lua errors that change nothing. The guest is a tiny
 * Multiboot image built here (tests/cli/mkelf.h). */
#include <check.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu/lua/vx_internal.h"
#include "tests/cli/mkelf.h"

#define BASE 0x100000u
/*   mov ecx, 1000; 1: dec ecx; jnz 1b; mov al, 0; out 0xf4, al; jmp .
 * basic-class instructions: 1 + 1000 + 1 = 1002; branch: 1000 (+ the final jmp never reached). */
static const uint8_t GUEST[] = { 0xb9, 0xe8, 0x03, 0x00, 0x00, 0x49, 0x75, 0xfd, 0xb0, 0x00, 0xe6, 0xf4, 0xeb, 0xfe };

static char image_path[64];

static void setup(void)
{
    mkelf_spec s = { .entry = BASE, .nseg = 1 };
    s.seg[0] = (mkelf_segment){ .paddr = BASE, .data = GUEST, .filesz = sizeof GUEST, .memsz = sizeof GUEST };
    strcpy(image_path, "/tmp/vx86-costimg-XXXXXX");
    ck_assert_int_eq(mkelf_write_temp(&s, image_path), 0);
}

static void teardown(void) { unlink(image_path); }

/* Run code with IMG set to the image; returns its result (or error) as text. */
static const char *run(const char *code, int *rc)
{
    static char buf[1024];
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    luaL_requiref(L, "vx", luaopen_vx, 1);
    lua_pop(L, 1);
    lua_pushstring(L, image_path);
    lua_setglobal(L, "IMG");
    *rc = luaL_dostring(L, code);
    snprintf(buf, sizeof buf, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "(nil)");
    lua_close(L);
    return buf;
}

START_TEST(costs_shows_the_defaults)
{
    int rc;
    const char *r = run("local c = vx.boot{ kernel = IMG, memory = '4M' }:costs()\n"
                        "return ('%d %d %d %d %d'):format(c.basic, c.vmrun, c.vmexit, c.page_walk_ref, c.nested_walk_ref)", &rc);
    ck_assert_int_eq(rc, LUA_OK);
    ck_assert_str_eq(r, "1 700 700 1 1");
}
END_TEST

START_TEST(an_edit_costs_exactly_its_instructions)
{
    int rc;
    const char *r = run("local m = vx.boot{ kernel = IMG, memory = '4M' }\n"
                        "local s = m:snapshot()\n"
                        "assert(m:run{ cycles = 1e6 } == 'exit')\n"
                        "local a = m:cycles()\n"
                        "m:restore(s)\n"
                        "m:set_costs{ basic = 3, branch = 2 }\n"
                        "assert(m:run{ cycles = 1e6 } == 'exit')\n"
                        "local b = m:cycles()\n"
                        "m:restore(s)\n"
                        "local back = m:costs().basic\n"
                        "m:set_costs{ basic = 5 }; m:set_costs('defaults')\n"
                        "return ('%d %d %d'):format(b - a, back, m:costs().basic)", &rc);
    ck_assert_int_eq(rc, LUA_OK);
    /* 1002 basic instructions at +2 each, 1000 branches at +1 each; the snapshot carried basic = 1. */
    ck_assert_str_eq(r, "3004 1 1");
}
END_TEST

START_TEST(bad_edits_are_lua_errors_and_change_nothing)
{
    static const struct { const char *call, *says; } cases[] = {
        { "m:set_costs{ bogus = 1 }", "unknown cost 'bogus'" },
        { "m:set_costs{ basic = 0 }", "out of range 1..255" },
        { "m:set_costs{ vmrun = 2000000 }", "out of range 0..1000000" },
        { "m:set_costs{ vmrun = 1.5 }", "wants a whole number" },
        { "m:set_costs{ vmrun = -1 }", "wants a whole number" },
        { "m:set_costs{ 5 }", "keys are cost names" },
        { "m:set_costs('cheap')", "\"defaults\"" },
        { "m.costs(42)", "call it on a machine" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char code[512];
        snprintf(code, sizeof code,
                 "local m = vx.boot{ kernel = IMG, memory = '4M' }\n"
                 "local ok, e = pcall(function() %s end)\n"
                 "assert(not ok)\n"
                 "assert(m:costs().basic == 1 and m:costs().vmrun == 700, 'the table changed')\n"
                 "return e", cases[i].call);
        int rc;
        const char *r = run(code, &rc);
        ck_assert_int_eq(rc, LUA_OK);
        ck_assert_msg(strstr(r, cases[i].says) != NULL, "%s: got '%s'", cases[i].call, r);
    }
    int rc;
    const char *r = run("local m = vx.boot{ kernel = IMG, memory = '4M' }; m:close(); return select(2, pcall(m.costs, m))", &rc);
    ck_assert_ptr_nonnull(strstr(r, "closed"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lua_costs");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, costs_shows_the_defaults);
    tcase_add_test(tc, an_edit_costs_exactly_its_instructions);
    tcase_add_test(tc, bad_edits_are_lua_errors_and_change_nothing);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
