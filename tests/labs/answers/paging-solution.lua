-- A learner's Lua answers for labs/paging: every answer is computed from the raw table entries
-- (params.pd, params.tables), the walk a student would do on paper.
local function walk(p, va)
  local dir, tab = va >> 22, (va >> 12) & 0x3ff
  local pde = p.pd[dir] or 0
  if pde & 1 == 0 then return nil end
  local pte = (p.tables[dir] or {})[tab] or 0
  if pte & 1 == 0 then return nil end
  return (pte & 0xfffff000) | (va & 0xfff), pde, pte
end

local answers = {}
for i = 1, 4 do
  local key = "a" .. i
  answers[key .. "_dir"] = function(p) return p.addresses[key] >> 22 end
  answers[key .. "_table"] = function(p) return (p.addresses[key] >> 12) & 0x3ff end
  answers[key .. "_offset"] = function(p) return p.addresses[key] & 0xfff end
  answers[key .. "_result"] = function(p) return walk(p, p.addresses[key]) or "fault" end
end
answers.p1_user_read = function(p)
  local pa, pde, pte = walk(p, p.addresses.a1)
  return pa ~= nil and pde & 4 ~= 0 and pte & 4 ~= 0
end
answers.p2_user_write = function(p)
  local pa, pde, pte = walk(p, p.addresses.a2)
  return pa ~= nil and pde & 6 == 6 and pte & 6 == 6
end
return answers
