#!/usr/bin/env bash
# Reverse execution with real gdb against `vx86 run --gdb 0` (see README.md):
# reverse-continue, reverse-stepi, reverse-step and the start of the history.
#   run-reverse-tests.sh VX86 IMAGE      (IMAGE: tests/gdb/target.c built at -O0)
# Prints one line per check and "gdb-reverse-tests: N passed, M failed"; exits 1 if any failed.
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 VX86 IMAGE" >&2
    exit 2
fi
VX86=$1
IMAGE=$2
GDB=${GDB:-gdb}
if ! command -v "$GDB" >/dev/null; then
    echo "gdb-reverse-tests: gdb not installed (apt-get install gdb)" >&2
    exit 1
fi

WORK=$(mktemp -d /tmp/vx86-gdb-reverse.XXXXXX)
VX_PID=
trap '[ -n "$VX_PID" ] && kill $VX_PID 2>/dev/null; rm -rf "$WORK"' EXIT
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() {
    failed=$((failed + 1))
    echo "FAIL $1"
    [ -n "${2:-}" ] && sed 's/^/     | /' "$2" | tail -60
}
expect() {
    if grep -qE -- "$3" "$2"; then pass "$1"; else fail "$1 (no line matches /$3/)" "$2"; fi
}
# expect_count NAME FILE REGEX N: exactly N lines match.
expect_count() {
    local n
    n=$(grep -cE -- "$3" "$2")
    if [ "$n" -eq "$4" ]; then pass "$1"; else fail "$1 ($n lines match /$3/, want $4)" "$2"; fi
}

# session NAME GDB-ARGS...: vx86 run --gdb 0 on IMAGE, gdb in batch mode against it.
session() {
    local name=$1
    shift
    "$VX86" run "$IMAGE" --gdb 0 >"$WORK/$name.out" 2>"$WORK/$name.err" &
    VX_PID=$!
    local port=
    for _ in $(seq 100); do
        port=$(sed -n 's/^vx86: gdb stub listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$WORK/$name.err")
        [ -n "$port" ] && break
        sleep 0.05
    done
    if [ -z "$port" ]; then
        fail "$name: the stub did not say where it listens" "$WORK/$name.err"
        return 1
    fi
    timeout 60 "$GDB" -batch -nx "$IMAGE" -ex "set confirm off" -ex "target remote 127.0.0.1:$port" "$@" \
        >"$WORK/$name.gdb" 2>&1
    for _ in $(seq 400); do
        kill -0 "$VX_PID" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$VX_PID" 2>/dev/null; then
        kill "$VX_PID"
        fail "$name: vx86 did not finish"
    fi
    wait "$VX_PID" 2>/dev/null
    VX_PID=
}

# ---- 1. reverse-continue to earlier breakpoint hits, reverse-stepi, the start of history ----
if session back \
    -ex 'break gdb_bump' -ex 'continue' -ex 'continue' -ex 'continue' \
    -ex 'printf "third=%u\n", gdb_counter' \
    -ex 'reverse-continue' -ex 'printf "second=%u\n", gdb_counter' \
    -ex 'printf "pc-at-bump=%#x\n", $pc' \
    -ex 'reverse-stepi' -ex 'printf "pc-back1=%#x\n", $pc' \
    -ex 'reverse-stepi' -ex 'printf "pc-back2=%#x\n", $pc' \
    -ex 'stepi' -ex 'printf "pc-fwd1=%#x\n", $pc' \
    -ex 'stepi' -ex 'printf "pc-fwd2=%#x\n", $pc' \
    -ex 'reverse-continue' -ex 'printf "first=%u\n", gdb_counter' \
    -ex 'reverse-continue' -ex 'printf "begin-counter=%u\n", gdb_counter' -ex 'printf "begin-pc=%#x\n", $pc' \
    -ex 'continue' -ex 'printf "again=%u\n", gdb_counter' \
    -ex 'delete' -ex 'continue'; then
    f=$WORK/back.gdb
    expect "back: ran forward to the third call" "$f" '^third=10$'
    # 3 forward, 2 reverse, the stepi back onto it, and once more forward from the start
    expect_count "back: every stop at the breakpoint, forward and reverse, is reported" "$f" '^Breakpoint 1, gdb_bump \(by=5\) at .*target\.c' 7
    expect "back: reverse-continue went back to the second call" "$f" '^second=5$'
    at=$(sed -n 's/^pc-at-bump=//p' "$f")
    b1=$(sed -n 's/^pc-back1=//p' "$f")
    b2=$(sed -n 's/^pc-back2=//p' "$f")
    f1=$(sed -n 's/^pc-fwd1=//p' "$f")
    f2=$(sed -n 's/^pc-fwd2=//p' "$f")
    if [ -n "$at" ] && [ -n "$b1" ] && [ "$b1" != "$at" ] && [ -n "$b2" ] && [ "$b2" != "$b1" ]; then
        pass "back: reverse-stepi moves the pc back ($at -> $b1 -> $b2)"
    else
        fail "back: reverse-stepi moves the pc back ($at -> $b1 -> $b2)" "$f"
    fi
    if [ -n "$f1" ] && [ "$f1" = "$b1" ] && [ "$f2" = "$at" ]; then
        pass "back: stepi after reverse-stepi retraces the same instructions ($b2 -> $f1 -> $f2)"
    else
        fail "back: stepi after reverse-stepi retraces the same instructions ($b2 -> $f1 -> $f2, want $b1 $at)" "$f"
    fi
    expect "back: reverse-continue went back to the first call" "$f" '^first=0$'
    expect "back: no hit before the first: the start of the history" "$f" '^No more reverse-execution history\.'
    expect "back: the start of history is the entry point, before any call" "$f" '^begin-counter=0$'
    expect "back: forward again from the start hits the first call" "$f" '^again=0$'
    expect "back: the guest ran to its end" "$f" 'exited with code 01\]'
    expect_count "back: the guest printed its line once (re-execution prints nothing)" "$WORK/back.out" '^counter=15 table0=11111111$' 1
fi

# ---- 2. reverse-step (source lines, gdb drives it with bs) and reverse-next ----
if session step \
    -ex 'break gdb_bump' -ex 'continue' -ex 'continue' \
    -ex 'next' -ex 'printf "after-next=%u\n", gdb_counter' \
    -ex 'reverse-step' -ex 'printf "after-reverse-step=%u\n", gdb_counter' \
    -ex 'delete' -ex 'reverse-finish' -ex 'printf "caller-pc=%#x\n", $pc' -ex 'info symbol $pc' \
    -ex 'printf "caller-counter=%u\n", gdb_counter' -ex 'continue'; then
    f=$WORK/step.gdb
    expect "step: next ran the increment" "$f" '^after-next=10$'
    expect "step: reverse-step undid it" "$f" '^after-reverse-step=5$'
    expect "step: reverse-finish went back to the call in main" "$f" '^main \+ [0-9]+ in section'
    expect "step: before the call the counter is as the first call left it" "$f" '^caller-counter=5$'
    expect "step: the guest ran to its end" "$f" 'exited with code 01\]'
fi

echo "gdb-reverse-tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
