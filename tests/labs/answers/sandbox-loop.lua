-- An infinite loop: the instruction-count hook must stop it.
while true do end
