#!/bin/sh
# check-hyperv, shadow paging (hyperv/shadow.c) and the reference machines:
#  1. Parity: every image run.sh runs as a VM under nested paging also runs under shadow paging
#     (`vm run --shadow`), printing exactly what it prints bare on vx86, with the same status;
#     and the two paging workloads of guests/ (tlbmiss: A/D bits after INVLPG; cr3churn: three
#     address spaces, page tables changed between CR3 loads) bare, under NPT and under shadow.
#  2. The hostile guests under shadow paging: each ends its VM with the documented status; and
#     badcr3 (paging on with its page directory outside its memory) under both. Two shadow and
#     two NPT VMs at once, each running a paging workload.
#  3. The toy OS boots as a VM under shadow paging and runs `ctr run base hostname` inside it;
#     the trace shows the container's task as a task of vm 1.
#  4. The references (issue 12, acceptance 4): the toy OS, and vm inside it, on QEMU TCG
#     (`-cpu qemu64,+svm`, shadow paging: QEMU 7.2 walks no nested tables for a 32-bit host;
#     also the toy OS with a container as the guest) and on Bochs (`phenom_8650_toliman`,
#     nested paging; its loader takes only ~600 KiB, too little for the toy OS as a guest),
#     the guest printing what it prints on vx86. Neither is optional: scripts/install-deps.sh
#     installs both, and a missing one fails the test.
set -u
. tests/hyperv/lib.sh
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# boot IMAGE 'CMD' -> $T/out (console bytes, \r removed), $rc (vx86's status)
boot() {
    "$VX86" run "$K" --module "$I" --module "$1,/vm/img.elf" --cmdline "cmd=$2" >"$T/raw" 2>&1
    rc=$?
    tr -d '\r' <"$T/raw" >"$T/out"
}

# parity IMAGE MODE...: bare output and status, then the same as a VM in each mode
parity() {
    img=$1; shift
    "$VX86" run "$img" >"$T/bare" 2>&1
    brc=$?
    for mode in "$@"; do
        boot "$img" "vm run --$mode /vm/img.elf"
        if ! cmp -s "$T/bare" "$T/out"; then
            bad "parity --$mode $img: output differs"; diff "$T/bare" "$T/out" | head -5
        elif [ "$brc" != "$rc" ]; then
            bad "parity --$mode $img: bare status $brc, VM status $rc"
        else
            pass=$((pass + 1))
        fi
    done
}

# ---- 1. parity under shadow paging ----
# The same list as run.sh's NPT parity (the guest suite, the paging/rings system tests).
PARITY_SYS="build/guest/sys/paging_ad.elf build/guest/sys/paging_pf.elf build/guest/sys/rings.elf
            build/guest/sys/callgate.elf build/guest/timing/paging_trace.elf build/guest/sys/pic_pit.elf"
for img in build/guest/suite/*.elf $PARITY_SYS; do
    parity "$img" shadow
done
parity "$G/tlbmiss.elf" npt shadow
parity "$G/cr3churn.elf" npt shadow
# They are meant to work the shadow MMU: refills after INVLPG, cached directories resynced.
boot "$G/cr3churn.elf" "vm run --shadow --stats /vm/img.elf"
if grep -q '^  cr3_write  *300[0-9] exits' "$T/out"; then
    pass=$((pass + 1))
else
    bad "cr3churn: want 3,000+ cr3_write exits"; cat "$T/out"
fi

# ---- 2. hostile guests under shadow paging ----
hostile() {
    name=$1 want=$2 text=$3 opts=${4:-}
    boot "$G/$name.elf" "vm run --shadow $opts /vm/img.elf; echo vm-status \$?; echo host-alive"
    if ! grep -qx "vm-status $want" "$T/out"; then
        bad "hostile --shadow $name: want vm status $want"; tail -4 "$T/out"
    elif ! grep -qx "host-alive" "$T/out" || ! grep -q "$text" "$T/out"; then
        bad "hostile --shadow $name: output lacks '$text' or host-alive"; tail -4 "$T/out"
    else
        pass=$((pass + 1))
    fi
}
hostile triple 125 "guest stopped: triple fault (shutdown)"
hostile clihlt 0   "clihlt: halting"
hostile clijmp 124 "guest stopped: timed out" "--timeout 300"
hostile ports  7   "ports: all written, reads sum 0x"
hostile msrs   9   "msrs: 24576 reads, 24574 refused"
hostile beyond 126 "guest stopped: access beyond guest memory (exit #PF, info1 0, info2 0x30000000"
hostile vmrun  127 "guest stopped: unhandled exit (exit vmrun"
# paging on with a page directory beyond guest memory: the hypervisor's walk of the guest's
# tables ends it under shadow paging, the CPU's nested walk under NPT (a later --npt wins)
hostile badcr3 126 "guest stopped: access beyond guest memory (exit #PF, info1 0, info2 0x"
hostile badcr3 126 "guest stopped: access beyond guest memory (exit npf, info1 0x6, info2 0x30000000" --npt

# While a shadow-paging guest spins with interrupts off, the host shell runs other commands
# (the timer's INTR exit preempts the vCPU task): "during" and ps's line come before its timeout.
boot "$G/clijmp.elf" "vm run --shadow --timeout 500 /vm/img.elf & sleep 0.1; echo during; ps; wait"
if grep -n -e '^during$' -e 'guest stopped: timed out' -e ' R .*vm run' "$T/out" | cut -d: -f2- | \
        tr '\n' '|' | grep -q '^during|.* R .*vm run --shadow --timeout.*|vm: guest stopped: timed out'; then
    pass=$((pass + 1))
else
    bad "host not responsive while a shadow-paging guest spins with interrupts off"; cat "$T/out"
fi

# Four VMs at once, two under each kind of paging, each running a paging workload: every one
# prints what it prints bare (the shadow MMU's state is per VM), and all four ran at the same
# time (/proc/vms read meanwhile lists four).
"$VX86" run "$G/cr3churn.elf" >"$T/a" 2>&1
"$VX86" run "$G/tlbmiss.elf" >"$T/b" 2>&1
"$VX86" run "$K" --memory 256M --module "$I" --module "$G/cr3churn.elf,/vm/a.elf" --module "$G/tlbmiss.elf,/vm/b.elf" \
    --cmdline "cmd=vm run --shadow /vm/a.elf & vm run --shadow /vm/b.elf & vm run /vm/a.elf & vm run /vm/b.elf & cat /proc/vms; wait" \
    >"$T/raw" 2>&1
tr -d '\r' <"$T/raw" >"$T/out"
if [ "$(grep -cxF "$(tail -1 "$T/a")" "$T/out")" = 2 ] && [ "$(grep -cxF "$(tail -1 "$T/b")" "$T/out")" = 2 ] &&
        [ "$(grep -c '^vm [1-4] pid [0-9]* asid [1-4] memory 16384 kB' "$T/out")" = 4 ]; then
    pass=$((pass + 1))
else
    bad "two shadow-paging and two nested-paging VMs at once"; cat "$T/out"
fi

# ---- 3. the toy OS as a VM under shadow paging, a container inside it ----
"$VX86" run "$K" --memory 256M --module "$I" --module "$K,/vm/kernel.elf" --module "$I,/vm/initrd.img" \
    --cmdline "cmd=vm run --shadow --timeout 20000 --memory 64M --module /vm/initrd.img /vm/kernel.elf 'cmd=ctr run base hostname; exit 5'; echo vm-status \$?; hostname" \
    --max-cycles 8e9 --trace "$T/t.jsonl" >"$T/raw" 2>&1
tr -d '\r' <"$T/raw" >"$T/out"
# the container's hostname (12 hex digits, not the host's), its task in a cgroup of vm 1
if grep -qx '[0-9a-f]\{12\}' "$T/out" && grep -qx "vm-status 5" "$T/out" && [ "$(tail -1 "$T/out")" = vx86 ] &&
        grep -q '"kind":"task_create".*"cgroup":[2-9][0-9]*,"vm":1,"name":"hostname"' "$T/t.jsonl"; then
    pass=$((pass + 1))
else
    bad "toy OS inside a shadow-paging VM running a container"; tail -5 "$T/out"
fi
grep -x '[0-9a-f]\{12\}' "$T/out" >"$T/kata-vx86"

# ---- 4. the references ----
# One boot of the host OS runs each image as a VM in turn; what follows the first guest's
# banner (SeaBIOS leaves "Booting from ROM.." on the same line) must be what vx86 prints for
# the same command. The paging guests work the shadow MMU: A/D bits, #PF error codes and CR2,
# WP, 4 MiB pages, INVLPG, CR3 switches with changed tables.
REF_IMGS="build/guest/suite/crc32-O2.elf build/guest/sys/paging_ad.elf build/guest/sys/paging_pf.elf $G/tlbmiss.elf $G/cr3churn.elf"
vm_lines() { tr -d '\r' <"$1" | sed 's/.*--- vx86 guest begin ---$/--- vx86 guest begin ---/' | sed -n '/^--- vx86 guest begin ---$/,$p' >"$2"; }
# ref_cmd MODE -> the shell command; ref_mods -> the module list ("FILE /vm/N.elf" each)
ref_cmd() {
    c='' n=0
    for img in $REF_IMGS; do n=$((n + 1)); c="$c vm run --$1 /vm/$n.elf; echo vm-status \$?;"; done
    echo "$c"
}
# the same on vx86, modules given as vx86 takes them
vx86_ref() {
    mods='' n=0
    for img in $REF_IMGS; do n=$((n + 1)); mods="$mods --module $img,/vm/$n.elf"; done
    # shellcheck disable=SC2086
    "$VX86" run "$K" --module "$I" $mods --cmdline "cmd=$(ref_cmd "$1")" >"$T/vraw" 2>&1
    vm_lines "$T/vraw" "$2"
}

if command -v qemu-system-x86_64 >/dev/null 2>&1; then
    vx86_ref shadow "$T/want"
    mods="$I" n=0
    for img in $REF_IMGS; do n=$((n + 1)); mods="$mods,$img /vm/$n.elf"; done
    timeout 300 qemu-system-x86_64 -cpu qemu64,+svm -m 128 -kernel "$K" -initrd "$mods" \
        -append "cmd=$(ref_cmd shadow)" -nographic -serial stdio -monitor none \
        -no-reboot -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null >"$T/qraw" 2>&1
    vm_lines "$T/qraw" "$T/qout"
    if [ "$(grep -c '^vm-status 0$' "$T/want")" = 5 ] && cmp -s "$T/want" "$T/qout"; then
        pass=$((pass + 1))
    else
        bad "shadow paging on qemu-system-x86_64 -cpu qemu64,+svm"; diff "$T/want" "$T/qout" | head -5; tail -3 "$T/qraw"
    fi
    # The toy OS in a shadow-paging VM on QEMU, a container inside it: the container's hostname
    # is the one it has on vx86 (section 3), and the inner shell's status comes out of vm.
    timeout 300 qemu-system-x86_64 -cpu qemu64,+svm -m 256 -kernel "$K" -initrd "$I,$K /vm/kernel.elf,$I /vm/initrd.img" \
        -append "cmd=vm run --shadow --timeout 20000 --memory 64M --module /vm/initrd.img /vm/kernel.elf 'cmd=ctr run base hostname; exit 5'; echo vm-status \$?" \
        -nographic -serial stdio -monitor none -no-reboot -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        </dev/null 2>&1 | tr -d '\r' | sed 's/^Booting from ROM\.\.//' >"$T/qraw"
    if [ -s "$T/kata-vx86" ] && grep -qxF "$(cat "$T/kata-vx86")" "$T/qraw" && grep -qx "vm-status 5" "$T/qraw"; then
        pass=$((pass + 1))
    else
        bad "the toy OS and a container in a shadow-paging VM on QEMU"; tail -5 "$T/qraw"
    fi
else
    bad "qemu-system-x86_64 is not installed (scripts/install-deps.sh installs it)"
fi

# Bochs has no Multiboot loader and scripts/mkbootimg's loader takes about 600 KiB, so the host
# OS gets a small initrd: init, sh, echo, vm and the guests.
if command -v bochs >/dev/null 2>&1; then
    vx86_ref npt "$T/want"
    R=$T/root
    mkdir -p "$R/bin" "$R/sbin" "$R/etc" "$R/dev" "$R/proc" "$R/tmp" "$R/vm"
    cp build/os/rootfs/sbin/init "$R/sbin/"
    cp build/os/rootfs/bin/sh build/os/rootfs/bin/vm build/os/rootfs/bin/echo "$R/bin/"
    cp build/os/rootfs/etc/* "$R/etc/"
    n=0
    for img in $REF_IMGS; do n=$((n + 1)); cp "$img" "$R/vm/$n.elf"; done
    (cd "$R" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0 >"$T/small.img")
    if scripts/mkbootimg "$K" "$T/disk.img" --cmdline "$K cmd=$(ref_cmd npt)" --module "$T/small.img" >"$T/berr" 2>&1; then
        scripts/bochs/run-bochs --cpu svm --timeout 300 "$T/disk.img" >"$T/braw" 2>>"$T/berr"
        vm_lines "$T/braw" "$T/bout"
        if [ "$(grep -c '^vm-status 0$' "$T/want")" = 5 ] && cmp -s "$T/want" "$T/bout"; then
            pass=$((pass + 1))
        else
            bad "nested paging on Bochs (phenom_8650_toliman)"; diff "$T/want" "$T/bout" | head -5; tail -3 "$T/braw" "$T/berr"
        fi
    else
        bad "mkbootimg for Bochs"; tail -3 "$T/berr"
    fi
else
    bad "bochs is not installed (scripts/install-deps.sh installs it)"
fi

echo "check-hyperv (shadow paging, references): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
