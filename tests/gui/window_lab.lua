-- A lab whose machine keeps running while it asks (the known VGA screen's guest polls COM1 for a
-- line): run-gui-tests.sh steps that machine forward and back in `vx86 lab --gui`, then answers.
local lab = {
  id = "window",
  title = "Stepping back in a lab's machine",
  version = "1.0",
  introduction = "The guest has drawn its screen and polls COM1 for a line.",
}

function lab.setup(ctx)
  local m = vx.boot{ kernel = ctx.image("../../build/guest/gui/vga_screen.elf") }
  m:run{ until_serial = "ready", cycles = 1e8 }
  ctx.m = m
end

lab.steps = {
  { title = "The guest waits",
    text = "Step it with F10 and back with F9; the questions wait.",
    questions = { { id = "port", text = "COM1's first I/O port, in hex?", points = 1, answer = 0x3f8 } } },
}

return lab
