#!/bin/sh
# check-hyperv, part 4: snapshots of a booted toy OS (tests/hyperv/restore.lua, which says what it
# checks), with tests/hyperv/os/hcuser.c built for the toy OS (the snapshot hypercall from CPL 3).
set -u
VX86=${VX86:-build/vx86}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
scripts/os-cc -I . tests/hyperv/os/hcuser.c -o "$T/hcuser" || { echo "FAIL: building tests/hyperv/os/hcuser.c"; exit 1; }
"$VX86" lua tests/hyperv/restore.lua "$T/hcuser"
