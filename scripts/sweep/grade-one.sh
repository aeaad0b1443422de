#!/bin/sh
# grade-one.sh LAB LIST INDEX OUTDIR: grade submission number INDEX (1-based line of LIST, a file of
# submission paths) against LAB and write OUTDIR/NAME.json (PrairieLearn format: `gradable`,
# `score`), NAME = the submission's file name without its extension. The one worker every sweep
# runs (GNU parallel, a Slurm array task, a Kubernetes Indexed Job pod), so all give the same files.
# Never loses a submission: `vx86 grade` writes a result even when it cannot grade (exit 2); if it
# could not write one at all (killed, no binary), this script writes a "not graded" result itself.
# Exit 0 when a result file exists (graded or not), 1 when even that failed, 2 bad usage.
# VX86 names the binary (default: build/vx86 beside this checkout, else vx86 on PATH).
# Extra grade options (e.g. --seed N, --cpu-limit S) in GRADE_OPTS.
set -u
if [ $# -ne 4 ]; then
    echo "usage: grade-one.sh LAB LIST INDEX OUTDIR" >&2
    exit 2
fi
lab=$1 list=$2 index=$3 outdir=$4
here=$(cd "$(dirname "$0")" && pwd)
vx=${VX86:-$here/../../build/vx86}
[ -x "$vx" ] || vx=vx86
case $index in ''|*[!0-9]*) echo "grade-one.sh: INDEX '$index' is not a positive integer" >&2; exit 2 ;; esac
sub=$(sed -n "${index}p" "$list")
if [ -z "$sub" ]; then
    echo "grade-one.sh: $list has no line $index" >&2
    exit 2
fi
name=$(basename "$sub")
name=${name%.*}
out=$outdir/$name.json
mkdir -p "$outdir"
# shellcheck disable=SC2086
"$vx" grade "$lab" --answers "$sub" --submission "$name" --format prairielearn --out "$out" ${GRADE_OPTS:-} 2>"$out.err"
rc=$?
if [ $rc -le 2 ] && [ -s "$out" ]; then
    rm -f "$out.err"
    exit 0
fi
# The grader itself failed (signal, missing binary): still one result for this submission.
why=$(head -c 300 "$out.err" | tr -d '\000-\037"\\')
printf '{\n  "gradable": false,\n  "score": 0,\n  "message": "not graded: the grader failed (exit %s): %s",\n  "output": "",\n  "tests": []\n}\n' \
    "$rc" "$why" > "$out" && rm -f "$out.err" && exit 0
exit 1
