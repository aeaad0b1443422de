#!/bin/sh
#SBATCH --job-name=vx86-grade
#SBATCH --cpus-per-task=1
#SBATCH --mem=512M
#SBATCH --time=00:05:00
# One Slurm array task = one submission: slurm-array.sh LAB LIST OUTDIR, submitted by slurm.sh as
#   sbatch --array=1-N%P --output=OUTDIR/slurm-%A_%a.log slurm-array.sh LAB LIST OUTDIR
# SWEEP_DIR (exported by slurm.sh) is scripts/sweep: Slurm runs a copy of this script from its spool.
exec "${SWEEP_DIR:?slurm.sh exports SWEEP_DIR}/grade-one.sh" "$1" "$2" "${SLURM_ARRAY_TASK_ID:?not a Slurm array task}" "$3"
