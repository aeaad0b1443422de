-- Lab: nested paging, the two-dimensional walk (AMD APM Vol. 2 §15.25; the subset in cpu/README.md).
-- A guest hypervisor runs a guest with its own page tables under nested page tables. The learner
-- follows the 2-D walk of a guest-virtual address, counts its memory references with 4 KiB and
-- 4 MiB nested pages and compares with the guest's own (native) walk, then meets a #NPF.


local function hex(n) return string.format("0x%x", n) end

local lab = {
  id = "nested-paging",
  title = "Nested paging: the 2-D walk and the #NPF",
  version = "1.0",
  summary = "the 2-D walk of SVM nested paging: memory references per TLB miss with 4 KiB and 4 MiB pages, #NPF",
  minutes = 40,
  claim = nil,   -- a mechanism lab: no article claim
  introduction = [[
With nested paging a guest's page tables translate guest-virtual addresses (gVA) to
guest-physical addresses (gPA), and the hypervisor's nested page tables (rooted at the VMCB's
N_CR3) translate every gPA to a host-physical address (hPA). The guest's CR3 and every entry it
points at are gPAs too, so each guest page-table reference must itself be translated by a nested
walk before it can be read: a g-level guest walk under n-level nested tables reads
(g + 1) x (n + 1) - 1 entries. Larger nested pages shorten the nested walks. When a nested
walk finds a not-present entry the guest exits with #NPF (exit code 0x400): EXITINFO1 holds a
#PF-style error code (bit 0 present, bit 1 write, bit 2 user) plus bit 32 "the final gPA" or
bit 33 "a guest page-table entry", and EXITINFO2 the faulting gPA.
Write integers in decimal or 0x hex; "final" or "table" for the kind of #NPF.]],
  answers_format = [[
Plain text "question_id = answer" lines ('#' comments, optional "seed = N"), or a Lua file
returning { question_id = value or function(params) ... end }; params has seed, read_va,
hole_va, guest_cr3, guest_pd and guest_pt (the guest's entries by index).]],
}

function lab.setup(ctx)
  local m = vx.boot{ kernel = ctx.image("npt.elf"), memory = "64M", cmdline = "seed=" .. ctx.seed }
  local why = m:run{ until_serial = "npt: done", cycles = 1e8 }
  if why ~= "serial" then error("the hypervisor guest did not finish (" .. why .. "): " .. m:serial()) end
  local out = m:serial()
  local v4k, v4m, read_va, hole_va = out:match("vmcb4k=(0x%x+) vmcb4m=(0x%x+) read=(0x%x+) hole=(0x%x+)")
  if not v4k then error("unexpected hypervisor output: " .. out) end
  ctx.m = m
  ctx.vmcb4k, ctx.vmcb4m = tonumber(v4k), tonumber(v4m)
  ctx.read_va, ctx.hole_va = tonumber(read_va), tonumber(hole_va)
  ctx.walk4k = m:translate(ctx.read_va, { vm = ctx.vmcb4k })
  ctx.walk4m = m:translate(ctx.read_va, { vm = ctx.vmcb4m })
  ctx.hole = m:translate(ctx.hole_va, { vm = ctx.vmcb4k })
  local exits = m:events{ kinds = { "vmexit" } }
  for _, e in ipairs(exits) do if e.exit_name == "npf" then ctx.npf = e end end
  if not ctx.npf then error("no #NPF exit in the trace") end
  -- Plain data for learners' answer functions: the guest's own tables (gPA = hPA for them here).
  local cr3 = 0
  for _, s in ipairs(ctx.walk4k.steps) do if not s.nested and s.level == 2 then cr3 = s.entry_addr & 0xfffff000 end end
  local pd, pt = {}, {}
  for i = 0, 1023 do
    local e = m:read32(cr3 + 4 * i, { phys = true })
    if e ~= 0 then pd[i] = e end
  end
  local table_base = pd[ctx.read_va >> 22] & 0xfffff000
  for i = 0, 1023 do
    local e = m:read32(table_base + 4 * i, { phys = true })
    if e ~= 0 then pt[i] = e end
  end
  ctx.params.seed, ctx.params.read_va, ctx.params.hole_va = ctx.seed, ctx.read_va, ctx.hole_va
  ctx.params.guest_cr3, ctx.params.guest_pd, ctx.params.guest_pt = cr3, pd, pt
end

local function count(walk, nested)
  local n = 0
  for _, s in ipairs(walk.steps) do if s.nested == nested then n = n + 1 end end
  return n
end

lab.steps = {
  { title = "The guest's own walk",
    text = function(ctx)
      return string.format("The guest reads gVA %s. Its CR3 is gPA %s; its page directory and table:\n\n", hex(ctx.read_va),
        hex(ctx.params.guest_cr3)) .. vx.show.pagetable(ctx.m, { cr3 = ctx.params.guest_cr3, max = 12 })
    end,
    questions = {
      { id = "n1_gpa", points = 2, format = "hex",
        text = function(ctx) return "which guest-physical address does gVA " .. hex(ctx.read_va) .. " map to?" end,
        answer = function(ctx) return ctx.walk4k.gpa end },
      { id = "n2_native_refs", points = 1,
        text = "how many page-table entries does the guest's own (1-D) walk read?",
        answer = function(ctx) return count(ctx.walk4k, false) end,
        explain = "one PDE and one PTE: the native walk of a 2-level table with 4 KiB pages" },
    } },
  { title = "The 2-D walk with 4 KiB nested pages",
    text = "Every guest entry address is a gPA, translated by the nested tables before it is read,\n" ..
           "and so is the final gPA.",
    questions = {
      { id = "n3_refs_4k", points = 2,
        text = "how many memory references does the whole 2-D walk make (nested tables with 4 KiB pages)?",
        answer = function(ctx) return #ctx.walk4k.steps end,
        explain = "(2 + 1) x (2 + 1) - 1: two nested references before each guest entry and the final gPA" },
      { id = "n4_nested_refs_4k", points = 1,
        text = "how many of those references read nested-table entries?",
        answer = function(ctx) return count(ctx.walk4k, true) end },
    },
    action = function(ctx)
      -- the machine's memory map as a picture (an SVG too with --pictures DIR)
      local _, svg = ctx.m:picture("memmap")
      return vx.show.walk(ctx.walk4k) .. (svg and "\n(the memory map as a picture: " .. svg .. ")" or "")
    end },
  { title = "The same walk with 4 MiB nested pages",
    questions = {
      { id = "n5_refs_4m", points = 2,
        text = "with nested tables of 4 MiB pages (one nested level), how many references does the walk make?",
        answer = function(ctx) return #ctx.walk4m.steps end,
        explain = "(2 + 1) x (1 + 1) - 1 = 5" },
    },
    action = function(ctx) return vx.show.walk(ctx.walk4m) end },
  { title = "A nested page fault",
    text = function(ctx)
      local i = (ctx.hole_va >> 12) & 0x3ff
      return string.format("Next the guest reads gVA %s. Its page-table entry for it is PTE %d = %s, but the\n" ..
        "hypervisor left that guest-physical page out of its nested tables (with 4 KiB nested pages),\n" ..
        "so the guest exits. (The trace of its exits is shown once you have answered.)",
        hex(ctx.hole_va), i, string.format("0x%08x", ctx.params.guest_pt[i] or 0))
    end,
    questions = {
      { id = "n6_npf_gpa", points = 2, format = "hex",
        text = "which guest-physical address did the #NPF report (EXITINFO2)?",
        answer = function(ctx) return ctx.npf.exitinfo2 end },
      { id = "n7_npf_kind", points = 1,
        text = "did the nested walk fail on the final gPA or on a guest page-table entry? (final/table)",
        answer = function(ctx) return (ctx.npf.exitinfo1 >> 32) & 1 == 1 and "final" or "table" end,
        explain = function(ctx) return string.format("EXITINFO1 = %s: bit 32 set means the final gPA", hex(ctx.npf.exitinfo1)) end },
      { id = "n8_npf_present", points = 1,
        text = "was the failing nested entry present? (yes/no, EXITINFO1 bit 0)",
        answer = function(ctx) return ctx.npf.exitinfo1 & 1 == 1 end },
    },
    action = function(ctx)
      return "The guest's exits:\n" .. vx.show.events(ctx.m:events{ kinds = { "vmexit" } }) .. "\n" ..
             vx.show.walk(ctx.hole)
    end,
    check = function(ctx)
      local ok = ctx.hole.fault == "#NPF" and ctx.hole.exitinfo2 == ctx.npf.exitinfo2
      return ok, "the walk of the lab agrees with the #NPF the guest took"
    end },
}

return lab
