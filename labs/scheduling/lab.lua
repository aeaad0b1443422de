-- The scheduling lab (the extra one): round robin and weighted fair sharing on the Gantt chart.
-- The toy OS's scheduler (kernel/sched.c) is CFS-like: the runnable task with the least virtual
-- runtime runs, and virtual runtime grows by real time x 1024 / weight. With equal weights that
-- is round robin, one tick at a time; nice values and cgroup cpu.weight change the proportions.

local WEIGHT = {                   -- Linux's sched_prio_to_weight, nice -20..19 (kernel/sched/core.c)
  88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
  9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991, 1586, 1277,
  1024, 820, 655, 526, 423, 335, 272, 215, 172, 137,
  110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
}
local function weight(nice) return WEIGHT[nice + 21] end

local function ran(t, a, b)
  local n = 0
  for _, s in ipairs(t.spans) do
    local x, y = math.max(s.start, a), math.min(s.stop, b)
    if y > x then n = n + (y - x) end
  end
  return n
end

-- When the task woke from its first sleep of at least 4 ms (spin sleeps 5 ms first).
local function woke(t)
  local last
  for _, s in ipairs(t.spans) do
    if last and s.start - last >= 4000000 then return s.start end
    last = s.stop
  end
  error("task " .. t.pid .. " never slept")
end

-- The window where all of TASKS spin, and each one's share of it (percent).
local function shares(tasks)
  local a, b = 0, math.huge
  for _, t in ipairs(tasks) do
    a = math.max(a, woke(t))
    b = math.min(b, t.exited)
  end
  a, b = a + 1000000, b - 1000000
  local out = {}
  for i, t in ipairs(tasks) do out[i] = 100 * ran(t, a, b) / (b - a) end
  return out, a, b
end

-- The Gantt chart of [a, b) with the tasks that ran in it.
local function chart(m, a, b, label)
  a, b = math.floor(a), math.floor(b)
  local g = vx.gantt(m:events{ kinds = { "switch", "task_create", "task_exit" } })
  local keep = {}
  for _, t in ipairs(g.tasks) do
    if ran(t, a, b) > 0 then
      if t.pid == 0 then t.label = "idle" elseif label[t.pid] then t.label = t.pid .. " " .. label[t.pid] end
      keep[#keep + 1] = t
    end
  end
  g.tasks = keep
  return vx.show.gantt(g, { start = a, stop = b, width = 60 })
end

local function near(tol) return vx.near{ abs = tol } end

local lab = {
  id = "scheduling",
  title = "Round robin and weighted fair sharing on the Gantt chart",
  version = "1.0",
  summary = "equal tasks take turns (round robin); nice values and cgroup cpu.weight share the CPU by weight, per group before per task",
  minutes = 30,
  claim = nil,
  introduction = [[
The toy OS's scheduler is the idea of Linux's CFS (sched-design-CFS.rst): every task has a
virtual runtime that grows, while it runs, by real time x 1024 / its weight; the runnable task
with the least virtual runtime runs next, checked at every clock tick (here 1000 per second).
  round robin   with equal weights, the tasks simply take turns, a tick or two each;
  nice          setpriority(2) picks the weight from Linux's table (sched_prio_to_weight):
                nice 0 = 1024, and each step of nice divides the weight by about 1.25;
  cgroups       with the cpu controller on, a cgroup is one entity with its cpu.weight
                (100 = 1024) in its parent's queue: the CPU is shared between groups first,
                then among the tasks of each group.
The program: spin (sets its nice value, sleeps 5 ms, then burns the CPU for a given wall time).
Answers are percentages or weights (integers; a small error is accepted) or yes/no.]],
  answers_format = [[
Plain text, one answer per line:  question_id = answer   ('#' starts a comment; a "seed = N"
line says which seed the answers are for). Or a Lua file returning { question_id = value or
function(params) ... end }: params has k (equal tasks), nice, b (tasks in cgroup b).]],
}

function lab.setup(ctx)
  local rng, p = ctx.rng, ctx.params
  p.seed = ctx.seed
  p.k = rng:range(2, 4)
  p.nice = rng:range(1, 8)
  p.b = rng:range(2, 4)
  local m = vx.boot{ kernel = ctx.os_image("kernel.elf"), memory = "64M",
                     modules = { ctx.os_image("initrd.img"), { path = ctx.image("lab.sh"), args = "/lab/lab.sh" },
                                 { path = ctx.image("spin.elf"), args = "/bin/spin" } },
                     cmdline = ("quiet hz=1000 cmd=sh /lab/lab.sh %d %d %d"):format(p.k, p.nice, p.b) }
  local why = m:run{ cycles = 3e9 }
  if why ~= "exit" then error("the toy OS did not finish (" .. tostring(why) .. "): " .. m:serial()) end
  ctx.m = m
  local spins = {}
  for _, t in ipairs(m:tasks()) do if t.name == "spin" then spins[#spins + 1] = t end end
  table.sort(spins, function(x, y) return x.pid < y.pid end)
  if #spins ~= p.k + 2 + 1 + p.b then error("expected " .. (p.k + 3 + p.b) .. " spin tasks, found " .. #spins) end
  local part1, part2, part3 = {}, {}, {}
  for i = 1, p.k do part1[i] = spins[i] end
  part2 = { spins[p.k + 1], spins[p.k + 2] }
  for i = p.k + 3, #spins do part3[#part3 + 1] = spins[i] end
  ctx.label = {}
  for _, t in ipairs(part1) do ctx.label[t.pid] = "spin nice 0" end
  ctx.label[part2[1].pid], ctx.label[part2[2].pid] = "spin nice 0", "spin nice " .. p.nice
  ctx.label[part3[1].pid] = "spin in a"
  for i = 2, #part3 do ctx.label[part3[i].pid] = "spin in b" end
  ctx.s1, ctx.w1a, ctx.w1b = shares(part1)
  ctx.s2, ctx.w2a, ctx.w2b = shares(part2)
  ctx.s3, ctx.w3a, ctx.w3b = shares(part3)
end

local function pct(list)
  local out = {}
  for i, v in ipairs(list) do out[i] = ("%.1f%%"):format(v) end
  return table.concat(out, ", ")
end

lab.steps = {
  { title = "Equal tasks: round robin",
    text = function(ctx)
      return ("%d copies of `spin 5 30 0` start together (nice 0, so equal weights):\n\n" ..
              "    for i in $(seq 1 %d); do spin 5 30 0 & done; wait"):format(ctx.params.k, ctx.params.k)
    end,
    questions = {
      { id = "rr_share", points = 2,
        text = "while all of them spin, what percentage of the CPU does each get? (within 3)",
        answer = function(ctx) return math.floor(100 / ctx.params.k + 0.5) end,
        accept = near(3),
        explain = function(ctx) return "100 / the number of tasks: measured " .. pct(ctx.s1) end },
      { id = "rr_wait_grows", points = 1,
        text = "with more equal tasks, does each one wait longer between two of its turns? (yes/no)",
        answer = true,
        explain = function() return "yes: it waits for the turns of all the others (a tick or two each)" end },
    },
    action = function(ctx)
      return chart(ctx.m, ctx.w1a, math.min(ctx.w1b, ctx.w1a + 12000000), ctx.label) .. "\nshares while all spin: " .. pct(ctx.s1) .. "\n"
    end,
    check = function(ctx)
      local want = 100 / ctx.params.k
      for _, s in ipairs(ctx.s1) do
        if math.abs(s - want) > 4 then return false, ("a task got %.1f%%, not %.1f +- 4"):format(s, want) end
      end
      return true, ("each of %d tasks got %s (%.1f +- 4)"):format(ctx.params.k, pct(ctx.s1), want)
    end },

  { title = "nice: weighted fair sharing",
    text = function(ctx)
      return ("Two spins, one at nice 0 and one at nice %d:\n\n    spin 5 40 0 & spin 5 40 %d & wait"):format(ctx.params.nice, ctx.params.nice)
    end,
    questions = {
      { id = "nice_weight", points = 1,
        text = function(ctx) return ("what is the weight of a nice %d task? (within 10%%)"):format(ctx.params.nice) end,
        answer = function(ctx) return weight(ctx.params.nice) end,
        accept = function(given, expected)
          local v = tonumber((given:gsub("_", "")))
          return v ~= nil and math.abs(v - expected) <= 0.10 * expected
        end,
        explain = function(ctx) return ("Linux's table; about 1024 / 1.25^%d"):format(ctx.params.nice) end },
      { id = "nice0_share", points = 2,
        text = "while both spin, what percentage does the nice-0 task get? (within 3)",
        answer = function(ctx) local w = weight(ctx.params.nice) return math.floor(100 * 1024 / (1024 + w) + 0.5) end,
        accept = near(3),
        explain = function(ctx) return "1024 / (1024 + its weight): measured " .. pct(ctx.s2) end },
    },
    action = function(ctx)
      return chart(ctx.m, ctx.w2a, math.min(ctx.w2b, ctx.w2a + 12000000), ctx.label) .. "\nshares while both spin: " .. pct(ctx.s2) .. "\n"
    end,
    check = function(ctx)
      local w = weight(ctx.params.nice)
      local want = 100 * 1024 / (1024 + w)
      local ok = math.abs(ctx.s2[1] - want) <= 5
      return ok, ("nice 0 got %.1f%% against nice %d (weights say %.1f, within 5)"):format(ctx.s2[1], ctx.params.nice, want)
    end },

  { title = "cgroups: groups first, then tasks",
    text = function(ctx)
      return ("The cpu controller on, two cgroups of equal cpu.weight (100): one spin in a, %d in b:\n\n" ..
              "    echo +cpu > /sys/fs/cgroup/cgroup.subtree_control; mkdir /sys/fs/cgroup/a /sys/fs/cgroup/b\n" ..
              "    sh -c \"echo \\$\\$ > /sys/fs/cgroup/a/cgroup.procs; exec spin 5 40 0\" &\n" ..
              "    (%d times) sh -c \"echo \\$\\$ > /sys/fs/cgroup/b/cgroup.procs; exec spin 5 40 0\" &"):format(ctx.params.b, ctx.params.b)
    end,
    questions = {
      { id = "a_share", points = 1,
        text = "while all spin, what percentage does the task in a get? (within 3)",
        answer = 50,
        accept = near(3),
        explain = function(ctx) return ("half: a and b are two equal entities at the top; measured %.1f%%"):format(ctx.s3[1]) end },
      { id = "b_task_share", points = 2,
        text = "and each task in b? (within 3)",
        answer = function(ctx) return math.floor(50 / ctx.params.b + 0.5) end,
        accept = near(3),
        explain = function(ctx) return "b's half, shared by its tasks: measured " .. pct({ table.unpack(ctx.s3, 2) }) end },
      { id = "per_task_fair", points = 1,
        text = "without cgroups (all tasks in one group), would the task now in a get the same share? (yes/no)",
        answer = false,
        explain = function(ctx) return ("no: 100 / %d = %.0f%%, one share per task"):format(ctx.params.b + 1, 100 / (ctx.params.b + 1)) end },
    },
    action = function(ctx)
      ctx.m:picture("gantt", { width = 900 })   -- the whole run as SVG with --pictures
      return chart(ctx.m, ctx.w3a, math.min(ctx.w3b, ctx.w3a + 12000000), ctx.label) .. "\nshares while all spin: " .. pct(ctx.s3) .. "\n"
    end,
    check = function(ctx)
      local ok = math.abs(ctx.s3[1] - 50) <= 5
      for i = 2, #ctx.s3 do ok = ok and math.abs(ctx.s3[i] - 50 / ctx.params.b) <= 5 end
      return ok, ("a's task got %.1f%% (50 +- 5), b's %s (%.1f +- 5 each)"):format(ctx.s3[1], pct({ table.unpack(ctx.s3, 2) }), 50 / ctx.params.b)
    end },
}

return lab
