#!/bin/sh
# Tasks made visible, end to end, on the fake-task guest (tests/guest/tasks/tasks.c):
#   1. the Lua API on a live machine (build/tests/tasks-lua: m:tasks against the guest's RDTSC
#      accounting, decoded switch records, snapshots, the Gantt model and pictures);
#   2. two runs print the same lines and the same cycle count;
#   3. the Chrome export (--trace-chrome) parses as JSON, has a thread per task and an "X" event
#      per running span, and the spans add up to what the guest measured, task by task;
#   4. the Gantt SVG parses as XML (Python's xml.etree) with a group per task and renders with
#      rsvg-convert to a PNG of the SVG's size;
#   5. on qemu-system-i386 (no probe) the guest sends nothing and still runs to the end;
#   6. the TUI shows the task pane and its Gantt strip (tmux, tests/tui/tmux-lib.sh).
# Usage: tests/guest/tasks/run.sh   (from the repository root; `make check-tasks`)
# Environment: VX86=path (default build/vx86), BUILD=dir (default build).
set -u
BUILD=${BUILD:-build}
VX86=${VX86:-$BUILD/vx86}
IMAGE=$BUILD/guest/tasks/tasks.elf
DRIVER=$BUILD/tests/tasks-lua
TUI="$BUILD/tests/tui-driver"
passed=0
failed=0
TMP=$(mktemp -d)
SESSION=vx86-tasks-$$
SOCKET=vx86-tasks-$$
. tests/tui/tmux-lib.sh
cleanup() { tm kill-server 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

for tool in python3 rsvg-convert tmux qemu-system-i386; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "tasks-tests: $tool is not installed (scripts/install-deps.sh installs it)" >&2
        exit 1
    fi
done

# --- 1. the Lua API ---
if TASKS_SVG_OUT=$TMP/gantt.svg CK_FORK=yes "$DRIVER" "$IMAGE" > "$TMP/lua.out" 2>&1; then ok
else fail "tasks-lua:"; sed 's/^/    | /' "$TMP/lua.out"; fi

# --- 2. determinism ---
"$VX86" run "$IMAGE" --stats --trace-chrome "$TMP/t1.json" > "$TMP/out1" 2> "$TMP/err1"
status=$?
"$VX86" run "$IMAGE" --stats --trace-chrome "$TMP/t2.json" > "$TMP/out2" 2> "$TMP/err2"
[ $status -eq 1 ] && ok || fail "exit status $status, want 1 (main returned 0)"
grep -q '^task 4 gamma ppid 1 slices ' "$TMP/out1" && ok || fail "guest output: $(cat "$TMP/out1")"
if cmp -s "$TMP/out1" "$TMP/out2" && [ "$(grep ^cycles: "$TMP/err1")" = "$(grep ^cycles: "$TMP/err2")" ] &&
   cmp -s "$TMP/t1.json" "$TMP/t2.json"; then ok; else fail "two runs differ"; fi

# --- 3. the Chrome export ---
if python3 - "$TMP/t1.json" "$TMP/out1" > "$TMP/chrome.out" 2>&1 <<'EOF'
import json, re, sys
trace = json.load(open(sys.argv[1]))
guest = {}
for line in open(sys.argv[2]):
    m = re.match(r"task (\d+) (\w+) ppid (\d+) slices (\d+) ran (\d+) cycles", line)
    if m:
        guest[int(m.group(1))] = (m.group(2), int(m.group(4)), int(m.group(5)))
assert len(guest) == 4, guest
evs = trace["traceEvents"]
names = {e["tid"]: e["args"]["name"] for e in evs if e["ph"] == "M" and e["name"] == "thread_name"}
for pid, (name, slices, ran) in guest.items():
    assert names.get(pid) == "%d %s" % (pid, name), (pid, names)
    spans = [e for e in evs if e["ph"] == "X" and e["tid"] == pid]
    assert len(spans) == slices, (pid, len(spans), slices)
    assert all(e["name"] == names[pid] and e["cat"] == "task" and e["pid"] == 0 for e in spans)
    total = sum(e["args"]["cycles"] for e in spans)
    assert total == ran, (pid, total, ran)
    # ts/dur are microseconds at 1e9 cycles per second: 1000 cycles each
    assert all(abs(e["dur"] * 1000 - e["args"]["cycles"]) < 0.5 for e in spans)
    starts = [e["ts"] for e in spans]
    assert starts == sorted(starts)
print("chrome ok")
EOF
then ok; else fail "chrome export:"; sed 's/^/    | /' "$TMP/chrome.out"; fi

# --- 4. the SVG ---
if python3 - "$TMP/gantt.svg" > "$TMP/svg.out" 2>&1 <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
assert root.tag == ns + "svg", root.tag
groups = root.findall(ns + "g")
assert [g.get("data-pid") for g in groups] == ["0", "1", "2", "3", "4"], groups
labels = [g.find(ns + "text").text for g in groups]
assert labels == ["0 idle", "1 init", "2 alpha", "3 beta", "4 gamma"], labels
# every span is a rect with a tooltip inside the plot (x from 170 to 780 on an 800-wide chart)
spans = [r for g in groups for r in g.findall(ns + "rect") if r.find(ns + "title") is not None]
assert len(spans) >= 5 + 4, len(spans)
for r in spans:
    x, w = float(r.get("x")), float(r.get("width"))
    assert 170 <= x and x + w <= 781, (x, w)
print(root.get("width"), root.get("height"))
EOF
then ok; else fail "svg parse:"; sed 's/^/    | /' "$TMP/svg.out"; fi
if rsvg-convert -o "$TMP/gantt.png" "$TMP/gantt.svg" 2> "$TMP/rsvg.err" && [ -s "$TMP/gantt.png" ] &&
   python3 - "$TMP/gantt.png" "$(cat "$TMP/svg.out")" <<'EOF'
import struct, sys
png = open(sys.argv[1], "rb").read()
assert png[:8] == b"\x89PNG\r\n\x1a\n"
w, h = struct.unpack(">II", png[16:24])
assert "%d %d" % (w, h) == sys.argv[2], (w, h, sys.argv[2])
EOF
then ok; else fail "rsvg-convert: $(cat "$TMP/rsvg.err")"; fi

# --- 5. without the probe (QEMU returns all ones for its magic) the guest sends nothing and
#        runs the same kind of schedule to the end (its slices follow QEMU's clock, not ours) ---
timeout 120 qemu-system-i386 -cpu qemu32 -m 64 -kernel "$IMAGE" -nographic -serial stdio -monitor none \
    -no-reboot -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04 > "$TMP/qemu.out" 2>&1
status=$?
if [ $status -eq 1 ] && grep -q '^probe: absent' "$TMP/qemu.out" && grep -q '^probe: present' "$TMP/out1" &&
   [ "$(grep -c '^task [1-4] [a-z]* ppid [01] slices [1-9][0-9]* ran [0-9]* cycles, exit [1-4]0' "$TMP/qemu.out")" -eq 4 ]
then ok; else fail "QEMU run (status $status):"; sed 's/^/    | /' "$TMP/qemu.out" | tail -8; fi

# --- 6. the TUI's task pane ---
tm new-session -d -s "$SESSION" -x 120 -y 40 \
    "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $TUI $IMAGE; sleep 30"
wait_for_re "press \? for help|terminal too small"
keys c
if wait_for "guest exited" 300; then ok; else fail "the guest did not finish in the TUI"; fi
keys 9; wait_for "Events ("
keys ']'
if wait_for "PID  PPID STATE     CPU%  NAME"; then ok; else fail "no task pane"; screen | sed 's/^/    | /'; fi
check_re "task pane: gamma exited" "4 +1 zombie +15\.7  gamma"
check_re "gantt strip of beta" "3 \|[ +#]*#{4,}[ +#]*\|"
check_re "gantt scale" "[0-9]+\.\.[0-9]+ cycles"
keys z
wait_for "Tasks (5)"
check "zoomed pane title" "Tasks (5)"
check_re "zoomed: idle runs" "0 +0 running +0\.0  idle"
check_re "zoomed strip of gamma" "4 \|[ +#]*#{8,}[ +#]*\|"
keys q

echo "tasks-tests: $passed passed, $failed failed"
[ $failed -eq 0 ]
