#!/usr/bin/env bash
# The first hour of a new user (make check-tour), after `make`:
# 1. Every command line of README.md's "A short tour" block is run exactly as written, from a
#    scratch directory that looks like the repository root (build/, examples/, labs/, scripts/,
#    tests/ linked in, so the files the tour writes land there), and what it prints is checked
#    against what the line's comment promises. A tour line this script does not know, or a known
#    line missing from the README, is a failure: the README and this test cannot drift apart.
# 2. The rest of what a newcomer meets first: every command's --help (own usage, status 0),
#    'vx86 tui' without an image, the runtime's fault report (and QEMU printing the same), the
#    triple-fault chain, the examples on QEMU, scripts/guest-cc's usage.
# Prints "ok"/"FAIL" per check and "tour-tests: N passed, M failed"; non-zero exit on failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/vx86-tour-XXXXXX)
sock=vx86-tour-$$
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() {
    failed=$((failed + 1))
    echo "FAIL - $1: $2"
    [ -f "$work/out" ] && echo "       status ${status:-?}; stdout: $(head -c 400 "$work/out" | tr '\n' '|')"
    [ -f "$work/err" ] && echo "       stderr: $(head -c 400 "$work/err" | tr '\n' '|')"
}

for f in build/vx86 build/guest/demo.elf build/examples/hello.elf build/examples/hypervisor.elf build/os/kernel.elf build/os/initrd.img; do
    if [ ! -e "$root/$f" ]; then
        echo "tour-tests: $root/$f not found; run 'make' first"
        echo "tour-tests: 0 passed, 1 failed"
        exit 1
    fi
done
for tool in gdb tmux qemu-system-i386 qemu-system-x86_64 python3; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "tour-tests: $tool is not installed (scripts/install-deps.sh installs it)"
        echo "tour-tests: 0 passed, 1 failed"
        exit 1
    fi
done
for d in build examples labs scripts tests; do ln -s "$root/$d" "$work/$d"; done

# sh LINE: run a shell command line in the scratch directory (2 minutes at most), no stdin.
status=0
sh_line() {
    (cd "$work" && timeout 120 bash -c "$1" >"$work/out" 2>"$work/err" </dev/null)
    status=$?
}
has_out() { grep -qF -- "$1" "$work/out"; }
has_err() { grep -qF -- "$1" "$work/err"; }
# json PYTHON-ASSERTIONS FILE...: run Python over the files (argv[1:]) with json and re imported
json() {
    local code=$1
    shift
    (cd "$work" && python3 -c "import json, re, sys
$code" "$@") 2>&1
}

# ---- 1. the tour ----

# The tour's command lines: the first ``` block after "## A short tour", each line without its
# comment (two spaces or more, then #).
mapfile -t tour < <(awk '/^## A short tour/ { t = 1; next } t && /^```/ { n++; next } t && n == 1 { print } n >= 2 { exit }' \
    "$root/README.md" | sed 's/[[:space:]]\{2,\}#.*$//; s/[[:space:]]*$//')

declare -A checks=(
    ["build/vx86"]=t_demo
    ["build/vx86 os --cmdline 'cmd=ls /bin | wc -l'"]=t_os_cmd
    ["build/vx86 os"]=t_os_shell
    ["build/vx86 run build/examples/hello.elf --stats"]=t_stats
    ["build/vx86 run build/examples/pagefault.elf --trace t.jsonl --trace-chrome t.json"]=t_trace
    ["build/vx86 run build/examples/pagefault.elf --trace-walks --trace w.jsonl"]=t_walks
    ["build/vx86 run build/examples/hypervisor.elf --trace-chrome vm.json"]=t_vms
    ["build/vx86 run build/examples/hypervisor.elf --cmdline broken --explain"]=t_explain
    ["build/vx86 run build/examples/divzero.elf"]=t_divzero
    ["build/vx86 costs > my.costs ; build/vx86 run build/examples/hello.elf --costs my.costs --stats"]=t_costs
    ["build/vx86 run build/guest/demo.elf --snapshot-at 5e6 s.snap ; build/vx86 run --restore s.snap"]=t_snapshot
    ["printf 'ada\\n' > in.txt ; build/vx86 run build/examples/login.elf --serial-input in.txt --input-after \"login: \""]=t_login
    ["build/vx86 run build/examples/hello.elf --gdb 1234"]=t_gdb
    ["build/vx86 tui build/examples/pagefault.elf"]=t_tui
    ["build/vx86 gui build/examples/pagefault.elf --screenshot shot.png --at 5e6"]=t_gui
    ["build/vx86 picture memmap build/examples/pagefault.elf --svg memmap.svg"]=t_picture
    ["build/vx86 lab --list"]=t_lab_list
    ["build/vx86 lab labs/paging/lab.lua --text"]=t_lab
    ["build/vx86 grade labs/paging/lab.lua --seed 3 --answers tests/labs/answers/paging-solution.lua --format gradescope --out results.json"]=t_grade
    ["scripts/guest-cc -O2 examples/hello.c -o hello.elf ; build/vx86 run hello.elf"]=t_guestcc
)

# The demo: exit 0, every section with its one "what:" line, each showing what it promises.
t_demo() {
    sh_line "$1"
    local o=$work/out r=
    for h in "1. Started inside the toy OS" "2. ps, with the VM column" "3. The cgroup tree" \
             "4. Why a VM left guest mode (VM 1's exits)" "5. Who had the CPU (Gantt strip)" "6. Try next"; do
        grep -A1 -xF "== $h ==" "$o" | tail -1 | grep -q '^what: ' || r="$r [section '$h' or its what: line missing]"
    done
    [ "$(grep -c '^  \$ ctr run' "$o")" = 2 ] && [ "$(grep -c '^  \$ vm run' "$o")" = 2 ] || r="$r [not 2 ctr + 2 vm commands]"
    grep -qE '^ +PID +PPID S NS-PID CGROUP +VM +CMD$' "$o" || r="$r [ps header]"
    grep -qE '^ +[0-9]+ +[0-9]+ [RS] +1 /ctr/web ' "$o" && grep -qE '^ +[0-9]+ +[0-9]+ [RS] +1 /ctr/db ' "$o" || r="$r [no container process with NS-PID 1 in /ctr/web and /ctr/db]"
    grep -qE ' vm 1 \(asid 1, 16 MiB\) +vm run /vm/demo.elf$' "$o" && grep -qE ' vm 2 \(asid 2, 8 MiB\) +vm run --memory 8M /vm/demo.elf$' "$o" || r="$r [ps VM column]"
    grep -q '^`- /ctr (cgroup [0-9]*)$' "$o" && grep -q '^   |- /ctr/db (cgroup [0-9]*) tasks' "$o" && grep -q '^   `- /ctr/web (cgroup [0-9]*) tasks' "$o" \
        && grep -q '^/ (cgroup 1) tasks 1 init' "$o" || r="$r [cgroup tree]"
    grep -qE '^   \|    pids   \[#+\.*\] +[0-9.]+%  [1-9][0-9]* / 16$' "$o" || r="$r [db's pids bar against pids.max 16]"
    grep -qE '^        cpu    max 50000 100000 \(50\.0%\)' "$o" || r="$r [web's cpu.max in the tree]"
    grep -q '^limits, read from the OS.s cgroup files: /ctr/web cpu.max 50000 100000; /ctr/db memory.max 8388608, pids.max 16$' "$o" || r="$r [limits]"
    grep -qE '^ioio +0x7b +1452 ' "$o" && grep -qE '^vm 1 vm \(asid 1, vcpu task [0-9]+, 16384 KiB\), ended with status 0' "$o" || r="$r [exit histogram]"
    for row in '\[vm 1\]' '\[vm 2\]' '\[web\]' '\[db\]'; do
        grep -qE "^[0-9]+ [a-z]+ $row +\|.*#.*\| [0-9]+ cycles" "$o" || r="$r [Gantt row $row]"
    done
    [ "$(sed -n '/^== 6. Try next ==$/,$p' "$o" | grep -c '^  build/vx86 ')" = 3 ] || r="$r [three commands to try]"
    local again
    again=$(cd /tmp && "$root/build/vx86" 2>/dev/null | sed "s#$root/build/vx86#build/vx86#")
    [ "$again" = "$(cat "$o")" ] || r="$r [a second run, from /tmp, prints something else]"
    # a vx86 without its images beside it: one line naming the image, status 4
    mkdir -p "$work/lone" && cp "$root/build/vx86" "$work/lone/vx86"
    local lone
    lone=$("$work/lone/vx86" 2>&1 >/dev/null); local lrc=$?
    [ $lrc = 4 ] && [ "$lone" = "vx86: demo image $work/lone/os/kernel.elf not found; run 'make' first" ] || r="$r [without images: status $lrc, '$lone']"
    if [ $status = 0 ] && [ -z "$r" ]; then
        pass "tour: the demo: 2 containers + 2 VMs, ps with NS-PID/CGROUP/VM, cgroup tree, exits, Gantt, 3 commands; same output twice"
    else
        fail "tour: the demo (status $status)" "$r"
    fi
}

t_stats() {
    sh_line "$1"
    if [ $status = 1 ] && has_out "hello from the guest" && grep -qE '^instructions: [0-9]+$' "$work/err" &&
        grep -qE '^cycles: [0-9]+$' "$work/err"; then
        pass "tour: hello --stats: output on stdout, counts on stderr"
    else
        fail "tour: hello --stats" "expected status 1, the greeting, instructions: and cycles:"
    fi
}

t_trace() {
    sh_line "$1"
    local r
    r=$(json '
ev = [json.loads(l) for l in open("t.jsonl")][1:]
pf = [e for e in ev if e["kind"] == "exception"]
assert [(e["name"], e["cr2"]) for e in pf] == [("#PF", "0x40000000"), ("#PF", "0x40001000"), ("#PF", "0x40002000")], pf
assert all(re.fullmatch(r"0x[0-9a-f]+", e["eip"]) for e in pf), pf
cr3 = [e for e in ev if e["kind"] == "cr3_write"]
assert len(cr3) == 1 and re.fullmatch(r"0x[0-9a-f]+", cr3[0]["value"]), cr3
doc = json.load(open("t.json"))
assert sum(e["name"] == "exception" for e in doc["traceEvents"]) == 3
')
    if [ $status = 1 ] && has_out "3 page faults, 3 frames used" && [ -z "$r" ]; then
        pass "tour: pagefault --trace: three #PF events with CR2 in hex, the CR3 write, a Chrome file"
    else
        fail "tour: pagefault --trace" "$r"
    fi
}

t_walks() {
    sh_line "$1"
    local r
    r=$(json '
ev = [json.loads(l) for l in open("w.jsonl")][1:]
walks = [e for e in ev if e["kind"] == "page_walk"]
heap = [w for w in walks if w["linear"].startswith("0x4000")]
assert len(walks) > 10 and heap, len(walks)
assert all(s["level"] in (1, 2) and re.fullmatch(r"0x[0-9a-f]+", s["entry"]) for w in walks for s in w["steps"])
assert any(len(w["steps"]) == 2 for w in heap), heap[:2]
')
    if [ $status = 1 ] && [ -z "$r" ]; then
        pass "tour: --trace-walks: page walks, step by step, with the heap pages' two-level walks"
    else
        fail "tour: --trace-walks" "$r"
    fi
}

t_vms() {
    sh_line "$1"
    local r
    r=$(json '
doc = json.load(open("vm.json"))
ev = doc["traceEvents"]
names = {e["pid"]: e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "process_name"}
assert names.get(1) == "VM 1" and names.get(2) == "VM 2", names
slices = [e for e in ev if e["ph"] == "X"]
assert {e["pid"] for e in slices} == {1, 2}, slices[:3]
assert all(e["dur"] > 0 and e["name"] == "guest" for e in slices)
assert [e["args"]["exit_name"] for e in slices if e["args"]["exit_name"] != "ioio"] == ["vmmcall", "vmmcall"] * 3 + ["hlt"] * 2
')
    local turns
    turns=$(grep -E '^\[VM [12]\]' "$work/out" | sed 's/\].*//' | tr -d '[\n')
    if [ $status = 1 ] && [ "$turns" = "VM 1VM 2VM 1VM 2VM 1VM 2" ] && has_out "host: all VMs done" && [ -z "$r" ]; then
        pass "tour: hypervisor: two VMs take turns; Chrome file names them and has their guest slices"
    else
        fail "tour: hypervisor --trace-chrome" "turns '$turns' $r"
    fi
}

t_explain() {
    sh_line "$1"
    if [ $status = 1 ] && has_out "host: VMRUN refused VM 2's VMCB (VMEXIT_INVALID)" &&
        has_err "failed a consistency check: guest EFER.SVME" && has_out "host: VM 1 halted"; then
        pass "tour: --explain names the consistency check a refused VMRUN failed"
    else
        fail "tour: hypervisor --cmdline broken --explain" "no refused VMRUN or no check named"
    fi
}

t_divzero() {
    sh_line "$1"
    if [ $status = 253 ] && grep -qE '^guest fault: #DE at eip=0x10[0-9a-f]{4}$' "$work/out"; then
        pass "tour: divzero: the runtime reports #DE and its EIP, status 253"
    else
        fail "tour: divzero" "expected 'guest fault: #DE at eip=0x...' and status 253"
    fi
}

t_costs() {
    sh_line "$1"
    if [ $status = 1 ] && grep -qx "basic = 1" "$work/my.costs" && has_out "hello from the guest" &&
        grep -qE '^cycles: [0-9]+$' "$work/err"; then
        pass "tour: costs > my.costs, then --costs my.costs runs"
    else
        fail "tour: costs" "my.costs or the run with it"
    fi
}

t_snapshot() {
    sh_line "$1"
    local whole
    whole=$(cd "$work" && build/vx86 run build/guest/demo.elf 2>/dev/null | tail -n 3)
    if [ $status = 1 ] && [ -s "$work/s.snap" ] && [ "$(tail -n 3 "$work/out")" = "$whole" ] &&
        has_out "Done: main returns 0"; then
        pass "tour: --snapshot-at, then --restore ends as the straight run does"
    else
        fail "tour: snapshot/restore" "s.snap missing or the restored run ends differently"
    fi
}

t_login() {
    sh_line "$1"
    if [ $status = 1 ] && has_out "login: ada" && has_out "welcome, ada."; then
        pass "tour: login: the scripted line is typed after the prompt"
    else
        fail "tour: login --serial-input --input-after" "no 'login: ada' / 'welcome, ada.'"
    fi
}

t_gdb() {
    # The line waits for gdb; its comment's gdb command (in batch mode, then continue) drives it.
    (cd "$work" && timeout 120 bash -c "$1" >"$work/out" 2>"$work/err" </dev/null) &
    local vx=$! k=0
    while [ $k -lt 100 ] && ! grep -q "listening" "$work/err" 2>/dev/null; do sleep 0.1; k=$((k + 1)); done
    local g
    g=$(cd "$work" && timeout 60 gdb -batch -nx build/examples/hello.elf -ex 'target remote :1234' \
        -ex 'break main' -ex continue -ex 'info symbol $pc' -ex continue 2>&1)
    wait $vx
    status=$?
    if [ $status = 1 ] && has_out "hello from the guest" && grep -qE "^main( \+ [0-9]+)? in section .text" <<<"$g"; then
        pass "tour: --gdb 1234: gdb connects, stops at main, the run ends normally"
    else
        fail "tour: --gdb" "gdb said: $(tr '\n' '|' <<<"$g" | head -c 300)"
    fi
}

t_os_cmd() {
    sh_line "$1"
    if [ $status = 1 ] && [ "$(tr -d ' \r' <"$work/out")" -ge 30 ] 2>/dev/null; then
        pass "tour: os cmd=: the toy OS runs one command, prints only its output, powers off with status (0<<1)|1"
    else
        fail "tour: os cmd=" "expected status 1 and one number >= 30"
    fi
}

# The shell on a terminal: wait for the prompt, type a command and poweroff, as a person would.
t_os_shell() {
    tmux -L "$sock" kill-server 2>/dev/null
    tmux -L "$sock" new-session -d -s tour -x 80 -y 24 -c "$work" "$1; echo \"vx86 exited \$?\"; sleep 30"
    local k=0 screen=""
    wait_screen() {
        k=0
        while [ $k -lt 300 ]; do
            screen=$(tmux -L "$sock" capture-pane -p -t tour)
            grep -qE "$1" <<<"$screen" && return 0
            sleep 0.1
            k=$((k + 1))
        done
        return 1
    }
    local ok=1
    wait_screen '^\$ ?$' || ok=0
    tmux -L "$sock" send-keys -t tour 'echo hello from the toy OS' Enter
    wait_screen '^hello from the toy OS$' || ok=0
    tmux -L "$sock" send-keys -t tour 'poweroff' Enter
    wait_screen '^vx86 exited 1$' || ok=0
    if [ $ok = 1 ]; then
        pass "tour: os: a shell prompt on the terminal; echo answers; poweroff ends vx86 with status 1 ((0<<1)|1)"
    else
        fail "tour: os" "$(tr '\n' '|' <<<"$screen" | head -c 400)"
    fi
    tmux -L "$sock" kill-server 2>/dev/null
}

t_tui() {
    tmux -L "$sock" kill-server 2>/dev/null
    tmux -L "$sock" new-session -d -s tour -x 80 -y 24 -c "$work" \
        "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $1; sleep 30"
    local k=0 screen=""
    while [ $k -lt 100 ]; do
        screen=$(tmux -L "$sock" capture-pane -p -t tour)
        grep -q "stopped at entry" <<<"$screen" && break
        sleep 0.1
        k=$((k + 1))
    done
    tmux -L "$sock" send-keys -t tour q
    if grep -q "stopped at entry" <<<"$screen" && grep -q "Registers" <<<"$screen" &&
        grep -qE "=> [0-9a-f]{8} <_start>" <<<"$screen"; then
        pass "tour: tui: the debugger comes up (at 80x24) stopped at _start"
    else
        fail "tour: tui" "$(tr '\n' '|' <<<"$screen" | head -c 400)"
    fi
    tmux -L "$sock" kill-server 2>/dev/null
}

t_gui() {
    sh_line "$1"
    local r
    r=$(cd "$work" && python3 -c '
import struct
b = open("shot.png", "rb").read(24)
assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
assert struct.unpack(">II", b[16:24]) == (1280, 840), struct.unpack(">II", b[16:24])
' 2>&1)
    if [ $status = 0 ] && [ -z "$r" ] && has_out "3 page faults, 3 frames used"; then
        pass "tour: gui --screenshot: a 1280x840 PNG of the window, COM1 on stdout"
    else
        fail "tour: gui --screenshot" "status $status; $r"
    fi
}

t_picture() {
    sh_line "$1"
    local r
    r=$(cd "$work" && python3 -c '
import xml.etree.ElementTree as ET
root = ET.parse("memmap.svg").getroot()
assert root.tag.endswith("svg"), root.tag
texts = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
assert "page table 2" in texts and "kernel" in texts, texts
' 2>&1)
    if [ $status = 0 ] && [ -z "$r" ]; then
        pass "tour: picture memmap --svg: an SVG whose legend counts the page tables"
    else
        fail "tour: picture memmap --svg" "status $status; $r"
    fi
}

# Every lab folder is listed with its minutes and summary.
t_lab_list() {
    sh_line "$1"
    local n want
    want=$(ls "$root"/labs/*/lab.lua | wc -l)
    n=$(grep -cE '^  [a-z-]+ +[0-9]+ min  .+' "$work/out")
    if [ $status = 0 ] && [ "$n" = "$want" ] && grep -q '^  startup-race ' "$work/out"; then
        pass "tour: lab --list lists all $want labs with minutes and a summary"
    else
        fail "tour: lab --list" "status $status, $n of $want labs listed"
    fi
}

t_lab() {
    sh_line "$1"
    if [ $status = 0 ] && grep -q "^== Two-level paging" "$work/out" && grep -q "^end of lab: score [0-9]*/22" "$work/out"; then
        pass "tour: lab --text walks the paging lab step by step"
    else
        fail "tour: lab --text" "no lab title or final score"
    fi
}

t_grade() {
    sh_line "$1"
    local r
    r=$(json '
doc = json.load(open("results.json"))
assert doc["score"] == 22, doc["score"]
')
    if [ $status = 0 ] && [ -z "$r" ]; then
        pass "tour: grade: the solution scores 22/22 in a Gradescope results.json"
    else
        fail "tour: grade" "$r"
    fi
}

t_guestcc() {
    sh_line "$1"
    if [ $status = 1 ] && [ -s "$work/hello.elf" ] && has_out "hello from the guest"; then
        pass "tour: scripts/guest-cc builds examples/hello.c into a bootable image"
    else
        fail "tour: guest-cc" "no hello.elf or it does not run"
    fi
}

declare -A seen=()
if [ ${#tour[@]} -lt 10 ]; then
    fail "tour: README.md" "found ${#tour[@]} tour lines; the '## A short tour' block is missing or moved"
fi
for line in "${tour[@]}"; do
    [ -z "$line" ] && continue
    fn=${checks[$line]:-}
    if [ -z "$fn" ]; then
        fail "tour: README line without a check" "$line"
        continue
    fi
    seen[$line]=1
    rm -f "$work/out" "$work/err"
    "$fn" "$line"
done
for line in "${!checks[@]}"; do
    [ -n "${seen[$line]:-}" ] || fail "tour: checked line not in README.md" "$line"
done

# ---- 2. what else a newcomer meets first ----
vx=$root/build/vx86
run() { (cd "$work" && timeout 120 "$@" >"$work/out" 2>"$work/err" </dev/null); status=$?; }

for cmd in run costs tui gui picture; do
    run "$vx" "$cmd" --help
    if [ $status = 0 ] && head -n 1 "$work/out" | grep -q "^usage: vx86 $cmd"; then
        pass "vx86 $cmd --help: its own usage, status 0"
    else
        fail "vx86 $cmd --help" "status $status, first line '$(head -n 1 "$work/out")'"
    fi
done
run "$vx" --help
if [ $status = 0 ] && has_out "Options of 'run'" && has_out "253 after an unhandled"; then
    pass "vx86 --help: commands, run options and the runtime's statuses"
else
    fail "vx86 --help" "status $status"
fi
run "$vx" tui
if [ $status = 2 ] && has_err "vx86 tui: needs an IMAGE to debug" && [ "$(wc -l <"$work/err")" -le 2 ]; then
    pass "vx86 tui without an image: one line saying what it needs, status 2"
else
    fail "vx86 tui without an image" "status $status"
fi
run "$root/scripts/guest-cc" --help
if [ $status = 0 ] && has_out '"vxlib.h"' && has_out "examples/hello.c"; then
    pass "scripts/guest-cc --help names the header and the example"
else
    fail "scripts/guest-cc --help" "status $status"
fi
run "$root/scripts/guest-cc" examples/hello.c
if [ $status = 2 ] && has_err "usage: scripts/guest-cc"; then
    pass "scripts/guest-cc without -o: usage on stderr, status 2"
else
    fail "scripts/guest-cc without -o" "status $status"
fi

# The runtime's fault report, on vx86 and on QEMU (the oracle): the same line, the same status.
qemu_run() {   # qemu_run QEMU-ARGS... IMAGE: serial after the begin marker into $work/out
    timeout 60 "$@" -nographic -serial stdio -monitor none -no-reboot -display none \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null 2>"$work/err" |
        sed -n '/--- vx86 guest begin ---/,$p' | sed 's/^.*--- vx86 guest begin ---/--- vx86 guest begin ---/' >"$work/out"
    status=${PIPESTATUS[0]}
}
for ex in "pagefault.elf crash" "divzero.elf" "hello.elf" "pagefault.elf"; do
    set -- $ex
    image=$root/build/examples/$1
    args=${2:-}
    run "$vx" run "$image" ${args:+--cmdline "$args"}
    vs=$status
    cp "$work/out" "$work/vx.out"
    qemu_run qemu-system-i386 -kernel "$image" ${args:+-append "$args"}
    if [ "$vs" = "$status" ] && cmp -s "$work/vx.out" "$work/out"; then
        pass "examples/$1 ${args}: vx86 and QEMU print the same and exit $vs"
    else
        fail "examples/$1 ${args} on vx86 and QEMU" "vx86 $vs, qemu $status; $(diff "$work/vx.out" "$work/out" | head -5 | tr '\n' '|')"
    fi
done
run "$vx" run "$root/build/examples/pagefault.elf" --cmdline crash
if [ $status = 253 ] && grep -qE '^guest fault: #PF at eip=0x10[0-9a-f]{4} cr2=0xdead0000 err=0x2$' "$work/out"; then
    pass "an unhandled #PF: the report names EIP, CR2 and the error code (write, not present)"
else
    fail "pagefault crash report" "no 'guest fault: #PF at eip=... cr2=0xdead0000 err=0x2'"
fi
qemu_run qemu-system-x86_64 -cpu qemu64,+svm -m 64 -kernel "$root/build/examples/hypervisor.elf"
cp "$work/out" "$work/qemu.out"
run "$vx" run "$root/build/examples/hypervisor.elf"
if [ $status = 1 ] && cmp -s "$work/out" "$work/qemu.out"; then
    pass "examples/hypervisor.elf: vx86 and QEMU (SVM) print the same"
else
    fail "hypervisor on vx86 and QEMU" "$(diff "$work/out" "$work/qemu.out" | head -5 | tr '\n' '|')"
fi

# A triple fault names its chain (tests/cli/mkelf.c's image: an empty IDT, then INT3).
if ${CC:-cc} -std=c11 -Wall -Wextra -Werror -I"$root" "$here/mkelf.c" -o "$work/mkelf" && "$work/mkelf" triple "$work/triple.elf"; then
    run "$vx" run "$work/triple.elf"
    if [ $status = 8 ] && has_err "triple.elf: #GP at 0x100007 -> #DF -> triple fault: the machine shut down"; then
        pass "a triple fault names its chain: #GP at 0x100007 -> #DF -> triple fault"
    else
        fail "triple fault message" "status $status"
    fi
else
    fail "triple fault message" "cannot build tests/cli/mkelf.c"
fi

echo "tour-tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
