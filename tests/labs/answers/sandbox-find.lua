-- A pathological pattern on a long string: a single C call no hook interrupts; the CPU-time
-- limit (RLIMIT_CPU on the sandbox process) stops it, the same way on an idle or a busy host.
local s = string.rep("a", 200000)
local found = string.find(s, ".-.-.-.-.-.-.-.-b")
return { a1_dir = found }
