# The isolation lab's session in the toy OS, booted with labbug=1 (kernel/labbug.c):
#   sh /lab/lab.sh ADDR NAME ACTION FIFO TARGET   ADDR: init_uts's host name (hex); ACTION: errno or
#   kill; FIFO, TARGET: the planted floppy FIFO and the host name, decimal, for the VENOM guest
addr=$1 name=$2 action=$3 fifo=$4 target=$5
echo "== host before == $(hostname)"
ctr run --rm base true                 # unpack the base layer once, then put pwn into it
for d in /var/lib/ctr/layers/*; do cp /bin/pwn $d/bin/; done
# 1: the exploit from a container
ctr run --rm base /bin/sh -c "pwn $addr $name; echo \"== container rc == \$?\"; echo \"== container sees == \$(hostname)\""
echo "== host after container == $(hostname)"
hostname vx86                          # repair the host for the next parts
# 2: the same container with a seccomp profile that names the bug's number
echo 'default allow' > /tmp/profile; echo "$action 1000   # labbug" >> /tmp/profile
ctr run --rm --security-opt seccomp=/tmp/profile base /bin/sh -c "pwn $addr $name; echo \"== seccomp rc == \$?\""
echo "== host after seccomp == $(hostname)"
# 3: the exploit inside a VM that runs the same kernel with labbug=1, then one without it
vm run --memory 64M --module /vm/initrd.img --module /bin/pwn,/bin/pwn /vm/kernel.elf "quiet labbug=1 cmd=pwn $addr $name; echo \"== guest rc == \$?\"; echo \"== guest after == \$(hostname)\""
echo "== host after vm == $(hostname)"
vm run --memory 64M --module /vm/initrd.img --module /bin/pwn,/bin/pwn /vm/kernel.elf "quiet cmd=pwn $addr $name; echo \"== plain guest rc == \$?\""
hostname vx86
# 4: VENOM: a bare guest's OUTs to the planted floppy FIFO (hyperv/labvenom.c) write the host kernel
vm run /vm/venom.elf fifo=$fifo target=$target name=$name > /dev/null
echo "== venom status == $?"
echo "== host after venom == $(hostname)"
