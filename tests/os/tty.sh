#!/bin/sh
# `vx86 os` on a real terminal (tmux): the console is raw, so the guest's line discipline echoes what
# is typed, Ctrl-C reaches the guest as SIGINT to the foreground job, Ctrl-] leaves and the
# terminal is restored. Run by tests/os/run.sh where tmux is installed.
set -u
cd "$(dirname "$0")/../.."
SESSION=os SOCKET=vx86-os-$$ passed=0 failed=0
. tests/tui/tmux-lib.sh
tm new-session -d -s "$SESSION" -x 100 -y 30 "build/vx86 os; echo vx86-exit=\$?; stty -a | grep -o ' icanon'; sleep 30"
trap 'tm kill-server 2> /dev/null' EXIT
wait_for_re '^\$' 300 || echo "tty: no prompt"
keys 'echo typed on a tty' Enter
wait_for 'typed on a tty' 100
check "echo" "typed on a tty"
keys 'sleep 100' Enter
wait_for '$ sleep 100' 100
keys C-c
wait_for '^C' 100
keys 'echo after ctrl-c' Enter
wait_for_re '^after ctrl-c' 100
check_re "Ctrl-C interrupts the job, the shell answers" '^after ctrl-c'
keys C-]
wait_for 'vx86-exit=' 100
check "Ctrl-] leaves with status 0" 'vx86-exit=0'
wait_for ' icanon' 50
check "the terminal is restored (canonical mode)" ' icanon'
[ "$failed" -eq 0 ] || exit 1
echo "tty: $passed checks passed"
