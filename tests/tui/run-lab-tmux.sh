#!/bin/sh
# End-to-end test of the lab screen: `vx86 lab labs/paging/lab.lua --seed 7` on a terminal (tmux),
# answered from its own --solve output (one answer deliberately wrong), checked through
# `tmux capture-pane`: step text, questions, feedback, score, the pictures pane (page table, then
# page walks), the machine panes, a debugger key and a ':' Lua line on the lab's machine, and the
# "terminal too small" message.
#   usage: tests/tui/run-lab-tmux.sh VX86   (run from anywhere; labs run from the repo root)
set -u
VX=$1
cd "$(dirname "$0")/../.." || exit 2
case $VX in /*) ;; *) VX=$(pwd)/$VX ;; esac
LAB=labs/paging/lab.lua
SEED=7
SESSION=vx86-lab-test-$$
SOCKET=vx86-lab-$$
TMP=$(mktemp -d)
passed=0
failed=0

if ! command -v tmux >/dev/null 2>&1; then
    echo "lab-tui-tests: tmux is not installed" >&2
    exit 1
fi

. tests/tui/tmux-lib.sh
cleanup() { tm kill-server 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

start() {   # start WIDTH HEIGHT: the lab in a fresh detached session
    tm kill-session -t "$SESSION" 2>/dev/null
    tm new-session -d -s "$SESSION" -x "$1" -y "$2" -c "$(pwd)" \
        "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $VX lab $LAB --seed $SEED; sleep 30"
}
message() { screen | tail -2 | head -1; }   # the status (message) line

wait_message_change() {   # wait_message_change OLD: until the status line is no longer OLD
    i=0
    while [ $i -lt 100 ]; do
        [ "$(message)" != "$1" ] && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}


# The reference answers, "id = value" per line.
"$VX" lab $LAB --seed $SEED --solve | grep -v '^#' | grep -v '^seed =' > "$TMP/answers"
total=$(wc -l < "$TMP/answers")
if [ "$total" -lt 5 ]; then
    echo "FAIL: --solve printed $total answers"
    exit 1
fi
answer_of() { sed -n "s/^$1 = //p" "$TMP/answers"; }
WRONG=p2_user_write   # answered wrongly on purpose: the feedback must say so
points_total=$("$VX" lab $LAB --seed $SEED --solve | sed -n 's/^# end of lab: \([0-9]*\) points in all/\1/p')
wrong_points=1

# --- 1. step 1: text, the page-table picture, the machine panes ---
start 120 40
wait_for "press Enter for the next step" 200
check "lab pane: step header" "== Step 1/7: The page tables the guest built =="
check "lab pane: step text" "The guest turned paging on with CR3 = 0x00113000"
check "lab pane: picture reference" "[picture 1, page table: see the Pictures pane]"
check "pictures pane" "Pictures"
check "pictures pane: the page table" "-- page table (step 1) --"
check "pictures pane: page directory" "page directory @ 0x00113000"
check "machine pane: registers of the lab's machine" "CR3 00113000"
check "machine pane: serial of the lab's machine" "paging: ready seed=7"
check "key line" "Enter: next step"
# Debugger keys on the lab's machine (focus on the registers pane first): a step (the guest
# sits in its final HLT), then the page walk of ESP in the machine's Page walk tab.
keys Tab; keys Tab; keys s
sleep 0.3
check_re "debugger key s on the lab screen" "stepped to main\+|guest halted"
keys p; wait_for "page walk of"; keys -l esp; keys Enter
wait_for "PDE[0] @0x00113000"
check "debugger key p: the lab machine's page walk" "PDE[0] @0x00113000 = 0x000000e3"
# A ':' Lua line runs against the lab's machine: CR3 = 0x113000 = 1126400.
keys : ; wait_for ":" ; keys -l 'm:reg("cr3")' ; keys Enter
wait_for "1126400"
check "':' Lua line sees the lab's machine" "1126400"

# --- 2. answer every question from the --solve output ---
keys Enter
n=0
first=1
while [ $n -lt 80 ]; do
    n=$((n + 1))
    msg=$(message)
    case $msg in
    *"end of the lab"*) break ;;
    *"press Enter for the next step"*)
        keys Enter
        wait_message_change "$msg"
        ;;
    *"question "*": type the answer"*)
        id=$(echo "$msg" | sed -n 's/^ *question \([a-z0-9_]*\): type the answer.*/\1/p')
        ans=$(answer_of "$id")
        [ "$id" = "$WRONG" ] && ans=yes
        [ "$id" = "$WRONG" ] && [ "$(answer_of "$id")" = yes ] && ans=no
        keys -l "$ans"
        keys Enter
        wait_message_change "$msg"
        if [ $first = 1 ]; then
            first=0
            check "first question asked" "Q a1_dir (1 point): page-directory index of"
            check "answer echoed in the lab pane" "> $ans"
            check_re "feedback in the lab pane" "│ +correct +│"
            check "feedback on the status line" "a1_dir: correct (score 1/1)"
            check "score in the header" "score 1/1"
        fi
        if [ "$id" = "$WRONG" ]; then
            # up to three tries (the lab's default policy), then the answer
            check_re "wrong answer: feedback" "not quite: (try again|the answer is $(answer_of "$id"))"
        fi
        ;;
    *) sleep 0.1 ;;
    esac
done

# --- 3. the last step's page walks in the pictures pane, the final score ---
wait_for "end of the lab"
want=$((points_total - wrong_points))
check "end of the lab" "end of the lab: score $want/$points_total"
check "last step in the lab pane" "== Step 7/7: Check against the live machine =="
check "check line" "check: ok - the walks by hand agree with the machine's walks"
check_re "pictures pane: a page walk" "-- page walk of 0x[0-9a-f]{8} \(read\) \(step 7\) --"
check_re "pictures pane: walk steps" "1\. PDE +\[ *[0-9]+\] @ 0x[0-9a-f]{8} = 0x[0-9a-f]{8}"
check "pictures pane: walk result" "=> physical 0x$(answer_of a1_result | sed 's/^0x//' | awk '{printf "%08s", $0}' | tr ' ' 0)"
keys Enter
wait_for "vx86 lab: end of lab: score"
check "summary after the screen closes" "vx86 lab: end of lab: score $want/$points_total"

# --- 4. too small, then resized to the smallest size that works: 80x24 ---
start 60 20
wait_for "terminal too small" 200
check "too small message" "terminal too small (need 80x24, have 60x20)"
tm resize-window -t "$SESSION" -x 80 -y 24 2>/dev/null
wait_for "== Step 1/7"
check "lab screen at 80x24" "== Step 1/7: The page tables"
check "lab screen at 80x24: registers" "Registers"
keys C-q
wait_for "vx86 lab: lab stopped at step 1 of 7"
check "Ctrl-Q stops the lab" "vx86 lab: lab stopped at step 1 of 7: score 0/0"

echo "lab-tui-tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
