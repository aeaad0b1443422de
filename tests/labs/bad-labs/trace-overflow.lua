-- A lab asking for an absurd trace capacity (SIGFPE in the grader).
return { id = "trace-overflow", version = "1",
  setup = function(ctx)
    ctx.m = vx.boot{ kernel = ctx.dir .. "/../../../build/guest/labs/paging/paging.elf", memory = "32M", trace = 2^58 }
  end,
  steps = { { title = "s", questions = { { id = "q", answer = 1, text = "q" } } } } }
