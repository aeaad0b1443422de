-- A lab whose answer function raises an error.
return { id = "lab-error", version = "1",
  steps = { { title = "s", questions = { { id = "q", answer = function() error("boom") end, text = "q" } } } } }
