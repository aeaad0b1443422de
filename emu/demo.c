/* vx86 with no arguments: the demo. The toy OS (os/kernel.elf + os/initrd.img beside the binary)
 * runs two containers and two VMs (guest/demo.elf, given to the OS as a module, booted twice by
 * its hypervisor) at once; then the host draws, from the trace, ps with a VM column, the cgroup
 * tree, VM 1's exit histogram and a Gantt strip, with the renderers of vx.show (emu/lua), each
 * with one line saying what it shows, and the three commands to try next. The script is Lua on
 * the vx module, kept here as text so the binary needs no file beside it but the images. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>

#include "emu/demo.h"
#include "emu/lua/vxlua.h"

static const char DEMO_LUA[] =
    "-- vx86's default demo: the toy OS runs two containers and two VMs side by side; the host draws\n"
    "-- what happened from the trace with the renderers of vx.show (emu/lua/README.md).\n"
    "local bindir, vx86 = DEMO_BINDIR, DEMO_VX86\n"
    "local function out(s) io.write(s, \"\\n\") end\n"
    "local function section(n, title, what)\n"
    "  out((\"\\n== %d. %s ==\"):format(n, title))\n"
    "  out(\"what: \" .. what)\n"
    "end\n"
    "local cmds = {\n"
    "  \"ctr run --rm --name web --cpus 0.5 base sh -c 'seq 1 1500 | wc -l; sleep 0.08' >/dev/null &\",\n"
    "  \"ctr run --rm --name db --memory 8M --pids-limit 16 base sh -c 'seq 1 1500 | wc -l; sleep 0.08' >/dev/null &\",\n"
    "  \"vm run /vm/demo.elf >/dev/null &\",\n"
    "  \"vm run --memory 8M /vm/demo.elf >/dev/null &\",\n"
    "}\n"
    "local script = table.concat(cmds, \" \") .. \" sleep 0.01; echo demo: ps; ps; echo demo: ps end;\" ..\n"
    "  \" cat /sys/fs/cgroup/ctr/web/cpu.max /sys/fs/cgroup/ctr/db/memory.max /sys/fs/cgroup/ctr/db/pids.max;\" ..\n"
    "  \" echo demo: limits end; wait; echo demo: done\"\n"
    "local m = vx.boot{ kernel = bindir .. \"/os/kernel.elf\", memory = \"128M\", cmdline = \"quiet cmd=\" .. script,\n"
    "                   modules = { bindir .. \"/os/initrd.img\", bindir .. \"/guest/demo.elf /vm/demo.elf\" } }\n"
    "\n"
    "out(\"vx86 demo: containers and virtual machines side by side, on the toy OS (emulated i686 with SVM).\")\n"
    "out(\"Every number below is cycles of the emulated CPU: the same on every run and every host.\")\n"
    "\n"
    "section(1, \"Started inside the toy OS\",\n"
    "  \"its shell ran these four commands at once: two containers (ctr: namespaces, cgroups, overlayfs)\\n\" ..\n"
    "  \"      and two VMs (vm: the toy OS's hypervisor, AMD SVM with nested paging), same image, same CPU\")\n"
    "for _, c in ipairs(cmds) do out(\"  $ \" .. c) end\n"
    "\n"
    "local why = m:run{ until_serial = \"demo: limits end\", cycles = 2e9 }\n"
    "if why ~= \"serial\" then error(\"the toy OS did not reach the ps (\" .. why .. \"): \" .. m:serial()) end\n"
    "local at = m:cycles()\n"
    "local vms = m:vms()\n"
    "local cg = m:cgroups()\n"
    "\n"
    "section(2, \"ps, with the VM column\",\n"
    "  (\"every process at cycle %d: NS-PID is its pid in its own PID namespace (1 = a container's\\n\"):format(at) ..\n"
    "  \"      first process), CGROUP its cgroup (ctr puts each container in /ctr/NAME), VM the virtual machine\\n\" ..\n"
    "  \"      its task runs (ps reads /proc/vms; the host adds the ASID and RAM from the trace: a VM is just\\n\" ..\n"
    "  \"      a task of the OS that does VMRUN)\")\n"
    "local ps = m:serial():match(\"demo: ps\\r?\\n(.-)demo: ps end\")\n"
    "local vm_of = {}\n"
    "for _, v in ipairs(vms) do vm_of[v.pid] = (\"vm %d (asid %d, %d MiB)\"):format(v.vm, v.asid, v.memory_kib // 1024) end\n"
    "for line in ps:gmatch(\"[^\\r\\n]+\") do\n"
    "  local pid, ppid, st, nspid, cgroup, osvm, cmd = line:match(\"^%s*(%S+)%s+(%S+)%s+(%S+)%s+(%S+)%s+(%S+)%s+(%S+)%s*(.*)$\")\n"
    "  if pid then\n"
    "    local vm = pid == \"PID\" and \"VM\" or vm_of[tonumber(pid)] or osvm\n"
    "    out((\"  %5s %5s %s %6s %-9s %-22s %s\"):format(pid, ppid, st, nspid, cgroup, vm, cmd:sub(1, 60)))\n"
    "  end\n"
    "end\n"
    "section(3, \"The cgroup tree\",\n"
    "  \"just after the ps: which processes each cgroup holds; the containers' limits (cpu.max, memory.max,\\n\" ..\n"
    "  \"      pids.max) apply to everything below /ctr/NAME. The VMs' tasks stay in the root cgroup here\")\n"
    "for _, c in ipairs(cg) do if c.id == 1 and (c.path or \"\") == \"\" then c.path = \"/\" end end\n"
    "out((vx.show.cgroups(cg):gsub(\"\\n+$\", \"\")))\n"
    "local cpu, mem, pids = m:serial():match(\"demo: ps end\\r?\\n([^\\r\\n]*)\\r?\\n([^\\r\\n]*)\\r?\\n([^\\r\\n]*)\\r?\\ndemo: limits end\")\n"
    "out((\"limits, read from the OS's cgroup files: /ctr/web cpu.max %s; /ctr/db memory.max %s, pids.max %s\"):format(cpu, mem, pids))\n"
    "\n"
    "why = m:run{ until_serial = \"demo: done\", cycles = 4e9 }\n"
    "if why ~= \"serial\" then error(\"the toy OS did not finish (\" .. why .. \"): \" .. m:serial()) end\n"
    "local all = m:vms()\n"
    "section(4, \"Why a VM left guest mode (VM 1's exits)\",\n"
    "  \"each #VMEXIT by reason: ioio = the guest wrote its console through the trapping UART, one exit per\\n\" ..\n"
    "  \"      byte; intr = the host's timer took the CPU back. HANDLING runs from the exit to the next VMRUN\\n\" ..\n"
    "  \"      (after intr that includes the other tasks the scheduler ran meanwhile), IN GUEST the guest's cycles\")\n"
    "out((vx.show.exits({ kind = \"vms\", all[1] }):gsub(\"\\n+$\", \"\")))\n"
    "\n"
    "section(5, \"Who had the CPU (Gantt strip)\",\n"
    "  \"one row per task that ran 1 % or more of the run, '#' when it had the CPU: the VMs' vCPU tasks\\n\" ..\n"
    "  \"      and the containers' programs take turns on one CPU, under one scheduler\")\n"
    "local tasks = m:tasks()\n"
    "local total = 0\n"
    "for _, t in ipairs(tasks) do total = total + (t.run_cycles or 0) end\n"
    "local g = vx.gantt(tasks)\n"
    "local cgname = {}\n"
    "for _, c in ipairs(m:cgroups()) do cgname[c.id] = c.path end\n"
    "local pidinfo = {}\n"
    "for _, t in ipairs(tasks) do pidinfo[t.pid] = t end\n"
    "local keep = { kind = \"gantt\", start = g.start, stop = g.stop, tasks = {} }\n"
    "for _, row in ipairs(g.tasks) do\n"
    "  local t = pidinfo[row.pid]\n"
    "  if row.total * 100 >= total then\n"
    "    local where = vm_of[row.pid] and vm_of[row.pid]:match(\"^vm %d+\") or (t and cgname[t.cgroup] and cgname[t.cgroup]:match(\"^/ctr/(.*)\"))\n"
    "    row.label = (\"%d %s%s\"):format(row.pid, t and t.name or \"?\", where and (\" [\" .. where .. \"]\") or \"\")\n"
    "    keep.tasks[#keep.tasks + 1] = row\n"
    "  end\n"
    "end\n"
    "out((vx.show.gantt(keep, { width = 60 }):gsub(\"\\n+$\", \"\")))\n"
    "\n"
    "section(6, \"Try next\", \"three commands\")\n"
    "out((\"  %s os                 the toy OS's shell: ctr run base hostname, ps, cat /proc/vms (poweroff leaves)\"):format(vx86))\n"
    "out((\"  %s lab --list         the labs that measure containers against VMs, in cycles\"):format(vx86))\n"
    "out((\"  %s --help             every command: run, tui, gui, picture, lab, grade, ...\"):format(vx86))\n";

int demo_run(const char *bindir, const char *vx86)
{
    lua_State *L = luaL_newstate();
    if (!L) {
        fprintf(stderr, "vx86: out of memory\n");
        return 1;
    }
    luaL_openlibs(L);
    luaL_requiref(L, "vx", luaopen_vx, 1);
    lua_pop(L, 1);
    lua_pushstring(L, bindir);
    lua_setglobal(L, "DEMO_BINDIR");
    lua_pushstring(L, vx86);
    lua_setglobal(L, "DEMO_VX86");
    int rc = luaL_loadbuffer(L, DEMO_LUA, sizeof DEMO_LUA - 1, "=demo");
    if (rc == LUA_OK) rc = lua_pcall(L, 0, 0, 0);
    if (rc != LUA_OK) {
        fflush(stdout);
        fprintf(stderr, "vx86: the demo failed: %s\n", lua_tostring(L, -1) ? lua_tostring(L, -1) : "error");
    }
    lua_close(L);
    fflush(stdout);
    return rc == LUA_OK ? 0 : 1;
}
