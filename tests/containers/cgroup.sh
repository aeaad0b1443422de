#!/usr/bin/env bash
# cgroup v2 in the toy OS (issue 11, acceptance 2): boots build/os/kernel.elf on vx86 with
# tests/containers/progs/cgtest as /bin/cgtest and runs one part per boot. Each part checks what
# the kernel's Documentation/admin-guide/cgroup-v2.rst specifies (the host's controllers are on
# cgroup v1, so Linux cannot serve as the oracle here; cgtest.c cites the section per check):
#   rules    defaults, formats, EINVAL/ERANGE/ENOENT, the no-internal-process rule (EBUSY),
#            rmdir EBUSY, cgroup.events, cgroup.freeze, cgroup.kill
#   pids     a fork bomb under pids.max 8: EAGAIN, pids.current 8, pids.events max 8
#   memory   memory.max 1M: OOM kills inside the cgroup only, the biggest task first (even when
#            another task's charge failed), memory.events oom_kill counts them
#   cpumax   cpu.max "20000 100000": 20% +- 1% of virtual time over 50 periods, cpu.stat throttling
#   weight   cpu.weight 100 : 300 -> CPU 1 : 3 +- 2% (hz=1000: finer preemption, a shorter run)
#   cgns     a cgroup namespace sees its cgroup as "/" (/proc/self/cgroup, a cgroup2 mount)
# The trace records of the runs (cgroup_attach, cgroup_oom, cgroup_throttle) are counted; then the
# cpumax run again: the same output to the microsecond (virtual time is deterministic).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/os/lib.sh
MODULES="build/os/test/cgtest.elf,/bin/cgtest"
out=$(mktemp -d /tmp/check-cgroup.XXXXXX)
trap 'rm -rf "$out"' EXIT
failed=0
for part in rules pids memory cpumax "weight hz=1000" cgns; do
    name=${part%% *}
    opts=""; [ "$name" != "$part" ] && opts="${part#* } "
    rc=0; os_vx86 "$out/$name" "${opts}cmd=/bin/cgtest $name" --trace "$out/$name.jsonl" || rc=$?
    tr -d '\r' < "$out/$name"
    # cmd= powers off with (status << 1) | 1: 1 means cgtest found no failure.
    if [ "$rc" != 1 ] || ! grep -q '^ok' "$out/$name" || grep -q '^FAIL' "$out/$name"; then
        echo "FAIL cgtest $name (vx86 exit status $rc)"; failed=1
    else
        echo "ok   cgtest $name"
    fi
done
# The trace records (devices/probe_abi.h): an attach per move, one OOM record naming the killed
# task in /mem, a throttle record per period of the cpumax run.
count() { grep -c "\"kind\":\"$1\"" "$out/$2.jsonl" || true; }
expect_count() {   # NAME GOT LOW HIGH
    if [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then echo "ok   $1: $2"; else echo "FAIL $1: $2, expected $3..$4"; failed=1; fi
}
expect_count "trace: cgroup_attach records of the memory part" "$(count cgroup_attach memory)" 4 4
expect_count "trace: cgroup_oom records of the memory part" "$(count cgroup_oom memory)" 2 2
if grep '"kind":"cgroup_oom"' "$out/memory.jsonl" | grep -q '"usage_bytes":1048576,"max_bytes":1048576'; then
    echo "ok   trace: the OOM record shows usage at memory.max (1 MiB)"
else echo "FAIL trace: the OOM record's usage and max"; failed=1; fi
expect_count "trace: cgroup_throttle records of the cpumax part (one per period)" "$(count cgroup_throttle cpumax)" 50 54
rc=0; os_vx86 "$out/again" "cmd=/bin/cgtest cpumax" || rc=$?
if cmp -s "$out/cpumax" "$out/again"; then echo "ok   cgtest cpumax twice: the same output"
else echo "FAIL cgtest cpumax twice: outputs differ"; diff "$out/cpumax" "$out/again" || true; failed=1; fi
exit $failed
