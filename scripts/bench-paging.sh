#!/usr/bin/env bash
# What paging costs vx86: the same benchmark rounds with paging off (flat) and on (4 KiB pages,
# identity-mapped), MIPS from vx86's own --stats, best of three runs each. Then the paging
# variant side by side with QEMU TCG and Bochs (bench.sh --paging, same rounds); exit status
# is bench.sh's (1 if an engine failed or printed a different checksum).
set -uo pipefail
vx86=${1:?usage: bench-paging.sh VX86 IMAGE [ROUNDS]}
image=${2:?usage: bench-paging.sh VX86 IMAGE [ROUNDS]}
rounds=${3:-200}

best_mips() {   # best_mips ARGS...: the highest "mips:" of three runs
    local best=0 m
    for _ in 1 2 3; do
        m=$("$vx86" run --stats --cmdline "$*" "$image" 2>&1 >/dev/null | awk '/^mips:/ {print $2}')
        best=$(awk -v a="$best" -v b="${m:-0}" 'BEGIN { print (b > a ? b : a) }')
    done
    echo "$best"
}
flat=$(best_mips "rounds=$rounds")
paged=$(best_mips "rounds=$rounds paging")
awk -v f="$flat" -v p="$paged" 'BEGIN {
    printf "vx86 flat: %.1f MIPS, paging on: %.1f MIPS (%.0f%% of flat)\n", f, p, (f > 0 ? 100 * p / f : 0)
}'
"$(dirname "${BASH_SOURCE[0]}")/bench.sh" --vx86 "$vx86" --image "$image" --rounds "$rounds" --paging
