-- Lab 12: snapshots and clones. A small guest boots as a VM of the toy OS and is snapshotted
-- (`vm run --snapshot`), then cloned N times (`vm restore --snapshot`): the pages each clone
-- dirties are counted against the snapshot and between clones (`snapdiff`, os/snapdiff.c), and
-- the clones turn out to share what they must not -- the random-number state their boot
-- seeded, so every clone makes the same "random" session key -- until each restore hands the
-- guest a VM generation ID (`vm restore --genid N`, the VMGenID lesson). A restore maps the
-- snapshot copy-on-write, so `vm restore --stats` counts what a clone really costs; the last step
-- snapshots the booted toy OS itself at its prompt (`snapshot=ready`) and clones it.

-- Type cmd (and `ahead`: lines typed ahead for a VM's shell, which vm's console passes on); run
-- to the END echoed after cmd, then to the prompt. The console text in between.
local function shell(m, cmd, ahead)
  local from = #m:serial()
  m:type(cmd .. '; echo E""ND\n' .. (ahead or ""))
  m:expect("END", { cycles = 3e9 })
  m:expect("$ ", { cycles = 1e8 })
  return m:serial():sub(from + 1)
end

local function within(abs) return vx.near{ abs = abs } end

local lab = {
  id = "snapshots",
  title = "Snapshots and clones: dirty pages and the shared-state trap",
  version = "2.0",
  summary = "snapshot a booted VM, clone it N times, count the pages that diverge; clones share their RNG state until a generation ID",
  minutes = 45,
  claim = "VM snapshots let you clone a warm machine in milliseconds",
  introduction = [[
A snapshot freezes a booted VM: its memory and its vCPU. Restoring it N times gives N clones
that skip the boot -- the way serverless platforms start functions (Firecracker snapshots).
Clones can share the snapshot's pages copy-on-write, so what each one costs is the pages it
dirties after the restore. But a clone also inherits everything its boot computed, including
what was meant to be unique: a random-number generator seeded at boot gives every clone the same
"random" numbers. Real hypervisors therefore give the guest a VM generation ID that changes on
every restore (VMGenID; Linux's vmgenid driver reseeds its RNG from it).
Here: `vm run --snapshot FILE` saves a VM when its guest writes the debug-exit port, or when a
booted OS asks with the snapshot hypercall (registers, vCPU and device state, non-zero pages);
`vm restore [--stats] [--snapshot OUT] [--genid N] FILE` clones it, mapping the file
copy-on-write (hyperv/vm/snapshot.c),
and `snapdiff A B` counts the 4 KiB pages that differ between two snapshots (a page a snapshot
lacks is all zeros). Answer with whole numbers; yes/no where asked.]],
  answers_format = [[
Plain text "question_id = answer" lines ('#' comments, "seed = N"), or a Lua file returning
{ question_id = value or function(params) ... end }; params has seed, pages (written by the boot),
dirty (pages the service fills after the restore) and clones (N).]],
}

function lab.setup(ctx)
  local rng = ctx.rng
  local pages, dirty, n = rng:range(16, 64), rng:range(4, 32), rng:range(3, 5)
  ctx.params.seed, ctx.params.pages, ctx.params.dirty, ctx.params.clones = ctx.seed, pages, dirty, n
  local m = vx.boot{ kernel = ctx.os_image("kernel.elf"), memory = "128M", cmdline = "quiet",
                     modules = { ctx.os_image("initrd.img"), { path = ctx.image("clone.elf"), args = "/vm/clone.elf" },
                                 { path = ctx.image("snapdiff.elf"), args = "/bin/snapdiff" },
                                 { path = ctx.os_image("kernel.elf"), args = "/vm/kernel.elf" },
                                 { path = ctx.os_image("initrd.img"), args = "/vm/initrd.img" } } }
  if m:run{ until_serial = "$ ", cycles = 5e8 } ~= "serial" then error("the toy OS did not reach its shell") end
  ctx.boot_cmd = ("vm run --memory 4M --snapshot /tmp/base.vm /vm/clone.elf pages=%d dirty=%d genid"):format(pages, dirty)
  local out = shell(m, ctx.boot_cmd)
  ctx.base_pages = tonumber(out:match("snapshot /tmp/base.vm: (%d+) of"))
  if not ctx.base_pages then error("no snapshot: " .. out) end
  ctx.keys, ctx.gkeys = {}, {}
  for i = 1, n do
    out = shell(m, ("vm restore --stats --snapshot /tmp/c%d.vm /tmp/base.vm"):format(i))
    ctx.keys[i] = out:match("session key (0x%x+)")
    if not ctx.keys[i] then error("clone " .. i .. " printed no key: " .. out) end
    local own, zero, cow = out:match("memory: (%d+) pages private, (%d+) demand%-zeroed, (%d+) copied on write")
    if not own then error("clone " .. i .. ": no memory line from vm restore --stats: " .. out) end
    ctx.own, ctx.zero, ctx.cow = ctx.own or {}, ctx.zero or {}, ctx.cow or {}
    ctx.own[i], ctx.zero[i], ctx.cow[i] = tonumber(own), tonumber(zero), tonumber(cow)
  end
  for i = 1, 2 do
    out = shell(m, ("vm restore --snapshot /tmp/g%d.vm --genid %d /tmp/base.vm"):format(i, i))
    ctx.gkeys[i] = out:match("session key (0x%x+)")
    if not ctx.gkeys[i] then error("generation clone " .. i .. " printed no key: " .. out) end
  end
  local function diff(a, b)
    local o = shell(m, ("snapdiff /tmp/%s.vm /tmp/%s.vm"):format(a, b))
    local d = o:match("(%d+) differ")
    if not d then error("snapdiff failed: " .. o) end
    return tonumber(d), o:match("(snapdiff: [^\r\n]*)")
  end
  ctx.dirty_pages, ctx.dirty_line = diff("base", "c1")
  ctx.clone_diff, ctx.clone_line = diff("c1", "c2")
  ctx.genid_diff, ctx.genid_line = diff("g1", "g2")
  -- The booted toy OS: saved at its shell's prompt (the VM_HC_SNAPSHOT hypercall of
  -- snapshot=ready; the VM runs on, and `poweroff`, typed once it is saved, ends it), then
  -- cloned: each clone runs one command and powers off; --stats counts its pages.
  ctx.os_cmd = "vm run --memory 32M --snapshot /tmp/os.vm --module /vm/initrd.img /vm/kernel.elf snapshot=ready quiet"
  m:type(ctx.os_cmd .. '; echo E""ND\n')
  if m:run{ until_serial = "vm: snapshot /tmp/os.vm", cycles = 3e9 } ~= "serial" then error("the toy OS was not saved: " .. m:serial():sub(-300)) end
  m:type("poweroff\n")
  m:expect("END", { cycles = 3e9 })
  m:expect("$ ", { cycles = 1e8 })
  ctx.os_pages = tonumber(m:serial():match("vm: snapshot /tmp/os.vm: (%d+) of %d+ pages"))
  ctx.os_cow, ctx.os_hosts = {}, {}
  for i = 1, 3 do
    out = shell(m, ("vm restore --stats --genid %d /tmp/os.vm"):format(i), "hostname\npoweroff\n")
    local own, shared = out:match("memory: (%d+) pages private, %d+ demand%-zeroed, %d+ copied on write, (%d+) still shared")
    if not own then error("toy OS clone " .. i .. ": no memory line: " .. out) end
    ctx.os_cow[i], ctx.os_shared = tonumber(own), tonumber(shared)
    ctx.os_hosts[i] = out:match("\n(vx86)\r*\n")
  end
  ctx.m = m
end

local function same(list)
  for i = 2, #list do if list[i] ~= list[1] then return false end end
  return true
end

lab.steps = {
  { title = "Boot once, snapshot",
    text = function(ctx)
      return "The lab booted the toy OS and typed:\n\n    " .. ctx.boot_cmd .. "\n\n" ..
        "The guest (labs/snapshots/guest/clone.c) seeds its random-number generator from RDTSC -- the\n" ..
        "moment it booted -- and fills `pages` pages with generator output (its boot state). Then it\n" ..
        "writes the debug-exit port: vm saves the VM to /tmp/base.vm. After the snapshot point it\n" ..
        "will make a session key from the generator and fill `dirty` pages of work with more of it."
    end,
    questions = {
      { id = "c1_snap_pages", points = 1,
        text = "about how many pages did the snapshot save (within 8)?",
        answer = function(ctx) return ctx.base_pages end,
        accept = within(8),
        explain = "the boot's pages plus the image's code, data and stack" },
    } },
  { title = "Clone it",
    text = function(ctx)
      return ("The lab then restored /tmp/base.vm %d times (`vm restore --snapshot /tmp/cI.vm /tmp/base.vm`): each clone\n" ..
        "continues after the OUT, makes its key, fills its work pages, prints the key and ends; vm saves each\n" ..
        "clone's final memory."):format(ctx.params.clones)
    end,
    questions = {
      { id = "c2_dirty_pages", points = 2,
        text = "how many pages does one clone's memory differ in from the snapshot at its end (within 2)?",
        answer = function(ctx) return ctx.dirty_pages end,
        accept = within(2),
        explain = "its work pages, plus the page holding the generator's state and the stack page" },
      { id = "c3_same_keys", points = 1,
        text = "do all the clones print the same session key? (yes/no)",
        answer = function(ctx) return same(ctx.keys) end },
      { id = "c4_clone_diff", points = 2,
        text = "how many pages differ between clone 1's and clone 2's final memory?",
        answer = function(ctx) return ctx.clone_diff end,
        explain = "none: same memory, same registers, same generator state -- the clones are byte for byte the same" },
    },
    action = function(ctx)
      local lines = {}
      for i, k in ipairs(ctx.keys) do lines[#lines + 1] = ("clone %d: session key %s"):format(i, k) end
      return table.concat(lines, "\n") .. "\nsnapdiff /tmp/base.vm /tmp/c1.vm -> " .. ctx.dirty_line ..
        "\nsnapdiff /tmp/c1.vm /tmp/c2.vm -> " .. ctx.clone_line .. "\n\n" .. ctx.m:picture("gantt")
    end,
    check = function(ctx)
      local d = ctx.params.dirty
      return same(ctx.keys) and ctx.clone_diff == 0 and ctx.dirty_pages >= d and ctx.dirty_pages <= d + 4,
        ("%d clones, one key %s; clones differ in %d pages; each dirtied %d pages for %d work pages (the lab says: " ..
         "clones are identical, and a clone dirties its work pages plus at most 4)"):format(#ctx.keys, ctx.keys[1],
          ctx.clone_diff, ctx.dirty_pages, d)
    end },
  { title = "What sharing saves",
    text = function(ctx)
      return "`vm restore` does not copy the snapshot into the clone: it maps the file copy-on-write (VM_MAP_FILE,\n" ..
        "as Firecracker maps its memory file MAP_PRIVATE). Every clone shares the snapshot's pages; a clone gets\n" ..
        "a page of its own only when it writes one: a copy of a snapshot page, or a zeroed page where the\n" ..
        "snapshot had none (a hole: the page was all zeros). `vm restore --stats` counted, for each clone:\n\n" ..
        "    memory: P pages private, Z demand-zeroed, C copied on write, S still shared with a file"
    end,
    questions = {
      { id = "c7_private_pages", points = 2,
        text = "how many pages of its own (private) did clone 1 have at its end?",
        answer = function(ctx) return ctx.own[1] end,
        explain = "the pages it wrote after the restore -- what snapdiff counted as differing (c2), give or take a page written with the same bytes" },
      { id = "c5_cow_pages", points = 2,
        text = "how many pages do the snapshot and all N clones hold together, with that sharing (use the snapshot's pages and c7)?",
        answer = function(ctx) return ctx.base_pages + ctx.params.clones * ctx.own[1] end,
        explain = "snapshot pages + N x each clone's private pages (without sharing: N x the clone's whole memory)" },
    },
    action = function(ctx)
      local lines = {}
      for i, c in ipairs(ctx.own) do
        lines[#lines + 1] = ("clone %d: %d pages private (%d demand-zeroed, %d copied on write)"):format(i, c, ctx.zero[i], ctx.cow[i])
      end
      return table.concat(lines, "\n")
    end,
    check = function(ctx)
      local ok = same(ctx.own) and math.abs(ctx.own[1] - ctx.dirty_pages) <= 2
      return ok, ("each clone had %d pages of its own; snapdiff counted %d pages changed (the lab says: every clone " ..
        "has the same number, within 2 of the pages that differ)"):format(ctx.own[1], ctx.dirty_pages)
    end },
  { title = "The generation ID",
    text = "`vm restore --genid N` puts a VM generation ID in EAX when the clone resumes (the register its OUT\n" ..
      "was made with); the guest, started with `genid`, reseeds its generator from it when it is not 0.\n" ..
      "The lab restored two clones with --genid 1 and --genid 2.",
    questions = {
      { id = "c6_genid_diff", points = 2,
        text = "how many pages differ between those two clones' final memory (within 2)?",
        answer = function(ctx) return ctx.genid_diff end,
        accept = within(2),
        explain = "every page the generator wrote after the restore, and its state: what each clone dirtied" },
    },
    action = function(ctx)
      return ("generation 1: key %s; generation 2: key %s\nsnapdiff /tmp/g1.vm /tmp/g2.vm -> %s"):format(ctx.gkeys[1],
        ctx.gkeys[2], ctx.genid_line)
    end,
    check = function(ctx)
      return ctx.gkeys[1] ~= ctx.gkeys[2] and ctx.genid_diff >= ctx.params.dirty,
        ("with generation IDs the keys differ (%s, %s) and the clones differ in %d pages (the lab says: different " ..
         "keys, at least the work pages differ)"):format(ctx.gkeys[1], ctx.gkeys[2], ctx.genid_diff)
    end },
  { title = "Cloning a booted OS",
    text = function(ctx)
      return "The same with the toy OS itself. The lab typed:\n\n    " .. ctx.os_cmd .. "\n\n" ..
        "With `snapshot=ready` the kernel, once its shell first waits at the prompt, asks the hypervisor for a\n" ..
        "snapshot (the VM_HC_SNAPSHOT hypercall): vm saves memory, registers, segment and control registers and\n" ..
        "the virtual PIC, PIT and UART, and lets the VM run on. Then three clones, each\n\n" ..
        "    vm restore --stats --genid I /tmp/os.vm      (then `hostname` and `poweroff` typed at its shell)"
    end,
    questions = {
      { id = "c8_os_snap_pages", points = 1,
        text = "how many pages did the booted toy OS's snapshot save (within 10)?",
        answer = function(ctx) return ctx.os_pages end,
        accept = within(10),
        explain = "its kernel, the unpacked root file system and its processes: the pages that are not all zeros" },
      { id = "c9_os_private_pct", points = 2,
        text = "how many pages of its own did one clone get to answer one command and power off, in percent of the snapshot's pages (whole number, within 2)?",
        answer = function(ctx) return math.floor(100 * ctx.os_cow[1] / ctx.os_pages + 0.5) end,
        accept = within(2),
        explain = "a clone that runs one command writes a few dozen pages: stacks, the shell's heap, the scheduler's and the console's state; the rest stays shared" },
    },
    action = function(ctx)
      return ("snapshot: %d pages; the clones had %d, %d and %d pages of their own"):format(ctx.os_pages, ctx.os_cow[1],
        ctx.os_cow[2], ctx.os_cow[3])
    end,
    check = function(ctx)
      local answered = ctx.os_hosts[1] and ctx.os_hosts[2] and ctx.os_hosts[3]
      local pct = ctx.os_cow[1] / ctx.os_pages
      return answered and pct < 0.25 and ctx.os_cow[1] > 0,
        ("the three clones answered hostname: %s; clone 1 had %d pages of its own against the snapshot's %d (%.0f%%) (the lab says: " ..
         "every clone answers, with pages of its own under a quarter of the snapshot)"):format(tostring(answered ~= nil),
          ctx.os_cow[1], ctx.os_pages, 100 * pct)
    end },
}

return lab
