#!/bin/sh
# Lab tests: every lab runs to the end in `vx86 lab --text` with scripted input, grades its
# --solve output with full marks, a partly wrong file with the right partial score and a
# malformed file with exit 2; output formats validate; the sandbox stops each kind of abuse
# with a graded failure in bounded time; two graders write byte-identical results; a folder of
# submissions grades in parallel. Prints "lab-tests: N passed, M failed".
# tests/labs/grading.sh has the hostile inputs, real consumers and the determinism sweep.
# VX86 names the binary (default build/vx86).
cd "$(dirname "$0")/../.." || exit 2
VX=${VX86:-build/vx86}
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3   # a version-manager shim is slow
ANS=tests/labs/answers
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
failed=0
ok() { pass=$((pass + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
expect() { # expect NAME COMMAND... : the command must succeed
    name=$1; shift
    if "$@"; then ok; else bad "$name"; fi
}
points() { # the "# lab ... : S/M points" summary line of a TAP file -> "S/M"
    sed -n 's/^# lab .*: \([0-9.]*\/[0-9.]*\) points.*/\1/p' "$1"
}

for lab in paging nested-paging; do
    L=labs/$lab/lab.lua
    seed=11
    $VX lab "$L" --seed $seed --solve > "$TMP/$lab.ref" 2> "$TMP/err" || bad "$lab: --solve failed: $(cat "$TMP/err")"
    max=$(grep -v '^#' "$TMP/$lab.ref" | grep -vc '^seed =')
    [ "$max" -ge 5 ] && ok || bad "$lab: --solve printed $max answers"
    grep -q "^# ARG seed $seed" "$TMP/$lab.ref" && ok || bad "$lab: no ARG seed line"

    # Scripted text runs: correct answers in order, then no input at all.
    grep -v '^#' "$TMP/$lab.ref" | grep -v '^seed =' | sed 's/^[^=]*= //' > "$TMP/$lab.input"
    $VX lab "$L" --text --seed $seed < "$TMP/$lab.input" > "$TMP/$lab.text" 2>&1
    total=$(sed -n 's/^end of lab: score \(.*\)/\1/p' "$TMP/$lab.text")
    case $total in */*) full=${total#*/}; [ "$total" = "$full/$full" ] && ok || bad "$lab: text run scored $total" ;;
        *) bad "$lab: text run did not reach the end"; tail -5 "$TMP/$lab.text" ;; esac
    $VX lab "$L" --text --seed $seed < /dev/null > "$TMP/$lab.text0" 2>&1
    grep -q "^end of lab: score 0/" "$TMP/$lab.text0" && ok || bad "$lab: empty-input run did not end with score 0"

    # Reference answers: full marks, exit 0.
    $VX grade "$L" --answers "$TMP/$lab.ref" --out "$TMP/$lab.tap" 2>/dev/null; rc=$?
    p=$(points "$TMP/$lab.tap")
    [ $rc = 0 ] && [ "${p%/*}" = "${p#*/}" ] && ok || bad "$lab: reference answers: rc=$rc points=$p"

    # Partly wrong: the first two answers changed; the score drops by exactly their points.
    first2=$(grep -v '^#' "$TMP/$lab.ref" | grep -v '^seed =' | head -2 | cut -d' ' -f1)
    lost=0
    for id in $first2; do
        w=$(sed -n "s/^ok [0-9]* - $id (\([0-9.]*\)\/.*/\1/p" "$TMP/$lab.tap")
        lost=$((lost + w))
    done
    awk -v a="$(echo $first2 | cut -d' ' -f1)" -v b="$(echo $first2 | cut -d' ' -f2)" \
        '$1 == a || $1 == b { print $1 " = 987654321"; next } { print }' "$TMP/$lab.ref" > "$TMP/$lab.partial"
    $VX grade "$L" --answers "$TMP/$lab.partial" --out "$TMP/$lab.ptap" 2>/dev/null; rc=$?
    p=$(points "$TMP/$lab.ptap")
    want=$(( ${p#*/} - lost ))
    [ $rc = 0 ] && [ "${p%/*}" = "$want" ] && ok || bad "$lab: partial answers: rc=$rc points=$p, want $want"

    # Malformed files: exit 2 with a reason naming the file and line.
    printf 'seed = %s\nthis is not an answer\n' $seed > "$TMP/bad1.txt"
    $VX grade "$L" --answers "$TMP/bad1.txt" > /dev/null 2> "$TMP/err"; rc=$?
    [ $rc = 2 ] && grep -q "bad1.txt:2: expected 'question_id = answer'" "$TMP/err" && ok || bad "$lab: malformed line: rc=$rc $(cat "$TMP/err")"
    printf 'seed = %s\nno_such_question = 1\n' $seed > "$TMP/bad2.txt"
    $VX grade "$L" --answers "$TMP/bad2.txt" > /dev/null 2> "$TMP/err"; rc=$?
    [ $rc = 2 ] && grep -q "unknown question id 'no_such_question'" "$TMP/err" && ok || bad "$lab: unknown id: rc=$rc"
    $VX grade "$L" --answers "$TMP/$lab.ref" --seed $((seed + 1)) > /dev/null 2> "$TMP/err"; rc=$?
    [ $rc = 2 ] && grep -q "answers are for seed $seed" "$TMP/err" && ok || bad "$lab: seed mismatch: rc=$rc"
    $VX grade "$L" --answers "$TMP/missing.txt" --format prairielearn --out "$TMP/np.json" 2> /dev/null; rc=$?
    [ $rc = 2 ] && $PY tests/labs/check_formats.py prairielearn "$TMP/np.json" ungradable > /dev/null && ok \
        || bad "$lab: missing answers file: rc=$rc"

    # Formats validate; two graders write byte-identical files.
    for f in gradescope prairielearn junit; do
        for ans in "$TMP/$lab.ref" "$TMP/$lab.partial"; do
            $VX grade "$L" --answers "$ans" --format $f --out "$TMP/r1.$f" 2>/dev/null
            $VX grade "$L" --answers "$ans" --format $f --out "$TMP/r2.$f" 2>/dev/null
            out=$($PY tests/labs/check_formats.py $f "$TMP/r1.$f")
            [ "$out" = ok ] && ok || bad "$lab: $f output: $out"
            cmp -s "$TMP/r1.$f" "$TMP/r2.$f" && ok || bad "$lab: two $f results differ"
        done
    done
done

# The vx module on a live machine (tests/labs/vx-api.lua): every check answered "yes".
$VX lab tests/labs/vx-api.lua --seed 2 --solve > "$TMP/api.ref" 2> "$TMP/err"
sed 's/= no$/= yes/' "$TMP/api.ref" > "$TMP/api.yes"
$VX grade tests/labs/vx-api.lua --answers "$TMP/api.yes" > "$TMP/api.tap" 2>&1
p=$(points "$TMP/api.tap")
[ -n "$p" ] && [ "${p%/*}" = "${p#*/}" ] && ok || { bad "vx API self-test: $p"; grep '^not ok' "$TMP/api.tap"; cat "$TMP/err"; }

# A learner's Lua answers computing everything from the tables: full marks.
$VX grade labs/paging/lab.lua --seed 5 --answers $ANS/paging-solution.lua > "$TMP/lua.tap" 2>/dev/null
p=$(points "$TMP/lua.tap")
[ "${p%/*}" = "${p#*/}" ] && ok || bad "paging: Lua answers scored $p"

# Sandbox: each abuse is a graded failure (exit 0, zero points, the reason). `timeout` only keeps
# a broken build from hanging the suite; nothing here asserts on time.
printf '\033LuaT\000\031\223\r\n\032\n' > "$TMP/binary.lua"
for case in loop:instruction memory:memory os-execute:"global 'os'" io-open:"global 'io'" \
            find:"CPU time limit" caught-loop:instruction readonly:read-only binary:"binary (precompiled)"; do
    name=${case%%:*}
    why=${case#*:}
    f=$ANS/sandbox-$name.lua
    [ "$name" = binary ] && f=$TMP/binary.lua
    timeout 300 $VX grade labs/paging/lab.lua --seed 5 --answers "$f" --format gradescope --out "$TMP/sb.json" 2>/dev/null; rc=$?
    if [ $rc = 0 ] && grep -q '"score": 0,' "$TMP/sb.json" && grep -q "$why" "$TMP/sb.json"; then ok
    else bad "sandbox $name: rc=$rc $(head -c 300 "$TMP/sb.json")"; fi
done
[ ! -e /tmp/vx86-sandbox-escaped ] && ok || bad "sandbox: os.execute ran"
$VX grade labs/paging/lab.lua --seed 1 --answers $ANS/malformed-syntax.lua > /dev/null 2> "$TMP/err"; rc=$?
[ $rc = 2 ] && grep -q "malformed-syntax.lua:1:" "$TMP/err" && ok || bad "Lua syntax error: rc=$rc"

# Grading at scale, local form: a folder of submissions, one process each, results keyed by
# submission, lab version and seed. GNU parallel when installed, xargs -P otherwise.
mkdir -p "$TMP/subs" "$TMP/results"
for s in 1 2 3 4; do $VX lab labs/paging/lab.lua --seed $s --solve > "$TMP/subs/student$s.txt"; done
grade_one='f=$1; s=$(sed -n "s/^seed = //p" "$f"); b=$(basename "$f" .txt);
  '"$VX"' grade labs/paging/lab.lua --answers "$f" --format gradescope --out "'"$TMP"'/results/$b-paging-1.0-seed$s.json" 2>/dev/null'
if command -v parallel > /dev/null; then
    parallel -q -j 2 sh -c "$grade_one" sh ::: "$TMP"/subs/*.txt   # -q: pass the script unquoted
else
    ls "$TMP"/subs/*.txt | xargs -P 2 -n 1 sh -c "$grade_one" sh
fi
n=$(grep -l '"score": 22,' "$TMP"/results/*.json 2>/dev/null | wc -l)
[ "$n" = 4 ] && ok || bad "parallel grading: $n of 4 results with full marks"

[ -n "$VERBOSE" ] && cat "$TMP"/paging.ptap | head -3
echo "lab-tests: $pass passed, $failed failed"
[ $failed = 0 ]
