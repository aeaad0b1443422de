#!/usr/bin/env bash
# overlayfs, images and ctr in the toy OS (issue 11, acceptance 3, 4 and 6), on vx86 with a trace.
#   overlay  mount -t overlay by hand: a 1-byte write copies up the whole file (one "overlay
#            copy-up" trace record with the lower file's size; the upper file is lower + 1 byte),
#            rm leaves a whiteout (a character device 0/0 in upper), lower layers never change
#   ctr      Docker's messages and statuses (125 image/flag/name errors, 127 not found, the
#            command's own status), cgroupfs read-only inside (its own pids.max; a write is
#            "Read-only file system"), its own hostname and PID 1, `ctr diff` lists exactly the
#            changed files (A/C/D), `ctr commit` makes a layer of exactly those (SHA-256 checked
#            by the host's sha256sum, entries by its cpio) that `ctr run` then sees, slim's whiteout and opaque directory hide base's files,
#            layers unpacked once however many containers use them (3 layer folders for 3 images,
#            free memory per extra container far below the layer's size)
#   many     16 containers at once, each its own hostname, PID 1 and pids.max (also as read inside,
#            through its cgroup namespace); ctr ps, ctr stats
#            and ps agree with each container's cgroup files
#   cycles   acceptance 6: the cycles from `ctr run` to the command's exec, step by step, from the
#            trace marks ctr writes (tracefs trace_marker -> LAB_MARK records)
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/os/lib.sh
out=$(mktemp -d /tmp/check-ctr.XXXXXX)
trap 'rm -rf "$out"' EXIT
failed=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; failed=1; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }   # check NAME CONDITION

# ---- one boot: overlay by hand, then ctr ----
cat > "$out/script" <<'EOF'
cd /tmp; mkdir l1 l2 u w m
seq 1 3000 > l2/big; echo keep > l2/gone; echo top > l1/a; echo low > l2/a
mount -t overlay -o lowerdir=/tmp/l1:/tmp/l2,upperdir=/tmp/u,workdir=/tmp/w overlay /tmp/m
echo -n z >> m/big
echo "sizes $(wc -c < l2/big) $(wc -c < u/big) $(wc -c < m/big)"
echo "a $(cat m/a)"
rm m/gone
echo "merged: $(ls m)"
ls -l u | grep gone
cd /
ctr images
ctr --help; echo "status $?"
ctr frob; echo "status $?"
ctr run --help; echo "status $?"
ctr logs; echo "status $?"
ctr run nope; echo "status $?"
ctr run --memory 12x base; echo "status $?"
ctr run --cpus -1 base; echo "status $?"
ctr run base nocmd; echo "status $?"
ctr run base /bin/sh -c 'exit 3'; echo "status $?"
ctr run --rm --pids-limit 7 base /bin/sh -c 'echo "ro max $(cat /sys/fs/cgroup/pids.max)"; echo 5 > /sys/fs/cgroup/pids.max; echo "ro write $? $(cat /sys/fs/cgroup/pids.max)"; grep cgroup2 /proc/mounts'
ctr run --name w --hostname web base /bin/sh -c 'hostname; echo "pid $$"; echo -n z >> /etc/motd; rm /etc/os-release; echo n > /new'; echo "status $?"
ctr run --name w base; echo "status $?"
echo "diff:"; ctr diff w; echo "end diff"
echo "commit: $(ctr commit w snap)"; ctr images | grep snap; ctr commit w snap; echo "status $?"
ctr commit w 'Bad"Name'; echo "status $?"
ctr commit w; echo "status $?"
ctr run --name w2 snap /bin/sh -c 'echo "snap motd: $(cat /etc/motd)"; echo "snap etc: $(ls /etc)"; echo "snap new: $(cat /new)"'
echo "diff w2:"; ctr diff w2; echo "end diff w2"; ctr rm w2 > /dev/null
cd /var/lib/ctr/images/blobs/sha256
for f in *; do if [ $(wc -c < $f) -lt 20000 ]; then echo "== blob $f"; cat $f; echo "== end blob"; fi; done
cd /
ctr run --rm slim /bin/sh -c 'echo "slim etc: $(ls /etc)"; echo "slim srv: $(ls /srv)"'
ctr run --rm -e GREETING=hi app
echo "layers $(ls /var/lib/ctr/layers | wc -l)"
grep MemFree /proc/meminfo
for i in 1 2 3 4; do ctr run -d --name s$i base sleep 100 > /dev/null; done
grep MemFree /proc/meminfo
echo "== ps"; ctr ps; echo "== end"
echo "layers $(ls /var/lib/ctr/layers | wc -l)"
echo "exec: $(ctr exec s1 /bin/sh -c 'echo $(hostname) $$')"
echo "inspect:"; ctr inspect s1; echo "end inspect"
ctr kill s1; ctr stop -t 1 s2; ctr rm s3; echo "status $?"; ctr rm -f s3; ctr rm s1
ctr ps -a
ctr run -d --name lg app > /dev/null; sleep 5; ctr logs lg
EOF
# cmd= takes one line: the script goes in as a module (a file of the root file system)
rc=0; MODULES="$out/script,/etc/ctr-test.sh" os_vx86 "$out/boot" "cmd=sh /etc/ctr-test.sh" \
    --trace "$out/t.jsonl" || rc=$?
tr -d '\r' < "$out/boot" > "$out/o.raw"   # with the blobs' bytes (NULs) for the commit checks
tr -d '\000' < "$out/o.raw" > "$out/o"
cat "$out/o"

# overlay
read -r _ lower upper merged < <(grep '^sizes' "$out/o") || true
check "overlay: 1-byte write copies up the whole file (lower $lower, upper $upper)" \
    '[ -n "$lower" ] && [ "$upper" = $((lower + 1)) ] && [ "$merged" = "$upper" ]'
check "overlay: one copy-up record, the whole lower file" \
    '[ "$(grep -c "\"text\":\"overlay copy-up big $lower bytes\"" "$out/t.jsonl")" = 1 ]'
check "overlay: upper layer wins (a = top)" 'grep -qx "a top" "$out/o"'
check "overlay: rm leaves a whiteout (char device 0/0 in upper)" \
    'grep -q "^c.* gone$" "$out/o" && grep -q "\"text\":\"overlay whiteout gone\"" "$out/t.jsonl"'
check "overlay: the deleted name is gone from the merged view" \
    'grep -q "^merged: " "$out/o" && ! grep "^merged: " "$out/o" | grep -qw gone'

# ctr: Docker's messages and statuses
expect_pair() {   # NAME MESSAGE STATUS: the message line, and the next "status N" line after it
    local found
    found=$(awk -v m="$2" 'index($0, m) { f = 1 } f && /^status / { print; exit }' "$out/o")
    if [ "$found" = "status $3" ]; then ok "$1"; else bad "$1"; fi
}
expect_pair "ctr --help lists the commands, status 0" "commit C IMAGE   those changes as a new image" 0
expect_pair "ctr run --help: its options, status 0" "Usage:  ctr run [OPTIONS] IMAGE [COMMAND] [ARG...]" 0
expect_pair "ctr: an unknown command is 1" "ctr: 'frob' is not a ctr command." 1
expect_pair "ctr: a missing argument is 1" 'ctr: "logs" requires at least 1 argument.' 1
expect_pair "ctr: missing image is 125" 'ctr: image "nope" not found' 125
expect_pair "ctr: --memory 12x is 125" "invalid argument \"12x\" for \"-m, --memory\" flag: invalid size: '12x'" 125
expect_pair "ctr: --cpus -1 is 125" "Range of CPUs is from 0.01 to 1.00" 125
expect_pair "ctr: a command not found is 127" 'exec: "nocmd": executable file not found in $PATH' 127
check "ctr: the command's own status (3)" 'grep -qx "status 3" "$out/o"'
check "ctr: cgroupfs read-only at /sys/fs/cgroup inside: its own pids.max, a write is EROFS" \
    'grep -qx "ro max 7" "$out/o" && grep -qx "sh: /sys/fs/cgroup/pids.max: Read-only file system" "$out/o" &&
     grep -qx "ro write 1 7" "$out/o" && grep -qx "cgroup2 /sys/fs/cgroup cgroup2 ro 0 0" "$out/o"'
check "ctr: own hostname and PID 1" 'grep -qx web "$out/o" && grep -qx "pid 1" "$out/o"'
expect_pair "ctr: a name in use is 125" 'The container name "/w" is already in use by container' 125
diff_out=$(awk '/^diff:/ { f = 1; next } /^end diff/ { f = 0 } f' "$out/o")
check "ctr diff: exactly the changed files" \
    '[ "$diff_out" = "$(printf "C /etc\nC /etc/motd\nD /etc/os-release\nA /new")" ]'
# ctr commit: the blobs (all but base's big layer) go out through the console; the host's
# sha256sum and cpio are the oracles for the digests and the new layer's entries.
python3 - "$out/o.raw" "$out/blobs" <<'PY' > "$out/commit.check" 2>&1 || true
import hashlib, os, re, sys
text = open(sys.argv[1], "rb").read()
os.makedirs(sys.argv[2], exist_ok=True)
bad = 0
for name, data in re.findall(rb"== blob (\w+)\n(.*?)== end blob\n", text, re.S):
    open(os.path.join(sys.argv[2], name.decode()), "wb").write(data)
    if hashlib.sha256(data).hexdigest() != name.decode():
        print("digest mismatch", name.decode()); bad = 1
config = re.search(rb"^commit: sha256:(\w+)$", text, re.M)
man = [d for n, d in re.findall(rb"== blob (\w+)\n(.*?)== end blob\n", text, re.S)
       if config and b'"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:' + config.group(1) in d]
layers = re.findall(rb'"digest":"sha256:(\w+)"', man[0])[1:] if man else []
print("layers", len(layers), "last", layers[-1].decode() if layers else "-", "bad", bad)
PY
read -r _ nlayers _ newlayer _ digest_bad < <(grep '^layers' "$out/commit.check") || true
check "ctr commit: every blob is named by its SHA-256 (host sha256sum); the image is base's layer + 1" \
    '[ "$digest_bad" = 0 ] && [ "$nlayers" = 2 ] && [ $(grep -c "^== blob" "$out/o") -ge 6 ]'
entries=$(cd "$out/blobs" && cpio --quiet -it < "$newlayer" 2>/dev/null | tr '\n' ' ')
check "ctr commit: the new layer holds exactly the changes, the deletion as an OCI whiteout ($entries)" \
    '[ "$entries" = "etc etc/motd etc/.wh.os-release new " ]'
check "ctr commit: ctr images lists it" 'grep -qE "^snap +latest +[0-9a-f]{12} " "$out/o"'
expect_pair "ctr commit to a name in use is 125" 'ctr: image "snap" already exists' 125
expect_pair "ctr commit to a malformed name is 125" 'ctr: invalid reference format: "Bad"Name"' 125
expect_pair "ctr commit without an image name is 1" 'ctr: "commit" requires 2 arguments.' 1
check "ctr run of the committed image sees exactly the changes (and ctr diff of it is empty)" \
    '[ "$(awk "/^snap motd: /,/^snap new/" "$out/o")" = "$(printf "snap motd: Welcome to a vx86 container.\nz\nsnap etc: motd\nsnap new: n")" ] &&
     [ "$(awk "/^diff w2:/ { f = 1; next } /^end diff w2/ { f = 0 } f" "$out/o")" = "" ]'
check "slim: whiteout hides /etc/motd, opaque /srv hides base's README" \
    'grep -qx "slim etc: os-release" "$out/o" && grep -qx "slim srv: " "$out/o"'
check "images: base, app and slim listed" \
    '[ "$(grep -cE "^(base|app|slim) +latest +[0-9a-f]{12} " "$out/o")" = 3 ]'
check "layers: 4 images (base, app, slim, the committed snap) share base's layer: 4 folders, before and after 4 more containers" \
    '[ "$(grep -c "^layers 4$" "$out/o")" = 2 ]'
free=($(awk '/^MemFree/ { print $2 }' "$out/o"))
base_kb=$(grep -E "^base +latest" "$out/o" | awk '{ print $4 }' | tr -d kB)
per=$(( (${free[0]:-0} - ${free[1]:-0}) / 4 ))
echo "memory per idle container: ${per} kB (the base layer is ${base_kb} kB)"
check "layers stored once: each container costs far less than its layer" \
    '[ ${#free[@]} = 2 ] && [ "$per" -gt 0 ] && [ "$per" -lt $((base_kb / 2)) ]'
check "app: its service runs with -e over the image's Env" \
    'grep -qE "^hi from [0-9a-f]{12}, pid 1$" "$out/o" && grep -qx "tick 3" "$out/o"'
check "ctr ps: 4 running" \
    '[ "$(sed -n "/^== ps/,/^== end/p" "$out/o" | grep -cE "^[0-9a-f]{12} +base +sleep 100 +Up ")" = 4 ]'

ps_a=$(grep -E "^[0-9a-f]{12} +base +sleep 100 " "$out/o" | tail -2)
s1_id=$(grep -E "^[0-9a-f]{12} +base +sleep 100 +Up .* s1$" "$out/o" | awk '{ print $1 }')
check "ctr exec: in s1's namespaces (its hostname, not PID 1)" \
    'grep -qE "^exec: $s1_id [0-9]+$" "$out/o" && ! grep -qE "^exec: .* 1$" "$out/o"'
awk '/^inspect:/ { f = 1; next } /^end inspect/ { f = 0 } f' "$out/o" > "$out/inspect.json"
check "ctr inspect: JSON with the namespaces, cgroup path, layers and mounts" \
    'python3 tests/containers/inspect_check.py "$out/inspect.json"'
expect_pair "ctr rm of a running container is refused (status 1)" \
    "You cannot remove a running container" 1
check "ctr kill, stop, rm: s1 and s3 gone, s2 exited (SIGKILL after stop's grace period)" \
    '[ "$(echo "$ps_a" | awk "{ print \$NF }" | tr "\n" " ")" = "s2 s4 " ] &&
     echo "$ps_a" | grep -qE "Exited \(137\) .* s2$"'
check "ctr logs: what the detached app wrote" \
    'grep -qE "^hello from [0-9a-f]{12}, pid 1$" "$out/o" && [ "$(grep -c "^tick 3$" "$out/o")" = 2 ]'

# ---- 16 containers at once (acceptance 4) ----
cat > "$out/many" <<'EOF'
for i in $(seq 1 16); do
    ctr run -d --name c$i --hostname host$i --pids-limit $((i + 10)) --memory ${i}m base \
        /bin/sh -c 'hostname > /tmp/h; echo $$ > /tmp/p; cat /sys/fs/cgroup/pids.max > /tmp/l; exec sleep 1000' > /dev/null || echo "run c$i: $?"
done
sleep 3
ctr ps
ctr stats
ps
for i in $(seq 1 16); do
    d=/sys/fs/cgroup/ctr/c$i u=/var/lib/ctr/containers/c$i/upper/tmp
    echo "cg c$i $(cat $d/pids.max) $(cat $d/pids.current) $(cat $d/memory.max) $(cat $d/memory.current) in $(cat $u/h) $(cat $u/p) $(cat $u/l) procs $(cat $d/cgroup.procs)"
done
EOF
rc=0; MODULES="$out/many,/etc/many.sh" os_vx86 "$out/many.out" "cmd=sh /etc/many.sh" || rc=$?
tr -d '\r' < "$out/many.out" > "$out/m"
cat "$out/m"
python3 - "$out/m" <<'PY' || failed=1
import re, sys
lines = open(sys.argv[1]).read().split("\n")
ps_ctr = {l.split()[-1]: int(l.split()[-2]) for l in lines if re.match(r"^[0-9a-f]{12} +base +/bin/sh -c .* Up ", l)}
stats = {l.split()[1]: l.split() for l in lines if re.match(r"^[0-9a-f]{12} +c[0-9]+ ", l)}
ps = {int(l.split()[0]): l.split() for l in lines if re.match(r"^ +[0-9]+ +[0-9]+ [A-Z] ", l)}
bad = []
for i in range(1, 17):
    n = f"c{i}"
    cg = [l.split() for l in lines if l.startswith(f"cg {n} ")]
    if not cg or n not in ps_ctr or n not in stats:
        bad.append(f"{n}: missing from ctr ps, ctr stats or the cgroup files"); continue
    _, _, pmax, pcur, mmax, mcur, _, host, nspid, inside, _, *procs = cg[0]
    pid = ps_ctr[n]
    if (pmax, mmax) != (str(i + 10), str(i << 20)): bad.append(f"{n}: limits {pmax} {mmax}")
    if host != f"host{i}" or nspid != "1": bad.append(f"{n}: hostname {host}, pid inside {nspid}")
    if inside != pmax: bad.append(f"{n}: /sys/fs/cgroup/pids.max inside reads {inside}, not {pmax}")
    if str(pid) not in procs: bad.append(f"{n}: ctr ps pid {pid} not in cgroup.procs {procs}")
    st = stats[n]   # ID NAME CPU-USEC MEM "/" LIMIT PIDS
    if st[3] != f"{int(mcur) // 1024}KiB" or st[5] != mmax or st[6] != pcur:
        bad.append(f"{n}: ctr stats {st[3:]} vs memory.current {mcur} memory.max {mmax} pids.current {pcur}")
    row = ps.get(pid)
    if not row or row[3] != "1" or row[4] != f"/ctr/{n}":
        bad.append(f"{n}: ps row {row} (want NS-PID 1, CGROUP /ctr/{n})")
for b in bad:
    print("FAIL", b)
if not bad:
    print("ok   16 containers: own hostname, PID 1 and limits; ctr ps, ctr stats and ps agree with the cgroup files")
sys.exit(1 if bad else 0)
PY

# cycles (acceptance 6): the marks of `ctr run --name w ...` (the layers were unpacked before)
python3 - "$out/t.jsonl" <<'PY' || failed=1
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
marks = [(e["cycle"], e["data"]["text"]) for e in ev if e["kind"] == "lab_mark" and e["data"]["text"].startswith("ctr ")]
# the 7th `ctr run` is the one with --name w: take its marks, then the exec'd command's task_create
runs = [i for i, m in enumerate(marks) if m[1] == "ctr run"]
i = runs[6]
steps = marks[i:i + 8]
names = [t for _, t in steps]
want = ["ctr run", "ctr cgroup", "ctr clone", "ctr cgroup attach", "ctr mounts", "ctr pivot_root", "ctr hostname", "ctr exec"]
if names != want:
    print("FAIL cycles: marks", names); sys.exit(1)
execd = [e["cycle"] for e in ev if e["kind"] == "task_create" and e["cycle"] > steps[-1][0]
         and e["data"]["name"] == "sh"][0]
label = {"ctr run": "image lookup", "ctr cgroup": "cgroup create + limits", "ctr clone": "clone",
         "ctr cgroup attach": "cgroup attach", "ctr mounts": "mounts (overlay, proc, dev, cgroup)",
         "ctr pivot_root": "pivot_root", "ctr hostname": "sethostname", "ctr exec": "execve"}
ends = [c for c, _ in steps[1:]] + [execd]
for (c, t), e in zip(steps, ends):
    print(f"  {label[t]:40s} {e - c:9d} cycles")
print(f"  {'ctr run -> the command':40s} {execd - steps[0][0]:9d} cycles")
if not all(e > c for (c, _), e in zip(steps, ends)):
    print("FAIL cycles: not increasing"); sys.exit(1)
print("ok   cycles: ctr run -> exec broken down by step")
# the trace has a mount record for each mount ctr makes (runc's order), the cgroup2 one included
mnts = [(e["data"]["fstype"], e["data"]["target"]) for e in ev if e["kind"] == "mount"
        and steps[4][0] <= e["cycle"] <= execd]
kinds = [f for f, _ in mnts]
if kinds != ["overlay", "proc", "devtmpfs", "cgroup2", "overlay"] or not mnts[3][1].endswith("/merged/sys/fs/cgroup") \
        or mnts[4][1] != "/":
    print("FAIL mount records of ctr run:", mnts); sys.exit(1)
print("ok   trace: a mount record for each of ctr's mounts (overlay, proc, dev, cgroup2, pivot_root)")
PY

# determinism: the first boot again gives the same output and the same cycle of every ctr mark
rc=0; MODULES="$out/script,/etc/ctr-test.sh" os_vx86 "$out/boot2" "cmd=sh /etc/ctr-test.sh" \
    --trace "$out/t2.jsonl" || rc=$?
marks() { grep '"kind":"lab_mark"' "$1" | sed 's/.*"cycle":\([0-9]*\).*"text":"\([^"]*\)".*/\1 \2/'; }
check "determinism: the same run twice, the same output and mark cycles ($(marks "$out/t.jsonl" | wc -l) marks)" \
    'cmp -s "$out/boot" "$out/boot2" && [ "$(marks "$out/t.jsonl")" = "$(marks "$out/t2.jsonl")" ]'

exit $failed
