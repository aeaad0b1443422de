#!/usr/bin/env bash
# Guest ISA tests: run each image on vx86 and on QEMU and compare what follows the marker line.
# Every output line is one check (a group of instructions with its result hash), so a differing
# line names the instruction group that disagrees.
#
# Usage: tests/guest/isa/run.sh IMAGE.elf...        (from the repository root; `make check-isa`)
# Without qemu-system-i386 the vx86 output is compared with tests/guest/isa/expected/NAME.txt
# (recorded from QEMU; refresh with ISA_RECORD=1 when QEMU is installed).
# Environment: VX86=path (default build/vx86), ISA_TIMEOUT=seconds (default 120),
#              ISA_QEMU=0 to skip QEMU, ISA_RECORD=1 to rewrite the expected files from QEMU.
set -u

BUILD=${BUILD:-build}
VX86=${VX86:-$BUILD/vx86}
TIMEOUT=${ISA_TIMEOUT:-120}
MARKER='--- vx86 guest begin ---'
EXPECTED_DIR=tests/guest/isa/expected

passed=0
failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ $# -eq 0 ]; then
    echo "usage: $0 IMAGE.elf..." >&2
    exit 2
fi

# What follows the marker (firmware banners come before it, possibly without a newline).
after_marker() {
    sed -n "/$MARKER/,\$p" "$1" | tail -n +2 | tr -d '\r'
}

run_qemu() {
    timeout "$TIMEOUT" qemu-system-i386 -cpu qemu32 -m 64 -kernel "$1" -nographic -serial stdio \
        -monitor none -no-reboot -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        </dev/null >"$2" 2>&1
}

have_qemu=1
if [ "${ISA_QEMU:-1}" = 0 ] || ! command -v qemu-system-i386 >/dev/null 2>&1; then
    have_qemu=0
    echo "note: qemu-system-i386 not available: comparing vx86 with the recorded QEMU output in $EXPECTED_DIR"
fi
if [ ! -x "$VX86" ]; then
    echo "error: $VX86 not found: build it first (make)" >&2
    exit 2
fi

for image in "$@"; do
    name=$(basename "$image" .elf)
    if [ ! -f "$image" ]; then
        echo "FAIL $name: image $image not found"
        failed=$((failed + 1))
        continue
    fi
    timeout "$TIMEOUT" "$VX86" run "$image" </dev/null >"$work/$name.vx86.raw" 2>&1
    vx_status=$?
    after_marker "$work/$name.vx86.raw" >"$work/$name.vx86"

    ref="$EXPECTED_DIR/$name.txt"
    if [ $have_qemu = 1 ]; then
        run_qemu "$image" "$work/$name.qemu.raw"
        after_marker "$work/$name.qemu.raw" >"$work/$name.qemu"
        ref="$work/$name.qemu"
        if [ "${ISA_RECORD:-0}" = 1 ]; then
            mkdir -p "$EXPECTED_DIR"
            cp "$ref" "$EXPECTED_DIR/$name.txt"
            echo "recorded $EXPECTED_DIR/$name.txt"
        fi
    elif [ ! -f "$ref" ]; then
        echo "FAIL $name: no QEMU and no recorded output $ref"
        failed=$((failed + 1))
        continue
    fi
    if [ ! -s "$ref" ]; then
        echo "FAIL $name: the reference run printed nothing after the marker"
        failed=$((failed + 1))
        continue
    fi

    # One check per reference line; extra vx86 lines are failures too.
    while IFS= read -r line; do
        if grep -qxF -- "$line" "$work/$name.vx86"; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            key=${line%%:*}
            got=$(grep -F -- "$key:" "$work/$name.vx86" | head -n 1)
            echo "FAIL $name: want '$line'"
            echo "           got  '${got:-<missing>}'"
        fi
    done <"$ref"
    extra=$(grep -vxF -f "$ref" "$work/$name.vx86" | head -n 5)
    if [ -n "$extra" ]; then
        failed=$((failed + 1))
        echo "FAIL $name: vx86 printed lines the reference did not:"
        echo "$extra" | sed 's/^/           /'
    fi
    # vx86 exit status: 1 = the guest's main returned 0 through the debug-exit port
    if [ $vx_status -ne 1 ]; then
        failed=$((failed + 1))
        echo "FAIL $name: vx86 exit status $vx_status (want 1 = debug-exit 0); last lines:"
        tail -n 5 "$work/$name.vx86.raw" | sed 's/^/           /'
    fi
done

echo "isa-tests: $passed passed, $failed failed"
[ $failed -eq 0 ]
