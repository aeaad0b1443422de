-- A lab trying to load code from outside its folder, and a binary chunk.
return { id = "lab-escape", version = "1",
  setup = function(ctx) dofile("/etc/passwd") end,
  steps = { { title = "s", questions = { { id = "q", answer = 1, text = "q" } } } } }
