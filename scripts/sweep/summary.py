#!/usr/bin/env python3
"""summary.py LIST OUTDIR > summary.csv: one CSV row per submission of LIST (in its order), read
from OUTDIR/NAME.json (grade-one.sh's PrairieLearn result): submission, gradable, score (0..1),
points, max_points, message. A submission without a result file is a row with status "missing",
so a lost submission shows; exit 1 then (0 when every submission has its result)."""
import csv
import json
import os
import sys


def main():
    if len(sys.argv) != 3:
        print("usage: summary.py LIST OUTDIR", file=sys.stderr)
        sys.exit(2)
    subs = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["submission", "status", "score", "points", "max_points", "message"])
    missing = 0
    for s in subs:
        name = os.path.splitext(os.path.basename(s))[0]
        path = os.path.join(sys.argv[2], name + ".json")
        try:
            d = json.load(open(path, encoding="utf-8"))
        except (OSError, ValueError) as e:
            w.writerow([name, "missing", "", "", "", "no result: %s" % e.__class__.__name__])
            missing += 1
            continue
        pts = sum(t.get("points", 0) for t in d.get("tests", []))
        mx = sum(t.get("max_points", 0) for t in d.get("tests", []))
        w.writerow([name, "graded" if d.get("gradable") else "not graded", "%g" % d.get("score", 0),
                    "%g" % pts, "%g" % mx, d.get("message", "").replace("\n", " ")[:200]])
    sys.exit(1 if missing else 0)


main()
