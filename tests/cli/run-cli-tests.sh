#!/usr/bin/env bash
# Shell tests of the vx86 binary as a user runs it: help, version, usage errors, bad images,
# exit statuses and --stats. Guest images are made on the spot by tests/cli/mkelf.c.
#   tests/cli/run-cli-tests.sh [VX86]       (default build/vx86)
# Prints "cli-tests: N passed, M failed" and exits non-zero if any test failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
vx86=$(realpath "${1:-$root/build/vx86}")
work=$(mktemp -d /tmp/vx86-cli-XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

if [ ! -x "$vx86" ]; then
    echo "cli-tests: $vx86 not found; run 'make' first" >&2
    echo "cli-tests: 0 passed, 1 failed"
    exit 1
fi
if ! ${CC:-cc} -std=c11 -Wall -Wextra -Werror -I"$root" "$here/mkelf.c" -o "$work/mkelf"; then
    echo "cli-tests: cannot build tests/cli/mkelf.c"
    echo "cli-tests: 0 passed, 1 failed"
    exit 1
fi
for kind in loop halt hello cmdline spin triple elf64 truncated nombheader; do
    "$work/mkelf" "$kind" "$work/$kind.elf" || exit 1
done
printf 'this is a text file, not a kernel\n' >"$work/text.elf"

# run NAME EXPECTED_STATUS ARGS...: runs vx86 (60 s at most) from $work, keeping stdout and stderr.
out=""
err=""
status=0
run() {
    (cd "$work" && timeout 60 "$vx86" "$@" >"$work/stdout" 2>"$work/stderr")
    status=$?
    out=$(cat "$work/stdout")
    err=$(cat "$work/stderr")
}

pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() {
    failed=$((failed + 1))
    echo "FAIL - $1: $2"
    echo "       status $status; stdout: $(head -c 300 "$work/stdout" | tr '\n' '|')"
    echo "       stderr: $(head -c 300 "$work/stderr" | tr '\n' '|')"
}

# expect NAME STATUS STDOUT_FRAGMENT STDERR_FRAGMENT -- ARGS...  (empty fragment: not checked)
expect() {
    local name=$1 want=$2 want_out=$3 want_err=$4
    shift 5
    run "$@"
    if [ "$status" -ne "$want" ]; then
        fail "$name" "exit status $status, expected $want"
    elif [ -n "$want_out" ] && [[ "$out" != *"$want_out"* ]]; then
        fail "$name" "stdout lacks '$want_out'"
    elif [ -n "$want_err" ] && [[ "$err" != *"$want_err"* ]]; then
        fail "$name" "stderr lacks '$want_err'"
    else
        pass "$name"
    fi
}

# ---- the program itself
expect "version" 0 "vx86 0.1.0" "" -- --version
expect "help" 0 "usage: vx86" "" -- --help
expect "help lists exit statuses" 0 "--max-cycles reached" "" -- --help
expect "run --help documents the signal statuses" 0 "130/143 stopped by SIGINT (Ctrl-C) / SIGTERM" "" -- run --help
expect "run --help" 0 "Options of 'run'" "" -- run --help
expect "unknown command" 2 "" "vx86: unknown command 'frobnicate'" -- frobnicate
expect "unknown top-level option" 2 "" "Try 'vx86 --help'." -- --frobnicate
expect "gui with a missing image" 4 "" "vx86: missing.elf" -- gui missing.elf
expect "tui with a missing image" 4 "" "vx86: missing.elf" -- tui missing.elf
expect "tui without a terminal" 2 "" "needs a terminal" -- tui halt.elf

# ---- usage errors: status 2, one line plus the hint
expect "unknown run option" 2 "" "vx86: unknown option '--bogus' for 'run'" -- run halt.elf --bogus
expect "usage hint" 2 "" "Try 'vx86 --help'." -- run halt.elf --bogus
expect "run without image" 2 "" "needs an IMAGE" -- run
expect "missing option argument" 2 "" "option '--memory' needs an argument" -- run halt.elf --memory
expect "memory too small" 2 "" "between 2M and 3G" -- run halt.elf --memory 1M
expect "memory not a size" 2 "" "bad memory size 'lots'" -- run halt.elf --memory lots
expect "max-cycles not a number" 2 "" "--max-cycles: 'abc' is not a number" -- run halt.elf --max-cycles abc
expect "max-cycles not whole" 2 "" "not a whole number" -- run halt.elf --max-cycles 1.5
expect "two images" 2 "" "unexpected argument 'loop.elf'" -- run halt.elf loop.elf

# ---- bad images and modules: status 4, the file named
expect "missing image" 4 "" "vx86: nothere.elf: cannot open: No such file or directory" -- run nothere.elf
expect "text file" 4 "" "vx86: text.elf: not an ELF file" -- run text.elf
expect "truncated ELF" 4 "" "vx86: truncated.elf: segment 0 data (offset 0x200, size 2) beyond end of file" \
    -- run truncated.elf
expect "64-bit ELF" 4 "" "vx86: elf64.elf: ELF class 64 not supported: need ELF32 i386" -- run elf64.elf
expect "no multiboot header" 4 "" "vx86: nombheader.elf: no multiboot header in the first 8 KiB" \
    -- run nombheader.elf
expect "missing module" 4 "" "vx86: gone.bin: cannot open: No such file or directory" \
    -- run halt.elf --module "gone.bin,some args"

# ---- guests: exit statuses from the machine
expect "halted guest exits 0" 0 "" "" -- run halt.elf
expect "debug-exit status and serial output" 7 "hello from guest" "" -- run hello.elf
expect "multiboot command line" 3 "cmdline.elf root=/dev/x quiet" "" -- run --cmdline "root=/dev/x quiet" cmdline.elf
expect "command line is the path alone" 3 "" "" -- run cmdline.elf
if [ "$status" -eq 3 ] && [ "$out" != "cmdline.elf" ]; then fail "path-alone command line text" "got '$out'"; fi
expect "max-cycles stops a loop" 6 "" "vx86: stopped after 1000000 cycles (--max-cycles)" \
    -- run loop.elf --max-cycles 1e6
expect "triple fault" 8 "" "triple fault" -- run triple.elf
expect "options after the image" 7 "hello from guest" "" -- run hello.elf --memory 32M --max-cycles 5e6

run run hello.elf --stats
stats_ok=1
for key in instructions cycles host-seconds mips; do
    grep -Eq "^$key: [0-9]+(\.[0-9]+)?$" "$work/stderr" || stats_ok=0
done
if [ "$status" -eq 7 ] && [ "$stats_ok" -eq 1 ]; then pass "--stats"; else fail "--stats" "missing or malformed lines"; fi

# ---- costs, traces, --realtime
expect "costs prints the default table" 0 "basic = 1" "" -- costs
expect "costs takes no arguments" 2 "" "vx86: 'costs' takes no arguments" -- costs x
expect "run --help lists --trace" 0 "--trace-chrome FILE" "" -- run --help
printf 'basic = 2\nfrob = 1\n' >"$work/bad.costs"
expect "unknown cost name" 2 "" "vx86: bad.costs:2: unknown cost 'frob'" -- run hello.elf --costs bad.costs
expect "missing cost file" 2 "" "vx86: nope.costs: cannot open: No such file or directory" -- run hello.elf --costs nope.costs
expect "trace-size zero" 2 "" "--trace-size: must be between 1 and" -- run hello.elf --trace-size 0
expect "trace file cannot be created" 2 "" "vx86: nodir/t.jsonl: cannot create: No such file or directory" \
    -- run hello.elf --trace nodir/t.jsonl
expect "trace written at --max-cycles" 6 "" "" -- run loop.elf --max-cycles 1e5 --trace t.jsonl --trace-chrome t.json
if [ "$status" -eq 6 ] && grep -q '^{"kind":"trace_info"' "$work/t.jsonl" && grep -q '"traceEvents"' "$work/t.json"; then
    pass "trace files exist after --max-cycles"
else
    fail "trace files exist after --max-cycles" "missing or empty"
fi
expect "--realtime runs a guest" 7 "hello from guest" "" -- run hello.elf --realtime
printf 'basic = 3\nsystem = 3\n' >"$work/slow.costs"
run run halt.elf --stats
plain=$(sed -n 's/^cycles: //p' "$work/stderr")
run run halt.elf --stats --costs slow.costs
slow=$(sed -n 's/^cycles: //p' "$work/stderr")
if [ -n "$plain" ] && [ -n "$slow" ] && [ "$slow" -gt "$plain" ]; then
    pass "--costs changes the cycle count ($plain -> $slow)"
else
    fail "--costs changes the cycle count" "'$plain' -> '$slow'"
fi

# ---- bounded runs: outputs checked first, reads capped, Ctrl-C keeps the evidence
expect "console output before vx86's own lines" 6 "" "" -- run spin.elf --max-cycles 1000
if [ "$status" -eq 6 ] && [ "$(head -c 50 "$work/stderr")" = ".vx86: stopped after 1000 cycles (--max-cycles)" ]; then
    pass "0xE9 console flushed before the --max-cycles line"
else
    fail "0xE9 console flushed before the --max-cycles line" "stderr starts '$(head -c 50 "$work/stderr")'"
fi
expect "unwritable snapshot path, before the run" 2 "" "vx86: nodir/x.snap: cannot write: No such file or directory" \
    -- run hello.elf --snapshot-at 1000 nodir/x.snap
if [ -n "$out" ]; then fail "unwritable snapshot path refused before the guest ran" "stdout '$out'"; fi
mkdir -p "$work/adir"
expect "snapshot path that is a directory" 2 "" "vx86: adir: cannot write: Is a directory" \
    -- run hello.elf --snapshot-at 1000 adir
expect "snapshot point after the end: a warning, the guest's status" 7 "hello from guest" \
    "vx86: warning: late.snap not written: the run ended at cycle" -- run hello.elf --snapshot-at 1e15 late.snap
if [ -e "$work/late.snap" ]; then fail "no late snapshot file" "late.snap exists"; fi
if [ -w /dev/full ]; then
    expect "trace that cannot be written" 2 "" "vx86: /dev/full: write error" -- run hello.elf --trace /dev/full
fi
expect "serial input without end is refused" 2 "" \
    "vx86: /dev/zero: serial input longer than 64 MiB (the --serial-input limit)" -- run hello.elf --serial-input /dev/zero
# Input queued before the guest sets the port up waits for RTS (flow control): the FIFO reset of
# the guest's UART set-up used to drop the first byte without --input-after.
if [ -f "$root/build/examples/login.elf" ]; then
    printf 'ada\n' >"$work/in.txt"
    expect "serial input before the guest is ready loses no byte" 1 "welcome, ada." "" -- \
        run "$root/build/examples/login.elf" --serial-input in.txt
else
    fail "serial input before the guest is ready" "build/examples/login.elf missing: run 'make'"
fi
expect "restore from /dev/zero" 4 "" "vx86: /dev/zero: not a vx86 snapshot" -- run --restore /dev/zero

# wait_for PID FILE [TEXT]: wait (10 s at most) until FILE contains TEXT (without TEXT: anything)
# while PID lives.
wait_for() {
    for _ in $(seq 100); do
        if [ $# -gt 2 ]; then grep -qF -- "$3" "$2" 2>/dev/null && return 0; else [ -s "$2" ] && return 0; fi
        kill -0 "$1" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
# reap PID: its exit status into $status (SIGKILL after 20 s: a hang is a failure, not a stuck suite).
reap() {
    for _ in $(seq 200); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    status=$?
}

# SIGINT/SIGTERM on a running guest: it stops at an instruction boundary, the trace and stats are
# written, and vx86 ends by that signal (the shell sees 128 + N). A script's background jobs start
# with SIGINT ignored (and vx86 leaves an ignored signal ignored): env puts the default back.
for sig in INT TERM; do
    want=$((128 + $(kill -l "$sig")))
    rm -f "$work/sig.jsonl"
    env --default-signal=INT "$vx86" run "$work/spin.elf" --stats --trace "$work/sig.jsonl" --trace-size 1000 >"$work/stdout" 2>"$work/stderr" &
    pid=$!
    if wait_for "$pid" "$work/stdout"; then   # the guest runs: its newline is on COM1
        kill -s "$sig" "$pid"
    fi
    reap "$pid"
    events=$(grep -c '"kind":"cr3_write"' "$work/sig.jsonl" 2>/dev/null)
    if [ "$status" -eq "$want" ] && grep -q "^\.\{0,1\}vx86: stopped by SIG$sig at cycle [0-9]*$" "$work/stderr" &&
        grep -Eq '^instructions: [0-9]+$' "$work/stderr" && grep -Eq '^cycles: [0-9]+$' "$work/stderr" &&
        [ "${events:-0}" -eq 1000 ] && python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
info = json.loads(lines[0])
assert info["kind"] == "trace_info" and info["events"] == 1000 and info["dropped"] > 0, info
for l in lines[1:]: json.loads(l)' "$work/sig.jsonl"; then
        pass "SIG$sig: status $want, trace ($events events) and stats written"
    else
        fail "SIG$sig keeps the evidence" "status $status (want $want), $events trace events"
    fi
done

# Ctrl-C while --gdb waits for its debugger: the same evidence, the same status.
env --default-signal=INT "$vx86" run "$work/spin.elf" --gdb 0 --stats --trace "$work/gdb.jsonl" \
    >"$work/stdout" 2>"$work/stderr" &
pid=$!
wait_for "$pid" "$work/stderr" "listening on 127.0.0.1:" && kill -s INT "$pid"
reap "$pid"
if [ "$status" -eq 130 ] && grep -qF "vx86: stopped by SIGINT at cycle 0" "$work/stderr" &&
    grep -q '^{"kind":"trace_info"' "$work/gdb.jsonl"; then
    pass "SIGINT while --gdb waits: status 130, trace and stats written"
else
    fail "SIGINT while --gdb waits" "status $status"
fi

# --max-cycles holds under --gdb after gdb detaches.
"$vx86" run "$work/spin.elf" --gdb 0 --max-cycles 2e6 >"$work/stdout" 2>"$work/stderr" &
pid=$!
if wait_for "$pid" "$work/stderr" "listening on 127.0.0.1:"; then
    port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/stderr")
    python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"$D#44")
reply = b""
while b"#" not in reply:
    chunk = s.recv(64)
    if not chunk: break
    reply += chunk
assert b"$OK#" in reply, reply
s.close()' "$port" || kill -KILL "$pid" 2>/dev/null
fi
reap "$pid"
if [ "$status" -eq 6 ] && grep -qF "vx86: stopped after 2000000 cycles (--max-cycles)" "$work/stderr"; then
    pass "--max-cycles holds after gdb detaches"
else
    fail "--max-cycles holds after gdb detaches" "status $status"
fi

# ---- the default demo (the toy OS beside the binary, and its VM image) found wherever we run from
mkdir -p "$work/bin" "$work/elsewhere"
cp "$vx86" "$work/bin/vx86"
(cd "$work/elsewhere" && timeout 60 "$work/bin/vx86" >"$work/stdout" 2>"$work/stderr")
status=$?
if [ "$status" -eq 4 ] && grep -q "demo image .*bin/os/kernel.elf not found; run 'make' first" "$work/stderr"; then
    pass "missing demo image"
else
    fail "missing demo image" "expected status 4 and the 'not found' message"
fi
built=$(cd "$(dirname "$vx86")" && pwd)
mkdir -p "$work/bin/guest"
ln -s "$built/os" "$work/bin/os"
(cd "$work/elsewhere" && timeout 60 "$work/bin/vx86" >"$work/stdout" 2>"$work/stderr")
status=$?
if [ "$status" -eq 4 ] && grep -q "demo image .*bin/guest/demo.elf not found" "$work/stderr"; then
    pass "missing demo VM image"
else
    fail "missing demo VM image" "expected status 4 and the 'not found' message"
fi
cp "$built/guest/demo.elf" "$work/bin/guest/demo.elf"
(cd "$work/elsewhere" && timeout 300 "$work/bin/vx86" >"$work/stdout" 2>"$work/stderr")
status=$?
if [ "$status" -eq 0 ] && grep -q "^== 6. Try next ==" "$work/stdout" && grep -q "vm 2 (asid 2, 8 MiB)" "$work/stdout"; then
    pass "default demo runs bin/os with bin/guest/demo.elf as its VMs, exit 0"
else
    fail "default demo runs bin/os with bin/guest/demo.elf" "expected status 0 and its last section"
fi

echo "cli-tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
