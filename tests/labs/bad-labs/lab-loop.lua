-- A lab whose step never ends: the instruction limit for lab code stops it.
return { id = "lab-loop", version = "1",
  steps = { { title = "s", text = function() while true do end end,
              questions = { { id = "q", answer = 1, text = "q" } } } } }
