-- A lab that runs to its end but whose second step's check fails: the result it promises did not
-- hold. `vx86 lab` (--solve and --text) must exit 3 and say so; grading is unaffected.
return { id = "check-fails", version = "1", summary = "a check that fails", minutes = 1,
  steps = {
    { title = "s1", questions = { { id = "q", text = "what is 6 x 7?", answer = 42 } },
      check = function() return true, "this one holds" end },
    { title = "s2", check = function() return false, "ratio 3x, the lab promised > 100x" end },
  } }
