-- No io library in the sandbox.
local f = io.open("/etc/passwd")
return { a1_dir = f:read("l") }
