/* The Lua task API on a live machine running tests/guest/tasks/tasks.elf: m:tasks() against the
 * guest's own RDTSC accounting, decoded switch records, snapshots, the Gantt model and its
 * pictures. Each test runs a Lua chunk that returns "ok" or says what differed.
 * Usage: tasks-lua [IMAGE]   (default build/guest/tasks/tasks.elf; `make check-tasks`) */
#include <check.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu/lua/vxlua.h"

static const char *image = "build/guest/tasks/tasks.elf";

/* Runs `code` with IMAGE set; returns its result (a string) or the error, in a static buffer. */
static const char *run_lua(const char *code)
{
    static char buf[8192];
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    luaL_requiref(L, "vx", luaopen_vx, 1);
    lua_pop(L, 1);
    lua_pushstring(L, image);
    lua_setglobal(L, "IMAGE");
    /* Helpers every chunk uses. */
    static const char PRELUDE[] =
        "function boot() return vx.boot{ kernel = IMAGE, memory = '16M' } end\n"
        "function run_all(m) local why = m:run{ cycles = 200000000 }; assert(why == 'exit', why); return m end\n"
        "function by_pid(list) local t = {}; for _, x in ipairs(list) do t[x.pid] = x end; return t end\n"
        /* A canonical text of a value, for comparing tables. */
        "function dump(v) if type(v) ~= 'table' then return tostring(v) end\n"
        "  local keys = {}; for k in pairs(v) do keys[#keys+1] = tostring(k) end; table.sort(keys)\n"
        "  local out = {}; for _, k in ipairs(keys) do local val = v[k]; if val == nil then val = v[tonumber(k)] end\n"
        "    out[#out+1] = k .. '=' .. dump(val) end\n"
        "  return '{' .. table.concat(out, ',') .. '}' end\n";
    if (luaL_dostring(L, PRELUDE) != LUA_OK || luaL_dostring(L, code) != LUA_OK)
        snprintf(buf, sizeof buf, "error: %s", lua_tostring(L, -1));
    else
        snprintf(buf, sizeof buf, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "(not a string)");
    lua_close(L);
    return buf;
}

#define CHECK_OK(code)                                   \
    do {                                                 \
        const char *r = run_lua(code);                   \
        ck_assert_msg(strcmp(r, "ok") == 0, "%s", r);    \
    } while (0)

/* The host's table, rebuilt from the probe's cycle stamps, against what the guest measured with
 * RDTSC and printed: every task, its parent, slices, running cycles and exit status. */
START_TEST(tasks_match_the_guest)
{
    CHECK_OK("local m = run_all(boot())\n"
             "local out = m:serial()\n"
             "local t = by_pid(m:tasks())\n"
             "local n = 0\n"
             "for pid, name, ppid, slices, ran, status in out:gmatch('task (%d+) (%a+) ppid (%d+) slices (%d+) ran (%d+) cycles, exit (%-?%d+)') do\n"
             "  pid = tonumber(pid); n = n + 1\n"
             "  local x = t[pid]\n"
             "  if not x then return 'no task ' .. pid end\n"
             "  local got = string.format('%s ppid %d slices %d ran %d exit %s %s', x.name, x.ppid, x.slices, x.run_cycles, x.status, x.state)\n"
             "  local want = string.format('%s ppid %s slices %s ran %s exit %s zombie', name, ppid, slices, ran, status)\n"
             "  if got ~= want then return 'pid ' .. pid .. ': host says ' .. got .. ', guest says ' .. want end\n"
             "end\n"
             "if n ~= 4 then return 'guest printed ' .. n .. ' tasks' end\n"
             "if #m:tasks() ~= 5 or m:tasks().partial then return #m:tasks() .. ' tasks' end\n"
             /* a trace too small for the run says so */
             "local small = vx.boot{ kernel = IMAGE, memory = '16M', trace = 8 }; run_all(small)\n"
             "if not small:tasks().partial then return 'an 8-event trace is not partial' end\n"
             "if t[0].name ~= 'idle' or t[0].state ~= 'running' then return 'idle: ' .. dump(t[0]) end\n"
             "local g = t[4]\n"
             "if g.ns_pid ~= 1 or g.pid_ns ~= 2 or g.namespaces.pid ~= 2 or g.namespaces.mnt ~= 1 or g.cgroup ~= 2 or g.vm ~= 0 then\n"
             "  return 'gamma: ' .. dump(g) end\n"
             "if not (t[1].created < t[2].created and t[2].created < t[3].created and t[3].created < t[4].created) then\n"
             "  return 'creation order' end\n"
             "for pid = 1, 4 do local x = t[pid]; local sum = 0\n"
             "  for _, s in ipairs(x.spans) do sum = sum + (s.stop - s.start) end\n"
             "  if sum ~= x.run_cycles or #x.spans ~= x.slices then return 'spans of ' .. pid end\n"
             "  if x.exited < x.created or x.exited > x.spans[#x.spans].stop then return 'exit time of ' .. pid end\n"
             "end\n"
             "return 'ok'\n");
}
END_TEST

/* m:events{kinds={"switch"}}: decoded fields, a chain (each next is the following prev), the
 * count the guest printed, and the create/exit records' fields. */
START_TEST(switch_records_are_decoded)
{
    CHECK_OK("local m = run_all(boot())\n"
             "local sw = m:events{ kinds = { 'switch' } }\n"
             "local want = tonumber(m:serial():match('switches: (%d+)'))\n"
             "if #sw ~= want then return #sw .. ' switch records, guest says ' .. tostring(want) end\n"
             "if sw[1].prev_pid ~= 0 or sw[1].next_pid ~= 1 or sw[1].prev_state_name ~= 'runnable' then return dump(sw[1]) end\n"
             "for i = 2, #sw do\n"
             "  if sw[i].prev_pid ~= sw[i-1].next_pid then return 'chain broken at ' .. i end\n"
             "  if sw[i].cycle <= sw[i-1].cycle then return 'cycles at ' .. i end\n"
             "end\n"
             "local last = sw[#sw]\n"
             "if last.next_pid ~= 0 or last.prev_state_name ~= 'zombie' or last.prev_state ~= 5 then return dump(last) end\n"
             "if sw.now ~= m:cycles() then return 'now' end\n"
             "local sleeping = 0; for _, e in ipairs(sw) do if e.prev_state_name == 'sleeping' then sleeping = sleeping + 1; "
             "  if e.prev_pid ~= 1 then return 'sleeper ' .. e.prev_pid end end end\n"
             "if sleeping ~= 1 then return 'init slept ' .. sleeping .. ' times' end\n"
             "local cr = m:events{ kinds = { 'task_create' } }\n"
             "if #cr ~= 5 or cr[5].name ~= 'gamma' or cr[5].parent_pid ~= 1 or cr[5].ns_pid ~= 1 or cr[5].cgroup ~= 2 then return dump(cr[5]) end\n"
             "local shown = vx.show.events({ sw[1], sw[#sw] })\n"
             "if not shown:find('switch         0 -> 1 (runnable)', 1, true) or not shown:find(' -> 0 (zombie)', 1, true) then return shown end\n"
             "local ex = m:events{ kinds = { 'task_exit' } }\n"
             "if not vx.show.events(ex):find('task_exit      pid 1 status 10', 1, true) then return vx.show.events(ex) end\n"
             "if #ex ~= 4 or ex[4].pid ~= 1 or ex[4].status ~= 10 then return dump(ex[4]) end\n"
             "return 'ok'\n");
}
END_TEST

/* Snapshots: restoring gives the table of the snapshot's moment, and running on from there the
 * table of the full run, although the trace still holds the abandoned run's records. */
START_TEST(snapshot_and_restore_give_the_same_tasks)
{
    CHECK_OK("local m = boot()\n"
             "m:run{ cycles = 9000000 }\n"
             "local s = m:snapshot()\n"
             "local mid = dump(m:tasks())\n"
             "run_all(m)\n"
             "local full = dump(m:tasks())\n"
             "m:restore(s)\n"
             "if dump(m:tasks()) ~= mid then return 'after restore: ' .. dump(m:tasks()) .. ' want ' .. mid end\n"
             "run_all(m)\n"
             "if dump(m:tasks()) ~= full then return 'after the rerun: ' .. dump(m:tasks()) .. ' want ' .. full end\n"
             "local t = by_pid(m:tasks())\n"
             "if #m:tasks() ~= 5 or t[3].state ~= 'zombie' then return 'rerun table' end\n"
             /* mid-run, someone is running and beta has not exited */
             "local m2 = boot(); m2:run{ cycles = 9000000 }\n"
             "if dump(m2:tasks()) ~= mid then return 'a straight run to the same cycle differs' end\n"
             "local running = 0; for _, x in ipairs(m2:tasks()) do if x.state == 'running' then running = running + 1 end end\n"
             "if running ~= 1 then return running .. ' tasks running' end\n"
             "return 'ok'\n");
}
END_TEST

/* The Gantt model from events equals the one from tasks; the pictures show every task. */
START_TEST(gantt_from_events_and_tasks_agree)
{
    CHECK_OK("local m = run_all(boot())\n"
             "local evs = m:events{ kinds = { 'switch', 'task_create', 'task_exit' } }\n"
             "local g1, g2 = vx.gantt(evs), vx.gantt(m:tasks())\n"
             "if g1.kind ~= 'gantt' or #g1.tasks ~= 5 then return dump(g1) end\n"
             "local t = by_pid(m:tasks())\n"
             "for _, row in ipairs(g1.tasks) do\n"
             "  if row.total ~= t[row.pid].run_cycles then return 'total of ' .. row.label end\n"
             "end\n"
             "if dump(g1.tasks) ~= dump(g2.tasks) then return 'events vs tasks: ' .. dump(g1.tasks) .. ' / ' .. dump(g2.tasks) end\n"
             /* switch records alone: no names, same spans */
             "local g3 = vx.gantt(m:events{ kinds = { 'switch' } })\n"
             "if #g3.tasks ~= 5 or g3.tasks[2].label ~= '1' or dump(g3.tasks[2].spans) ~= dump(g1.tasks[2].spans) then return dump(g3.tasks[2]) end\n"
             "local text = vx.show.gantt(evs)\n"
             "for _, l in ipairs{ '0 idle', '1 init', '2 alpha', '3 beta', '4 gamma', 'legend:', 'one column = ' } do\n"
             "  if not text:find(l, 1, true) then return 'text lacks ' .. l .. ':\\n' .. text end end\n"
             "if vx.show.gantt(g1) ~= text then return 'model and events draw differently' end\n"
             "local svg = vx.show.gantt(evs, { format = 'svg' })\n"
             "if not svg:find('^<%?xml') or not svg:find('4 gamma', 1, true) then return svg end\n"
             "if vx.export.svg(g1) ~= svg then return 'export.svg differs from show.gantt svg' end\n"
             /* the page-walk picture still goes through export.svg */
             "local w = vx.export.svg(m:translate(0x1000))\n"
             "if not w:find('linear 0x00001000', 1, true) then return 'walk svg: ' .. w end\n"
             "return 'ok'\n");
}
END_TEST

START_TEST(bad_input_is_one_clear_error)
{
    const char *r = run_lua("return select(2, pcall(vx.show.gantt, 42))");
    ck_assert_str_eq(r, "vx.show.gantt: expected a list of events (m:events), a list of tasks (m:tasks) or a Gantt model "
                        "(vx.gantt)");
    r = run_lua("return select(2, pcall(vx.show.gantt, {}, { format = 'png' }))");
    ck_assert_str_eq(r, "vx.show.gantt: format 'png' is not \"text\" or \"svg\"");
    r = run_lua("return select(2, pcall(vx.gantt, { kind = 'gantt', tasks = { { pid = 1, spans = { { start = 1 } } } } }))");
    ck_assert_str_eq(r, "vx.gantt: a span without integer start and stop");
    r = run_lua("return select(2, pcall(vx.gantt, { { kind = 'switch' } }))");
    ck_assert_str_eq(r, "vx.gantt: an event without kind and cycle");
    /* An empty list is an empty chart, not an error. */
    r = run_lua("return vx.show.gantt({}):match('^[^\\n]*')");
    ck_assert_str_eq(r, "cycles 0..0 (0), one column = 1 cycles");
}
END_TEST

/* Same image, same pictures, byte for byte. */
START_TEST(pictures_are_deterministic)
{
    CHECK_OK("local a = vx.show.gantt(run_all(boot()):events{ kinds = { 'switch', 'task_create' } }, { format = 'svg' })\n"
             "local b = vx.show.gantt(run_all(boot()):events{ kinds = { 'switch', 'task_create' } }, { format = 'svg' })\n"
             "return a == b and 'ok' or 'runs differ'\n");
}
END_TEST

/* vx.export.svg(model, path) writes the file it returns. run.sh sets TASKS_SVG_OUT to keep it
 * and checks it with an XML parser and rsvg-convert. */
START_TEST(export_svg_writes_the_file)
{
    char path[256];
    const char *keep = getenv("TASKS_SVG_OUT");
    if (keep)
        snprintf(path, sizeof path, "%s", keep);
    else {
        snprintf(path, sizeof path, "/tmp/vx86-gantt-XXXXXX");
        int fd = mkstemp(path);
        ck_assert_int_ge(fd, 0);
        close(fd);
    }
    char code[1024];
    snprintf(code, sizeof code,
             "local m = run_all(boot())\n"
             "local svg = vx.export.svg(vx.gantt(m:events{ kinds = { 'switch', 'task_create', 'task_exit' } }), '%s')\n"
             "local f = assert(io.open('%s')); local back = f:read('a'); f:close()\n"
             "return back == svg and #svg > 1000 and 'ok' or 'file differs'\n",
             path, path);
    CHECK_OK(code);
    if (!keep)
        unlink(path);
}
END_TEST

int main(int argc, char **argv)
{
    if (argc > 1)
        image = argv[1];
    FILE *f = fopen(image, "rb");
    if (!f) {
        fprintf(stderr, "tasks-lua: %s: cannot open (build it with make check-tasks)\n", image);
        return 2;
    }
    fclose(f);
    Suite *s = suite_create("tasks-lua");
    TCase *tc = tcase_create("live");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, tasks_match_the_guest);
    tcase_add_test(tc, switch_records_are_decoded);
    tcase_add_test(tc, snapshot_and_restore_give_the_same_tasks);
    tcase_add_test(tc, gantt_from_events_and_tasks_agree);
    tcase_add_test(tc, bad_input_is_one_clear_error);
    tcase_add_test(tc, pictures_are_deterministic);
    tcase_add_test(tc, export_svg_writes_the_file);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
