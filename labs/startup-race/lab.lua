-- Lab 1: the start-up race. Cycles from "start" (Enter at the toy OS's shell) to "ready" (the
-- word printed by what was started) for a container (cold and warm image), a cold VM of a small
-- bare guest, the same guest restored from a snapshot (`vm run --snapshot`, `vm restore`:
-- hyperv/vm/snapshot.c), a VM booting the toy OS itself, and that booted toy OS restored from a
-- snapshot taken at its shell's prompt (`snapshot=ready`: the VM_HC_SNAPSHOT hypercall) to the
-- word "ready" echoed by the restored shell; each broken down from the trace (ctr's
-- trace_marker steps; vm's exec, VCPU_CREATE, first VMRUN, the snapshot hypercall).

-- Type a command, run until `ready` shows (checked every 20,000 cycles), then to the prompt.
-- Returns the cycles from Enter to ready, the events since Enter, the cycle of Enter.
local function race(m, cmd, ready)
  local seq, start = m:event_seq(), m:cycles()
  local first, rest = cmd:match("^([^\n]*)(.*)$")   -- lines after the first: typed ahead for the VM
  m:type(first .. '; echo E""ND' .. rest .. '\n')
  local why = m:run{ until_serial = ready, cycles = 3e9 }
  if why ~= "serial" then error("'" .. cmd .. "' never printed '" .. ready .. "' (" .. why .. "): " .. m:serial():sub(-300)) end
  local t = m:cycles() - start
  m:expect("END", { cycles = 3e9 })
  m:expect("$ ", { cycles = 1e8 })
  local evs = m:events{ after = seq, kinds = { "lab_mark", "task_create", "vm_create", "vmrun", "vmexit" }, limit = 1000000 }
  return t, evs, start
end

-- The breakdown of a start: named moments (cycles after Enter).
local function moments(evs, start, tool)
  local at = {}
  for _, e in ipairs(evs) do
    local c = e.cycle - start
    if e.kind == "lab_mark" then
      local text = (e.payload or ""):sub(5):gsub("%z.*", "")   -- vx86_probe_lab_mark: u32 id, text
      if not at[text] then at[text] = c end
    elseif e.kind == "task_create" and e.name == tool and not at.exec then at.exec = c
    elseif e.kind == "vm_create" and not at.vcpu then at.vcpu = c
    elseif e.kind == "vmrun" and not at.vmrun then at.vmrun = c
    elseif e.kind == "vmexit" and e.exit_name == "vmmcall" and not at.snapcall then at.snapcall = c end
  end
  return at
end

local function row(name, c) return ("  %-44s %12d\n"):format(name, c) end

local function within(rel, abs) return vx.near{ rel = rel, abs = abs, percent = true, eps = 1e-9 } end

local lab = {
  id = "startup-race",
  title = "The start-up race: container, cold VM, OS boot, restore",
  version = "1.2",
  summary = "cycles from start to ready for a container, a cold VM, a VM booting the toy OS and a snapshot restore",
  minutes = 45,
  claim = "VMs boot in minutes, containers start in seconds",
  introduction = [[
Articles say a VM boots in minutes and a container starts in seconds. This lab races four ways of
starting something on the toy OS, in vx86's virtual cycles (1e9 per second), from "start" (Enter
at the shell) to "ready" (the word the started thing prints):
  a container         ctr run IMAGE echo ready     (twice: the first run unpacks the image)
  a cold VM           vm run /vm/boot.elf ...      (a small bare guest with a seeded "boot")
  a restored VM       vm restore FILE              (that guest, saved just before "ready")
  the toy OS as a VM  vm run ... /vm/kernel.elf    (the whole OS booting inside the VM)
  a restored toy OS   vm restore FILE              (the toy OS saved at its shell's prompt,
                                                    then "echo ready" typed at the restored shell)
The trace breaks each down: ctr writes a trace_marker line per step (image, cgroup, clone,
mounts, pivot_root, hostname, exec); vm's steps show as its exec, VCPU_CREATE (a vm_create event,
after its memory is allocated and the image loaded) and the first VMRUN. Times are measured to
20,000 cycles. Percentages: whole numbers (2 either way); ratios: within 10%.]],
  answers_format = [[
Plain text "question_id = answer" lines ('#' comments, "seed = N"), or a Lua file returning
{ question_id = value or function(params) ... end }; params has seed, memory_mib (the small
VM's), pages and work (its boot), image (the container's) and os_memory_mib (the toy OS's VM).]],
}

function lab.setup(ctx)
  local rng = ctx.rng
  local mib, pages, work = rng:choice{ 4, 6, 8 }, rng:range(2, 32) * 8, rng:range(20, 50) * 100000
  local image, os_mib = rng:choice{ "base", "slim", "app" }, rng:choice{ 24, 32, 40, 48, 64 }
  ctx.params.seed, ctx.params.memory_mib, ctx.params.pages, ctx.params.work = ctx.seed, mib, pages, work
  ctx.params.image, ctx.params.os_memory_mib = image, os_mib
  local kernel, initrd = ctx.os_image("kernel.elf"), ctx.os_image("initrd.img")
  local m = vx.boot{ kernel = kernel, memory = "256M", cmdline = "quiet",
                     modules = { initrd, { path = ctx.image("boot.elf"), args = "/vm/boot.elf" },
                                 { path = kernel, args = "/vm/kernel.elf" }, { path = initrd, args = "/vm/initrd.img" } } }
  if m:run{ until_serial = "$ ", cycles = 5e8 } ~= "serial" then error("the toy OS did not reach its shell") end
  local r = {}
  local function go(key, cmd, ready, tool)
    local from = #m:serial()
    local t, evs, start = race(m, cmd, ready)
    r[key] = { t = t, at = moments(evs, start, tool), ready = m:serial():sub(from + 1):match("ready 0x%x+") }
  end
  go("cold_ctr", ('ctr run %s echo re""ady'):format(image), "ready", "ctr")
  go("warm_ctr", ('ctr run %s echo re""ady'):format(image), "ready", "ctr")
  local guest = ("/vm/boot.elf pages=%d work=%d"):format(pages, work)
  go("cold_vm", ("vm run --memory %dM %s"):format(mib, guest), "ready 0x", "vm")
  ctx.snap_out = select(2, race(m, ("vm run --memory %dM --snapshot /tmp/boot.vm %s snap"):format(mib, guest), "pages, eip"))
  local snap = m:serial():match("snapshot /tmp/boot.vm: (%d+) of")
  if not snap then error("vm did not save the snapshot: " .. m:serial():sub(-300)) end
  ctx.snap_pages = tonumber(snap)
  go("restore", "vm restore /tmp/boot.vm", "ready 0x", "vm")
  go("os_vm", ([[vm run --memory %dM --module /vm/initrd.img /vm/kernel.elf 'quiet cmd=echo re""ady']]):format(os_mib), "ready", "vm")
  -- The toy OS booted to its shell's prompt, where `snapshot=ready` makes the VM_HC_SNAPSHOT
  -- hypercall: vm saves it and the VM runs on (typed ahead: poweroff, once it is saved).
  local seq, t0 = m:event_seq(), m:cycles()
  m:type(("vm run --memory %dM --snapshot /tmp/os.vm --module /vm/initrd.img /vm/kernel.elf snapshot=ready quiet; echo E\"\"ND\n"):format(os_mib))
  if m:run{ until_serial = "vm: snapshot /tmp/os.vm", cycles = 3e9 } ~= "serial" then error("the toy OS was not saved: " .. m:serial():sub(-300)) end
  m:type("poweroff\n")
  m:expect("END", { cycles = 3e9 })
  m:expect("$ ", { cycles = 1e8 })
  local boot_at = moments(m:events{ after = seq, kinds = { "task_create", "vm_create", "vmrun", "vmexit" }, limit = 1000000 }, t0, "vm")
  r.os_boot = { t = boot_at.snapcall, at = boot_at }
  if not r.os_boot.t then error("no snapshot hypercall in the trace") end
  -- Its restore, to "ready" echoed by the restored shell (typed ahead: vm's console passes it on).
  local from = #m:serial()
  local t, evs, start = race(m, 'vm restore /tmp/os.vm\necho re""ady\npoweroff', "ready")
  r.os_restore = { t = t, at = moments(evs, start, "vm"), answered = m:serial():sub(from + 1):find("\nready") ~= nil }
  ctx.r, ctx.m, ctx.guest = r, m, guest
  local o = r.os_vm
  ctx.os_setup = o.at.vmrun
  ctx.linux_ratio = (o.at.vmrun + 1e9) / r.warm_ctr.t
end

local function ctr_table(c)
  local a = c.at
  return row("shell forks, ctr starts (exec)", a.exec) .. row("'ctr run' mark", a["ctr run"]) ..
    row("'ctr cgroup' mark (image ready)", a["ctr cgroup"]) .. row("'ctr clone' mark", a["ctr clone"]) ..
    row("'ctr mounts' mark", a["ctr mounts"]) .. row("'ctr pivot_root' mark", a["ctr pivot_root"]) ..
    row("'ctr exec' mark (execve of the command)", a["ctr exec"])
end

local function vm_table(v)
  return row("shell forks, vm starts (exec)", v.at.exec) .. row("VCPU_CREATE (memory set up, image loaded)", v.at.vcpu) ..
    row("first VMRUN (the guest's first instruction)", v.at.vmrun)
end

lab.steps = {
  { title = "A container starts",
    text = function(ctx)
      return ("The first `ctr run %s echo ready` after boot, in cycles after Enter (ctr's trace marks):\n\n"):format(ctx.params.image) ..
        ctr_table(ctx.r.cold_ctr) .. row("\"ready\" on the console", ctx.r.cold_ctr.t) ..
        "\nBetween 'ctr run' and 'ctr cgroup' ctr reads the image (index, manifest, config) and unpacks\n" ..
        "each layer that is not unpacked yet into /var/lib/ctr/layers (containers/ctr/image.c)."
    end,
    questions = {
      { id = "r1_image_cycles", points = 2,
        text = "how many cycles did the first container spend on its image ('ctr run' to 'ctr cgroup')?",
        answer = function(ctx) return ctx.r.cold_ctr.at["ctr cgroup"] - ctx.r.cold_ctr.at["ctr run"] end },
    } },
  { title = "The second container",
    text = function(ctx)
      return ("A second `ctr run %s echo ready` right after, the layers now unpacked:\n\n"):format(ctx.params.image) ..
        ctr_table(ctx.r.warm_ctr) .. row("\"ready\" on the console", ctx.r.warm_ctr.t)
    end,
    questions = {
      { id = "r2_saved_pct", points = 2,
        text = "what percent of the first start did the second one save ((first - second) / first, whole percent)?",
        answer = function(ctx) return math.floor(100 * (ctx.r.cold_ctr.t - ctx.r.warm_ctr.t) / ctx.r.cold_ctr.t + 0.5) end,
        accept = within(0, 2),
        explain = "the unpacking of the layers; reading the image's JSON and checking the layers still costs the second run" },
    },
    check = function(ctx)
      local c, w = ctx.r.cold_ctr, ctx.r.warm_ctr
      local img = (c.at["ctr cgroup"] - c.at["ctr run"]) / c.t
      return w.t < c.t and img > 0.3,
        ("first container %d cycles (%.0f%% on its image), second %d (the lab says: the image step is over 30%% " ..
         "of the first start, and the second start is faster)"):format(c.t, 100 * img, w.t)
    end },
  { title = "A cold VM and the toy OS as a VM",
    text = function(ctx)
      local r = ctx.r
      return ("A cold VM of a small guest (%d MiB; its boot writes %d pages and computes %d steps):\n\n    vm run --memory %dM %s\n\n"):format(
          ctx.params.memory_mib, ctx.params.pages, ctx.params.work, ctx.params.memory_mib, ctx.guest) ..
        vm_table(r.cold_vm) .. row("\"ready\" on the console", r.cold_vm.t) ..
        ("\nThe toy OS booting in a VM of %d MiB (its kernel and initrd are files of the host OS):\n\n"):format(ctx.params.os_memory_mib) ..
        ("    vm run --memory %dM --module /vm/initrd.img /vm/kernel.elf 'quiet cmd=echo ready'\n\n"):format(ctx.params.os_memory_mib) ..
        vm_table(r.os_vm) .. row("\"ready\" on the console", r.os_vm.t)
    end,
    questions = {
      { id = "r3_os_setup_pct", points = 2,
        text = "for the toy OS in a VM, what percent of start-to-ready passed before the guest's first instruction?",
        answer = function(ctx) return math.floor(100 * ctx.os_setup / ctx.r.os_vm.t + 0.5) end,
        accept = within(0, 2),
        explain = "VM_SET_MEMORY allocates and zeroes every frame of the VM's memory, then vm copies the kernel and initrd in" },
      { id = "r4_os_ratio", points = 2,
        text = "how many times faster did the second container reach ready than the toy OS in a VM (within 10%)?",
        answer = function(ctx) return math.floor(ctx.r.os_vm.t / ctx.r.warm_ctr.t + 0.5) end,
        accept = within(0.10) },
      { id = "r5_claim_100x", points = 1,
        text = "is the container more than 100 times faster than the toy OS's VM boot here? (yes/no)",
        answer = function(ctx) return ctx.r.os_vm.t / ctx.r.warm_ctr.t > 100 end,
        explain = "the toy OS boots in a few million cycles once vm has set up its memory" },
      { id = "r6_linux_ratio", points = 2,
        text = "if the guest OS's own boot took one second (1e9 cycles, a small Linux) after the same setup, " ..
               "how many times faster would the second container be (within 10%)?",
        answer = function(ctx) return math.floor(ctx.linux_ratio + 0.5) end,
        accept = within(0.10),
        explain = "(cycles to the first VMRUN + 1e9) / the container's start" },
    },
    action = function(ctx) return ctx.m:picture("gantt") end,
    check = function(ctx)
      local ratio, share = ctx.r.os_vm.t / ctx.r.warm_ctr.t, ctx.os_setup / ctx.r.os_vm.t
      return ratio >= 10 and ratio <= 100 and share > 0.5 and ctx.linux_ratio > 100,
        ("the second container is %.0fx faster than the toy OS's VM boot, %.0f%% of which is vm's setup; with a " ..
         "1 s guest boot it would be %.0fx (the lab says: 10x to 100x here, over half of it setup, over 100x with " ..
         "a 1 s boot)"):format(ratio, 100 * share, ctx.linux_ratio)
    end },
  { title = "Restoring instead of booting",
    text = function(ctx)
      return "`vm run --snapshot /tmp/boot.vm` ran the same guest with `snap`: just before \"ready\" it writes the\n" ..
        "debug-exit port, the VM ends, and vm saves its registers and every page that is not all zeros\n" ..
        "(hyperv/vm/snapshot.c). `vm restore /tmp/boot.vm` makes a new VM of the same size with demand-zero\n" ..
        "RAM, maps the snapshot file over it copy-on-write (as Firecracker mmaps its memory file), sets the\n" ..
        "registers, and runs: the guest continues after its OUT, its pages copied only as it writes them."
    end,
    questions = {
      { id = "r7_snap_pages", points = 1,
        text = "about how many pages did the snapshot save (within 8)?",
        answer = function(ctx) return ctx.snap_pages end,
        accept = within(0, 8),
        explain = "the pages the boot wrote, plus the image's code, data and stack" },
      { id = "r8_restore_speedup", points = 2,
        text = "how many times faster than the cold VM did the restored VM reach ready (within 10%)?",
        answer = function(ctx) return math.floor(ctx.r.cold_vm.t / ctx.r.restore.t + 0.5) end,
        accept = within(0.10) },
      { id = "r9_restore_setup", points = 2,
        text = "does the restore spend most of its start before the guest's first instruction? (yes/no)",
        answer = function(ctx) return ctx.r.restore.at.vmrun > ctx.r.restore.t / 2 end,
        explain = "vm's own start (exec, reading the snapshot's header) and making the VM (VM_SET_MEMORY, VM_MAP_FILE of the file) come first; the guest then runs only from \"ready\" on, copying a page only when it writes it" },
    },
    action = function(ctx)
      local r = ctx.r
      return "The restore:\n" .. vm_table(r.restore) .. row("\"ready\" on the console", r.restore.t) ..
        ("\nstart to ready: container %d (first %d), restore %d, cold VM %d, toy OS VM %d cycles"):format(
          r.warm_ctr.t, r.cold_ctr.t, r.restore.t, r.cold_vm.t, r.os_vm.t)
    end,
    check = function(ctx)
      local r = ctx.r
      local vs_cold, vs_ctr, setup = r.cold_vm.t / r.restore.t, r.restore.t / r.warm_ctr.t, r.restore.at.vmrun / r.restore.t
      local same = r.restore.ready ~= nil and r.restore.ready == r.cold_vm.ready
      return same and vs_cold > 3 and setup > 0.5 and vs_ctr < 8,
        ("the restored guest printed %s as the cold one did (%s); the restore is %.1fx faster than the cold VM, %.0f%% " ..
         "of it before the first VMRUN, %.1fx the container's start (the lab says: the same result, over 3x faster " ..
         "than cold, mostly memory setup, within 8x of the container)"):format(tostring(r.restore.ready),
          tostring(r.cold_vm.ready), vs_cold, 100 * setup, vs_ctr)
    end },
  { title = "Restoring a booted OS",
    text = function(ctx)
      local r = ctx.r
      return ("The toy OS booted again in a VM of %d MiB, now with `snapshot=ready`:\n\n"):format(ctx.params.os_memory_mib) ..
        ("    vm run --memory %dM --snapshot /tmp/os.vm --module /vm/initrd.img /vm/kernel.elf snapshot=ready quiet\n\n"):format(ctx.params.os_memory_mib) ..
        "When its shell first blocks reading the console (the prompt: the OS is ready), its kernel makes the\n" ..
        "VM_HC_SNAPSHOT hypercall; vm saves the VM -- memory, registers, segment and control registers,\n" ..
        "the virtual PICs, PIT and UART -- and lets it run on (Firecracker: pause, snapshot, resume).\n\n" ..
        vm_table(r.os_boot) .. row("snapshot hypercall (shell at its prompt)", r.os_boot.t) ..
        "\nThen `vm restore /tmp/os.vm`, with `echo ready` typed at the restored shell:\n\n" ..
        vm_table(r.os_restore) .. row("\"ready\" from the restored shell", r.os_restore.t)
    end,
    questions = {
      { id = "r10_os_restore_speedup", points = 2,
        text = "how many times sooner did the restored toy OS answer \"ready\" than the booting one reached its prompt (within 10%)?",
        answer = function(ctx) return ("%.1f"):format(ctx.r.os_boot.t / ctx.r.os_restore.t) end,
        accept = within(0.10),
        explain = "the restore skips the whole boot; what is left is vm's start, mapping the snapshot, and the guest's work on the typed line" },
      { id = "r11_os_restore_setup_pct", points = 2,
        text = "what percent of the restore's start-to-ready passed before the restored OS's first instruction?",
        answer = function(ctx) return math.floor(100 * ctx.r.os_restore.at.vmrun / ctx.r.os_restore.t + 0.5) end,
        accept = within(0, 2),
        explain = "vm's exec, VM_SET_MEMORY of demand-zero RAM, VM_MAP_FILE of the snapshot (no page copied) and the vCPU state; the rest is the guest: the typed line through the virtual UART, the shell's echo, and a copy of each page it writes" },
      { id = "r12_os_restore_vs_ctr", points = 2,
        text = "how many times the second container's start-to-ready did the restored toy OS take to answer \"ready\" (within 10%)?",
        answer = function(ctx) return ("%.1f"):format(ctx.r.os_restore.t / ctx.r.warm_ctr.t) end,
        accept = within(0.10),
        explain = "a restored VM starts in the container's league: neither boots; the VM still makes a VM, maps its memory and runs a whole guest kernel to answer" },
    },
    check = function(ctx)
      local r = ctx.r
      local speedup, vs_ctr = r.os_boot.t / r.os_restore.t, r.os_restore.t / r.warm_ctr.t
      return r.os_restore.answered and speedup > 8 and vs_ctr < 6,
        ("the restored toy OS answered \"ready\" %.1fx sooner than its boot reached the prompt, in %.1fx the container's " ..
         "start (the lab says: the restored shell answers, over 8x sooner than the boot, within 6x of the container)"):format(
          speedup, vs_ctr)
    end },
}

return lab
