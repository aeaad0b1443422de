-- pcall cannot swallow the instruction limit: the whole submission still fails.
local answers = {}
answers.a1_dir = function()
  while true do pcall(function() while true do end end) end
end
return answers
