-- A lab that closes its machine inside an `until` callback (crashed the grader with SIGSEGV).
return { id = "close-in-until", version = "1",
  setup = function(ctx)
    ctx.m = vx.boot{ kernel = ctx.dir .. "/../../../build/guest/labs/paging/paging.elf", memory = "32M" }
    ctx.m:run{ cycles = 1e6, ["until"] = function(m) m:close() return false end }
  end,
  steps = { { title = "s", questions = { { id = "q", answer = 1, text = "q" } } } } }
