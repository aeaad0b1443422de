#!/usr/bin/env python3
"""Fail when a lab shows an expected answer before it asks the question.
usage: check_reveal.py SOLVE_OUTPUT TEXT_OUTPUT
SOLVE_OUTPUT is `vx86 lab LAB --solve` (its `id = answer` lines), TEXT_OUTPUT the `--text` run of
the same lab and seed. For every numeric answer, the text before "Q id (" must not hold it where
the lab's pictures and prose state a result: after '=', '=>', ':' of "references:", or after a
label such as gPA, hPA, physical, info2, EXITINFO2, dir, table, offset (decimal, or hex with any
zero padding). A hex answer of 0x1000 or more must not appear anywhere before its question.
Words (final, fault) and yes/no are not checked: they are ordinary words of the prose."""
import re
import sys

LABEL = r"(?:references:|=>|=|\binfo[12]|\bEXITINFO[12](?: \(gPA\))?|\bgPA|\bhPA|\bphysical|\bdir|\btable|\boffset)"


def main():
    solve = open(sys.argv[1], encoding="utf-8", errors="replace").read()
    text = open(sys.argv[2], encoding="utf-8", errors="replace").read()
    answers = re.findall(r"^([A-Za-z0-9_]+) = (.*)$", solve, re.M)
    bad = 0
    checked = 0
    for qid, value in answers:
        if qid == "seed":
            continue
        at = text.find("\nQ %s (" % qid)
        if at < 0:
            print("REVEAL CHECK: question %s is never asked in the text run" % qid)
            bad += 1
            continue
        before = text[:at]
        value = value.strip()
        if re.fullmatch(r"0x[0-9a-fA-F]+", value):
            n = int(value, 16)
        elif re.fullmatch(r"[0-9]+", value):
            n = int(value)
        else:
            continue
        checked += 1
        forms = [str(n), "0x0*%x" % n]
        pat = LABEL + r"\s*(?:" + "|".join(forms) + r")(?![0-9a-fA-FxX])"
        m = re.search(pat, before, re.I)
        if not m and n >= 0x1000:
            m = re.search(r"0x0*%x(?![0-9a-fA-F])" % n, before, re.I)
        if m:
            line_start = before.rfind("\n", 0, m.start()) + 1
            line_end = before.find("\n", m.end())
            print("REVEALED: %s = %s is shown before it is asked: %r" %
                  (qid, value, before[line_start:line_end if line_end >= 0 else None].strip()))
            bad += 1
    if checked == 0:
        print("REVEAL CHECK: no numeric answers to check")
        bad += 1
    print("ok" if bad == 0 else "revealed %d" % bad)
    sys.exit(1 if bad else 0)


main()
