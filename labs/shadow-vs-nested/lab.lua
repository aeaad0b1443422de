-- Lab 4: shadow paging versus nested paging (AMD APM Vol. 2 §15.25 nested paging; hyperv/shadow.c
-- and hyperv/README.md "Shadow paging"). Two bare guests run as VMs of the toy OS, each under
-- `vm run --npt` and `vm run --shadow`: a TLB-miss-heavy one (tlb.c: many pages, tables that never
-- change) and a CR3-churn one (cr3.c: address spaces switched round robin). The learner counts
-- the references of one TLB miss's walk in each mode (the 2-D walk picture), the cycles of each
-- workload in each mode, the exits per CR3 write, and what 4 MiB guest pages change.

local WORK_VA = 0x40000000
local PAGING_EXITS = { "#PF", "cr3_write" }

-- A number within pct percent of the expected one ("_" separators allowed).
local function near(pct) return vx.near{ rel = pct / 100 } end

local function within(d) return vx.near{ abs = d } end

local function count(v, name) return v.by_name[name] or 0 end

local lab = {
  id = "shadow-vs-nested",
  title = "Shadow paging versus nested paging",
  version = "1.0",
  summary = "a TLB-miss-heavy and a CR3-churn guest under vm run --npt and --shadow: walks, fills, exits per CR3 write, large pages",
  minutes = 45,
  claim = "hardware nested paging (EPT/NPT) made shadow page tables obsolete: it removes the MMU exits at the price of a longer TLB-miss walk",
  introduction = [[
A hypervisor must keep a guest's page tables from mapping memory the guest does not own. With
nested paging (NPT, `vm run --npt`, the default) the CPU walks two sets of tables on a TLB miss:
the guest's own (guest-virtual -> guest-physical) and the hypervisor's nested tables
(guest-physical -> host-physical), every guest table reference translated by a nested walk
first -- the 2-D walk. With shadow paging (`vm run --shadow`, hyperv/shadow.c) the CPU walks one
table, a shadow the hypervisor builds from the guest's tables, mapping guest-virtual straight to
host frames; to keep it right the hypervisor intercepts the guest's page faults (a "fill" when
the guest's tables allow the access), its CR3 loads (switch to that address space's shadow
directory: a cache of 4 per VM, resynced at each load) and INVLPG.
vx86's cost table prices a world switch (vmrun, vmexit) at 700 cycles each and each page-walk
reference, native or nested, at 1 cycle. The lab's VM cycles are the guest's cycles plus the
host's handling cycles, from the trace (m:vms()). Write whole numbers; measurements accept a
small error (each question says how much).]],
  answers_format = [[
Plain text "question_id = answer" lines ('#' comments, "seed = N"), or a Lua file returning
{ question_id = value or function(params) ... end }; params has seed, pages, rounds1, rounds2
(the TLB workload), spaces, cr3_pages, switches (the CR3 workload) and cycles (the VM cycles of
each run by name: npt1, npt2, shadow1, shadow2, npt_large, shadow_large, cr3_npt, cr3_shadow).]],
}

function lab.setup(ctx)
  local rng = ctx.rng
  local P, R1 = rng:range(80, 220) * 4, rng:range(3, 5)
  local R2 = 2 * R1
  local S, K, N = rng:range(2, 6), rng:range(8, 20), rng:range(30, 60) * 10
  local p = ctx.params
  p.seed, p.pages, p.rounds1, p.rounds2 = ctx.seed, P, R1, R2
  p.spaces, p.cr3_pages, p.switches = S, K, N

  local m = vx.boot{ kernel = ctx.os_image("kernel.elf"), memory = "64M", cmdline = "quiet",
                     modules = { ctx.os_image("initrd.img"),
                                 { path = ctx.image("tlb.elf"), args = "/vm/tlb.elf" },
                                 { path = ctx.image("cr3.elf"), args = "/vm/cr3.elf" } } }
  if m:run{ until_serial = "$ ", cycles = 5e8 } ~= "serial" then error("the toy OS did not reach its shell: " .. m:serial()) end
  local booted = m:snapshot()
  ctx.cmds, ctx.runs, ctx.walks = {}, {}, {}
  -- One `vm run` from the booted machine; with `walk`, stop at the guest's marker (its tables
  -- live, one round done) and walk a page of the workload through the VM's tables.
  local function run(name, cmd, walk)
    m:restore(booted)
    local from = #m:serial()
    ctx.cmds[name] = cmd
    m:type(cmd .. '; echo E""ND\n')
    if walk then
      if m:run{ until_serial = "tlb: walk", cycles = 5e8 } ~= "serial" then error(name .. ": no marker: " .. m:serial():sub(from + 1)) end
      local va = WORK_VA + 0x40   -- its first page: a seeded table index once equalled an answer
      ctx.walks[name] = m:translate(va, { vm = m:regs().vmcb })
      ctx.walk_va = va
      if walk == "picture" then ctx.walk_picture, ctx.walk_svg = m:picture("walk", { walk = va, width = 900 }) end
    end
    m:expect("END", { cycles = 2e9 })
    m:expect("$ ", { cycles = 1e8 })
    local out = m:serial():sub(from + 1)
    if not out:find(": done", 1, true) then error(name .. ": the guest did not finish: " .. out) end
    local v = m:vms()[1]
    if not v or v.state ~= "exited" then error(name .. ": no finished VM in the trace") end
    v.total = v.guest_cycles + v.handle_cycles
    ctx.runs[name] = v
    return v
  end
  local tlb = "vm run %s --memory 16M /vm/tlb.elf pages=%d rounds=%d large=%d"
  run("npt1", tlb:format("--npt", P, R1, 0), "picture")
  run("npt2", tlb:format("--npt", P, R2, 0))
  run("shadow1", tlb:format("--shadow", P, R1, 0), "walk")
  run("shadow2", tlb:format("--shadow", P, R2, 0))
  ctx.tlb_exits = vx.show.exits(m)
  run("npt_large", tlb:format("--npt", P, R2, 1), "walk")
  run("shadow_large", tlb:format("--shadow", P, R2, 1))
  local cr3 = "vm run %s --memory 16M /vm/cr3.elf spaces=%d switches=%d pages=%d"
  run("cr3_npt", cr3:format("--npt", S, N, K))
  run("cr3_shadow", cr3:format("--shadow", S, N, K))
  ctx.cr3_exits = vx.show.exits(m)
  ctx.cr3_picture, ctx.cr3_svg = m:picture("exits", { width = 900 })
  ctx.m = m
  p.cycles = {}
  for name, v in pairs(ctx.runs) do p.cycles[name] = v.total end

  local r = ctx.runs
  ctx.npt_round = (r.npt2.total - r.npt1.total) // (R2 - R1)
  ctx.shadow_round = (r.shadow2.total - r.shadow1.total) // (R2 - R1)
  ctx.crossover = R1 + (r.shadow1.total - r.npt1.total) // (ctx.npt_round - ctx.shadow_round)
  local paging = 0
  for _, n in ipairs(PAGING_EXITS) do paging = paging + count(r.cr3_shadow, n) end
  ctx.cr3_writes = count(r.cr3_shadow, "cr3_write")
  ctx.per_cr3 = paging / ctx.cr3_writes
  ctx.cr3_ratio = r.cr3_shadow.total / r.cr3_npt.total
end

local function row(ctx, name)
  local v = ctx.runs[name]
  -- The command's options without their '=' (a bare "=N" reads as a stated result).
  local args = ctx.cmds[name]:gsub("^vm run ", ""):gsub("%-%-memory 16M ", ""):gsub("=", " ")
  return string.format("  %-13s %-54s %12d", name, args, v.total)
end

lab.steps = {
  { title = "Two workloads, two MMUs",
    text = function(ctx)
      local p = ctx.params
      return string.format(
        "The lab booted the toy OS and, each time from the same booted machine, typed `vm run` with\n" ..
        "one of two bare guests (labs/shadow-vs-nested/guest/):\n\n" ..
        "  tlb.elf  touches %d pages (the TLB holds 256 entries) one word each, page by page, for\n" ..
        "           a number of rounds: nearly every touch is a TLB miss; its tables never change.\n" ..
        "  cr3.elf  switches among %d address spaces %d times (MOV to CR3, round robin), touching\n" ..
        "           the same %d virtual pages, mapped to other frames in each space, after each load.\n\n" ..
        "Each guest maps its first 16 MiB (code, stack) with 4 MiB pages and its workload at gVA %s.",
        p.pages, p.spaces, p.switches, p.cr3_pages, ctx.hex(WORK_VA))
    end },
  { title = "One TLB miss, three walks",
    text = function(ctx)
      return string.format(
        "The lab stopped tlb.elf after its first round (it sends a marker line through the\n" ..
        "paravirtual console) and walked gVA %s through the VM's paging state in its VMCB\n" ..
        "(m:translate with vm = the VMCB), as the CPU does on a TLB miss. The guest's tables have\n" ..
        "two levels (a page directory and page tables); the toy OS's nested tables have two levels\n" ..
        "of 4 KiB pages.", ctx.hex(ctx.walk_va))
    end,
    questions = {
      { id = "w1_refs_npt", points = 2,
        text = "under nested paging, how many memory references does that TLB miss make (the whole 2-D walk)?",
        answer = function(ctx) return #ctx.walks.npt1.steps end,
        explain = "(2 + 1) x (2 + 1) - 1 = 8: two nested references before the PDE, before the PTE and for the final gPA, plus the PDE and PTE" },
      { id = "w2_refs_shadow", points = 2,
        text = "under shadow paging, how many references does the same miss make?",
        answer = function(ctx) return #ctx.walks.shadow1.steps end,
        explain = "2: the CPU walks the shadow directory and shadow table (gVA -> host frame), a native 1-D walk" },
      { id = "w3_refs_large", points = 1,
        text = "under nested paging with the workload mapped by one 4 MiB guest page (tlb.elf's large option), how many?",
        answer = function(ctx) return #ctx.walks.npt_large.steps end,
        explain = "(1 + 1) x (2 + 1) - 1 = 5: the guest walk has one level left" },
    },
    action = function(ctx)
      local out = "nested paging, 4 KiB guest pages:\n" .. vx.show.walk(ctx.walks.npt1) .. "\n" ..
        "shadow paging (the VMCB's CR3 is the shadow directory, nested paging off):\n" .. vx.show.walk(ctx.walks.shadow1) ..
        "\nnested paging, a 4 MiB guest page:\n" .. vx.show.walk(ctx.walks.npt_large)
      out = out .. "\nThe 2-D walk as the picture draws it:\n" .. (ctx.walk_picture or "")
      if ctx.walk_svg then out = out .. "\n(picture written to " .. ctx.walk_svg .. ")" end
      return out
    end,
    check = function(ctx)
      local a, b, c = #ctx.walks.npt1.steps, #ctx.walks.shadow1.steps, #ctx.walks.npt_large.steps
      return a == 8 and b == 2 and c == 5 and ctx.walks.npt1.ok and ctx.walks.shadow1.ok,
        string.format("a TLB miss reads %d entries under NPT, %d under shadow, %d under NPT with a 4 MiB guest page (the lab says 8, 2, 5)", a, b, c)
    end },
  { title = "The TLB-miss workload in cycles",
    text = function(ctx)
      return "VM cycles (guest + host handling, from the trace) of tlb.elf, twice the rounds in the second run:\n\n" ..
        table.concat({ row(ctx, "npt1"), row(ctx, "npt2"), row(ctx, "shadow1"), row(ctx, "shadow2") }, "\n") .. "\n\n" ..
        "Model each mode as a fixed cost plus a cost per round (a round touches every page once)."
    end,
    questions = {
      { id = "t1_npt_round", points = 1, accept = near(2),
        text = "how many VM cycles does one round cost under nested paging? (2% either way)",
        answer = function(ctx) return ctx.npt_round end,
        explain = "(npt2 - npt1) / (rounds2 - rounds1)" },
      { id = "t2_shadow_round", points = 1, accept = near(2),
        text = "and one round under shadow paging? (2%)",
        answer = function(ctx) return ctx.shadow_round end,
        explain = "(shadow2 - shadow1) / (rounds2 - rounds1): no exits once the shadow is filled, and 2-reference walks" },
      { id = "t3_crossover", points = 2, accept = near(5),
        text = "from how many rounds on would shadow paging finish this workload in fewer cycles? (5%)",
        answer = function(ctx) return ctx.crossover end,
        explain = "rounds1 + (shadow1 - npt1) / (NPT per round - shadow per round): the fills are paid once, the longer walks every round" },
      { id = "t4_winner", points = 1,
        text = "which mode runs the workload as measured (rounds2 rounds) in fewer cycles? (npt/shadow)",
        answer = function(ctx) return ctx.runs.npt2.total < ctx.runs.shadow2.total and "npt" or "shadow" end,
        explain = "each page's first touches cost shadow paging #PF exits (two world switches of 700 cycles and the handler), worth hundreds of rounds of NPT's longer walks: each touch misses twice (a read, then a write: vx86 keeps separate read and write TLB entries), 6 extra 1-cycle references each" },
    },
    check = function(ctx)
      local s = ctx.shadow_round / ctx.npt_round
      return s > 0.3 and s < 0.85 and ctx.crossover > 4 * ctx.params.rounds2,
        string.format("a shadow round costs %.2f of an NPT round (the lab says 0.3-0.85) and shadow wins only after %d rounds (more than 4 x %d)",
          s, ctx.crossover, ctx.params.rounds2)
    end },
  { title = "Fills, dirty bits and 4 MiB guest pages",
    text = function(ctx)
      return "The same workload, rounds2 rounds, with its pages mapped by one 4 MiB guest page (large 1):\n\n" ..
        table.concat({ row(ctx, "npt2"), row(ctx, "npt_large"), row(ctx, "shadow2"), row(ctx, "shadow_large") }, "\n") .. "\n\n" ..
        "Each touch reads a word and writes it back. shadow.c shadows a clean guest page read-only,\n" ..
        "so that the first write faults and it can set the guest's D bit; it shadows a 4 MiB guest\n" ..
        "page 4 KiB at a time."
    end,
    questions = {
      { id = "l1_pf_shadow", points = 1, accept = near(2),
        text = "predict: how many #PF exits did the shadow run (shadow2, 4 KiB guest pages) take? (2%)",
        answer = function(ctx) return count(ctx.runs.shadow2, "#PF") end,
        explain = "two per workload page: a fill on the read (shadowed read-only: the PTE is clean) and another on the write that sets D; a few more for the code, data and stack pages" },
      { id = "l2_pf_shadow_large", points = 1, accept = near(2),
        text = "and the shadow run with the 4 MiB guest page (shadow_large)? (2%)",
        answer = function(ctx) return count(ctx.runs.shadow_large, "#PF") end,
        explain = "one per page: the 4 MiB page has one D bit, set by the first write, so later fills are writable at once -- but still one fill per 4 KiB, since shadow.c shadows it 4 KiB at a time" },
      { id = "l3_npt_saved", points = 2, accept = near(3),
        text = "how many VM cycles did the 4 MiB guest page save the nested-paging run? (3%)",
        answer = function(ctx) return ctx.runs.npt2.total - ctx.runs.npt_large.total end,
        explain = "3 references fewer on each TLB miss (5 instead of 8), two misses per touch (read, then write); vx86's TLB keeps 4 KiB entries, so the misses themselves stay" },
    },
    action = function(ctx)
      local r = ctx.runs
      return string.format("#PF exits: shadow2 %d, shadow_large %d, for %d pages. The exits of shadow2:\n", count(r.shadow2, "#PF"),
        count(r.shadow_large, "#PF"), ctx.params.pages) .. ctx.tlb_exits
    end,
    check = function(ctx)
      local r, P = ctx.runs, ctx.params.pages
      local pf4k, pf4m = count(r.shadow2, "#PF"), count(r.shadow_large, "#PF")
      return r.npt_large.total < r.npt2.total and pf4k >= 2 * P and pf4k <= 2 * P + 16 and pf4m >= P and pf4m <= P + 16,
        string.format("4 MiB guest pages: NPT %d -> %d cycles; shadow #PF %d -> %d for %d pages (the lab says 2 and 1 per page)",
          r.npt2.total, r.npt_large.total, pf4k, pf4m, P)
    end },
  { title = "CR3 churn",
    text = function(ctx)
      return "VM cycles of cr3.elf:\n\n" .. row(ctx, "cr3_npt") .. "\n" .. row(ctx, "cr3_shadow") .. "\n\n" ..
        "Under nested paging a guest's MOV to CR3 is not intercepted. Under shadow paging each one\n" ..
        "exits (cr3_write), and the page faults of pages not yet in the shadow exit too (#PF)."
    end,
    questions = {
      { id = "c1_exits_per_cr3", points = 2, accept = within(1),
        text = "under shadow paging, how many paging exits (#PF and cr3_write) did each CR3 write cost, rounded? (1 either way)",
        answer = function(ctx) return math.floor(ctx.per_cr3 + 0.5) end,
        explain = function(ctx)
          return ctx.params.spaces <= 4 and
            "about 1: every address space's shadow directory stays in the cache of 4, so a load is one exit (a resync) and the pages are already filled" or
            "the cache of 4 directories is too small: round robin over more spaces evicts each one before it is used again (LRU), so every load builds a fresh directory and every page (and the code and stack page) faults again"
        end },
      { id = "c2_slowdown", points = 2, accept = near(10),
        text = "how many times the nested-paging VM cycles did the shadow run take, rounded? (10%)",
        answer = function(ctx) return math.floor(ctx.cr3_ratio + 0.5) end },
      { id = "c3_cache", points = 1,
        text = "did hyperv/shadow.c's directory cache hold all of this guest's address spaces? (yes/no)",
        answer = function(ctx) return ctx.params.spaces <= 4 end },
    },
    action = function(ctx)
      local out = "The exits of the shadow run:\n" .. ctx.cr3_exits
      if ctx.cr3_svg then out = out .. "\n(exit histogram written to " .. ctx.cr3_svg .. ")" end
      return out
    end,
    check = function(ctx)
      local p = ctx.params
      local ok = ctx.cr3_ratio > 3 and ctx.cr3_writes >= p.switches and
        (p.spaces <= 4 and ctx.per_cr3 < 1.3 or p.spaces > 4 and ctx.per_cr3 > p.cr3_pages)
      return ok, string.format("shadow paging %.1fx NPT's cycles, %.2f exits per CR3 write with %d spaces (the lab says: > 3x; < 1.3 when they fit the cache of 4, more than the %d pages touched when not)",
        ctx.cr3_ratio, ctx.per_cr3, p.spaces, p.cr3_pages)
    end },
  { title = "Which wins where",
    text = "Shadow paging makes each TLB miss cheap (a 1-D walk) and pays with exits whenever the guest's\n" ..
      "view of memory changes: a new page's first touches, every CR3 load, every INVLPG. Nested paging\n" ..
      "makes the guest's MMU operations free and pays on every TLB miss (up to 8 references here; 24 with\n" ..
      "4-level guest and nested tables on x86-64).",
    questions = {
      { id = "q1_churn_winner", points = 1,
        text = "which mode suits a guest that switches processes often (a busy multi-process server)? (npt/shadow)",
        answer = function() return "npt" end },
      { id = "q2_walk_winner", points = 1,
        text = "which mode makes a TLB miss cheaper, once the tables have settled? (npt/shadow)",
        answer = function() return "shadow" end },
    } },
}

return lab
