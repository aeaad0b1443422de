#!/usr/bin/env bash
# Guest program suite: every tests/guest/progs program, built at -O0/-O2/-Os, must print on
# vx86 exactly what its native build prints, identically on two runs (same output, same
# instruction count when `vx86 run --stats` reports one), and also on QEMU where installed.
#
# Usage: tests/guest/run-suite.sh [NAME...]       (run from the repository root; `make guest` first)
# Environment:
#   VX86=path                  emulator binary (default build/vx86)
#   SUITE_ALLOW_NO_VX86=1      skip the vx86 cases when the binary is missing (default: fail)
#   SUITE_QEMU=0               do not run QEMU even if it is installed
#   SUITE_TIMEOUT=seconds      per-run limit (default 300)
#   SUITE_KEEP=dir             keep every captured output in dir (default: a temp dir, removed)
set -u

BUILD=${BUILD:-build}
VX86=${VX86:-$BUILD/vx86}
GUEST=$BUILD/guest
TIMEOUT=${SUITE_TIMEOUT:-300}
MARKER='--- vx86 guest begin ---'      # printed first by kernel/lib (VX_BEGIN_MARKER)
OPTS="O0 O2 Os"

passed=0
failed=0
skipped=0

if [ -n "${SUITE_KEEP:-}" ]; then
    work=$SUITE_KEEP
    mkdir -p "$work"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi

pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# Keep what follows the marker line; firmware output (SeaBIOS, iPXE) comes before it, and may
# not end in a newline, so the marker is matched anywhere in a line.
after_marker() {
    sed -n "/$MARKER/,\$p" "$1" | tail -n +2
}

# Show where two outputs first differ (a few lines of unified diff).
show_diff() {
    diff -u "$1" "$2" | head -n 12 | sed 's/^/    | /'
}

if [ $# -gt 0 ]; then
    names="$*"
else
    names=$(for f in tests/guest/progs/*.c; do basename "$f" .c; done)
fi

have_vx86=1
if [ ! -x "$VX86" ]; then
    if [ "${SUITE_ALLOW_NO_VX86:-0}" = 1 ]; then
        echo "note: $VX86 not found: skipping the vx86 cases (SUITE_ALLOW_NO_VX86=1)"
        have_vx86=0
    else
        echo "error: $VX86 not found: build it first (make), or set SUITE_ALLOW_NO_VX86=1" >&2
        exit 2
    fi
fi

have_qemu=0
if [ "${SUITE_QEMU:-1}" != 0 ] && command -v qemu-system-i386 >/dev/null 2>&1; then
    have_qemu=1
else
    echo "note: qemu-system-i386 not used: skipping the QEMU cases"
fi

# Does this vx86 report instruction counts? Asked once, on the first image.
stats_flag=""
probe_stats() {
    local image=$1
    timeout "$TIMEOUT" "$VX86" run --stats "$image" >/dev/null 2>"$work/probe.err" </dev/null
    if grep -q '^instructions: ' "$work/probe.err" 2>/dev/null; then
        stats_flag="--stats"
    fi
}

# run_vx86 IMAGE OUT ERR: status in $?
run_vx86() {
    timeout "$TIMEOUT" "$VX86" run $stats_flag "$1" >"$2" 2>"$3" </dev/null
}

# Exit status 1 = (0 << 1) | 1: the guest's main returned 0 through the debug-exit port.
check_status() {
    local what=$1 status=$2 log=$3
    if [ "$status" -eq 1 ]; then
        return 0
    fi
    if [ "$status" -eq 124 ]; then
        fail "$what: timed out after ${TIMEOUT}s"
    else
        fail "$what: exit status $status, expected 1 (main returned $(( (status - 1) / 2 )) or the machine stopped)"
    fi
    [ -s "$log" ] && tail -n 3 "$log" | sed 's/^/    | /'
    return 1
}

probed=0
for name in $names; do
    native=$GUEST/native/$name
    if [ ! -x "$native" ]; then
        fail "$name: $native missing (run make guest)"
        continue
    fi
    expected=$work/$name.native
    "$native" >"$expected" 2>"$work/$name.native.err" </dev/null
    status=$?
    if [ $status -ne 0 ]; then
        fail "$name native: exit status $status"
        sed 's/^/    | /' "$expected" | grep 'FAIL' | head -n 5
        continue
    fi

    for opt in $OPTS; do
        image=$GUEST/suite/$name-$opt.elf
        case_name="$name -$opt"
        if [ ! -f "$image" ]; then
            fail "$case_name: $image missing (run make guest)"
            continue
        fi

        if [ $have_vx86 = 1 ]; then
            if [ $probed = 0 ]; then
                probe_stats "$image"
                probed=1
            fi
            base=$work/$name-$opt.vx86
            run_vx86 "$image" "$base.1.raw" "$base.1.err"
            s1=$?
            run_vx86 "$image" "$base.2.raw" "$base.2.err"
            s2=$?
            if check_status "$case_name vx86" $s1 "$base.1.err"; then
                after_marker "$base.1.raw" >"$base.1"
                if ! grep -q -- "$MARKER" "$base.1.raw"; then
                    fail "$case_name vx86: no '$MARKER' line in the serial output"
                elif ! cmp -s "$expected" "$base.1"; then
                    fail "$case_name vx86: output differs from native"
                    show_diff "$expected" "$base.1"
                elif [ $s2 -ne $s1 ] || ! cmp -s "$base.1.raw" "$base.2.raw"; then
                    fail "$case_name vx86: second run differs (status $s1 vs $s2 or output)"
                elif [ -n "$stats_flag" ] &&
                    [ "$(grep '^instructions: ' "$base.1.err")" != "$(grep '^instructions: ' "$base.2.err")" ]; then
                    fail "$case_name vx86: instruction counts differ between runs:" \
                        "$(grep -h '^instructions: ' "$base.1.err" "$base.2.err" | tr '\n' ' ')"
                else
                    count=$(grep -h '^instructions: ' "$base.1.err" 2>/dev/null | head -n 1)
                    pass "$case_name vx86${count:+ ($count)}"
                fi
            fi
        else
            skipped=$((skipped + 1))
        fi

        if [ $have_qemu = 1 ]; then
            base=$work/$name-$opt.qemu
            timeout "$TIMEOUT" qemu-system-i386 -cpu qemu32 -m 64 -kernel "$image" \
                -nographic -serial stdio -monitor none -no-reboot -display none \
                -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
                >"$base.raw" 2>"$base.err" </dev/null
            s=$?
            if check_status "$case_name qemu" $s "$base.err"; then
                after_marker "$base.raw" >"$base"
                if ! grep -q -- "$MARKER" "$base.raw"; then
                    fail "$case_name qemu: no '$MARKER' line in the serial output"
                elif ! cmp -s "$expected" "$base"; then
                    fail "$case_name qemu: output differs from native"
                    show_diff "$expected" "$base"
                else
                    pass "$case_name qemu"
                fi
            fi
        else
            skipped=$((skipped + 1))
        fi
    done
done

if [ $skipped -gt 0 ]; then
    echo "guest-suite: $passed passed, $failed failed, $skipped skipped"
else
    echo "guest-suite: $passed passed, $failed failed"
fi
[ $failed -eq 0 ] && [ $passed -gt 0 ]
