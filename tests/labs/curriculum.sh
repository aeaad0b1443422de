#!/bin/bash
# The curriculum test (make check-curriculum): every lab folder labs/*/lab.lua, found here, not
# listed, so a new lab is covered the moment it is merged. For each lab, from a scratch directory
# (not the repository root: labs run from anywhere), seeds 1-3:
#   - `vx86 lab --solve --pictures DIR` exits 0: every step's check held (a check that fails, a
#     result the lab promises that did not hold, exits 3); no "check: FAILED" line;
#   - its output, graded, gets full marks; a wrong answers file derived from it (each numeric answer
#     n -> 3n + 7, each yes/no flipped: wrong_answers.py) gets less, with no point for any changed
#     answer; a file with only the seed line gets zero: each in all four formats, read by their
#     consumers as tests/labs/grading.sh does (prove, xmllint, check_formats.py) and scored by
#     check_score.py;
#   - the `--text` walk-through fed the answers never shows an answer before asking it
#     (check_reveal.py) and exits 0;
# and once per lab: `--pictures` wrote at least one SVG and rsvg-convert renders each one; the lab
# table has `summary` and `minutes` (`vx86 lab --list` lists it); README.md (instructor) names
# the learning goals, the time in minutes and the rubric; HANDOUT.md (student) has the questions
# and says how to submit.
# Two labs run at a time (JOBS=N to change); each lab prints the host seconds of its run and of one
# `vx86 grade` run (informational: nothing asserts on time). Prints "curriculum-tests: N passed,
# M failed"; LABS="paging nested-paging" limits it to some lab folders. VX86 names the binary.
set -u
cd "$(dirname "$0")/../.." || exit 2
ROOT=$(pwd)
VX=$ROOT/${VX86:-build/vx86}
JOBS=${JOBS:-2}
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
TL=$ROOT/tests/labs
TMP=$(mktemp -d /tmp/vx86-curriculum-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
formats="prairielearn gradescope junit tap"
for tool in prove xmllint rsvg-convert; do
    command -v $tool >/dev/null || { echo "curriculum-tests: $tool is not installed (scripts/install-deps.sh)"; echo "curriculum-tests: 0 passed, 1 failed"; exit 1; }
done
[ -x "$VX" ] || { echo "curriculum-tests: $VX not found; run 'make'"; echo "curriculum-tests: 0 passed, 1 failed"; exit 1; }

# validate FORMAT FILE: the format's real consumer accepts the (gradable) result.
validate() {
    case $1 in
    tap) out=$(prove --exec cat "$2" 2>&1)
         if echo "$out" | grep -q "Parse errors"; then echo "prove: $out"; return 1; fi ;;
    junit) xmllint --noout "$2" 2>&1 || return 1
           r=$($PY "$TL/check_formats.py" junit "$2" gradable); [ "$r" = ok ] || { echo "$r"; return 1; } ;;
    *) r=$($PY "$TL/check_formats.py" "$1" "$2" gradable); [ "$r" = ok ] || { echo "$r"; return 1; } ;;
    esac
}

# lab_job DIR: every check of one lab; writes $TMP/DIR.log ("ok ..." / "FAIL ..." lines).
lab_job() {
    local name=$1 lab=$ROOT/labs/$1/lab.lua w=$TMP/$1
    local log=$TMP/$1.log
    mkdir -p "$w/pics"
    : > "$log"
    ok() { echo "ok   - $name: $*" >> "$log"; }
    bad() { echo "FAIL - $name: $*" >> "$log"; }
    local t0 t1 s rc f g changed
    t0=$(date +%s.%N)
    cd "$w" || return
    for s in 1 2 3; do
        local pics=
        [ $s = 1 ] && pics="--pictures $w/pics"
        "$VX" lab "$lab" --seed $s --solve $pics > "$w/ref.$s" 2> "$w/solve.err"; rc=$?
        if [ $rc = 0 ] && ! grep -q "check: FAILED" "$w/ref.$s"; then ok "seed $s: --solve exits 0, every check holds"
        else bad "seed $s: --solve exit $rc: $(grep 'check: FAILED' "$w/ref.$s" | head -3) $(head -c 300 "$w/solve.err")"; continue; fi
        grep -q "^seed = $s$" "$w/ref.$s" || bad "seed $s: the --solve output has no 'seed = $s' line"
        if changed=$($PY "$TL/wrong_answers.py" "$w/ref.$s" "$w/wrong.$s" 2>&1); then :; else bad "seed $s: $changed"; changed=; fi
        printf '# nothing answered\nseed = %s\n' $s > "$w/empty.$s"
        # the walk-through with the answers typed in (checked below: nothing revealed early)
        grep -v '^#' "$w/ref.$s" | grep -v '^seed =' | sed 's/^[^=]*= //' > "$w/in.$s"
        "$VX" lab "$lab" --text --seed $s < "$w/in.$s" > "$w/text.$s" 2>&1; rc=$?
        [ $rc = 0 ] && ok "seed $s: --text with the answers exits 0" || bad "seed $s: --text exit $rc: $(tail -c 300 "$w/text.$s")"
        local specs="reveal:$w/ref.$s:$w/text.$s" taps= junits=
        for f in $formats; do
            for kind in full wrong empty; do
                local file=$w/ref.$s want=full ids=
                [ $kind = wrong ] && file=$w/wrong.$s want=less ids=$(echo $changed | tr ' ' ,)
                [ $kind = empty ] && file=$w/empty.$s want=zero
                [ $kind = wrong ] && [ -z "$changed" ] && continue
                g=$w/$kind.$s.$f
                if [ $kind = full ] && [ $s = 1 ] && [ $f = prairielearn ]; then t1=$(date +%s.%N); fi
                "$VX" grade "$lab" --answers "$file" --format $f --out "$g" 2> "$w/grade.err"; rc=$?
                if [ $kind = full ] && [ $s = 1 ] && [ $f = prairielearn ]; then
                    echo "$(date +%s.%N) - $t1" | bc > "$w/grade-seconds"
                fi
                [ $rc = 0 ] || { bad "seed $s $kind ($f): grade exit $rc: $(head -c 300 "$w/grade.err")"; continue; }
                specs="$specs $f:$g:$want:$ids"
                [ $f = tap ] && taps="$taps $g"
                [ $f = junit ] && junits="$junits $g"
            done
        done
        # the consumers, once per seed for all its files: prove, xmllint, then one Python process
        # (check_formats.py and the scores through check_score.py, and check_reveal.py)
        if [ -n "$taps" ]; then
            # shellcheck disable=SC2086
            out=$(prove --exec cat $taps 2>&1)
            echo "$out" | grep -q "Parse errors" && bad "seed $s: prove: $out" || ok "seed $s: prove reads every TAP file"
        fi
        # shellcheck disable=SC2086
        [ -n "$junits" ] && { why=$(xmllint --noout $junits 2>&1) && ok "seed $s: xmllint reads every JUnit file" || bad "seed $s: xmllint: $why"; }
        # shellcheck disable=SC2086
        $PY "$TL/check_score.py" $specs > "$w/scores.$s"
        set -- $specs
        while read -r line; do
            if [ "$line" = ok ]; then ok "seed $s: $(echo "$1" | sed "s|$w/||; s|:[^:]*\$||")"
            else bad "seed $s: $line"; fi
            shift
        done < "$w/scores.$s"
        [ $# = 0 ] || bad "seed $s: check_score.py answered for fewer files than it was given ($# left)"
    done
    # pictures: at least one SVG, each rendered by librsvg
    local n=0 svg
    for svg in "$w"/pics/*.svg; do
        [ -e "$svg" ] || continue
        n=$((n + 1))
        rsvg-convert "$svg" -o "$w/pic.png" 2> "$w/rsvg.err" && [ -s "$w/pic.png" ] \
            || bad "picture $(basename "$svg") does not render: $(head -c 200 "$w/rsvg.err")"
    done
    [ $n -ge 1 ] && ok "--pictures wrote $n SVG(s), rendered by rsvg-convert" || bad "--pictures wrote no SVG"
    # the two documents
    local d=$ROOT/labs/$name
    if [ -f "$d/README.md" ] && grep -qiE '^#+ .*learning goals' "$d/README.md" && grep -qiE '^#+ .*rubric' "$d/README.md" \
        && grep -qiE '[0-9]+ minutes' "$d/README.md"; then
        ok "README.md has learning goals, the time in minutes and the rubric"
    else
        bad "README.md missing or without a '# ... Learning goals' heading, a '# ... Rubric' heading or 'N minutes'"
    fi
    if [ -f "$d/HANDOUT.md" ] && grep -qiE '^#+ .*questions' "$d/HANDOUT.md" && grep -qi 'submit' "$d/HANDOUT.md"; then
        ok "HANDOUT.md has the questions and how to submit"
    else
        bad "HANDOUT.md missing or without a '# ... Questions' heading or the word 'submit'"
    fi
    printf '%s %s\n' "$(echo "$(date +%s.%N) - $t0" | bc)" "$(cat "$w/grade-seconds" 2>/dev/null || echo '?')" > "$w/seconds"
}

labs=${LABS:-$(cd labs && for l in */lab.lua; do echo "${l%/lab.lua}"; done)}
list=$(cd "$TMP" && "$VX" lab --list 2> "$TMP/list.err"); list_rc=$?

running=0
for name in $labs; do
    if [ ! -f "labs/$name/lab.lua" ]; then echo "FAIL - $name: labs/$name/lab.lua not found" > "$TMP/$name.log"; continue; fi
    lab_job "$name" &
    running=$((running + 1))
    if [ $running -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
wait

pass=0
failed=0
# ---- the machinery this test relies on, tested first ----
sok() { pass=$((pass + 1)); echo "ok   - $*"; }
sbad() { failed=$((failed + 1)); echo "FAIL - $*"; }
CF=$TL/bad-labs/check-fails.lua
(cd "$TMP" && "$VX" lab "$CF" --solve > "$TMP/cf.out" 2> "$TMP/cf.err"); rc=$?
[ $rc = 3 ] && grep -q "check: FAILED - ratio 3x" "$TMP/cf.out" && grep -q "1 check FAILED" "$TMP/cf.err" \
    && sok "lab --solve: a step's failing check exits 3 and says so" || sbad "lab --solve with a failing check: exit $rc, $(cat "$TMP/cf.err")"
(cd "$TMP" && echo 42 | "$VX" lab "$CF" --text > "$TMP/cf.out" 2> "$TMP/cf.err"); rc=$?
[ $rc = 3 ] && grep -q "score 1/1" "$TMP/cf.out" && sok "lab --text: full marks but a failing check still exits 3" \
    || sbad "lab --text with a failing check: exit $rc"
printf 'seed = 0\nq = 42\n' > "$TMP/cf.txt"
"$VX" grade "$CF" --answers "$TMP/cf.txt" --format tap --out "$TMP/cf.tap" 2>/dev/null; rc=$?
[ $rc = 0 ] && grep -q ": 1/1 points" "$TMP/cf.tap" && sok "grade: a failing check does not change the grade (exit 0, 1/1)" \
    || sbad "grade with a failing check: exit $rc"
"$VX" lab --help | grep -q -- "--list" && "$VX" lab --help | grep -q "3 the lab ran to its end but a step's check" \
    && "$VX" --help | grep -q "lab --list" && sok "vx86 --help and lab --help name --list and exit status 3" || sbad "--help lacks --list or status 3"
"$VX" lab --list paging > /dev/null 2> "$TMP/l.err"; rc=$?
[ $rc = 2 ] && grep -q -- "--list takes no lab file" "$TMP/l.err" && sok "lab --list with an argument: exit 2, one line" || sbad "lab --list x: exit $rc"
# an installed layout (PREFIX/bin/vx86, PREFIX/share/vx86/labs): a lab without summary/minutes is
# named on stderr (exit 1), one that does not load too, the others are still listed
mkdir -p "$TMP/inst/bin" "$TMP/inst/share/vx86/labs/good" "$TMP/inst/share/vx86/labs/nosummary" "$TMP/inst/share/vx86/labs/broken"
cp "$VX" "$TMP/inst/bin/vx86"
printf 'return { id = "good", version = "1", summary = "a good one", minutes = 5, steps = {} }\n' > "$TMP/inst/share/vx86/labs/good/lab.lua"
printf 'return { id = "nosummary", version = "1", minutes = 5, steps = {} }\n' > "$TMP/inst/share/vx86/labs/nosummary/lab.lua"
printf 'return { id = \n' > "$TMP/inst/share/vx86/labs/broken/lab.lua"
out=$(cd / && "$TMP/inst/bin/vx86" lab --list 2> "$TMP/inst.err"); rc=$?
[ $rc = 1 ] && echo "$out" | grep -qx "  good                 5 min  a good one" && ! echo "$out" | grep -q nosummary \
    && grep -q "nosummary/lab.lua: the lab table lacks its 'summary'" "$TMP/inst.err" && grep -q "broken/lab.lua: " "$TMP/inst.err" \
    && sok "lab --list in an install: the good lab listed, a lab without summary and one that does not load named, exit 1" \
    || sbad "lab --list in an install: exit $rc: $out $(cat "$TMP/inst.err")"
n_dirs=$(ls -d labs/*/lab.lua | wc -l)
[ $list_rc = 0 ] && [ "$(echo "$list" | grep -cE '^  [a-z0-9-]+ +[0-9]+ min  .+')" = "$n_dirs" ] && echo "$list" | head -1 | grep -q "^Labs in " \
    && sok "lab --list (from a scratch directory) lists all $n_dirs labs, exit 0" || sbad "lab --list: exit $list_rc: $list $(cat "$TMP/list.err")"

for name in $labs; do
    if echo "$list" | grep -qE "^  $name +[0-9]+ min  .+"; then echo "ok   - $name: listed by vx86 lab --list with its minutes and summary" >> "$TMP/$name.log"
    else echo "FAIL - $name: not listed by vx86 lab --list (exit $list_rc): $(grep -F "$name" "$TMP/list.err")" >> "$TMP/$name.log"; fi
    p=$(grep -c '^ok' "$TMP/$name.log"); f=$(grep -c '^FAIL' "$TMP/$name.log")
    pass=$((pass + p)); failed=$((failed + f))
    grep '^FAIL' "$TMP/$name.log"
    total='?' grade='?'
    { read -r total grade < "$TMP/$name/seconds"; } 2>/dev/null
    [ "$total" = '?' ] || total=$(printf '%.1f' "$total")
    [ "$grade" = '?' ] || grade=$(printf '%.2f' "$grade")
    printf 'lab %-18s %3d passed, %d failed; %s host seconds for the lab'"'"'s checks, %s for one vx86 grade run\n' \
        "$name" "$p" "$f" "$total" "$grade"
done
echo "curriculum-tests: $pass passed, $failed failed"
[ $failed = 0 ]
