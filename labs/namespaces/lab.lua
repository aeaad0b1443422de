-- Lab 11: a container built by hand from the shell (namespaces(7), pid_namespaces(7),
-- pivot_root(2), cgroup v2), then compared with what `ctr run` does, from the trace. The two
-- classic pitfalls are shown on purpose: a PID namespace without a fork, and /proc not remounted.

local CG = "/sys/fs/cgroup"
local NS_CGROUP = 7                -- devices/probe_abi.h, enum vx86_probe_ns_type

-- The session: each line typed at the toy OS's shell, run until its next prompt; the transcript
-- of each part is kept for the step that shows it.
local Session = {}
Session.__index = Session

local function session(ctx)
  local m = vx.boot{ kernel = ctx.os_image("kernel.elf"), memory = "64M", cmdline = "quiet hz=1000",
                     modules = { ctx.os_image("initrd.img"),
                                 { path = ctx.image("unshare.elf"), args = "/bin/unshare" },
                                 { path = ctx.image("pivot_root.elf"), args = "/bin/pivot_root" } } }
  local why = m:run{ cycles = 100000000, until_serial = "$ " }
  if why ~= "serial" then error("the toy OS's shell did not start (" .. tostring(why) .. "): " .. m:serial()) end
  return setmetatable({ m = m, parts = {} }, Session)
end

function Session:type(line)
  local m = self.m
  local before = #m:serial()
  m:type(line .. "\n")
  local why = m:run{ cycles = 500000000, ["until"] = function(mm)
    local t = mm:serial()
    return #t > before + #line and t:sub(-2) == "$ "
  end }
  if why ~= "until" then error("no prompt after '" .. line .. "' (" .. tostring(why) .. "): " .. m:serial():sub(-400)) end
  return m:serial():sub(before + 1):gsub("\r", "")
end

-- Type LINES as part NAME; the part's transcript (with the prompt) and its cycle range.
function Session:part(name, lines)
  local p = { start = self.m:cycles(), text = "" }
  for _, l in ipairs(lines) do p.text = p.text .. "$ " .. self:type(l):gsub("%$ $", "") end
  p.stop = self.m:cycles()
  self.parts[name] = p
  return p
end

local function indent(s) return "    " .. s:gsub("\n$", ""):gsub("\n", "\n    ") .. "\n" end

-- ps's process lines (those that start with a pid).
local function ps_count(text)
  local n = 0
  for l in text:gmatch("[^\n]+") do if l:match("^%s*%d+%s+%d+%s+%a") then n = n + 1 end end
  return n
end

local function ns_type_name(e)
  if e.ns_type == NS_CGROUP then return "cgroup" end
  return e.ns_type_name
end

local WORDS = { "alpha", "bravo", "cedar", "delta", "ember", "fjord", "gamma", "harbor", "iris", "juniper", "kilo", "lumen" }

local lab = {
  id = "namespaces",
  title = "Namespaces from scratch: a container by hand, two pitfalls, and what ctr does",
  version = "1.0",
  summary = "build a container from the shell with unshare, mount, pivot_root, hostname and cgroup writes; the PID-namespace and /proc pitfalls; compare with ctr's trace",
  minutes = 50,
  claim = "A container is just a process: namespaces for what it sees, cgroups for what it may use, a root file system from an image",
  introduction = [[
A container is an ordinary process that the kernel shows a different world:
  namespaces  (namespaces(7)) what it sees: PID (its own pid numbers), mount (its own mount table),
              UTS (its own hostname), IPC, cgroup (its own cgroup root);
  cgroups     what it may use (pids.max, memory.max, cpu.max);
  a root      an image's layers under an overlay, made its / by pivot_root(2).
You will build one by hand at the toy OS's shell with unshare(1), mount(8), pivot_root(8),
hostname(1) and writes to /sys/fs/cgroup, then compare with what `ctr run` did, from the trace.
unshare -p -m -u -i makes new PID, mount, UTS and IPC namespaces; -f forks first; a new PID
namespace is only for the caller's *children* (pid_namespaces(7)).
Answers are integers, yes/no, or one word.]],
  answers_format = [[
Plain text, one answer per line:  question_id = answer   ('#' starts a comment; a "seed = N"
line says which seed the answers are for). Or a Lua file returning { question_id = value or
function(params) ... end }: params has sleepers, hostname, pids_max.]],
}

function lab.setup(ctx)
  local rng, p = ctx.rng, ctx.params
  p.seed = ctx.seed
  p.sleepers = rng:range(2, 6)
  p.hostname = rng:choice(WORDS) .. rng:range(1, 9)
  p.pids_max = rng:range(8, 30)
  local s = session(ctx)
  ctx.s = s
  ctx.m = s.m                      -- the machine the lab screen shows
  local bg = {}
  for i = 1, p.sleepers do bg[i] = "sleep 5 &" end
  s:part("prepare", {
    "ctr run --rm base true",
    "mkdir /c /c/upper /c/work /c/root",
    table.concat(bg, " "),
  })
  ctx.base_pid = s:type("echo $$"):match("(%d+)")
  -- Pitfall 1: a PID namespace without -f.
  s:part("nofork", { "unshare -p sh", "sh -c 'echo $$'", "ls /", "exit" })
  -- The cgroup, made and joined from the host shell (its children inherit it).
  s:part("cgroup", {
    "mkdir " .. CG .. "/mybox",
    "echo " .. p.pids_max .. " > " .. CG .. "/mybox/pids.max",
    "echo $$ > " .. CG .. "/mybox/cgroup.procs",
  })
  -- The right way, and pitfall 2 (/proc still the host's).
  s:part("fork", { "unshare -p -m -u -i -f sh", "sh -c 'echo $$'; echo $$", "ps" })
  s:part("proc", { "mount -t proc proc /proc", "ps" })
  s:part("root", {
    "hostname " .. p.hostname,
    "for d in /var/lib/ctr/layers/*; do L=$d; done",
    "mount -t overlay -o lowerdir=$L,upperdir=/c/upper,workdir=/c/work overlay /c/root",
    "mount -t proc proc /c/root/proc",
    "cd /c/root; pivot_root . tmp; cd /; umount -l /tmp",
    "ls /; cat /etc/os-release; hostname; cat /proc/self/cgroup; cat " .. CG .. "/mybox/pids.max",
  })
  -- lsns's view while it runs. The vx module names only pid/mnt/uts/ipc/user/net: cgroup namespaces
  -- (ctr's, and the boot's) are left out of the picture here and counted from ns_create records.
  local ns = s.m:namespaces()
  local known = { kind = ns.kind, partial = ns.partial }
  for _, n in ipairs(ns) do
    if n.type == "pid" or n.type == "mnt" or n.type == "uts" or n.type == "ipc" then known[#known + 1] = n end
  end
  ctx.inside = known
  s:part("leave", { "exit", "hostname" })
  -- ctr, for comparison.
  s:part("ctr", { "ctr run --name web --pids-limit " .. p.pids_max .. " base hostname" })

  local P = s.parts
  ctx.nofork_echo = tonumber(P.nofork.text:match("echo %$%$'\n(%d+)"))
  ctx.nofork_ls_error = P.nofork.text:match("ls /\n([^\n]*)")
  ctx.fork_pids = { P.fork.text:match("echo %$%$\n(%d+)\n(%d+)") }
  ctx.ps_before = ps_count(P.fork.text:match("%$ ps\n(.*)$") or "")
  ctx.ps_after = ps_count(P.proc.text:match("%$ ps\n(.*)$") or "")
  ctx.root_ls = P.root.text:match("%$ ls /;[^\n]*\n(.*)$") or ""
  ctx.host_hostname = P.leave.text:match("%$ hostname\n([^\n]+)")
  -- From the trace: what each did.
  local function events(part)
    return s.m:events{ kinds = { "ns_create", "mount", "hostname", "cgroup_attach" }, since = P[part].start }
  end
  local function summary(evs, stop)
    local r = { ns = {}, mounts = {}, hostname = nil, cgroup = nil }
    for _, e in ipairs(evs) do
      if e.cycle < stop then
        if e.kind == "ns_create" then r.ns[#r.ns + 1] = ns_type_name(e)
        elseif e.kind == "mount" then r.mounts[#r.mounts + 1] = e.fstype .. " " .. e.target
        elseif e.kind == "hostname" then r.hostname = e.hostname
        elseif e.kind == "cgroup_attach" then r.cgroup = e.path end
      end
    end
    return r
  end
  ctx.hand = summary(events("fork"), P.root.stop)
  ctx.ctr = summary(events("ctr"), P.ctr.stop)
  ctx.ctr_cycles = P.ctr.stop - P.ctr.start
end

local function list(t) return table.concat(t, ", ") end

lab.steps = {
  { title = "The host, before",
    text = function(ctx)
      return ("The toy OS has booted to its shell. We unpack the base image's layer once, make directories for an\n" ..
              "overlay, and start %d background `sleep`s so that the host has some processes of its own:\n\n"):format(ctx.params.sleepers) ..
             indent(ctx.s.parts.prepare.text)
    end },

  { title = "Pitfall 1: a PID namespace without a fork",
    text = "Without -f, unshare calls unshare(CLONE_NEWPID) and execs sh; the new namespace is for sh's children:\n\n" ..
           "    $ unshare -p sh\n    $ sh -c 'echo $$'        # single quotes: the child shell expands $$\n    $ ls /\n    $ exit",
    questions = {
      { id = "nofork_child_pid", points = 1,
        text = "what does `sh -c 'echo $$'` print?",
        answer = function(ctx) return ctx.nofork_echo end,
        explain = function() return "the first child born in the new PID namespace is its pid 1, its init" end },
      { id = "nofork_ls_works", points = 1,
        text = "does the next command, `ls /`, run? (yes/no)",
        answer = function(ctx) return ctx.nofork_ls_error == nil or not ctx.nofork_ls_error:match("fork") end,
        explain = function(ctx) return "no: " .. tostring(ctx.nofork_ls_error) .. " -- the namespace's init exited, so the namespace is dead and fork into it fails" end },
      { id = "nofork_errno", points = 1,
        text = "which errno does that fork get (its name)?",
        answer = "ENOMEM",
        explain = function() return "ENOMEM (\"Cannot allocate memory\"), as Linux: a PID namespace whose init died takes no new tasks" end },
    },
    action = function(ctx) return indent(ctx.s.parts.nofork.text) end,
    check = function(ctx)
      local ok = ctx.nofork_echo == 1 and ctx.nofork_ls_error == "sh: fork: Cannot allocate memory"
      return ok, ("the first child is pid %s, then `ls /`: %s"):format(tostring(ctx.nofork_echo), tostring(ctx.nofork_ls_error))
    end },

  { title = "The right way, and pitfall 2: /proc is still the host's",
    text = function(ctx)
      return ("From the host shell, a cgroup for the container, joined by the shell (children inherit it):\n\n" ..
              "    $ mkdir /sys/fs/cgroup/mybox\n    $ echo %d > /sys/fs/cgroup/mybox/pids.max\n" ..
              "    $ echo $$ > /sys/fs/cgroup/mybox/cgroup.procs\n\n" ..
              "Then new namespaces with -f (fork first, so the new shell is pid 1), and ps, which reads /proc:\n\n" ..
              "    $ unshare -p -m -u -i -f sh\n    $ sh -c 'echo $$'; echo $$\n    $ ps\n\n" ..
              "Then proc is mounted again, from inside the new namespaces, and ps runs again:\n\n" ..
              "    $ mount -t proc proc /proc\n    $ ps"):format(ctx.params.pids_max)
    end,
    questions = {
      { id = "fork_shell_pid", points = 1,
        text = "what does the second number, the new shell's own `echo $$`, print?",
        answer = function(ctx) return tonumber(ctx.fork_pids[2]) end,
        explain = function() return "1: with -f the shell is the first task born in the namespace" end },
      { id = "ps_before", points = 2,
        text = "how many processes does the first ps list?",
        answer = function(ctx) return ctx.ps_before end,
        explain = function(ctx)
          return ("all of the host's (init, the host shell, %d sleeps, unshare, the new sh, ps): /proc is the host's proc mount, " ..
                  "which shows the PID namespace of whoever mounted it"):format(ctx.params.sleepers)
        end },
      { id = "ps_after", points = 2,
        text = "and the second ps, after the new proc mount?",
        answer = function(ctx) return ctx.ps_after end,
        explain = function() return "sh (pid 1) and ps: a proc mounted from inside shows the new namespace" end },
      { id = "host_proc_changed", points = 1,
        text = "does the host's /proc change because of that mount? (yes/no)",
        answer = false,
        explain = function() return "no: the mount was made in the new mount namespace (unshare -m), the host's table is untouched" end },
    },
    action = function(ctx)
      ctx.s.m:picture("cgroups", { width = 900 })   -- the cgroup tree (mybox, ctr's) as SVG with --pictures
      return indent(ctx.s.parts.cgroup.text) .. indent(ctx.s.parts.fork.text) .. indent(ctx.s.parts.proc.text)
    end,
    check = function(ctx)
      local p = ctx.params
      local ok = tonumber(ctx.fork_pids[2]) == 1 and ctx.ps_before == p.sleepers + 5 and ctx.ps_after == 2
      return ok, ("the new shell is pid %s; ps lists %d processes with the host's /proc (%d + 5 expected), %d after the new mount (2)")
                 :format(tostring(ctx.fork_pids[2]), ctx.ps_before, p.sleepers, ctx.ps_after)
    end },

  { title = "A root file system and a hostname",
    text = function(ctx)
      return ("Still inside: the hostname, the base image's layer under an overlay, proc inside it, then pivot_root to it and\n" ..
              "the old root detached:\n\n" ..
              "    $ hostname %s\n    $ for d in /var/lib/ctr/layers/*; do L=$d; done\n" ..
              "    $ mount -t overlay -o lowerdir=$L,upperdir=/c/upper,workdir=/c/work overlay /c/root\n" ..
              "    $ mount -t proc proc /c/root/proc\n    $ cd /c/root; pivot_root . tmp; cd /; umount -l /tmp\n" ..
              "    $ ls /; cat /etc/os-release; hostname; cat /proc/self/cgroup; cat /sys/fs/cgroup/mybox/pids.max\n\n" ..
              "Then `exit`, and `hostname` in the host shell."):format(ctx.params.hostname)
    end,
    questions = {
      { id = "host_hostname", points = 1,
        text = "what does `hostname` print in the host shell afterwards?",
        answer = function(ctx) return ctx.host_hostname end,
        explain = function() return "the host's own name: the new name was set in the new UTS namespace" end },
      { id = "pids_max_visible", points = 1,
        text = "inside, after pivot_root, does `cat /sys/fs/cgroup/mybox/pids.max` print the limit? (yes/no)",
        answer = function(ctx) return ctx.root_ls:match("\n" .. ctx.params.pids_max .. "\n") ~= nil end,
        explain = function() return "no: the image's /sys/fs/cgroup is an empty directory; nothing mounted cgroup2 there (ctr does; Docker mounts it read-only)" end },
    },
    action = function(ctx)
      return indent(ctx.s.parts.root.text) .. indent(ctx.s.parts.leave.text) ..
             "\nThe namespaces while the hand-made container ran (lsns's view, from the ns_create, mount and hostname\n" ..
             "records; NPROCS is 0 because the toy kernel's task records do not yet name a task's namespaces):\n\n" ..
             vx.show.namespaces(ctx.inside)
    end,
    check = function(ctx)
      local ok = ctx.host_hostname == "vx86" and ctx.root_ls:match("^bin\ndev\netc\nproc\nsrv\nsys\ntmp\n") ~= nil and
                 ctx.root_ls:match('NAME="vx86 toy OS"\n') ~= nil and ctx.root_ls:match("\n" .. ctx.params.hostname .. "\n") ~= nil and
                 ctx.root_ls:match("\n0::/mybox\n") ~= nil
      return ok, ("inside: the image's root, hostname %s, cgroup /mybox; the host still calls itself %s")
                 :format(ctx.params.hostname, tostring(ctx.host_hostname))
    end },

  { title = "What ctr did, from the trace",
    text = function(ctx)
      return ("Now the tool: `ctr run --name web --pids-limit %d base hostname`. The trace has a record for each new\n" ..
              "namespace (ns_create), each mount, each sethostname and each cgroup attach. Your hand-made container's records\n" ..
              "are there too."):format(ctx.params.pids_max)
    end,
    questions = {
      { id = "hand_ns", points = 1,
        text = "how many namespaces did `unshare -p -m -u -i -f` create?",
        answer = function(ctx) return #ctx.hand.ns end },
      { id = "ctr_ns", points = 2,
        text = "how many did `ctr run` create?",
        answer = function(ctx) return #ctx.ctr.ns end,
        explain = function(ctx) return list(ctx.ctr.ns) .. ": clone(NEWPID|NEWNS|NEWUTS|NEWIPC), then unshare(NEWCGROUP) in the child once it is in its cgroup" end },
      { id = "ctr_extra_ns", points = 1,
        text = "which namespace type did ctr create that you did not (one word)?",
        answer = "cgroup",
        explain = function() return "cgroup: so the container sees its own cgroup as / (cgroup_namespaces(7))" end },
      { id = "ctr_mounts", points = 2,
        text = "how many mount records does ctr's run have (pivot_root is recorded as a mount of /)?",
        answer = function(ctx) return #ctx.ctr.mounts end,
        explain = function(ctx) return list(ctx.ctr.mounts) end },
    },
    action = function(ctx)
      return ("by hand: namespaces %s; mounts %s; hostname %s; cgroup attach %s (the shell's write to cgroup.procs)\n" ..
              "ctr:     namespaces %s; mounts %s; hostname %s; cgroup attach %s; %d cycles from typing the command to the prompt\n\n")
             :format(list(ctx.hand.ns), list(ctx.hand.mounts), tostring(ctx.hand.hostname), tostring(ctx.s.parts.cgroup and "/mybox"),
                     list(ctx.ctr.ns), list(ctx.ctr.mounts), tostring(ctx.ctr.hostname), tostring(ctx.ctr.cgroup), ctx.ctr_cycles) ..
             indent(ctx.s.parts.ctr.text)
    end,
    check = function(ctx)
      local want = { pid = true, mnt = true, uts = true, ipc = true, cgroup = true }
      local got = 0
      for _, t in ipairs(ctx.ctr.ns) do if want[t] then got = got + 1; want[t] = nil end end
      local ok = #ctx.hand.ns == 4 and #ctx.ctr.ns == 5 and got == 5 and #ctx.ctr.mounts >= 4 and ctx.ctr.cgroup == "/ctr/web"
                 and ctx.ctr.hostname ~= nil and ctx.hand.hostname == ctx.params.hostname
      return ok, ("by hand %d namespaces (%s), ctr %d (%s) and %d mounts, cgroup %s")
                 :format(#ctx.hand.ns, list(ctx.hand.ns), #ctx.ctr.ns, list(ctx.ctr.ns), #ctx.ctr.mounts, tostring(ctx.ctr.cgroup))
    end },
}

return lab
