#!/bin/sh
# check-hyperv (and check-hyperv-cow): guest memory that is demand-zero and copy-on-write
# (hyperv/mem.c), on vx86, with the toy OS as the host:
#  1. tests/hyperv/os/mapfile.c drives /dev/vm itself: VM_MAP_FILE of a ramfs file into two
#     lazy VMs, reads that allocate nothing, a VM_WRITE_MEMORY to a shared page copying it for
#     that VM only (the file and the other VM unchanged), the file truncated and unlinked while
#     mapped, bad arguments with their errno, MemFree the same before and after.
#  2. vm run --lazy: a 64 MiB VM whose guest touches 1 MiB holds about 1 MiB (its stats and its
#     cgroup's memory.current), an eager 16 MiB one all of it; --share maps the image's pages.
#  3. Snapshot clones (vm restore maps the VMSNAP2 file): a clone that writes K pages after the
#     restore copies exactly K more pages than one that writes none; four clones alive at once
#     share the snapshot's pages (each shows them shared; MemFree drops by far less than four
#     snapshots); MemFree is the same after a second round of four (no frame kept).
#  4. memory.max with lazy RAM (4 MiB, the guest touching 8): the VM ends with status 137 and its line when it touches past the
#     limit, no process is OOM-killed, the host shell goes on.
#  5. vm's refusals: --lazy with --shadow, a file that is not a snapshot.
#  6. The toy OS booted in a `vm run --share` VM: its initrd and kernel pages shared, few private.
set -u
. tests/hyperv/lib.sh
ok() { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
# boot 'CMD' -> $T/out (console, \r removed)
boot() {
    "$VX86" run "$K" --module "$I" --module "$G/cow.elf,/vm/cow.elf" --module "$G/os/mapfile.elf,/bin/mapfile" \
        --max-cycles 2e10 --cmdline "cmd=$1" >"$T/raw" 2>&1
    tr -d '\r' <"$T/raw" >"$T/out"
}
has() { grep -qF -- "$1" "$T/out"; }
# The value after "memory: " in vm's --stats line number $1 (1-based) for field $2
# (private, demand-zeroed, copied, shared).
memstat() {
    grep '^  memory: ' "$T/out" | sed -n "${1}p" | sed 's/^  memory: \([0-9]*\) pages private, \([0-9]*\) demand-zeroed, \([0-9]*\) copied on write, \([0-9]*\) still shared.*/\1 \2 \3 \4/' |
        awk -v f="$2" '{ print f == "private" ? $1 : f == "zeroed" ? $2 : f == "cow" ? $3 : $4 }'
}

# ---- 1. VM_MAP_FILE and the resolver, from a program ----
boot "mapfile; echo mapfile-status \$?"
if has "mapfile-status 0" && grep -q '^mapfile: [0-9]* checks, 0 failed$' "$T/out"; then
    ok "$(grep '^mapfile: [0-9]* checks' "$T/out"); $(grep '^mapfile: MemFree' "$T/out" | sed 's/^mapfile: //')"
else bad "mapfile"; grep -E '^(FAIL|mapfile)' "$T/out"; fi

# ---- 2. demand-zero RAM ----
C="vm run --lazy --memory 64M --stats /vm/cow.elf touch=256; echo lazy \$?"
C="$C; vm run --share --memory 64M --stats /vm/cow.elf touch=256; echo share \$?"
C="$C; vm start -d --name lz --lazy --memory 64M /vm/cow.elf touch=256 hold; sleep 0.1"
C="$C; echo lz-current \$(cat /sys/fs/cgroup/vm/lz/memory.current); vm stop lz"
C="$C; vm start -d --name ea --memory 16M /vm/cow.elf touch=256 hold; sleep 0.1"
C="$C; echo ea-current \$(cat /sys/fs/cgroup/vm/ea/memory.current); vm stop ea"
boot "$C"
p=$(memstat 1 private) z=$(memstat 1 zeroed) lz=$(sed -n 's/^lz-current //p' "$T/out") ea=$(sed -n 's/^ea-current //p' "$T/out")
if has "lazy 0" && [ -n "$p" ] && [ "$p" -ge 256 ] && [ "$p" -le 384 ] && [ "$p" = "$z" ]; then
    ok "vm run --lazy --memory 64M, 256 pages touched: $p pages private, all demand-zeroed (of 16,384)"
else bad "lazy: private '$p' zeroed '$z'"; grep -E 'memory:|lazy' "$T/out"; fi
if [ -n "$lz" ] && [ -n "$ea" ] && [ "$lz" -le 2097152 ] && [ "$ea" -ge 16777216 ]; then
    ok "memory.current of the VM's cgroup: lazy 64 MiB touching 1 MiB $lz bytes, eager 16 MiB $ea bytes"
else bad "memory.current lazy '$lz' eager '$ea'"; fi
sp=$(memstat 2 shared) pp=$(memstat 2 private)
if has "share 0" && [ "$(grep -c 'ro sum 0x40404000' "$T/out")" -ge 2 ] && [ -n "$sp" ] && [ "$sp" -ge 16 ] && [ "$pp" -lt "$p" ]; then
    ok "vm run --share: $sp image pages shared with the file (its 16 read-only data pages among them), $pp private"
else bad "share: shared '$sp' private '$pp'"; grep -E 'memory:|share|ro sum' "$T/out"; fi

# ---- 3. snapshot clones ----
C="vm run --memory 4M --snapshot /tmp/d0.vm /vm/cow.elf state=64 dirty=0"
C="$C; vm run --memory 4M --snapshot /tmp/d7.vm /vm/cow.elf state=64 dirty=7"
C="$C; vm run --memory 4M --snapshot /tmp/l.vm /vm/cow.elf state=400 dirty=3 linger"
C="$C; vm restore --stats /tmp/d0.vm; echo d0 \$?; vm restore --stats /tmp/d7.vm; echo d7 \$?"
clones="vm restore --timeout 300 /tmp/l.vm & vm restore --timeout 300 /tmp/l.vm & vm restore --timeout 300 /tmp/l.vm"
clones="$clones & vm restore --timeout 300 /tmp/l.vm & sleep 0.1; echo during \$(grep MemFree /proc/meminfo)"
C="$C; echo before \$(grep MemFree /proc/meminfo); $clones; for n in 6 7 8 9; do cat /proc/vm/\$n/stats; done; wait"
C="$C; echo after1 \$(grep MemFree /proc/meminfo); $clones; wait; echo after2 \$(grep MemFree /proc/meminfo)"
boot "$C"
c0=$(memstat 1 cow) c7=$(memstat 2 cow) z0=$(memstat 1 zeroed) z7=$(memstat 2 zeroed)
if has "d0 0" && has "d7 0" && [ -n "$c0" ] && [ -n "$c7" ] && [ $((c7 - c0)) = 7 ] && [ "$z0" = "$z7" ]; then
    ok "a clone writing 7 pages after the restore: $c7 copies on write, one writing none: $c0 (its stack)"
else bad "copies on write: dirty=0 '$c0', dirty=7 '$c7'"; grep -E 'memory:|^d[07]' "$T/out"; fi
saved=$(sed -n 's|^vm: snapshot /tmp/l.vm: \([0-9]*\) of.*|\1|p' "$T/out")
kb() { sed -n "s/^$1 MemFree: *\([0-9]*\) kB/\1/p" "$T/out" | head -1; }
before=$(kb before) during=$(kb during) after1=$(kb after1) after2=$(kb after2)
nshared=$(grep -c "^memory lazy pages 4 zeroed 0 cow 4 shared $((saved - 4))$" "$T/out")
if [ -n "$saved" ] && [ "$nshared" = 4 ] && [ "$(grep -c 'clone wrote 3 pages' "$T/out")" = 8 ]; then
    ok "four clones of a $saved-page snapshot alive at once: each 4 pages its own, $((saved - 4)) shared (/proc/vm/N/stats)"
else bad "clones' /proc/vm/N/stats (saved '$saved', $nshared right)"; grep '^memory' "$T/out"; fi
if [ -n "$before" ] && [ -n "$during" ] && [ $((before - during)) -gt 0 ] && [ $((before - during)) -lt $((saved * 4 * 4 / 4)) ]; then
    ok "the four clones cost $((before - during)) KiB of MemFree (vm processes included); four copies would be $((saved * 4 * 4)) KiB"
else bad "MemFree before '$before' during '$during' (snapshot $saved pages)"; fi
if [ -n "$after1" ] && [ "$after1" = "$after2" ]; then
    ok "MemFree after one round of four clones = after a second round ($after2 kB): every frame given back"
else bad "MemFree after rounds: '$after1' then '$after2'"; fi

# ---- 4. memory.max with lazy RAM ----
C="echo '+memory' > /sys/fs/cgroup/cgroup.subtree_control; mkdir /sys/fs/cgroup/small"
C="$C; echo 4194304 > /sys/fs/cgroup/small/memory.max"
C="$C; sh -c 'echo \$\$ > /sys/fs/cgroup/small/cgroup.procs; exec vm run --lazy --memory 64M /vm/cow.elf touch=2048'"
C="$C; echo oom \$?; cat /sys/fs/cgroup/small/memory.events; echo host-alive"
boot "$C"
if has "oom 137" && has "vm: guest stopped: out of memory: a page of lazy RAM past memory.max" && has "host-alive" &&
        grep -q '^oom_kill 0$' "$T/out" && grep -qE '^max [1-9][0-9]*$' "$T/out" && ! grep -q 'Killed process' "$T/out"; then
    ok "memory.max 4M, a lazy 64M VM touching 8 MiB: status 137 and its line, memory.events max counted, nothing OOM-killed, the host goes on"
else bad "memory.max with --lazy"; tail -8 "$T/out"; fi

# ---- 5. refusals ----
C="vm run --shadow --lazy /vm/cow.elf; echo shadow \$?; echo VMSNAP1 > /tmp/bad.vm; vm restore /tmp/bad.vm; echo notsnap \$?"
boot "$C"
if has "vm: --lazy and --share need nested paging: shadow paging maps every page at creation" && has "shadow 2" &&
        has "vm: /tmp/bad.vm: not a vm snapshot (VMSNAP2)" && has "notsnap 3"; then
    ok "--lazy with --shadow: status 2 and one line; a file that is not a VMSNAP2 snapshot: status 3"
else bad "refusals"; tail -6 "$T/out"; fi

# ---- 6. the toy OS in a VM with --share: its kernel's aligned pages and its initrd mapped ----
"$VX86" run "$K" --memory 256M --module "$I" --module "$K,/vm/kernel.elf" --module "$I,/vm/initrd.img" --max-cycles 2e10 \
    --cmdline "cmd=vm run --stats --share --timeout 20000 --memory 64M --module /vm/initrd.img /vm/kernel.elf 'quiet cmd=echo inner-ready'; echo os \$?" \
    >"$T/raw" 2>&1
tr -d '\r' <"$T/raw" >"$T/out"
sp=$(memstat 1 shared) pp=$(memstat 1 private) ipages=$(( ($(wc -c <"$I") + 4095) / 4096 ))
if has "inner-ready" && has "os 0" && [ -n "$sp" ] && [ "$sp" -ge $((ipages - 1)) ] && [ "$pp" -lt 4096 ]; then
    ok "the toy OS booted in a --share VM of 64 MiB: $sp pages shared with its files (the initrd is $ipages), $pp private"
else bad "toy OS with --share: shared '$sp' private '$pp'"; tail -5 "$T/out"; fi

echo "cow.sh: $pass passed, $fail failed"
[ "$fail" = 0 ]
