#!/usr/bin/env bash
# bench.sh: guest MIPS of vx86 beside QEMU TCG and Bochs, on one benchmark image
# (tests/guest/bench/bench.c). `make bench` builds the image and runs this.
#
# usage: scripts/bench.sh [--vx86 PATH] [--image ELF] [--rounds N] [--repeat K]
#                         [--no-vx86] [--no-qemu] [--no-bochs]
#   --vx86 PATH   the emulator (default build/vx86)
#   --image ELF   the benchmark image (default build/guest/bench/bench.elf)
#   --rounds N    benchmark rounds (default: the image's BENCH_ROUNDS, about 500M instructions)
#   --repeat K    time every full run K times and keep the fastest (default 1)
#
# Method. Every engine runs the image twice: with the chosen rounds, and with rounds=0 (boot,
# print, exit). Seconds = wall time of the first minus wall time of the second (the fastest of
# three), both measured with a monotonic clock around the whole process, so firmware, boot and
# process start cancel out. Instructions = retired instructions of the benchmark loop, counted by
# QEMU with -icount shift=0 (RDTSC advances once per instruction; the guest prints the delta);
# without QEMU, vx86's own count (--stats, full run minus the rounds=0 run). The same image does
# the same work everywhere, so one count serves every row; the checksum proves the work was done.
# QEMU or Bochs rows are skipped when they are not installed. Exit status 1 if an engine failed
# or printed a different checksum.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
vx86=$repo/build/vx86
image=$repo/build/guest/bench/bench.elf
rounds= repeat=1 use_vx86=1 use_qemu=1 use_bochs=1

die() { echo "bench: $*" >&2; exit 2; }
usage() { sed -n '5,11s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --vx86)   [ $# -ge 2 ] || usage; vx86=$2; shift 2 ;;
        --image)  [ $# -ge 2 ] || usage; image=$2; shift 2 ;;
        --rounds) [ $# -ge 2 ] || usage; rounds=$2; shift 2 ;;
        --repeat) [ $# -ge 2 ] || usage; repeat=$2; shift 2 ;;
        --no-vx86) use_vx86=0; shift ;;
        --no-qemu) use_qemu=0; shift ;;
        --no-bochs) use_bochs=0; shift ;;
        -h|--help) usage ;;
        *) die "unknown argument $1 (try --help)" ;;
    esac
done
[ -f "$image" ] || die "$image: no such file (run 'make bench' to build it)"
case "$rounds" in ''|*[!0-9]*) [ -z "$rounds" ] || die "--rounds wants a number, not '$rounds'" ;; esac
case "$repeat" in ''|*[!0-9]*|0) die "--repeat wants a positive number, not '$repeat'" ;; esac
if [ "$use_qemu" = 1 ] && ! command -v qemu-system-i386 >/dev/null; then
    echo "bench: qemu-system-i386 not installed: no QEMU row"
    use_qemu=0
fi
if [ "$use_bochs" = 1 ] && ! command -v bochs >/dev/null; then
    echo "bench: bochs not installed: no Bochs row"
    use_bochs=0
fi
if [ "$use_vx86" = 1 ] && [ ! -x "$vx86" ]; then
    echo "bench: $vx86 not built: no vx86 row"
    use_vx86=0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
full_args=${rounds:+rounds=$rounds}
failed=0

# timed OUT ERR CMD...: run CMD with stdout/stderr to files; print its wall time in seconds.
# Python reads the monotonic clock right around the child, so its own start-up is not counted.
timed() {
    python3 - "$@" <<'PY'
import subprocess, sys, time
out, err, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(out, "wb") as o, open(err, "wb") as e:
    t0 = time.monotonic()
    rc = subprocess.call(cmd, stdout=o, stderr=e, stdin=subprocess.DEVNULL)
    t1 = time.monotonic()
print(f"{t1 - t0:.6f} {rc}")
PY
}

# field NAME FILE: the value after "NAME" on the last line that has it ("" if none).
field() { sed -n "s/^.*$1//p" "$2" | tail -n 1 | tr -d '\r '; }

# measure ENGINE EXPECTED_RC RUNS CMD...: run CMD RUNS times and keep the fastest time. Sets T (seconds) and leaves the output in $work/ENGINE.out.
measure() {
    local engine=$1 expected=$2 runs=$3; shift 3
    local best= i result secs rc
    for ((i = 0; i < runs; i++)); do
        result=$(timed "$work/$engine.out" "$work/$engine.err" "$@")
        secs=${result% *} rc=${result#* }
        if [ "$rc" != "$expected" ] || ! grep -q "^bench: done" "$work/$engine.out"; then
            echo "bench: $engine failed (exit status $rc); its last output:" >&2
            tail -n 5 "$work/$engine.out" "$work/$engine.err" >&2
            return 1
        fi
        if [ -z "$best" ] || python3 -c "import sys; sys.exit(not $secs < $best)"; then
            best=$secs
        fi
    done
    T=$best
}

qemu=(qemu-system-i386 -cpu qemu32 -m 64 -kernel "$image" -nographic -serial stdio -monitor none
      -no-reboot -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04)

reference_checksum= instructions= count_source=
declare -A seconds=() checksum=()

# ---- QEMU: the instruction count (icount run), then the timed runs without icount ----
if [ "$use_qemu" = 1 ]; then
    echo "bench: QEMU -icount shift=0 run to count instructions..."
    if measure qemu-icount 1 1 "${qemu[@]}" -append "$full_args" -icount shift=0; then
        instructions=$(field "bench: rdtsc-delta=" "$work/qemu-icount.out")
        reference_checksum=$(field "bench: checksum=" "$work/qemu-icount.out")
        count_source="QEMU -icount shift=0 RDTSC delta around the benchmark loop"
        echo "bench: QEMU TCG timed runs..."
        if measure qemu-base 1 3 "${qemu[@]}" -append "rounds=0" && base=$T &&
           measure qemu 1 "$repeat" "${qemu[@]}" -append "$full_args"; then
            seconds[qemu]=$(python3 -c "print(f'{$T - $base:.6f}')")
            checksum[qemu]=$(field "bench: checksum=" "$work/qemu.out")
        else
            failed=1
        fi
    else
        failed=1
    fi
fi

# ---- vx86 ----
if [ "$use_vx86" = 1 ]; then
    echo "bench: vx86 runs..."
    vx86_cmd=("$vx86" run --stats "$image" --cmdline)
    if measure vx86-base 1 3 "${vx86_cmd[@]}" "rounds=0" && base=$T &&
       cp "$work/vx86-base.err" "$work/vx86-base.stats" &&
       measure vx86 1 "$repeat" "${vx86_cmd[@]}" "$full_args"; then
        seconds[vx86]=$(python3 -c "print(f'{$T - $base:.6f}')")
        checksum[vx86]=$(field "bench: checksum=" "$work/vx86.out")
        counted_full=$(field "^instructions:" "$work/vx86.err")
        counted_base=$(field "^instructions:" "$work/vx86-base.stats")
        if [ -n "$counted_full" ] && [ -n "$counted_base" ]; then
            vx86_count=$((counted_full - counted_base))
            echo "bench: vx86 --stats: $vx86_count instructions more than the rounds=0 run," \
                 "mips $(field "^mips:" "$work/vx86.err") (whole run, own clock)"
            if [ -z "$instructions" ]; then
                instructions=$vx86_count
                count_source="vx86 --stats, full run minus the rounds=0 run"
            fi
        else
            echo "bench: vx86 printed no --stats lines (instructions:, mips:) on stderr;" \
                 "counting with its RDTSC delta instead (cycles = instructions at cost 1)"
            if [ -z "$instructions" ]; then
                instructions=$(field "bench: rdtsc-delta=" "$work/vx86.out")
                count_source="vx86 guest RDTSC delta (cycles)"
            fi
        fi
    else
        failed=1
    fi
fi

# ---- Bochs: same image behind our boot loader; "bochs" makes it end via the shutdown port ----
if [ "$use_bochs" = 1 ]; then
    echo "bench: Bochs runs (the slow part)..."
    "$here/mkbootimg" "$image" "$work/bench-base.img" --append "bochs rounds=0"
    "$here/mkbootimg" "$image" "$work/bench.img" --append "bochs $full_args"
    if measure bochs-base 0 3 "$here/bochs/run-bochs" "$work/bench-base.img" && base=$T &&
       measure bochs 0 "$repeat" "$here/bochs/run-bochs" "$work/bench.img"; then
        seconds[bochs]=$(python3 -c "print(f'{$T - $base:.6f}')")
        checksum[bochs]=$(field "bench: checksum=" "$work/bochs.out")
        if [ -z "$instructions" ]; then
            instructions=$(field "bench: rdtsc-delta=" "$work/bochs.out")
            count_source="Bochs RDTSC delta (one tick per instruction)"
        fi
    else
        failed=1
    fi
fi

# ---- the table ----
[ -n "$reference_checksum" ] || reference_checksum=${checksum[vx86]:-${checksum[bochs]:-}}
echo
echo "instructions: $instructions ($count_source)"
printf '%-10s %14s %10s %10s %10s  %s\n' engine instructions seconds MIPS "vs Bochs" checksum
bochs_mips=
if [ -n "${seconds[bochs]:-}" ]; then
    bochs_mips=$(python3 -c "print($instructions / max(${seconds[bochs]}, 1e-9) / 1e6)")
fi
for engine in vx86 qemu bochs; do
    [ -n "${seconds[$engine]:-}" ] || continue
    case $engine in vx86) name=vx86 ;; qemu) name="QEMU TCG" ;; bochs) name="Bochs" ;; esac
    note=
    if [ "${checksum[$engine]}" != "$reference_checksum" ]; then
        note="  WRONG (expected $reference_checksum)"
        failed=1
    fi
    python3 - "$name" "$instructions" "${seconds[$engine]}" "${bochs_mips:-0}" \
        "${checksum[$engine]}$note" <<'PY'
import sys
name, n, secs, bochs, check = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
mips = n / max(secs, 1e-9) / 1e6
ratio = f"{mips / bochs:.2f}x" if bochs > 0 else "-"
print(f"{name:<10} {n:>14} {secs:>10.3f} {mips:>10.1f} {ratio:>10}  {check}")
PY
done
exit $failed
