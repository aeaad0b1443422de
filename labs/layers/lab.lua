-- Lab 10: image layers and copy-up (overlayfs.rst; containers/overlayfs.c, containers/ctr/image.c).
-- N containers of one image share its unpacked layer; a 1-byte write copies the whole file up
-- into one container's upper directory; a delete leaves a whiteout. Then the VM side, measured in
-- the same run: N VM disks copied from the VM image (MemFree), two toy-OS VMs booted from their own
-- copies (hyperv/vm/vm.c --module), a byte written inside one of them, the guest's own MemFree.

local function marked(out, name, pattern)
  local v = out:match("== " .. name .. " ==%s*" .. (pattern or "(%d+)"))
  if not v then error("no '" .. name .. "' in the toy OS's output:\n" .. out) end
  return v
end

local function near(frac) return vx.near{ rel = frac } end

local function pages_kb(bytes) return math.ceil(bytes / 4096) * 4 end

local FILES = { "bin/ls", "bin/sh", "bin/cat", "bin/grep", "bin/sort", "etc/os-release", "srv/README" }

local lab = {
  id = "layers",
  title = "Layers and copy-up: N containers share one image, a 1-byte write copies a whole file",
  version = "2.0",
  summary = "containers of one image share its unpacked layer; a 1-byte write copies the whole file up; a delete is a whiteout; N VMs measured with N disks",
  minutes = 45,
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
A VM has no such sharing: a VMM gives each VM a writable disk of its own, a copy of the VM image
(or a copy-on-write file over it, the same idea one level down). A toy-OS VM's "disk" is the
initrd it boots from (`vm run --module DISK /vm/kernel.elf`): its kernel unpacks the whole root
file system from it into the VM's own RAM. The lab measures both sides in one run of the toy OS.
Answers are integers, yes/no, or one letter.]],
  answers_format = [[
Plain text, one answer per line:  question_id = answer   ('#' starts a comment; a "seed = N"
line says which seed the answers are for). Or a Lua file returning { question_id = value or
function(params) ... end }: params has n (containers and VM disks), file (the path written to in
c1), vm_file (the path VM 1 writes to) and vm_mib (each VM's memory).]],
}

function lab.setup(ctx)
  local rng, p = ctx.rng, ctx.params
  p.seed = ctx.seed
  p.n = rng:range(3, 8)
  p.file = rng:choice(FILES)
  p.vm_mib = rng:choice{ 16, 24, 32 }
  -- the file VM 1 writes: the same program (the VM's root fs is the whole initrd, bin/ included);
  -- the image's text files (os-release, srv/README) are not in it, so /etc/motd instead
  p.vm_file = p.file:match("^bin/") and p.file or "etc/motd"
  local kernel, initrd = ctx.os_image("kernel.elf"), ctx.os_image("initrd.img")
  local m = vx.boot{ kernel = kernel, memory = "64M",
                     modules = { initrd, { path = ctx.image("lab.sh"), args = "/lab/lab.sh" },
                                 { path = kernel, args = "/vm/kernel.elf" }, { path = initrd, args = "/vm/initrd.img" },
                                 { path = ctx.image("cmp.elf"), args = "/lab/cmp" } },
                     cmdline = ("quiet hz=1000 cmd=sh /lab/lab.sh %d %s %d %s"):format(p.n, p.file, p.vm_mib, p.vm_file) }
  local why = m:run{ cycles = 3e9 }
  if why ~= "exit" then error("the toy OS did not finish (" .. tostring(why) .. "): " .. m:serial()) end
  ctx.m = m
  local out = m:serial():gsub("\r", "")
  ctx.out = out
  ctx.images = marked(out, "containers", "(REPOSITORY.-)\n==")
  ctx.free_boot = tonumber(marked(out, "free boot", "MemFree:%s*(%d+)"))
  ctx.free_unpacked = tonumber(marked(out, "free unpacked", "MemFree:%s*(%d+)"))
  ctx.free_running = tonumber(marked(out, "free running", "MemFree:%s*(%d+)"))
  ctx.unpack_kb = ctx.free_boot - ctx.free_unpacked
  ctx.per_container_kb = (ctx.free_unpacked - ctx.free_running) / p.n
  local layers = marked(out, "layers", "(.-)\n%-")
  ctx.layer_dirs = 0
  for _ in layers:gmatch("%x+") do ctx.layer_dirs = ctx.layer_dirs + 1 end
  ctx.ls_line = out:match("\n(%-[rwx%-]+%s+%d+%s+%d+ /var/lib/ctr/layers/[^\n]+)")
  ctx.size = tonumber(ctx.ls_line:match("^%S+%s+%d+%s+(%d+)"))
  ctx.upper = tonumber(marked(out, "upper"))
  ctx.lower = tonumber(marked(out, "lower"))
  ctx.c2_sees = tonumber(marked(out, "c2 sees"))
  ctx.diff_c1 = marked(out, "diff c1", "(.-)\n==")
  ctx.diff_c2 = marked(out, "diff c2", "(.-)\n==")
  ctx.whiteout = marked(out, "whiteout", "([^\n]+)")
  ctx.c1_motd = marked(out, "c1 motd", "([^\n]+)")
  -- the VM side: N disk copies, then VM 1 (writes the byte) and VM 2 (reads the file)
  ctx.vm_free_before = tonumber(marked(out, "vm free before", "MemFree:%s*(%d+)"))
  ctx.vm_free_copies = tonumber(marked(out, "vm free copies", "MemFree:%s*(%d+)"))
  ctx.vm_disk_kb = (ctx.vm_free_before - ctx.vm_free_copies) / p.n
  ctx.vm_ls = marked(out, "vm disks", "(.-)\n==")
  ctx.image_bytes = tonumber(ctx.vm_ls:match("(%d+) /vm/initrd%.img"))
  ctx.disk_bytes = tonumber(ctx.vm_ls:match("(%d+) /tmp/vm1%.img"))
  ctx.vm1_out = marked(out, "vm1", "(.-)\n== vm2 ==")
  local v = ctx.vm1_out
  ctx.vm1_frames = tonumber(v:match("(%d+) frames free"))
  ctx.vm1_total = tonumber(v:match("MemTotal:%s*(%d+)"))
  local frees, sizes = {}, {}
  for f in v:gmatch("MemFree:%s*(%d+)") do frees[#frees + 1] = tonumber(f) end
  for n in (v .. "\n"):gmatch("\n(%d+)\n") do sizes[#sizes + 1] = tonumber(n) end
  if not (ctx.vm1_frames and ctx.vm1_total and #frees == 2 and #sizes == 2) then
    error("VM 1's output is not what lab.sh asks for:\n" .. v)
  end
  ctx.vm1_free, ctx.vm1_free_after, ctx.vm1_size, ctx.vm1_size_after = frees[1], frees[2], sizes[1], sizes[2]
  ctx.vm_boot_kb = ctx.vm1_frames * 4 - ctx.vm1_free       -- the root fs unpacked, and init and the shell
  ctx.vm_write_kb = ctx.vm1_free - ctx.vm1_free_after
  ctx.vm_files_kb, ctx.vm_files = 0, 0                     -- the root fs's files, in whole pages (ramfs.c)
  for size in marked(out, "image files", "(.-)\n==") :gmatch("\n%-[rwx%-]+%s+%d+%s+(%d+) ") do
    ctx.vm_files_kb, ctx.vm_files = ctx.vm_files_kb + pages_kb(tonumber(size)), ctx.vm_files + 1
  end
  ctx.vm2_size = tonumber(marked(out, "vm2"))
  ctx.cmp = marked(out, "cmp", "(.-)\n==")
  ctx.vm1_same = ctx.cmp:match("vm1%.img same") ~= nil
  ctx.vm2_same = ctx.cmp:match("vm2%.img same") ~= nil
  -- the control: vm3.img has one byte more, so cmp must find the image ending first
  ctx.vm3_cmp = tonumber(ctx.cmp:match("cmp: EOF on /vm/initrd%.img after byte (%d+)"))
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
    },
    action = function(ctx)
      local ns = ctx.m:namespaces()
      local mnt = { kind = ns.kind, partial = ns.partial }
      for _, n in ipairs(ns) do if n.type == "mnt" and (n.vm or 0) == 0 then mnt[#mnt + 1] = n end end   -- the host's
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

  { title = "N VMs of one image: N disks",
    text = function(ctx)
      return ("The toy OS did the VM side first, before the containers. A VMM gives each VM a writable disk of its\n" ..
              "own; a toy-OS VM's disk is the initrd it boots from, so each of %d VMs gets a copy of it:\n\n" ..
              "    for i in $(seq 1 %d); do cp /vm/initrd.img /tmp/vm$i.img; done\n\n" ..
              "    %s\n\n" ..
              "MemFree (the copies live in the toy OS's RAM, as the layer does): %d kB before the copies,\n" ..
              "%d kB after them."):format(ctx.params.n, ctx.params.n, ctx.vm_ls:gsub("\n", "\n    "),
              ctx.vm_free_before, ctx.vm_free_copies)
    end,
    questions = {
      { id = "vm_disk_kb", points = 2,
        text = "how many kB of MemFree does one VM's disk take (whole kB)?",
        answer = function(ctx) return math.floor(ctx.vm_disk_kb + 0.5) end,
        accept = near(0.02),
        explain = function(ctx)
          return ("(%d - %d) / %d: the whole image, %d bytes (%d kB in 4 KiB pages), once per VM, plus the file's page table")
                 :format(ctx.vm_free_before, ctx.vm_free_copies, ctx.params.n, ctx.image_bytes, pages_kb(ctx.image_bytes))
        end },
      { id = "disk_vs_container", points = 1,
        text = "one VM's disk alone is how many times what one more container took in step 1 (whole number)?",
        answer = function(ctx) return math.floor(ctx.vm_disk_kb / ctx.per_container_kb + 0.5) end,
        accept = function(given, expected)
          local v = tonumber((given:gsub("_", "")))
          return v ~= nil and math.abs(v - expected) <= 1
        end,
        explain = function(ctx) return ("%.0f kB / %.0f kB"):format(ctx.vm_disk_kb, ctx.per_container_kb) end },
    },
    action = function(ctx)
      local n = ctx.params.n
      return ("per VM disk: %.0f kB of MemFree for a %d-byte image (%d kB in pages)\n" ..
              "%d VM disks: %d kB; %d containers: the layer once (%d kB) and %.0f kB each, %d kB in all\n")
             :format(ctx.vm_disk_kb, ctx.image_bytes, pages_kb(ctx.image_bytes), n, ctx.vm_free_before - ctx.vm_free_copies,
                     n, ctx.unpack_kb, ctx.per_container_kb, ctx.free_boot - ctx.free_running)
    end,
    check = function(ctx)
      local img = pages_kb(ctx.image_bytes)
      local ok = ctx.disk_bytes == ctx.image_bytes and math.abs(ctx.vm_disk_kb - img) <= 0.05 * img
                 and ctx.vm_disk_kb >= 3 * ctx.per_container_kb
      return ok, ("each VM disk %.0f kB, within 5%% of the image's %d kB; %.1fx a container's %.0f kB (the lab says: at least 3x)")
                 :format(ctx.vm_disk_kb, img, ctx.vm_disk_kb / ctx.per_container_kb, ctx.per_container_kb)
    end },

  { title = "A 1-byte write inside a VM",
    text = function(ctx)
      local f = ctx.params.vm_file
      local same = f == ctx.params.file and "the same byte to the same file, " or "the same byte to a file of its root fs, "
      return ("VM 1 boots the toy OS from its own disk and appends %s/%s; then VM 2\n" ..
              "boots from its own disk and measures the file:\n\n" ..
              "    vm run --memory %dM --module /tmp/vm1.img /vm/kernel.elf \\\n" ..
              "        \"quiet cmd=dmesg | grep frames; grep Mem /proc/meminfo; wc -c < /%s; echo -n x >> /%s;\n" ..
              "              grep MemFree /proc/meminfo; wc -c < /%s\"\n" ..
              "    vm run --memory %dM --module /tmp/vm2.img /vm/kernel.elf \"quiet cmd=wc -c < /%s\"\n" ..
              "    cmp /vm/initrd.img /tmp/vm1.img; cmp /vm/initrd.img /tmp/vm2.img\n" ..
              "    echo -n x >> /tmp/vm3.img; cmp /vm/initrd.img /tmp/vm3.img   # a byte written to VM 3's disk itself\n\n" ..
              "VM 1's console (\"frames free\" is its kernel's count before it unpacked the initrd):\n\n    %s")
             :format(same, f, ctx.params.vm_mib, f, f, f, ctx.params.vm_mib, f,
                     ctx.vm1_out:gsub("\n", "\n    "))
    end,
    questions = {
      { id = "vm_boot_kb", points = 2,
        text = "how many kB of VM 1's own RAM did its root file system and first programs take, from its kernel's free frames to MemFree at its shell?",
        answer = function(ctx) return ctx.vm_boot_kb end,
        accept = near(0.02),
        explain = function(ctx)
          return ("%d frames x 4 kB - %d kB: the root file system unpacked from the disk (its files alone are %d kB of pages) and init, sh, grep")
                 :format(ctx.vm1_frames, ctx.vm1_free, ctx.vm_files_kb)
        end },
      { id = "vm_write_kb", points = 1,
        text = "how many kB of VM 1's RAM did the 1-byte write take?",
        answer = function(ctx) return ctx.vm_write_kb end,
        explain = function(ctx)
          return ("%d: no copy-up, VM 1's copy of the file is its own and grows in place (a new 4 KiB page only when it crosses one)")
                 :format(ctx.vm_write_kb)
        end },
      { id = "vm2_sees_byte", points = 1,
        text = "does VM 2 see the new byte? (yes/no)",
        answer = function(ctx) return ctx.vm2_size ~= ctx.vm1_size end,
        explain = function() return "no: VM 2 unpacked its own copy of the image" end },
      { id = "vm1_disk_changed", points = 1,
        text = "after VM 1's write, does /tmp/vm1.img (VM 1's own disk) differ from the image? (yes/no)",
        answer = function(ctx) return not ctx.vm1_same end,
        explain = function()
          return "no: a toy-OS VM's root file system is the initrd unpacked into its RAM, so the write never reaches the disk " ..
                 "and is gone at power-off; a VM with a block device would change its own disk, and only that one"
        end },
    },
    action = function(ctx)
      local f, up = ctx.params.vm_file, ctx.copyups[1] or {}
      ctx.m:picture("gantt", { width = 900 })   -- the host's tasks, vm 1's and vm 2's, as SVG with --pictures
      local c = ctx.cmp:gsub("\n", "\n    ")
      return ("VM 1: /%s %d bytes, then %d; MemFree %d kB, then %d kB; VM 2: /%s %d bytes\n" ..
              "cmp, each disk against the image (silent and exit 0 when equal):\n    %s\n" ..
              "The image's files (ls -l on the host, which booted from the same initrd): %d files, %d kB of pages, unpacked\n" ..
              "into each VM's RAM (and the %d-byte disk itself stays loaded below its kernel's free frames)\n" ..
              "%s%s%s"):format(f, ctx.vm1_size, ctx.vm1_size_after, ctx.vm1_free, ctx.vm1_free_after, f, ctx.vm2_size,
                               c, ctx.vm_files, ctx.vm_files_kb, ctx.image_bytes,
              ("\n  %-11s %-68s %s\n"):format("", "per instance", "the 1-byte write"),
              ("  %-11s %-68s %s\n"):format("container", ("%.0f kB (and the layer once: %d kB)"):format(ctx.per_container_kb, ctx.unpack_kb),
                                             ("copy-up of %s bytes (%d kB of pages)"):format(tostring(up.bytes), pages_kb(up.bytes or 0))),
              ("  %-11s %-68s %s\n"):format("VM", ("%.0f kB disk + %d MiB of RAM (--memory; %d kB in use at its shell)")
                                             :format(ctx.vm_disk_kb, ctx.params.vm_mib, ctx.vm1_total - ctx.vm1_free),
                                             ("%d kB"):format(ctx.vm_write_kb)))
    end,
    check = function(ctx)
      local img = pages_kb(ctx.image_bytes)
      local ok = (ctx.params.vm_file ~= ctx.params.file or ctx.vm1_size == ctx.size)
                 and ctx.vm1_size_after == ctx.vm1_size + 1 and ctx.vm2_size == ctx.vm1_size
                 and ctx.vm1_same and ctx.vm2_same and ctx.vm3_cmp == ctx.image_bytes and ctx.vm_write_kb <= 4
                 and ctx.vm_files_kb >= 0.9 * img and ctx.vm_boot_kb >= ctx.vm_files_kb
                 and ctx.vm_boot_kb >= 3 * ctx.per_container_kb
      return ok, ("VM 1 %d -> %d bytes, VM 2 %d, both disks equal to the image (cmp finds vm3.img's extra byte); the write took %d kB in VM 1; its root fs %d kB " ..
                  "of files (at least 90%% of the image's %d kB), %d kB used at its shell, %.1fx a container (the lab says: at least 3x)")
                 :format(ctx.vm1_size, ctx.vm1_size_after, ctx.vm2_size, ctx.vm_write_kb, ctx.vm_files_kb, img, ctx.vm_boot_kb,
                         ctx.vm_boot_kb / ctx.per_container_kb)
    end },
}

return lab
