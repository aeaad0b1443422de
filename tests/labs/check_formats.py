#!/usr/bin/env python3
"""Validate grader outputs against the documented field shapes (labs/README.md), with strict
consumers: JSON must be UTF-8 (decoded strictly, no control characters in strings, no NaN),
JUnit must be well-formed XML (xml.etree). Exit 1 with "format check failed: ..." otherwise.
usage: check_formats.py gradescope|prairielearn|junit FILE [gradable|ungradable]"""
import json
import sys
import xml.etree.ElementTree as ET


def fail(msg):
    print("format check failed: " + msg)
    sys.exit(1)


def num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def strict_json(path):
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        fail("not valid UTF-8: %s" % e)

    def no_constant(name):
        fail("non-standard JSON constant " + name)
    try:
        return json.loads(text, strict=True, parse_constant=no_constant)
    except ValueError as e:
        fail("not valid JSON: %s" % e)


kind, path = sys.argv[1], sys.argv[2]
gradable = len(sys.argv) < 4 or sys.argv[3] != "ungradable"
if kind == "gradescope":
    d = strict_json(path)
    if not num(d.get("score")):
        fail("score must be a number")
    if not isinstance(d.get("output"), str):
        fail("output must be a string")
    if d.get("visibility") not in ("visible", "hidden", "after_due_date", "after_published"):
        fail("bad visibility")
    tests = d.get("tests")
    if not isinstance(tests, list) or (gradable and not tests):
        fail("tests must be a non-empty list")
    total = 0
    for t in tests:
        for k in ("name", "output", "visibility"):
            if not isinstance(t.get(k), str):
                fail("test field %s must be a string" % k)
        if not num(t.get("score")) or not num(t.get("max_score")):
            fail("test score/max_score must be numbers")
        if not 0 <= t["score"] <= t["max_score"]:
            fail("test score outside [0, max_score]")
        total += t["score"]
    if abs(total - d["score"]) > 1e-9:
        fail("score is not the sum of the tests")
elif kind == "prairielearn":
    d = strict_json(path)
    if not isinstance(d.get("gradable"), bool):
        fail("gradable must be a boolean")
    if d["gradable"] != gradable:
        fail("gradable should be %s" % gradable)
    if not num(d.get("score")) or not 0 <= d["score"] <= 1:
        fail("score must be a number in [0, 1]")
    for k in ("message", "output"):
        if not isinstance(d.get(k), str):
            fail("%s must be a string" % k)
    if not isinstance(d.get("tests"), list):
        fail("tests must be a list")
    pts = maxp = 0
    for t in d["tests"]:
        for k in ("name", "description", "message", "output"):
            if not isinstance(t.get(k), str):
                fail("test field %s must be a string" % k)
        if not num(t.get("points")) or not num(t.get("max_points")):
            fail("points/max_points must be numbers")
        pts += t["points"]
        maxp += t["max_points"]
    if gradable and maxp and abs(pts / maxp - d["score"]) > 1e-6:
        fail("score is not points / max_points")
elif kind == "junit":
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        fail("not well-formed XML: %s" % e)
    if root.tag != "testsuites":
        fail("root must be <testsuites>")
    suites = root.findall("testsuite")
    if len(suites) != 1:
        fail("one <testsuite> expected")
    cases = suites[0].findall("testcase")
    if int(suites[0].get("failures")) != sum(1 for c in cases if c.find("failure") is not None):
        fail("failures attribute does not count <failure> elements")
    errors = sum(1 for c in cases if c.find("error") is not None)
    if int(suites[0].get("errors")) != errors or (errors > 0) == gradable:
        fail("errors attribute / <error> elements do not match gradable=%s" % gradable)
else:
    fail("unknown kind " + kind)
print("ok")
