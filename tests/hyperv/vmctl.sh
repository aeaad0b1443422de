#!/bin/sh
# check-hyperv, part 2 (after run.sh): vm's control commands, VMs under cgroups beside containers,
# a container inside a VM (the Kata pattern), and one VM's exits as the kernel (vm stats,
# /proc/vm/N/stats) and the trace (Lua m:vms(), vx.show.exits) count them in the same run.
#  1. vm start -d / list / stats / stop, /proc/vm/N/stats, the VM's cgroup, bad names; a container
#     sees none of the host's VMs.
#  2. vm console: typed bytes reach the guest, its output comes back; Ctrl-] detaches and the VM
#     goes on; the VM's end ends the console. vm run's console is raw: Ctrl-] stops it.
#  3. Four VMs and four containers at once under /sys/fs/cgroup (vm/NAME, ctr/NAME); cpu.max on one
#     VM's cgroup ("10000 100000", below its fair share of 1/8) holds its guest-mode time, measured
#     from the CPU's own #VMEXIT events in the trace between two cgroup_throttle records of it
#     (whole periods), to 10% +- 2% of 10% (hz=1000: finer preemption, as cgroup.sh's weight test).
#  4. memory.max below a VM's memory: vm start fails at creation, one line, status 4.
#  5. The toy OS as a VM runs `ctr run base hostname`; the trace shows the inner tasks as vm 1's
#     (every inner record comes forwarded and tagged: kata.lua checks m:tasks() and the Gantt chart).
#  6. tests/hyperv/vms.lua: m:vms() and vx.show.exits against vm stats and /proc/vm/N/stats.
set -u
. tests/hyperv/lib.sh
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; tail -8 "$T/out" | sed 's/^/    | /'; }
has() { grep -qx -- "$1" "$T/out"; }
hasre() { grep -qE -- "$1" "$T/out"; }

# boot 'CMD' [vx86 options]: the toy OS with /vm/chat.elf and /vm/burn.elf -> $T/out, $rc
boot() {
    c=$1; shift
    "$VX86" run "$K" --module "$I" --module "$G/chat.elf,/vm/chat.elf" --module "$G/burn.elf,/vm/burn.elf" \
        --cmdline "${KARGS:-}cmd=$c" "$@" >"$T/raw" 2>&1
    rc=$?
    tr -d '\r' <"$T/raw" >"$T/out"
}

# ---- 1. start, list, stats, /proc/vm/N/stats, stop ----
C="vm start -d --name web --memory 4M /vm/chat.elf; vm start -d --name db --memory 4M /vm/chat.elf"
C="$C; vm start -d --name web /vm/chat.elf; echo dup \$?; vm start --name x /vm/chat.elf; echo nod \$?"
C="$C; sleep 0.1; vm list; vm stats db; cat /proc/vm/2/stats; ls /proc/vm; cat /sys/fs/cgroup/vm/db/cgroup.procs"
C="$C; vm stop web; echo stop \$?; vm list; vm stats web; echo gone \$?; ls /sys/fs/cgroup/vm"
C="$C; vm stop; echo nostop \$?; vm list x; echo nolist \$?"
boot "$C" --max-cycles 3e9
dbpid=$(sed -n 's/^db: vm 2, pid \([0-9]*\)$/\1/p' "$T/out")
if hasre '^web: vm 1, pid [0-9]+$' && [ -n "$dbpid" ]; then ok "vm start -d: name, id, pid"; else bad "vm start -d"; fi
if has "vm: web: a VM of that name exists already" && has "dup 4"; then ok "vm start: a name in use is status 4"; else bad "duplicate name"; fi
if has "vm: vm start wants -d and --name NAME" && has "nod 2"; then ok "vm start without -d: status 2"; else bad "start without -d"; fi
if [ "$(grep -cE '^(1 +web|2 +db) +[0-9]+ +4096K npt +running +[1-9][0-9]*$' "$T/out")" -ge 3 ]; then
    ok "vm list: both VMs, running, with exits"
else bad "vm list"; fi
# vm stats (VM_GET_STATS) then /proc/vm/2/stats a moment later: the same exit codes, counts that
# only grew.
s_io=$(sed -n '/^vm 2: /,/^vm 2 name/s/^  ioio *\([0-9]*\) exits.*/\1/p' "$T/out" | head -1)
p_io=$(sed -n '/^vm 2 name db /,$s/^  ioio *\([0-9]*\) exits.*/\1/p' "$T/out" | head -1)
if [ -n "$s_io" ] && [ -n "$p_io" ] && [ "$p_io" -ge "$s_io" ] && hasre "^vm 2 name db pid $dbpid runs [0-9]+ guest_cycles [0-9]+ exits [0-9]+$"; then
    ok "vm stats db ($s_io ioio exits) and /proc/vm/2/stats ($p_io a moment later)"
else bad "vm stats and /proc/vm/2/stats"; fi
if has 1 && has 2 && has "$dbpid"; then ok "ls /proc/vm; db's vm process in /sys/fs/cgroup/vm/db"; else bad "/proc/vm or cgroup.procs"; fi
if has "stop 0" && has "vm: web: no such VM (vm list shows them)" && has "gone 1" &&
        [ "$(grep -cE '^1 +web ' "$T/out")" = 1 ] && [ "$(sed -n '/^gone 1$/,$p' "$T/out" | grep -cx db)" = 1 ]; then
    ok "vm stop web: gone from list and stats (status 1), its cgroup removed"
else bad "vm stop"; fi
if has "vm: usage: vm stop VM" && has "nostop 2" && has "vm: usage: vm list" && has "nolist 2"; then
    ok "vm stop without a VM, vm list with one: usage, status 2"
else bad "vm stop/list usage"; fi

# ---- 1b. a container does not see the host's VMs ----
# /proc/vms, /proc/vm and VM_ATTACH show a VM only to tasks that see its vm process (the PID
# namespace): inside `ctr run`, vm list is empty and vm stats / vm console find no such VM; the
# host still sees it.
C="vm start -d --name web --memory 4M /vm/chat.elf; sleep 0.1; ctr run --rm base sh -c 'cat /proc/vms; echo vms-end;"
C="$C ls /proc/vm; echo ls-end; vm list; vm stats web; echo stats \$?; vm console web; echo console \$?'; vm list; vm stop web"
boot "$C" --max-cycles 3e9
if [ "$(sed -n '/^web: vm 1/,/^vms-end$/p' "$T/out" | wc -l)" = 2 ] && [ "$(sed -n '/^vms-end$/,/^ls-end$/p' "$T/out" | wc -l)" = 2 ] &&
        [ "$(grep -c 'vm: web: no such VM (vm list shows them)' "$T/out")" = 2 ] && has "stats 1" && has "console 1" &&
        [ "$(grep -cE '^1 +web ' "$T/out")" = 1 ] && [ "$(sed -n '/^console 1$/,$p' "$T/out" | grep -cE '^1 +web +[0-9]+ ')" = 1 ]; then
    ok "a container sees none of the host's VMs (/proc/vms, /proc/vm, vm stats and console: no such VM); the host does"
else bad "VMs seen from a container"; fi

# ---- 2. console ----
# The host kernel clears its UART FIFO at boot, so the first typed bytes may go: empty lines; and
# the guest clears its own when it starts: vm console comes after it has.
printf '\n\n\n\nhello\nq\n' >"$T/in"
boot "vm start -d --name web --memory 4M /vm/chat.elf; sleep 0.2; vm console web; echo console \$?; vm list" \
    --serial-input "$T/in" --max-cycles 3e9
if has "chat: ready" && has HELLO && has "vm: web has ended" && has "console 0" && ! hasre '^1 +web'; then
    ok "vm console: typed line in, upper case out; the guest's end ends it"
else bad "vm console"; fi
printf '\n\n\n\n\035\n' >"$T/in"
boot "vm start -d --name web --memory 4M /vm/chat.elf; vm console web; echo console \$?; vm list; vm stop web" \
    --serial-input "$T/in" --max-cycles 3e9
if has "vm: detached from web" && has "console 0" && hasre '^1 +web +[0-9]+ +4096K npt +running'; then
    ok "vm console: Ctrl-] detaches, the VM runs on"
else bad "vm console detach"; fi

# vm run's console is raw while attached: Ctrl-] arrives without a newline and stops the VM
# (status 130); the host does not echo what is typed; the shell's tty is cooked again after.
printf '\n\n\n\nabc\035typed\n' >"$T/in"
boot "vm run --memory 4M /vm/chat.elf; echo st \$?; read x; echo got \$x" --serial-input "$T/in" --max-cycles 3e9
if has "vm: stopped by Ctrl-]" && has "st 130" && has "got typed" && ! grep -q abc "$T/out"; then
    ok "vm run: a raw console (Ctrl-] stops the VM: 130; no host echo), cooked again after"
else bad "vm run's raw console"; fi

# ---- 3. four VMs and four containers, cpu.max on one VM ----
C=""
for v in a b c d; do C="$C vm start -d --name $v --memory 4M /vm/burn.elf;"; done
for k in 1 2 3 4; do C="$C ctr run -d --name k$k base sh -c 'while :; do :; done';"; done
C="$C echo '10000 100000' > /sys/fs/cgroup/vm/a/cpu.max; sleep 1.5; vm list; ctr ps; ls /sys/fs/cgroup/vm /sys/fs/cgroup/ctr"
C="$C; cat /sys/fs/cgroup/vm/a/cpu.stat"
KARGS="hz=1000 " boot "$C" --max-cycles 6e9 --trace "$T/t.jsonl"
if [ "$(grep -cE '^[1-4] +[a-d] +[0-9]+ +4096K npt +running' "$T/out")" = 4 ] &&
        [ "$(grep -cE '^k[1-4]$' "$T/out")" = 4 ] && [ "$(grep -cE '^[a-d]$' "$T/out")" = 4 ]; then
    ok "four VMs and four containers at once, each in its cgroup"
else bad "four VMs and four containers"; fi
if python3 - "$T/t.jsonl" <<'EOF'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
# VM a is the first VM made: its vm_create record gives its ASID. Its guest-mode time is what the
# CPU's own #VMEXIT events say (data.guest_cycles: VMRUN to #VMEXIT).
asid = [e["data"]["asid"] for e in ev if e["kind"] == "vm_create" and e["data"]["vm"] == 1][0]
thr = [e["cycle"] for e in ev if e["kind"] == "cgroup_throttle" and e["data"]["quota_us"] == 10000]
assert len(thr) >= 12, "only %d throttle records" % len(thr)
# One throttle per period, when the period's quota is used up: between two of them the VM ran the
# quotas of the periods after the first, so its guest-mode time per period is what cpu.max holds
# (virtual time: 1 cycle = 1 ns, so a period of 100000 us is 1e8 cycles).
t0, t1, periods = thr[1], thr[-1], len(thr) - 2
guest = sum(e["data"]["guest_cycles"] for e in ev
            if e["kind"] == "vmexit" and e.get("guest_asid") == asid and t0 < e["cycle"] <= t1)
# The vCPU task's own run time (switch records), which is what the cpu controller charges.
pid = [e["data"]["pid"] for e in ev if e["kind"] == "vm_create" and e["data"]["vm"] == 1][0]
run, since = 0, None
for e in ev:
    if e["kind"] != "switch" or not (t0 < e["cycle"] <= t1):
        continue
    if since is not None and e["data"]["prev_pid"] == pid:
        run += e["cycle"] - since
    since = e["cycle"] if e["data"]["next_pid"] == pid else None
share = run / (periods * 100000 * 1000)
print("     VM a under cpu.max 10000 100000, %d periods: its vCPU task ran %.3f%% of each, %.3f%% in guest mode"
      % (periods, 100 * share, 100 * guest / (periods * 1e8)))
sys.exit(0 if abs(share - 0.10) <= 0.02 * 0.10 else 1)
EOF
then ok "cpu.max 10000 100000 on a VM's cgroup: 10% +- 2% of it (trace)"; else bad "cpu.max on a VM"; fi

# ---- 4. memory.max below the VM's memory ----
C="echo '+memory' > /sys/fs/cgroup/cgroup.subtree_control; mkdir /sys/fs/cgroup/vm"
C="$C; echo '+memory' > /sys/fs/cgroup/vm/cgroup.subtree_control; mkdir /sys/fs/cgroup/vm/small"
C="$C; echo 8388608 > /sys/fs/cgroup/vm/small/memory.max; vm start -d --name small --memory 16M /vm/chat.elf"
C="$C; echo small \$?; vm start -d --name small --memory 4M /vm/chat.elf; echo fits \$?; vm list"
C="$C; cat /sys/fs/cgroup/vm/small/memory.current"
boot "$C" --max-cycles 3e9
if has "vm: VM_SET_MEMORY: 16384 KiB of guest memory do not fit under /sys/fs/cgroup/vm/small/memory.max (8388608)" &&
        has "small 4" && has "fits 0" && hasre '^[0-9]+ +small +[0-9]+ +4096K' && ! grep -q "oom\|Killed" "$T/out" &&
        [ "$(grep -xE '[0-9]+' "$T/out" | tail -1)" -ge 4194304 ]; then
    ok "memory.max 8M: a 16M VM fails at creation (status 4), a 4M one is charged to the cgroup"
else bad "memory.max"; fi

# ---- 5. the Kata pattern: a container inside a VM ----
"$VX86" run "$K" --memory 256M --module "$I" --module "$K,/vm/kernel.elf" --module "$I,/vm/initrd.img" \
    --cmdline "cmd=vm run --timeout 20000 --memory 64M --module /vm/initrd.img /vm/kernel.elf 'cmd=ctr run --hostname inner base hostname; echo ctr-status \$?'; echo vm-status \$?" \
    --max-cycles 2e10 --trace "$T/k.jsonl" >"$T/raw" 2>&1
tr -d '\r' <"$T/raw" >"$T/out"
if has inner && has "ctr-status 0" && has "vm-status 0" &&
        grep -q '"kind":"task_create".*"vm":1,"name":"ctr"' "$T/k.jsonl" &&
        grep -q '"kind":"task_create".*"vm":1,"name":"hostname"' "$T/k.jsonl" &&
        grep -q '"kind":"task_create".*"vm":0,"name":"vm"' "$T/k.jsonl"; then
    ok "Kata: ctr run base hostname inside a VM; the trace has ctr and hostname as vm 1's tasks"
else bad "Kata: container inside a VM"; fi
if "$VX86" lua tests/hyperv/kata.lua >"$T/out" 2>&1; then
    ok "Kata: m:tasks() and the Gantt chart nest vm 1's tasks in the host's vCPU task"; sed -n 's/^  */     /p' "$T/out"
else bad "Kata in m:tasks() and the Gantt chart"; fi

# ---- 6. the same counters seen from the kernel and from the trace ----
if "$VX86" lua tests/hyperv/vms.lua >"$T/out" 2>&1; then
    ok "m:vms() and vx.show.exits agree with vm stats and /proc/vm/N/stats"; sed -n 's/^  */     /p' "$T/out" | head -4
else bad "Lua m:vms() against vm stats"; fi

echo "check-hyperv (vmctl): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
