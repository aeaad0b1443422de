#!/usr/bin/env bash
# Namespace parity (issue 11, acceptances 1 and 5): each tests/os/linux-parity/*.c is built
# natively (glibc) and run as root on the host, where unshare(2) and clone(2) with namespace
# flags work, and built with scripts/os-cc and run in the toy OS on vx86 (one boot for all).
# Each program's stdout and "exit N" must be the same in both. A program with NAME.expected beside
# it (what the host cannot show: its controllers are on cgroup v1) is compared with that file,
# whose lines come from the kernel's documentation, cited in the program. The programs make every mount
# private before mounting (mount_namespaces(7)), so nothing they do reaches the host's tables.
#   tests/os/linux-parity/run.sh [NAME...]      default: every program
set -u
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
VX86=${VX86:-build/vx86}
KERNEL=${KERNEL:-build/os/kernel.elf}
INITRD=${INITRD:-build/os/initrd.img}
if [ "$(id -u)" != 0 ]; then
    echo "linux-parity: must run as root (the native runs create namespaces)" >&2
    exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
names=("$@")
all=$((${#names[@]} == 0))
[ ${#names[@]} -eq 0 ] && names=($(for s in tests/os/linux-parity/*.c; do basename "$s" .c; done))

mods=(--module "$INITRD")
script=$tmp/nsparity.sh
: > "$script"
: > "$tmp/expected"
for name in "${names[@]}"; do
    src=tests/os/linux-parity/$name.c
    [ -f "$src" ] || { bad "$name: no such program $src"; continue; }
    cc -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -o "$tmp/$name.native" "$src" || { bad "$name: native build"; continue; }
    scripts/os-cc -O2 "$src" -o "$tmp/$name.os" || { bad "$name: os-cc build"; continue; }
    if [ -f "${src%.c}.expected" ]; then    # not observable on this host: the documented output
        { echo "=== $name"; cat "${src%.c}.expected"; } >> "$tmp/expected"
    else
        { echo "=== $name"; (cd / && timeout 60 "$tmp/$name.native" 2>&1; echo "exit $?"); } >> "$tmp/expected"
    fi
    mods+=(--module "$tmp/$name.os,/bin/np-$name")
    printf 'echo "=== %s"\n/bin/np-%s 2>&1; echo "exit $?"\n' "$name" "$name" >> "$script"
done
mods+=(--module "$script,/bin/nsparity.sh")
timeout 600 "$VX86" run "$KERNEL" "${mods[@]}" --cmdline 'cmd=sh /bin/nsparity.sh' --max-cycles 5e10 \
    --trace "$tmp/trace.jsonl" 2>&1 | tr -d '\r' > "$tmp/toy"
if ! diff -u "$tmp/expected" "$tmp/toy" > "$tmp/diff"; then
    bad "namespace programs print differently on Linux (-) and in the toy OS (+):"
    head -60 "$tmp/diff"
elif [ $fail -eq 0 ]; then
    echo "linux-parity: ${#names[@]} namespace programs print on the toy OS what they print on Linux ($(grep -vc '^===\|^exit' "$tmp/expected") lines)"
fi
# The trace shows each namespace created (by type, numbered apart), each mount and host name.
if [ $all = 1 ]; then
    python3 - "$tmp/trace.jsonl" <<'PY' || bad "trace records of namespaces, mounts and host names"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if '"probe_kind"' in l]
ns = [r["data"] for r in recs if r["kind"] == "ns_create"]
types = {n["ns_type"] for n in ns}          # devices/probe_abi.h: PID 1, MNT 2, UTS 3, IPC 4
ids = [n["ns_id"] for n in ns]
mounts = {(r["data"]["fstype"], r["data"]["target"]) for r in recs if r["kind"] == "mount"}
hosts = [r["data"]["name"] for r in recs if r["kind"] == "hostname"]
ok = {1, 2, 3, 4} <= types and len(ids) == len(set(ids)) and ("proc", "/proc") in mounts \
     and ("tmpfs", "/tmp/isolation-parity") in mounts and "inside" in hosts
print(f"trace: {len(ns)} ns_create (types {sorted(types)}, ids distinct: {len(ids) == len(set(ids))}), "
      f"{len(mounts)} distinct mounts, host names {hosts}")
sys.exit(0 if ok else 1)
PY
fi
exit $fail
