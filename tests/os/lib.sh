# Helpers for the toy OS tests (sourced by tests/os/run.sh): boot the kernel on vx86 or QEMU.
#   os_vx86 OUT CMDLINE [vx86 run options...]     run headless, stdout to OUT; returns vx86's status
#   os_qemu OUT CMDLINE [INPUT]                   run qemu-system-i386; INPUT is typed after the first
#                                                 prompt (SeaBIOS reads COM1 while booting)
#   after_prompt FILE                             the text from the first "$ " on, CRs removed
#   after_bootmsg FILE                            QEMU's output without the BIOS lines before the guest
# Variables: VX86, KERNEL, INITRD, MODULES (extra "FILE,/PATH" pairs), MAX_CYCLES.

: "${VX86:=build/vx86}" "${KERNEL:=build/os/kernel.elf}" "${INITRD:=build/os/initrd.img}"
: "${MAX_CYCLES:=5e10}"
MODULES=${MODULES:-}

os_vx86() {
    local out=$1 cmdline=$2; shift 2
    local mods=(--module "$INITRD")
    for m in $MODULES; do mods+=(--module "$m"); done
    timeout 300 "$VX86" run "$KERNEL" "${mods[@]}" ${cmdline:+--cmdline "$cmdline"} \
        --max-cycles "$MAX_CYCLES" "$@" > "$out"
}

have_qemu() { command -v qemu-system-i386 > /dev/null; }

os_qemu() {
    local out=$1 cmdline=$2 input=${3:-}
    local initrd=$INITRD
    for m in $MODULES; do initrd="$initrd,${m%%,*} ${m#*,}"; done
    local args=(-cpu qemu32 -m 64 -kernel "$KERNEL" -initrd "$initrd" -nographic -serial stdio
                -monitor none -no-reboot -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04)
    [ -n "$cmdline" ] && args+=(-append "$cmdline")
    if [ -z "$input" ]; then
        timeout 300 qemu-system-i386 "${args[@]}" < /dev/null > "$out"
        return
    fi
    local fifo
    fifo=$(mktemp -u /tmp/os-qemu-in.XXXXXX)
    mkfifo "$fifo"
    timeout 300 qemu-system-i386 "${args[@]}" < "$fifo" > "$out" &
    local pid=$!
    exec 7> "$fifo"
    local waited=0
    while ! grep -q '\$ ' "$out" 2> /dev/null && [ $waited -lt 600 ] && kill -0 $pid 2> /dev/null; do
        sleep 0.1; waited=$((waited + 1))
    done
    cat "$input" >&7
    local rc=0
    wait $pid || rc=$?
    exec 7>&-
    rm -f "$fifo"
    return $rc
}

after_prompt() { tr -d '\r' < "$1" | awk 'f || /^\$ / { f = 1; print }'; }
after_bootmsg() {   # QEMU's option ROM prints "Booting from ROM.." and, when slow, more dots
    tr -d '\r' < "$1" | awk 'f == 2 { print; next }
        f == 1 && /^\.+$/ { next }
        f == 1 { f = 2; print; next }
        /Booting from ROM\./ { f = 1; sub(/.*Booting from ROM\.+/, ""); if (length) { f = 2; print } }'
}
