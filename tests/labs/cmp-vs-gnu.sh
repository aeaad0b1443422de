#!/bin/bash
# cmp-vs-gnu.sh: the toy OS's /lab/cmp (cmp.c) against GNU cmp, the oracle, on 18 pairs of files;
# prints "cmp-vs-gnu: ok" and exits 0 when every message and exit status is the same, else shows
# the difference and exits 1. Run from the repository root after `make os labs`:
#     bash tests/labs/cmp-vs-gnu.sh        (VX86 names the binary, default build/vx86)
set -u
VX=${VX86:-build/vx86}
[ -x "$VX" ] || { echo "cmp-vs-gnu: $VX not found; run 'make' (from the repository root)"; exit 1; }
VX=$(realpath "$VX")
B=$(dirname "$VX")
command -v cmp >/dev/null || { echo "cmp-vs-gnu: GNU cmp (diffutils) is not installed"; exit 1; }
for f in "$VX" "$B/os/kernel.elf" "$B/os/initrd.img" "$B/guest/labs/layers/cmp.elf"; do
    [ -f "$f" ] || { echo "cmp-vs-gnu: $f not found; run 'make os labs'"; exit 1; }
done
T=$(mktemp -d /tmp/cmp-vs-gnu-XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
printf 'abc\ndef\n' > f1; printf 'abc\ndxf\n' > f2; printf 'abc\n' > f3; printf 'ab' > f4; : > e0
head -c 10000 /dev/zero | tr '\0' 'a' | fold -w 255 > r1    # lines, across 4 KiB chunk boundaries
cp r1 r2; printf 'Z' | dd of=r2 bs=1 seek=8000 conv=notrunc 2>/dev/null
head -c 9000 r1 > r3; head -c 8192 r1 > r4; cp r4 r5; printf '\n' >> r5
head -c 8191 r1 > r6; printf '\n' >> r6
P='"f1 f3" "f4 f1" "f1 f4" "f1 f2" "f1 f1" "r1 r2" "r1 r3" "r3 r1" "r1 r1" "f1 nope" "e0 f1" "f1 e0" "e0 e0" "r4 r1" "r1 r4" "r6 r5" "r5 r6" "r4 r5"'
eval "for p in $P; do cmp \$p; echo \"rc \$?\"; done" > gnu.out 2>&1
mods=()
for f in f1 f2 f3 f4 e0 r1 r2 r3 r4 r5 r6; do mods+=(--module "$T/$f,/t/$f"); done
"$VX" run "$B/os/kernel.elf" --memory 16M --module "$B/os/initrd.img" --module "$B/guest/labs/layers/cmp.elf,/lab/cmp" \
    "${mods[@]}" --cmdline "quiet cmd=cd /t; for p in $P; do /lab/cmp \$p; echo \"rc \$?\"; done 2>&1" 2>&1 \
    | tr -d '\r' | tail -n "$(wc -l < gnu.out)" > toy.out
if diff -u gnu.out toy.out; then echo "cmp-vs-gnu: ok ($(grep -c '^rc' gnu.out) pairs)"; exit 0; fi
echo "cmp-vs-gnu: FAILED (- GNU cmp, + the toy OS's)"; exit 1
