# The memory-pids lab's session in the toy OS: sh /lab/lab.sh HOG_MB CALM_MB PIDS_MAX VM_MB
# (the lab boots the OS with this file as /lab/lab.sh and its programs in /bin and /vm).
CG=/sys/fs/cgroup
hog_mb=$1 calm_mb=$2 pids_max=$3 vm_mb=$4
echo '+cpu +memory +pids' > $CG/cgroup.subtree_control
ctr run --rm base true                       # unpack the base image's layer once
for d in /var/lib/ctr/layers/*; do cp /bin/hog /bin/forkbomb $d/bin/; done

# 1: calm holds CALM_MB for 300 ms; hog tries to grow to twice its memory.max
ctr run -d --name calm --memory 8m base /bin/hog $calm_mb 300
ctr run --name hog --memory ${hog_mb}m base /bin/hog $((2 * hog_mb))
echo == hog status == $?
echo == hog events ==; cat $CG/ctr/hog/memory.events
echo == calm events ==; cat $CG/ctr/calm/memory.events
echo == calm current == $(cat $CG/ctr/calm/memory.current)
ctr ps

# 2: a fork bomb under pids.max
ctr run --name bomb --pids-limit $pids_max base /bin/forkbomb
echo == bomb status == $?
echo == bomb events ==; cat $CG/ctr/bomb/pids.events

# 3: memory charged as used (a container allowed 64 MiB) or reserved (a VM)
echo == free before == $(grep MemFree /proc/meminfo)
ctr run -d --name idle --memory 64m base sleep 0.05
echo == idle current == $(cat $CG/ctr/idle/memory.current)
echo == free idle == $(grep MemFree /proc/meminfo)
sleep 0.06
mkdir $CG/vm1
sh -c "echo \$\$ > $CG/vm1/cgroup.procs; exec vm run --memory ${vm_mb}M /vm/vmwait.elf" &
sleep 0.015
echo == free vm == $(grep MemFree /proc/meminfo)
echo == vm current == $(cat $CG/vm1/memory.current)
cat /proc/vms
wait
