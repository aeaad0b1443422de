#!/bin/sh
# parallel.sh LAB SUBDIR OUTDIR [JOBS]: grade every file of SUBDIR (sorted) against LAB with GNU
# parallel, JOBS at a time (default: the number of CPUs): OUTDIR/NAME.json per submission
# (grade-one.sh) and OUTDIR/summary.csv (summary.py). Exit 0 when every submission has its result
# (whatever the scores), 1 when one is missing, 2 bad usage.
set -u
if [ $# -lt 3 ]; then
    echo "usage: parallel.sh LAB SUBDIR OUTDIR [JOBS]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
lab=$1 subs=$2 outdir=$3 jobs=${4:-$(nproc)}
command -v parallel >/dev/null || { echo "parallel.sh: GNU parallel is not installed (scripts/install-deps.sh)" >&2; exit 2; }
mkdir -p "$outdir"
[ -d "$subs" ] || { echo "$(basename "$0"): $subs is not a directory" >&2; exit 2; }
subs=$(cd "$subs" && pwd)
find "$subs" -maxdepth 1 -type f | LC_ALL=C sort > "$outdir/list.txt"
n=$(wc -l < "$outdir/list.txt")
[ "$n" -gt 0 ] || { echo "parallel.sh: no submissions in $subs" >&2; exit 2; }
# {} is the line number; grade-one.sh reads the path from the list (names with spaces stay whole)
seq 1 "$n" | parallel --will-cite -j "$jobs" "$here/grade-one.sh" "$lab" "$outdir/list.txt" {} "$outdir"
python3 "$here/summary.py" "$outdir/list.txt" "$outdir" > "$outdir/summary.csv"
