-- tests/hyperv/restore.lua (vx86 lua, from check-hyperv): snapshots of a booted toy OS.
--  0. The bare toy OS with snapshot=ready (the host here) ignores it: no hypervisor bit in CPUID.
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
--     42; bad segment or control registers, bad device state, a bad magic, a file cut short:
--     one line each and status 3.
--  4. What may not be saved: a shadow-paging VM at its snapshot point (one line, no file, the
--     VM runs on); the hypercall from a user program (CPL 3): -1 and no snapshot.
-- arg[1]: tests/hyperv/os/hcuser.c built for the toy OS (restore.sh builds it).
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
  local cr = o.cr or {}
  local regs = string.pack("<I4I4I4I4I4I4I4I4I4I4", 0, 0, 0, 0, 0, 0, 0x8000, 0, 0x1000, 0x2)
  local code = string.char(0xB0, 42, 0xE6, 0xF4, 0xF4)               -- mov al, 42; out 0xF4, al; hlt
  local page = code .. string.rep("\0", PAGE - #code)
  local flat = 0xFFFFFFFF
  local sregs = seg(0, o.cs_limit or flat, 0x08, o.cs_attrib or 0xC9B) .. seg(0, flat, 0x10, 0xC93) .. seg(0, flat, 0x10, 0xC93)
      .. seg(0, flat, 0x10, 0xC93) .. seg(0, flat, 0x10, 0xC93) .. seg(0, flat, 0x10, o.ss_attrib or 0xC93)   -- cs ds es fs gs ss
      .. seg(0, 0x67, 0, o.tr_attrib or 0x8B) .. seg(0, 0, 0, 0x82)                           -- tr ldt
      .. string.pack("<I4I2I2I4I2I2", 0, 0, 0, 0, 0, 0)                                       -- gdt idt
      .. string.pack("<I4I4I4I4I8I4I4I4I4I4I4", o.cr0 or 0x11, 0, 0, o.cr4 or 0, o.efer or 0, 0, 0, 0,
                     0xFFFF0FF0, 0x400, o.int_shadow or 0)
  assert(#sregs == 160)
  local pic = string.pack("<BBBBBBBB", 0, 0, 0xFF, o.pic_base or 0, 0, 0, 0, 0)
  local dev = pic .. pic .. string.pack("<BBBBBBBBI2I2I4", o.pit_mode or 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
      .. string.rep("\0", 8) .. string.pack("<I4", o.rx_len or 0) .. string.rep("\0", 256)
      .. string.pack("<I4I4I4", o.eventinj or 0, 0, 0)
  assert(#dev == 312)
  local blob = "VCS1" .. string.pack("<I4", 480) .. sregs .. dev
  -- "VMSNAP2" (hyperv/vm/snapshot.h): magic, mem_size, state_len, regs, the state in 2 KiB, the
  -- header padded to 4 KiB; then guest page gpa at file offset 4096 + gpa (gpa 0 all zeros here)
  local head = (o.magic or "VMSNAP2\0") .. string.pack("<I4I4", 4 << 20, o.state_len or #blob) .. regs .. blob
  local f = head .. string.rep("\0", PAGE - #head) .. string.rep("\0", PAGE) .. page
  return o.cut and f:sub(1, o.cut) or f
end
local tmp, made = os.tmpname(), {}
-- name -> the fields that differ from the good file, and the line vm must print (a Lua pattern)
local SREGS = "VCPU_SET_SREGS refused the saved segment and control registers %(Invalid argument%)"
local DEVS = "VM_SET_DEVICES refused the saved PIC, PIT or UART state %(Invalid argument%)"
local files = {
  good = {},
  cs_data = { cs_attrib = 0xC93, says = SREGS },              -- a data segment in CS
  cs_limit = { cs_limit = 0xFFFFF000, says = SREGS },         -- G=1 with the low 12 bits of the limit not ones
  tr_data = { tr_attrib = 0x93, says = SREGS },               -- TR not a TSS
  cr0_nw = { cr0 = 0x20000011, says = SREGS },                -- CR0.NW without CD (VMRUN refuses it)
  cr0_real = { cr0 = 0x10, says = SREGS },                    -- no PE: real mode, not through /dev/vm
  ss_dpl = { ss_attrib = 0xCF3, says = SREGS },               -- SS.DPL 3 with CS.DPL 0
  cr4_pae = { cr4 = 0x20, says = SREGS },                     -- PAE: not in the subset
  efer_lme = { efer = 0x100, says = SREGS },                  -- long mode
  shadow2 = { int_shadow = 2, says = SREGS },
  pit_mode = { pit_mode = 9, says = DEVS },
  pic_base = { pic_base = 0x21, says = DEVS },                -- an ICW2 base not a multiple of 8
  rx_len = { rx_len = 300, says = DEVS },                     -- more than the UART's 256 bytes
  evt_type = { eventinj = 0x80000100, says = DEVS },          -- EVENTINJ type 1 (reserved)
  badmagic = { magic = "VMSNAPX\0", says = "not a vm snapshot" },
  cut = { cut = 100, says = "not a vm snapshot" },             -- shorter than its header
  state_len = { state_len = 3000, says = "the vCPU state is longer than its room in the header" },
}
local mods = { I, { path = K, args = "/vm/kernel.elf" }, { path = I, args = "/vm/initrd.img" },
               { path = assert(arg[1], "usage: restore.lua HCUSER"), args = "/vm/hc.elf" } }
local file_mods = { { I }, { I } }                            -- the bad files' two boots (at most 16 modules each)
local sorted = {}
for name in pairs(files) do sorted[#sorted + 1] = name end
table.sort(sorted)                                            -- the same boots every run
for _, name in ipairs(sorted) do
  local o = files[name]
  local path = ("%s-%s.vm"):format(tmp, name)
  made[#made + 1] = path
  local f = assert(io.open(path, "wb")); f:write(snapfile(o)); f:close()
  local to = name == "good" and mods or file_mods[#file_mods[1] <= #file_mods[2] and 1 or 2]
  to[#to + 1] = { path = path, args = "/vm/" .. name .. ".vm" }
  files[name].boot = to == mods and 0 or to == file_mods[1] and 1 or 2
end

os.remove(tmp)
-- The host OS itself has snapshot=ready too: bare, with no hypervisor bit in CPUID, it must not
-- make the hypercall (VMMCALL outside a guest is #UD) but say in its log that it ignored it.
local m = vx.boot{ kernel = K, memory = "256M", cmdline = "quiet snapshot=ready", modules = mods }
m:expect("$ ", { cycles = 3e9 })

-- Type a line; run until `mark` appears after it; the console text in between (\r removed).
local function say(line, mark, cycles)
  local from = #m:serial()
  m:type(line .. "\n")
  local why = m:run{ until_serial = mark, cycles = cycles or 1e9 }
  local out = m:serial():sub(from + 1):gsub("\r", "")
  if why ~= "serial" then error(("'%s' never printed '%s' (%s): %s"):format(line, mark, why, out:sub(-400))) end
  if mark == "\nst " or mark == "\nex " then                -- the status itself, to the next prompt
    if m:run{ until_serial = "\n$ ", cycles = 3e8 } ~= "serial" then error("no prompt after " .. line) end
    out = m:serial():sub(from + 1):gsub("\r", "")
  end
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

-- ---- 0. bare: the option is ignored ----
local bare = say("dmesg | grep snapshot=ready", "\n$ ")
check(bare:find("snapshot=ready: no hypervisor %(CPUID.1:ECX bit 31 clear%): ignored") ~= nil,
      "the bare toy OS with snapshot=ready: no hypercall, one log line", bare)

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

-- ---- 4. what may not be saved (and a hand-made good file) ----
out = say("vm restore /vm/good.vm; echo st $?", "\nst ")
check(out:find("st 42") ~= nil, "a hand-made snapshot (flat mode, vCPU state) restores and its guest ends with 42", out)
out = say("vm run --shadow --memory 32M --snapshot /tmp/sh.vm --module /vm/initrd.img /vm/kernel.elf snapshot=ready quiet",
          "run it with --npt", 3e9)
m:run{ until_serial = "\n", cycles = 1e7 }
local on = say('echo S""END', "\nSEND")
say("poweroff", "\n$ ")
local none = say("test -e /tmp/sh.vm; echo ex $?", "\nex ")
check(out:find("vm: /tmp/sh.vm: not saved: a shadow%-paging VM's control registers cannot be read") ~= nil and
      on:find("\nSEND") ~= nil and none:find("ex 1") ~= nil, "a shadow-paging VM at its snapshot point: one line, no file, it runs on", out .. on .. none)
out = say("vm run --memory 16M --snapshot /tmp/u.vm --module /vm/initrd.img --module /vm/hc.elf,/bin/hc /vm/kernel.elf " ..
          "'quiet cmd=/bin/hc'; echo st $?; test -e /tmp/u.vm; echo ex $?", "\nex ")
-- --snapshot still saves the VM at its end (the debug-exit port of the power-off, in the kernel):
-- once, and not at the user program's hypercall.
local n, eip = 0, nil
for e in out:gmatch("vm: snapshot /tmp/u.vm: %d+ of %d+ pages, eip (0x%x+)") do n, eip = n + 1, e end
check(out:find("\nhc %-1\n") ~= nil and out:find("st 0") ~= nil and n == 1 and eip and tonumber(eip) >= 0xC0000000,
      "VM_HC_SNAPSHOT from a user program: -1, no snapshot there (only the one at the power-off)", out)

-- ---- 3. hand-made bad files, in two more boots ----
for boot = 1, 2 do
m = vx.boot{ kernel = K, memory = "64M", cmdline = "quiet", modules = file_mods[boot] }
m:expect("$ ", { cycles = 3e9 })
local names = {}
for name in pairs(files) do if files[name].boot == boot then names[#names + 1] = name end end
table.sort(names)
for _, name in ipairs(names) do
  out = say(("vm restore /vm/%s.vm; echo st $?"):format(name), "\nst ")
  local n = 0
  for _ in out:gmatch("\nvm: ") do n = n + 1 end
  check(out:find("vm: /vm/" .. name .. ".vm: " .. files[name].says) ~= nil and out:find("st 3") ~= nil and n == 1,
        ("vm restore of a snapshot with %s: one line, status 3"):format(name), out)
end
end

for _, p in ipairs(made) do os.remove(p) end
if fails > 0 then print(fails .. " failed"); os.exit(1) end
print("restore.lua: all passed")
