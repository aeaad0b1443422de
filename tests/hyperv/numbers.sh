#!/bin/sh
# The hypervisor's numbers for hyperv/README.md (not a test: `tests/hyperv/numbers.sh` prints them;
# virtual time, so the same build prints the same numbers). From the trace (--trace) and vm --stats:
#  1. cycles from vm's exec to the guest's first instruction (its first VMRUN), 16 and 64 MiB;
#  2. the toy OS as a VM: vm's exec -> first VMRUN -> the inner shell's task record (its prompt);
#  3. the kernel's handler cycles per exit, by exit code, over the guests of tests/hyperv/guests;
#  4. the trapping UART against the paravirtual console: exits and exits per second of virtual
#     time (1 cycle = 1 ns) while the same 4 KiB go out each way (guests/pvcons.c).
set -u
. tests/hyperv/lib.sh

# from_exec TRACE: cycles from the exec of vm (its task record named vm) to the first VMRUN and to
# the first task record of the VM named sh.
from_exec() {
    python3 - "$1" <<'EOF'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
ex = next(e["cycle"] for e in ev if e["kind"] == "task_create" and e["data"]["name"] == "vm")
run = next(e["cycle"] for e in ev if e["kind"] == "vmrun")
sh = [e["cycle"] for e in ev if e["kind"] == "task_create" and e["data"]["vm"] == 1 and e["data"]["name"] == "sh"]
print("%.2f M cycles to the first guest instruction" % ((run - ex) / 1e6), end="")
print(", then %.2f M to the inner sh (%.2f M from exec)" % ((sh[0] - run) / 1e6, (sh[0] - ex) / 1e6) if sh else "")
EOF
}

for mem in 16M 64M; do
    "$VX86" run "$K" --memory 256M --module "$I" --module "$G/clihlt.elf,/vm/img.elf" \
        --cmdline "cmd=vm run --memory $mem /vm/img.elf" --trace "$T/t.jsonl" >/dev/null 2>&1
    printf 'vm run --memory %s (clihlt): ' "$mem"; from_exec "$T/t.jsonl"
done
"$VX86" run "$K" --memory 256M --module "$I" --module "$K,/vm/kernel.elf" --module "$I,/vm/initrd.img" \
    --cmdline "cmd=vm run --stats --memory 64M --module /vm/initrd.img /vm/kernel.elf 'cmd=exit 0'" \
    --max-cycles 8e9 --trace "$T/t.jsonl" >"$T/os" 2>&1
printf 'the toy OS as a VM (64M): '; from_exec "$T/t.jsonl"

echo "handler cycles per exit (vm run --stats; kernel: #VMEXIT to the next VMRUN):"
for g in ports msrs pvcons clihlt triple beyond vmrun spin; do
    "$VX86" run "$K" --module "$I" --module "$G/$g.elf,/vm/img.elf" \
        --cmdline "cmd=vm run --stats --timeout 2000 /vm/img.elf >/dev/null" --max-cycles 4e9 2>&1 |
        tr -d '\r' | sed -n "s/^  \([a-z]*\) *\([0-9]*\) exits *\([0-9]*\) cycles *\([0-9]*\) per exit/  $g: \1 \2 exits, \4 cycles each/p"
done
tr -d '\r' <"$T/os" | sed -n "s/^  \([a-z]*\) *\([0-9]*\) exits *\([0-9]*\) cycles *\([0-9]*\) per exit/  the toy OS booting to exit 0: \1 \2 exits, \4 cycles each/p"

"$VX86" run "$K" --module "$I" --module "$G/pvcons.elf,/vm/img.elf" \
    --cmdline "cmd=vm run /vm/img.elf >/dev/null" --trace "$T/t.jsonl" >/dev/null 2>&1
python3 - "$T/t.jsonl" <<'EOF'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if '"vmexit"' in l or '"vmrun"' in l]
pv = [e["cycle"] for e in ev if e["kind"] == "vmexit" and e["exit_name"] == "vmmcall"]
runs = [e["cycle"] for e in ev if e["kind"] == "vmrun"]
# the paravirtual phase: from the VMRUN before the first VMMCALL exit to its last one; the UART
# phase: from there to the last IOIO exit before the debug-exit write (the last exit)
start = max(r for r in runs if r < pv[0])
io = [e["cycle"] for e in ev if e["kind"] == "vmexit" and e["exit_name"] == "ioio" and e["cycle"] > pv[-1]]
for name, n, t in (("paravirtual console (VMMCALL)", len(pv), pv[-1] - start),
                   ("trapping UART (IOIO)", len(io) - 1, io[-2] - pv[-1])):
    print("4096 bytes through the %s: %d exits in %.2f M cycles = %.0f k exits per second of virtual time"
          % (name, n, t / 1e6, n / (t / 1e9) / 1e3))
EOF
echo "(a byte through the UART is two exits: the LSR poll and the THR write)"
