#!/bin/bash
# The GUI and the pictures as a person and a script use them (make check-gui):
#  - bad input: no display, bad options, unwritable outputs: one line and the documented status;
#  - offscreen screenshots: deterministic, the known VGA screen's glyphs where the guest put them;
#  - every picture kind of `vx86 picture` on the project's guests as SVG: parsed by xmllint and
#    rendered by rsvg-convert to a non-empty PNG; the text form says the same things;
#  - the window under Xvfb: an X screenshot (xwd) equals the offscreen render pixel for pixel;
#    keys typed faster than the guest reads all arrive; a resize and a close crash nothing.
# Usage: tests/gui/run-gui-tests.sh   (from the repository root, after make check-gui's builds)
set -u
VX86=${VX86:-build/vx86}
PNGCMP=build/tests/gui/pngcmp
XCLOSE=build/tests/gui/xclose
VGA=build/guest/gui/vga_screen.elf
HELLO=build/examples/hello.elf
TASKS=build/guest/tasks/tasks.elf
HYPER=build/examples/hypervisor.elf
PAGEFAULT=build/examples/pagefault.elf
NPT=build/guest/labs/nested-paging/npt.elf
VMGUEST=build/guest/hyperv/clijmp.elf      # a guest that spins: the toy OS's VM stays up

work=$(mktemp -d)
xvfb_pid= gui_pid=
cleanup() {
    [ -n "$gui_pid" ] && kill "$gui_pid" 2>/dev/null
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1: $2"; }

# expect NAME STATUS STDERR_LINE -- COMMAND...: the status and stderr exactly one line containing STDERR_LINE
expect() {
    local name=$1 want=$2 line=$3
    shift 4
    "$@" >"$work/out" 2>"$work/err"
    local st=$?
    if [ "$st" -ne "$want" ]; then
        fail "$name" "status $st, expected $want; stderr: $(head -c 300 "$work/err")"
    elif [ -n "$line" ] && ! grep -qF -- "$line" "$work/err"; then
        fail "$name" "stderr lacks '$line': $(head -c 300 "$work/err")"
    elif [ -n "$line" ] && [ "$(wc -l <"$work/err")" -ne 1 ]; then
        fail "$name" "stderr is not one line: $(head -c 300 "$work/err")"
    else
        pass "$name"
    fi
}

# ---- bad input
expect "no display" 2 "vx86 gui: no display: use --screenshot for headless pictures" -- \
    env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER "$VX86" gui "$VGA"
expect "gui bad --speed" 2 "vx86 gui: --speed: 'fast' is not a number in (0, 1000] or 'max'" -- "$VX86" gui "$VGA" --speed fast
expect "gui missing image" 4 "vx86: missing.elf" -- "$VX86" gui missing.elf --screenshot "$work/x.png"
expect "gui unwritable screenshot" 2 "vx86 gui: $work/no/dir/x.png: cannot write" -- \
    "$VX86" gui "$VGA" --screenshot "$work/no/dir/x.png" --at 1000
expect "gui bad console font" 2 "vx86 gui: /etc/passwd: neither a PSF console font nor a VGA BIOS" -- \
    "$VX86" gui "$VGA" --console-font /etc/passwd --screenshot "$work/x.png"
expect "picture unknown kind" 2 "vx86 picture: unknown picture 'pie'" -- "$VX86" picture pie "$VGA"
expect "picture bad --at" 2 "vx86 picture: --at:" -- "$VX86" picture memmap "$VGA" --at soon
expect "picture unwritable svg" 2 "vx86 picture: $work/no/dir/m.svg: cannot write" -- \
    "$VX86" picture memmap "$VGA" --svg "$work/no/dir/m.svg"
expect "picture missing image" 4 "vx86: missing.elf" -- "$VX86" picture memmap missing.elf
expect "os --gui: no display" 2 "vx86 os: no display: use --screenshot for headless pictures" -- \
    env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER "$VX86" os --gui
expect "os --gui bad --speed" 2 "vx86 gui: --speed: '0' is not a number in (0, 1000] or 'max'" -- "$VX86" os --gui --speed 0
expect "lab --gui: no display" 2 "vx86 lab: no display: --gui needs X11 or Wayland (--text works anywhere)" -- \
    env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER "$VX86" lab labs/paging/lab.lua --gui
expect "lab --gui with --text" 2 "vx86 lab: --gui is a screen of its own: not with --text or --solve" -- \
    "$VX86" lab labs/paging/lab.lua --gui --text

# ---- the toy OS's frame table: the memory map of a run with a container and a VM
# The same run twice (runs are deterministic): in Lua, stopped where the kernel starts to count
# its frames for /proc/meminfo (frame_get_stats), the model's counts, then `free`'s numbers at the
# end; in `vx86 os --gui --at` that cycle, the window's memory map, whose cells (3x3 pixels, a
# frame each) must count the same frames per owner's colour.
OSCMD="cmd=ctr run base sleep 5 & vm run --memory 4M --timeout 3000 /vm/img.elf & sleep 0.3; free; echo done"
cat >"$work/frames.lua" <<LUA
local m = vx.boot{ kernel = "build/os/kernel.elf", cmdline = "$OSCMD",
                   modules = { "build/os/initrd.img", "$VMGUEST /vm/img.elf" } }
m:run{ until_symbol = "frame_get_stats", cycles = 5e9 }
print("at " .. m:cycles())
print(m:picture("memmap"):match("legend:[^\n]*"))
m:run{ until_serial = "done", cycles = 5e9 }
print(m:serial():match("Mem:[^\n]*"))
LUA
if "$VX86" lua "$work/frames.lua" >"$work/frames.out" 2>"$work/err"; then
    at=$(sed -n 's/^at //p' "$work/frames.out")
    legend=$(grep '^legend:' "$work/frames.out")
    count() { echo "$legend" | sed -n "s/.* $1 \([0-9]*\).*/\1/p"; }
    read -r _ memtotal memused memfree < <(grep '^Mem:' "$work/frames.out" | tr -d '\r')
    nfree=$(count free) nkernel=$(count kernel) nproc=$(count process) npt=$(count "page table")
    nvm=$(count VM) nctr=$(count container) ndev=$(count device)
    total=$((nfree + nkernel + nproc + npt + nvm + nctr + ndev))
    [ $((nfree * 4)) -eq "$memfree" ] && [ $((total * 4)) -eq "$memtotal" ] &&
        pass "frame table: $nfree free frames = MemFree $memfree kB, $total frames = MemTotal $memtotal kB" ||
        fail "frame table agrees with free" "$legend / Mem: $memtotal $memused $memfree"
    [ "$nctr" -gt 0 ] && [ "$nvm" -gt 0 ] && [ "$nproc" -gt 0 ] && [ "$npt" -gt 0 ] &&
        pass "frame table: container $nctr, VM $nvm, process $nproc, page table $npt frames" ||
        fail "frame table: every owner present" "$legend"
    # the picture command's text form, from the same model
    "$VX86" picture memmap build/os/kernel.elf --module build/os/initrd.img --module "$VMGUEST,/vm/img.elf" \
        --cmdline "$OSCMD" --at "$at" >"$work/mm.txt" 2>&1
    grep -qxF "$legend" "$work/mm.txt" && grep -qF "owners from the kernel's frame table" "$work/mm.txt" &&
        pass "vx86 picture memmap: the same counts" || fail "vx86 picture memmap" "$(tail -1 "$work/mm.txt")"
    # the window, offscreen: the memory map's grid is the big pane at (660, 68), 3x3 pixels a frame
    "$VX86" os --gui --module "$VMGUEST,/vm/img.elf" --cmdline "$OSCMD" --at "$at" --screenshot "$work/os-mm.png" \
        >/dev/null 2>"$work/err"
    ok=1 got=
    for pair in "free:$nfree:E8E8E8" "kernel:$nkernel:0072B2" "process:$nproc:009E73" "page table:$npt:E69F00" \
                "VM:$nvm:CC79A7" "container:$nctr:56B4E9" "device:$ndev:000000"; do
        name=${pair%%:*} rest=${pair#*:}
        want=${rest%%:*} colour=${rest#*:}
        px=$($PNGCMP --count "$work/os-mm.png" 660 68 608 300 "$colour")
        got="$got $name $((px / 9))"
        [ "$px" -eq $((want * 9)) ] || ok=
    done
    [ -n "$ok" ] && pass "memory map pixels: each owner's colour covers exactly its frames ($got)" ||
        fail "memory map pixels" "counted$got; legend $legend"
else
    fail "frame table run" "$(head -c 300 "$work/err")"
fi

# ---- offscreen screenshots
printf 'hello\n' >"$work/in.txt"
shot() { "$VX86" gui "$VGA" --at 3e6 --serial-input "$work/in.txt" --input-after ready --screenshot "$1" >/dev/null; }
if shot "$work/a.png" && shot "$work/b.png" && cmp -s "$work/a.png" "$work/b.png"; then
    pass "offscreen screenshot is deterministic"
else
    fail "offscreen screenshot is deterministic" "two runs differ or failed"
fi
size=$($PNGCMP --size "$work/a.png")
[ "$size" = "1280 840" ] && pass "screenshot size" || fail "screenshot size" "$size"

# The VGA console's content starts at (8, 48) of the window; its glyphs are checked against the
# IBM font in test_pictures. Here: the line typed on COM1 reached the screen.
# cell (row 20, col 13..17) holds "hello"; (row 22, col 13) is blank like (row 24, col 0)
x=$((8 + 13 * 8)) y=$((48 + 20 * 16))
if $PNGCMP "$work/a.png" "$work/a.png" "$x" "$y" 8 16 8 $((48 + 24 * 16)) >/dev/null; then
    fail "typed text on the VGA screen" "cell (20,13) is blank"
else
    pass "typed text on the VGA screen"
fi
if $PNGCMP "$work/a.png" "$work/a.png" "$x" $((48 + 22 * 16)) 8 16 8 $((48 + 24 * 16)) >/dev/null; then
    pass "blank cells are blank"
else
    fail "blank cells are blank" "cell (22,13) differs from (24,0)"
fi

# ---- every picture kind as SVG (valid XML, rendered by librsvg), PNG and text
for image in "$VGA" "$TASKS" "$HYPER" "$PAGEFAULT" "$NPT"; do
    for kind in console memmap pagetable walk gantt namespaces cgroups exits; do
        name="$kind of $(basename "$image")"
        svg="$work/$kind.svg" png="$work/$kind-rsvg.png"
        if ! "$VX86" picture "$kind" "$image" --at 3e6 --svg "$svg" >/dev/null 2>"$work/err"; then
            fail "$name: svg" "$(cat "$work/err")"
            continue
        fi
        if ! xmllint --noout "$svg" 2>"$work/err"; then
            fail "$name: svg parses" "$(head -c 300 "$work/err")"
            continue
        fi
        if ! rsvg-convert -o "$png" "$svg" 2>"$work/err" || [ ! -s "$png" ]; then
            fail "$name: rsvg-convert" "$(head -c 300 "$work/err")"
            continue
        fi
        dims=$($PNGCMP --size "$png")
        [ "${dims%% *}" -gt 0 ] && [ "${dims##* }" -gt 0 ] && pass "$name: svg parses and renders ($dims)" ||
            fail "$name: rsvg-convert" "empty image $dims"
    done
done
"$VX86" picture memmap "$PAGEFAULT" --png "$work/mm.png" >/dev/null &&
    [ "$($PNGCMP --size "$work/mm.png")" = "640 400" ] && pass "picture --png" || fail "picture --png" "no 640x400 PNG"

# The Lua module's SVG (vx.export.svg) parses and renders too.
cat >"$work/walk.lua" <<LUA
local m = vx.boot{ kernel = "$PAGEFAULT" }
m:run{ cycles = 3e6 }
vx.export.svg(m:translate(0x40000000), "$work/walk-lua.svg")
LUA
if "$VX86" lua "$work/walk.lua" >/dev/null 2>"$work/err" && xmllint --noout "$work/walk-lua.svg" &&
    rsvg-convert -o "$work/walk-lua.png" "$work/walk-lua.svg" && [ -s "$work/walk-lua.png" ]; then
    pass "vx.export.svg parses and renders"
else
    fail "vx.export.svg parses and renders" "$(head -c 300 "$work/err")"
fi

# A lab's pictures: m:picture returns the text form and, with --pictures DIR, writes the SVG.
mkdir -p "$work/pics"
if "$VX86" lab tests/gui/pictures_lab.lua --text --no-pause --pictures "$work/pics" >"$work/out" 2>"$work/err" &&
    grep -qF "P page table 2," "$work/out" &&
    [ "$(cd "$work/pics" && echo *)" = "001-memmap.svg 002-pagetable.svg 003-walk.svg" ] &&
    xmllint --noout "$work/pics/"*.svg && rsvg-convert -o "$work/pics/walk.png" "$work/pics/003-walk.svg" &&
    grep -qF "&gt; physical 0x00114000" "$work/pics/003-walk.svg"; then
    pass "lab --pictures: m:picture text in the lab, SVGs in DIR"
else
    fail "lab --pictures" "$(head -c 300 "$work/err") files: $(ls "$work/pics")"
fi
expect "lab --pictures needs a writable directory" 2 "vx86 lab: --pictures: /nonexistent: not a writable directory" -- \
    "$VX86" lab tests/gui/pictures_lab.lua --text --pictures /nonexistent

# Text forms say what the pictures show.
text_has() {
    local name=$1 want=$2
    shift 2
    if "$@" 2>&1 | grep -qF -- "$want"; then pass "$name"; else fail "$name" "lacks '$want'"; fi
}
text_has "memmap text of pagefault" "P page table 2," "$VX86" picture memmap "$PAGEFAULT" --at 3e6
text_has "pagetable text of pagefault" "PDE  256 0x40000000-0x403fffff PT" "$VX86" picture pagetable "$PAGEFAULT" --at 3e6
text_has "walk text" "-> physical 0x00114000" "$VX86" picture walk "$PAGEFAULT" --walk 40000000
text_has "2-D walk in the last VM" "walk of 0x00100045 (2-D: guest and nested tables) in the guest of VMCB" \
    "$VX86" picture walk "$NPT" --at 1e6
text_has "2-D walk: nested steps" "5. nested PTE for gPA 0x00100045" "$VX86" picture walk "$NPT" --at 1e6
text_has "exits text of the hypervisor" "0x07b ioio" "$VX86" picture exits "$HYPER"
text_has "gantt text of the tasks guest" "1 init" "$VX86" picture gantt "$TASKS" --at 3e6
text_has "namespaces text of the tasks guest" "pid:[2]" "$VX86" picture namespaces "$TASKS" --at 3e6
text_has "console text of the known screen" "vx86 VGA test screen" "$VX86" picture console "$VGA" --at 3e6
text_has "empty panes say so" "VM exits: none yet" "$VX86" picture exits "$VGA" --at 3e6
text_has "memmap of a bare guest: owners from its page tables" "owners from page tables" \
    "$VX86" picture memmap "$PAGEFAULT" --at 3e6

# ---- the window under Xvfb
display=
for n in $(seq 90 120); do
    [ -e "/tmp/.X$n-lock" ] && continue
    Xvfb ":$n" -screen 0 1400x900x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
    xvfb_pid=$!
    for _ in $(seq 50); do xdpyinfo -display ":$n" >/dev/null 2>&1 && break; [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
    if kill -0 "$xvfb_pid" 2>/dev/null; then display=":$n"; break; fi
    xvfb_pid=
done
if [ -z "$display" ]; then
    fail "Xvfb" "could not start a server: $(cat "$work/xvfb.log")"
    echo "gui-tests: $passed passed, $failed failed"
    exit 1
fi
export DISPLAY=$display

# poll_window NAME FILE: an X screenshot of the vx86 window that equals FILE (the window may
# need a few frames to appear); 100 tries a tenth of a second apart.
poll_window() {
    local name=$1 want=$2 diff=
    for _ in $(seq 100); do
        if xwd -name vx86 -silent >"$work/w.xwd" 2>/dev/null && convert "xwd:$work/w.xwd" "$work/w.png" 2>/dev/null; then
            diff=$($PNGCMP "$work/w.png" "$want" 0 0 1280 840 2>&1) && { pass "$name"; return 0; }
        fi
        sleep 0.1
    done
    fail "$name" "the window never matched the offscreen render (last: $diff differing pixels)"
    return 1
}

"$VX86" gui "$VGA" --at 3e6 --serial-input "$work/in.txt" --input-after ready >"$work/gui.out" 2>&1 &
gui_pid=$!
poll_window "window equals the offscreen render (console, serial, panes)" "$work/a.png"
# regions: the VGA console and the memory-map pane alone
$PNGCMP "$work/w.png" "$work/a.png" 8 48 640 400 >/dev/null && pass "window region: VGA console" ||
    fail "window region: VGA console" "differs"
$PNGCMP "$work/w.png" "$work/a.png" 8 472 310 168 >/dev/null && pass "window region: memory map" ||
    fail "window region: memory map" "differs"
wid=$(xdotool search --name '^vx86$' | head -1)
# run, then type a long line with no delay between keys: nothing may be lost
xdotool key --window "$wid" F5
line="the quick brown fox jumps over the lazy dog 0123456789 THE QUICK BROWN FOX"
xdotool type --window "$wid" --delay 0 "$line"
xdotool key --window "$wid" Return
for _ in $(seq 100); do grep -qF "got: $line" "$work/gui.out" && break; sleep 0.1; done
grep -qF "got: $line" "$work/gui.out" && pass "fast keys all arrive" || fail "fast keys all arrive" "$(tail -2 "$work/gui.out")"
# resize: smaller and larger; the window keeps drawing (an X screenshot has the new size)
xdotool windowsize "$wid" 700 460
sleep 0.5
xdotool windowmove "$wid" 0 0
xdotool windowsize "$wid" 1390 890
ok=
for _ in $(seq 50); do
    xwd -name vx86 -silent >"$work/r.xwd" 2>/dev/null && convert "xwd:$work/r.xwd" "$work/r.png" 2>/dev/null &&
        [ "$($PNGCMP --size "$work/r.png")" = "1390 890" ] && { ok=1; break; }
    sleep 0.1
done
[ -n "$ok" ] && kill -0 "$gui_pid" 2>/dev/null && pass "resize" || fail "resize" "no 1390x890 window or vx86 died"
# close, as a window manager asks: vx86 ends with status 0
$XCLOSE "$wid"
for _ in $(seq 50); do kill -0 "$gui_pid" 2>/dev/null || break; sleep 0.1; done
wait "$gui_pid"
st=$?
gui_pid=
[ "$st" -eq 0 ] && pass "close ends with status 0" || fail "close ends with status 0" "status $st"

# step back (F9, reverse execution): after the guest ended, two steps back leave the machine two
# instructions before its end (--stats prints the cycle it stopped at)
end=$("$VX86" run "$HELLO" --stats 2>&1 >/dev/null | sed -n 's/^cycles: //p')
"$VX86" gui "$HELLO" --stats >"$work/back.out" 2>&1 &
gui_pid=$!
for _ in $(seq 100); do wid=$(xdotool search --name '^vx86$' | head -1); [ -n "$wid" ] && break; sleep 0.1; done
for _ in $(seq 100); do grep -q "hello from the guest" "$work/back.out" && break; sleep 0.1; done
sleep 0.5
xdotool key --window "$wid" F9; sleep 0.3; xdotool key --window "$wid" F9; sleep 0.3
xdotool key --window "$wid" Escape
wait "$gui_pid"
gui_pid=
at=$(sed -n 's/^at cycle: //p' "$work/back.out")
[ -n "$end" ] && [ -n "$at" ] && [ "$at" -lt "$end" ] && [ "$at" -ge $((end - 100)) ] &&
    pass "F9 steps back from the end ($end -> $at cycles)" || fail "F9 steps back" "end $end, at ${at:-?}"

# ---- vx86 os --gui: the toy OS's shell typed in the window
# wait_window TITLE PID: the X window of that process (SDL sets _NET_WM_PID)
wait_window() {
    local w=
    for _ in $(seq 200); do
        w=$(xdotool search --all --onlyvisible --pid "$2" --name "^$1\$" 2>/dev/null | head -1)
        [ -n "$w" ] && { echo "$w"; return 0; }
        sleep 0.1
    done
    return 1
}
wait_line() {   # wait_line FILE TEXT: up to 30 s for a line that starts with TEXT (a command's
                # output, not the echo of its command line, which starts with "$ ")
    for _ in $(seq 300); do grep -q -- "^$2" "$1" && return 0; sleep 0.1; done
    return 1
}
wait_for() {   # wait_for FILE TEXT: up to 30 s
    for _ in $(seq 300); do grep -qF -- "$2" "$1" && return 0; sleep 0.1; done
    return 1
}
"$VX86" os --gui --stats >"$work/os.out" 2>"$work/os.err" &
gui_pid=$!
wid=$(wait_window "vx86 os" "$gui_pid")
wait_for "$work/os.out" '$ '
xdotool type --window "$wid" --delay 0 "echo hello from the window"
xdotool key --window "$wid" Return
if wait_line "$work/os.out" "hello from the window" && [ "$(grep -c '^hello from the window' "$work/os.out")" -eq 1 ]; then
    pass "os --gui: a command typed in the window runs in the toy OS"
else
    fail "os --gui: typed command" "$(tail -3 "$work/os.out")"
fi
# The console pane in the window shows what an offscreen render of the same input shows.
sleep 1
printf 'echo hello from the window\n' >"$work/os-in.txt"
"$VX86" os --gui --serial-input "$work/os-in.txt" --input-after '$ ' --at 5e8 --screenshot "$work/os-off.png" >/dev/null
ok=
for _ in $(seq 50); do
    xwd -id "$wid" -silent >"$work/o.xwd" 2>/dev/null && convert "xwd:$work/o.xwd" "$work/o.png" 2>/dev/null &&
        $PNGCMP "$work/o.png" "$work/os-off.png" 8 48 640 400 >/dev/null && { ok=1; break; }
    sleep 0.2
done
[ -n "$ok" ] && pass "os --gui: the console pane equals the offscreen render of the same input" ||
    fail "os --gui: console region" "differs from the offscreen render"
# Step back (F9) twice, paused, then run on and type again: the input typed before the step back
# is replayed from the history, not lost and not repeated; the new command runs.
xdotool key --window "$wid" F5; sleep 0.3
xdotool key --window "$wid" F9; xdotool key --window "$wid" F9
for _ in $(seq 100); do [ "$(grep -c '^step back from cycle' "$work/os.err")" -ge 2 ] && break; sleep 0.1; done
xdotool key --window "$wid" F5
xdotool type --window "$wid" --delay 0 "echo after stepping back"
xdotool key --window "$wid" Return
if wait_line "$work/os.out" "after stepping back" && [ "$(grep -c '^hello from the window' "$work/os.out")" -eq 1 ] &&
    [ "$(grep -c '^step back from cycle' "$work/os.err")" -eq 2 ]; then
    pass "os --gui: two steps back, then typing goes on ($(grep '^step back' "$work/os.err" | tail -1))"
else
    fail "os --gui: step back and type" "$(tail -3 "$work/os.out") / $(grep step "$work/os.err")"
fi
xdotool key --window "$wid" ctrl+bracketright
for _ in $(seq 50); do kill -0 "$gui_pid" 2>/dev/null || break; sleep 0.1; done
wait "$gui_pid"
st=$?
gui_pid=
[ "$st" -eq 0 ] && pass "os --gui: Ctrl-] leaves, status 0 ($(grep '^fps' "$work/os.err"))" ||
    fail "os --gui: Ctrl-] leaves" "status $st"

# ---- vx86 lab --gui
wait_gone() {   # wait_gone PID: its exit status once it ended (5 s at most)
    for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    wait "$1"
}
# Stepping back in a lab's machine while the lab asks: the window records the lab's machine from
# when it first shows it. Three instructions forward (F10), three back (F9): the clock in the bar
# is where it was; then the answer, typed in the window, is graded.
"$VX86" lab tests/gui/window_lab.lua --gui >"$work/lab.out" 2>"$work/lab.err" &
gui_pid=$!
wid=$(wait_window "vx86 lab" "$gui_pid")
snap() {   # snap FILE: the window's control bar's clock (right part), as an image
    for _ in $(seq 20); do
        xwd -id "$wid" -silent >"$work/l.xwd" 2>/dev/null && convert "xwd:$work/l.xwd" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
}
sleep 1
snap "$work/l0.png"
for _ in 1 2 3; do xdotool key --window "$wid" F10; sleep 0.2; done
sleep 0.5
snap "$work/l1.png"
for _ in 1 2 3; do xdotool key --window "$wid" F9; done
ok=
for _ in $(seq 50); do
    sleep 0.2
    snap "$work/l2.png"
    $PNGCMP "$work/l0.png" "$work/l2.png" 900 0 380 28 >/dev/null && { ok=1; break; }
done
if ! $PNGCMP "$work/l0.png" "$work/l1.png" 900 0 380 28 >/dev/null && [ -n "$ok" ]; then
    pass "lab --gui: F10 three times, then F9 three times: the lab's machine is back at the same cycle"
else
    fail "lab --gui: stepping back" "the clock did not come back"
fi
xdotool type --window "$wid" --delay 0 "0x3f8"; xdotool key --window "$wid" Return
sleep 0.5
xdotool key --window "$wid" Return   # the end: Enter quits
wait_gone "$gui_pid"
st=$?
gui_pid=
[ "$st" -eq 0 ] && grep -qxF "vx86 lab: end of lab: score 1/1" "$work/lab.out" &&
    pass "lab --gui: the answer typed after stepping back is graded (score 1/1)" ||
    fail "lab --gui: answer after stepping back" "status $st: $(tail -2 "$work/lab.out") $(head -c 200 "$work/lab.err")"

# The paging lab answered in the window: two right answers and a wrong one, then the window
# closed: the score counts the first tries.
"$VX86" lab labs/paging/lab.lua --solve --seed 3 >"$work/solve.txt"
a_dir=$(sed -n 's/^a1_dir = //p' "$work/solve.txt") a_table=$(sed -n 's/^a1_table = //p' "$work/solve.txt")
"$VX86" lab labs/paging/lab.lua --gui --seed 3 >"$work/lab.out" 2>"$work/lab.err" &
gui_pid=$!
wid=$(wait_window "vx86 lab" "$gui_pid")
sleep 1
xdotool key --window "$wid" Return          # step 1 shows the page tables: go on
sleep 0.5
xdotool type --window "$wid" --delay 0 "$a_dir"; xdotool key --window "$wid" Return; sleep 0.3
xdotool type --window "$wid" --delay 0 "$a_table"; xdotool key --window "$wid" Return; sleep 0.3
xdotool type --window "$wid" --delay 0 "0x1"; xdotool key --window "$wid" Return   # wrong: the offset is not 1
sleep 1
$XCLOSE "$wid"
wait_gone "$gui_pid"
st=$?
gui_pid=
if [ "$st" -eq 0 ] && grep -qF "vx86 lab: lab stopped at step 2 of 7: score 2/" "$work/lab.out"; then
    pass "lab --gui: the paging lab answered in the window: $(tail -1 "$work/lab.out")"
else
    fail "lab --gui: paging lab score" "status $st: $(tail -2 "$work/lab.out") $(head -c 200 "$work/lab.err")"
fi

# fps while the guest runs (printed, never asserted: tests do not depend on the wall clock)
"$VX86" gui "$VGA" --speed max --frames 60 --stats 2>"$work/stats" >/dev/null
grep -q '^fps: ' "$work/stats" && pass "--stats reports fps ($(grep '^fps' "$work/stats"))" ||
    fail "--stats reports fps" "$(cat "$work/stats")"

echo "gui-tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
