#!/usr/bin/env bash
# The cgroup and namespace pictures from the live kernel's trace records (issue 11, "Visible"):
# tests/containers/visible.lua boots the toy OS, runs three containers with limits and checks
# m:namespaces() and m:cgroups() against ctr inspect and the cgroup files of the same run.
set -uo pipefail
cd "$(dirname "$0")/../.."
VX86=${VX86:-build/vx86}
timeout 600 "$VX86" lua tests/containers/visible.lua
