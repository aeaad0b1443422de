# The scheduling lab's session in the toy OS: sh /lab/lab.sh K NICE B
# (the lab boots the OS with this file as /lab/lab.sh and spin as /bin/spin).
k=$1 nice=$2 b=$3
CG=/sys/fs/cgroup
# 1: K equal CPU-bound tasks
for i in $(seq 1 $k); do spin 5 30 0 & done; wait
echo == part 2 ==
# 2: nice 0 against nice NICE
spin 5 40 0 & spin 5 40 $nice & wait
echo == part 3 ==
# 3: two cgroups of equal cpu.weight: one task in a, B tasks in b
echo +cpu > $CG/cgroup.subtree_control
mkdir $CG/a $CG/b
sh -c "echo \$\$ > $CG/a/cgroup.procs; exec spin 5 40 0" &
for i in $(seq 1 $b); do sh -c "echo \$\$ > $CG/b/cgroup.procs; exec spin 5 40 0" & done
wait
