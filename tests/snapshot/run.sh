#!/usr/bin/env bash
# End-to-end snapshot tests of the vx86 program on real guest images (build/guest, made by
# `make guest`):
#   - determinism: the same image twice gives byte-identical output and the same --stats counts;
#   - for several cycle counts N (early, middle, late; with the timer-driven images many of them
#     land while the guest is halted waiting for an interrupt): output of `--snapshot-at N F
#     --max-cycles N` followed by output of `--restore F` equals the straight run's output, and the
#     restored run ends with the same exit status, instruction and cycle counts;
#   - a run that snapshots and goes on ends exactly like the straight run and writes the same file;
#   - truncated, corrupted, foreign and missing snapshot files are refused with a clear message, and
#     so are resealed ones (valid checksum) holding values no vx86 writes.
#   tests/snapshot/run.sh [VX86]      (default build/vx86)
# Prints "snapshot-tests: N passed, M failed" and exits non-zero if any test failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
vx86=$(realpath "${1:-$root/build/vx86}")
work=$(mktemp -d /tmp/vx86-snap-XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1: $2"; }
# Every image is required (a missing one is a failure, never a shorter run), so the suite runs
# the same checks from a clean tree as later: 9 per image, 12 for damaged files and options.
IMAGES=(suite/sort-O2.elf suite/crc32-O0.elf demo.elf timing/ticks.elf timing/paging_trace.elf)
EXPECTED_CHECKS=$((9 * ${#IMAGES[@]} + 12))
finish() {
    if [ $((passed + failed)) -ne "$EXPECTED_CHECKS" ]; then
        failed=$((failed + 1))
        echo "FAIL - ran $((passed + failed - 1)) checks, expected $EXPECTED_CHECKS"
    fi
    echo "snapshot-tests: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

if [ ! -x "$vx86" ]; then
    echo "snapshot-tests: $vx86 not found; run 'make' first" >&2
    failed=1
    finish
fi

# Images: two compute-bound suite programs, the demo, and two timer-driven ones.
images=()
for img in "${IMAGES[@]}"; do
    if [ -f "$root/build/guest/$img" ]; then
        images+=("$root/build/guest/$img")
    else
        echo "snapshot-tests: build/guest/$img missing; run 'make check-snapshot' (it builds the images)" >&2
        failed=$EXPECTED_CHECKS
        passed=0
        finish
    fi
done

# vx86 ARGS... -> $work/out (stdout), $work/err (stderr), $status. 120 s at most.
status=0
vx() {
    timeout 120 "$vx86" "$@" >"$work/out" 2>"$work/err"
    status=$?
}
# The deterministic --stats lines (host-seconds and mips depend on the host).
counts() { grep -E '^(instructions|cycles):' "$work/err" | tr '\n' ' '; }

for img in "${images[@]}"; do
    name=${img#"$root/build/guest/"}

    vx run "$img" --stats
    ref_status=$status
    ref_counts=$(counts)
    cp "$work/out" "$work/ref.out"
    vx run "$img" --stats
    if [ "$status" -eq "$ref_status" ] && [ "$(counts)" = "$ref_counts" ] && cmp -s "$work/out" "$work/ref.out"; then
        pass "$name: two straight runs are identical ($ref_counts)"
    else
        fail "$name: two straight runs differ" "status $ref_status/$status, counts '$ref_counts' / '$(counts)'"
    fi
    total=$(sed -n 's/^cycles: //p' "$work/err")
    if [ -z "$total" ] || [ "$total" -lt 100 ]; then
        fail "$name" "no cycle count from --stats"
        continue
    fi

    for n in 1 1000 $((total / 7)) $((total / 3)) $((total / 2 + 1)) $((total * 9 / 10)) $((total - 50)); do
        snap="$work/at-$n.snap"
        vx run "$img" --snapshot-at "$n" "$snap" --max-cycles "$n"
        cp "$work/out" "$work/before.out"
        if [ "$status" -ne 6 ] || [ ! -s "$snap" ]; then
            fail "$name N=$n: snapshot run" "status $status (expected 6), $(head -c 200 "$work/err")"
            continue
        fi
        vx run --restore "$snap" --stats
        cat "$work/before.out" "$work/out" >"$work/joined.out"
        if [ "$status" -ne "$ref_status" ]; then
            fail "$name N=$n: restored run" "status $status, expected $ref_status: $(head -c 200 "$work/err")"
        elif [ "$(counts)" != "$ref_counts" ]; then
            fail "$name N=$n: restored run" "counts '$(counts)', expected '$ref_counts'"
        elif ! cmp -s "$work/joined.out" "$work/ref.out"; then
            fail "$name N=$n: restored run" "output before + after the snapshot differs from the straight run"
        else
            pass "$name N=$n: snapshot + restore = straight run"
        fi
    done

    # One command that snapshots and finishes: the same end, and the same snapshot bytes.
    n=$((total / 3))
    vx run "$img" --stats --snapshot-at "$n" "$work/again.snap"
    if [ "$status" -eq "$ref_status" ] && [ "$(counts)" = "$ref_counts" ] && cmp -s "$work/out" "$work/ref.out" &&
        cmp -s "$work/again.snap" "$work/at-$n.snap"; then
        pass "$name: --snapshot-at without a limit finishes like the straight run, same snapshot"
    else
        fail "$name: --snapshot-at without a limit" "status $status, counts '$(counts)'"
    fi
done

# ---- damaged and foreign snapshots
good=$(ls "$work"/at-*.snap | head -n 1)
size=$(stat -c %s "$good")
expect_refusal() {
    local what=$1 file=$2 message=$3
    vx run --restore "$file"
    if [ "$status" -eq 4 ] && grep -qF -- "vx86: $file: $message" "$work/err" && [ ! -s "$work/out" ]; then
        pass "refuses $what"
    else
        fail "refuses $what" "status $status, stderr '$(head -c 200 "$work/err")'"
    fi
}
head -c $((size / 2)) "$good" >"$work/half.snap"
expect_refusal "a truncated snapshot" "$work/half.snap" "truncated (expected $size bytes, got $((size / 2)))"
head -c 12 "$good" >"$work/tiny.snap"
expect_refusal "a snapshot cut inside the header" "$work/tiny.snap" "truncated (expected at least 24 bytes, got 12)"
cp "$good" "$work/flipped.snap"
printf '\x5a' | dd of="$work/flipped.snap" bs=1 seek=$((size / 2)) conv=notrunc status=none
expect_refusal "a corrupted snapshot" "$work/flipped.snap" "checksum mismatch (corrupted)"
cp "$good" "$work/future.snap"
printf '\x63' | dd of="$work/future.snap" bs=1 seek=8 conv=notrunc status=none
expect_refusal "a snapshot of another format version" "$work/future.snap" "snapshot version 99, this vx86 reads version"
expect_refusal "a kernel image given as a snapshot" "${images[0]}" "not a vx86 snapshot"
expect_refusal "a missing snapshot" "$work/none.snap" "cannot open"

# A checksum only says the bytes arrived as written. A snapshot edited and resealed with values
# no vx86 writes (and the command line refuses) is refused too, with one line and status 4:
# zero-cost instruction classes (virtual time would stand still, --max-cycles never come) and a
# 4 GiB RAM size (seconds and gigabytes before anything else could fail).
# reseal GOOD OUT PYTHON-EDIT: apply the edit to the bytes b (a bytearray), recompute the CRC.
reseal() {
    python3 - "$1" "$2" "$3" <<'PY'
import struct, sys, zlib
b = bytearray(open(sys.argv[1], "rb").read())
exec(sys.argv[3])
b[-4:] = struct.pack("<I", zlib.crc32(bytes(b[:-4])) & 0xFFFFFFFF)
open(sys.argv[2], "wb").write(b)
PY
}
# The cost table sits in the CPU section after a count byte: find it by its default values.
defaults=$("$vx86" costs | sed -n 's/^\([a-z_]*\) = \([0-9]*\)$/\2/p' | tr '\n' ' ')
reseal "$good" "$work/free.snap" "
import struct
costs = [int(x) for x in '$defaults'.split()]
table = bytes([len(costs)]) + b''.join(struct.pack('<Q', c) for c in costs)
at = b.find(table)
assert at > 0 and b.find(table, at + 1) < 0, 'cost table not found once'
b[at + 1:at + 9] = struct.pack('<Q', 0)"
expect_refusal "a resealed snapshot with a free instruction class" "$work/free.snap" \
    "cost 'basic' = 0 out of range 1..255 (instruction classes cost at least 1 cycle)"
reseal "$good" "$work/huge.snap" "b[36:40] = (0xFFFFF000).to_bytes(4, 'little')"
expect_refusal "a resealed snapshot with 4 GiB of RAM" "$work/huge.snap" \
    "RAM size 4294963200 bytes out of range (vx86 machines have 2M..3G, a multiple of 4K)"
expect_refusal "/dev/zero as a snapshot" /dev/zero "not a vx86 snapshot"

vx run "${images[0]}" --snapshot-at 1000 "$work/nodir/x.snap"
if [ "$status" -eq 2 ] && grep -qF "vx86: $work/nodir/x.snap: cannot write" "$work/err" && [ ! -s "$work/out" ]; then
    pass "an unwritable snapshot path is a usage error, found before the run"
else
    fail "an unwritable snapshot path is a usage error" "status $status, stderr '$(head -c 200 "$work/err")'"
fi
vx run "${images[0]}" --stats
plain_status=$status
vx run "${images[0]}" --snapshot-at 1e15 "$work/late.snap"
if [ "$status" -eq "$plain_status" ] && grep -qF "vx86: warning: $work/late.snap not written: the run ended at cycle" "$work/err" &&
    [ ! -e "$work/late.snap" ]; then
    pass "a snapshot point after the end is a warning; the guest's status stands"
else
    fail "a snapshot point after the end is a warning" "status $status (want $plain_status), stderr '$(head -c 200 "$work/err")'"
fi
vx run "${images[0]}" --snapshot-at 1000
if [ "$status" -eq 2 ] && grep -qF "needs CYCLES and FILE" "$work/err"; then
    pass "--snapshot-at without FILE is a usage error"
else
    fail "--snapshot-at without FILE is a usage error" "status $status"
fi

finish
