-- Lab: two-level 32-bit paging (Intel SDM Vol. 3 §4.3, AMD APM Vol. 2 §5.3).
-- A guest program builds page tables from the seed; the learner translates four seeded linear
-- addresses by hand (directory index, table index, offset, physical address or fault) and
-- decides what a user-mode program may do with two of them, then compares with the live walk.


local function hex(n) return string.format("0x%08x", n) end

-- The walk a student does on paper, from the raw entries (ctx.params.pd / .tables).
local function walk_by_hand(p, va)
  local dir, tab, off = va >> 22, (va >> 12) & 0x3ff, va & 0xfff
  local pde = p.pd[dir] or 0
  if pde & 1 == 0 then return nil, "pde" end
  if pde & 0x80 ~= 0 then return (pde & 0xffc00000) | (va & 0x3fffff) end
  local pte = (p.tables[dir] or {})[tab] or 0
  if pte & 1 == 0 then return nil, "pte" end
  return (pte & 0xfffff000) | off
end

-- Would a ring-3 access succeed? Both levels must allow it (U/S, and R/W for writes).
local function user_may(w, write)
  if not w.ok then return false end
  for _, s in ipairs(w.steps) do
    if not s.us or (write and not s.rw) then return false end
  end
  return true
end

local lab = {
  id = "paging",
  title = "Two-level paging: translate by hand, then ask the machine",
  version = "1.0",
  summary = "translate seeded addresses through two-level page tables by hand, then ask the machine",
  minutes = 40,
  claim = nil,   -- a mechanism lab: no article claim
  introduction = [[
A 32-bit linear address splits into a 10-bit page-directory index (bits 31:22), a 10-bit
page-table index (bits 21:12) and a 12-bit offset (bits 11:0). CR3 holds the physical address of
the page directory; a present directory entry (PDE) points at a page table (or, with PS=1, maps
a 4 MiB page); a present page-table entry (PTE) gives the 4 KiB frame. Either entry with P=0
makes the access fault (#PF). Flags: P present, W writable (else R read-only), U user (else S
supervisor only); a ring-3 access needs U in both entries, a ring-3 write needs W in both.
Numbers: write integers in decimal or 0x hex; write "fault" when the translation faults; yes/no
for the permission questions.]],
  answers_format = [[
Plain text, one answer per line:  question_id = answer   ('#' starts a comment; an optional
"seed = N" line says which seed the answers are for). Or a Lua file returning a table
{ question_id = value or function(params) ... end }: params has seed, cr3, addresses
(a1..a4), pd (directory entries by index) and tables[dir][index] (page-table entries).]],
}

function lab.setup(ctx)
  local m = vx.boot{ kernel = ctx.image("paging.elf"), memory = "64M", cmdline = "seed=" .. ctx.seed }
  local why = m:run{ until_serial = "paging: ready", cycles = 5e7 }
  if why ~= "serial" then error("the paging guest did not get ready (" .. why .. "): " .. m:serial()) end
  m:run{ cycles = 10000 }   -- let it reach its final HLT
  ctx.m = m
  local cr3 = m:reg("cr3") & 0xfffff000
  -- The raw entries, as plain data for the learner's answer functions.
  local pd, tables, dirs = {}, {}, {}
  for i = 0, 1023 do
    local e = m:read32(cr3 + 4 * i, { phys = true })
    if e ~= 0 then
      pd[i] = e
      if i > 0 and e & 1 ~= 0 then
        dirs[#dirs + 1] = i
        tables[i] = {}
        for j = 0, 1023 do
          local t = m:read32((e & 0xfffff000) + 4 * j, { phys = true })
          if t ~= 0 then tables[i][j] = t end
        end
      end
    end
  end
  -- Seeded choices: two mapped addresses in different tables, one whose PTE is not present, one
  -- whose PDE is not present.
  local rng = ctx.rng
  local function entries(dir, present)
    local list = {}
    for j = 0, 1023 do
      local t = tables[dir][j]
      if t and ((t & 1 ~= 0) == present) then list[#list + 1] = j end
    end
    return list
  end
  local function addr(dir, tab) return (dir << 22) | (tab << 12) | (rng:range(0, 0x3ff) << 2) end
  rng:shuffle(dirs)
  local a = {}
  a[1] = addr(dirs[1], rng:choice(entries(dirs[1], true)))
  a[2] = addr(dirs[2], rng:choice(entries(dirs[2], true)))
  a[3] = addr(dirs[3], rng:choice(entries(dirs[3], false)))
  local absent
  for i = 256, 767 do if pd[i] and pd[i] & 1 == 0 then absent = i end end
  a[4] = addr(absent, rng:range(0, 1023))
  ctx.addr = a
  ctx.params.seed = ctx.seed
  ctx.params.cr3 = cr3
  ctx.params.addresses = { a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4] }
  ctx.params.pd = pd
  ctx.params.tables = tables
  ctx.walk_by_hand = walk_by_hand
end

local function address_questions(i)
  local q = {}
  q[#q + 1] = { id = "a" .. i .. "_dir", points = 1,
    text = function(ctx) return "page-directory index of " .. hex(ctx.addr[i]) .. "?" end,
    answer = function(ctx) return ctx.addr[i] >> 22 end,
    explain = function(ctx, v) return string.format("bits 31:22: %s >> 22 = %d", hex(ctx.addr[i]), v) end }
  q[#q + 1] = { id = "a" .. i .. "_table", points = 1,
    text = function(ctx) return "page-table index of " .. hex(ctx.addr[i]) .. "?" end,
    answer = function(ctx) return (ctx.addr[i] >> 12) & 0x3ff end,
    explain = function(ctx, v) return string.format("bits 21:12: (%s >> 12) & 0x3ff = %d", hex(ctx.addr[i]), v) end }
  q[#q + 1] = { id = "a" .. i .. "_offset", points = 1, format = "hex",
    text = function(ctx) return "offset within the page of " .. hex(ctx.addr[i]) .. "?" end,
    answer = function(ctx) return ctx.addr[i] & 0xfff end }
  q[#q + 1] = { id = "a" .. i .. "_result", points = 2, format = "hex",
    text = function(ctx) return "physical address a read of " .. hex(ctx.addr[i]) .. " reaches (or \"fault\")?" end,
    answer = function(ctx)
      local w = ctx.m:translate(ctx.addr[i])
      return w.ok and w.paddr or "fault"
    end,
    explain = function(ctx)
      local w = ctx.m:translate(ctx.addr[i])
      if w.ok then return "frame from the PTE plus the offset" end
      local by = w.steps[#w.steps]
      return string.format("the %s at %s has P=0", by.level == 2 and "PDE" or "PTE", hex(by.entry_addr))
    end }
  return q
end

local function permission_question(id, i, write)
  return { id = id, points = 1,
    text = function(ctx)
      return string.format("may a user-mode (ring 3) program %s %s? (yes/no)", write and "write" or "read", hex(ctx.addr[i]))
    end,
    answer = function(ctx) return user_may(ctx.m:translate(ctx.addr[i], { write = write }), write) end,
    explain = function(ctx)
      local w = ctx.m:translate(ctx.addr[i])
      local parts = {}
      for _, s in ipairs(w.steps) do
        parts[#parts + 1] = string.format("%s %s", s.level == 2 and "PDE" or "PTE", vx.show.flags(s.value, s.level))
      end
      return table.concat(parts, ", ") .. ": U and (for writes) W must be set in both"
    end }
end

lab.steps = {
  { title = "The page tables the guest built",
    text = function(ctx)
      return "The guest turned paging on with CR3 = " .. hex(ctx.params.cr3) .. ". Its page directory and tables\n" ..
             "(only the non-zero entries):\n\n" .. vx.show.pagetable(ctx.m, { max = 16 })
    end },
  { title = "Translate by hand: a mapped address", questions = address_questions(1) },
  { title = "Another table", questions = address_questions(2) },
  { title = "An entry that is not present", questions = address_questions(3) },
  { title = "A directory entry that is not present", questions = address_questions(4) },
  { title = "Permissions",
    text = "User-mode accesses need U/S=1 in the PDE and the PTE; writes also need R/W=1 in both.",
    questions = { permission_question("p1_user_read", 1, false), permission_question("p2_user_write", 2, true) } },
  { title = "Check against the live machine",
    action = function(ctx)
      local out = {}
      for i = 1, 4 do out[#out + 1] = vx.show.walk(ctx.m:translate(ctx.addr[i])) end
      -- the first walk as a picture (an SVG too with --pictures DIR)
      local _, svg = ctx.m:picture("walk", { walk = ctx.addr[1] })
      if svg then out[#out + 1] = "(the walk of " .. hex(ctx.addr[1]) .. " as a picture: " .. svg .. ")" end
      return table.concat(out, "\n")
    end,
    check = function(ctx)
      for i = 1, 4 do
        local mine = ctx.walk_by_hand(ctx.params, ctx.addr[i])
        local w = ctx.m:translate(ctx.addr[i])
        if (mine ~= nil) ~= w.ok or (mine and mine ~= w.paddr) then
          return false, "the walk by hand and the machine disagree for " .. hex(ctx.addr[i])
        end
      end
      return true, "the walks by hand agree with the machine's walks"
    end },
}

return lab
