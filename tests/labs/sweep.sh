#!/bin/bash
# Grading at scale on real engines (make check-sweep, part of check-labs): scripts/sweep/.
#   1. GNU parallel (parallel.sh, 2 jobs) grades 9 submissions of labs/paging: the --solve
#      answers of seeds 1-3, derived wrong answers, an empty file, a file without a seed line (not
#      gradable), a Lua file that never ends (a graded failure), a name with a space, and one on
#      which the grader itself crashes (a wrapper kills it with SIGSEGV): 9 result files, a
#      summary CSV with 9 rows, each with the status and score it must have; none lost.
#   2. Slurm: this script starts a real single-node cluster in a temporary directory (munged with
#      its own key and socket, slurmctld and slurmd as root from a minimal slurm.conf on free
#      ports), runs the same sweep as a job array (slurm.sh: sbatch --array=1-9 --wait), and
#      requires the same 9 result files and summary, byte for byte; then stops the daemons it
#      started (by their pids) and removes the directory.
#   3. The Kubernetes Indexed Job manifest (k8s-job.yaml) is read by a schema-aware validator
#      (see scripts/sweep/README.md) and must run the same worker.
# Prints "sweep-tests: N passed, M failed". Needs root for the Slurm daemons (CI runs as root).
set -u
cd "$(dirname "$0")/../.." || exit 2
ROOT=$(pwd)
VX=$ROOT/${VX86:-build/vx86}
SW=$ROOT/scripts/sweep
TMP=$(mktemp -d /tmp/vx86-sweep-XXXXXX)
chmod 755 "$TMP"
pass=0
failed=0
ok() { pass=$((pass + 1)); echo "ok   - $*"; }
bad() { failed=$((failed + 1)); echo "FAIL - $*"; }
started=()
cleanup() {
    # stop only the daemons this script started, by the pids they wrote
    for p in "${started[@]}"; do
        [ -s "$p" ] && kill "$(cat "$p")" 2>/dev/null
    done
    for p in "${started[@]}"; do
        for _ in $(seq 50); do [ -s "$p" ] && kill -0 "$(cat "$p")" 2>/dev/null || break; sleep 0.1; done
    done
    rm -rf "$TMP"
}
trap cleanup EXIT

# ---- the submissions ----
S=$TMP/subs
mkdir -p "$S"
L=$ROOT/labs/paging/lab.lua
for s in 1 2 3; do "$VX" lab "$L" --seed $s --solve > "$S/alice$s.txt"; done
python3 tests/labs/wrong_answers.py "$S/alice1.txt" "$S/bob-wrong.txt" > /dev/null
printf '# nothing\nseed = 2\n' > "$S/carol-empty.txt"
printf 'a1_dir = 3\n' > "$S/dave-noseed.txt"
printf -- '-- seed = 1\nwhile true do end\n' > "$S/eve-loop.lua"
cp "$S/alice2.txt" "$S/frank jones.txt"
cp "$S/alice3.txt" "$S/grace-crash.txt"
# the grader "crashes" on grace's file: a wrapper kills itself with SIGSEGV
cat > "$TMP/vx86-wrapper" <<WRAP
#!/bin/sh
case "\$*" in *grace-crash*) kill -SEGV \$\$ ;; esac
exec "$VX" "\$@"
WRAP
chmod +x "$TMP/vx86-wrapper"
export VX86=$TMP/vx86-wrapper

# check_sweep DIR ENGINE: 9 results, the summary's rows as they must be
check_sweep() {
    local d=$1 e=$2 n
    n=$(ls "$d"/*.json 2>/dev/null | wc -l)
    [ "$n" = 9 ] && ok "$e: 9 result files for 9 submissions" || bad "$e: $n result files, want 9: $(ls "$d")"
    local want
    want='submission,status,score,points,max_points
alice1,graded,1,22,22
alice2,graded,1,22,22
alice3,graded,1,22,22
bob-wrong,graded,SCORE,POINTS,22
carol-empty,graded,0,0,22
dave-noseed,not graded,0,0,0
eve-loop,graded,0,0,22
frank jones,graded,1,22,22
grace-crash,not graded,0,0,0'
    local got
    got=$(cut -d, -f1-5 "$d/summary.csv" | sed -E 's/^bob-wrong,graded,0\.[0-9]+,[0-9]+,22$/bob-wrong,graded,SCORE,POINTS,22/')
    [ "$got" = "$want" ] && ok "$e: summary.csv has every submission with its status and score (bob's wrong answers < 1)" \
        || bad "$e: summary.csv differs: $(diff <(echo "$want") <(echo "$got") | tr '\n' '|')"
    grep -q '^grace-crash,not graded,.*the grader failed (exit 139)' "$d/summary.csv" && grep -q '^eve-loop,.*' "$d/summary.csv" \
        && ok "$e: the crashed grader's submission still has a result saying why" || bad "$e: no 'grader failed' result for grace"
    python3 -c 'import json,sys; [json.load(open(f)) for f in sys.argv[1:]]' "$d"/*.json && ok "$e: every result is valid JSON" \
        || bad "$e: a result is not JSON"
}

# ---- 1. GNU parallel ----
if command -v parallel >/dev/null; then
    "$SW/parallel.sh" "$L" "$S" "$TMP/par" 2 > "$TMP/par.log" 2>&1; rc=$?
    [ $rc = 0 ] && ok "parallel.sh: exit 0" || bad "parallel.sh: exit $rc: $(tail -3 "$TMP/par.log")"
    check_sweep "$TMP/par" parallel
else
    bad "GNU parallel is not installed (scripts/install-deps.sh installs it)"
fi
# a lost result shows: summary.py on a list naming a submission without a result exits 1
{ cat "$TMP/par/list.txt"; echo "$S/nobody.txt"; } > "$TMP/list2.txt"
python3 "$SW/summary.py" "$TMP/list2.txt" "$TMP/par" > "$TMP/s2.csv"; rc=$?
[ $rc = 1 ] && grep -q '^nobody,missing,' "$TMP/s2.csv" && ok "summary.py: a submission without a result is a 'missing' row, exit 1" \
    || bad "summary.py with a missing result: exit $rc"

# ---- 2. Slurm: a single-node cluster started here ----
slurm_ok=1
for t in munged munge slurmctld slurmd sbatch sinfo; do
    command -v $t >/dev/null || { bad "$t is not installed (scripts/install-deps.sh installs munge, slurmctld, slurmd, slurm-client)"; slurm_ok=0; }
done
[ "$(id -u)" = 0 ] || { bad "the Slurm test starts slurmd as root; run it as root (CI does)"; slurm_ok=0; }
if [ $slurm_ok = 1 ]; then
    C=$TMP/cluster
    mkdir -p "$C/munge" "$C/state" "$C/spool"
    chmod 700 "$C/munge"
    head -c 1024 /dev/urandom > "$C/munge/munge.key"
    chmod 400 "$C/munge/munge.key"
    started+=("$C/munge/munged.pid")
    munged --force --key-file="$C/munge/munge.key" --socket="$C/munge/munge.sock" --pid-file="$C/munge/munged.pid" \
        --log-file="$C/munge/munged.log" --seed-file="$C/munge/munged.seed" || bad "munged did not start: $(tail -3 "$C/munge/munged.log")"
    read -r P1 P2 < <(python3 -c 'import socket
a=[socket.socket() for _ in range(2)]
[s.bind(("127.0.0.1",0)) for s in a]
print(*[s.getsockname()[1] for s in a])')
    H=$(hostname -s)
    cat > "$C/slurm.conf" <<CONF
ClusterName=vx86sweep
SlurmctldHost=$H(127.0.0.1)
SlurmctldPort=$P1
SlurmdPort=$P2
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$C/munge/munge.sock
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
ReturnToService=2
SlurmctldPidFile=$C/slurmctld.pid
SlurmdPidFile=$C/slurmd.pid
SlurmdSpoolDir=$C/spool
StateSaveLocation=$C/state
SlurmctldLogFile=$C/slurmctld.log
SlurmdLogFile=$C/slurmd.log
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$H NodeAddr=127.0.0.1 CPUs=2 RealMemory=1000 State=UNKNOWN
PartitionName=sweep Nodes=$H Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF=$C/slurm.conf
    started+=("$C/slurmd.pid" "$C/slurmctld.pid")
    slurmctld -f "$C/slurm.conf" && slurmd -f "$C/slurm.conf" || bad "slurmctld/slurmd did not start: $(tail -3 "$C"/slurm*.log)"
    # the node registers: wait for it (bounded; nothing asserts on time)
    for _ in $(seq 120); do [ "$(sinfo -h -o %t 2>/dev/null)" = idle ] && break; sleep 0.5; done
    if [ "$(sinfo -h -o %t 2>/dev/null)" = idle ]; then
        ok "slurm: a single-node cluster is up (munged, slurmctld, slurmd started by this test)"
        timeout 600 "$SW/slurm.sh" "$L" "$S" "$TMP/slurm" 4 > "$TMP/slurm.log" 2>&1; rc=$?
        [ $rc = 0 ] && ok "slurm.sh: exit 0 (sbatch --array=1-9 --wait)" || bad "slurm.sh: exit $rc: $(tail -3 "$TMP/slurm.log")"
        jid=$(head -1 "$TMP/slurm/sbatch.out" 2>/dev/null)
        n=$(ls "$TMP/slurm"/slurm-"$jid"_*.log 2>/dev/null | wc -l)
        [ "$n" = 9 ] && ok "slurm: job $jid ran 9 array tasks" || bad "slurm: $n array task logs for job '$jid', want 9"
        check_sweep "$TMP/slurm" slurm
        same=1
        for f in "$TMP/par"/*.json "$TMP/par/summary.csv"; do
            cmp -s "$f" "$TMP/slurm/$(basename "$f")" || { same=0; bad "slurm and parallel differ: $(basename "$f")"; }
        done
        [ $same = 1 ] && ok "slurm and GNU parallel give byte-identical result files and summary"
    else
        bad "slurm: the node never became idle: $(sinfo 2>&1 | tail -2) $(tail -3 "$C/slurmd.log")"
    fi
fi

# ---- 3. Kubernetes: the Indexed Job manifest ----
K=$SW/k8s-job.yaml
grep -q 'completionMode: Indexed' "$K" && grep -q 'grade-one.sh' "$K" && grep -q 'JOB_COMPLETION_INDEX' "$K" \
    && ok "k8s-job.yaml: an Indexed Job running grade-one.sh with JOB_COMPLETION_INDEX + 1" || bad "k8s-job.yaml: not an Indexed Job running grade-one.sh"
out=$("$SW/k8s-validate.sh" "$K" 2>&1); rc=$?
[ $rc = 0 ] && ok "k8s-job.yaml: $out (kubernetes-models, npm)" || bad "k8s-job.yaml: exit $rc: $out"
# the validator can fail: a string where an integer goes, a restartPolicy that does not exist
sed 's/completions: 9/completions: "nine"/; s/restartPolicy: Never/restartPolicy: Sometimes/' "$K" > "$TMP/bad-job.yaml"
out=$("$SW/k8s-validate.sh" "$TMP/bad-job.yaml" 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "completions must be integer" && echo "$out" | grep -q "restartPolicy" \
    && ok "k8s-validate.sh refuses a broken Job (exit 1, names both fields)" || bad "k8s-validate.sh on a broken Job: exit $rc: $out"
# the pods' command, run here for indexes 0..8 (workingDir = this checkout, /data = a folder):
# the same result files as GNU parallel
cmd=$(grep -o 'exec scripts/sweep/grade-one.sh.*' "$K" | sed "s|/data|$TMP/k8s|g")
mkdir -p "$TMP/k8s"
cp "$TMP/par/list.txt" "$TMP/k8s/list.txt"
for i in $(seq 0 8); do (cd "$ROOT" && JOB_COMPLETION_INDEX=$i sh -c "$cmd"); done
python3 "$SW/summary.py" "$TMP/k8s/list.txt" "$TMP/k8s/results" > "$TMP/k8s/results/summary.csv"
same=1
for f in "$TMP/par"/*.json "$TMP/par/summary.csv"; do
    cmp -s "$f" "$TMP/k8s/results/$(basename "$f")" || { same=0; bad "the Job's command and parallel differ: $(basename "$f")"; }
done
[ $same = 1 ] && ok "k8s-job.yaml's command for indexes 0..8 gives the same files as GNU parallel"

echo "sweep-tests: $pass passed, $failed failed"
[ $failed = 0 ]
