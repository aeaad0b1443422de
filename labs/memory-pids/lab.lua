-- Lab 9: memory.max and pids.max (cgroup-v2.rst, "Memory" and "PID"; containers/cgroup.c).
-- A container that outgrows memory.max is OOM-killed while its neighbour lives on; a fork bomb
-- stops at pids.max; a container is charged for the memory it touches while a VM takes its whole
-- RAM when it is created.

local CG = "/sys/fs/cgroup"

-- Boot the toy OS with the lab's programs as files, run CMD (its shell) to the power-off.
local function run_os(ctx, cmd, progs)
  local mods = { ctx.os_image("initrd.img") }
  for _, p in ipairs(progs) do mods[#mods + 1] = { path = ctx.image(p[1]), args = p[2] } end
  local m = vx.boot{ kernel = ctx.os_image("kernel.elf"), memory = "64M", modules = mods,
                     cmdline = "quiet hz=1000 cmd=" .. cmd }
  local why = m:run{ cycles = 3e9 }
  if why ~= "exit" then error("the toy OS did not finish (" .. tostring(why) .. "): " .. m:serial()) end
  return m
end

-- The value after "== NAME ==" in the serial output (the shell echoes these markers).
local function marked(out, name, pattern)
  local v = out:match("== " .. name .. " ==%s*" .. (pattern or "(%d+)"))
  if not v then error("no '" .. name .. "' in the toy OS's output:\n" .. out) end
  return v
end

local function near(tol) return vx.near{ abs = tol } end

local lab = {
  id = "memory-pids",
  title = "memory.max and pids.max: an OOM in one cgroup, a fork bomb stopped, memory used vs reserved",
  version = "1.0",
  summary = "an OOM kill stays inside one container's cgroup; pids.max stops a fork bomb; a container is charged as it touches memory, a VM reserves all of its RAM",
  minutes = 40,
  claim = "Containers share the host's memory and processes under cgroup limits, so one container cannot starve the others; a VM's memory is reserved up front, a container's is charged as used",
  introduction = [[
cgroup v2 (cgroup-v2.rst):
  memory.max      a hard limit in bytes on the frames charged to the cgroup (user pages and page
                  tables, charged when first touched). The toy OS does not reclaim, so going past
                  it is an out-of-memory event: the biggest task in *that* cgroup gets SIGKILL and
                  memory.events counts oom_kill.
  pids.max        the most tasks the cgroup may hold; fork beyond it fails with EAGAIN and
                  pids.events counts "max" once per refused fork.
Docker: `--memory 6m` writes memory.max, `--pids-limit 12` writes pids.max. Docker (and ctr)
report a container killed by SIGKILL with status 128 + 9.
The programs: hog (grows its heap 256 KiB at a time, touching every page, and prints how far it
got), forkbomb (every process forks until fork fails), vmwait (a small VM guest).
Answers are integers, yes/no, or an errno name.]],
  answers_format = [[
Plain text, one answer per line:  question_id = answer   ('#' starts a comment; a "seed = N"
line says which seed the answers are for). Or a Lua file returning { question_id = value or
function(params) ... end }: params has hog_mb, calm_mb, pids_max, vm_mb.]],
}

function lab.setup(ctx)
  local rng, p = ctx.rng, ctx.params
  p.seed = ctx.seed
  p.hog_mb = rng:range(4, 9)
  p.calm_mb = 2
  p.pids_max = rng:range(6, 20)
  p.vm_mb = rng:choice{ 8, 12, 16, 24 }

  local cmd = ("sh /lab/lab.sh %d %d %d %d"):format(p.hog_mb, p.calm_mb, p.pids_max, p.vm_mb)
  local m = run_os(ctx, cmd, { { "lab.sh", "/lab/lab.sh" }, { "hog.elf", "/bin/hog" }, { "forkbomb.elf", "/bin/forkbomb" },
                          { "vmwait.elf", "/vm/vmwait.elf" } })
  ctx.m = m
  local out = m:serial()
  ctx.out = out
  -- hog's last report before the kill
  local last = 0
  local hogpart = out:match("^(.-)== hog status")
  if not hogpart then error("hog did not run: " .. out) end
  for kib in hogpart:gmatch("hog: (%d+) KiB") do last = tonumber(kib) end
  ctx.hog_last_kib = last       -- calm's lines come first (and stop at its 2 MiB): the last is hog's
  ctx.hog_status = tonumber(marked(out, "hog status"))
  ctx.hog_oom_kill = tonumber(marked(out, "hog events", ".-oom_kill (%d+)"))
  ctx.calm_oom_kill = tonumber(marked(out, "calm events", ".-oom_kill (%d+)"))
  ctx.calm_current = tonumber(marked(out, "calm current"))
  -- `ctr ps` right after the OOM: calm's line says Up
  ctx.calm_up = out:match("/bin/hog " .. p.calm_mb .. " 300%s+Up%s+%d+%s+calm") ~= nil
  ctx.bomb_made = tonumber(out:match("forkbomb: (%d+) processes made"))
  ctx.bomb_error = out:match("then fork failed: ([^\r\n]+)")
  ctx.bomb_max = tonumber(marked(out, "bomb events", "max (%d+)"))
  ctx.free_before = tonumber(marked(out, "free before", "MemFree:%s*(%d+)"))
  ctx.free_idle = tonumber(marked(out, "free idle", "MemFree:%s*(%d+)"))
  ctx.free_vm = tonumber(marked(out, "free vm", "MemFree:%s*(%d+)"))
  ctx.idle_current = tonumber(marked(out, "idle current"))
  ctx.vm_current = tonumber(marked(out, "vm current"))
  ctx.vm_drop_mib = (ctx.free_before - ctx.free_vm) / 1024
  ctx.idle_drop_kib = ctx.free_before - ctx.free_idle
  local oom
  for _, g in ipairs(m:cgroups()) do
    if g.path:sub(-8) == "/ctr/hog" then oom = g.last_oom end
  end
  ctx.oom = oom
end

lab.steps = {
  { title = "One container runs out of memory",
    text = function(ctx)
      local p = ctx.params
      return ("Two containers. `calm` (memory.max 8 MiB) touches %d MiB and keeps it for 300 ms. While it does, `hog`\n" ..
              "runs with --memory %dm (memory.max = %d bytes) and tries to grow to %d MiB, 256 KiB at a time:\n\n" ..
              "    ctr run -d --name calm --memory 8m base /bin/hog %d 300\n" ..
              "    ctr run --name hog --memory %dm base /bin/hog %d"):format(p.calm_mb, p.hog_mb, p.hog_mb << 20, 2 * p.hog_mb,
              p.calm_mb, p.hog_mb, 2 * p.hog_mb)
    end,
    questions = {
      { id = "hog_last_kib", points = 2,
        text = "hog prints its size after each step; what is the last size it prints before it is killed (KiB, within 512)?",
        answer = function(ctx) return ctx.hog_last_kib end,
        accept = near(512),
        explain = function(ctx)
          return ("memory.max minus a step and hog's other pages (stack, data, page tables); the kernel saw %d bytes charged against %d when it killed it")
                 :format(ctx.oom and ctx.oom.usage or 0, ctx.oom and ctx.oom.max or 0)
        end },
      { id = "hog_status", points = 1,
        text = "what exit status does ctr report for hog?",
        answer = function(ctx) return ctx.hog_status end,
        explain = function() return "128 + 9: killed by SIGKILL (Docker's 137)" end },
      { id = "hog_oom_kill", points = 1,
        text = "what does oom_kill in hog's memory.events say afterwards?",
        answer = function(ctx) return ctx.hog_oom_kill end },
      { id = "calm_oom_kill", points = 1,
        text = "and oom_kill in calm's memory.events?",
        answer = function(ctx) return ctx.calm_oom_kill end,
        explain = function() return "the OOM killer looks only inside the cgroup that went over its limit" end },
      { id = "calm_survives", points = 1,
        text = "is calm still running, with its memory, after hog's OOM? (yes/no)",
        answer = function(ctx) return ctx.calm_up and ctx.calm_current >= ctx.params.calm_mb << 20 end },
    },
    action = function(ctx)
      local oom = ctx.oom or {}
      ctx.m:picture("cgroups", { width = 900 })   -- the SVG with --pictures; the text here is the tree
      return vx.show.cgroups(ctx.m) ..
             ("\ncgroup_oom record: pid %s, usage %s bytes, max %s bytes; calm's memory.current %d bytes\n")
             :format(tostring(oom.pid), tostring(oom.usage), tostring(oom.max), ctx.calm_current)
    end,
    check = function(ctx)
      local p = ctx.params
      local limit = p.hog_mb * 1024
      local ok = ctx.hog_status == 137 and ctx.hog_oom_kill == 1 and ctx.calm_oom_kill == 0 and ctx.calm_up
                 and ctx.calm_current >= p.calm_mb << 20 and ctx.hog_last_kib <= limit and ctx.hog_last_kib >= limit - 768
      return ok, ("hog killed (status %d, oom_kill %d) after %d KiB of a %d KiB limit (within 768 below); calm: oom_kill %d, running %s, %d bytes")
                 :format(ctx.hog_status, ctx.hog_oom_kill, ctx.hog_last_kib, limit, ctx.calm_oom_kill, tostring(ctx.calm_up), ctx.calm_current)
    end },

  { title = "A fork bomb meets pids.max",
    text = function(ctx)
      return ("    ctr run --name bomb --pids-limit %d base /bin/forkbomb\n\n" ..
              "forkbomb is the container's first process; every process forks until fork fails, then stops forking,\n" ..
              "waits for its children and exits. The first one counts the processes made."):format(ctx.params.pids_max)
    end,
    questions = {
      { id = "bomb_made", points = 2,
        text = "how many processes does forkbomb make (not counting the first)?",
        answer = function(ctx) return ctx.bomb_made end,
        explain = function(ctx) return ("pids.max %d tasks in the cgroup, the first one included"):format(ctx.params.pids_max) end },
      { id = "bomb_errno", points = 1,
        text = "which errno does the refused fork return (its name)?",
        answer = "EAGAIN",
        explain = function(ctx) return "EAGAIN: \"" .. tostring(ctx.bomb_error) .. "\"" end },
      { id = "bomb_events_max", points = 2,
        text = "how many refused forks does pids.events count (its \"max\" line)?",
        answer = function(ctx) return ctx.bomb_max end,
        explain = function() return "every process tries once more and is refused once: one per process in the cgroup" end },
    },
    action = function(ctx)
      local evs = ctx.m:events{ kinds = { "switch", "task_create", "task_exit" } }
      local first
      for _, e in ipairs(evs) do
        if e.kind == "task_create" and e.name == "forkbomb" then first = e.cycle break end
      end
      local g = vx.gantt(evs)
      local keep = {}
      for _, t in ipairs(g.tasks) do if t.label:match("forkbomb") then keep[#keep + 1] = t end end
      g.tasks = keep
      local shown = vx.show.gantt(g, { start = first or 0, stop = (first or 0) + 30000000, width = 60 })
      return shown .. ("\nforkbomb: %d made, then \"%s\"; pids.events max %d\n"):format(ctx.bomb_made, tostring(ctx.bomb_error), ctx.bomb_max)
    end,
    check = function(ctx)
      local p = ctx.params
      local ok = ctx.bomb_made == p.pids_max - 1 and ctx.bomb_max == p.pids_max and
                 ctx.bomb_error == "Resource temporarily unavailable"
      return ok, ("%d processes made under pids.max %d, %d refused forks counted, error \"%s\" (EAGAIN)")
                 :format(ctx.bomb_made, p.pids_max, ctx.bomb_max, tostring(ctx.bomb_error))
    end },

  { title = "Charged as used, or reserved up front",
    text = function(ctx)
      return ("A container allowed 64 MiB runs `sleep`:\n\n" ..
              "    ctr run -d --name idle --memory 64m base sleep 0.05\n\n" ..
              "Then a VM is given %d MiB and runs vmwait, a guest that computes in a few KiB:\n\n" ..
              "    vm run --memory %dM /vm/vmwait.elf\n\n" ..
              "The shell reads MemFree in /proc/meminfo before, while the container runs, and while the VM runs."):format(ctx.params.vm_mb, ctx.params.vm_mb)
    end,
    questions = {
      { id = "idle_uses_mib", points = 1,
        text = "does the container take 1 MiB or more of the host's free memory while it runs? (yes/no)",
        answer = function(ctx) return ctx.idle_drop_kib >= 1024 end,
        explain = function(ctx) return ("no: its cgroup is charged %d bytes, the pages sleep touched; 64 MiB is only a ceiling"):format(ctx.idle_current) end },
      { id = "vm_drop_mib", points = 2,
        text = "by about how many MiB does MemFree drop while the VM runs (within 1)?",
        answer = function(ctx) return ctx.params.vm_mb end,
        accept = near(1),
        explain = function(ctx) return ("all of its RAM, allocated and zeroed when the VM is made, plus its page tables: %.2f MiB measured"):format(ctx.vm_drop_mib) end },
    },
    action = function(ctx)
      local v = ctx.m:vms()[1] or {}
      return ("MemFree: %d kB before, %d kB with the container (-%d kB), %d kB with the VM (-%.2f MiB)\n" ..
              "the container's memory.current: %d bytes; the VM (%s, %s KiB of RAM): its cgroup's memory.current %d bytes\n" ..
              "(the toy hypervisor does not charge guest RAM to the VMM's memory cgroup; Linux charges a KVM guest's\n" ..
              "memory to its VMM's cgroup page by page as the guest touches it, unless it is preallocated)\n")
             :format(ctx.free_before, ctx.free_idle, ctx.idle_drop_kib, ctx.free_vm, ctx.vm_drop_mib,
                     ctx.idle_current, tostring(v.name), tostring(v.memory_kib), ctx.vm_current)
    end,
    check = function(ctx)
      local p = ctx.params
      local ok = ctx.idle_drop_kib < 1024 and ctx.idle_current < 1 << 20 and ctx.vm_drop_mib >= p.vm_mb and ctx.vm_drop_mib <= p.vm_mb + 1
      return ok, ("the container took %d KiB of free memory (under 1024), the VM %.2f MiB for %d MiB of RAM (within 1 above)")
                 :format(ctx.idle_drop_kib, ctx.vm_drop_mib, p.vm_mb)
    end },
}

return lab
