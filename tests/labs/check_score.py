#!/usr/bin/env python3
"""Read the score out of grader results and compare it with what the curriculum test expects,
many files in one process (a Python start costs seconds on a busy host).
usage: check_score.py SPEC...
SPEC = FORMAT:FILE:WANT[:ID,ID...]  FORMAT tap|junit|gradescope|prairielearn, WANT full|less|zero
  full: every point; zero: no point; less: fewer than every point, and each ID (the answers the
  test changed) got no point (read per test: TAP's "(P/M)", JUnit's <failure>, JSON tests[]).
  junit, gradescope and prairielearn files are first validated by check_formats.py (gradable).
SPEC = reveal:SOLVE_OUTPUT:TEXT_OUTPUT  check_reveal.py on a --text run.
Prints one line per SPEC, "ok" or what differs; exit 1 when any differs."""
import contextlib
import io
import json
import os
import re
import runpy
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))


class Failed(Exception):
    pass


def fail(msg):
    raise Failed("score check failed: " + msg)


def run_script(name, args):
    """Run a sibling checker script as if from the command line; its last output line."""
    out = io.StringIO()
    old = sys.argv
    sys.argv = [name] + args
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(os.path.join(HERE, name), run_name="__main__")
    except SystemExit:
        pass
    finally:
        sys.argv = old
    lines = out.getvalue().strip().splitlines()
    return lines[-1] if lines else "(no output from %s)" % name, out.getvalue()


def check(fmt, path, want, changed):
    if fmt in ("junit", "gradescope", "prairielearn"):
        last, whole = run_script("check_formats.py", [fmt, path, "gradable"])
        if last != "ok":
            fail("%s: %s" % (path, whole.strip()))
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


def main():
    bad = 0
    for spec in sys.argv[1:]:
        parts = spec.split(":")
        try:
            if parts[0] == "reveal":
                last, whole = run_script("check_reveal.py", parts[1:3])
                if last != "ok":
                    raise Failed("reveal check: " + whole.strip().replace("\n", " | "))
            else:
                check(parts[0], parts[1], parts[2], parts[3].split(",") if len(parts) > 3 and parts[3] else [])
            print("ok")
        except (Failed, OSError, ValueError, KeyError, ET.ParseError) as e:
            print("%s: %s" % (spec.split(":")[1] if ":" in spec else spec, e))
            bad += 1
    sys.exit(1 if bad else 0)


main()
