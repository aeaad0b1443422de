#!/bin/sh
# slurm.sh LAB SUBDIR OUTDIR [PARALLEL]: grade every file of SUBDIR (sorted) against LAB as a Slurm
# job array (one task per submission, at most PARALLEL at once, default 200), wait for it (sbatch
# --wait), then write OUTDIR/summary.csv. Same results as parallel.sh: OUTDIR/NAME.json per
# submission (grade-one.sh). OUTDIR must be on a file system the compute nodes share. Exit 0 when
# every submission has its result, 1 when one is missing, 2 bad usage or sbatch failed.
set -u
if [ $# -lt 3 ]; then
    echo "usage: slurm.sh LAB SUBDIR OUTDIR [PARALLEL]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
lab=$1 subs=$2 outdir=$3 par=${4:-200}
mkdir -p "$outdir"
[ -d "$subs" ] || { echo "$(basename "$0"): $subs is not a directory" >&2; exit 2; }
subs=$(cd "$subs" && pwd)
outdir=$(cd "$outdir" && pwd)
find "$subs" -maxdepth 1 -type f | LC_ALL=C sort > "$outdir/list.txt"
n=$(wc -l < "$outdir/list.txt")
[ "$n" -gt 0 ] || { echo "slurm.sh: no submissions in $subs" >&2; exit 2; }
SWEEP_DIR=$here
export SWEEP_DIR
sbatch --wait --parsable --array="1-$n%$par" --output="$outdir/slurm-%A_%a.log" --export=ALL \
    "$here/slurm-array.sh" "$lab" "$outdir/list.txt" "$outdir" > "$outdir/sbatch.out" 2>&1 ||
    echo "slurm.sh: sbatch reported a failed array task: $(cat "$outdir/sbatch.out")" >&2
python3 "$here/summary.py" "$outdir/list.txt" "$outdir" > "$outdir/summary.csv"
