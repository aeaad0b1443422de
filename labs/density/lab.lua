-- Lab 5: density at fixed RAM (cgroup v2 memory controller: containers/cgroup.c; the frame table:
-- kernel/frame.c; guest memory: hyperv/mem.c). The toy OS gets two cgroups with the same seeded
-- memory.max; the lab starts containers (each an idle service with a seeded working set,
-- labs/density/os/hold.c) in one until the first OOM kill, then VMs (labs/density/guest/idle.c,
-- the same service in `vm run --memory 2M`) in the other, then the same VMs sharing their image
-- (`vm run --share`: demand-zero RAM, the image's pages mapped copy-on-write from its file) in a
-- third, and reads the bytes per instance from memory.current, /proc/meminfo and the kernel's own
-- frame table (found by its symbols).

local KERNBASE = 0xC0000000
local VM_MIB = 2                               -- vm's smallest --memory
local NSHARE = 14                              -- at most this many sharing VMs (the hypervisor has 16 slots)
local KIND = { [0] = "free", "reserved", "kernel", "pgtable", "user", "vm" }   -- enum frame_kind (kernel/vm.h)

local function near(pct) return vx.near{ rel = pct / 100 } end

local function kib(b) return string.format("%d KiB", b // 1024) end

local lab = {
  id = "density",
  title = "Density at fixed RAM: containers and VMs under one memory.max",
  version = "2.0",
  summary = "containers, then VMs, then VMs sharing a read-only image, under the same memory.max until it is full: bytes per instance from memory.current and the frame table",
  minutes = 40,
  claim = "a host runs 10-20 VMs but hundreds of containers",
  introduction = [[
How many instances of a service fit in a fixed amount of memory? The lab gives the toy OS two
cgroups, /ctr (where ctr puts every container) and /vms (where the shell that starts `vm` lives),
with the same memory.max, and starts instances of one idle service in each until the kernel's OOM
killer fires: containers running `hold NAME KIB` (it touches KIB KiB of heap and sleeps), then
VMs running a bare guest that touches the same KiB and halts (`vm run --memory 2M`, the smallest
VM `vm` makes), and last VMs that share their read-only image (`vm run --share`). A page is charged to the cgroup of the task that allocated it when it is first
touched (kernel/frame.c; a VM's guest RAM is allocated, hence charged, in full when it is made,
hyperv/mem.c, unless it is demand-zero); a charge past memory.max makes the kernel kill the task with the most user pages
inside that cgroup. /proc/meminfo's MemFree and the kernel's frame table (one struct frame per
4 KiB: kind, owner pid, cgroup charged) show what memory.current does not.
Give bytes as whole numbers; the answers say how close they must be.]],
  answers_format = [[
Plain text "question_id = answer" lines ('#' comments, "seed = N"), or a Lua file returning
{ question_id = value or function(params) ... end }; params has seed, memory_max (bytes),
hold_kib, vm_mib, and ctr / vms / share: the rows of each table (running, current, memfree).]],
}

-- The kernel's frame table: kernel/frame.c's `frames` (a pointer into the direct map) and
-- `nframes`; struct frame is { u16 ref; u8 kind; u8 memcg; i32 owner } (kernel/vm.h).
local function frame_table(m)
  local ptr = m:read32(m:symbol("frames") - KERNBASE, { phys = true })
  local n = m:read32(m:symbol("nframes") - KERNBASE, { phys = true })
  local raw = m:read(ptr - KERNBASE, n * 8, { phys = true })
  local t = { n = n, kind = {}, owner = {}, memcg = {}, ref = {} }
  for i = 0, n - 1 do
    local ref, kind, memcg, owner = string.unpack("<I2BBi4", raw, i * 8 + 1)
    t.kind[i], t.owner[i], t.memcg[i], t.ref[i] = kind, owner, memcg, ref
  end
  return t
end

-- Frames by owner pid: { [pid] = { total =, charged =, user =, pgtable =, vm = } }.
local function by_owner(ft)
  local o = {}
  for i = 0, ft.n - 1 do
    local pid, kind = ft.owner[i], KIND[ft.kind[i]]
    if pid > 0 and kind ~= "free" then
      local r = o[pid] or { total = 0, charged = 0, user = 0, pgtable = 0, vm = 0, kernel = 0 }
      o[pid] = r
      r.total = r.total + 1
      r[kind] = (r[kind] or 0) + 1
      if ft.memcg[i] ~= 0 then r.charged = r.charged + 1 end
    end
  end
  return o
end

-- The memory map: one character per 16 frames (64 KiB), the kind most of them have.
local function memory_map(ft, label)
  local ch = { free = ".", reserved = "R", kernel = "K", pgtable = "P", user = "U", vm = "V", shared = "S" }
  local lines = { "physical memory from the kernel's frame table, one character = 16 frames (64 KiB):" }
  local row = {}
  for c = 0, ft.n // 16 - 1 do
    local cnt, best, bn = {}, "free", -1
    for i = c * 16, c * 16 + 15 do
      local k = KIND[ft.kind[i]] or "kernel"
      if k == "user" and ft.memcg[i] ~= 0 then k = label(ft, i) end
      if k == "kernel" and ft.ref[i] > 1 then k = "shared" end   -- a file's page mapped into VMs
      cnt[k] = (cnt[k] or 0) + 1
      if cnt[k] > bn then best, bn = k, cnt[k] end
    end
    row[#row + 1] = ch[best] or best
    if #row == 64 then
      lines[#lines + 1] = string.format("0x%08x |%s|", (c - 63) * 16 * 4096, table.concat(row))
      row = {}
    end
  end
  lines[#lines + 1] = "R reserved (kernel image, frame table)  K kernel heap/stacks  P page tables  U user pages\n" ..
    "C user pages charged to /ctr (containers)  V VM guest RAM and nested tables  . free\n" ..
    "S a page of a file (the guest image) mapped read-only into VMs: one frame, however many VMs"
  return table.concat(lines, "\n")
end

function lab.setup(ctx)
  local rng = ctx.rng
  local max = rng:range(10, 16) * 512 * 1024
  local hold = rng:range(5, 8) * 64
  local p = ctx.params
  p.seed, p.memory_max, p.hold_kib, p.vm_mib = ctx.seed, max, hold, VM_MIB

  local m = vx.boot{ kernel = ctx.os_image("kernel.elf"), memory = "64M", cmdline = "quiet",
                     modules = { ctx.os_image("initrd.img"),
                                 { path = ctx.image("idle.elf"), args = "/vm/idle.elf" },
                                 { path = ctx.image("hold.elf"), args = "/bin/hold" } } }
  if m:run{ until_serial = "$ ", cycles = 5e8 } ~= "serial" then error("the toy OS did not reach its shell: " .. m:serial()) end
  local function sh(cmd)
    local from = #m:serial()
    m:type(cmd .. '; echo E""ND\n')
    m:expect("END", { cycles = 1e9 })
    m:expect("$ ", { cycles = 1e8 })
    return m:serial():sub(from + 1)
  end
  -- Start one instance; true when it says `ready`, or false and vm's line when `vm` refused it
  -- (VM_SET_MEMORY checks memory.max before it takes a frame: a VM's RAM is reserved whole).
  local function start(cmd, ready)
    local from = #m:serial()
    m:type(cmd .. " < /dev/null &\n")
    local function seen(text) return m:serial():find(text, from + 1, true) end
    m:run{ cycles = 1e9, ["until"] = function() return seen(ready) or seen("do not fit under") or seen("out of memory") end }
    if seen(ready) then return true end
    local line = m:serial():sub(from + 1):match("(vm: VM_SET_MEMORY:[^\r\n]*)") or
                 m:serial():sub(from + 1):match("(vm: guest stopped: out of memory[^(\r\n]*) ")
    if not line then error("neither '" .. ready .. "' nor vm's refusal within 1e9 cycles") end
    return false, line
  end
  local function measure(cg)
    local out = sh("cat /sys/fs/cgroup/" .. cg .. "/memory.current /proc/meminfo")
    local cur, free = out:match("(%d+)%s+MemTotal:.-MemFree:%s+(%d+) kB")
    if not cur then error("unexpected output: " .. out) end
    return tonumber(cur), tonumber(free) * 1024
  end
  -- The two cgroups, and the hold program added to the base image's (shared, unpacked) layer, as
  -- a new image layer would add it: every container sees it at /bin/hold.
  ctx.setup_cmd = "mkdir /sys/fs/cgroup/ctr /sys/fs/cgroup/vms; " ..
    "echo +memory +pids > /sys/fs/cgroup/cgroup.subtree_control; " ..
    "echo +memory +pids > /sys/fs/cgroup/ctr/cgroup.subtree_control; " ..
    string.format("echo %d > /sys/fs/cgroup/ctr/memory.max; echo %d > /sys/fs/cgroup/vms/memory.max; ", max, max) ..
    "ctr run --rm base true; for d in /var/lib/ctr/layers/*; do cp /bin/hold $d/bin/hold; done"
  sh(ctx.setup_cmd)

  -- Start instances until the trace shows an OOM kill (or `vm` is refused at creation); each row
  -- is measured with all started so far.
  local function fill(cg, cmd_of, ready_of, limit)
    local cur0, free0 = measure(cg)
    local rows, seq = { { running = 0, current = cur0, memfree = free0 } }, m:event_seq()
    for i = 1, limit do
      local started, refusal = start(cmd_of(i), ready_of(i))
      if not started then return rows, i, { refused = refusal } end
      local ooms = m:events{ kinds = { "cgroup_oom" }, after = seq }
      if #ooms > 0 then return rows, i, ooms[1] end
      local cur, free = measure(cg)
      rows[#rows + 1] = { running = i, current = cur, memfree = free }
    end
    error(cg .. ": no OOM kill after " .. limit .. " instances")
  end
  ctx.ctr_rows, ctx.ctr_started, ctx.ctr_oom = fill("ctr",
    function(i) return string.format("ctr run --name c%d base /bin/hold c%d %d", i, i, hold) end,
    function(i) return string.format("hold c%d: ready", i) end, 28)
  sh("echo $$ > /sys/fs/cgroup/vms/cgroup.procs")
  ctx.vm_cmd = string.format("vm run --memory %dM /vm/idle.elf id=N kib=%d", VM_MIB, hold)
  ctx.vm_rows, ctx.vm_started, ctx.vm_oom = fill("vms",
    function(i) return string.format("vm run --memory %dM /vm/idle.elf id=%d kib=%d", VM_MIB, i, hold) end,
    function(i) return string.format("idle %d: ready", i) end, 8)

  -- Now: ctr_started - 1 containers run (the OOM killer took one) and vm_started - 1 VMs (vm
  -- refused the next one at creation).
  ctx.ft = frame_table(m)
  ctx.owners = by_owner(ctx.ft)
  ctx.tasks = {}
  for _, t in ipairs(m:tasks()) do
    if t.pid == ctx.ctr_oom.pid then ctx.ctr_oom_name = t.name end
    if t.pid == ctx.vm_oom.pid then ctx.vm_oom_name = t.name end   -- (nil pid when vm was refused)
    if t.state ~= "zombie" and not t.exited then ctx.tasks[#ctx.tasks + 1] = t end
  end
  ctx.ctr_oom_name, ctx.vm_oom_name = ctx.ctr_oom_name or "?", ctx.vm_oom_name or "?"
  ctx.cgroups_svg_text, ctx.cgroups_svg = m:picture("cgroups", { width = 900 })
  ctx.m = m

  local cn, vn = #ctx.ctr_rows - 1, #ctx.vm_rows - 1
  ctx.ctr_fit, ctx.vm_fit = cn, vn
  -- Per instance: the slope from the first instance to the last (the first VM also pays for
  -- the shell's own pages charged to /vms from then on).
  local function slope(rows, field, sign)
    local n = #rows - 1
    return sign * (rows[n + 1][field] - rows[2][field]) // (n - 1)
  end
  ctx.ctr_charged, ctx.vm_charged = slope(ctx.ctr_rows, "current", 1), slope(ctx.vm_rows, "current", 1)
  ctx.ctr_memfree = slope(ctx.ctr_rows, "memfree", -1)
  -- Per container from the frame table: the hold task (in /ctr/cK) and its `ctr run` (in /).
  local hold_f, shim_f, nh, ns = 0, 0, 0, 0
  ctx.hold_pids = {}
  local vm_f, vmm_f, nv = 0, 0, 0
  for _, t in ipairs(ctx.tasks) do
    local o = ctx.owners[t.pid]
    if o and t.name:find("hold") then hold_f, nh = hold_f + o.total, nh + 1; ctx.hold_pids[t.pid] = true
    elseif o and t.name:find("^ctr") then shim_f, ns = shim_f + o.total, ns + 1
    elseif o and t.name:find("^vm") and o.vm > 0 then vm_f, vmm_f, nv = vm_f + o.vm, vmm_f + o.total - o.vm, nv + 1 end
  end
  if nh ~= cn or ns ~= cn or nv ~= vn then
    error(string.format("frame table: %d hold, %d ctr, %d vm tasks for %d containers and %d VMs", nh, ns, nv, cn, vn))
  end
  ctx.hold_bytes, ctx.shim_bytes = hold_f * 4096 // cn, shim_f * 4096 // cn
  ctx.vm_ram_bytes, ctx.vmm_bytes = vm_f * 4096 // vn, vmm_f * 4096 // vn
  local rows = function(r)
    local t = {}
    for _, x in ipairs(r) do t[#t + 1] = { running = x.running, current = x.current, memfree = x.memfree } end
    return t
  end
  p.ctr, p.vms = rows(ctx.ctr_rows), rows(ctx.vm_rows)

  -- Phase 3: the eager VMs stopped, the same service in VMs that share their image, in a third
  -- cgroup with the same memory.max: `vm run --share` gives each VM demand-zero RAM and maps the
  -- image's whole pages from the file /vm/idle.elf copy-on-write (VM_MAP_FILE, hyperv/mem.c), so
  -- the 384 KiB "kernel" is one set of frames (the file's) for every VM, charged to none.
  local pids = {}
  for _, t in ipairs(ctx.tasks) do if t.name:find("^vm") then pids[#pids + 1] = t.pid end end
  ctx.share_setup = "mkdir /sys/fs/cgroup/vmshare; " ..
    string.format("echo %d > /sys/fs/cgroup/vmshare/memory.max; echo $$ > /sys/fs/cgroup/vmshare/cgroup.procs", max)
  sh("kill " .. table.concat(pids, " ") .. "; sleep 0.05; " .. ctx.share_setup)
  ctx.share_cmd = string.format("vm run --share --memory %dM /vm/idle.elf id=N kib=%d", VM_MIB, hold)
  ctx.share_rows, ctx.share_started, ctx.share_oom = fill("vmshare",
    function(i) return string.format("vm run --share --memory %dM /vm/idle.elf id=%d kib=%d", VM_MIB, i, hold) end,
    function(i) return string.format("idle %d: ready", i) end, NSHARE)
  ctx.share_fit = #ctx.share_rows - 1
  sh("sleep 0.1")                                -- the refused VM's vm process has gone
  ctx.share_charged = slope(ctx.share_rows, "current", 1)
  ctx.ft3 = frame_table(m)
  local owners3 = by_owner(ctx.ft3)
  local sv, svmm, nsv = 0, 0, 0
  for _, t in ipairs(m:tasks()) do
    local o = owners3[t.pid]
    if o and t.name:find("^vm") and o.vm > 0 and t.state ~= "zombie" and not t.exited then
      sv, svmm, nsv = sv + o.vm, svmm + o.total - o.vm, nsv + 1
    end
  end
  -- The image's pages every running VM maps: kernel-heap frames (ramfs file pages) with one
  -- reference for the file and one per VM.
  local shared = 0
  for i = 0, ctx.ft3.n - 1 do
    if KIND[ctx.ft3.kind[i]] == "kernel" and ctx.ft3.ref[i] == ctx.share_fit + 1 then shared = shared + 1 end
  end
  if nsv ~= ctx.share_fit then
    error(string.format("frame table: %d vm tasks with guest RAM for %d sharing VMs", nsv, ctx.share_fit))
  end
  ctx.share_private_bytes, ctx.share_vmm_bytes = sv * 4096 // nsv, svmm * 4096 // nsv
  ctx.share_shared_kib = shared * 4
  p.share = rows(ctx.share_rows)
end

local function table_text(rows, what)
  local out = { string.format("  %-10s %16s %18s", what .. " up", "memory.current", "MemFree (bytes)") }
  for _, r in ipairs(rows) do out[#out + 1] = string.format("  %-10d %16d %18d", r.running, r.current, r.memfree) end
  return table.concat(out, "\n")
end

local function oom_text(ev)
  return string.format("the next start took the cgroup past memory.max (usage %s, max %s): the kernel killed pid %d",
    kib(ev.usage_bytes), kib(ev.max_bytes), ev.pid)
end

lab.steps = {
  { title = "Containers until the OOM killer",
    text = function(ctx)
      local p = ctx.params
      return string.format("memory.max of both cgroups: %d bytes (%s). The lab typed, at the toy OS's shell:\n\n    %s\n\n" ..
        "then `ctr run --name cK base /bin/hold cK %d < /dev/null &` for K = 1, 2, ... (each container's\n" ..
        "service touches %d KiB), after each one `cat /sys/fs/cgroup/ctr/memory.current /proc/meminfo`:\n\n%s\n\n%s.",
        p.memory_max, kib(p.memory_max), ctx.setup_cmd, p.hold_kib, p.hold_kib, table_text(ctx.ctr_rows, "containers"),
        oom_text(ctx.ctr_oom))
    end,
    questions = {
      { id = "d1_ctr_fit", points = 1,
        text = "how many containers ran at once before the first OOM kill?",
        answer = function(ctx) return ctx.ctr_fit end },
      { id = "d2_ctr_charged", points = 2, accept = near(1),
        text = "how many bytes does each further container add to memory.current? (1%)",
        answer = function(ctx) return ctx.ctr_charged end,
        explain = function(ctx)
          return string.format("its %d KiB working set plus the pages of a small program (code, data, stack) and its page tables", ctx.params.hold_kib)
        end },
      { id = "d3_ctr_memfree", points = 2, accept = near(3),
        text = "how many bytes of free memory (MemFree) does each further container take, on average? (3%)",
        answer = function(ctx) return ctx.ctr_memfree end,
        explain = "more than memory.current: the `ctr run` shim that waits for it lives in the root cgroup, and the kernel's share (its tasks' kernel stacks, mounts, overlay and cgroup state, files under /var/lib/ctr) is charged to no one" },
    },
    action = function(ctx)
      return string.format("From the kernel's frame table (the running containers' tasks, frames by owner pid): each\n" ..
        "container's /bin/hold owns %d bytes (charged to /ctr/cK), its `ctr run` shim %d bytes (in /, not charged).",
        ctx.hold_bytes, ctx.shim_bytes)
    end,
    check = function(ctx)
      local p = ctx.params
      local ok = ctx.ctr_fit >= 8 and ctx.ctr_fit <= 27 and ctx.ctr_charged >= p.hold_kib * 1024 and
        ctx.ctr_charged <= p.hold_kib * 1024 + 64 * 1024 and ctx.ctr_memfree > ctx.ctr_charged and ctx.hold_bytes == ctx.ctr_charged and
        ctx.ctr_oom_name:find("hold")
      return ok, string.format("%d containers fit in %s at %d bytes charged each (the lab says 8..27; the working set plus at most 64 KiB; the frame table agrees)",
        ctx.ctr_fit, kib(p.memory_max), ctx.ctr_charged)
    end },
  { title = "VMs under the same limit",
    text = function(ctx)
      return string.format("The lab moved the shell into /vms (echo $$ > /sys/fs/cgroup/vms/cgroup.procs) and started\n\n    %s < /dev/null &\n\n" ..
        "for N = 1, 2, ... (the same service in a VM), after each one reading /vms's memory.current and MemFree:\n\n%s\n\n%s.",
        ctx.vm_cmd, table_text(ctx.vm_rows, "VMs"), ctx.vm_oom.refused and
          ("the next one was refused at creation, before it took a frame:\n\n    " .. ctx.vm_oom.refused ..
           "\n\nA VM's RAM is reserved whole, so the limit refuses the VM up front; no process is killed") or oom_text(ctx.vm_oom))
    end,
    questions = {
      { id = "v1_vm_fit", points = 1,
        text = "how many VMs ran at once before the next one was refused?",
        answer = function(ctx) return ctx.vm_fit end },
      { id = "v2_vm_charged", points = 2, accept = near(1),
        text = "how many bytes does each further VM add to memory.current (from the second on)? (1%)",
        answer = function(ctx) return ctx.vm_charged end,
        explain = "its whole guest RAM, allocated (and charged) when the VM is made whatever the guest touches, its nested page tables, and the pages of the `vm` process" },
      { id = "v3_vm_beyond_ram", points = 2, accept = near(5),
        text = function(ctx) return string.format("how many of those bytes are not guest RAM (%d MiB)? (5%%)", ctx.params.vm_mib) end,
        answer = function(ctx) return ctx.vm_charged - ctx.params.vm_mib * 1024 * 1024 end,
        explain = "two nested page-table frames and the user-space VMM's own pages (its code, heap, stack, page tables)" },
    },
    action = function(ctx)
      return string.format("From the frame table: each VM's FRAME_VM frames (guest RAM and nested tables, owned by its vm\n" ..
        "process) %d bytes, the vm process's own pages %d bytes.", ctx.vm_ram_bytes, ctx.vmm_bytes)
    end,
    check = function(ctx)
      local ram = ctx.params.vm_mib * 1024 * 1024
      local ok = ctx.vm_fit >= 2 and ctx.vm_charged >= ram and ctx.vm_charged <= ram + 256 * 1024 and
        ctx.vm_ram_bytes == ram + 2 * 4096 and ctx.vm_oom.refused ~= nil
      return ok, string.format("%d VMs fit at %d bytes charged each, the next refused at creation (the lab says: at least 2; guest RAM + 2 nested-table frames + the VMM, at most 256 KiB more)",
        ctx.vm_fit, ctx.vm_charged)
    end },
  { title = "The gap",
    questions = {
      { id = "g1_ratio", points = 2, accept = near(10),
        text = "how many times as many containers as VMs fit under the same memory.max, rounded? (10%)",
        answer = function(ctx) return math.floor(ctx.ctr_fit / ctx.vm_fit + 0.5) end },
      { id = "g2_ram_bound", points = 1,
        text = "would more VMs fit if the guest touched only 4 KiB instead of its working set? (yes/no)",
        answer = function() return false end,
        explain = "no: the VM's RAM is reserved (allocated and charged) in full at VM_SET_MEMORY; a container is charged for the pages it touches" },
    },
    action = function(ctx)
      local out = "The memory map with both groups running:\n" ..
        memory_map(ctx.ft, function(ft, i) return ctx.hold_pids[ft.owner[i]] and "C" or "user" end)
      if ctx.cgroups_svg then out = out .. "\n(the cgroup tree with each cgroup's tasks written to " .. ctx.cgroups_svg .. ")" end
      return out
    end,
    check = function(ctx)
      local r = ctx.ctr_fit / ctx.vm_fit
      return r >= 3, string.format("%.1fx as many containers as VMs fit (the lab says: at least 3x)", r)
    end },
  { title = "VMs that share their image",
    text = function(ctx)
      return string.format(
        "Much of a real VM's memory is the same in every VM: its kernel's code and read-only data. Real\n" ..
        "systems map one copy into many VMs: Kata Containers' VM templates (one booted VM's memory shared\n" ..
        "read-only by every clone), DAX/XIP kernels run in place from a shared image, Firecracker restoring\n" ..
        "with mmap(MAP_PRIVATE) of one memory file, KSM merging equal pages afterwards. Each VM here has a\n" ..
        "384 KiB read-only \"kernel\" it reads at boot. The lab stopped the eager VMs, then typed\n\n    %s\n\n" ..
        "and started\n\n    %s < /dev/null &\n\n" ..
        "for N = 1, 2, ...: `--share` gives the VM demand-zero RAM (a frame when the guest first touches a\n" ..
        "page, charged then) and maps the image's whole pages from the file /vm/idle.elf copy-on-write\n" ..
        "(VM_MAP_FILE, hyperv/mem.c): read-only and shared until the guest writes one. After each:\n\n%s\n\n%s.",
        ctx.share_setup, ctx.share_cmd, table_text(ctx.share_rows, "VMs"),
        ctx.share_oom.refused and ("the next one could not have its pages:\n\n    " .. ctx.share_oom.refused) or
          oom_text(ctx.share_oom))
    end,
    questions = {
      { id = "s1_share_fit", points = 1,
        text = "how many sharing VMs ran at once under the same memory.max?",
        answer = function(ctx) return ctx.share_fit end },
      { id = "s2_share_charged", points = 2, accept = near(2),
        text = "how many bytes does each further sharing VM add to memory.current (from the second on)? (2%)",
        answer = function(ctx) return ctx.share_charged end,
        explain = "its working set and the few pages its stack, data and the image's partial edge pages take (demand zero), two nested-table frames, and the vm process: no longer its whole RAM, and not the shared image" },
      { id = "s3_share_gap", points = 2, accept = near(10),
        text = "containers that fit per 100 sharing VMs, rounded (100 = as many; step 3's ratio was g1 x 100)? (10%)",
        answer = function(ctx) return math.floor(100 * ctx.ctr_fit / ctx.share_fit + 0.5) end,
        explain = "the gap narrows: a sharing VM costs about its working set plus its VMM, as a container costs its working set plus its shim; what remains is the VMM process and the nested tables per VM" },
    },
    action = function(ctx)
      local out = string.format("From the frame table: each sharing VM owns %d bytes of FRAME_VM frames (its private pages and\n" ..
        "nested tables; an eager VM owned %d), its vm process %d bytes; %d KiB of the image are frames of the\n" ..
        "file mapped by all %d VMs at once (kernel-heap frames with %d references), charged to no cgroup.\n\n",
        ctx.share_private_bytes, ctx.vm_ram_bytes, ctx.share_vmm_bytes, ctx.share_shared_kib, ctx.share_fit, ctx.share_fit + 1)
      return out .. "The memory map with the sharing VMs running:\n" ..
        memory_map(ctx.ft3, function(ft, i) return ctx.hold_pids[ft.owner[i]] and "C" or "user" end)
    end,
    check = function(ctx)
      local p = ctx.params
      local ok = ctx.share_fit > ctx.vm_fit and ctx.ctr_fit / ctx.share_fit < ctx.ctr_fit / ctx.vm_fit and
        ctx.share_charged < ctx.vm_charged / 2 and ctx.share_charged >= p.hold_kib * 1024 and
        ctx.share_charged <= p.hold_kib * 1024 + 320 * 1024 and ctx.share_shared_kib >= 380
      return ok, string.format("%d sharing VMs fit (eager: %d) at %d bytes charged each, %d KiB of image shared; " ..
        "containers per VM %.1f -> %.1f (the lab says: more VMs fit, the gap narrows, each VM costs its working set + at most 320 KiB, at least 380 KiB shared)",
        ctx.share_fit, ctx.vm_fit, ctx.share_charged, ctx.share_shared_kib, ctx.ctr_fit / ctx.vm_fit, ctx.ctr_fit / ctx.share_fit)
    end },
}

return lab
