/* The Lua API for containers and VMs on a live machine running tests/guest/visible/visible.elf:
 * m:vms() against the exits the guest's hypervisor counted itself and against the CPU's
 * VMRUN/#VMEXIT events summed in Lua; m:namespaces() and m:cgroups() against the story the guest
 * tells (and m:tasks()); snapshots; the pictures from the machine and from the (edited) tables;
 * bad arguments. Each test runs a Lua chunk that returns "ok" or says what differed.
 * VISIBLE_SVG_DIR=dir makes the export test leave ns.svg, cgroups.svg and exits.svg there.
 * Usage: visible-lua [IMAGE]   (default build/guest/visible/visible.elf; `make check-visible`) */
#include <check.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/lua/vxlua.h"

static const char *image = "build/guest/visible/visible.elf";

static const char *run_lua(const char *code)
{
    static char buf[8192];
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    luaL_requiref(L, "vx", luaopen_vx, 1);
    lua_pop(L, 1);
    lua_pushstring(L, image);
    lua_setglobal(L, "IMAGE");
    const char *dir = getenv("VISIBLE_SVG_DIR");
    lua_pushstring(L, dir ? dir : "");
    lua_setglobal(L, "SVG_DIR");
    static const char PRELUDE[] =
        "function boot() return vx.boot{ kernel = IMAGE, memory = '16M' } end\n"
        "function run_all(m) local why = m:run{ cycles = 100000000 }; assert(why == 'exit', why); return m end\n"
        "function find(list, f) for _, x in ipairs(list) do if f(x) then return x end end end\n"
        "function pids(x) local out = {}; for _, t in ipairs(x.tasks) do out[#out+1] = t.pid end; return table.concat(out, ',') end\n"
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

/* The exits the guest's hypervisor handled, by VMCB EXITCODE, equal m:vms()'s counts; the cycles
 * equal the CPU's events summed here in Lua (handling: #VMEXIT to the next VMRUN, unless the
 * VM's VM_EXIT record came first). */
START_TEST(vms_match_the_guest)
{
    CHECK_OK("local m = run_all(boot())\n"
             "local vms = m:vms()\n"
             "if #vms ~= 2 or vms.kind ~= 'vms' then return 'vms: ' .. dump(vms) end\n"
             "local n = 0\n"
             "for id, name, cpuid, hlt, ioio, vmmcall, other in m:serial():gmatch('vm (%d+) (%a+): cpuid (%d+) hlt (%d+) ioio (%d+) vmmcall (%d+) other (%d+)') do\n"
             "  n = n + 1\n"
             "  local v = find(vms, function(x) return x.vm == tonumber(id) end)\n"
             "  if not v then return 'no vm ' .. id end\n"
             "  local b = v.by_name\n"
             "  local got = string.format('%s cpuid %d hlt %d ioio %d vmmcall %d', v.name, b.cpuid or 0, b.hlt or 0, b.ioio or 0, b.vmmcall or 0)\n"
             "  local want = string.format('%s cpuid %s hlt %s ioio %s vmmcall %s', name, cpuid, hlt, ioio, vmmcall)\n"
             "  if got ~= want then return 'vm ' .. id .. ': host ' .. got .. ', guest ' .. want end\n"
             "  if v.exits ~= cpuid + hlt + ioio + vmmcall + other or v.runs ~= v.exits then return 'vm ' .. id .. ' totals ' .. dump(v) end\n"
             "  if v.asid ~= tonumber(id) or v.pid ~= 8 or v.state ~= 'exited' or v.status ~= 0 then return 'vm ' .. id .. ': ' .. dump(v) end\n"
             "end\n"
             "if n ~= 2 then return 'the guest printed ' .. n .. ' VMs' end\n"
             "if vms[1].memory_kib ~= 64 or vms[2].memory_kib ~= 128 then return 'memory' end\n"
             /* the cycles, from the raw events */
             "local want, pending = {}, nil\n"
             "local vm_of = { [1] = 1, [2] = 2 }\n"
             "for _, e in ipairs(m:events{ kinds = { 'vmrun', 'vmexit', 'vm_exit' } }) do\n"
             "  if e.kind == 'vmexit' then\n"
             "    local k = e.vector .. ':' .. e.exitcode\n"
             "    want[k] = want[k] or { count = 0, handle = 0, guest = 0 }\n"
             "    want[k].count = want[k].count + 1; want[k].guest = want[k].guest + e.guest_cycles\n"
             "    pending = { key = k, cycle = e.cycle, asid = e.vector }\n"
             "  elseif e.kind == 'vmrun' and pending then\n"
             "    want[pending.key].handle = want[pending.key].handle + e.cycle - pending.cycle; pending = nil\n"
             "  elseif e.kind == 'vm_exit' and pending and vm_of[pending.asid] == e.vm_id then pending = nil end\n"
             "end\n"
             "local seen = 0\n"
             "for _, v in ipairs(vms) do for _, c in ipairs(v.codes) do\n"
             "  local w = want[v.asid .. ':' .. c.code]; seen = seen + 1\n"
             "  if not w or w.count ~= c.count or w.handle ~= c.handle_cycles or w.guest ~= c.guest_cycles then\n"
             "    return string.format('vm %d %s: %s want %s', v.vm, c.name, dump(c), dump(w)) end\n"
             "  if c.name == 'cpuid' and (c.handled ~= c.count or c.handle_cycles <= 0) then return 'cpuid handled ' .. dump(c) end\n"
             "  if c.name == 'vmmcall' and c.handled ~= 0 then return 'the last exit was handled: ' .. dump(c) end\n"
             "end end\n"
             "if seen ~= 6 then return seen .. ' codes' end\n"
             "return 'ok'");
}
END_TEST

START_TEST(namespaces_tell_the_story)
{
    CHECK_OK("local m = run_all(boot())\n"
             "local ns = m:namespaces()\n"
             "local function get(type, id) return find(ns, function(x) return x.type == type and x.id == id end) end\n"
             "if #ns ~= 16 then return #ns .. ' namespaces' end\n"
             "local p1, p10, p20, p30 = get('pid', 1), get('pid', 10), get('pid', 20), get('pid', 30)\n"
             "if p1.depth ~= 0 or p10.parent ~= 1 or p10.depth ~= 1 or p20.parent ~= 10 or p20.depth ~= 2 or p30.depth ~= 1 then\n"
             "  return 'pid tree ' .. dump({p1, p10, p20, p30}) end\n"
             "if p10.creator_pid ~= 2 or p20.creator_pid ~= 4 then return 'creators' end\n"
             "if pids(p1) ~= '1,2,8' or pids(p10) ~= '3,4' or pids(p20) ~= '5' or pids(p30) ~= '6' then return 'members' end\n"
             "if p10.tasks[2].ns_pid ~= 2 or p10.tasks[2].name ~= 'httpd' then return 'httpd ' .. dump(p10.tasks[2]) end\n"
             "if get('uts', 12).hostname ~= 'web' or get('uts', 32).hostname ~= 'db' or get('uts', 3).hostname ~= 'vx86' then return 'hostnames' end\n"
             "if get('mnt', 11).mounts ~= 2 or get('mnt', 31).mounts ~= 1 then return 'mounts' end\n"
             "if #get('net', 14).tasks ~= 0 or get('net', 14).parent ~= 6 then return 'net' end\n"
             /* each live task of m:tasks() is in its namespaces, the OOM-killed hog in none */
             "for _, t in ipairs(m:tasks()) do\n"
             "  for type, id in pairs(t.namespaces) do\n"
             "    local x = get(type, id)\n"
             "    local found = x and find(x.tasks, function(y) return y.pid == t.pid end)\n"
             "    if (t.exited == nil) ~= (found ~= nil) then return 'task ' .. t.pid .. ' in ' .. type .. ':' .. id end\n"
             "  end\n"
             "end\n"
             "return 'ok'");
}
END_TEST

START_TEST(cgroups_tell_the_story)
{
    CHECK_OK("local m = run_all(boot())\n"
             "local cg = m:cgroups()\n"
             "local function get(path) return find(cg, function(x) return x.path == path end) end\n"
             "if #cg ~= 6 or cg.kind ~= 'cgroups' then return #cg .. ' cgroups' end\n"
             "local order = {}; for _, c in ipairs(cg) do order[#order+1] = c.depth .. c.path end\n"
             "if table.concat(order, ' ') ~= '0/ 1/ctr 2/ctr/db 2/ctr/web 3/ctr/web/inner 1/vms' then return table.concat(order, ' ') end\n"
             "local web, db, vms = get('/ctr/web'), get('/ctr/db'), get('/vms')\n"
             "if pids(get('/')) ~= '1,2' or pids(web) ~= '3,4' or pids(get('/ctr/web/inner')) ~= '5' or pids(db) ~= '6' or pids(vms) ~= '8' then return 'members' end\n"
             "if web.memory.current ~= 6 << 20 or web.memory.max ~= 16 << 20 or web.pids.current ~= 2 or web.pids.max ~= 8 then return 'web ' .. dump(web) end\n"
             "if web.cpu.quota_us ~= 20000 or web.cpu.period_us ~= 100000 or web.cpu.nr_throttled ~= 3 or web.throttles ~= 3 then return 'web cpu ' .. dump(web) end\n"
             "if web.throttle_quota_us ~= 20000 or web.throttle_period_us ~= 100000 then return 'throttle record' end\n"
             "if db.ooms ~= 1 or db.last_oom.pid ~= 7 or db.last_oom.max ~= 4 << 20 or db.pids.max ~= nil then return 'db ' .. dump(db) end\n"
             "if get('/').memory.max ~= nil or get('/').cpu.quota_us ~= nil then return 'root limits are max' end\n"
             "return 'ok'");
}
END_TEST

/* m:events decodes the container and VM records field by field. */
START_TEST(records_are_decoded)
{
    CHECK_OK("local m = run_all(boot())\n"
             "local names = {}\n"
             "for _, e in ipairs(m:events{ kinds = { 'hostname' } }) do names[#names+1] = e.uts_ns .. '=' .. e.hostname end\n"
             "if table.concat(names, ' ') ~= '3=vx86 12=web 32=db' then return table.concat(names, ' ') end\n"
             "local ns = m:events{ kinds = { 'ns_create' } }\n"
             "local inner = find(ns, function(e) return e.ns_id == 20 end)\n"
             "if #ns ~= 16 or inner.ns_type_name ~= 'pid' or inner.parent_ns ~= 10 or inner.creator_pid ~= 4 then return dump(inner) end\n"
             "local mt = m:events{ kinds = { 'mount' } }\n"
             "if #mt ~= 4 or mt[3].fstype ~= 'proc' or mt[3].target ~= '/proc' or mt[3].mnt_ns ~= 11 then return dump(mt[3]) end\n"
             "local at = m:events{ kinds = { 'cgroup_attach' } }\n"
             "if #at ~= 5 or at[2].pid ~= 3 or at[2].path ~= '/ctr/web' then return dump(at[2]) end\n"
             "local th = m:events{ kinds = { 'cgroup_throttle' } }\n"
             "if #th ~= 3 or th[1].quota_us ~= 20000 or th[1].period_us ~= 100000 then return dump(th[1]) end\n"
             "local oom = m:events{ kinds = { 'cgroup_oom' } }[1]\n"
             "if oom.pid ~= 7 or oom.usage_bytes ~= 4 << 20 or oom.cgroup ~= 4 then return dump(oom) end\n"
             "local st = find(m:events{ kinds = { 'cgroup_stat' } }, function(e) return e.path == '/ctr/web' end)\n"
             "if st.nr_throttled ~= 3 or st.memory_max ~= 16 << 20 or st.pids_max ~= 8 or st.throttled_us ~= 240000 then return dump(st) end\n"
             "local vc = m:events{ kinds = { 'vm_create' } }\n"
             "if #vc ~= 2 or vc[2].vm_id ~= 2 or vc[2].vm_asid ~= 2 or vc[2].name ~= 'beta' or vc[2].memory_kib ~= 128 or vc[2].pid ~= 8 then return dump(vc[2]) end\n"
             "local ve = m:events{ kinds = { 'vm_exit' } }\n"
             "if #ve ~= 2 or ve[1].vm_id ~= 2 or ve[1].status ~= 0 then return dump(ve) end\n"
             "return 'ok'");
}
END_TEST

/* Snapshots: the tables are the snapshot's moment after a restore, the full run's after running on. */
START_TEST(snapshot_and_restore)
{
    CHECK_OK("local full = run_all(boot())\n"
             "local first = full:events{ kinds = { 'vm_create' } }[1].cycle\n"
             "local m = boot(); m:run{ cycles = first - 1 }   -- just before the first VM_CREATE\n"
             "if #m:vms() ~= 0 then return 'VMs before the first VM_CREATE: ' .. dump(m:vms()) end\n"
             "local s = m:snapshot()\n"
             "local mid_ns, mid_cg = dump(m:namespaces()), dump(m:cgroups())\n"
             "if mid_ns ~= dump(full:namespaces()) then return 'namespaces differ before the VMs' end\n"
             "run_all(m)\n"
             "if dump(m:vms()) ~= dump(full:vms()) then return 'vms after the run' end\n"
             "m:restore(s)\n"
             "if #m:vms() ~= 0 or dump(m:cgroups()) ~= mid_cg then return 'after restore: ' .. dump(m:vms()) end\n"
             "run_all(m)\n"
             "if dump(m:vms()) ~= dump(full:vms()) or dump(m:cgroups()) ~= dump(full:cgroups()) then return 'running on' end\n"
             "return 'ok'");
}
END_TEST

START_TEST(pictures_from_machine_and_tables)
{
    CHECK_OK("local m = run_all(boot())\n"
             "for _, p in ipairs{ { 'namespaces', 'namespaces' }, { 'cgroups', 'cgroups' }, { 'exits', 'vms' } } do\n"
             "  local show, get = vx.show[p[1]], m[p[2]]\n"
             "  local text = show(m)\n"
             "  if show(get(m)) ~= text then return p[1] .. ': the table draws differently' end\n"
             "  if show(m, { format = 'svg' }):sub(1, 5) ~= '<?xml' then return p[1] .. ': svg' end\n"
             "  if show(get(m), { format = 'svg', width = 1200 }) ~= show(m, { format = 'svg', width = 1200 }) then return p[1] .. ': svg of the table' end\n"
             "  if show(m, { format = 'svg' }) ~= vx.export.svg(get(m)):gsub('width=\"800\"', 'width=\"800\"') and p[1] == 'exits' then return 'export' end\n"
             "end\n"
             "local text = vx.show.namespaces(m)\n"
             "if not text:find('|  `- pid:[20]           pid       1     5 worker           tasks 5 worker (1)', 1, true) then return text end\n"
             "local cg = vx.show.cgroups(m)\n"
             "if not cg:find('|       memory [#######.............]  37.5%  6291456 / 16777216 bytes', 1, true) then return cg end\n"
             "local ex = vx.show.exits(m)\n"
             "if not ex:find('vm 2 beta (asid 2, vcpu task 8, 128 KiB), ended with status 0: 4 runs, 4 exits', 1, true) then return ex end\n"
             "if not ex:find('ioio           0x7b      2 [####################]', 1, true) then return ex end\n"
             /* an edited table draws what it says */
             "local ns = m:namespaces(); ns[1].tasks = {}\n"
             "if not vx.show.namespaces(ns):find('pid:[1]                  pid       0     - -', 1, true) then return vx.show.namespaces(ns) end\n"
             "local vms = m:vms(); table.remove(vms, 1)\n"
             "if vx.show.exits(vms):find('alpha') then return 'removed VM still drawn' end\n"
             /* two runs draw the same */
             "local m2 = run_all(boot())\n"
             "if vx.show.exits(m2, { format = 'svg' }) ~= vx.show.exits(m, { format = 'svg' }) or vx.show.cgroups(m2) ~= cg then return 'two runs differ' end\n"
             "return 'ok'");
}
END_TEST

START_TEST(export_svg_writes_the_files)
{
    CHECK_OK("local m = run_all(boot())\n"
             "if SVG_DIR == '' then return 'ok' end\n"
             "local a = vx.export.svg(m:namespaces(), SVG_DIR .. '/ns.svg')\n"
             "local b = vx.export.svg(m:cgroups(), SVG_DIR .. '/cgroups.svg')\n"
             "local c = vx.export.svg(m:vms(), SVG_DIR .. '/exits.svg')\n"
             "for name, want in pairs{ ['ns.svg'] = a, ['cgroups.svg'] = b, ['exits.svg'] = c } do\n"
             "  local f = assert(io.open(SVG_DIR .. '/' .. name)); local got = f:read('a'); f:close()\n"
             "  if got ~= want then return name .. ' differs from the returned text' end\n"
             "end\n"
             "return 'ok'");
}
END_TEST

START_TEST(bad_input_is_one_clear_error)
{
    CHECK_OK("local m = run_all(boot())\n"
             "local cases = {\n"
             "  { function() return vx.show.namespaces(42) end, 'vx.show.namespaces: expected a machine or a namespace list (m:namespaces())' },\n"
             "  { function() return vx.show.cgroups(m:namespaces()) end, 'vx.show.cgroups: expected a machine or a cgroup list (m:cgroups())' },\n"
             "  { function() return vx.show.exits(m, { format = 'png' }) end, 'vx.show.exits: format \\'png\\' is not \"text\" or \"svg\"' },\n"
             "  { function() return vx.show.exits(m, 'svg') end, 'vx.show.exits: options must be a table ({format=, width=})' },\n"
             "  { function() return vx.show.exits({ kind = 'vms', { codes = { {} } } }) end, 'vx.show.exits: an exit code entry without an integer code' },\n"
             "  { function() return vx.show.namespaces({ kind = 'namespaces', { type = 'time', id = 1 } }) end,\n"
             "    'vx.show.namespaces: a namespace without a known type (pid, mnt, uts, ipc, user, net) and a non-zero id' },\n"
             "  { function() return vx.show.cgroups({ kind = 'cgroups', 5 }) end, 'vx.show.cgroups: a cgroup that is not a table' },\n"
             "  { function() return vx.export.svg(m:vms(), '/nonexistent/dir/x.svg') end, 'vx.export.svg: /nonexistent/dir/x.svg: cannot write' },\n"
             "}\n"
             "for i, c in ipairs(cases) do\n"
             "  local ok, err = pcall(c[1])\n"
             "  if ok then return 'case ' .. i .. ' did not fail' end\n"
             "  if not tostring(err):find(c[2], 1, true) then return 'case ' .. i .. ': ' .. tostring(err) end\n"
             "end\n"
             "local closed = boot(); closed:close()\n"
             "local ok, err = pcall(closed.vms, closed)\n"
             "if ok or not err:find('vx.machine:vms: the machine is closed', 1, true) then return 'closed: ' .. tostring(err) end\n"
             "return 'ok'");
}
END_TEST

int main(int argc, char **argv)
{
    if (argc > 1)
        image = argv[1];
    FILE *f = fopen(image, "rb");
    if (!f) {
        fprintf(stderr, "visible-lua: %s: cannot open (build it with make check-visible)\n", image);
        return 2;
    }
    fclose(f);
    Suite *s = suite_create("visible-lua");
    TCase *tc = tcase_create("live");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, vms_match_the_guest);
    tcase_add_test(tc, namespaces_tell_the_story);
    tcase_add_test(tc, cgroups_tell_the_story);
    tcase_add_test(tc, records_are_decoded);
    tcase_add_test(tc, snapshot_and_restore);
    tcase_add_test(tc, pictures_from_machine_and_tables);
    tcase_add_test(tc, export_svg_writes_the_files);
    tcase_add_test(tc, bad_input_is_one_clear_error);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
