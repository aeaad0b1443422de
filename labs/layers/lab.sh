# The layers lab's session in the toy OS: sh /lab/lab.sh N FILE MIB VMFILE
# (the lab boots the OS with this file as /lab/lab.sh, the toy OS's kernel and initrd as
# /vm/kernel.elf and /vm/initrd.img, and cmp as /lab/cmp). FILE is a path inside the container
# image (bin/ls), VMFILE one inside the VMs' root file system, MIB each VM's memory.
n=$1 file=$2 mib=$3 vmfile=$4
# N VMs first (their disks are removed before the containers start): a VMM gives each VM a
# writable disk of its own, a copy of the VM image -- here the initrd the toy OS boots from.
echo == vm free before == $(grep MemFree /proc/meminfo)
for i in $(seq 1 $n); do cp /vm/initrd.img /tmp/vm$i.img; done
echo == vm free copies == $(grep MemFree /proc/meminfo)
echo == vm disks ==; ls -l /vm/initrd.img /tmp/vm1.img
# the image's files, as every VM unpacks them (this OS booted from the same initrd)
echo == image files ==; ls -l /bin /sbin /etc /var/lib/ctr/images /var/lib/ctr/images/blobs/sha256
# VM 1 boots from its copy and appends one byte to VMFILE; VM 2 boots from its own and reads it
echo == vm1 ==
vm run --memory ${mib}M --module /tmp/vm1.img /vm/kernel.elf "quiet cmd=dmesg | grep frames; grep Mem /proc/meminfo; wc -c < /$vmfile; echo -n x >> /$vmfile; grep MemFree /proc/meminfo; wc -c < /$vmfile"
echo == vm2 ==
vm run --memory ${mib}M --module /tmp/vm2.img /vm/kernel.elf "quiet cmd=wc -c < /$vmfile"
echo == cmp ==
for i in 1 2; do /lab/cmp /vm/initrd.img /tmp/vm$i.img && echo vm$i.img same as the image; done
# what a write through a block device would do to VM 3's disk (and to no other): cmp sees one byte
echo -n x >> /tmp/vm3.img; /lab/cmp /vm/initrd.img /tmp/vm3.img 2>&1
rm /tmp/vm*.img
echo == containers ==
ctr images
echo == free boot == $(grep MemFree /proc/meminfo)
ctr run --rm base true                  # the first run unpacks the image's layer
echo == free unpacked == $(grep MemFree /proc/meminfo)
for i in $(seq 1 $n); do ctr run -d --name c$i base sleep 1 > /dev/null; done
echo == free running == $(grep MemFree /proc/meminfo)
echo == layers ==; ls /var/lib/ctr/layers
for d in /var/lib/ctr/layers/*; do L=$d; done
ls -l $L/$file
# a 1-byte write in c1, a delete in c2
ctr exec c1 sh -c "echo -n x >> /$file"
echo == upper == $(wc -c < /var/lib/ctr/containers/c1/upper/$file)
echo == lower == $(wc -c < $L/$file)
echo == c2 sees == $(ctr exec c2 sh -c "wc -c < /$file")
ctr exec c2 rm /etc/motd
echo == diff c1 ==; ctr diff c1
echo == diff c2 ==; ctr diff c2
echo == whiteout ==; ls -l /var/lib/ctr/containers/c2/upper/etc
echo == c1 motd ==; ctr exec c1 cat /etc/motd
