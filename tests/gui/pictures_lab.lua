-- A lab that draws pictures of the machine (m:picture); run-gui-tests.sh runs it with
-- --pictures DIR and checks the SVG files it leaves there.
local lab = {
  id = "pictures",
  title = "Pictures of the machine",
  version = "1.0",
  introduction = "The demand-paging example after its page faults: memory by owner, then the page tables.",
}

function lab.setup(ctx)
  local m = vx.boot{ kernel = ctx.image("../../build/examples/pagefault.elf") }
  m:run{ cycles = 3e6 }
  ctx.m = m
end

lab.steps = {
  { text = function(ctx) return ctx.m:picture("memmap") end },
  { text = function(ctx) return ctx.m:picture("pagetable") .. ctx.m:picture("walk", { walk = 0x40000000 }) end },
}

return lab
