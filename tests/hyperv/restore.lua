-- tests/hyperv/restore.lua (vx86 lua, from check-hyperv): snapshots of a booted toy OS.
--  1. The toy OS boots in a VM with snapshot=ready under `vm run --snapshot`: at its shell's
--     first prompt it makes the VM_HC_SNAPSHOT hypercall, vm saves it (segment and control
--     registers, PICs, PIT, UART: VCPU_GET_SREGS, VM_GET_DEVICES) and the VM runs on; commands
--     typed at it answer. Then `vm restore` twice (--genid 2, --genid 3): each clone's shell
--     answers the same commands with the same output (uptime aside), and its kernel log says
--     which clone it is while the original's says nothing.
--  2. Cycles, from the trace: Enter -> the snapshot hypercall (cold boot to prompt) against
--     Enter -> the clone's first VMRUN (restore to prompt); the restore must be faster.
--  3. Hand-made snapshot files (the layout of hyperv/vm/snapshot.c and vcpu_state.c): a good
--     one (flat protected mode, a page with `mov al, 42; out 0xF4, al`) restores and ends with
--     42; a bad CS attribute, a bad PIT mode, a bad magic, a file cut short: one line each and
--     status 3.
local K, I = "build/os/kernel.elf", "build/os/initrd.img"
local fails = 0
local function check(ok, what, detail)
  print((ok and "ok   " or "FAIL ") .. what)
  if not ok then fails = fails + 1; if detail then print("    | " .. detail:gsub("\n", "\n    | ")) end end
end

-- ---- hand-made snapshot files ----
local PAGE = 4096
local function seg(base, limit, sel, attrib) return string.pack("<I4I4I2I2", base, limit, sel, attrib) end
local function snapfile(o)
  local regs = string.pack("<I4I4I4I4I4I4I4I4I4I4", 0, 0, 0, 0, 0, 0, 0x8000, 0, 0x1000, 0x2)
  local code = string.char(0xB0, 42, 0xE6, 0xF4, 0xF4)               -- mov al, 42; out 0xF4, al; hlt
  local page = string.pack("<I4", 0x1000) .. code .. string.rep("\0", PAGE - #code)
  local flat = 0xFFFFFFFF
  local sregs = seg(0, flat, 0x08, o.cs_attrib or 0xC9B) .. seg(0, flat, 0x10, 0xC93) .. seg(0, flat, 0x10, 0xC93)
      .. seg(0, flat, 0x10, 0xC93) .. seg(0, flat, 0x10, 0xC93) .. seg(0, flat, 0x10, 0xC93)   -- cs ds es fs gs ss
      .. seg(0, 0x67, 0, 0x8B) .. seg(0, 0, 0, 0x82)                                          -- tr ldt
      .. string.pack("<I4I2I2I4I2I2", 0, 0, 0, 0, 0, 0)                                       -- gdt idt
      .. string.pack("<I4I4I4I4I8I4I4I4I4I4I4", 0x11, 0, 0, 0, 0, 0, 0, 0, 0xFFFF0FF0, 0x400, 0)
  assert(#sregs == 160)
  local pic = string.pack("<BBBBBBBB", 0, 0, 0xFF, 0, 0, 0, 0, 0)
  local dev = pic .. pic .. string.pack("<BBBBBBBBI2I2I4", o.pit_mode or 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
      .. string.rep("\0", 8) .. string.pack("<I4", 0) .. string.rep("\0", 256) .. string.pack("<I4I4I4", 0, 0, 0)
  assert(#dev == 312)
  local blob = "VCS1" .. string.pack("<I4", 480) .. sregs .. dev
  local f = (o.magic or "VMSNAP1\0") .. string.pack("<I4", 4 << 20) .. regs .. page .. string.pack("<I4", 0xFFFFFFFF)
      .. string.pack("<I4", #blob) .. blob
  return o.cut and f:sub(1, o.cut) or f
end
local tmp, made = os.tmpname(), {}
local files = { good = {}, badcs = { cs_attrib = 0xC93 }, badpit = { pit_mode = 9 }, badmagic = { magic = "VMSNAPX\0" },
                cut = { cut = 60 + PAGE + 100 } }
local mods = { I, { path = K, args = "/vm/kernel.elf" }, { path = I, args = "/vm/initrd.img" } }
for name, o in pairs(files) do
  local path = ("%s-%s.vm"):format(tmp, name)
  made[#made + 1] = path
  local f = assert(io.open(path, "wb")); f:write(snapfile(o)); f:close()
  mods[#mods + 1] = { path = path, args = "/vm/" .. name .. ".vm" }
end

os.remove(tmp)
local m = vx.boot{ kernel = K, memory = "256M", cmdline = "quiet", modules = mods }
m:expect("$ ", { cycles = 3e9 })

-- Type a line; run until `mark` appears after it; the console text in between (\r removed).
local function say(line, mark, cycles)
  local from = #m:serial()
  m:type(line .. "\n")
  local why = m:run{ until_serial = mark, cycles = cycles or 1e9 }
  local out = m:serial():sub(from + 1):gsub("\r", "")
  if why ~= "serial" then error(("'%s' never printed '%s' (%s): %s"):format(line, mark, why, out:sub(-400))) end
  if mark == "\nSEND" and m:run{ until_serial = "$ ", cycles = 3e8 } ~= "serial" then error("no prompt after " .. line) end
  return out
end
local SESSION = 'hostname; echo hi; ls /bin | wc -l; cat /proc/uptime; echo S""END'
-- The session's answers, the uptime line apart (a clone's clock has run on).
local function answers(out)
  local lines = {}
  for l in out:gmatch("[^\n]+") do if not l:find("S\"\"END") and not l:match("^%d+%.%d+ ") and not l:match("^vm restore") then lines[#lines + 1] = l end end
  return table.concat(lines, "\n")
end

-- ---- 1. the original: boot to the prompt, snapshot, run on ----
local seq, t0 = m:event_seq(), m:cycles()
local out = say("vm run --memory 32M --snapshot /tmp/os.vm --module /vm/initrd.img /vm/kernel.elf snapshot=ready quiet",
                "pages, eip", 3e9)
m:run{ until_serial = "\n", cycles = 1e7 }
local snap_at
for _, e in ipairs(m:events{ after = seq, kinds = { "vmexit" }, limit = 1000000 }) do
  if e.exit_name == "vmmcall" then snap_at = e.cycle - t0; break end
end
check(out:find("vm: snapshot /tmp/os.vm: %d+ of 8192 pages") ~= nil and snap_at ~= nil, "vm run --snapshot: saved at the toy OS's snapshot hypercall", out)
local orig = say(SESSION, "\nSEND")
local log = say('dmesg | grep -c generation; echo S""END', "\nSEND")
say("poweroff", "\n$ ")
check(orig:find("\nvx86\nhi\n") ~= nil and log:find("\n0\nSEND") ~= nil, "the original runs on after its snapshot and answers; no generation ID in its log", orig)

-- ---- 2. two clones ----
local restore_at = {}
for _, g in ipairs{ 2, 3 } do
  seq, t0 = m:event_seq(), m:cycles()
  m:type(("vm restore --genid %d /tmp/os.vm\n"):format(g))
  local clone = say(SESSION, "\nSEND")          -- typed ahead: vm's console feeder passes it on
  local first
  for _, e in ipairs(m:events{ after = seq, kinds = { "vmrun" }, limit = 10 }) do first = first or e.cycle - t0 end
  restore_at[g] = first
  check(answers(clone) == answers(orig), ("clone --genid %d: the same answers as the original"):format(g),
        "original:\n" .. answers(orig) .. "\nclone:\n" .. answers(clone))
  local log = say("dmesg | grep generation", "\n$ ")
  check(log:find(("vm generation id %d: restored from a snapshot"):format(g)) ~= nil,
        ("clone --genid %d: its kernel got its generation ID from the hypercall"):format(g), log)
  local bye = say('poweroff; echo un""reached', "\n$ ")
  check(not bye:find("unreached") and not bye:find("vm: "), ("clone --genid %d: powers off cleanly"):format(g), bye)
end
print(("cycles: boot to prompt (Enter -> snapshot hypercall) %d; restore to prompt (Enter -> first VMRUN) %d and %d"):format(
  snap_at or -1, restore_at[2] or -1, restore_at[3] or -1))
check(snap_at and restore_at[2] and restore_at[2] < snap_at and restore_at[3] < snap_at, "a restore reaches the prompt sooner than a boot")

-- ---- 3. hand-made files ----
out = say("vm restore /vm/good.vm; echo st $?", "\nst ")
check(out:find("st 42") ~= nil, "a hand-made snapshot (flat mode, vCPU state) restores and its guest ends with 42", out)
local bad = {
  badcs = "VCPU_SET_SREGS refused the saved segment and control registers %(Invalid argument%)",
  badpit = "VM_SET_DEVICES refused the saved PIC, PIT or UART state %(Invalid argument%)",
  badmagic = "/vm/badmagic.vm: not a vm snapshot",
  cut = "/vm/cut.vm: the vCPU state is truncated",
}
for _, name in ipairs{ "badcs", "badpit", "badmagic", "cut" } do
  out = say(("vm restore /vm/%s.vm; echo st $?"):format(name), "\nst ")
  local n = 0
  for _ in out:gmatch("\nvm: ") do n = n + 1 end
  check(out:find(bad[name]) ~= nil and out:find("st 3") ~= nil and n == 1, ("vm restore of a %s file: one line, status 3"):format(name), out)
end

for _, p in ipairs(made) do os.remove(p) end
if fails > 0 then print(fails .. " failed"); os.exit(1) end
print("restore.lua: all passed")
