"""ctr inspect's JSON (tests/containers/ctr.sh): Docker's fields for a running container s1 of
image base: its name, state, cgroup path, the five namespaces as "type:[inode]" links, one
lower layer, the upper/work/merged folders and the mounts."""
import json
import sys

c = json.load(open(sys.argv[1]))[0]
assert c["Name"] == "/s1" and c["Image"] == "base", c
assert c["State"]["Running"] is True and c["State"]["Pid"] > 1, c["State"]
assert c["CgroupPath"] == "/ctr/s1", c["CgroupPath"]
for n in ("pid", "mnt", "uts", "ipc", "cgroup"):
    assert c["Namespaces"][n].startswith(n + ":["), (n, c["Namespaces"])
data = c["GraphDriver"]["Data"]
assert len(data["LowerDir"].split(":")) == 1 and data["UpperDir"].endswith("/s1/upper"), data
assert "overlay /" in c["Mounts"], c["Mounts"]
