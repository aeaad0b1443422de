-- Lab 10: image layers and copy-up (overlayfs.rst; containers/overlayfs.c, containers/ctr/image.c).
-- N containers of one image share its unpacked layer; a 1-byte write copies the whole file up
-- into one container's upper directory; a delete leaves a whiteout; N VMs would each need a disk.

local function marked(out, name, pattern)
  local v = out:match("== " .. name .. " ==%s*" .. (pattern or "(%d+)"))
  if not v then error("no '" .. name .. "' in the toy OS's output:\n" .. out) end
  return v
end

local function near(frac)
  return function(given, expected)
    local v = tonumber((given:gsub("_", "")))
    return v ~= nil and math.abs(v - expected) <= frac * expected
  end
end

local FILES = { "bin/ls", "bin/sh", "bin/cat", "bin/grep", "bin/sort", "etc/os-release", "srv/README" }

local lab = {
  id = "layers",
  title = "Layers and copy-up: N containers share one image, a 1-byte write copies a whole file",
  version = "1.0",
  summary = "containers of one image share its unpacked layer; a 1-byte write copies the whole file up; a delete is a whiteout; N VMs need N disks",
  minutes = 35,
  claim = "Containers are lightweight because they share the image's layers; each VM needs its own disk image",
  introduction = [[
An image is a stack of read-only layers (OCI image layout). ctr unpacks each layer once, into
/var/lib/ctr/layers/DIGEST, and gives every container an overlay mount (overlayfs.rst):
  lowerdir  the image's layers, shared by every container of the image, never written;
  upperdir  the container's own directory, empty at first;
  copy-up   the first open of a lower file for writing copies the *whole* file into upperdir;
  whiteout  deleting a lower file leaves a character device 0/0 of that name in upperdir, which
            hides the lower file; `ctr diff` (docker diff) lists upperdir: A added, C changed,
            D deleted.
A VM has no such sharing here: each VM boots from its own disk image (or its own copy-on-write
file, which is the same idea one level down).
Answers are integers, yes/no, or one letter.]],
  answers_format = [[
Plain text, one answer per line:  question_id = answer   ('#' starts a comment; a "seed = N"
line says which seed the answers are for). Or a Lua file returning { question_id = value or
function(params) ... end }: params has n (containers), file (the path written to).]],
}

function lab.setup(ctx)
  local rng, p = ctx.rng, ctx.params
  p.seed = ctx.seed
  p.n = rng:range(3, 8)
  p.file = rng:choice(FILES)
  local m = vx.boot{ kernel = ctx.os_image("kernel.elf"), memory = "64M",
                     modules = { ctx.os_image("initrd.img"), { path = ctx.image("lab.sh"), args = "/lab/lab.sh" } },
                     cmdline = ("quiet hz=1000 cmd=sh /lab/lab.sh %d %s"):format(p.n, p.file) }
  local why = m:run{ cycles = 3e9 }
  if why ~= "exit" then error("the toy OS did not finish (" .. tostring(why) .. "): " .. m:serial()) end
  ctx.m = m
  local out = m:serial():gsub("\r", "")
  ctx.out = out
  ctx.images = out:match("^(REPOSITORY.-)\n==")
  ctx.free_boot = tonumber(marked(out, "free boot", "MemFree:%s*(%d+)"))
  ctx.free_unpacked = tonumber(marked(out, "free unpacked", "MemFree:%s*(%d+)"))
  ctx.free_running = tonumber(marked(out, "free running", "MemFree:%s*(%d+)"))
  ctx.unpack_kb = ctx.free_boot - ctx.free_unpacked
  ctx.per_container_kb = (ctx.free_unpacked - ctx.free_running) / p.n
  local layers = marked(out, "layers", "(.-)\n%-")
  ctx.layer_dirs = 0
  for _ in layers:gmatch("%x+") do ctx.layer_dirs = ctx.layer_dirs + 1 end
  ctx.ls_line = out:match("\n(%-[rwx%-]+%s+%d+%s+%d+ [^\n]+)")
  ctx.size = tonumber(ctx.ls_line:match("^%S+%s+%d+%s+(%d+)"))
  ctx.upper = tonumber(marked(out, "upper"))
  ctx.lower = tonumber(marked(out, "lower"))
  ctx.c2_sees = tonumber(marked(out, "c2 sees"))
  ctx.diff_c1 = marked(out, "diff c1", "(.-)\n==")
  ctx.diff_c2 = marked(out, "diff c2", "(.-)\n==")
  ctx.whiteout = marked(out, "whiteout", "([^\n]+)")
  ctx.c1_motd = marked(out, "c1 motd", "([^\n]+)")
  -- the trace's overlay records (tracefs trace_marker lines: a length, then the text)
  ctx.copyups, ctx.whiteouts = {}, {}
  for _, e in ipairs(m:events{ kinds = { "lab_mark" } }) do
    local name, bytes = e.payload:match("overlay copy%-up (%S+) (%d+) bytes")
    if name then ctx.copyups[#ctx.copyups + 1] = { name = name, bytes = tonumber(bytes) } end
    local w = e.payload:match("overlay whiteout (%S+)")
    if w then ctx.whiteouts[#ctx.whiteouts + 1] = w end
  end
end

local function base(path) return path:match("([^/]+)$") end

lab.steps = {
  { title = "N containers of one image",
    text = function(ctx)
      return ("The images (`ctr images`):\n\n    " .. ctx.images:gsub("\n", "\n    ") .. "\n\n" ..
              "The first `ctr run --rm base true` unpacks base's layer; MemFree (the toy OS's files live in RAM)\n" ..
              "drops by %d kB. Then %d containers of base start and sleep:\n\n" ..
              "    for i in $(seq 1 %d); do ctr run -d --name c$i base sleep 1; done"):format(ctx.unpack_kb, ctx.params.n, ctx.params.n)
    end,
    questions = {
      { id = "layer_dirs", points = 1,
        text = "how many unpacked layer directories are in /var/lib/ctr/layers now?",
        answer = function(ctx) return ctx.layer_dirs end,
        explain = function() return "one: every container of base mounts the same layer as its lowerdir" end },
      { id = "container_costs_layer", points = 1,
        text = "does each extra container take at least another copy of the layer's memory? (yes/no)",
        answer = function(ctx) return ctx.per_container_kb >= ctx.unpack_kb end,
        explain = function(ctx) return ("no: %.0f kB each (its processes, page tables, empty upper/work/merged directories)"):format(ctx.per_container_kb) end },
      { id = "vm_disks_kb", points = 2,
        text = function(ctx)
          return ("if each of the %d instances were a VM with its own copy of that %d kB root file system, how many kB would the copies take?")
                 :format(ctx.params.n, ctx.unpack_kb)
        end,
        answer = function(ctx) return ctx.params.n * ctx.unpack_kb end,
        explain = function(ctx) return ("%d x %d kB, against %d kB once for all the containers"):format(ctx.params.n, ctx.unpack_kb, ctx.unpack_kb) end },
    },
    action = function(ctx)
      local ns = ctx.m:namespaces()
      local mnt = { kind = ns.kind, partial = ns.partial }
      for _, n in ipairs(ns) do if n.type == "mnt" then mnt[#mnt + 1] = n end end
      ctx.m:picture("cgroups", { width = 900 })   -- each container's cgroup and task, as SVG with --pictures
      return ("MemFree: %d kB at boot, %d kB with the layer unpacked, %d kB with %d containers running: %.0f kB per container\n\n")
             :format(ctx.free_boot, ctx.free_unpacked, ctx.free_running, ctx.params.n, ctx.per_container_kb) ..
             "Each container has its own mount namespace with an overlay over the same layer (from the ns_create and\n" ..
             "mount records; NPROCS is 0: the toy kernel's task records do not yet name a task's namespaces):\n\n" .. vx.show.namespaces(mnt)
    end,
    check = function(ctx)
      local ok = ctx.layer_dirs == 1 and ctx.per_container_kb < ctx.unpack_kb / 2
      return ok, ("1 layer directory (%d); %.0f kB per container, under half of the layer's %d kB")
                 :format(ctx.layer_dirs, ctx.per_container_kb, ctx.unpack_kb)
    end },

  { title = "A 1-byte write",
    text = function(ctx)
      return ("In the shared layer:\n\n    %s\n\nContainer c1 appends one byte to it:\n\n" ..
              "    ctr exec c1 sh -c \"echo -n x >> /%s\""):format(ctx.ls_line:gsub("/var/lib/ctr/layers/%x+/", "LAYER/"), ctx.params.file)
    end,
    questions = {
      { id = "copyup_bytes", points = 2,
        text = "how many bytes does overlayfs copy into c1's upper directory before the write?",
        answer = function(ctx) return ctx.copyups[1] and ctx.copyups[1].bytes end,
        explain = function() return "the whole file: copy-up is by file, at the first open for writing" end },
      { id = "upper_size", points = 1,
        text = "how big is the file in c1's upper directory afterwards (bytes)?",
        answer = function(ctx) return ctx.upper end },
      { id = "c2_sees_byte", points = 1,
        text = "does c2 see the new byte? (yes/no)",
        answer = function(ctx) return ctx.c2_sees ~= ctx.size end,
        explain = function() return "no: c2's overlay still finds the file in the shared lower layer, unchanged" end },
    },
    action = function(ctx)
      local c = ctx.copyups[1] or {}
      return ("trace: \"overlay copy-up %s %s bytes\"; in c1's upper: %d bytes; in the layer: %d bytes; c2 reads %d bytes\n" ..
              "ctr diff c1:\n    %s\n"):format(tostring(c.name), tostring(c.bytes), ctx.upper, ctx.lower, ctx.c2_sees,
              ctx.diff_c1:gsub("\n", "\n    "))
    end,
    check = function(ctx)
      local c = ctx.copyups[1] or {}
      local ok = #ctx.copyups == 1 and c.name == base(ctx.params.file) and c.bytes == ctx.size and ctx.upper == ctx.size + 1
                 and ctx.lower == ctx.size and ctx.c2_sees == ctx.size
      return ok, ("one copy-up of %s bytes for a %d-byte file; upper %d bytes, the layer and c2 still %d")
                 :format(tostring(c.bytes), ctx.size, ctx.upper, ctx.lower)
    end },

  { title = "A delete",
    text = "Container c2 deletes a file of the image:\n\n    ctr exec c2 rm /etc/motd\n\nThen `ctr diff c2`, a listing of c2's upper/etc, and c1 reads /etc/motd.",
    questions = {
      { id = "diff_letter", points = 1,
        text = "which letter does `ctr diff c2` print before /etc/motd?",
        answer = "D" },
      { id = "whiteout_bytes", points = 1,
        text = "the whiteout in c2's upper directory: how many bytes of data does it hold?",
        answer = 0,
        explain = function() return "none: a character device 0/0, a name that hides the lower file (overlayfs.rst, \"whiteouts\")" end },
      { id = "c1_sees_motd", points = 1,
        text = "can c1 still read /etc/motd? (yes/no)",
        answer = function(ctx) return ctx.c1_motd:match("No such file") == nil end },
    },
    action = function(ctx)
      return ("ctr diff c2:\n    %s\nc2's upper/etc:\n    %s\ntrace whiteouts: %s\nc1: %s\n"):format(ctx.diff_c2:gsub("\n", "\n    "),
             ctx.whiteout, table.concat(ctx.whiteouts, ", "), ctx.c1_motd)
    end,
    check = function(ctx)
      local ok = ctx.diff_c2:match("D /etc/motd") ~= nil and ctx.whiteout:match("^c") ~= nil and ctx.whiteout:match("%s0 motd$") ~= nil
                 and ctx.whiteouts[1] == "motd" and ctx.c1_motd:match("Welcome") ~= nil
      return ok, ("ctr diff says D /etc/motd; the whiteout is %q; c1 still reads %q"):format(ctx.whiteout, ctx.c1_motd)
    end },
}

return lab
