-- A pathological pattern on a long string: a single C call no hook interrupts; the wall-clock
-- watchdog must stop it.
local s = string.rep("a", 200000)
local found = string.find(s, ".-.-.-.-.-.-.-.-b")
return { a1_dir = found }
