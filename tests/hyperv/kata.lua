-- tests/hyperv/kata.lua (vx86 lua, from vmctl.sh): the Kata pattern seen from the trace. The toy
-- OS boots as a VM under `vm run` and runs `ctr run base hostname` inside it; the inner kernel's
-- trace records come out through the hypervisor tagged with the VM's id, so m:tasks() and the
-- Gantt chart show the inner tasks as vm 1's, and each of them runs only while the host's vCPU
-- task (the `vm` process) runs: the nesting.
local m = vx.boot{ kernel = "build/os/kernel.elf", memory = "256M",
    cmdline = "cmd=vm run --memory 64M --module /vm/initrd.img /vm/kernel.elf"
        .. " 'cmd=ctr run --hostname inner base hostname; ps'; echo vm-status $?",
    modules = { "build/os/initrd.img", "build/os/kernel.elf /vm/kernel.elf", "build/os/initrd.img /vm/initrd.img" } }
assert(m:run{ until_serial = "vm-status", cycles = 2e10 } == "serial", "the VM did not end")
m:run{ cycles = 1e6 }
local out = m:serial():gsub("\r", "")
assert(("\n" .. out):find("\ninner\n", 1, true), "no 'inner' from hostname inside the VM:\n" .. out)
assert(out:find("vm-status 0", 1, true), "vm did not end with 0")

local host_vm, inner = nil, {}
for _, t in ipairs(m:tasks()) do
    if t.vm == 0 and t.name == "vm" and not host_vm then host_vm = t end
    if t.vm == 1 then inner[t.name] = t end
end
assert(host_vm, "no vm task on the host")
for _, name in ipairs{ "init", "sh", "ctr", "hostname", "ps" } do
    assert(inner[name], "m:tasks() has no task " .. name .. " in vm 1")
end
assert(inner.hostname.ppid == inner.ctr.pid, "hostname is not a child of ctr in vm 1")

-- Nesting: every span of an inner task starts while the host's vCPU task runs. (Its end may not:
-- the inner kernel does not see the host preempt its vCPU, and the task running when the VM ends
-- never gets a switch record.)
local g = vx.gantt(m:tasks())
local vcpu, checked = nil, 0
for _, r in ipairs(g.tasks) do if r.vm == 0 and r.pid == host_vm.pid then vcpu = r end end
assert(vcpu and #vcpu.spans > 0, "the vCPU task never ran")
for _, r in ipairs(g.tasks) do
    if r.vm == 1 then
        for _, s in ipairs(r.spans) do
            local inside = false
            for _, h in ipairs(vcpu.spans) do
                if s.start >= h.start and s.start <= h.stop then inside = true; break end
            end
            assert(inside, ("vm 1 task %d ran at %d..%d, while the vCPU task did not"):format(r.pid, s.start, s.stop))
            checked = checked + 1
        end
    end
end
assert(checked >= 5, "only " .. checked .. " spans of vm 1's tasks (their switch records untagged?)")
local text = vx.show.gantt(m:tasks(), { width = 60 })
assert(text:find("vm1:%d+ hostname"), "the Gantt chart has no vm1 hostname row")
print(("  %d spans of vm 1's tasks, each started while the host's vCPU task ran (pid %d); ctr's pid %d, hostname's ppid %d")
      :format(checked, host_vm.pid, inner.ctr.pid, inner.hostname.ppid))
