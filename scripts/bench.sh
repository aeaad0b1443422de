#!/usr/bin/env bash
# bench.sh: guest MIPS of vx86 beside QEMU TCG and Bochs, on one benchmark image
# (tests/guest/bench/bench.c). `make bench` builds the image and runs this.
#
# usage: scripts/bench.sh [--vx86 PATH] [--image ELF] [--rounds N] [--repeat K] [--paging]
#                         [--no-vx86] [--no-qemu] [--no-bochs]
#   --vx86 PATH   the emulator (default build/vx86)
#   --image ELF   the benchmark image (default build/guest/bench/bench.elf)
#   --rounds N    benchmark rounds (default: the image's BENCH_ROUNDS, about 500M instructions)
#   --repeat K    time every full run K times and keep the fastest (default 3, as for the
#                 rounds=0 runs: on a shared machine one run can be slowed by other work)
#   --paging      the paging variant: every engine runs the same work with paging on
#                 (the guest's "paging" word: identity-mapped 4 KiB pages)
#
# Method. Every engine runs the image twice: with the chosen rounds, and with rounds=0 (boot,
# print, exit). Seconds = wall time of the first minus wall time of the second (the fastest of
# three), both measured with a monotonic clock around the whole process, so firmware, boot and
# process start cancel out; "cpu MIPS" does the same with the processes' CPU time, which other
# load on the machine disturbs less. Instructions = retired instructions of the benchmark loop,
# counted by one extra QEMU run with -icount shift=0 (RDTSC advances once per instruction; the
# guest prints the delta; QEMU's timed runs go without -icount, at full JIT speed). Without QEMU:
# vx86's own count (--stats, full run minus the rounds=0 run), else Bochs' RDTSC delta. The same
# image does the same work everywhere, so one count serves every row; the checksum proves the
# work was done. Bochs boots the image through scripts/mkbootimg with cpu model p2_klamath.
# QEMU or Bochs rows are skipped when they are not installed. Exit status 1 if an engine failed
# or printed a different checksum.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
vx86=$repo/build/vx86
image=$repo/build/guest/bench/bench.elf
rounds='' repeat=3 use_vx86=1 use_qemu=1 use_bochs=1 paging=

die() { echo "bench: $*" >&2; exit 2; }
usage() { sed -n '5,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --vx86)   [ $# -ge 2 ] || usage; vx86=$2; shift 2 ;;
        --image)  [ $# -ge 2 ] || usage; image=$2; shift 2 ;;
        --rounds) [ $# -ge 2 ] || usage; rounds=$2; shift 2 ;;
        --repeat) [ $# -ge 2 ] || usage; repeat=$2; shift 2 ;;
        --paging) paging=paging; shift ;;
        --no-vx86) use_vx86=0; shift ;;
        --no-qemu) use_qemu=0; shift ;;
        --no-bochs) use_bochs=0; shift ;;
        -h|--help) usage ;;
        *) die "unknown argument $1 (try --help)" ;;
    esac
done
[ -f "$image" ] || die "$image: no such file (run 'make bench' to build it)"
if [ -n "$rounds" ] && [[ ! "$rounds" =~ ^[0-9]+$ ]]; then
    die "--rounds wants a number, not '$rounds'"
fi
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
full_args=$(echo ${rounds:+rounds=$rounds} $paging)   # echo joins the words present
base_args=$(echo rounds=0 $paging)
failed=0

# timed OUT ERR CMD...: run CMD with stdout/stderr to files; print "WALL CPU STATUS": wall time
# (monotonic clock, read right around the child so Python's own start-up is not counted) and the
# CPU time (user + system) of the child and its descendants, both in seconds.
timed() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
out, err, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(out, "wb") as o, open(err, "wb") as e:
    t0 = time.monotonic()
    try:
        rc = subprocess.call(cmd, stdout=o, stderr=e, stdin=subprocess.DEVNULL)
    except OSError as error:
        e.write(f"cannot run {cmd[0]}: {error.strerror}\n".encode())
        rc = 127
    t1 = time.monotonic()
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{t1 - t0:.6f} {usage.ru_utime + usage.ru_stime:.6f} {rc}")
PY
}

# min_of A B: the smaller of two decimal numbers.
min_of() { python3 -c "import sys; print(min(float(sys.argv[1]), float(sys.argv[2])))" "$1" "$2"; }

# field NAME FILE: the value after "NAME" on the last line that has it ("" if none).
field() { sed -n "s/^.*$1//p" "$2" | tail -n 1 | tr -d '\r '; }

# measure ENGINE EXPECTED_RC RUNS CMD...: run CMD RUNS times and keep the fastest times.
# Sets T (wall seconds) and C (CPU seconds) and leaves the output in $work/ENGINE.out.
measure() {
    local engine=$1 expected=$2 runs=$3; shift 3
    local i result wall cpu rc
    T='' C=''
    for ((i = 0; i < runs; i++)); do
        result=$(timed "$work/$engine.out" "$work/$engine.err" "$@")
        read -r wall cpu rc <<<"$result"
        if [ "$rc" != "$expected" ] || ! grep -q "^bench: done" "$work/$engine.out"; then
            echo "bench: $engine failed (exit status $rc); its last output:" >&2
            tail -n 5 "$work/$engine.out" "$work/$engine.err" >&2
            return 1
        fi
        if [ -z "$T" ]; then T=$wall C=$cpu
        else T=$(min_of "$T" "$wall") C=$(min_of "$C" "$cpu"); fi
    done
}

# difference FULL BASE: FULL - BASE, as a decimal number.
difference() {
    python3 -c "import sys; print(f'{float(sys.argv[1]) - float(sys.argv[2]):.6f}')" "$1" "$2"
}

# shellcheck disable=SC2054  # the commas belong to -device's option list
qemu=(qemu-system-i386 -cpu qemu32 -m 64 -kernel "$image" -nographic -serial stdio -monitor none
      -no-reboot -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04)

reference_checksum='' instructions='' count_source=''
declare -A seconds=() cpu_seconds=() checksum=()

# ---- QEMU: the instruction count (icount run), then the timed runs without icount ----
if [ "$use_qemu" = 1 ]; then
    echo "bench: QEMU -icount shift=0 run to count instructions..."
    if measure qemu-icount 1 1 "${qemu[@]}" -append "$full_args" -icount shift=0; then
        instructions=$(field "bench: rdtsc-delta=" "$work/qemu-icount.out")
        reference_checksum=$(field "bench: checksum=" "$work/qemu-icount.out")
        count_source="QEMU -icount shift=0 RDTSC delta around the benchmark loop"
        echo "bench: QEMU TCG timed runs..."
        if measure qemu-base 1 3 "${qemu[@]}" -append "$base_args" && base=$T base_cpu=$C &&
           measure qemu 1 "$((repeat > 3 ? repeat : 3))" "${qemu[@]}" -append "$full_args"; then
            seconds[qemu]=$(difference "$T" "$base")
            cpu_seconds[qemu]=$(difference "$C" "$base_cpu")
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
    if measure vx86-base 1 3 "${vx86_cmd[@]}" "$base_args" && base=$T base_cpu=$C &&
       cp "$work/vx86-base.err" "$work/vx86-base.stats" &&
       measure vx86 1 "$repeat" "${vx86_cmd[@]}" "$full_args"; then
        seconds[vx86]=$(difference "$T" "$base")
        cpu_seconds[vx86]=$(difference "$C" "$base_cpu")
        checksum[vx86]=$(field "bench: checksum=" "$work/vx86.out")
        counted_full=$(field "instructions: " "$work/vx86.err")
        counted_base=$(field "instructions: " "$work/vx86-base.stats")
        if [ -n "$counted_full" ] && [ -n "$counted_base" ]; then
            vx86_count=$((counted_full - counted_base))
            echo "bench: vx86 --stats: $vx86_count instructions more than the rounds=0 run," \
                 "mips $(field "mips: " "$work/vx86.err") (whole run, own clock)"
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
    "$here/mkbootimg" "$image" "$work/bench-base.img" --append "bochs $base_args"
    "$here/mkbootimg" "$image" "$work/bench.img" --append "bochs $full_args"
    if measure bochs-base 0 3 "$here/bochs/run-bochs" "$work/bench-base.img" &&
       base=$T base_cpu=$C &&
       measure bochs 0 "$repeat" "$here/bochs/run-bochs" "$work/bench.img"; then
        seconds[bochs]=$(difference "$T" "$base")
        cpu_seconds[bochs]=$(difference "$C" "$base_cpu")
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
if [ -z "$instructions" ]; then
    echo "bench: no engine could count instructions: no table" >&2
    exit 1
fi
echo
echo "instructions: $instructions ($count_source)${paging:+, paging on}"
echo "seconds: wall time, full run minus rounds=0 run; cpu MIPS uses CPU time instead (a fairer"
echo "figure when other work shares this machine's cores)"
rows=()
for engine in vx86 qemu bochs; do
    [ -n "${seconds[$engine]:-}" ] || continue
    case $engine in vx86) name=vx86 ;; qemu) name="QEMU-TCG" ;; bochs) name="Bochs" ;; esac
    note=
    if [ "${checksum[$engine]}" != "$reference_checksum" ]; then
        note=" WRONG(expected:$reference_checksum)"
        failed=1
    fi
    rows+=("$name ${seconds[$engine]} ${cpu_seconds[$engine]} ${checksum[$engine]}$note")
done
python3 - "$instructions" "${rows[@]}" <<'PY'
import sys
n = int(sys.argv[1])
rows = [r.split(" ", 3) for r in sys.argv[2:]]
def mips(secs):
    # A run too short to measure (or noise larger than it) has no meaningful rate.
    return n / float(secs) / 1e6 if float(secs) > 0.001 else float("nan")
def show(x, fmt):
    return "-" if x != x else format(x, fmt)
bochs = next((r for r in rows if r[0] == "Bochs"), None)
print(f"{'engine':<10} {'instructions':>13} {'seconds':>9} {'MIPS':>9} {'vs Bochs':>9} "
      f"{'cpu MIPS':>9} {'vs Bochs':>9}  checksum")
for name, wall, cpu, check in rows:
    ratio = show(mips(wall) / mips(bochs[1]), ".2f") + "x" if bochs else "-"
    cpu_ratio = show(mips(cpu) / mips(bochs[2]), ".2f") + "x" if bochs else "-"
    print(f"{name:<10} {n:>13} {float(wall):>9.3f} {show(mips(wall), '.1f'):>9} {ratio:>9} "
          f"{show(mips(cpu), '.1f'):>9} {cpu_ratio:>9}  {check}")
PY
exit $failed
