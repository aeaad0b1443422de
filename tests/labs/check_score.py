#!/usr/bin/env python3
"""Read the score out of a grader result and compare it with what the curriculum test expects.
usage: check_score.py tap|junit|gradescope|prairielearn FILE full|less|zero [QUESTION_ID...]
full: every point; zero: no point; less: fewer than every point, and each QUESTION_ID named (the
answers the test changed) got no point (read per test from the file: TAP's "(P/M)", JUnit's
<failure>, the JSON tests[]). Prints "ok" or one line saying what differs; exit 1 then."""
import json
import re
import sys
import xml.etree.ElementTree as ET


def fail(msg):
    print("score check failed: " + msg)
    sys.exit(1)


def main():
    fmt, path, want = sys.argv[1:4]
    changed = sys.argv[4:]
    per = {}   # question id -> (points, max) or (lost?, None)
    if fmt == "tap":
        text = open(path, encoding="utf-8").read()
        m = re.search(r"^# lab .*: ([0-9.]+)/([0-9.]+) points$", text, re.M)
        if not m:
            fail("no '# lab ...: P/M points' line")
        got, top = float(m.group(1)), float(m.group(2))
        for ok, qid, p, mx in re.findall(r"^(ok|not ok) \d+ - (\S+) \(([0-9.]+)/([0-9.]+)\)", text, re.M):
            per[qid] = (float(p), float(mx))
    elif fmt == "junit":
        root = ET.parse(path).getroot()
        cases = root.iter("testcase")
        top = 0.0
        got = 0.0
        for c in cases:
            lost = c.find("failure") is not None or c.find("error") is not None
            per[c.get("name")] = (0.0 if lost else 1.0, 1.0)
            top += 1
            got += 0 if lost else 1
        # JUnit has no points: "full" = no failure, "zero" = every case failed
    elif fmt == "gradescope":
        d = json.load(open(path, encoding="utf-8"))
        got, top = float(d["score"]), float(d["extra_data"]["max_score"])
        for t in d["tests"]:
            per[t["name"]] = (float(t["score"]), float(t["max_score"]))
    elif fmt == "prairielearn":
        d = json.load(open(path, encoding="utf-8"))
        if not d["gradable"]:
            fail("not gradable: " + d.get("message", ""))
        got, top = float(d["score"]), 1.0
        for t in d["tests"]:
            per[t["name"]] = (float(t["points"]), float(t["max_points"]))
    else:
        fail("unknown format " + fmt)
    if top <= 0:
        fail("no points to get (%s)" % path)
    if want == "full" and got != top:
        fail("%g of %g, want full marks" % (got, top))
    if want == "zero" and got != 0:
        fail("%g of %g, want zero" % (got, top))
    if want == "less" and not got < top:
        fail("%g of %g, want less than full marks" % (got, top))
    for qid in changed:
        if qid not in per:
            fail("question %s is not in the result" % qid)
        if per[qid][0] != 0:
            fail("changed answer %s still got %g points" % (qid, per[qid][0]))
    print("ok")


main()
