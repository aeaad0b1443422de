# The seccomp lab's session in the toy OS: sh /lab/lab.sh R1 R2 R3 ACTION CALLS
# (the lab boots the OS with this file as /lab/lab.sh and sysbench as /bin/sysbench).
r1=$1 r2=$2 r3=$3 action=$4 calls=$5
for r in 0 $r1 $r2 $r3; do echo "== bench $r == $(sysbench $r $calls)"; done
echo 'default allow        # Docker: defaultAction' > /tmp/profile
echo "$action sethostname   # the call a container must not make" >> /tmp/profile
ctr run --rm --name free base /bin/sh -c 'hostname other; echo "== free rc == $?"'
ctr run --rm --name boxed --security-opt seccomp=/tmp/profile base /bin/sh -c 'hostname other; echo "== boxed rc == $?"; hostname'
echo "== boxed status == $?"
