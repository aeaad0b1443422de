#!/bin/sh
# Containers and VMs made visible, end to end, on the fake container host and hypervisor
# (tests/guest/visible/visible.c):
#   1. the Lua API on a live machine (build/tests/visible-lua: m:vms against the guest's own exit
#      counts and the CPU's events, m:namespaces / m:cgroups against the guest's story,
#      snapshots, pictures, bad input), leaving the three SVGs in a directory;
#   2. two runs print the same lines, the same cycle count and the same Chrome trace;
#   3. the Chrome export has a "guest" slice per #VMEXIT on each VM's track and a counter per
#      cgroup_stat record;
#   4. each SVG parses with Python's xml.etree (a group per namespace / cgroup / exit code) and
#      rsvg-convert renders it to a PNG of the SVG's size;
#   5. on qemu-system-x86_64 -cpu qemu64,+svm (no probe) the guest sends nothing and its two VMs
#      exit exactly as on vx86 (an oracle for the exit counts m:vms reports);
#   6. the TUI shows the Namespaces, Cgroups and VM exits panes, wide and narrow (tmux,
#      tests/tui/tmux-lib.sh).
# Usage: tests/guest/visible/run.sh   (from the repository root; `make check-visible`)
# Environment: VX86=path (default build/vx86), BUILD=dir (default build).
set -u
BUILD=${BUILD:-build}
VX86=${VX86:-$BUILD/vx86}
IMAGE=$BUILD/guest/visible/visible.elf
DRIVER=$BUILD/tests/visible-lua
TUI="$BUILD/tests/tui-driver"
passed=0
failed=0
TMP=$(mktemp -d)
SESSION=vx86-visible-$$
SOCKET=vx86-visible-$$
. tests/tui/tmux-lib.sh
cleanup() { tm kill-server 2>/dev/null; SOCKET=vx86-visible-$$ tm kill-server 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

for tool in python3 rsvg-convert tmux qemu-system-x86_64; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "visible-tests: $tool is not installed (scripts/install-deps.sh installs it)" >&2
        exit 1
    fi
done

# --- 1. the Lua API ---
if VISIBLE_SVG_DIR=$TMP CK_FORK=yes "$DRIVER" "$IMAGE" > "$TMP/lua.out" 2>&1; then ok
else fail "visible-lua:"; sed 's/^/    | /' "$TMP/lua.out"; fi

# --- 2. determinism ---
"$VX86" run "$IMAGE" --stats --trace-chrome "$TMP/t1.json" > "$TMP/out1" 2> "$TMP/err1"
status=$?
"$VX86" run "$IMAGE" --stats --trace-chrome "$TMP/t2.json" > "$TMP/out2" 2> "$TMP/err2"
[ $status -eq 1 ] && ok || fail "exit status $status, want 1 (main returned 0)"
grep -q '^vm 2 beta: cpuid 1 hlt 0 ioio 2 vmmcall 1 other 0$' "$TMP/out1" && ok || fail "guest output: $(cat "$TMP/out1")"
if cmp -s "$TMP/out1" "$TMP/out2" && [ "$(grep ^cycles: "$TMP/err1")" = "$(grep ^cycles: "$TMP/err2")" ] &&
   cmp -s "$TMP/t1.json" "$TMP/t2.json"; then ok; else fail "two runs differ"; fi

# --- 3. the Chrome export: per VM (pid = ASID) a "guest" slice per exit the guest counted ---
if python3 - "$TMP/t1.json" "$TMP/out1" > "$TMP/chrome.out" 2>&1 <<'PY'
import json, re, sys
trace = json.load(open(sys.argv[1]))
evs = trace["traceEvents"]
for line in open(sys.argv[2]):
    m = re.match(r"vm (\d+) (\w+): cpuid (\d+) hlt (\d+) ioio (\d+) vmmcall (\d+) other (\d+)", line)
    if not m:
        continue
    vm = int(m.group(1))
    exits = sum(int(m.group(k)) for k in range(3, 8))
    slices = [e for e in evs if e["ph"] == "X" and e.get("cat") == "vm" and e["pid"] == vm]
    assert len(slices) == exits, (vm, len(slices), exits)
    names = {e["args"]["name"] for e in evs if e["ph"] == "M" and e["name"] == "process_name" and e["pid"] == vm}
    assert m.group(2) in names, (vm, names)
# a counter per cgroup_stat record: six cgroups, the values the guest sent
counters = {e["name"]: e["args"] for e in evs if e["ph"] == "C" and e["cat"] == "cgroup"}
assert len(counters) == 6, sorted(counters)
assert counters["cgroup /ctr/web"] == {"memory_bytes": 6 << 20, "pids": 2, "nr_throttled": 3}, counters
print("chrome ok")
PY
then ok; else fail "chrome export:"; sed 's/^/    | /' "$TMP/chrome.out"; fi

# --- 4. the SVGs ---
for spec in "ns.svg g[@class='ns'] 16" "cgroups.svg g[@class='cgroup'] 6" "exits.svg g[@class='vm']/{http://www.w3.org/2000/svg}g[@class='exit'] 6"; do
    set -- $spec
    svg=$TMP/$1
    if python3 - "$svg" "$2" "$3" > "$TMP/svg.out" 2>&1 <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
assert root.tag == ns + "svg", root.tag
n = len(root.findall(ns + sys.argv[2]))
assert n == int(sys.argv[3]), (sys.argv[2], n)
print(root.get("width"), root.get("height"))
PY
    then ok; else fail "$1 parse:"; sed 's/^/    | /' "$TMP/svg.out"; continue; fi
    if rsvg-convert -o "$svg.png" "$svg" 2> "$TMP/rsvg.err" && [ -s "$svg.png" ] &&
       python3 - "$svg.png" "$(cat "$TMP/svg.out")" <<'PY'
import struct, sys
png = open(sys.argv[1], "rb").read()
assert png[:8] == b"\x89PNG\r\n\x1a\n"
w, h = struct.unpack(">II", png[16:24])
assert "%d %d" % (w, h) == sys.argv[2], (w, h, sys.argv[2])
PY
    then ok; else fail "rsvg-convert $1: $(cat "$TMP/rsvg.err")"; fi
done

# --- 5. QEMU: no probe, the same VM exits ---
timeout 120 qemu-system-x86_64 -cpu qemu64,+svm,+npt -m 64 -kernel "$IMAGE" -nographic -serial stdio -monitor none \
    -no-reboot -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04 < /dev/null > "$TMP/qemu.out" 2>&1
status=$?
grep '^vm ' "$TMP/out1" > "$TMP/vx86.vms"
grep '^vm ' "$TMP/qemu.out" | tr -d '\r' > "$TMP/qemu.vms"
if [ $status -eq 1 ] && grep -q '^probe: absent' "$TMP/qemu.out" && grep -q '^probe: present' "$TMP/out1" &&
   [ -s "$TMP/vx86.vms" ] && cmp -s "$TMP/vx86.vms" "$TMP/qemu.vms"
then ok; else fail "QEMU run (status $status):"; sed 's/^/    | /' "$TMP/qemu.out" | tail -8; fi

# --- 6. the TUI's panes (Events is pane 9; Tasks, Namespaces, Cgroups, VM exits follow it) ---
tm new-session -d -s "$SESSION" -x 160 -y 50 \
    "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $TUI $IMAGE; sleep 30"
wait_for_re "press \? for help|terminal too small"
keys c
if wait_for "guest exited" 300; then ok; else fail "the guest did not finish in the TUI"; fi
keys 9; wait_for "Events ("
keys ']' ']'
keys z
if wait_for "Namespaces (16)"; then ok; else fail "no namespace pane"; screen | sed 's/^/    | /'; fi
check "namespace header" "NS                       TYPE NPROCS   PID COMMAND          DETAILS"
check "nested pid namespace" "|  \`- pid:[20]           pid       1     5 worker           tasks 5 worker (1)"
check "uts of web" "|- uts:[12]              uts       3     3 sh               hostname web; tasks 3 sh, 4 httpd, 5 worker"
keys z ']' z
if wait_for "Cgroups (6)"; then ok; else fail "no cgroup pane"; screen | sed 's/^/    | /'; fi
check "cgroup memory bar" "|       memory [#######.............]  37.5%  6291456 / 16777216 bytes"
check "cgroup oom" "|  |    oom records 1 (last killed 7 at 4194304 / 4194304 bytes)"
keys z ']' z
if wait_for "VM exits (2 VMs, 9 exits)"; then ok; else fail "no VM exits pane"; screen | sed 's/^/    | /'; fi
check_re "exit histogram" "ioio +0x7b +2 \[#{20}\] +[0-9]+ +[0-9]+ +[0-9]+"
check "vm heading" "vm 1 alpha (asid 1, vcpu task 8, 64 KiB), ended with status 0: 5 runs, 5 exits"
keys q
tm kill-server 2>/dev/null
# a narrow terminal: one tabbed pane beside the registers (Serial ... VGA, then the three); a
# server of its own (a new session on the socket just killed can race the old server's exit)
SOCKET=vx86-visible-narrow-$$
tm new-session -d -s "$SESSION" -x 100 -y 40 \
    "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $TUI $IMAGE; sleep 30"
wait_for_re "press \? for help|terminal too small"
keys c
if wait_for "guest exited" 300; then ok; else fail "the guest did not finish in the narrow TUI"; fi
keys Tab ']' ']' ']' ']' ']' ']' ']' ']'
if wait_for "|  \`- pid:[20]"; then ok; else fail "narrow: no namespace pane"; screen | sed 's/^/    | /'; fi
keys ']' ']'
if wait_for "EXIT           CODE  COUNT"; then ok; else fail "narrow: no VM exits pane"; screen | sed 's/^/    | /'; fi
keys q

echo "visible-tests: $passed passed, $failed failed"
[ $failed -eq 0 ]
