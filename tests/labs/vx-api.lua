-- A lab used as a test of the vx module on a live machine: each answer is true when one part of
-- the API behaves; tests/labs/run.sh grades it with every answer "yes".
-- The paging lab's guest, relative to this file (ctx.dir), so the test runs from any directory.
local IMAGE = "/../../build/guest/labs/paging/paging.elf"
local function q(id, fn) return { id = id, points = 1, text = id, answer = fn } end
return {
  id = "vx-api", title = "vx module self-test", version = "1",
  setup = function(ctx)
    ctx.m = vx.boot{ kernel = ctx.dir .. IMAGE, cmdline = "seed=" .. ctx.seed, memory = "32M" }
  end,
  steps = { { title = "api", questions = {
    q("until_symbol", function(ctx)
      local why = ctx.m:run{ until_symbol = "main" }
      local addr = ctx.m:symbol("main")
      return why == "symbol" and ctx.m:reg("eip") == addr and ctx.m:symbol(addr) == "main"
    end),
    q("snapshot_restore", function(ctx)
      local m = ctx.m
      local s = m:snapshot()
      m:run{ until_serial = "paging: ready" }
      local out1, c1 = m:serial(), m:cycles()
      m:restore(s)
      local rewound = not m:serial():find("paging: ready", 1, true)
      m:run{ until_serial = "paging: ready" }
      return rewound and m:serial() == out1 and m:cycles() == c1
    end),
    q("regs_and_memory", function(ctx)
      local m = ctx.m
      local r = m:regs()
      m:write(0x500000, "hello", { phys = true })
      return r.cr0 & 0x80000000 ~= 0 and m:read(0x500000, 5, { phys = true }) == "hello"
        and m:read32(r.cr3, { phys = true }) & 0x81 == 0x81
    end),
    q("translate_matches_read", function(ctx)
      local m = ctx.m
      local w = m:translate(0x100000)
      return w.ok and w.large and w.paddr == 0x100000 and #w.steps == 1
        and m:read(0x100000, 16) == m:read(0x100000, 16, { phys = true })
    end),
    q("errors_are_lua_errors", function(ctx)
      local ok1, e1 = pcall(ctx.m.read, ctx.m, 0xfffff000, 4, { phys = true })
      local ok2, e2 = pcall(ctx.m.reg, ctx.m, "nosuchreg")
      local ok3 = pcall(ctx.m.events, ctx.m, { kinds = { "nosuchkind" } })
      return not ok1 and e1:find("not readable") ~= nil and not ok2 and e2:find("unknown register") ~= nil and not ok3
    end),
    q("events_and_type", function(ctx)
      local evs = ctx.m:events{ kinds = { "cr3_write" } }
      ctx.m:type("x")
      return type(evs) == "table" and ctx.m:event_seq() >= #evs
    end),
  } } },
}
