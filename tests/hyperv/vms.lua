-- tests/hyperv/vms.lua (vx86 lua, from vmctl.sh): the exits of two VMs as the toy OS's kernel
-- counts them (vm stats = VM_GET_STATS, /proc/vm/N/stats) and as the trace sees them (the CPU's
-- own vmrun/#VMEXIT events: m:vms(), vx.show.exits), in the same run. Both VMs are frozen
-- (cgroup.freeze) before the kernel's numbers are printed, so nothing moves in between.
-- Nothing is hard-coded: every number on one side is checked against the other.
local m = vx.boot{ kernel = "build/os/kernel.elf", memory = "64M",
    cmdline = "cmd=vm start -d --name a --memory 4M /vm/chat.elf; vm start -d --name b --memory 4M /vm/burn.elf;"
        .. " sleep 0.3; echo 1 > /sys/fs/cgroup/vm/a/cgroup.freeze; echo 1 > /sys/fs/cgroup/vm/b/cgroup.freeze;"
        .. " vm stats a; vm stats b; cat /proc/vm/1/stats /proc/vm/2/stats; echo frozen-done",
    modules = { "build/os/initrd.img", "build/guest/hyperv/chat.elf /vm/chat.elf",
                "build/guest/hyperv/burn.elf /vm/burn.elf" } }
local why = m:run{ until_serial = "frozen-done", cycles = 4e9 }
assert(why == "serial", "the OS did not get to frozen-done: " .. tostring(why))
local out = m:serial():gsub("\r", "")

-- The kernel's side: stats[id] = {runs, guest, codes = {name = {count, cycles}}}, from vm stats;
-- procs[id] the same from /proc/vm/N/stats.
local stats, procs, cur = {}, {}, nil
for line in out:gmatch("[^\n]+") do
    local id, runs, guest = line:match("^vm (%d+): (%d+) runs, (%d+) guest cycles$")
    if id then cur = { runs = tonumber(runs), guest = tonumber(guest), codes = {} }; stats[tonumber(id)] = cur end
    local pid, pruns, pguest = line:match("^vm (%d+) name %S+ pid %d+ runs (%d+) guest_cycles (%d+) exits %d+$")
    if pid then cur = { runs = tonumber(pruns), guest = tonumber(pguest), codes = {} }; procs[tonumber(pid)] = cur end
    local name, count, cycles = line:match("^  (%S+) +(%d+) exits +(%d+) cycles")
    if name and cur then cur.codes[name] = { count = tonumber(count), cycles = tonumber(cycles) } end
end

local vms = m:vms()
local text = vx.show.exits(m)
for id = 1, 2 do
    local s, p = assert(stats[id], "no vm stats for vm " .. id), assert(procs[id], "no /proc/vm/" .. id .. "/stats")
    local v
    for _, x in ipairs(vms) do if x.vm == id then v = x end end
    assert(v, "m:vms() has no vm " .. id)
    assert(v.name == (id == 1 and "a" or "b"), "m:vms(): vm " .. id .. " is named " .. tostring(v.name))
    assert(s.runs == p.runs and s.guest == p.guest, "vm stats and /proc/vm/N/stats differ for vm " .. id)
    assert(v.runs == s.runs, ("vm %d: %d VMRUNs in the trace, %d in vm stats"):format(id, v.runs, s.runs))
    -- The kernel's guest cycles run from before VMRUN to after #VMEXIT (VMLOAD/VMSAVE around it):
    -- at least the CPU's VMRUN-to-#VMEXIT time, and not 3,000 cycles a run more.
    assert(v.guest_cycles <= s.guest and s.guest - v.guest_cycles < 3000 * s.runs,
           ("vm %d: guest cycles %d (trace) vs %d (kernel)"):format(id, v.guest_cycles, s.guest))
    local total = 0
    for name, k in pairs(s.codes) do
        assert(p.codes[name] and p.codes[name].count == k.count and p.codes[name].cycles == k.cycles,
               "vm stats and /proc/vm/N/stats differ for " .. name)
        assert(v.by_name[name] == k.count, ("vm %d %s: %s exits in the trace, %d in vm stats")
               :format(id, name, tostring(v.by_name[name]), k.count))
        for _, c in ipairs(v.codes) do
            -- the trace's handling time runs from #VMEXIT to the next VMRUN: it holds the kernel's
            -- handler time (an exit not yet followed by a VMRUN has none in the trace)
            if c.name == name and c.handled == c.count then
                assert(c.handle_cycles >= k.cycles, ("vm %d %s: %d handling cycles in the trace < %d in the kernel")
                       :format(id, name, c.handle_cycles, k.cycles))
            end
        end
        total = total + k.count
        -- the histogram's row: name, code, the same count
        assert(text:find(("\n%s +0x%%x+ +%d "):format(name, k.count)),
               ("vx.show.exits lacks the row %s with %d exits"):format(name, k.count))
    end
    assert(v.exits == total, ("vm %d: %d exits in the trace, %d in vm stats"):format(id, v.exits, total))
    print(("  vm %d: %d runs, %d exits, %d guest cycles (kernel) / %d (trace): the same"):format(
          id, s.runs, total, s.guest, v.guest_cycles))
end
print(text)
