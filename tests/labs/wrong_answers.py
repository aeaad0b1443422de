#!/usr/bin/env python3
"""Derive a wrong answers file from a `vx86 lab --solve` output (a reference answers file).
usage: wrong_answers.py SOLVE_OUTPUT WRONG_FILE
Every numeric answer is changed (n -> 3n + 7, kept in its notation: 0x hex, decimal, decimal
fraction) and every yes/no (true/false) answer flipped; other answers (words) are kept. The seed
line is kept, comments dropped. Prints the ids of the changed questions, one per line; exit 1
when the reference holds no answer that can be changed (a lab whose wrong answers this test
cannot derive)."""
import re
import sys

FLIP = {"yes": "no", "no": "yes", "true": "false", "false": "true"}


def change(value):
    v = value.strip()
    low = v.lower()
    if low in FLIP:
        return FLIP[low]
    if re.fullmatch(r"-?0x[0-9a-fA-F_]+", v):
        n = int(v.replace("_", ""), 16)
        return hex(n * 3 + 7)
    if re.fullmatch(r"-?[0-9_]+", v):
        return str(int(v.replace("_", "")) * 3 + 7)
    if re.fullmatch(r"-?[0-9]*\.[0-9]+(?:[eE][-+]?[0-9]+)?|-?[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+", v):
        return "%g" % (float(v) * 3 + 7)
    return None


def main():
    out = []
    changed = []
    for line in open(sys.argv[1], encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        m = re.match(r"^([A-Za-z0-9_]+) = (.*)$", line.rstrip("\n"))
        if not m:
            continue
        qid, value = m.groups()
        if qid == "seed":
            out.append(line.rstrip("\n"))
            continue
        new = change(value)
        if new is None:
            out.append(line.rstrip("\n"))
        else:
            out.append("%s = %s" % (qid, new))
            changed.append(qid)
    open(sys.argv[2], "w", encoding="utf-8").write("\n".join(out) + "\n")
    if not changed:
        print("no numeric or yes/no answer to change in " + sys.argv[1], file=sys.stderr)
        sys.exit(1)
    print("\n".join(changed))


main()
