#!/usr/bin/env bash
# selftest: check the Bochs boot path end to end. Boots mbtest.c through scripts/mkbootimg on
# Bochs (hard-disk and floppy images) and, as the reference, on QEMU's -kernel, each with a
# command line and two modules, and checks what the kernel reports it was handed: the magic, the
# info flags, mem_lower, the command line, module strings, page-aligned module addresses and the
# modules' bytes (FNV-1a). Engines that are not installed are skipped.
# usage: scripts/boot/selftest.sh        (also: make bochs-boot-test)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scripts=$(dirname "$here")
out_dir=${BOOT_BUILD_DIR:-$(dirname "$scripts")/build/boot}
mkdir -p "$out_dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

clang --target=i386-unknown-none-elf -march=i686 -Os -ffreestanding -fno-pic -mgeneral-regs-only \
    -fno-stack-protector -std=c11 -Wall -Wextra -Werror -c "$here/mbtest.c" -o "$work/mbtest.o"
ld.lld -T "$here/mbtest.ld" "$work/mbtest.o" -o "$out_dir/mbtest.elf"
kernel=$out_dir/mbtest.elf

# Two modules: one spanning many sectors and pages, one of three bytes.
seq 1 30000 > "$work/big.mod"
printf 'abc' > "$work/tiny.mod"
fnv() {
    python3 -c 'import sys
h = 2166136261
for b in open(sys.argv[1], "rb").read():
    h = ((h ^ b) * 16777619) & 0xFFFFFFFF
print(f"0x{h:08x}")' "$1"
}
big_string="$work/big.mod size=large"
tiny_string="$work/tiny.mod"
expected=(
    "eax=0x2badb002"
    "mem_lower=0x0000027f"
    "cmdline=[$kernel hello multiboot]"
    "mods_count=0x00000002"
    "mod_string=[$big_string]"
    "mod_fnv1a=$(fnv "$work/big.mod")"
    "mod_string=[$tiny_string]"
    "mod_fnv1a=$(fnv "$work/tiny.mod")"
    "mbtest: done"
)

passed=0 failed=0
check_output() {
    local engine=$1 file=$2 line
    for line in "${expected[@]}"; do
        if grep -qxF -- "$line" "$file"; then
            passed=$((passed + 1))
        else
            echo "FAIL $engine: missing line: $line"
            failed=$((failed + 1))
        fi
    done
    # Flags: memory, cmdline, mods and mmap at least; module starts page-aligned.
    local flags
    flags=$(sed -n 's/^flags=//p' "$file")
    if [ -n "$flags" ] && [ $((flags & 0x4d)) = $((0x4d)) ]; then
        passed=$((passed + 1))
    else
        echo "FAIL $engine: flags=${flags:-none} lacks memory/cmdline/mods/mmap bits"
        failed=$((failed + 1))
    fi
    local start bad=0
    for start in $(sed -n 's/^mod_start=//p' "$file"); do
        [ $((start & 0xfff)) = 0 ] || bad=1
    done
    if [ "$bad" = 0 ] && grep -q '^mod_start=' "$file"; then
        passed=$((passed + 1))
    else
        echo "FAIL $engine: module start addresses not page-aligned"
        failed=$((failed + 1))
    fi
}

if command -v bochs >/dev/null; then
    for kind in disk floppy; do
        flag=; [ "$kind" = floppy ] && flag=--floppy
        "$scripts/mkbootimg" "$kernel" "$work/$kind.img" $flag --append "hello multiboot" \
            --module "$big_string" --module "$tiny_string"
        if "$scripts/bochs/run-bochs" --timeout 60 "$work/$kind.img" > "$work/bochs-$kind.txt"; then
            check_output "bochs-$kind" "$work/bochs-$kind.txt"
        else
            echo "FAIL bochs-$kind: the run did not end normally"
            failed=$((failed + 1))
        fi
    done
else
    echo "selftest: bochs not installed: skipping the Bochs boots"
fi

if command -v qemu-system-i386 >/dev/null; then
    timeout 60 qemu-system-i386 -cpu qemu32 -m 64 -kernel "$kernel" -append "hello multiboot" \
        -initrd "$big_string,$tiny_string" -nographic -serial stdio -monitor none -no-reboot \
        -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null \
        | tr -d "\r" > "$work/qemu.txt" || true
    # QEMU prefixes the guest's first line with SeaBIOS' last words: split them off.
    sed -i 's/^.*mbtest: hello/mbtest: hello/' "$work/qemu.txt"
    check_output qemu "$work/qemu.txt"
else
    echo "selftest: qemu-system-i386 not installed: skipping the QEMU reference boot"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
