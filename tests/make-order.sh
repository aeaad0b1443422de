#!/usr/bin/env bash
# The build's own test: the top Makefile reads mk/*.mk in the order of MK_FRAGMENTS, so no
# fragment may use a variable that only a later fragment defines. Such a use expands to nothing
# while make reads the file: a suite then loses prerequisites and runs fewer checks from a clean
# tree than from a built one (check-snapshot once ran 36 checks from a clean clone, 54 later,
# because mk/snapshot.mk named TIMING_IMAGES before mk/timing.mk defined it).
# This dry-runs `make check-all` against an empty build directory with
# --warn-undefined-variables and fails on any warning, or if make cannot plan the run.
#   tests/make-order.sh          (from the repository root; `make check-make`)
# Prints "make-order: ok" or what is wrong; exits 1 on a failure.
set -u
cd "$(dirname "$0")/.."
tmp=$(mktemp -d /tmp/vx86-make-order-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

out=$(make --no-print-directory -n --warn-undefined-variables BUILD="$tmp/build" check-all 2>&1)
status=$?
warnings=$(grep 'warning: undefined variable' <<<"$out")
if [ $status -ne 0 ]; then
    echo "FAIL - make -n check-all from an empty build directory: status $status"
    tail -n 5 <<<"$out" | sed 's/^/    | /'
    exit 1
fi
if [ -n "$warnings" ]; then
    echo "FAIL - variables used before a fragment defines them (reorder MK_FRAGMENTS or the fragment):"
    sed 's/^/    | /' <<<"$warnings"
    exit 1
fi
echo "make-order: ok (every fragment's variables are defined before use; $(grep -c . <<<"$out") planned commands)"
