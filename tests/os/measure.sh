#!/usr/bin/env bash
# The numbers the OS issue tracks (printed, not tested): virtual cycles from power-on to the shell
# prompt and the host time for them; forkbench's costs (fork+exec+exit+wait of /bin/true, a
# sched_yield switch, a pipe round trip); the kernel's lines per file (blank lines and comments
# excluded). Run after `make os build/os/test/forkbench.elf`.
set -euo pipefail
cd "$(dirname "$0")/../.."
VX86=${VX86:-build/vx86}
boot() {   # does the prompt appear within $1 cycles?
    local out
    out=$("$VX86" run build/os/kernel.elf --module build/os/initrd.img --max-cycles "$1" 2> /dev/null || true)
    [[ $out == *'$ '* ]]
}
lo=0 hi=100000000
boot $hi || { echo "measure: no prompt within $hi cycles" >&2; exit 1; }
while [ $((hi - lo)) -gt 1000 ]; do
    mid=$(((lo + hi) / 2))
    if boot $mid; then hi=$mid; else lo=$mid; fi
done
stats=$("$VX86" run build/os/kernel.elf --module build/os/initrd.img --max-cycles $hi --stats 2>&1 > /dev/null || true)
host=$(sed -n 's/^host-seconds: //p' <<< "$stats")
echo "power-on to the first prompt: $hi cycles (within 1000), $host s of host time emulating them"
"$VX86" run build/os/kernel.elf --module build/os/initrd.img --module build/os/test/forkbench.elf,/bin/forkbench \
    --cmdline 'cmd=/bin/forkbench' | tr -d '\r' || true   # vx86 exits 1: the guest's status 0
echo "kernel lines (no blanks, no comments):"
for f in kernel/*.c kernel/*.S kernel/*.h kernel/kernel.ld; do
    [ "$f" = kernel/demo.c ] && continue
    n=$(sed 's://.*$::' "$f" | awk 'BEGIN { c = 0 } {
            line = $0; out = "";
            while (length(line)) {
                if (c) { i = index(line, "*/"); if (!i) { line = "" } else { line = substr(line, i + 2); c = 0 } }
                else { i = index(line, "/*"); if (!i) { out = out line; line = "" } else { out = out substr(line, 1, i - 1); line = substr(line, i + 2); c = 1 } }
            }
            if (out ~ /[^ \t]/) n++ } END { print n + 0 }')
    printf '%6d  %s\n' "$n" "$f"
done | sort -k2 | awk '{ print; if ($2 ~ /\.(c|S)$/) t += $1 } END { printf "%6d  all kernel/*.c and *.S\n", t }'
