#!/usr/bin/env bash
# make check-containers: every suite of tests/containers/ (one script per part of issue 11:
# cgroup.sh the cgroup controllers, ctr.sh overlayfs, images and ctr, ...); fails if any fails.
set -uo pipefail
cd "$(dirname "$0")"
failed=0
for t in *.sh; do
    [ "$t" = run.sh ] && continue
    echo "== tests/containers/$t"
    bash "$t" || { echo "FAIL tests/containers/$t"; failed=1; }
done
exit $failed
