#!/usr/bin/env bash
# SVM guest tests: each tests/guest/svm/NAME.c is a toy hypervisor whose output must equal
# expected/NAME.out on vx86 (and be identical on two runs), and on the reference named in its
# source by a "svm-reference: qemu|bochs" line where that reference is installed:
#   qemu   qemu-system-x86_64 -cpu qemu64,+svm,+npt -kernel (tests without nested paging)
#   bochs  scripts/mkbootimg + scripts/bochs/run-bochs --cpu svm (nested paging: QEMU 7.2 has
#          none for a legacy-paging host)
# The comparison masks (README.md) are applied by the test programs themselves (svm_report in
# kernel/lib/svm/svm.c).
# Lines starting with "~" are vx86-only (cycle-dependent counts, checks a reference does not
# make): references skip them.
# Then the trace: `vx86 run --trace F` records vmrun/vmexit events with exit codes and cycles,
# and each invalid VMCB is traced as vmrun_invalid naming the check it was built to fail
# (expected/NAME.checks).
#
# Usage: tests/guest/svm/run.sh [NAME...]        (from the repository root; `make svm-images` first)
# Environment: VX86=path (default build/vx86), SVM_QEMU=0 / SVM_BOCHS=0 (skip a reference),
#   SVM_TIMEOUT=seconds (per run, default 120), SVM_KEEP=dir (keep outputs).
set -u

BUILD=${BUILD:-build}
VX86=${VX86:-$BUILD/vx86}
IMAGES=$BUILD/guest/svm
DIR=tests/guest/svm
TIMEOUT=${SVM_TIMEOUT:-120}
MARKER='--- vx86 guest begin ---'

passed=0 failed=0 skipped=0
if [ -n "${SVM_KEEP:-}" ]; then
    work=$SVM_KEEP; mkdir -p "$work"
else
    work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fi

pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
skip() { echo "SKIP $*"; skipped=$((skipped + 1)); }
after_marker() { sed -n "/$MARKER/,\$p" "$1" | tail -n +2; }
show_diff() { diff -u "$1" "$2" | head -n 14 | sed 's/^/    | /'; }

# compare WHAT EXPECTED GOT
compare() {
    if cmp -s "$2" "$3"; then pass "$1"; else fail "$1: output differs from $2"; show_diff "$2" "$3"; fi
}

if [ ! -x "$VX86" ]; then
    echo "error: $VX86 not found: build it first (make build/vx86)" >&2
    exit 2
fi
have_qemu=0
if [ "${SVM_QEMU:-1}" != 0 ] && command -v qemu-system-x86_64 >/dev/null 2>&1; then have_qemu=1; fi
have_bochs=0
if [ "${SVM_BOCHS:-1}" != 0 ] && command -v bochs >/dev/null 2>&1; then have_bochs=1; fi

if [ $# -gt 0 ]; then names="$*"; else names=$(for f in $DIR/*.c; do basename "$f" .c; done); fi

for name in $names; do
    image=$IMAGES/$name.elf
    expected=$DIR/expected/$name.out
    ref=$(sed -n 's/.*svm-reference: *\([a-z]*\).*/\1/p' "$DIR/$name.c" | head -n 1)
    if [ ! -f "$image" ]; then fail "$name: $image missing (make svm-images)"; continue; fi
    if [ ! -f "$expected" ]; then fail "$name: $expected missing"; continue; fi

    # vx86, twice: status 1 (main returned 0), output as expected, both runs identical
    base=$work/$name.vx86
    timeout "$TIMEOUT" "$VX86" run "$image" >"$base.1.raw" 2>"$base.err" </dev/null; s1=$?
    timeout "$TIMEOUT" "$VX86" run "$image" >"$base.2.raw" 2>>"$base.err" </dev/null; s2=$?
    after_marker "$base.1.raw" >"$base.out"
    if [ $s1 -ne 1 ]; then
        fail "$name vx86: exit status $s1, expected 1"; tail -n 5 "$base.1.raw" "$base.err" | sed 's/^/    | /'
    elif [ $s2 -ne $s1 ] || ! cmp -s "$base.1.raw" "$base.2.raw"; then
        fail "$name vx86: the second run differs"
    else
        compare "$name vx86" "$expected" "$base.out"
    fi

    # the reference, without the vx86-only lines
    grep -v '^~' "$expected" >"$work/$name.expected-ref"
    case "$ref" in
    qemu)
        if [ $have_qemu = 0 ]; then skip "$name qemu (qemu-system-x86_64 not installed)"; continue; fi
        base=$work/$name.qemu
        timeout "$TIMEOUT" qemu-system-x86_64 -cpu qemu64,+svm,+npt -m 64 -kernel "$image" \
            -nographic -serial stdio -monitor none -no-reboot -display none \
            -device isa-debug-exit,iobase=0xf4,iosize=0x04 >"$base.raw" 2>"$base.err" </dev/null
        s=$?
        after_marker "$base.raw" | grep -v '^~' >"$base.out"
        if [ $s -ne 1 ]; then
            fail "$name qemu: exit status $s, expected 1"; tail -n 3 "$base.raw" | sed 's/^/    | /'
        else
            compare "$name qemu" "$work/$name.expected-ref" "$base.out"
        fi ;;
    bochs)
        if [ $have_bochs = 0 ]; then skip "$name bochs (bochs not installed)"; continue; fi
        base=$work/$name.bochs
        # a fresh image each time: run-bochs may leave IMAGE.lock behind when it stops Bochs
        rm -rf "$base.d"; mkdir -p "$base.d"
        if ! scripts/mkbootimg "$image" "$base.d/disk.img" >"$base.err" 2>&1; then
            fail "$name bochs: mkbootimg failed"; sed 's/^/    | /' "$base.err"; continue
        fi
        scripts/bochs/run-bochs --cpu svm --timeout "$TIMEOUT" "$base.d/disk.img" >"$base.raw" 2>>"$base.err"
        s=$?
        after_marker "$base.raw" | grep -v '^~' >"$base.out"
        if [ $s -ne 0 ]; then
            fail "$name bochs: run-bochs status $s"; tail -n 3 "$base.err" | sed 's/^/    | /'
        else
            compare "$name bochs" "$work/$name.expected-ref" "$base.out"
        fi ;;
    *) skip "$name: no reference named (svm-reference: line)" ;;
    esac
done

# ---- acceptance 4: the trace shows the world switches; an invalid VMCB names its check ----
trace_check() {
    local image=$IMAGES/basic.elf trace=$work/basic.trace.jsonl
    [ -f "$image" ] || { fail "trace: $image missing"; return; }
    if ! "$VX86" run --trace "$trace" "$image" >/dev/null 2>"$work/trace.err" </dev/null; then :; fi
    if [ ! -s "$trace" ]; then fail "trace: vx86 run --trace wrote nothing"; return; fi
    # basic.elf's first exit is CPUID (0x72 = 114) with the guest's cycle count
    if grep -q '"kind":"vmrun"' "$trace" &&
        grep '"kind":"vmexit"' "$trace" | grep '"exit_name":"cpuid"' | grep -q '"guest_cycles":[0-9]'; then
        pass "trace: vmrun and vmexit events with exit codes and cycles"
    else
        fail "trace: no vmrun/vmexit events with code and cycles in $trace"
        grep -m 3 'vm' "$trace" | sed 's/^/    | /'
    fi
    # Which consistency check failed each VMRUN: the vmrun_invalid events' check names, in order,
    # must be expected/NAME.checks (one case per check in checks.c; host paging and G_PAT in npt.c).
    local checks name
    for checks in $DIR/expected/*.checks; do
        name=$(basename "$checks" .checks)
        image=$IMAGES/$name.elf
        [ -f "$image" ] || { fail "trace: $image missing"; continue; }
        trace=$work/$name.trace.jsonl
        "$VX86" run --trace "$trace" "$image" >/dev/null 2>&1 </dev/null
        grep '"kind":"vmrun_invalid"' "$trace" | sed -n 's/.*"check_name":"\([^"]*\)".*/\1/p' >"$work/$name.checks"
        if [ -s "$work/$name.checks" ] && cmp -s "$checks" "$work/$name.checks"; then
            pass "trace: $name: each invalid VMCB fails the check it was built to fail ($(wc -l <"$checks") events)"
        else
            fail "trace: $name: the vmrun_invalid events name other checks than $checks"
            show_diff "$checks" "$work/$name.checks"
        fi
    done
    image=$IMAGES/checks.elf
    # --explain is part of the CLI: a vx86 without it fails here (usage error), never skips.
    "$VX86" run --explain "$image" >"$work/explain.out" 2>&1 </dev/null
    if grep -q 'ASID' "$work/explain.out"; then
        pass "explain: --explain names the failed consistency check"
    else
        fail "explain: --explain output does not name the failed check"
        head -n 5 "$work/explain.out" | sed 's/^/    | /'
    fi
}
if [ $# -eq 0 ]; then trace_check; fi

if [ $skipped -gt 0 ]; then
    echo "svm-tests: $passed passed, $failed failed, $skipped skipped"
else
    echo "svm-tests: $passed passed, $failed failed"
fi
[ $failed -eq 0 ] && [ $passed -gt 0 ]
