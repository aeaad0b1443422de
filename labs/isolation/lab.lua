-- Lab 6: the isolation boundary -- a planted kernel bug (kernel/labbug.c, on only with the kernel
-- command line's labbug=1) exploited from a container, from a VM, and from a container under a
-- seccomp profile (lab 7, containers/seccomp.c). The exploit (labs/isolation/os/pwn.c) reads and
-- overwrites the host name of the kernel's initial UTS namespace through the bug; then a bare guest escapes
-- its VM through a planted floppy-FIFO overflow (hyperv/labvenom.c, the VENOM lesson).

local function marked(out, name)
  local v = out:match("== " .. name .. " ==[ \t]*([^\n]*)")
  if not v then error("no '" .. name .. "' in the toy OS's output:\n" .. out) end
  return v
end

local lab = {
  id = "isolation",
  title = "Isolation: one kernel bug, exploited from a container and from a VM",
  version = "1.0",
  summary = "a planted kernel bug (labbug=1) owns the host from a container, only the guest from a VM; seccomp blocks it; a planted device bug (VENOM) escapes the VM",
  minutes = 40,
  claim = "VMs isolate better than containers: a container shares the host kernel, so a kernel bug reachable from it owns the host; a VM's guest has its own kernel",
  introduction = [[
The toy OS has a deliberate hole, kernel/labbug.c, compiled in but OFF unless the kernel
command line says labbug=1 (then system call 1000 reads or writes any kernel address: a
missing access_ok, the classic driver bug). The lab booted the toy OS with labbug=1 and ran
pwn (labs/isolation/os/pwn.c), which reads and then overwrites the host name of the kernel's
initial UTS namespace -- the name `hostname` prints on the host -- at the address of init_uts
(+12, past its struct ns_common), taken from the kernel's symbol table. It ran pwn from a
container, from a container with a seccomp profile, and inside a VM running the same kernel
(`vm run ... /vm/kernel.elf "labbug=1 ..."`), then in a VM whose kernel was booted without
labbug=1. Answers are yes/no, whole numbers or an errno name.]],
  answers_format = [[
Plain text "question_id = answer" lines ('#' comments, "seed = N"), or a Lua file returning
{ question_id = value or function(params) ... end }; params has seed, name (what pwn writes),
action (the profile's: errno or kill) and addr.]],
}

function lab.setup(ctx)
  local rng, p = ctx.rng, ctx.params
  p.seed = ctx.seed
  local letters = rng:range(3, 14)
  p.name = ("owned" .. string.rep("x", letters)):sub(1, 5 + letters)
  p.action = rng:choice{ "errno", "kill" }
  local kernel = ctx.os_image("kernel.elf")
  local probe = vx.boot{ kernel = kernel, memory = "16M" }       -- only for its symbol table
  local uts = probe:symbol("init_uts")
  if not uts then error("no init_uts in the kernel's symbols") end
  p.addr = ("0x%x"):format(uts + 12)
  local fifo = probe:symbol("labvenom_fdc")
  if not fifo then error("no labvenom_fdc in the kernel's symbols") end
  probe:close()
  local m = vx.boot{ kernel = kernel, memory = "128M",
                     modules = { ctx.os_image("initrd.img"), { path = ctx.image("lab.sh"), args = "/lab/lab.sh" },
                                 { path = ctx.image("pwn.elf"), args = "/bin/pwn" },
                                 { path = kernel, args = "/vm/kernel.elf" },
                                 { path = ctx.os_image("initrd.img"), args = "/vm/initrd.img" },
                                 { path = ctx.image("venom.elf"), args = "/vm/venom.elf" } },
                     cmdline = ("quiet labbug=1 cmd=sh /lab/lab.sh %s %s %s %d %d"):format(p.addr, p.name, p.action, fifo, uts + 12) }
  local why = m:run{ cycles = 2e10 }
  if why ~= "exit" then error("the toy OS did not finish (" .. tostring(why) .. "): " .. m:serial()) end
  local out = m:serial():gsub("\r", "")
  ctx.m, ctx.out = m, out
  for _, k in ipairs{ "host before", "container rc", "container sees", "host after container", "seccomp rc",
                      "host after seccomp", "guest rc", "guest after", "host after vm", "plain guest rc", "venom status",
                      "host after venom" } do
    ctx[k] = marked(out, k)
  end
  ctx.words = (#p.name + 4) // 4
  ctx.plain_errno = out:find("read failed: Function not implemented", 1, true) and "ENOSYS" or "?"
end

local function yn(b) return b and "yes" or "no" end

lab.steps = {
  { title = "From a container",
    text = "pwn ran in a container (its own PID, mount, UTS and IPC namespaces and cgroup, as Docker's),\n" ..
      "then the container's shell printed its own host name, then the host printed its own.",
    questions = {
      { id = "i1_host_owned", points = 2, text = "did the exploit in the container change the host's host name (yes/no)?",
        answer = function(ctx) return yn(ctx["host after container"] ~= ctx["host before"]) end,
        explain = "the container's system calls enter the host's kernel: a kernel bug is a host bug" },
      { id = "i2_container_name", points = 1, text = "did the container's own `hostname` show the name pwn wrote (yes/no)?",
        answer = function(ctx) return yn(ctx["container sees"] == ctx.params.name) end,
        explain = "the container has its own UTS namespace; pwn wrote the initial one's, the host's" },
      { id = "i3_words", points = 1, text = "how many 32-bit words did pwn write into kernel memory?",
        answer = function(ctx) return ctx.words end,
        explain = "the name and its terminating NUL, rounded up to words" },
    },
    action = function(ctx)
      return ("container: pwn status %s, the container's hostname %s\nhost: %s before, %s after"):format(
        ctx["container rc"], ctx["container sees"], ctx["host before"], ctx["host after container"])
    end,
    check = function(ctx)
      return ctx["host after container"] == ctx.params.name and ctx["container rc"] == "0",
        ("a container rewrote the host's host name: %s -> %s"):format(ctx["host before"], ctx["host after container"])
    end },
  { title = "From a container under seccomp (lab 7)",
    text = function(ctx)
      return ("The host's name was set back, and the same container ran again with\n" ..
        "--security-opt seccomp=/tmp/profile, the profile being:\n\n    default allow\n    %s 1000   # labbug\n"):format(ctx.params.action)
    end,
    questions = {
      { id = "i4_seccomp_killed", points = 2, text = "was pwn killed by a signal in the container with the profile (yes/no)?",
        answer = function(ctx) return yn(ctx["seccomp rc"] == "159") end,
        explain = function(ctx)
          return ctx.params.action == "kill" and "killed by SIGSYS at its first call to 1000: the shell saw 128 + 31" or
            "its first call to 1000 failed with EPERM; pwn printed the error and exited 1"
        end },
      { id = "i5_seccomp_host", points = 1, text = "did the host's host name change this time (yes/no)?",
        answer = function(ctx) return yn(ctx["host after seccomp"] ~= "vx86") end,
        explain = "the filter runs before the system-call table: the buggy code is never reached" },
      { id = "i6_other_profile", points = 1,
        text = "would a profile of `default allow` and `errno sethostname` (lab 7's) have stopped pwn (yes/no)?",
        answer = function() return "no" end,
        explain = "pwn never calls sethostname: it writes the name through call 1000; a denylist stops only what it names, which is why Docker's default profile is an allowlist" },
    },
    action = function(ctx) return ("pwn status %s; host: %s"):format(ctx["seccomp rc"], ctx["host after seccomp"]) end,
    check = function(ctx)
      local want = ctx.params.action == "kill" and "159" or "1"
      return ctx["seccomp rc"] == want and ctx["host after seccomp"] == "vx86",
        ("seccomp (%s) stopped the exploit: status %s, host %s"):format(ctx.params.action, ctx["seccomp rc"], ctx["host after seccomp"])
    end },
  { title = "From a VM",
    text = "The host started a VM (`vm run`, the toy OS's hypervisor) running the same kernel with\n" ..
      "labbug=1, and pwn ran in the guest with the same address; the guest printed its host name,\n" ..
      "then the host printed its own. Then a second VM whose kernel was booted without labbug=1.",
    questions = {
      { id = "i7_guest_owned", points = 1, text = "did pwn change the guest's host name (yes/no)?",
        answer = function(ctx) return yn(ctx["guest after"] == ctx.params.name) end,
        explain = "inside the VM, the bug is the guest kernel's: the guest is owned" },
      { id = "i8_vm_host", points = 2, text = "did pwn in the VM change the host's host name (yes/no)?",
        answer = function(ctx) return yn(ctx["host after vm"] ~= "vx86") end,
        explain = "the guest's system calls go to the guest's kernel; the address is a guest address; the host kernel is reached only through VM exits" },
      { id = "i9_plain_errno", points = 1, text = "what errno did pwn get from the kernel booted without labbug=1 (a name)?",
        answer = function(ctx) return ctx.plain_errno end,
        explain = "without labbug=1 the number is an unknown system call: ENOSYS, as Linux answers" },
    },
    action = function(ctx)
      ctx.m:picture("gantt", { width = 900 })   -- host tasks and vm 1's, as SVG with --pictures
      return ("guest: pwn status %s, guest host name %s; host: %s; guest without labbug=1: pwn status %s"):format(
        ctx["guest rc"], ctx["guest after"], ctx["host after vm"], ctx["plain guest rc"])
    end,
    check = function(ctx)
      return ctx["guest after"] == ctx.params.name and ctx["host after vm"] == "vx86" and ctx.plain_errno == "ENOSYS",
        ("the VM's exploit owned the guest (%s), not the host (%s); without labbug=1: %s"):format(
          ctx["guest after"], ctx["host after vm"], ctx.plain_errno)
    end },
  { title = "Escaping the VM: VENOM",
    text = "A VM's boundary is the hypervisor: every VM exit hands guest-controlled data (I/O ports,\n" ..
      "MMIO, VMMCALLs) to host code. VENOM (CVE-2015-3456) was a buffer overflow in QEMU's floppy\n" ..
      "controller: a guest wrote past the FDC's FIFO and overwrote the host process's memory. The toy\n" ..
      "OS has a planted copy (hyperv/labvenom.c, on only with the host's labbug=1): port 0x3F5, a\n" ..
      "16-byte FIFO whose position a SEEK command sets without a bound check. A bare guest\n" ..
      "(labs/isolation/guest/venom.c) -- no guest kernel, no system call -- ran as a VM and sent\n" ..
      "SEEK to (host name - FIFO) and WRITE of the same name with OUT instructions; then the host\n" ..
      "printed its host name.",
    questions = {
      { id = "i10_venom_kernel_bug", points = 1, text = "did this escape need a bug in a guest kernel (yes/no)?",
        answer = function() return "no" end,
        explain = "the bug is in the host's device model; any guest code that reaches the port can use it" },
      { id = "i11_venom_host", points = 2, text = "did the guest's OUTs change the host's host name (yes/no)?",
        answer = function(ctx) return yn(ctx["host after venom"] ~= "vx86") end,
        explain = "the device model runs in the host kernel: its bug is a host bug, reached through VM exits" },
    },
    action = function(ctx) return ("venom guest status %s; host: %s"):format(ctx["venom status"], ctx["host after venom"]) end,
    check = function(ctx)
      return ctx["host after venom"] == ctx.params.name,
        ("a guest's OUTs to the planted floppy FIFO rewrote the host's host name: %s"):format(ctx["host after venom"])
    end },
}

return lab
