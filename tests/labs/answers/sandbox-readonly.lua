-- Library tables are read-only.
string.rep = nil
return {}
