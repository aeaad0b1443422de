#!/bin/sh
# check-hyperv: the toy OS's hypervisor, end to end on vx86 (and once on QEMU without SVM).
#  1. Parity: every image of the guest suite (build/guest/suite/*.elf) is run bare on vx86 and
#     as a VM (`vm run` inside the toy OS, the image given to the OS as a module); the output
#     must be the same bytes (the toy OS's tty turns "\n" into "\r\n", as any Unix tty does:
#     that "\r" is removed) and vx86's exit status the same (the guest's debug-exit value, passed
#     on by vm and then by init's power-off).
#  2. Hostile guests (tests/hyperv/guests): each ends its own VM with the status vm documents,
#     and the host shell runs the next command afterwards.
#  3. vm's bad input: one clear message and the documented status.
set -u
. tests/hyperv/lib.sh

# boot IMAGE 'CMD' -> $T/out (console bytes, \r removed), $rc (vx86's status)
boot() {
    "$VX86" run "$K" --module "$I" --module "$1,/vm/img.elf" --cmdline "cmd=$2" >"$T/raw" 2>&1
    rc=$?
    tr -d '\r' <"$T/raw" >"$T/out"
}
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# ---- 1. parity ----
# The system tests that need no device beyond COM1 (paging, rings, call gates, A/D bits, #PF):
# the guest's own page tables under nested paging; pic_pit on the virtual 8259A/8254. (ticks
# wants its 1000 Hz timer on time, but the virtual PIT is looked at only at exits; uart_rx, keyboard and
# iobitmap's string I/O need devices the hypervisor does not emulate yet.)
PARITY_SYS="build/guest/sys/paging_ad.elf build/guest/sys/paging_pf.elf build/guest/sys/rings.elf
            build/guest/sys/callgate.elf build/guest/timing/paging_trace.elf build/guest/sys/pic_pit.elf"
for img in build/guest/suite/*.elf $PARITY_SYS; do
    "$VX86" run "$img" >"$T/bare" 2>&1
    brc=$?
    boot "$img" "vm run /vm/img.elf"
    if ! cmp -s "$T/bare" "$T/out"; then
        bad "parity $img: output differs"; diff "$T/bare" "$T/out" | head -5
    elif [ "$brc" != "$rc" ]; then
        bad "parity $img: bare status $brc, VM status $rc"
    else
        pass=$((pass + 1))
    fi
done

# ---- 2. hostile guests: name, expected vm status, a line the output must hold ----
hostile() {
    name=$1 want=$2 text=$3 opts=${4:-}
    boot "$G/$name.elf" "vm run $opts /vm/img.elf; echo vm-status \$?; echo host-alive"
    if ! grep -qx "vm-status $want" "$T/out"; then
        bad "hostile $name: want vm status $want"; cat "$T/out" | tail -4
    elif ! grep -qx "host-alive" "$T/out" || ! grep -q "$text" "$T/out"; then
        bad "hostile $name: output lacks '$text' or host-alive"; tail -4 "$T/out"
    else
        pass=$((pass + 1))
    fi
}
hostile triple 125 "guest stopped: triple fault (shutdown)"
hostile clihlt 0   "clihlt: halting"
hostile clijmp 124 "guest stopped: timed out" "--timeout 300"
hostile ports  7   "ports: all written, reads sum 0x"
hostile msrs   9   "msrs: 24576 reads, 24574 refused"
hostile beyond 126 "guest stopped: access beyond guest memory (exit npf"
hostile vmrun  127 "guest stopped: unhandled exit (exit vmrun"

# While a guest spins with interrupts off, the host shell runs other commands: the timer's INTR
# exit preempts the vCPU task and the scheduler runs the others. "during" and ps's line must
# come before the VM's timeout.
boot "$G/clijmp.elf" "vm run --timeout 500 /vm/img.elf & sleep 0.1; echo during; ps; cat /proc/vms; wait"
if grep -n -e '^during$' -e 'guest stopped: timed out' -e ' R .*vm run' "$T/out" | cut -d: -f2- | \
        tr '\n' '|' | grep -q '^during|.* R .*vm run --timeout.*|vm: guest stopped: timed out'; then
    pass=$((pass + 1))
else
    bad "host not responsive while a guest spins with interrupts off"; cat "$T/out"
fi
# /proc/vms, read meanwhile: the running VM, its owner, ASID and memory, its INTR exits so far.
if grep -q '^vm 1 pid [0-9]* asid 1 memory 16384 kB end 0 status 0' "$T/out" && grep -q '^  intr  *[1-9]' "$T/out"; then
    pass=$((pass + 1))
else
    bad "/proc/vms while the VM runs"; cat "$T/out"
fi

# Four VMs at once, each its own task, ASID and frames; the scheduler shares the CPU among them
# (each takes INTR exits), and each ends by its own timeout.
V="vm run --memory 4M --timeout 400 /vm/img.elf"
boot "$G/clijmp.elf" "$V & $V & $V & $V & sleep 0.2; cat /proc/vms; wait"
if [ "$(grep -c '^vm [1-4] pid [0-9]* asid [1-4] memory 4096 kB end 0' "$T/out")" = 4 ] &&
        [ "$(grep -c 'guest stopped: timed out' "$T/out")" = 4 ]; then
    pass=$((pass + 1))
else
    bad "four VMs at once"; cat "$T/out"
fi

# ---- The toy OS as a guest (the Kata pattern): its kernel and initrd given to the host OS as
# files, booted by vm; the inner shell's exit status comes out of vm. Then an interactive inner
# shell fed through vm's console (the host tty echoes the typed line too: hence grep -c).
kata() {
    c=$1; shift
    "$VX86" run "$K" --memory 256M --module "$I" --module "$K,/vm/kernel.elf" --module "$I,/vm/initrd.img" \
        --cmdline "cmd=$c" "$@" >"$T/raw" 2>&1
    tr -d '\r' <"$T/raw" >"$T/out"
}
kata "vm run --timeout 5000 --memory 64M --module /vm/initrd.img /vm/kernel.elf 'cmd=echo inside-vm; exit 5'; echo vm-status \$?" --max-cycles 8e9 --trace "$T/t.jsonl"
# The inner kernel's trace records reach the host probe through the intercepted probe port,
# tagged with the VM id: its init and sh appear as tasks of vm 1.
if grep -qx inside-vm "$T/out" && grep -qx "vm-status 5" "$T/out" &&
        grep -q '"kind":"task_create".*"vm":1,"name":"sh"' "$T/t.jsonl"; then
    pass=$((pass + 1))
else
    bad "toy OS inside a VM"; tail -5 "$T/out"
fi
# The inner kernel clears its UART's FIFO at boot, so the first bytes typed may go: empty lines.
printf '\n\n\n\n\n\n\n\necho typed-$((6 * 7))\nexit 6\n' >"$T/in"
kata "vm run --timeout 5000 --memory 64M --module /vm/initrd.img /vm/kernel.elf quiet; echo vm-status \$?" \
    --serial-input "$T/in" --max-cycles 8e9
if grep -qx typed-42 "$T/out" && grep -qx "vm-status 6" "$T/out"; then
    pass=$((pass + 1))
else
    bad "typing into the toy OS inside a VM"; tail -5 "$T/out"
fi

# ---- 3. bad input ----
badin() {
    want=$1 text=$2; shift 2
    boot "$G/clihlt.elf" "vm $*; echo vm-status \$?"
    if grep -qx "vm-status $want" "$T/out" && grep -q "$text" "$T/out"; then
        pass=$((pass + 1))
    else
        bad "vm $*: want status $want and '$text'"; tail -3 "$T/out"
    fi
}
badin 2 "vm: unknown option --bogus" run --bogus /vm/img.elf
badin 2 "vm: no image to run" run
badin 2 "vm: --memory wants" run --memory 3X /vm/img.elf
badin 3 "vm: /etc/motd: not an ELF32 i386 image" run /etc/motd
badin 3 "vm: /bin/echo: no Multiboot header in the first 8 KiB" run /bin/echo
badin 3 "vm: /nonexistent:" run /nonexistent
badin 4 "vm: VM_SET_MEMORY: not enough host memory" run --memory 256M /vm/img.elf
badin 2 "vm: unknown command frob" frob
badin 0 "usage: vm run \\[--npt|--shadow\\]" --help

# On a CPU without SVM (qemu-system-i386's default CPU) VM_CREATE is -ENODEV and vm says so: no
# kernel fault. (check-os needs QEMU too.)
timeout 120 qemu-system-i386 -kernel "$K" -initrd "$I,$G/clihlt.elf /vm/img.elf" \
    -append 'cmd=vm run /vm/img.elf; echo vm-status $?' -nographic -serial stdio -monitor none \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 2>&1 | tr -d '\r' >"$T/out"
if grep -q "vm: VM_CREATE: this CPU has no SVM" "$T/out" && grep -qx "vm-status 4" "$T/out"; then
    pass=$((pass + 1))
else
    bad "vm on a CPU without SVM"; tail -3 "$T/out"
fi

echo "check-hyperv: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
