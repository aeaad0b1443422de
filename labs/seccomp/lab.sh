# The seccomp lab's session in the toy OS (booted with labbug=1, lab 6's planted hole):
#   sh /lab/lab.sh R1 R2 R3 ACTION CALLS ADDR
# (the lab boots the OS with this file as /lab/lab.sh, sysbench as /bin/sysbench, lab 6's pwn as
# /bin/pwn; ADDR is the host name's kernel address for pwn).
r1=$1 r2=$2 r3=$3 action=$4 calls=$5 addr=$6
for r in 0 $r1 $r2 $r3; do echo "== bench $r == $(sysbench $r $calls)"; done
echo 'default allow        # Docker: defaultAction' > /tmp/profile
echo "$action sethostname   # the call a container must not make" >> /tmp/profile
ctr run --rm --name free base /bin/sh -c 'hostname other; echo "== free rc == $?"'
ctr run --rm --name boxed --security-opt seccomp=/tmp/profile base /bin/sh -c 'hostname other; echo "== boxed rc == $?"; hostname'
echo "== boxed status == $?"
# lab 6's exploit under a denylist (Docker-style "default allow" + one rule) and an allowlist
for d in /var/lib/ctr/layers/*; do cp /bin/pwn $d/bin/; done
echo 'default allow' > /tmp/deny; echo 'errno sethostname' >> /tmp/deny
ctr run --rm --security-opt seccomp=/tmp/deny base /bin/sh -c "pwn $addr denied > /dev/null; echo \"== deny rc == \$?\""
echo "== host after deny == $(hostname)"
hostname vx86
echo 'default errno' > /tmp/allow
echo 'allow read write open openat close exit exit_group execve brk ioctl rt_sigaction rt_sigprocmask' >> /tmp/allow
echo 'allow rt_sigreturn fcntl fcntl64 getpid getppid uname stat64 lstat64 fstat64 fstatat64 wait4' >> /tmp/allow
echo 'allow waitpid fork vfork clone dup dup2 getcwd lseek _llseek getpgrp setpgid getdents64 access' >> /tmp/allow
ctr run --rm --security-opt seccomp=/tmp/allow base /bin/sh -c "pwn $addr allowed > /dev/null; echo \"== allow rc == \$?\""
echo "== host after allow == $(hostname)"
