-- Lab 7: seccomp -- a per-container system-call allowlist (seccomp(2), the kernel's
-- Documentation/userspace-api/seccomp_filter.rst; containers/seccomp.c runs the filter at every
-- system call, containers/ctr/seccomp.c compiles `ctr run --security-opt seccomp=PROFILE`).
-- sysbench times getppid() under filters of different lengths (the cost of each rule); a
-- container with a profile that blocks sethostname shows the errno and kill actions.

local function near(tol) return vx.near{ abs = tol } end

local function marked(out, name)
  local v = out:match("== " .. name .. " ==%s*([^\n]*)")
  if not v then error("no '" .. name .. "' in the toy OS's output:\n" .. out) end
  return v
end

local lab = {
  id = "seccomp",
  title = "seccomp: a system-call filter per container, and what each rule costs",
  version = "1.0",
  summary = "a BPF filter runs at every system call of a container: what a blocked call sees, the cycles each rule adds, and an allowlist (not a denylist) stopping lab 6's exploit",
  minutes = 35,
  claim = "Containers share the host kernel, so their attack surface is every system call; seccomp filters shrink it at a small cost per call",
  introduction = [[
seccomp (seccomp(2), prctl(2) PR_SET_SECCOMP): a process loads a small classic-BPF program;
from then on the kernel runs it at the entry of every system call the process -- and every
child it forks, and every program it execs -- makes. The program reads struct seccomp_data
(the call's number, the architecture, the arguments) and returns an action: ALLOW, ERRNO(n)
(the call is skipped and fails with errno n) or KILL (the process dies of SIGSYS, 31).
Docker loads one for every container (--security-opt seccomp=PROFILE; its default profile
names about 300 calls). In the toy OS, ctr compiles a text profile ("default allow",
"errno NAME", "kill NAME", "allow NAME") into: load the number, one JEQ/RET pair per named
call, the default RET last -- a call not named runs every JEQ.
vx86 charges 1 cycle per instruction (the default cost table), so cycles here are also
instructions. Answers are whole numbers, yes/no, or an errno name.]],
  answers_format = [[
Plain text "question_id = answer" lines ('#' comments, "seed = N"), or a Lua file returning
{ question_id = value or function(params) ... end }; params has seed, r1, r2, r3 (the numbers
of rules), action (errno or kill) and calls.]],
}

function lab.setup(ctx)
  local rng, p = ctx.rng, ctx.params
  p.seed = ctx.seed
  p.r1 = rng:range(2, 8) * 5
  p.r2 = p.r1 + rng:range(2, 6) * 5
  p.r3 = rng:range(20, 40) * 5
  p.action = rng:choice{ "errno", "kill" }
  p.calls = 200
  local kernel = ctx.os_image("kernel.elf")
  local probe = vx.boot{ kernel = kernel, memory = "16M" }       -- only for its symbol table
  local uts = probe:symbol("init_uts")
  if not uts then error("no init_uts in the kernel's symbols") end
  probe:close()
  local cmd = ("sh /lab/lab.sh %d %d %d %s %d 0x%x"):format(p.r1, p.r2, p.r3, p.action, p.calls, uts + 12)
  local m = vx.boot{ kernel = kernel, memory = "64M",
                     modules = { ctx.os_image("initrd.img"), { path = ctx.image("lab.sh"), args = "/lab/lab.sh" },
                                 { path = ctx.image("sysbench.elf"), args = "/bin/sysbench" },
                                 { path = ctx.image("../isolation/pwn.elf"), args = "/bin/pwn" } },
                     cmdline = "quiet labbug=1 cmd=" .. cmd }
  local why = m:run{ cycles = 3e9 }
  if why ~= "exit" then error("the toy OS did not finish (" .. tostring(why) .. "): " .. m:serial()) end
  local out = m:serial():gsub("\r", "")
  ctx.m, ctx.out = m, out
  ctx.bench = {}
  for _, r in ipairs{ 0, p.r1, p.r2, p.r3 } do
    ctx.bench[r] = tonumber(marked(out, "bench " .. r):match("per call (%d+)"))
  end
  ctx.slope = (ctx.bench[p.r2] - ctx.bench[p.r1]) / (p.r2 - p.r1)
  ctx.fixed = ctx.bench[p.r1] - ctx.bench[0] - p.r1 * ctx.slope   -- loading A, the last RET, the hook
  ctx.free_rc = tonumber(marked(out, "free rc"))
  ctx.boxed_rc = tonumber(marked(out, "boxed rc"))
  ctx.boxed_status = tonumber(marked(out, "boxed status"))
  for _, k in ipairs{ "deny rc", "host after deny", "allow rc", "host after allow" } do ctx[k] = marked(out, k) end
end

lab.steps = {
  { title = "A system call without a filter",
    text = function(ctx)
      return ("The lab booted the toy OS and ran `sysbench 0 %d`: %d getppid() calls between two RDTSC,\n" ..
        "no filter loaded (labs/seccomp/os/sysbench.c)."):format(ctx.params.calls, ctx.params.calls)
    end,
    questions = {
      { id = "s1_base", points = 1, text = "how many cycles does one getppid() take without a filter (the 'per call' figure)?",
        answer = function(ctx) return ctx.bench[0] end, accept = near(2),
        explain = "int 0x80, the trap entry, the table lookup, sys_getppid, the return with IRET" },
    },
    check = function(ctx)
      return ctx.bench[0] > 100 and ctx.bench[0] < 1000, ("a bare system call: %d cycles"):format(ctx.bench[0])
    end },
  { title = "What each rule costs",
    text = function(ctx)
      local p = ctx.params
      return ("Then with filters of %d and %d rules (one JEQ/RET pair per named call, none of them getppid,\n" ..
        "so every JEQ runs, as for a call a profile names last or not at all):\n\n" ..
        "    sysbench %d: %d cycles per call\n    sysbench %d: %d cycles per call"):format(
        p.r1, p.r2, p.r1, ctx.bench[p.r1], p.r2, ctx.bench[p.r2])
    end,
    questions = {
      { id = "s2_per_rule", points = 2, text = "how many cycles does each rule add to every system call?",
        answer = function(ctx) return math.floor(ctx.slope + 0.5) end, accept = near(1),
        explain = "the difference of the two figures over the difference of the rule counts: the interpreter's loop for one JEQ" },
      { id = "s3_fixed", points = 2, text = "how many cycles does loading any filter add before its first rule (the hook, loading the number, the final RET)?",
        answer = function(ctx) return math.floor(ctx.fixed + 0.5) end, accept = near(3),
        explain = "filtered - unfiltered - rules x per-rule" },
      { id = "s4_predict", points = 3,
        text = function(ctx) return ("predict the cycles per getppid() under a filter of %d rules"):format(ctx.params.r3) end,
        answer = function(ctx) return ctx.bench[ctx.params.r3] end,
        accept = function(given, expected)
          local v = tonumber((given:gsub("_", "")))
          return v ~= nil and math.abs(v - expected) <= expected * 0.02
        end,
        explain = "unfiltered + fixed + rules x per-rule: the cost is linear in the rules a call passes" },
      { id = "s5_allowed_pays", points = 1, text = "does a call the filter allows still pay for the filter (yes/no)?",
        answer = function() return "yes" end,
        explain = "the filter runs before the kernel knows the answer: every call of the container pays" },
    },
    action = function(ctx)
      local p = ctx.params
      return ("Measured: %d rules -> %d cycles per call (%.1fx the unfiltered call)."):format(
        p.r3, ctx.bench[p.r3], ctx.bench[p.r3] / ctx.bench[0])
    end,
    check = function(ctx)
      local p = ctx.params
      local model = ctx.bench[0] + ctx.fixed + p.r3 * ctx.slope
      local lin = math.abs(model - ctx.bench[p.r3]) <= 0.02 * ctx.bench[p.r3]   -- a long filter spans more pages: a few TLB refills
      return lin and ctx.slope >= 5 and ctx.slope <= 60,
        ("%.1f cycles per rule; the linear model says %d for %d rules, measured %d"):format(ctx.slope, math.floor(model), p.r3, ctx.bench[p.r3])
    end },
  { title = "A container with a profile",
    text = function(ctx)
      return ("Then two containers ran `hostname other` (sethostname(2)): one without a profile, one with\n" ..
        "--security-opt seccomp=/tmp/profile, whose lines are:\n\n    default allow\n    %s sethostname\n\n" ..
        "The shell inside forks and execs hostname; the filter, loaded by the container's init before its\n" ..
        "execve, is inherited by both. Each shell then printed hostname's status ($?)."):format(ctx.params.action)
    end,
    questions = {
      { id = "s6_free_rc", points = 1, text = "what status ($?) did hostname have in the container without a profile?",
        answer = function(ctx) return ctx.free_rc end },
      { id = "s7_boxed_rc", points = 2, text = "what status ($?) did hostname have in the container with the profile?",
        answer = function(ctx) return ctx.boxed_rc end,
        explain = function(ctx)
          return ctx.params.action == "kill" and "killed by SIGSYS: the shell reports 128 + 31" or
            "ERRNO(EPERM): sethostname returned -1, hostname printed the error and exited 1"
        end },
      { id = "s8_inherited", points = 1, text = "did a process the container's shell started (not the init itself) get the filter (yes/no)?",
        answer = function() return "yes" end,
        explain = "filters are kept across fork and execve and can never be removed" },
    },
    action = function(ctx)
      local m = ctx.m
      m:picture("gantt", { width = 900 })   -- the boot's tasks on a timeline, as SVG with --pictures
      return (ctx.out:match("(== free rc ==.-)== boxed status") or ctx.out)
    end,
    check = function(ctx)
      local want = ctx.params.action == "kill" and 159 or 1
      return ctx.free_rc == 0 and ctx.boxed_rc == want and ctx.boxed_status == 0,
        ("hostname: %d without the profile, %d with it (%s)"):format(ctx.free_rc, ctx.boxed_rc, ctx.params.action)
    end },
  { title = "Blocking lab 6's exploit: denylist or allowlist",
    text = "The machine was booted with labbug=1: lab 6's planted hole (kernel/labbug.c), system call\n" ..
      "1000, writes any kernel address. Lab 6's exploit pwn (labs/isolation/os/pwn.c) overwrites the\n" ..
      "host's host name through it. It ran in a container under two profiles:\n\n" ..
      "  deny:  default allow, errno sethostname        (a denylist: block what is known to be bad)\n" ..
      "  allow: default errno, allow read write ...     (an allowlist of 36 ordinary calls, as Docker's\n" ..
      "                                                  default profile is, with ~300)\n\n" ..
      "After each, the host printed its host name (set back to vx86 in between).",
    questions = {
      { id = "s9_deny_stops", points = 2, text = "did the denylist profile keep the host's host name (yes/no)?",
        answer = function(ctx) return ctx["host after deny"] == "vx86" and "yes" or "no" end,
        explain = "pwn never calls sethostname: a denylist stops only the calls it names, and the hole was not among them" },
      { id = "s10_allow_stops", points = 2, text = "did the allowlist profile keep the host's host name (yes/no)?",
        answer = function(ctx) return ctx["host after allow"] == "vx86" and "yes" or "no" end,
        explain = "call 1000 is not in the list, so it gets the default, EPERM, before the buggy code runs" },
    },
    action = function(ctx)
      return ("deny: pwn status %s, host %s\nallow: pwn status %s, host %s"):format(ctx["deny rc"], ctx["host after deny"],
        ctx["allow rc"], ctx["host after allow"])
    end,
    check = function(ctx)
      return ctx["host after deny"] == "denied" and ctx["host after allow"] == "vx86" and ctx["allow rc"] == "1",
        ("the denylist let the exploit through (host %s), the allowlist stopped it (status %s, host %s)"):format(
          ctx["host after deny"], ctx["allow rc"], ctx["host after allow"])
    end },
}

return lab
