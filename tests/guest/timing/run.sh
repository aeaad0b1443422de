#!/usr/bin/env bash
# Virtual time and trace checks (make check-timing). Run from anywhere after the images exist:
#   tests/guest/timing/run.sh            (VX86=PATH to test another binary)
# 1. ticks.elf, a PIT-driven guest, runs twice with the default costs (same output, same
#    instruction count) and once with every instruction class doubled: the same work must take
#    twice the ticks (within 1) and the work done in 20 ticks must halve (within 1 chunk).
# 2. paging_trace.elf: the --trace JSON Lines must hold its page faults (vector 14 named "#PF",
#    error code, CR2, CPL) and CR3 writes exactly as the guest saw them, addresses as "0x..."
#    strings; the --trace-chrome file must be valid JSON with the documented shape (emu/README.md).
# 3. tests/guest/sys paging_pf.elf (when built): the trace's #PF error codes, in order, are the
#    ones the guest printed.
# 4. --max-cycles still writes the trace; --trace-size bounds it and counts what was dropped;
#    bad --costs files are refused with status 2 and a FILE:LINE message.
# Prints "ok"/"FAIL" per check and "timing-tests: N passed, M failed"; non-zero exit on failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
vx86=${VX86:-$root/build/vx86}
images=$root/build/guest/timing
sys_pf=$root/build/guest/sys/paging_pf.elf
work=$(mktemp -d /tmp/vx86-timing-XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1: $2"; }

for f in "$vx86" "$images/ticks.elf" "$images/paging_trace.elf"; do
    if [ ! -e "$f" ]; then
        echo "timing-tests: $f not found; run 'make check-timing'"
        echo "timing-tests: 0 passed, 1 failed"
        exit 1
    fi
done

# run NAME ARGS...: vx86 with a time limit; stdout, stderr and status kept under $work/NAME.
run() {
    local name=$1
    shift
    timeout 120 "$vx86" "$@" >"$work/$name.out" 2>"$work/$name.err"
    echo $? >"$work/$name.status"
}
status() { cat "$work/$1.status"; }
field() { sed -n "s/^$2: //p" "$work/$1.out" "$work/$1.err" | head -1; }   # "key: value" lines

# ---- 1. ticks follow the cost table
"$vx86" costs >"$work/default.costs"
awk '/^(basic|mul|div|branch|string_iter|io|system) = [0-9]+$/ { $3 = $3 * 2 } { print }' \
    "$work/default.costs" >"$work/double.costs"
run ticks1 run "$images/ticks.elf" --stats
run ticks2 run "$images/ticks.elf" --stats
run ticksx2 run "$images/ticks.elf" --stats --costs "$work/double.costs"
t1=$(field ticks1 ticks)
tx=$(field ticksx2 ticks)
c1=$(sed -n 's/^chunks in 20 ticks: //p' "$work/ticks1.out")
cx=$(sed -n 's/^chunks in 20 ticks: //p' "$work/ticksx2.out")
if [ "$(status ticks1)" = 1 ] && [ "$(status ticksx2)" = 1 ] && [ -n "$t1" ] && [ -n "$tx" ] && [ "$t1" -ge 20 ]; then
    pass "ticks.elf runs (default: $t1 ticks, doubled costs: $tx ticks)"
else
    fail "ticks.elf runs" "status $(status ticks1)/$(status ticksx2), ticks '$t1'/'$tx'"
fi
if cmp -s "$work/ticks1.out" "$work/ticks2.out" && [ "$(field ticks1 instructions)" = "$(field ticks2 instructions)" ] &&
    [ "$(field ticks1 cycles)" = "$(field ticks2 cycles)" ]; then
    pass "two runs: identical output, instructions and cycles"
else
    fail "two runs are identical" "outputs or counts differ"
fi
if [ -n "$t1" ] && [ -n "$tx" ] && [ $((tx - 2 * t1)) -ge -1 ] && [ $((tx - 2 * t1)) -le 1 ]; then
    pass "doubled costs: the same work takes twice the ticks ($t1 -> $tx)"
else
    fail "doubled costs double the ticks" "$t1 -> $tx"
fi
if [ -n "$c1" ] && [ -n "$cx" ] && [ $((2 * cx - c1)) -ge -2 ] && [ $((2 * cx - c1)) -le 2 ]; then
    pass "doubled costs: half the work per tick ($c1 -> $cx chunks in 20 ticks)"
else
    fail "doubled costs halve the work per tick" "'$c1' -> '$cx'"
fi
lines=$(grep -c '^tick ' "$work/ticks1.out")
if [ "$lines" = "$t1" ] && grep -q "^tick $t1 at chunk" "$work/ticks1.out"; then
    pass "one line per tick ($lines)"
else
    fail "one line per tick" "$lines lines for $t1 ticks"
fi
if [ "$(grep -c ' = 2$' "$work/double.costs")" = 7 ] && [ "$(field ticksx2 cycles)" -gt "$(field ticks1 cycles)" ]; then
    pass "doubled costs (7 classes): more cycles ($(field ticks1 cycles) -> $(field ticksx2 cycles))"
else
    fail "doubled costs: more cycles" "$(field ticks1 cycles) -> $(field ticksx2 cycles)"
fi

# ---- 2. the trace of known page faults and CR3 writes
run pt run "$images/paging_trace.elf" --trace "$work/pt.jsonl" --trace-chrome "$work/pt.json"
run pt2 run "$images/paging_trace.elf" --trace "$work/pt2.jsonl"
if [ "$(status pt)" = 1 ] && cmp -s "$work/pt.jsonl" "$work/pt2.jsonl"; then
    pass "paging_trace.elf: runs, and its trace is the same twice"
else
    fail "paging_trace.elf trace" "status $(status pt), or two traces differ"
fi
if python3 - "$work/pt.out" "$work/pt.jsonl" <<'PY'; then pass "JSONL: page faults and CR3 writes as the guest saw them"; else fail "JSONL page faults and CR3 writes" "see above"; fi
import json, re, sys
out = open(sys.argv[1]).read()
lines = open(sys.argv[2]).read().splitlines()
def addr(v):   # addresses are hex strings: "0x40000123"
    assert isinstance(v, str) and re.fullmatch(r"0x[0-9a-f]+", v), v
    return int(v, 16)
events = [json.loads(l) for l in lines]
info, events = events[0], events[1:]
assert info["kind"] == "trace_info" and info["dropped"] == 0 and info["events"] == len(events), info
assert info["cycles_per_second"] == 1000000000, info
for e in events:
    for key in ("seq", "cycle", "kind", "cpl", "cr3", "guest_mode", "asid", "vm", "task"):
        assert key in e, (key, e)
assert [e["seq"] for e in events] == list(range(len(events)))
assert all(a["cycle"] <= b["cycle"] for a, b in zip(events, events[1:])), "cycles not in order"
seen = [tuple(int(x) for x in m) for m in re.findall(r"fault vector=(\d+) error=(\d+) cr2=(\d+)", out)]
T = 0x40000000
want = [(14, 0, T + 0x123), (14, 2, T + 0x3ffc), (14, 5, T + 0x1020), (14, 7, T + 0x2040)]
assert seen == want, ("guest saw", seen)
pf = [e for e in events if e["kind"] == "exception" and e["vector"] == 14]
got = [(e["vector"], e["error"], addr(e["cr2"])) for e in pf]
assert got == want, ("trace has", got)
assert all(e["has_error"] is True and addr(e["eip"]) >= 0x100000 and e["name"] == "#PF" for e in pf)
assert [e["cpl"] for e in pf] == [0, 0, 3, 3], [e["cpl"] for e in pf]
cr3s = [int(x) for x in re.findall(r"^cr3 (\d+)$", out, re.M)]
writes = [e for e in events if e["kind"] == "cr3_write"]
assert len(cr3s) == 2 and [addr(e["value"]) for e in writes] == cr3s, (cr3s, writes)
assert all(addr(e["cr3"]) == addr(e["value"]) for e in writes)
assert [e["vector"] for e in events if e["kind"] == "softint"] == [0x80, 0x80]
print("  %d events, %d page faults, %d CR3 writes" % (len(events), len(pf), len(writes)))
PY
if python3 - "$work/pt.json" <<'PY'; then pass "Chrome trace: valid JSON, documented shape"; else fail "Chrome trace shape" "see above"; fi
import json, sys
doc = json.load(open(sys.argv[1]))
assert set(doc) == {"traceEvents", "displayTimeUnit", "otherData"}, list(doc)
assert doc["displayTimeUnit"] == "ns"
other = doc["otherData"]
for key in ("format", "version", "cycles_per_second", "events", "dropped", "capacity"):
    assert key in other, key
evs = doc["traceEvents"]
assert isinstance(evs, list) and evs
inst = [e for e in evs if e["ph"] == "i"]
assert len(inst) == other["events"], (len(inst), other["events"])
for e in evs:
    assert isinstance(e["name"], str) and isinstance(e["pid"], int) and isinstance(e["tid"], int), e
    assert e["ph"] in ("i", "M", "B", "E", "X"), e
for e in inst:
    assert e["s"] in ("t", "g") and isinstance(e["cat"], str) and isinstance(e["ts"], (int, float)), e
    args = e["args"]
    assert abs(e["ts"] - args["cycle"] / other["cycles_per_second"] * 1e6) < 1e-6, e
pf = [e for e in inst if e["name"] == "exception" and e["args"]["vector"] == 14]
assert [e["args"]["error"] for e in pf] == [0, 2, 5, 7] and all(e["cat"] == "cpu" for e in pf)
assert sum(e["name"] == "cr3_write" for e in inst) == 2
PY

# ---- 3. the sys suite's page-fault test, through the trace
if [ -e "$sys_pf" ]; then
    run syspf run "$sys_pf" --trace "$work/syspf.jsonl"
    if python3 - "$work/syspf.out" "$work/syspf.jsonl" <<'PY'; then pass "paging_pf.elf: trace #PF error codes match the guest's"; else fail "paging_pf.elf trace" "see above"; fi
import json, re, sys
printed = [int(x, 16) for x in re.findall(r"#PF\((0x[0-9a-f]+)\)", open(sys.argv[1]).read())]
events = [json.loads(l) for l in open(sys.argv[2])][1:]
traced = [e["error"] for e in events if e["kind"] == "exception" and e["vector"] == 14]
assert printed and traced == printed, (printed, traced)
assert all(int(e["cr2"], 16) for e in events if e["kind"] == "exception" and e["vector"] == 14)
assert any(e["kind"] == "cr3_write" for e in events)
print("  %d page faults" % len(traced))
PY
else
    echo "skip - $sys_pf not built"
fi

# ---- 4. limits, sizes, bad cost files
run maxc run "$images/ticks.elf" --max-cycles 5e6 --trace "$work/maxc.jsonl" --trace-chrome "$work/maxc.json"
if [ "$(status maxc)" = 6 ] && python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert ev[0]["kind"] == "trace_info" and sum(e["kind"] == "interrupt" and e["vector"] == 32 for e in ev) >= 4
json.load(open(sys.argv[2]))' "$work/maxc.jsonl" "$work/maxc.json"; then
    pass "--max-cycles: traces written, timer interrupts (vector 32) in them"
else
    fail "--max-cycles writes traces" "status $(status maxc)"
fi
run small run "$images/paging_trace.elf" --trace "$work/small.jsonl" --trace-size 3
if python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
full = [json.loads(l) for l in open(sys.argv[2])]
assert ev[0]["events"] == 3 and len(ev) == 4 and ev[0]["dropped"] == full[0]["events"] - 3
assert ev[1:] == full[-3:]' "$work/small.jsonl" "$work/pt.jsonl"; then
    pass "--trace-size 3 keeps the newest 3 events and counts the dropped"
else
    fail "--trace-size" "$(head -c 300 "$work/small.jsonl")"
fi
printf 'basic = 2\nfrobs = 3\n' >"$work/bad1.costs"
printf '# zero would stall time\nbasic = 0\n' >"$work/bad2.costs"
printf 'div = lots\n' >"$work/bad3.costs"
run bad1 run "$images/ticks.elf" --costs "$work/bad1.costs"
run bad2 run "$images/ticks.elf" --costs "$work/bad2.costs"
run bad3 run "$images/ticks.elf" --costs "$work/bad3.costs"
run bad4 run "$images/ticks.elf" --costs "$work/none.costs"
if [ "$(status bad1)" = 2 ] && grep -qx "vx86: $work/bad1.costs:2: unknown cost 'frobs'" "$work/bad1.err" &&
    [ "$(status bad2)" = 2 ] && grep -q "^vx86: $work/bad2.costs:2: cost 'basic' = 0 out of range" "$work/bad2.err" &&
    [ "$(status bad3)" = 2 ] && grep -q "^vx86: $work/bad3.costs:1: cost 'div': 'lots' is not a whole number" "$work/bad3.err" &&
    [ "$(status bad4)" = 2 ] && grep -q "^vx86: $work/none.costs: cannot open: No such file" "$work/bad4.err"; then
    pass "bad --costs files: status 2, one FILE:LINE line each"
else
    fail "bad --costs files" "$(cat "$work"/bad?.err | tr '\n' '|')"
fi
if cmp -s "$work/default.costs" "$root/emu/costs.txt"; then
    pass "emu/costs.txt is what 'vx86 costs' prints"
else
    fail "emu/costs.txt" "differs from 'vx86 costs'"
fi

echo "timing-tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
