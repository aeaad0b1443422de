-- A memory bomb: the allocator cap must stop it.
local t = {}
local s = string.rep("x", 1024 * 1024)
for i = 1, 1e9 do t[i] = s .. i end
