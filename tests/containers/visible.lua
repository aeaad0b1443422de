-- The cgroup and namespace pictures on a real toy OS run (issue 11, "Visible"): vx86 lua
-- tests/containers/visible.lua. Three containers with limits; then m:namespaces() and
-- m:cgroups(), rebuilt from the kernel's trace records, are checked against what `ctr inspect`
-- and the cgroup files print in the same run -- no number is written here.
--   v1, v2: idle (sleep), pids.max and memory.max; v2 also cpu.max "50000 100000" (--cpus 0.5)
--   v3: a busy loop with cpu.weight 50 (--cpu-shares 512), frozen (cgroup.freeze) before the
--       files are read, so its cpu.stat usage_usec stops and the picture must show that number.
-- Exit status 0 when every check holds, 1 otherwise (each failure is one line).
local NAMES = { "v1", "v2", "v3" }
local script = [[
ctr run -d --name v1 --hostname host-v1 --pids-limit 11 --memory 3m base sleep 1000 > /dev/null
ctr run -d --name v2 --hostname host-v2 --pids-limit 12 --memory 5m --cpus 0.5 base sleep 1000 > /dev/null
ctr run -d --name v3 --hostname host-v3 --cpu-shares 512 base /bin/sh -c 'while true; do :; done' > /dev/null
sleep 1
echo 1 > /sys/fs/cgroup/ctr/v3/cgroup.freeze
sleep 1
for c in v1 v2 v3; do
  echo "== inspect $c"; ctr inspect $c; echo "== end"
  for f in pids.max pids.current memory.max memory.current cpu.weight cpu.max cpu.stat cgroup.procs; do
    echo == file $c $f: $(cat /sys/fs/cgroup/ctr/$c/$f)
  done
done
sleep 1
echo "== done"
]]
local path = os.tmpname()
local f = assert(io.open(path, "w")); f:write(script); f:close()
local m = vx.boot{ kernel = "build/os/kernel.elf", memory = "64M", cmdline = "cmd=sh /etc/visible.sh",
                   modules = { "build/os/initrd.img", path .. " /etc/visible.sh" } }
local why = m:run{ until_serial = "== done", cycles = 3e10 }
os.remove(path)
local out = m:serial():gsub("\r", "")
local failed = 0
local function check(ok, what)
  print((ok and "ok   " or "FAIL ") .. what)
  if not ok then failed = failed + 1 end
end
check(why == "serial", "the guest script ran to its end (" .. tostring(why) .. ")")

local function num(v) return v == "max" and nil or tonumber(v) end
local ns, cg = m:namespaces(), m:cgroups()
local by_path = {}
for _, c in ipairs(cg) do by_path[c.path] = c end

for _, name in ipairs(NAMES) do
  local js = out:match("== inspect " .. name .. "\n(.-)== end")
  local files = {}          -- "== file v1 cpu.max: max 100000" (the file's lines joined by spaces)
  for k, v in out:gmatch("== file " .. name .. " ([%w.]+): ([^\n]*)") do files[k] = v end
  check(js ~= nil and files["cgroup.procs"] ~= nil, name .. ": ctr inspect and the cgroup files printed")
  if js and files["cgroup.procs"] then
    local pid = tonumber(js:match('"Pid": (%d+)'))
    local host = js:match('"Hostname": "([^"]*)"')
    local cgpath = js:match('"CgroupPath": "([^"]*)"')
    -- namespaces: inspect's "uts:[N]" ids are the picture's ids; the init (Pid) is ns_pid 1 in its PID
    -- namespace, the UTS namespace carries the host name.
    for _, t in ipairs({ "pid", "mnt", "uts", "ipc" }) do
      local id = tonumber(js:match('"' .. t .. '": "' .. t .. ':%[(%d+)%]"'))
      local found
      for _, n in ipairs(ns) do if n.type == t and n.id == id then found = n end end
      check(found ~= nil, string.format("%s: m:namespaces() has its %s namespace %s", name, t, tostring(id)))
      if found and t == "pid" then
        local init
        for _, task in ipairs(found.tasks) do if task.pid == pid then init = task end end
        check(init ~= nil and init.ns_pid == 1 and #found.tasks == 1 and found.parent ~= nil and found.parent ~= id,
              string.format("%s: pid %s is ns_pid 1 and the only task of its PID namespace (%d tasks), a child of %s",
                            name, pid, #found.tasks, tostring(found.parent)))
      elseif found and t == "uts" then
        check(found.hostname == host, string.format("%s: the UTS namespace's hostname %s = inspect's %s",
              name, tostring(found.hostname), host))
      end
    end
    -- cgroups: the picture's limits and usage are the files'
    local c = by_path[cgpath]
    check(c ~= nil, name .. ": m:cgroups() has " .. tostring(cgpath))
    if c then
      local function eq(label, got, want)
        check(got == want, string.format("%s: %s %s = the file's %s", name, label, tostring(got), tostring(want)))
      end
      eq("pids.max", c.pids.max, num(files["pids.max"]))
      eq("pids.current", c.pids.current, tonumber(files["pids.current"]))
      eq("memory.max", c.memory.max, num(files["memory.max"]))
      eq("memory.current", c.memory.current, tonumber(files["memory.current"]))
      eq("cpu.weight", c.cpu.weight, tonumber(files["cpu.weight"]))
      local quota, period = files["cpu.max"]:match("^(%w+) (%d+)$")
      eq("cpu.max quota", c.cpu.quota_us, num(quota))
      eq("cpu.max period", c.cpu.period_us, tonumber(period))
      eq("cpu.stat usage_usec", c.cpu.usage_us, tonumber(files["cpu.stat"]:match("usage_usec (%d+)")))
      local procs = {}
      for p in files["cgroup.procs"]:gmatch("%d+") do procs[tonumber(p)] = true end
      local same = next(procs) ~= nil
      for _, task in ipairs(c.tasks) do same = same and procs[task.pid] == true; procs[task.pid] = nil end
      check(same and next(procs) == nil, name .. ": the picture's tasks are cgroup.procs " .. files["cgroup.procs"])
    end
  end
end
-- the text picture draws the containers' limits
local text = vx.show.cgroups(cg)
check(text:find("/ctr/v1", 1, true) ~= nil and text:find("/ctr/v3", 1, true) ~= nil, "vx.show.cgroups draws /ctr/v1../ctr/v3")
if failed > 0 then print(text); print(out) end
os.exit(failed == 0 and 0 or 1)
