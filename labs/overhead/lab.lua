-- Lab 3: CPU-bound versus I/O-bound overhead. The same compute loop (loop.h) bare on vx86, as a
-- process and in a container of the toy OS, and as a VM of the toy OS; then B bytes of console
-- output bare, through the VM's trapping UART (every port access exits) and through the
-- paravirtual console (one VMMCALL per buffer). Cycles from the programs' own RDTSC (not
-- intercepted: one virtual clock everywhere), exits from the trace.

local function shell(m, cmd)
  local from = #m:serial()
  m:type(cmd .. '; echo E""ND\n')
  m:expect("END", { cycles = 3e9 })
  m:expect("$ ", { cycles = 1e8 })
  return m:serial():sub(from + 1)
end

local function loop_cycles(out, where)
  local c = out:match("compute: %d+ iterations (%d+) cycles")
  if not c then error("no result from the loop " .. where .. ": " .. out:sub(-300)) end
  return tonumber(c)
end

local function console_cycles(out, kind, where)
  local c = out:match("console: " .. kind .. " %d+ bytes (%d+) cycles")
  if not c then error("no console result " .. where .. ": " .. out:sub(-300)) end
  return tonumber(c)
end

-- Exits per name of the VM runs after trace event `seq`.
local function count_exits(m, seq)
  local n = {}
  for _, e in ipairs(m:events{ kinds = { "vmexit" }, after = seq }) do n[e.exit_name] = (n[e.exit_name] or 0) + 1 end
  return n
end

local function within(rel, abs) return vx.near{ rel = rel, abs = abs, percent = true, eps = 1e-9 } end

local function pct(x, base) return 100 * (x - base) / base end

local lab = {
  id = "overhead",
  title = "CPU-bound vs I/O-bound overhead: bare, container, VM",
  version = "1.0",
  summary = "the same loop bare, in a container and in a VM; 10 KB through a trapping UART vs a paravirtual console",
  minutes = 45,
  claim = "VMs lose 15-30% to virtualization; containers under 5%",
  introduction = [[
Articles say a VM loses 15-30% of its performance to virtualization and a container under 5%. Both
numbers are averages over workloads; this lab measures two extremes. A CPU-bound loop touches
no device: in a container it is an ordinary process of the host kernel, in a VM it runs on the
CPU in guest mode until the host's timer forces an exit. An I/O-bound guest that prints through
an emulated UART exits on every port access (the toy OS's hypervisor intercepts every port);
a paravirtual console hands the hypervisor a whole buffer per exit (VMMCALL), as virtio does.
All cycles are vx86's virtual cycles read by the programs themselves with RDTSC, which the
hypervisor does not intercept. Percentages: two decimals are enough (0.05 either way is
accepted); ratios and predictions: whole numbers (the tolerance is said with each question).]],
  answers_format = [[
Plain text "question_id = answer" lines ('#' comments, "seed = N"), or a Lua file returning
{ question_id = value or function(params) ... end }; params has seed, iterations (of the loop)
and bytes (of console output).]],
}

function lab.setup(ctx)
  local n, bytes = ctx.rng:range(10, 40) * 100000, ctx.rng:range(8, 12) * 1024
  ctx.params.seed, ctx.params.iterations, ctx.params.bytes = ctx.seed, n, bytes
  ctx.n, ctx.bytes = n, bytes
  local compute = ctx.image("compute.elf")

  -- Bare: the image is the whole machine (no OS at all).
  local b = vx.boot{ kernel = compute, memory = "16M", cmdline = ("compute=%d uart=%d"):format(n, bytes) }
  local why = b:run{ cycles = 2e9 }
  if why ~= "exit" then error("the bare run did not finish (" .. why .. ")") end
  ctx.bare = loop_cycles(b:serial(), "bare")
  ctx.bare_uart = console_cycles(b:serial(), "uart", "bare")
  b:close()

  -- The toy OS: the loop as a process, in a container, as a VM; then the console in VMs.
  local m = vx.boot{ kernel = ctx.os_image("kernel.elf"), memory = "64M", cmdline = "quiet",
                     modules = { ctx.os_image("initrd.img"), { path = compute, args = "/vm/compute.elf" },
                                 { path = ctx.image("compute_proc.elf"), args = "/bin/compute_proc" } } }
  if m:run{ until_serial = "$ ", cycles = 5e8 } ~= "serial" then error("the toy OS did not reach its shell") end
  ctx.process = loop_cycles(shell(m, "compute_proc " .. n), "as a process")
  -- ctr has no volumes: the program goes into the container's upper layer, then ctr exec runs it
  -- in the container's namespaces and cgroup.
  shell(m, "ctr run -d --name lab3 base sleep 1000")
  shell(m, "mkdir -p /var/lib/ctr/containers/lab3/upper/bin && cp /bin/compute_proc /var/lib/ctr/containers/lab3/upper/bin/")
  ctx.container = loop_cycles(shell(m, "ctr exec lab3 /bin/compute_proc " .. n), "in a container")
  local seq = m:event_seq()
  local out = shell(m, ("vm run --stats /vm/compute.elf compute=%d"):format(n))
  ctx.vm = loop_cycles(out, "in a VM")
  ctx.vm_stats = out:match("(vm %d+:.*)\n[^\n]*END") or ""
  ctx.vm_exits = count_exits(m, seq)
  seq = m:event_seq()
  out = shell(m, ("vm run --stats /vm/compute.elf uart=%d"):format(bytes))
  ctx.vm_uart = console_cycles(out, "uart", "in a VM")
  ctx.uart_exits = count_exits(m, seq)
  seq = m:event_seq()
  out = shell(m, ("vm run --stats /vm/compute.elf pv=%d"):format(bytes))
  ctx.vm_pv = console_cycles(out, "pv", "in a VM")
  ctx.pv_exits = count_exits(m, seq)
  ctx.m = m
end

lab.steps = {
  { title = "The same loop, four ways",
    text = function(ctx)
      return ("The loop of labs/overhead/loop.h, %d iterations, timed with RDTSC around the loop:\n\n"):format(ctx.n) ..
        ("  %-34s %12s\n"):format("where", "loop cycles") ..
        ("  %-34s %12d\n"):format("bare vx86 (no OS)", ctx.bare) ..
        ("  %-34s %12d\n"):format("process of the toy OS", ctx.process) ..
        ("  %-34s %12d\n"):format("container (ctr exec)", ctx.container) ..
        ("  %-34s %12d\n"):format("VM of the toy OS (vm run)", ctx.vm)
    end,
    questions = {
      { id = "o1_container_pct", points = 2,
        text = "the container's overhead over bare, in percent?",
        answer = function(ctx) return ("%.2f"):format(pct(ctx.container, ctx.bare)) end,
        accept = within(0, 0.05),
        explain = "100 x (container - bare) / bare: the host's timer interrupts during the loop, nothing else" },
      { id = "o2_vm_pct", points = 2,
        text = "the VM's overhead over bare, in percent?",
        answer = function(ctx) return ("%.2f"):format(pct(ctx.vm, ctx.bare)) end,
        accept = within(0, 0.05),
        explain = "100 x (VM - bare) / bare: the timer's INTR exits and the TLB refill after each" },
      { id = "o3_cpu_under5", points = 1,
        text = "for this CPU-bound loop, do both the container and the VM stay under 5%? (yes/no)",
        answer = function(ctx) return pct(ctx.container, ctx.bare) < 5 and pct(ctx.vm, ctx.bare) < 5 end },
    },
    action = function(ctx)
      local ex = {}
      for k, v in pairs(ctx.vm_exits) do ex[#ex + 1] = k .. " " .. v end
      table.sort(ex)
      return "The VM's exits during that run (trace): " .. table.concat(ex, ", ") ..
        "\n(intr: the host's 100 Hz timer; ioio: the guest's printf at the end)\n" .. ctx.vm_stats
    end,
    check = function(ctx)
      local c, v = pct(ctx.container, ctx.bare), pct(ctx.vm, ctx.bare)
      return c >= 0 and c < 1 and v >= 0 and v < 5,
        ("CPU-bound: container +%.3f%%, VM +%.3f%% (the lab says: container under 1%%, VM under 5%%)"):format(c, v)
    end },
  { title = "Bytes through a trapping UART",
    text = function(ctx)
      return ("Now the guest prints %d bytes through COM1. Its driver (kernel/lib) polls the line status\n" ..
        "register (an IN) and writes the byte (an OUT) -- in a VM each is an IOIO exit that the kernel's\n" ..
        "virtual 16550 answers (hyperv/vdev.c). Bare, the same %d bytes took %d cycles.\n" ..
        "A VM exit round trip costs about 2,100 cycles (lab 2)."):format(ctx.bytes, ctx.bytes, ctx.bare_uart)
    end,
    questions = {
      { id = "o4_uart_exits", points = 2,
        text = "how many IOIO exits does the VM take for the whole run (within 2%)?",
        answer = function(ctx) return ctx.uart_exits.ioio or 0 end,
        accept = within(0.02),
        explain = "two per byte (status read, data write), plus the run's few short lines" },
      { id = "o5_uart_cycles", points = 2,
        text = "predict the cycles the VM takes for the bytes (within 15%)",
        answer = function(ctx) return ctx.vm_uart end,
        accept = within(0.15),
        explain = "exits x round trip: ~2 x bytes x 2,200" },
    },
    action = function(ctx)
      return ("Measured: %d cycles in the VM against %d bare: %.0fx.\n"):format(ctx.vm_uart, ctx.bare_uart,
        ctx.vm_uart / ctx.bare_uart)
    end,
    check = function(ctx)
      local r = ctx.vm_uart / ctx.bare_uart
      return r > 10, ("trapping UART: the VM takes %.0fx the bare cycles (the lab says: over 10x)"):format(r)
    end },
  { title = "The paravirtual console",
    text = function(ctx)
      return ("The same %d bytes through VMMCALL (VM_HC_CONSOLE_WRITE, kernel/uapi/vm.h): the kernel copies\n" ..
        "what fits into the VMM's 512-byte buffer (VM_RUN_OUT) and returns to `vm`, which write()s it;\n" ..
        "the guest calls again with the rest. The VM took %d cycles for them."):format(ctx.bytes, ctx.vm_pv)
    end,
    questions = {
      { id = "o6_pv_exits", points = 2,
        text = "how many VMMCALL exits did the bytes take (within 1)?",
        answer = function(ctx) return ctx.pv_exits.vmmcall or 0 end,
        accept = within(0, 1),
        explain = "bytes / 512, rounded up, or one more when the buffer already held the banner" },
      { id = "o7_pv_speedup", points = 1,
        text = "how many times faster is the paravirtual console than the trapping UART (within 10%)?",
        answer = function(ctx) return math.floor(ctx.vm_uart / ctx.vm_pv + 0.5) end,
        accept = within(0.10) },
      { id = "o8_io_over30", points = 2,
        text = "against the bare guest's UART, does the VM lose more than 30% even with the paravirtual console? (yes/no)",
        answer = function(ctx) return pct(ctx.vm_pv, ctx.bare_uart) > 30 end,
        explain = "the bytes still cross the host's own tty and UART driver after the guest's copy" },
    },
    action = function(ctx)
      local lines = { ("paravirtual: %d cycles, %.1fx the bare UART; trapping UART %.0fx."):format(ctx.vm_pv,
        ctx.vm_pv / ctx.bare_uart, ctx.vm_uart / ctx.bare_uart), "", vx.show.exits(ctx.m), ctx.m:picture("exits") }
      return table.concat(lines, "\n")
    end,
    check = function(ctx)
      local ex, r = ctx.pv_exits.vmmcall or 0, ctx.vm_uart / ctx.vm_pv
      return ex <= ctx.bytes // 256 and r > 10 and ctx.vm_pv > ctx.bare_uart * 1.3,
        ("paravirtual: %d exits, %.0fx faster than the trapping UART, still %.1fx bare (the lab says: at most one exit " ..
         "per 256 bytes, over 10x faster, over 1.3x bare)"):format(ex, r, ctx.vm_pv / ctx.bare_uart)
    end },
}

return lab
