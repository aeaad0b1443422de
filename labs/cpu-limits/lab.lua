-- Lab 8: cpu.max and cpu.weight on a Gantt chart (cgroup-v2.rst, "CPU"; kernel/sched.c).
-- The toy OS runs CPU-bound programs in containers (ctr) and a VM (vm) under cgroup v2 limits:
-- a quota per period throttles a container and a VM alike, weights share the CPU only under
-- contention, and a bursty request handler is throttled although its average is under the limit.
-- Every run is in virtual time (1 GHz, hz=1000), so the numbers are the same on every host.

local PERIOD_US = 10000           -- cpu.max period of the lab (Kubernetes and Docker use 100000)
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

-- The shell lines that prepare containers: the cgroup controllers for our own cgroups, the base
-- image's layer unpacked once, and the lab's programs added to it (as a derived image would).
local function prelude(progs)
  return "echo '+cpu +memory +pids' > " .. CG .. "/cgroup.subtree_control; ctr run --rm base true; " ..
         "for d in /var/lib/ctr/layers/*; do cp " .. progs .. " $d/bin/; done; "
end

-- The task (by name) in the cgroup whose path ends with SUFFIX.
local function task_in(m, name, suffix)
  local paths = {}
  for _, g in ipairs(m:cgroups()) do paths[g.id] = g.path end
  for _, t in ipairs(m:tasks()) do
    local p = paths[t.cgroup] or ""
    if t.name == name and p:sub(-#suffix) == suffix then return t end
  end
  error("no task " .. name .. " in a cgroup " .. suffix)
end

local function cgroup(m, suffix)
  for _, g in ipairs(m:cgroups()) do
    if g.path:sub(-#suffix) == suffix then return g end
  end
  error("no cgroup " .. suffix)
end

-- Cycles a task ran in [a, b).
local function ran(t, a, b)
  local n = 0
  for _, s in ipairs(t.spans) do
    local x, y = math.max(s.start, a), math.min(s.stop, b)
    if y > x then n = n + (y - x) end
  end
  return n
end

-- The longest wait between two of a task's spans (cycles), inside [a, b).
local function longest_gap(t, a, b)
  local gap, last = 0, nil
  for _, s in ipairs(t.spans) do
    if s.start >= a and s.stop <= b then
      if last then gap = math.max(gap, s.start - last) end
      last = s.stop
    end
  end
  return gap
end

local function ms(cycles) return cycles / 1e6 end

-- When the task woke from its first sleep of at least 4 ms (spin and bursty sleep 5 ms first).
local function woke(t)
  local last
  for _, s in ipairs(t.spans) do
    if last and s.start - last >= 4000000 then return s.start end
    last = s.stop
  end
  error("task " .. t.pid .. " never slept")
end

-- The Gantt chart of [a, b): the tasks that ran in it, named with their cgroup.
local function chart(m, a, b)
  a, b = math.floor(a), math.floor(b)
  local g = vx.gantt(m:events{ kinds = { "switch", "task_create", "task_exit" } })
  local paths, where = {}, {}
  for _, c in ipairs(m:cgroups()) do paths[c.id] = c.path end
  for _, t in ipairs(m:tasks()) do where[t.pid] = paths[t.cgroup] end
  local keep = {}
  for _, t in ipairs(g.tasks) do
    if ran(t, a, b) > 0 then
      local cg = where[t.pid]
      t.label = t.pid == 0 and "idle" or (cg and cg ~= "" and cg ~= "/") and (t.label .. " " .. cg) or t.label
      keep[#keep + 1] = t
    end
  end
  g.tasks = keep
  return vx.show.gantt(g, { start = a, stop = b, width = 60 })
end

-- A number within TOL (absolute) or FRAC (relative) of the expected one.
local function near(tol, frac) return vx.near{ abs = tol, rel = frac } end

local lab = {
  id = "cpu-limits",
  title = "cpu.max and cpu.weight on a Gantt chart: throttling, sharing, and the bursty surprise",
  version = "1.0",
  summary = "cgroup v2 cpu.max throttles a container and a VM; weights share only under contention; a bursty service is throttled below its average",
  minutes = 45,
  claim = "Containers and VMs can both be given CPU limits; a CPU limit caps a workload at its share (Kubernetes: limits.cpu)",
  introduction = [[
cgroup v2's cpu controller has two knobs (cgroup-v2.rst, "CPU"):
  cpu.max    "QUOTA PERIOD" in microseconds: the cgroup may run QUOTA in every PERIOD; when it
             has used its quota it is throttled -- none of its tasks runs -- until the period ends.
             Docker's --cpus 0.5 and Kubernetes' limits.cpu: 500m both write "50000 100000".
  cpu.weight 1..10000 (default 100): under contention, cgroups share the CPU in proportion to their
             weights; when the others are idle, a cgroup gets everything (weights are not limits).
The toy OS has one CPU. This lab uses a 10 ms period (10000 us) so that many periods fit in a
short run; the proportions are those of a 100 ms period. Time is virtual: 1 ms = 1,000,000 cycles.
The programs: spin (burns the CPU for a given wall time), bursty (a request handler that needs a
few ms of CPU per request), vmspin (a CPU-bound guest run as a VM by the toy OS's `vm`).
Answers are integers (percent, ms) or yes/no; "about" questions accept a small error.]],
  answers_format = [[
Plain text, one answer per line:  question_id = answer   ('#' starts a comment; a "seed = N"
line says which seed the answers are for). Or a Lua file returning { question_id = value or
function(params) ... end }: params has quota_us, period_us, vm_cpu_ms, weight_a, weight_b,
burst_quota_us, work_ms, gap_ms.]],
}

function lab.setup(ctx)
  local rng, p = ctx.rng, ctx.params
  p.seed = ctx.seed
  p.period_us = PERIOD_US
  p.quota_us = rng:choice{ 2000, 3000, 4000, 5000, 6000 }
  local pair = rng:choice{ { 100, 300 }, { 100, 200 }, { 100, 400 }, { 200, 300 }, { 50, 150 } }
  p.weight_a, p.weight_b = pair[1], pair[2]
  p.burst_quota_us = rng:choice{ 2000, 3000, 4000 }
  local q = p.burst_quota_us // 1000
  p.work_ms = rng:range(q + 3, 2 * q + 3)
  p.gap_ms = 50
  p.requests = 3

  -- Part 1: a container under cpu.max, then a VM in a cgroup with the same cpu.max.
  local max = ("'%d %d'"):format(p.quota_us, PERIOD_US)
  ctx.m1 = run_os(ctx, prelude("/bin/spin") ..
    "ctr run -d --name web base /bin/spin 5 60 web; echo " .. max .. " > " .. CG .. "/ctr/web/cpu.max; " ..
    "sleep 0.07; ctr logs web; cat " .. CG .. "/ctr/web/cpu.stat; " ..
    "mkdir " .. CG .. "/vm1; echo " .. max .. " > " .. CG .. "/vm1/cpu.max; " ..
    "sh -c 'echo $$ > " .. CG .. "/vm1/cgroup.procs; exec vm run --memory 4M /vm/vmspin.elf'; " ..
    "cat " .. CG .. "/vm1/cpu.stat",
    { { "spin.elf", "/bin/spin" }, { "vmspin.elf", "/vm/vmspin.elf" } })
  local m = ctx.m1
  local web, vmt = task_in(m, "spin", "/ctr/web"), task_in(m, "vm", "/vm1")
  -- spin sleeps 5 ms (while the shell writes cpu.max), then burns for 60 ms: measure its middle
  -- 50 ms, whole periods after the first.
  local first = woke(web)
  ctx.win1 = { first + 5000000, first + 55000000 }
  ctx.web_ms = ms(ran(web, ctx.win1[1], ctx.win1[2]))
  ctx.web_gap_ms = ms(longest_gap(web, ctx.win1[1], ctx.win1[2]))
  ctx.web_throttles = cgroup(m, "/ctr/web").throttles
  ctx.vm_cpu_ms = ms(vmt.run_cycles)
  ctx.vm_wall_ms = ms(vmt.exited - vmt.created)
  ctx.vm_throttles = cgroup(m, "/vm1").throttles
  ctx.vmwin = { vmt.created, vmt.exited }
  -- The VM's CPU need, as the lab tells it (what it measured alone, rounded): the guest's loop is
  -- fixed, so this is its run time in the cgroup too.
  p.vm_cpu_ms = math.floor(ctx.vm_cpu_ms + 0.5)
  ctx.m = ctx.m1                   -- the machine the lab screen shows (each step shows its own)

  -- Part 2: two containers, weights A:B; a spins 30 ms, b 60 ms.
  ctx.m2 = run_os(ctx, prelude("/bin/spin") ..
    "ctr run -d --name a base /bin/spin 5 30 a; ctr run -d --name b base /bin/spin 5 60 b; " ..
    "echo " .. p.weight_a .. " > " .. CG .. "/ctr/a/cpu.weight; echo " .. p.weight_b .. " > " .. CG .. "/ctr/b/cpu.weight; " ..
    "sleep 0.08; ctr logs a; ctr logs b",
    { { "spin.elf", "/bin/spin" } })
  m = ctx.m2
  local a, b = task_in(m, "spin", "/ctr/a"), task_in(m, "spin", "/ctr/b")
  local both = { math.max(woke(a), woke(b)) + 1000000, a.exited - 1000000 }
  ctx.win2 = both
  ctx.share_b = 100 * ran(b, both[1], both[2]) / (both[2] - both[1])
  ctx.share_b_alone = 100 * ran(b, a.exited, b.exited) / (b.exited - a.exited)

  -- Part 3: the bursty handler, first without a limit, then with cpu.max.
  local bmax = ("'%d %d'"):format(p.burst_quota_us, PERIOD_US)
  local args = ("5 %d %d %d"):format(p.requests, p.work_ms, p.gap_ms)
  ctx.m3 = run_os(ctx, prelude("/bin/bursty") ..
    "ctr run --name free base /bin/bursty " .. args .. "; " ..
    "ctr run -d --name api base /bin/bursty " .. args .. "; echo " .. bmax .. " > " .. CG .. "/ctr/api/cpu.max; " ..
    "sleep 0.2; ctr logs api; cat " .. CG .. "/ctr/api/cpu.stat",
    { { "bursty.elf", "/bin/bursty" } })
  m = ctx.m3
  local out = m:serial()
  local free, limited = out:match("worst latency (%d+) us.-worst latency (%d+) us")
  if not free then error("bursty did not report its latencies: " .. out) end
  ctx.free_ms, ctx.limited_us = tonumber(free) / 1000, tonumber(limited)
  ctx.limited_ms = math.floor(ctx.limited_us / 1000 + 0.5)
  ctx.api_throttles = cgroup(m, "/ctr/api").throttles
  local api = task_in(m, "bursty", "/ctr/api")
  ctx.api_share = 100 * api.run_cycles / (api.exited - api.spans[1].start)
  ctx.apiwin = { api.created, api.exited }
end

-- A request needing W ms of CPU under Q ms per P ms period finishes in its N-th period,
-- N = ceil(W / Q). Arriving with the quota fresh just Q before a period ends is the best case,
-- arriving at a period's start the worst (the quota is gone after Q, then P - Q of waiting):
--   best  = (N - 2) P + W - (N - 2) Q        worst = (N - 1) P + W - (N - 1) Q
-- The machine's request takes up to 2 ms more than W even alone (its CPU clock advances at the
-- 1 ms tick, and it wakes at a tick), so the range runs from best(W) - 2 to worst(W + 2) + 3.
local function bounds_for(p, w)
  local q, per = p.burst_quota_us // 1000, p.period_us // 1000
  local n = (w + q - 1) // q
  return (n - 2) * per + w - (n - 2) * q, (n - 1) * per + w - (n - 1) * q, n
end
local function burst_bounds(p)
  local best, _, n = bounds_for(p, p.work_ms)
  local _, worst = bounds_for(p, p.work_ms + 2)
  return best - 2, worst + 3, n, best, select(2, bounds_for(p, p.work_ms))
end

lab.steps = {
  { title = "A container under cpu.max",
    text = function(ctx)
      local p = ctx.params
      return ("The container `web` (image base) runs `spin 5 60`: it sleeps 5 ms, then burns the CPU for 60 ms of\n" ..
              "wall time. While it sleeps, the shell writes its cgroup's limit:\n\n" ..
              "    echo '%d %d' > /sys/fs/cgroup/ctr/web/cpu.max\n\n" ..
              "Nothing else wants the CPU. We look at 50 ms in the middle of its run."):format(p.quota_us, p.period_us)
    end,
    questions = {
      { id = "web_percent", points = 1,
        text = "what percentage of one CPU may `web` use?",
        answer = function(ctx) return 100 * ctx.params.quota_us // ctx.params.period_us end,
        explain = function() return "QUOTA / PERIOD" end },
      { id = "web_cpu_ms", points = 2,
        text = "about how many ms of CPU does `web` get in those 50 ms of wall time? (within 10%)",
        answer = function(ctx) return 50 * ctx.params.quota_us // ctx.params.period_us end,
        accept = near(1, 0.10),
        explain = function(ctx, v) return ("50 ms x %d%%; the machine measured %.1f ms"):format(100 * ctx.params.quota_us // ctx.params.period_us, ctx.web_ms) end },
      { id = "web_wait_ms", points = 2,
        text = "the CPU is idle the rest of the time; what is the longest `web` waits, throttled, between two runs (ms, within 1.5)?",
        answer = function(ctx) return (ctx.params.period_us - ctx.params.quota_us) // 1000 end,
        accept = near(1.5),
        explain = function(ctx) return ("PERIOD - QUOTA: it waits for the next period although the CPU is idle (measured %.1f ms)"):format(ctx.web_gap_ms) end },
    },
    action = function(ctx)
      return chart(ctx.m1, ctx.win1[1], ctx.win1[1] + 30000000) ..
             ("\n`web` ran %.1f ms of 50 ms; cgroup_throttle records: %d; longest wait %.1f ms\n"):format(ctx.web_ms, ctx.web_throttles, ctx.web_gap_ms)
    end,
    check = function(ctx)
      local want = 50 * ctx.params.quota_us / ctx.params.period_us
      local gap = (ctx.params.period_us - ctx.params.quota_us) / 1000
      local ok = math.abs(ctx.web_ms - want) <= math.max(1, 0.10 * want) and math.abs(ctx.web_gap_ms - gap) <= 1.5
                 and ctx.web_throttles >= 4
      return ok, ("web ran %.1f ms of 50 (quota says %.1f, within 10%%), waited up to %.1f ms (%.1f +- 1.5), throttled %d times")
                 :format(ctx.web_ms, want, ctx.web_gap_ms, gap, ctx.web_throttles)
    end },

  { title = "A VM under the same cgroup tree",
    text = function(ctx)
      local p = ctx.params
      return ("Now a VM. The toy OS's `vm` runs the guest vmspin (a bare CPU-bound loop) with SVM; vmspin needs\n" ..
              "%d ms of CPU. The shell makes a cgroup next to the containers' and gives it the same limit:\n\n" ..
              "    mkdir /sys/fs/cgroup/vm1; echo '%d %d' > /sys/fs/cgroup/vm1/cpu.max\n" ..
              "    sh -c 'echo $$ > /sys/fs/cgroup/vm1/cgroup.procs; exec vm run --memory 4M /vm/vmspin.elf'"):format(p.vm_cpu_ms, p.quota_us, p.period_us)
    end,
    questions = {
      { id = "vm_wall_ms", points = 2,
        text = "about how many ms of wall time does the VM take to finish? (within 15 ms)",
        answer = function(ctx) local p = ctx.params return math.floor(p.vm_cpu_ms * p.period_us / p.quota_us + 0.5) end,
        accept = near(15),
        explain = function(ctx) return ("its CPU need / the share, give or take where in the periods it starts and ends (its first period may still hold a full quota): the machine measured %.1f ms"):format(ctx.vm_wall_ms) end },
      { id = "vm_needs_hv_code", points = 1,
        text = "did the hypervisor need code of its own to enforce this limit? (yes/no)",
        answer = false,
        explain = function() return "no: the vCPU is the `vm` task (KVM's design too), so the scheduler throttles it like any task" end },
    },
    action = function(ctx)
      local pic = ctx.m1:picture("gantt", { width = 900 })
      return chart(ctx.m1, ctx.vmwin[1], ctx.vmwin[2]) ..
             ("\nthe VM ran %.1f ms of CPU in %.1f ms of wall time; cgroup_throttle records: %d\n"):format(ctx.vm_cpu_ms, ctx.vm_wall_ms, ctx.vm_throttles) ..
             "\nThe whole run (containers, then the VM):\n" .. pic
    end,
    check = function(ctx)
      local p = ctx.params
      local want = ctx.vm_cpu_ms * p.period_us / p.quota_us
      local ok = math.abs(ctx.vm_wall_ms - want) <= 15 and ctx.vm_throttles >= 2
      return ok, ("the VM took %.1f ms for %.1f ms of CPU (quota says %.1f, within 15 ms), throttled %d times")
                 :format(ctx.vm_wall_ms, ctx.vm_cpu_ms, want, ctx.vm_throttles)
    end },

  { title = "Weights share the CPU under contention",
    text = function(ctx)
      local p = ctx.params
      return ("Two containers, no cpu.max: `a` spins for 30 ms, `b` for 60 ms, both starting together.\n\n" ..
              "    echo %d > /sys/fs/cgroup/ctr/a/cpu.weight; echo %d > /sys/fs/cgroup/ctr/b/cpu.weight"):format(p.weight_a, p.weight_b)
    end,
    questions = {
      { id = "b_share_both", points = 2,
        text = "while both spin, what percentage of the CPU does `b` get? (within 3)",
        answer = function(ctx) local p = ctx.params return math.floor(100 * p.weight_b / (p.weight_a + p.weight_b) + 0.5) end,
        accept = near(3),
        explain = function(ctx) return ("weight_b / (weight_a + weight_b); measured %.1f%%"):format(ctx.share_b) end },
      { id = "b_share_alone", points = 1,
        text = "after `a` has finished, what percentage does `b` get? (within 3)",
        answer = 100,
        accept = near(3),
        explain = function(ctx) return ("weights only divide what is contended: b alone takes it all (measured %.1f%%)"):format(ctx.share_b_alone) end },
    },
    action = function(ctx)
      ctx.m = ctx.m2
      return chart(ctx.m2, ctx.win2[1] - 3000000, ctx.win2[2] + 12000000) ..
             ("\nb's share: %.1f%% while a runs, %.1f%% after\n"):format(ctx.share_b, ctx.share_b_alone)
    end,
    check = function(ctx)
      local p = ctx.params
      local want = 100 * p.weight_b / (p.weight_a + p.weight_b)
      local ok = math.abs(ctx.share_b - want) <= 5 and ctx.share_b_alone >= 95
      return ok, ("b got %.1f%% (weights say %.1f, within 5) and %.1f%% alone (at least 95)"):format(ctx.share_b, want, ctx.share_b_alone)
    end },

  { title = "The bursty surprise",
    text = function(ctx)
      local p = ctx.params
      return ("A request handler, `bursty`: every %d ms a request arrives that needs %d ms of CPU. It runs\n" ..
              "first in a container without a limit, then in `api` with\n\n" ..
              "    echo '%d %d' > /sys/fs/cgroup/ctr/api/cpu.max\n\n" ..
              "(Kubernetes: limits.cpu %dm.) Each run serves %d requests; a request's latency is the wall time\n" ..
              "from its arrival to its answer."):format(p.gap_ms, p.work_ms, p.burst_quota_us, p.period_us,
              p.burst_quota_us * 1000 // p.period_us, p.requests)
    end,
    questions = {
      { id = "api_avg_percent", points = 1,
        text = "what is the handler's average CPU use, in percent of one CPU?",
        answer = function(ctx) return 100 * ctx.params.work_ms // ctx.params.gap_ms end,
        explain = function() return "work per request / time between requests" end },
      { id = "api_under_limit", points = 1,
        text = "is that average under the limit? (yes/no)",
        answer = function(ctx) local p = ctx.params return p.work_ms * p.period_us < p.gap_ms * p.burst_quota_us end },
      { id = "free_latency_ms", points = 1,
        text = "without a limit, about how long does a request take (ms, within 2)?",
        answer = function(ctx) return ctx.params.work_ms end,
        accept = near(2),
        explain = function(ctx) return ("its work, nothing else runs (measured worst %.1f ms)"):format(ctx.free_ms) end },
      { id = "api_latency_ms", points = 3,
        text = "under the limit, about how long does the slowest request take (ms)? (think in periods: where in a period a request arrives matters; answers from the best to the worst case count)",
        answer = function(ctx) return ctx.limited_ms end,
        accept = function(given, expected, ctx)
          local v = tonumber((given:gsub("_", "")))
          local lo, hi = burst_bounds(ctx.params)
          return v ~= nil and v >= lo and v <= hi
        end,
        explain = function(ctx)
          local p = ctx.params
          local lo, hi, n, best, worst = burst_bounds(p)
          return ("measured. %d ms of work at %d ms per %d ms period ends in its period %d: %d ms if it arrives %d ms before a period ends, %d ms if at a period's start (%d..%d accepted: the machine adds up to 2 ms of work)")
                 :format(p.work_ms, p.burst_quota_us // 1000, p.period_us // 1000, n, best, p.burst_quota_us // 1000, worst, lo, hi)
        end },
    },
    action = function(ctx)
      ctx.m = ctx.m3
      return chart(ctx.m3, woke(task_in(ctx.m3, "bursty", "/ctr/api")) - 1000000, ctx.apiwin[1] + 70000000) ..
             ("\nlatency: %.1f ms without a limit, %.1f ms with it (%.1fx); average use %.1f%%; throttled %d times\n")
             :format(ctx.free_ms, ctx.limited_us / 1000, ctx.limited_us / 1000 / ctx.free_ms, ctx.api_share, ctx.api_throttles)
    end,
    check = function(ctx)
      local p = ctx.params
      local limit = 100 * p.burst_quota_us / p.period_us
      local lat = ctx.limited_us / 1000
      local lo, hi = burst_bounds(p)
      local ok = lat >= lo and lat <= hi and lat >= 1.5 * ctx.free_ms and ctx.api_share < limit and ctx.api_throttles >= 1
                 and math.abs(ctx.free_ms - p.work_ms) <= 2
      return ok, ("the slowest request took %.1f ms under the limit (%d..%d promised, at least 1.5x the %.1f ms without), " ..
                 "average use %.1f%% < limit %d%%"):format(lat, lo, hi, ctx.free_ms, ctx.api_share, limit)
    end },
}

return lab
