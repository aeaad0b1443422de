# lib.sh: what every check-hyperv script starts with (sourced from the repository root): the
# binary, the toy OS's kernel and initrd, the hyperv guests, a scratch directory removed at exit,
# and the pass/fail counters.
VX86=${VX86:-build/vx86}
K=build/os/kernel.elf
I=build/os/initrd.img
G=build/guest/hyperv
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
pass=0
