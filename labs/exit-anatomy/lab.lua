-- Lab 2: the anatomy of a VM exit (AMD APM Vol. 2 §15.5-15.6 VMRUN and #VMEXIT; hyperv/vcpu.c).
-- A bare guest loops on CPUID as a VM of the toy OS (`vm run`, KVM-shaped). The trace's vmrun and
-- vmexit events split each round trip into the guest part (VMRUN -> #VMEXIT) and the host part
-- (#VMEXIT -> next VMRUN); the cost table, edited from Lua (m:set_costs), splits it further into
-- the world switch, the TLB refill after the switch's flush, and the instructions of the
-- handler. Then exits handled in the kernel (CPUID) are compared with exits that go out to the
-- user-space VMM (the paravirtual console's VMMCALL).

local CPUID, VMMCALL = "cpuid", "vmmcall"

-- Run one shell command in the booted OS; returns the cycles it took.
local function shell(m, cmd)
  local c0 = m:cycles()
  m:type(cmd .. '; echo E""ND\n')
  m:expect("END", { cycles = 2e9 })
  m:expect("$ ", { cycles = 1e8 })
  return m:cycles() - c0
end

local function median(t)
  table.sort(t)
  return t[#t // 2 + 1]
end

-- Per exit code of VM 1, from the trace after event `seq`: count, median guest part (VMRUN to
-- #VMEXIT, the #VMEXIT's guest_cycles) and median host part (#VMEXIT to the next VMRUN).
local function exit_parts(m, seq)
  local per, last = {}, nil
  for _, e in ipairs(m:events{ kinds = { "vmrun", "vmexit" }, after = seq }) do
    if e.kind == "vmexit" then
      last = e
    elseif last then
      local p = per[last.exit_name] or { g = {}, h = {} }
      per[last.exit_name] = p
      p.g[#p.g + 1] = last.guest_cycles
      p.h[#p.h + 1] = e.cycle - last.cycle
      last = nil
    end
  end
  local out = {}
  for name, p in pairs(per) do
    out[name] = { count = #p.g, guest = median(p.g), host = median(p.h) }
    out[name].round = out[name].guest + out[name].host
  end
  return out
end

local function parts_table(parts)
  local names = {}
  for n in pairs(parts) do names[#names + 1] = n end
  table.sort(names)
  local lines = { string.format("  %-8s %6s %18s %18s", "exit", "count", "guest part (med)", "host part (med)") }
  for _, n in ipairs(names) do
    local p = parts[n]
    lines[#lines + 1] = string.format("  %-8s %6d %18d %18d", n, p.count, p.guest, p.host)
  end
  return table.concat(lines, "\n")
end

-- A number within pct percent of the expected one ("_" separators allowed).
local function near(pct) return vx.near{ rel = pct / 100 } end

local lab = {
  id = "exit-anatomy",
  title = "Anatomy of a VM exit: world switch, handler, TLB refill",
  version = "1.0",
  summary = "a CPUID loop in a VM: the world switch, the handler and the TLB refill in cycles; the cost table; kernel vs VMM exits",
  minutes = 40,
  claim = "VMs lose 15-30% to virtualization (the cost is paid per exit)",
  introduction = [[
A guest runs directly on the CPU until it does something the hypervisor intercepts; then the CPU
saves the guest into its VMCB and loads the host (#VMEXIT), the host handles the exit, and VMRUN
switches back. On vx86 (as on a CPU without ASIDs) every world switch also flushes the TLB, so
after each switch the first touch of every page walks the page tables again. The toy OS's
hypervisor handles most exits in its kernel (hyperv/vcpu.c); a few go out to the user-space
VMM `vm`, as KVM leaves some to QEMU or kvmtool.
vx86's time is a cost table (`vx86 costs`, or m:costs() in Lua): cycles per instruction class
and per event -- vmrun and vmexit (each world switch), page_walk_ref and nested_walk_ref (each
memory reference of a page walk). Write whole numbers of cycles; the answers that are
measurements accept 2% either way.]],
  answers_format = [[
Plain text "question_id = answer" lines ('#' comments, "seed = N"), or a Lua file returning
{ question_id = value or function(params) ... end }; params has seed, cpuid (the CPUID exits),
hcall (the VMMCALL exits), pages and work (the guest's loop), switch_cost and walk_cost (the
edited table of step 4).]],
}

function lab.setup(ctx)
  local rng = ctx.rng
  local n, h = rng:range(20, 60) * 10, rng:range(12, 40)
  local switch, walk = rng:choice{ 200, 300, 400, 500, 900, 1000, 1100, 1200 }, rng:range(4, 40)
  local pages, work = rng:range(1, 8), rng:range(5, 40)
  ctx.params.seed, ctx.params.cpuid, ctx.params.hcall = ctx.seed, n, h
  ctx.params.pages, ctx.params.work = pages, work
  ctx.params.switch_cost, ctx.params.walk_cost = switch, walk
  ctx.cmd = string.format("vm run --stats /vm/exits.elf cpuid=%d hcall=%d pages=%d work=%d", n, h, pages, work)

  local m = vx.boot{ kernel = ctx.os_image("kernel.elf"), memory = "64M", cmdline = "quiet",
                     modules = { ctx.os_image("initrd.img"), { path = ctx.image("exits.elf"), args = "/vm/exits.elf" } } }
  if m:run{ until_serial = "$ ", cycles = 5e8 } ~= "serial" then error("the toy OS did not reach its shell: " .. m:serial()) end
  local booted = m:snapshot()
  local function measure(costs)
    m:restore(booted)
    if costs then m:set_costs(costs) end
    local seq, from = m:event_seq(), #m:serial()
    shell(m, ctx.cmd)
    local out = m:serial():sub(from + 1)
    if not out:find("exits: done", 1, true) then error("the guest did not finish: " .. out) end
    return exit_parts(m, seq), out
  end
  -- Each run starts from the same booted machine: only the cost table differs. The default
  -- table's run comes first and is drawn at once (m:picture reads the whole trace ring, which
  -- keeps the events of runs a restore abandoned; m:vms() and vx.show.exits follow the timeline).
  ctx.base, ctx.stats = measure(nil)
  ctx.base_exits, ctx.base_picture = vx.show.exits(m), m:picture("exits")
  ctx.nowalk = measure{ page_walk_ref = 0, nested_walk_ref = 0 }
  ctx.edited = measure{ vmrun = switch, vmexit = switch, page_walk_ref = walk, nested_walk_ref = walk }
  ctx.edited_exits = vx.show.exits(m)
  ctx.m = m
  for _, r in ipairs{ ctx.base, ctx.nowalk, ctx.edited } do
    if not r[CPUID] or not r[VMMCALL] or r[CPUID].count ~= n or r[VMMCALL].count ~= h then
      error("unexpected exits in the trace: " .. parts_table(r))
    end
  end
  m:set_costs("defaults")
  local d = m:costs()
  ctx.switch0, ctx.defaults = d.vmrun + d.vmexit, d
  ctx.refs = ctx.base[CPUID].round - ctx.nowalk[CPUID].round   -- at 1 cycle per reference
end

lab.steps = {
  { title = "A CPUID loop in a VM",
    text = function(ctx)
      return "The lab booted the toy OS and typed, at its shell:\n\n    " .. ctx.cmd .. "\n\n" ..
        "The guest (labs/exit-anatomy/guest/exits.c) executes CPUID in a loop -- every CPUID is\n" ..
        "intercepted; before each one it reads a byte of each of its `pages` pages and does `work`\n" ..
        "steps of arithmetic -- then writes single bytes through the paravirtual console (VMMCALL), then\n" ..
        "prints a line and ends. vm's own statistics (--stats, read from the kernel with\n" ..
        "VM_GET_STATS: RDTSC around the handler function only), and vx86's view of the same run\n" ..
        "from its trace (m:vms(), vx.show.exits: HANDLING is #VMEXIT to the next VMRUN):"
    end,
    action = function(ctx)
      local stats = ctx.stats:match("(vm 1:.-)\n[^ ]") or ctx.stats
      return stats .. "\n\n" .. ctx.base_exits .. "\n" .. ctx.base_picture
    end },
  { title = "One round trip, from the trace",
    text = function(ctx)
      local c = ctx.defaults
      return "Each exit is a trace event pair: vmrun (the world switch in; its cost already added) and\n" ..
        "vmexit (carrying guest_cycles, the cycles since that VMRUN, the switch out included). The\n" ..
        "guest part of a round trip runs from VMRUN to #VMEXIT, the host part from #VMEXIT to the\n" ..
        "next VMRUN. Medians over this run's exits:\n\n" .. parts_table(ctx.base) .. "\n\n" ..
        string.format("The cost table in force: vmrun %d, vmexit %d, page_walk_ref %d, nested_walk_ref %d,\n" ..
          "every instruction class 1 cycle.", c.vmrun, c.vmexit, c.page_walk_ref, c.nested_walk_ref)
    end,
    questions = {
      { id = "e1_round_trip", points = 2,
        text = "how many cycles does one CPUID round trip take (VMRUN to the next VMRUN, medians)?",
        answer = function(ctx) return ctx.base[CPUID].round end,
        explain = "the guest part plus the host part" },
      { id = "e2_switch", points = 1,
        text = "how many of those cycles are the two world switches, by the cost table?",
        answer = function(ctx) return ctx.switch0 end,
        explain = "vmrun + vmexit" },
    },
    check = function(ctx)
      local share = ctx.switch0 / ctx.base[CPUID].round
      return share > 0.5 and share < 0.9,
        string.format("the world switch is %.0f%% of a CPUID round trip (the lab says: more than half)", 100 * share)
    end },
  { title = "The TLB refill",
    text = function(ctx)
      return "Every VMRUN and #VMEXIT flushes vx86's TLB, so the guest's first fetch walks the nested\n" ..
        "tables again, and the host's handler walks its own page tables for every page it touches\n" ..
        "(kernel code, stack, the VMCB, the vm struct). The lab ran the same loop again from the same\n" ..
        "booted machine with page_walk_ref and nested_walk_ref set to 0 (walks cost nothing):\n\n" ..
        parts_table(ctx.nowalk)
    end,
    questions = {
      { id = "e3_refill_refs", points = 2,
        text = "how many page-walk memory references refill the TLB in one CPUID round trip (guest and host)?",
        answer = function(ctx) return ctx.refs end,
        explain = function(ctx)
          return string.format("each reference cost 1 cycle before: the guest part lost %d, the host part %d",
            ctx.base[CPUID].guest - ctx.nowalk[CPUID].guest, ctx.base[CPUID].host - ctx.nowalk[CPUID].host)
        end },
      { id = "e4_instructions", points = 1,
        text = "how many cycles of the round trip (default table) are left for instructions -- the handler's and the guest's?",
        answer = function(ctx) return ctx.base[CPUID].round - ctx.switch0 - ctx.refs end,
        explain = "round trip - world switch - refill: at 1 cycle per instruction, the kernel's exit path and handler are most of it" },
    },
    check = function(ctx)
      local g = ctx.base[CPUID].guest - ctx.nowalk[CPUID].guest
      return ctx.refs >= 10 and ctx.refs <= 300 and g >= 1,
        string.format("%d references refill the TLB per round trip, %d of them in the guest (nested walks)", ctx.refs, g)
    end },
  { title = "Edit the cost table",
    text = function(ctx)
      return string.format("The cost table is a model, not a fact: a CPU with faster world switches, or a TLB miss that\n" ..
        "goes to DRAM, changes the weights. From Lua:\n\n" ..
        "    m:set_costs{ vmrun = %d, vmexit = %d, page_walk_ref = %d, nested_walk_ref = %d }\n\n" ..
        "The lab ran the loop again from the booted machine with that table.", ctx.params.switch_cost,
        ctx.params.switch_cost, ctx.params.walk_cost, ctx.params.walk_cost)
    end,
    questions = {
      { id = "e5_predict", points = 3,
        text = "predict the CPUID round trip in cycles under the edited table",
        answer = function(ctx) return ctx.edited[CPUID].round end,
        accept = near(2),
        explain = function(ctx)
          return string.format("instructions %d + 2 x %d + %d references x %d", ctx.base[CPUID].round - ctx.switch0 - ctx.refs,
            ctx.params.switch_cost, ctx.refs, ctx.params.walk_cost)
        end },
    },
    action = function(ctx) return "Measured under the edited table:\n" .. parts_table(ctx.edited) .. "\n\n" .. ctx.edited_exits end,
    check = function(ctx)
      local p = ctx.params
      local model = ctx.base[CPUID].round - ctx.switch0 - ctx.refs + 2 * p.switch_cost + ctx.refs * p.walk_cost
      local got = ctx.edited[CPUID].round
      return math.abs(got - model) <= model * 0.01,
        string.format("the linear model predicts %d cycles, the machine took %d", model, got)
    end },
  { title = "In the kernel or out to the VMM",
    text = "A CPUID exit is answered inside the kernel: the vCPU loop (hyperv/vcpu.c) handles it and\n" ..
      "VMRUNs again without leaving the VCPU_RUN ioctl. A VMMCALL console write is handed out:\n" ..
      "VCPU_RUN returns to the user-space VMM `vm`, which write()s the byte to its standard output\n" ..
      "(a system call through the tty to the host's UART) and calls VCPU_RUN again. (Port I/O to\n" ..
      "COM1 is emulated in the kernel too, hyperv/vdev.c: its bytes are buffered and reach vm about\n" ..
      "450 at a time -- KVM leaves the UART to the VMM, so there every such OUT goes out.) Use the\n" ..
      "host parts in the table of step 2 (default table).",
    questions = {
      { id = "e6_vmm_extra", points = 2,
        text = "how many more host cycles does one exit to the VMM (VMMCALL) cost than one in-kernel CPUID exit?",
        answer = function(ctx) return ctx.base[VMMCALL].host - ctx.base[CPUID].host end,
        explain = "the return to user space, vm's write() system call and the next VCPU_RUN ioctl" },
      { id = "e7_user_exit", points = 1,
        text = "which of the guest's two kinds of exit did `vm` in user space see, one by one? (cpuid/vmmcall)",
        answer = function() return VMMCALL end },
    },
    action = function(ctx)
      return string.format("host part: cpuid %d, vmmcall %d cycles (%.1fx)", ctx.base[CPUID].host,
        ctx.base[VMMCALL].host, ctx.base[VMMCALL].host / ctx.base[CPUID].host)
    end,
    check = function(ctx)
      local r = ctx.base[VMMCALL].host / ctx.base[CPUID].host
      return r > 1.5 and r < 4,
        string.format("an exit to the VMM costs %.1fx an in-kernel exit (the lab says: 1.5x to 4x)", r)
    end },
}

return lab
