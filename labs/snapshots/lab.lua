-- Lab 12: snapshots and clones. A small guest boots as a VM of the toy OS and is snapshotted
-- (`vm run --snapshot`), then cloned N times (`vm restore --snapshot`): the pages each clone
-- dirties are counted against the snapshot and between clones (`snapdiff`, os/snapdiff.c), and
-- the clones turn out to share what they must not -- the random-number state their boot
-- seeded, so every clone makes the same "random" session key -- until each restore hands the
-- guest a VM generation ID (`vm restore --genid N`, the VMGenID lesson).

local function shell(m, cmd)
  local from = #m:serial()
  m:type(cmd .. '; echo E""ND\n')
  m:expect("END", { cycles = 3e9 })
  m:expect("$ ", { cycles = 1e8 })
  return m:serial():sub(from + 1)
end

local function within(abs)
  return function(given, expected)
    local g = tonumber((given:gsub("_", "")))
    return g ~= nil and math.abs(g - tonumber(expected)) <= abs
  end
end

local lab = {
  id = "snapshots",
  title = "Snapshots and clones: dirty pages and the shared-state trap",
  version = "1.0",
  summary = "snapshot a booted VM, clone it N times, count the pages that diverge; clones share their RNG state until a generation ID",
  minutes = 40,
  claim = "VM snapshots let you clone a warm machine in milliseconds",
  introduction = [[
A snapshot freezes a booted VM: its memory and its vCPU. Restoring it N times gives N clones
that skip the boot -- the way serverless platforms start functions (Firecracker snapshots).
Clones can share the snapshot's pages copy-on-write, so what each one costs is the pages it
dirties after the restore. But a clone also inherits everything its boot computed, including
what was meant to be unique: a random-number generator seeded at boot gives every clone the same
"random" numbers. Real hypervisors therefore give the guest a VM generation ID that changes on
every restore (VMGenID; Linux's vmgenid driver reseeds its RNG from it).
Here: `vm run --snapshot FILE` saves a VM when its guest writes the debug-exit port (registers and
non-zero pages), `vm restore [--snapshot OUT] [--genid N] FILE` clones it (hyperv/vm/snapshot.c),
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
                                 { path = ctx.image("snapdiff.elf"), args = "/bin/snapdiff" } } }
  if m:run{ until_serial = "$ ", cycles = 5e8 } ~= "serial" then error("the toy OS did not reach its shell") end
  ctx.boot_cmd = ("vm run --memory 4M --snapshot /tmp/base.vm /vm/clone.elf pages=%d dirty=%d genid"):format(pages, dirty)
  local out = shell(m, ctx.boot_cmd)
  ctx.base_pages = tonumber(out:match("snapshot /tmp/base.vm: (%d+) of"))
  if not ctx.base_pages then error("no snapshot: " .. out) end
  ctx.keys, ctx.gkeys = {}, {}
  for i = 1, n do
    out = shell(m, ("vm restore --snapshot /tmp/c%d.vm /tmp/base.vm"):format(i))
    ctx.keys[i] = out:match("session key (0x%x+)")
    if not ctx.keys[i] then error("clone " .. i .. " printed no key: " .. out) end
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
    text = "If the host kept one copy of the snapshot's pages and gave each clone its own copy of a page\n" ..
      "only when the clone writes it (copy-on-write, as KSM or Firecracker's private file mappings do),\n" ..
      "the clones would cost only what they dirty.",
    questions = {
      { id = "c5_cow_pages", points = 2,
        text = "how many pages would the snapshot and all N clones hold together with copy-on-write (use your c2)?",
        answer = function(ctx) return ctx.base_pages + ctx.params.clones * ctx.dirty_pages end,
        explain = "snapshot pages + N x pages each clone dirtied (without sharing: N x the clone's whole memory)" },
    } },
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
}

return lab
