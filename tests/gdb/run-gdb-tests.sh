#!/usr/bin/env bash
# End-to-end tests of the GDB stub with real gdb in batch mode (see README.md).
#   run-gdb-tests.sh DRIVER DRIVER_SAN RAWCLIENT IMAGE
# Every session listens on a port the kernel picks (port 0), so parallel runs never collide.
# Prints one line per check and "gdb-tests: N passed, M failed"; exits 1 if any failed.
set -u

if [ $# -ne 4 ]; then
    echo "usage: $0 DRIVER DRIVER_SAN RAWCLIENT IMAGE" >&2
    exit 2
fi
DRIVER=$1
DRIVER_SAN=$2
RAWCLIENT=$3
IMAGE=$4
GDB=${GDB:-gdb}

if ! command -v "$GDB" >/dev/null; then
    echo "gdb-tests: gdb not installed (apt-get install gdb)" >&2
    exit 1
fi

WORK=$(mktemp -d /tmp/vx86-gdb-tests.XXXXXX)
trap 'kill $DRIVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
DRIVER_PID=
PORT=
passed=0
failed=0

pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() {
    failed=$((failed + 1))
    echo "FAIL $1"
    [ -n "${2:-}" ] && sed 's/^/     | /' "$2" | tail -40
}

# expect NAME FILE REGEX: FILE has a line matching the extended REGEX.
expect() {
    if grep -qE -- "$3" "$2"; then pass "$1"; else fail "$1 (no line matches /$3/)" "$2"; fi
}

# start SESSION [DRIVER]: start a driver on a free port; sets PORT and DRIVER_PID.
start() {
    local drv=${2:-$DRIVER}
    "$drv" "$IMAGE" 0 >"$WORK/$1.out" 2>"$WORK/$1.err" &
    DRIVER_PID=$!
    PORT=
    for _ in $(seq 100); do
        PORT=$(sed -n 's/^vx86: gdb stub listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$WORK/$1.err")
        [ -n "$PORT" ] && return 0
        sleep 0.05
    done
    fail "$1: the stub did not say where it listens" "$WORK/$1.err"
    return 1
}

# finish SESSION: wait (at most 20 s) for the driver to end; its stderr is in $WORK/SESSION.err.
finish() {
    for _ in $(seq 400); do
        kill -0 "$DRIVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$DRIVER_PID" 2>/dev/null; then
        kill "$DRIVER_PID"
        fail "$1: the emulator did not finish"
    fi
    wait "$DRIVER_PID" 2>/dev/null
    DRIVER_PID=
}

# gdb_batch SESSION ARGS...: gdb on the image against the stub, output in $WORK/SESSION.gdb.
gdb_batch() {
    local session=$1
    shift
    timeout 60 "$GDB" -batch -nx "$IMAGE" -ex "set confirm off" -ex "target remote 127.0.0.1:$PORT" "$@" \
        >"$WORK/$session.gdb" 2>&1
}

# ---- 1. break, continue, registers, memory, stepi, a write watchpoint, a memory write ----
if start basic; then
    gdb_batch basic \
        -ex 'break main' -ex 'continue' \
        -ex 'info registers eip' -ex 'x/4wx &gdb_table' -ex 'x/4wx $esp' -ex 'printf "esp=%#x\n", $esp' \
        -ex 'printf "pc-before=%#x\n", $pc' -ex 'stepi' -ex 'printf "pc-after=%#x\n", $pc' \
        -ex 'watch gdb_counter' -ex 'continue' -ex 'continue' \
        -ex 'info registers' -ex 'delete' -ex 'set var gdb_counter = 100' -ex 'continue'
    finish basic
    f=$WORK/basic.gdb
    expect "basic: breakpoint at main hit" "$f" '^Breakpoint 1, main \(\) at .*target\.c:[0-9]+'
    expect "basic: info registers eip is in main" "$f" '^eip +0x[0-9a-f]+ +0x[0-9a-f]+ <main\+[0-9]+>'
    expect "basic: x/4wx reads gdb_table" "$f" '<gdb_table>:[[:space:]]+0x11111111[[:space:]]+0x22222222[[:space:]]+0x33333333[[:space:]]+0x44444444'
    esp=$(sed -n 's/^esp=\(0x[0-9a-f]*\)$/\1/p' "$f")
    expect "basic: x/4wx \$esp shows four words at esp ($esp)" "$f" "^${esp:-none}:([[:space:]]+0x[0-9a-f]{8}){4}\$"
    before=$(sed -n 's/^pc-before=//p' "$f")
    after=$(sed -n 's/^pc-after=//p' "$f")
    if [ -n "$before" ] && [ -n "$after" ] && [ $((after)) -gt $((before)) ] && [ $((after - before)) -le 15 ]; then
        pass "basic: stepi moved eip by one instruction ($before -> $after)"
    else
        fail "basic: stepi moved eip by one instruction ($before -> $after)" "$f"
    fi
    expect "basic: watchpoint set as a hardware watchpoint" "$f" '^Hardware watchpoint 2: gdb_counter'
    expect "basic: first watchpoint hit 0 -> 5" "$f" '^New value = 5$'
    expect "basic: second watchpoint hit 5 -> 10" "$f" '^New value = 10$'
    expect "basic: watchpoint stops in gdb_bump" "$f" '^gdb_bump \(by=5\) at .*target\.c'
    expect "basic: info registers shows eflags by name" "$f" '^eflags +0x[0-9a-f]+ +\[ .* \]'
    expect "basic: info registers shows cs" "$f" '^cs +0x8 +8'
    expect "basic: guest exit reported to gdb (exit code 1 -> status 3)" "$f" 'exited with code 03\]'
    expect "basic: memory write seen by the guest" "$WORK/basic.out" '^counter=105 table0=11111111$'
    expect "basic: emulator saw the exit" "$WORK/basic.err" '^gdb-driver: exit status 3$'
fi

# ---- 2. hardware breakpoint, register write, read watchpoint, access watchpoint ----
if start more; then
    gdb_batch more \
        -ex 'hbreak gdb_bump' -ex 'continue' -ex 'print by' -ex 'print/x gdb_table[2]' \
        -ex 'set $saved = $eax' -ex 'set $eax = 0x1234abcd' -ex 'print/x $eax' -ex 'set $eax = $saved' -ex 'delete' \
        -ex 'awatch gdb_counter' -ex 'continue' -ex 'delete' \
        -ex 'rwatch gdb_table[0]' -ex 'continue' -ex 'delete' -ex 'continue'
    finish more
    f=$WORK/more.gdb
    expect "more: hardware breakpoint hit" "$f" '^Breakpoint 1, gdb_bump \(by=5\) at .*target\.c'
    expect "more: print a local" "$f" '^\$1 = 5$'
    expect "more: print a global" "$f" '^\$2 = 0x33333333$'
    expect "more: register write reads back" "$f" '^\$3 = 0x1234abcd$'
    expect "more: access watchpoint hit" "$f" '^Hardware access \(read/write\) watchpoint 2: gdb_counter'
    expect "more: read watchpoint hit" "$f" '^Hardware read watchpoint 3: gdb_table\[0\]'
    expect "more: read watchpoint value" "$f" '^Value = 286331153$'
    expect "more: guest ran to its end (main returned 0 -> status 1)" "$f" 'exited with code 01\]'
    expect "more: guest output" "$WORK/more.out" '^counter=15 table0=11111111$'
fi

# ---- 3. Ctrl-C: gdb interrupts a guest that spins ----
# The stub traces packets (VX86_GDB_TRACE) so the test sees when gdb has resumed the spin.
# gdb's own SIGINT handling is timing-sensitive on a loaded machine (a signal that lands while gdb
# is between packets makes it drop the connection), so a session that gdb itself abandoned is
# tried again, up to three times; the stub's side of Ctrl-C is also checked byte-exactly by
# test_gdbstub and by the raw client in section 5.
interrupt_session() {
    VX86_GDB_TRACE=1 start interrupt || return 1
    timeout 60 "$GDB" -batch -nx "$IMAGE" -ex "set confirm off" -ex "target remote 127.0.0.1:$PORT" \
        -ex 'break main' -ex 'continue' -ex 'delete' -ex 'set var gdb_spin = 1' -ex 'continue' \
        -ex 'printf "spins-nonzero=%d\n", gdb_spins != 0' \
        -ex 'set var gdb_spin = 0' -ex 'continue' >"$WORK/interrupt.gdb" 2>&1 &
    gdb_pid=$!
    for _ in $(seq 200); do
        [ "$(grep -c '^gdb <- vCont;c' "$WORK/interrupt.err")" -ge 2 ] && break
        sleep 0.05
    done
    sleep 0.5
    kill -INT "$gdb_pid"   # gdb turns SIGINT into the 0x03 byte
    wait "$gdb_pid"
    for _ in $(seq 400); do
        kill -0 "$DRIVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    kill "$DRIVER_PID" 2>/dev/null
    wait "$DRIVER_PID" 2>/dev/null
    grep -q 'received signal SIGINT' "$WORK/interrupt.gdb"
}
for attempt in 1 2 3; do
    interrupt_session && break
    echo "note: Ctrl-C attempt $attempt: gdb did not report SIGINT; trying again"
done
f=$WORK/interrupt.gdb
expect "interrupt: gdb reports SIGINT" "$f" 'received signal SIGINT'
expect "interrupt: the guest had been running" "$f" '^spins-nonzero=1$'
expect "interrupt: continue after the interrupt runs to the end" "$f" 'exited with code 01\]'

# ---- 4. detach lets the guest run on; kill stops it ----
if start detach; then
    gdb_batch detach -ex 'break gdb_bump' -ex 'continue' -ex 'detach'
    finish detach
    expect "detach: stopped at the breakpoint first" "$WORK/detach.gdb" '^Breakpoint 1, gdb_bump'
    expect "detach: gdb detached" "$WORK/detach.gdb" '\(Remote target\) detached\]'
    expect "detach: the guest ran to its end" "$WORK/detach.out" '^counter=15 table0=11111111$'
    expect "detach: the emulator saw the exit" "$WORK/detach.err" '^gdb-driver: exit status 1$'
fi
if start kill; then
    gdb_batch kill -ex 'break gdb_bump' -ex 'continue' -ex 'kill'
    finish kill
    expect "kill: the emulator stopped at gdb's request" "$WORK/kill.err" '^gdb-driver: killed by gdb$'
    if grep -q counter= "$WORK/kill.out"; then fail "kill: the guest did not run on" "$WORK/kill.out"; else pass "kill: the guest did not run on"; fi
fi

# ---- 5. malformed input over the socket, against the ASan/UBSan build ----
table=$(nm "$IMAGE" | awk '$3 == "gdb_table" { print $1 }')
if start malformed "$DRIVER_SAN"; then
    if "$RAWCLIENT" "$PORT" "$table" >"$WORK/malformed.log" 2>&1; then
        pass "malformed: the stub answered correctly throughout"
    else
        fail "malformed: the stub answered correctly throughout" "$WORK/malformed.log"
    fi
    finish malformed
    expect "malformed: the emulator ended cleanly" "$WORK/malformed.err" '^gdb-driver: killed by gdb$'
    if grep -qE 'Sanitizer|runtime error' "$WORK/malformed.err"; then
        fail "malformed: no sanitizer reports" "$WORK/malformed.err"
    else
        pass "malformed: no sanitizer reports"
    fi
fi

echo "gdb-tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
