#!/bin/sh
# check-hyperv, part 4: snapshots of a booted toy OS (tests/hyperv/restore.lua, which says what it
# checks), with tests/hyperv/os/hcuser.c built for the toy OS by mk/hyperv.mk (the snapshot
# hypercall from CPL 3).
set -u
VX86=${VX86:-build/vx86}
HC=build/guest/hyperv/os/hcuser.elf
[ -f "$HC" ] || { echo "FAIL: $HC not built (make hyperv-guests)"; exit 1; }
"$VX86" lua tests/hyperv/restore.lua "$HC"
