# The layers lab's session in the toy OS: sh /lab/lab.sh N FILE
# (the lab boots the OS with this file as /lab/lab.sh). FILE is a path inside the image (bin/ls).
n=$1 file=$2
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
