#!/usr/bin/env bash
# System tests: run each tests/guest/sys image on vx86 (twice: the runs must be identical) and
# compare what follows the runtime's marker line with tests/guest/sys/NAME.expected; where
# qemu-system-i386 is installed, also run it on QEMU and compare.
#
# Usage: tests/guest/sys/run.sh IMAGE.elf...     (from the repository root; `make check-sys`)
# Environment: VX86=path (default build/vx86), SYS_QEMU=0 to skip QEMU, SYS_TIMEOUT=seconds
#              (default 120), SYS_KEEP=dir to keep every output.
#
# Conventions in the programs' output (see README.md):
#   "sdm-only: ..."  lines where QEMU deviates from the SDM: compared on vx86 only.
#   "input: ..."     lines that need scripted COM1 input (NAME.input). The program gets "input" on
#                    its command line; QEMU gets the file on stdin once "input: ready" is printed;
#                    vx86 through --serial-input FILE --input-after "input: ready".
#   "keys: ..."      the same for typed keys (NAME.keys, text): QEMU through monitor `sendkey`
#                    after "keys: ready", vx86 through --keys TEXT --input-after "keys: ready".
# Every line is compared on vx86: a vx86 without those options fails the test (a usage error and
# missing lines), it never skips it.
set -u

BUILD=${BUILD:-build}
VX86=${VX86:-$BUILD/vx86}
TIMEOUT=${SYS_TIMEOUT:-120}
MARKER='--- vx86 guest begin ---'
DIR=tests/guest/sys

passed=0
failed=0
skipped=0
if [ -n "${SYS_KEEP:-}" ]; then
    work=$SYS_KEEP
    mkdir -p "$work"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi

if [ $# -eq 0 ]; then
    echo "usage: $0 IMAGE.elf..." >&2
    exit 2
fi
if [ ! -x "$VX86" ]; then
    echo "error: $VX86 not found: build it first (make $VX86)" >&2
    exit 2
fi

pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
note() { echo "note: $*"; }

after_marker() {
    sed -n "/$MARKER/,\$p" "$1" | tail -n +2 | tr -d '\r'
}

show_diff() {
    diff -u "$1" "$2" | head -n 16 | sed 's/^/    | /'
}

have_qemu=0
if [ "${SYS_QEMU:-1}" != 0 ] && command -v qemu-system-i386 >/dev/null 2>&1; then
    have_qemu=1
else
    note "qemu-system-i386 not used: skipping the QEMU runs"
fi

# wait_for FILE TEXT: until TEXT appears in FILE or the timeout passes (returns 1 then).
wait_for() {
    local i
    for ((i = 0; i < TIMEOUT * 10; i++)); do
        grep -q -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# QEMU key names for the characters of a .keys file.
qemu_keys() {
    local text=$1 i c
    for ((i = 0; i < ${#text}; i++)); do
        c=${text:i:1}
        case "$c" in
            [a-z0-9]) echo "$c" ;;
            ' ') echo spc ;;
            $'\n') echo ret ;;
            *) echo "error: $DIR: no QEMU key name for '$c' in a .keys file" >&2 ;;
        esac
    done
}

send_monitor() {   # send_monitor SOCKET COMMAND...
    python3 - "$@" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
for cmd in sys.argv[2:]:
    s.sendall((cmd + "\n").encode())
    time.sleep(0.15)
time.sleep(0.3)
s.close()
PY
}

# run_qemu IMAGE OUT CMDLINE INPUTFILE KEYSFILE: status in $?
run_qemu() {
    local image=$1 out=$2 cmdline=$3 input=$4 keys=$5
    local monitor=(-monitor none)
    [ -n "$keys" ] && monitor=(-monitor "unix:$work/mon.sock,server=on,wait=off")
    rm -f "$work/stdin.fifo" "$work/mon.sock"
    mkfifo "$work/stdin.fifo"
    timeout "$TIMEOUT" qemu-system-i386 -cpu qemu32 -m 64 -kernel "$image" -append "$cmdline" \
        -serial stdio "${monitor[@]}" -no-reboot -display none \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 <"$work/stdin.fifo" >"$out" 2>&1 &
    local pid=$!
    # No -nographic: its stdio multiplexer (serial + monitor) dropped input bytes the UART was
    # not ready for. Hold the FIFO open so QEMU never sees end-of-file; write input only when the guest asks
    # (SeaBIOS reads COM1 while booting and would eat earlier bytes).
    exec 3>"$work/stdin.fifo"
    if [ -n "$input" ] && wait_for "$out" "input: ready"; then
        cat "$input" >&3
    fi
    if [ -n "$keys" ] && wait_for "$out" "keys: ready"; then
        local names text
        text=$(cat "$keys"; echo .)            # the '.' keeps a trailing newline
        mapfile -t names < <(qemu_keys "${text%.}")
        send_monitor "$work/mon.sock" "${names[@]/#/sendkey }"
    fi
    wait $pid
    local s=$?
    exec 3>&-
    return $s
}

for image in "$@"; do
    name=$(basename "$image" .elf)
    expected=$DIR/$name.expected
    if [ ! -f "$image" ]; then
        fail "$name: $image missing (make sys-images)"
        continue
    fi
    if [ ! -f "$expected" ]; then
        fail "$name: $expected missing"
        continue
    fi
    input=""; keys=""
    [ -f "$DIR/$name.input" ] && input=$DIR/$name.input
    [ -f "$DIR/$name.keys" ] && keys=$DIR/$name.keys

    # ---- vx86 ----
    words=""; vx_args=()
    if [ -n "$input" ]; then
        words+=" input"; vx_args+=(--serial-input "$input" --input-after "input: ready")
    fi
    if [ -n "$keys" ]; then
        words+=" keys"; text=$(cat "$keys"; echo .); vx_args+=(--keys "${text%.}" --input-after "keys: ready")
    fi
    [ -n "$words" ] && vx_args+=(--cmdline "${words# }")
    base=$work/$name.vx86
    timeout "$TIMEOUT" "$VX86" run "$image" "${vx_args[@]}" >"$base.1.raw" 2>"$base.err" </dev/null
    s1=$?
    timeout "$TIMEOUT" "$VX86" run "$image" "${vx_args[@]}" >"$base.2.raw" 2>>"$base.err" </dev/null
    s2=$?
    cp "$expected" "$base.want"
    after_marker "$base.1.raw" >"$base.got"
    if [ $s1 -ne 1 ]; then
        fail "$name vx86: exit status $s1, expected 1"
        tail -n 3 "$base.got" "$base.err" | sed 's/^/    | /'
    elif ! cmp -s "$base.want" "$base.got"; then
        fail "$name vx86: output differs from $expected"
        show_diff "$base.want" "$base.got"
    elif [ $s2 -ne $s1 ] || ! cmp -s "$base.1.raw" "$base.2.raw"; then
        fail "$name vx86: a second run differs"
    else
        pass "$name vx86"
    fi

    # ---- QEMU ----
    if [ $have_qemu = 1 ]; then
        words=""
        [ -n "$input" ] && words+=" input"
        [ -n "$keys" ] && words+=" keys"
        base=$work/$name.qemu
        run_qemu "$image" "$base.raw" "${words# }" "$input" "$keys"
        s=$?
        grep -v '^sdm-only:' "$expected" >"$base.want"
        after_marker "$base.raw" | grep -v '^sdm-only:' >"$base.got"
        if [ $s -ne 1 ]; then
            fail "$name qemu: exit status $s, expected 1"
            tail -n 3 "$base.got" | sed 's/^/    | /'
        elif ! cmp -s "$base.want" "$base.got"; then
            fail "$name qemu: output differs from $expected"
            show_diff "$base.want" "$base.got"
        else
            pass "$name qemu"
        fi
    else
        skipped=$((skipped + 1))
    fi
done

if [ $skipped -gt 0 ]; then
    echo "sys-tests: $passed passed, $failed failed, $skipped skipped"
else
    echo "sys-tests: $passed passed, $failed failed"
fi
[ $failed -eq 0 ] && [ $passed -gt 0 ]
