#!/usr/bin/env bash
# Host cost of one SVM world switch: run the VMMCALL ping-pong guest with N and with 0 round trips
# and divide the difference in host time by N. Also prints the virtual cycles the cost model
# charges for one round trip (the guest measures them with RDTSC).
set -euo pipefail
vx86=${1:?usage: bench-svm.sh VX86 IMAGE}
image=${2:?usage: bench-svm.sh VX86 IMAGE}
trips=${SVM_TRIPS:-200000}

host_seconds() {   # the host-seconds line of --stats
    { "$vx86" run --stats --cmdline "trips=$1" "$image" 2>&1 >/dev/null || true; } | awk '/^host-seconds:/ {print $2}'
}
cycles=$({ "$vx86" run --cmdline "trips=1000" "$image" || true; } | awk -F': ' '/^cycles per round trip/ {print $2}')
base=$(host_seconds 0)
full=$(host_seconds "$trips")
awk -v f="$full" -v b="$base" -v n="$trips" -v c="$cycles" 'BEGIN {
    printf "svm round trip (VMRUN + VMMCALL #VMEXIT): %.0f host ns, %d virtual cycles (cost table)\n", (f - b) * 1e9 / n, c
}'
