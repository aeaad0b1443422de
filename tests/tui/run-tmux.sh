#!/bin/sh
# End-to-end tests of the ncurses TUI: drive it inside tmux with a pinned size, TERM and locale,
# send keys, and check what `tmux capture-pane` shows. Section 4 runs gdb against `--gdb 0`.
#   usage: tests/tui/run-tmux.sh TUI-COMMAND SYMBOL-GUEST ECHO-GUEST
# TUI-COMMAND runs `vx86 tui` (build/tests/tui-driver, or "build/vx86 tui").
set -u
TUI=$1
SYM_GUEST=$2
ECHO_GUEST=$3
SESSION=vx86-tui-test-$$
SOCKET=vx86-tui-$$
passed=0
failed=0

if ! command -v tmux >/dev/null 2>&1; then
    echo "tui-tests: tmux is not installed" >&2
    exit 1
fi

. "$(dirname "$0")/tmux-lib.sh"
cleanup() { tm kill-server 2>/dev/null; }
trap cleanup EXIT

start() {   # start WIDTH HEIGHT ARGS...: the TUI in a fresh detached session
    w=$1 h=$2
    shift 2
    tm kill-session -t "$SESSION" 2>/dev/null
    tm new-session -d -s "$SESSION" -x "$w" -y "$h" \
        "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $TUI $*; sleep 30"
    wait_for_re "press \? for help|terminal too small"
}


# --- 1. breakpoint on a symbol, continue, step ---
start 120 40 "$SYM_GUEST"
check "layout" "Disassembly"
check "layout" "Registers"
check "entry stop" "stopped at entry"
keys : ; wait_for ":" ; keys -l "break main" ; keys Enter
wait_for "breakpoint set at main"
check "break command" "breakpoint set at main"
keys c
wait_for "breakpoint at main"
check "continue stops at main" "breakpoint at main ("
check_re "disassembly marks EIP at main" "=> [0-9a-f]{8} <main> "
check "disassembly labels main" "│main:"
check "serial shows guest output" "--- vx86 guest begin ---"
keys s
wait_for "stepped to main+0x1"
check "step message" "stepped to main+0x1"
check_re "disassembly follows the step" "=> [0-9a-f]{8} <main\+0x1>"
check_re "registers pane: EIP after the step" "EIP [0-9a-f]{8}"
# push ebp moved ESP down by 4: the register pane shows the new value.
esp=$(screen | grep -oE "ESP [0-9a-f]{8}" | head -1 | cut -d' ' -f2)
if [ -n "$esp" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: no ESP on screen"; fi
check_re "registers pane: EAX" "EAX [0-9a-f]{8}  EBX [0-9a-f]{8}"
check "stack pane" "Stack"
keys :; wait_for ":"; keys -l "regs"; keys Enter
check_re "regs command" "eax=[0-9a-f]{8} ebx="
keys 7
wait_for "Page walk"
check "page-walk tab" "paging off: linear = physical"
keys q

# --- 2. typing into the serial console reaches the guest, which echoes it ---
start 120 40 "$ECHO_GUEST"
keys c
wait_for "echo ready"
check "echo guest started" "echo ready: type a line"
keys i
wait_for "typing to the guest"
keys -l "hello tui"
keys Enter
wait_for "echo: hello tui"
check "guest echoed the typed line" "echo: hello tui"
keys Escape
wait_for "serial typing ended"
keys q

# --- 3. a terminal that is too small gets a clear message, and resizing brings the layout back ---
start 60 20 "$ECHO_GUEST"
check "too small message" "terminal too small (need 80x24, have 60x20)"
tm resize-window -t "$SESSION" -x 80 -y 24 2>/dev/null
wait_for "Registers"
check "layout after resize to 80x24" "Registers"
keys q

# --- 3b. the layout at 80x24, 100x30 and 200x50: every size shows the machine, and no size cuts
# an instruction's operands (a jump's target and its <symbol+offset> label are the longest) ---
at_main() {   # at_main W H: the symbol guest stopped at main's breakpoint in a W x H terminal
    start "$1" "$2" "$SYM_GUEST"
    keys : ; wait_for ":" ; keys -l "break main" ; keys Enter
    wait_for "breakpoint set at main"
    keys c
    wait_for "breakpoint at main ("
}
at_main 80 24
check_re "80x24: disassembly marks EIP at main" "=> [0-9a-f]{8} <main> +55 +push +ebp"
check_re "80x24: registers" "EAX [0-9a-f]{8}  EBX [0-9a-f]{8}"
check "80x24: the flags line is whole" "IOPL 0 │"
check "80x24: the tabbed pane names the stack tab" "3:Stack"
keys 3
wait_for "esp "
check_re "80x24: key 3 shows the stack" "esp [0-9a-f]{8} \+00"
keys q
at_main 100 30
check_re "100x30: a jump shows its whole target" "jge +0x[0-9a-f]+ <main\+0x[0-9a-f]+> "
check_re "100x30: registers" "EIP [0-9a-f]{8}  EFL [0-9a-f]{8}"
keys q
at_main 200 50
check_re "200x50: a jump shows its whole target" "jge +0x[0-9a-f]+ <main\+0x[0-9a-f]+> "
check_re "200x50: registers beside the disassembly" "│main: +││EAX [0-9a-f]{8}"
check "200x50: stack pane of its own" "─ Stack ─"
check_re "200x50: memory tab" "─ Memory [0-9a-f]{8}"
# the disassembly pane is at least 140 columns wide: its top border runs that far before the corner
if screen | grep -qE "^┌─ Disassembly[^┐]{130,}┐"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: 200x50: disassembly narrower than 140 columns"; screen | head -3; fi
keys q

# --- 4. --gdb: gdb connects while the TUI shows the machine, and the TUI shows gdb's stop ---
if command -v gdb >/dev/null 2>&1; then
    GDB_ERR=$(mktemp)
    start 120 40 "$SYM_GUEST --gdb 0 2>$GDB_ERR"
    port=$(sed -n 's/^vx86: gdb stub listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$GDB_ERR")
    if [ -n "$port" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: gdb: no port on stderr"; cat "$GDB_ERR"; fi
    check "gdb: port in the header" "gdb :$port"
    check "gdb: port in the message" "gdb may connect on 127.0.0.1:$port"
    GDB_OUT=$(timeout 60 gdb -batch -nx "$SYM_GUEST" -ex "set confirm off" -ex "target remote 127.0.0.1:$port" \
        -ex "break main" -ex "continue" -ex "info registers eip" 2>&1)
    if echo "$GDB_OUT" | grep -qE '^eip +0x[0-9a-f]+ +0x[0-9a-f]+ <main\+[0-9]+>'; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); echo "FAIL: gdb: info registers eip is not in main"; echo "$GDB_OUT" | sed 's/^/    | /'
    fi
    eip=$(echo "$GDB_OUT" | sed -n 's/^eip *0x\([0-9a-f]*\) .*/\1/p')
    eip8=$(printf '%08x' "0x${eip:-0}")
    wait_for "gdb detached at main+"
    check_re "gdb: header shows the stop in main" "stopped at main\+0x[0-9a-f]+ \(0x$eip\)"
    check "gdb: message after gdb detached" "gdb detached at main+"
    check_re "gdb: disassembly marks gdb's stop" "=> $eip8 <main\+0x[0-9a-f]+>"
    check_re "gdb: registers pane shows EIP" "EIP $eip8"
    # The TUI drives the machine again: a step works.
    keys s
    wait_for "stepped to"
    check "gdb: keys work after the detach" "stepped to main+"
    keys q
    rm -f "$GDB_ERR"
else
    echo "tui-tests: gdb not installed, --gdb tests skipped"
fi

# --- 5. step back (S) and reverse continue (C): back through recorded history and forward again ---
start 132 40 "$SYM_GUEST"
keys : ; wait_for ":" ; keys -l "break main" ; keys Enter
wait_for "breakpoint set at main"
keys c
wait_for "breakpoint at main ("
regs_at() { screen | grep -oE "(EAX|EBX|ECX|EDX|ESP|EBP|ESI|EDI|EIP) [0-9a-f]{8}" | sort | tr '\n' ' '; }
at_main=$(regs_at)
keys s; wait_for "stepped to main+0x1"
keys s; wait_for_re "stepped to main\+0x[3-9a-f]"
after2=$(regs_at)
keys S
wait_for "stepped back to main+0x1"
check "step back: message names where" "stepped back to main+0x1"
check "step back: how far before the present" "(1 instructions before the present)"
check "step back: header says the machine is in the past" "stopped in the past at main+0x1"
check_re "step back: disassembly marks EIP" "=> [0-9a-f]{8} <main\+0x1>"
keys S
wait_for "stepped back to main ("
check "step back twice: at main again" "(2 instructions before the present)"
if [ "$(regs_at)" = "$at_main" ] && [ -n "$at_main" ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: step back: registers differ from the stop at main: '$(regs_at)' vs '$at_main'"; fi
keys s; wait_for "stepped to main+0x1"
keys s; wait_for_re "stepped to main\+0x[3-9a-f]"
if [ "$(regs_at)" = "$after2" ] && [ -n "$after2" ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: step forward again: registers differ: '$(regs_at)' vs '$after2'"; fi
check "forward again reaches the present" "stopped at main+"
keys C
wait_for "back at breakpoint main"
check "reverse continue: back at the breakpoint at main" "back at breakpoint main ("
keys C
wait_for "at the start of the history"
check "reverse continue: no earlier hit, the start of the history" "no earlier breakpoint or watchpoint hit: at the start of the history"
keys '?'
wait_for "step back one instruction"
check "help lists step back" "S  step back one instruction"
check "help lists reverse continue" "C  reverse continue"
keys q
keys q

echo "tui-tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
