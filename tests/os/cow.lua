-- Copy-on-write, seen from outside the machine (a lab-ready query; check-os runs it with --solve).
-- The toy OS runs cowtest: the parent fills 64 pages and forks; the child writes 10 of them. Every
-- copy-on-write fault is a #PF with error code 7 (present | write | user, SDM 3A §4.7) in the
-- trace, tagged with the task that took it; the kernel's own count of copies sits in
-- frame_counters.cow_copies (kernel/vm.h, struct frame_stats), read through its symbol.

local PF, COW_ERR = 14, 7

-- task_create records carry {pid, parent_pid, ..., name[16]} (devices/probe_abi.h).
local function tasks(m)
  local list = {}
  for _, e in ipairs(m:events{ kinds = { "task_create" } }) do
    local pid, ppid = string.unpack("<I4I4", e.payload)
    local name = e.payload:sub(37, 52):gsub("%z.*", "")
    list[#list + 1] = { pid = pid, ppid = ppid, name = name }
  end
  return list
end

local function cow_faults(m, pid)
  local n = 0
  for _, e in ipairs(m:events{ kinds = { "exception" } }) do
    if e.vector == PF and e.error == COW_ERR and e.cpl == 3 and (pid == nil or e.task == pid) then n = n + 1 end
  end
  return n
end

local lab = {
  id = "os-cow", title = "Copy-on-write fork in the toy OS", version = "1.0",
  introduction = [[
fork gives the child the parent's pages read-only and shared; the first write to one takes a
page fault and the kernel copies that page only. Count the copies from the trace.]],
  answers_format = "question_id = number, one per line",
}

function lab.setup(ctx)
  local m = vx.boot{ kernel = "build/os/kernel.elf", memory = "64M", cmdline = "cmd=/bin/cowtest",
                     modules = { "build/os/initrd.img", "build/os/test/cowtest.elf /bin/cowtest" } }
  local why = m:run{ cycles = 5e9 }
  if why ~= "exit" then error("cowtest did not finish (" .. tostring(why) .. "): " .. m:serial()) end
  ctx.m = m
  for _, t in ipairs(tasks(m)) do
    if t.name == "cowtest" and ctx.parent == nil then ctx.parent = t.pid
    elseif t.name == "cowtest" and t.ppid == ctx.parent then ctx.child = t.pid end
  end
  if not ctx.child then error("no cowtest child in the trace") end
end

lab.steps = {
  { title = "What the program saw",
    text = function(ctx) return ctx.m:serial() end },
  { title = "Count the copies in the trace",
    questions = {
      { id = "child_cow_faults", points = 1,
        text = function(ctx) return "copy-on-write faults (#PF, error 7) taken by the child, pid " .. ctx.child .. "?" end,
        answer = function(ctx) return cow_faults(ctx.m, ctx.child) end,
        explain = function() return "its 10 page writes, plus its first writes to its stack and to the read buffer" end },
      { id = "kernel_copies", points = 1,
        text = "pages the kernel copied since boot (frame_counters.cow_copies)?",
        answer = function(ctx)
          local addr = ctx.m:symbol("frame_counters")
          return ctx.m:read32(addr + 28)   -- total, free, by_kind[5], then cow_copies
        end },
    },
    check = function(ctx)
      local child = cow_faults(ctx.m, ctx.child)
      if child < 10 or child > 14 then return false, "the child took " .. child .. " copy-on-write faults, expected 10..14" end
      return true, "the child copied " .. child .. " of 64 shared pages; the other " .. (64 - child) .. " stayed shared"
    end },
}

return lab
