#!/bin/sh
# Grading you can trust (issue: "Grading must be correct, deterministic and never lose a
# submission"). Each block is a defect that once was, with the consumer that judges the output:
#   - every result format read by a real consumer for hostile answer files: TAP through `prove`,
#     JUnit through python3 xml.etree and xmllint, JSON through python3 with strict UTF-8;
#   - bad labs (a Lua panic, a machine closed in `until`, a trace overflow, endless lab code, a
#     lab error, a load from outside the lab) and bad submissions each end in a result file that
#     says "not graded" and why, exit 2;
#   - limits by what the code does (instructions, post-GC memory, CPU seconds), a wall-clock
#     backstop that says "retry"; a correct but slow file, and one dropping big garbage, pass;
#   - answers: both notations, "not a number" / "no answer", a malformed line costs one question,
#     no seed line is refused; labs run from any directory and never show an answer before
#     asking it (check_reveal.py, several seeds); retries and --save in `vx86 lab`;
#   - `vx86 lab|grade|lua --help`, `vx86 lua` as lua(1);
#   - a sweep of submissions gives byte-identical result files idle, with both cores busy (CPU
#     burners this script starts, bounded by `timeout`) and under the sanitizer build.
# Prints "grading-tests: N passed, M failed". VX86 / VX86_SAN name the binaries.
cd "$(dirname "$0")/../.." || exit 2
ROOT=$(pwd)
VX=$ROOT/${VX86:-build/vx86}
VXSAN=$ROOT/${VX86_SAN:-build/vx86-san}
ANS=$ROOT/tests/labs/answers
BAD=$ROOT/tests/labs/bad-labs
PAGING=$ROOT/labs/paging/lab.lua
NESTED=$ROOT/labs/nested-paging/lab.lua
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
failed=0
T0=$(date +%s)
section() { [ -n "$VERBOSE" ] && echo "[$(( $(date +%s) - T0 ))s] $*"; }
ok() { pass=$((pass + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
# The system python when there is one: a version-manager shim costs seconds per call on a busy host.
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
formats="prairielearn gradescope junit tap"   # prairielearn first: tap counts its tests

# validate FORMAT FILE gradable|ungradable [TESTS]: the real consumers agree the file is valid.
validate() {
    f=$1; file=$2; g=$3; n=$4
    case $f in
    tap)
        out=$(prove --exec cat "$file" 2>&1)
        if echo "$out" | grep -q "Parse errors"; then echo "prove: $out"; return 1; fi
        if [ "$g" = ungradable ]; then
            echo "$out" | grep -q "Bailout called" || { echo "prove: no bail out: $out"; return 1; }
        elif [ -n "$n" ]; then
            echo "$out" | grep -q "Tests=$n," || { echo "prove: want $n tests: $out"; return 1; }
        fi ;;
    junit)
        xmllint --noout "$file" 2>&1 || return 1
        $PY tests/labs/check_formats.py junit "$file" "$g" | grep -qx ok || {
            $PY tests/labs/check_formats.py junit "$file" "$g"; return 1; } ;;
    *)
        $PY tests/labs/check_formats.py "$f" "$file" "$g" | grep -qx ok || {
            $PY tests/labs/check_formats.py "$f" "$file" "$g"; return 1; } ;;
    esac
}

# grade_all NAME LAB ANSWERS gradable|ungradable RC [grade options]: every format, validated.
grade_all() {
    name=$1; lab=$2; answers=$3; g=$4; want_rc=$5; shift 5
    for f in $formats; do
        "$VX" grade "$lab" --answers "$answers" --format $f --out "$TMP/g.$f" "$@" 2> "$TMP/g.err"; rc=$?
        [ $rc = "$want_rc" ] || { bad "$name ($f): exit $rc, want $want_rc: $(head -c 300 "$TMP/g.err")"; continue; }
        n=
        [ $f = tap ] && n=$(grep -c '"max_points":' "$TMP/g.prairielearn")
        if why=$(validate $f "$TMP/g.$f" $g $n); then ok; else bad "$name ($f): $why"; fi
    done
}

# ---- references ----
for s in 1 2 3; do
    "$VX" lab "$PAGING" --seed $s --solve > "$TMP/paging-$s.ref"
    "$VX" lab "$NESTED" --seed $s --solve > "$TMP/nested-$s.ref"
done
cp "$TMP/paging-1.ref" "$TMP/paging.txt"

section "--help"
# ---- --help and vx86 lua ----
for c in lab grade lua; do
    out=$("$VX" $c --help 2>&1); rc=$?
    [ $rc = 0 ] && echo "$out" | head -1 | grep -q "^usage: vx86 $c" && ok || bad "vx86 $c --help: rc=$rc $out"
done
"$VX" lua --help | grep -q "NOT SANDBOXED" && ok || bad "vx86 lua --help does not say it is not sandboxed"
cat > "$TMP/script.lua" <<'EOF'
local m = vx.boot{ kernel = arg[1], memory = "32M", cmdline = "seed=3" }
local why = m:run{ until_serial = "paging: ready", cycles = 5e7 }
print(arg[0]:match("script.lua$") and "arg0", select("#", ...), arg[2], why)
os.exit(tonumber(arg[2]))
EOF
out=$("$VX" lua "$TMP/script.lua" "$ROOT/build/guest/labs/paging/paging.elf" 7); rc=$?
[ $rc = 7 ] && [ "$out" = "$(printf 'arg0\t2\t7\tserial')" ] && ok || bad "vx86 lua: rc=$rc out=$out"
printf 'error("deliberate")\n' > "$TMP/err.lua"
"$VX" lua "$TMP/err.lua" 2> "$TMP/err"; rc=$?
[ $rc = 1 ] && grep -q "deliberate" "$TMP/err" && grep -q "traceback" "$TMP/err" && ok || bad "vx86 lua error: rc=$rc"

section "labs"
# ---- labs from any directory; lab images relative to the lab file ----
(cd "$TMP" && "$VX" grade "$PAGING" --answers "$TMP/paging-1.ref" --out "$TMP/fromtmp.tap" 2>/dev/null); rc=$?
[ $rc = 0 ] && grep -q "^# lab paging .*: 22/22 points" "$TMP/fromtmp.tap" && ok || bad "grade from a temp dir: rc=$rc $(head -2 "$TMP/fromtmp.tap")"
(cd / && "$VX" lab "$NESTED" --seed 2 --solve > "$TMP/fromroot.ref" 2>/dev/null) && cmp -s "$TMP/fromroot.ref" "$TMP/nested-2.ref" \
    && ok || bad "lab --solve from / differs from the repository root"

section "no"
# ---- no answer revealed before its question (every lab, several seeds) ----
for lab in paging nested; do
    L=$PAGING; [ $lab = nested ] && L=$NESTED
    for s in 1 2 3; do
        grep -v '^#' "$TMP/$lab-$s.ref" | grep -v '^seed =' | sed 's/^[^=]*= //' > "$TMP/in"
        "$VX" lab "$L" --text --seed $s < "$TMP/in" > "$TMP/text" 2>&1
        out=$($PY tests/labs/check_reveal.py "$TMP/$lab-$s.ref" "$TMP/text")
        [ "$(echo "$out" | tail -1)" = ok ] && ok || bad "$lab seed $s: $out"
    done
done

section "hostile"
# ---- hostile answer files: every format valid for its consumer ----
printf 'seed = 1\na1_dir = \377\376bad utf-8 \303\n# a comment with \342\202\n a1_table = \342\202\n' > "$TMP/utf8.txt"
grade_all "invalid UTF-8" "$PAGING" "$TMP/utf8.txt" gradable 0
printf 'seed = 1\na1_dir = \001\033[31m<b>&"quote"</b>]]>\na1_table = \357\277\276\n' > "$TMP/ctrl.txt"
grade_all "control characters and markup" "$PAGING" "$TMP/ctrl.txt" gradable 0
nl_name="$TMP/evil
ok 99 - injected
# more"
cp "$TMP/paging.txt" "$nl_name"
grade_all "newlines in the file name" "$PAGING" "$nl_name" gradable 0
grade_all "newlines in --submission" "$PAGING" "$TMP/paging.txt" gradable 0 --submission "$(printf 'a\nnot ok 5 - x\n\tb')"
"$VX" grade "$PAGING" --answers "$nl_name" > "$TMP/nl.tap" 2>/dev/null
[ "$(grep -c '^ok\|^not ok' "$TMP/nl.tap")" = 18 ] && ok || bad "a file name injected TAP lines"
{ echo "seed = 1"; printf 'a1_dir = '; head -c 3000000 /dev/zero | tr '\0' '7'; printf '\302\n'; } > "$TMP/huge.txt"
grade_all "a 3 MB answer" "$PAGING" "$TMP/huge.txt" gradable 0
"$VX" grade "$PAGING" --answers "$TMP/huge.txt" --format prairielearn --out "$TMP/huge.json" 2>/dev/null
[ "$(wc -c < "$TMP/huge.json")" -lt 20000 ] && ok || bad "a huge answer is copied whole into the result"
# Lua answers that fail in every way: syntax, runtime error, error object not a string, error
# in one answer function, not a table, an unknown key, a binary chunk, limits.
printf -- '-- seed = 5\nreturn { a1_dir = \n' > "$TMP/syntax.lua"
grade_all "Lua syntax error" "$PAGING" "$TMP/syntax.lua" ungradable 2
printf -- '-- seed = 5\nerror("bad \\255 \\n ok 1 - x")\n' > "$TMP/runtime.lua"
grade_all "Lua runtime error" "$PAGING" "$TMP/runtime.lua" gradable 0
printf -- '-- seed = 5\nerror({})\n' > "$TMP/errobj.lua"
grade_all "Lua error object" "$PAGING" "$TMP/errobj.lua" gradable 0
printf -- '-- seed = 5\nreturn { a1_dir = function() error("in a1 \\xff") end, a1_table = 3 }\n' > "$TMP/fnerr.lua"
grade_all "error in an answer function" "$PAGING" "$TMP/fnerr.lua" gradable 0
printf -- '-- seed = 5\nlocal function f() return f() + 1 end\nreturn { a1_dir = f }\n' > "$TMP/stack.lua"
grade_all "stack overflow in an answer" "$PAGING" "$TMP/stack.lua" gradable 0
printf -- '-- seed = 5\nerror(string.rep("\\226\\130", 400000))\n' > "$TMP/bigerr.lua"
grade_all "a huge error message cut inside characters" "$PAGING" "$TMP/bigerr.lua" gradable 0
printf -- '-- seed = 5\nsetmetatable({}, { __gc = function() error("in gc") end })\nreturn { a1_dir = setmetatable({}, { __tostring = function() error("x") end }), a1_table = coroutine.wrap(function() error("co") end) }\n' > "$TMP/meta.lua"
grade_all "metamethod and coroutine errors" "$PAGING" "$TMP/meta.lua" gradable 0
printf -- '-- seed = 5\nreturn 42\n' > "$TMP/nottable.lua"
grade_all "Lua answers not a table" "$PAGING" "$TMP/nottable.lua" ungradable 2
printf -- '-- seed = 5\nreturn { ["bad\\nkey\\255"] = 1 }\n' > "$TMP/badkey.lua"
grade_all "unknown key with a newline" "$PAGING" "$TMP/badkey.lua" ungradable 2
# (sandbox-find, ten CPU seconds each time, runs in the sweep below)
for s in loop memory caught-loop readonly os-execute; do
    grade_all "sandbox $s" "$PAGING" "$ANS/sandbox-$s.lua" gradable 0 --seed 5
done

section "never"
# ---- never lose a submission: bad labs, unreadable answers ----
printf 'seed = 1\nq = 1\n' > "$TMP/q.txt"
for case in panic:"is not a table" close-in-until:"closed the machine" trace-overflow:"trace .* outside" \
            lab-loop:"instructions in one piece" lab-error:"boom" lab-escape:"inside their own folder"; do
    name=${case%%:*}; why=${case#*:}
    grade_all "bad lab $name" "$BAD/$name.lua" "$TMP/q.txt" ungradable 2
    "$VX" grade "$BAD/$name.lua" --answers "$TMP/q.txt" --format prairielearn > "$TMP/bl.json" 2>/dev/null
    grep -q "\"message\": \".*$why" "$TMP/bl.json" && ok || bad "bad lab $name: the result does not say why: $(cat "$TMP/bl.json")"
done
grade_all "--answers a directory" "$PAGING" "$TMP" ungradable 2
"$VX" grade "$PAGING" --answers "$TMP" --format gradescope 2>&1 >/dev/null | grep -q "not a regular file" && ok \
    || bad "--answers DIR: no reason given"
grade_all "backstop" "$NESTED" "$TMP/nested-1.ref" ungradable 2 --time-limit 0.001
"$VX" grade "$NESTED" --answers "$TMP/nested-1.ref" --time-limit 0.001 --format prairielearn 2>/dev/null | grep -q '"message": "retry: ' \
    && ok || bad "the wall-clock backstop does not say retry"

section "answers:"
# ---- answers: notation, feedback, malformed lines, seed ----
sed -n 's/^a1_dir = //p' "$TMP/paging-1.ref" > "$TMP/dir"
dir=$(cat "$TMP/dir")
{ echo "seed = 1"; printf 'a1_dir = 0x%x\n' "$dir"; echo "a1_table = 12z"; echo "a1_offset ="; echo "a2_dir 5";
  echo "p1_user_read = maybe"; } > "$TMP/notation.txt"
"$VX" grade "$PAGING" --answers "$TMP/notation.txt" --format prairielearn --out "$TMP/n.json" 2>/dev/null; rc=$?
msg() { $PY -c 'import json,sys; print({t["name"]: t["message"] for t in json.load(open(sys.argv[1]))["tests"]}[sys.argv[2]])' "$TMP/n.json" "$1"; }
[ $rc = 0 ] && ok || bad "notation file: exit $rc"
case $(msg a1_dir) in correct*) ok ;; *) bad "hex answer to a decimal question: $(msg a1_dir)" ;; esac
case $(msg a1_table) in "not a number"*) ok ;; *) bad "12z: $(msg a1_table)" ;; esac
case $(msg a1_offset) in "no answer") ok ;; *) bad "empty answer: $(msg a1_offset)" ;; esac
case $(msg a2_dir) in "not graded: line 5"*) ok ;; *) bad "malformed line: $(msg a2_dir)" ;; esac
case $(msg p1_user_read) in "not yes or no"*) ok ;; *) bad "maybe: $(msg p1_user_read)" ;; esac
case $(msg a3_dir) in "no answer") ok ;; *) bad "a3_dir: $(msg a3_dir)" ;; esac
grep -v '^seed =' "$TMP/paging-1.ref" > "$TMP/noseed.txt"
"$VX" grade "$PAGING" --answers "$TMP/noseed.txt" > /dev/null 2> "$TMP/err"; rc=$?
[ $rc = 2 ] && grep -q "no 'seed = N' line" "$TMP/err" && ok || bad "no seed line: rc=$rc $(cat "$TMP/err")"
"$VX" grade "$PAGING" --answers "$TMP/noseed.txt" --seed 1 2>/dev/null | grep -q ": 22/22 points" && ok || bad "no seed line with --seed 1"

section "limits"
# ---- limits by what the code does: a slow correct file and big garbage pass ----
{ echo "-- seed = 5"; echo "local x = 0 for i = 1, 4000000 do x = x + i % 7 end"; cat "$ANS/paging-solution.lua"; } > "$TMP/slow.lua"
{ echo "-- seed = 5"; echo "for i = 1, 3 do local s = string.rep('x', 25000000 + i) s = nil end"; cat "$ANS/paging-solution.lua"; } > "$TMP/garbage.lua"
for f in slow garbage; do
    "$VX" grade "$PAGING" --answers "$TMP/$f.lua" 2>/dev/null | grep -q ": 22/22 points" && ok || bad "$f Lua answers lost points"
done

section "vx86"
# ---- vx86 lab: retries (the first try counts) and --save ----
sed -n 's/^[^=#]*= //p' "$TMP/paging-1.ref" | tail -n +2 > "$TMP/right"
{ echo 987654; head -1 "$TMP/right"; tail -n +2 "$TMP/right"; } > "$TMP/retry.in"
"$VX" lab "$PAGING" --text --seed 1 --save "$TMP/saved.txt" < "$TMP/retry.in" > "$TMP/retry.out" 2>&1
grep -q "try again (2 tries left; only the first try counts)" "$TMP/retry.out" && ok || bad "no retry offered"
grep -q "^end of lab: score 21/22" "$TMP/retry.out" && ok || bad "retry scoring: $(grep '^end of lab' "$TMP/retry.out")"
"$VX" grade "$PAGING" --answers "$TMP/saved.txt" 2>/dev/null | grep -q ": 21/22 points" && ok || bad "--save file does not grade like the session"
{ echo 12z; cat "$TMP/right"; } > "$TMP/nan.in"
"$VX" lab "$PAGING" --text --seed 1 < "$TMP/nan.in" > "$TMP/nan.out" 2>&1
grep -q "not a number" "$TMP/nan.out" && grep -q "^end of lab: score 22/22" "$TMP/nan.out" && ok \
    || bad "a non-number used up a try: $(grep '^end of lab' "$TMP/nan.out")"

section "determinism"
# ---- determinism: the same bytes idle, with both cores busy, and under the sanitizer ----
mkdir -p "$TMP/sweep"
cp "$TMP/paging-1.ref" "$TMP/nested-2.ref" "$TMP/utf8.txt" "$TMP/notation.txt" "$TMP/slow.lua" "$TMP/garbage.lua" \
   "$TMP/runtime.lua" "$TMP/fnerr.lua" "$TMP/sweep/"
for s in loop memory caught-loop find; do cp "$ANS/sandbox-$s.lua" "$TMP/sweep/"; done
sweep() { # sweep BINARY OUTDIR
    mkdir -p "$2"
    for a in "$TMP"/sweep/*; do
        b=$(basename "$a")
        L=$PAGING; case $b in nested*) L=$NESTED ;; esac
        seed=; case $b in sandbox-*) seed="--seed 5" ;; esac
        for f in tap; do
            "$1" grade "$L" --answers "$a" $seed --format $f --out "$2/$b.$f" 2>/dev/null
            echo "$b $f $?" >> "$2/status"
        done
    done
}
sweep "$VX" "$TMP/idle"
burners=
for i in 1 2; do timeout 300 sh -c 'while :; do :; done' & burners="$burners $!"; done
sweep "$VX" "$TMP/busy"
for p in $burners; do kill "$p" 2>/dev/null; done
wait 2>/dev/null
diff -r "$TMP/idle" "$TMP/busy" > "$TMP/d1" && ok || bad "results differ with both cores busy: $(head -20 "$TMP/d1")"
if [ -x "$VXSAN" ]; then
    sweep "$VXSAN" "$TMP/san"
    diff -r "$TMP/idle" "$TMP/san" > "$TMP/d2" && ok || bad "results differ under the sanitizer build: $(head -20 "$TMP/d2")"
else
    bad "no sanitizer build at $VXSAN (make build/vx86-san)"
fi
grep -q "sandbox-find.lua tap 0" "$TMP/idle/status" && grep -q "CPU time limit" "$TMP/idle/sandbox-find.lua.tap" && ok \
    || bad "the pathological pattern is not a CPU-time failure: $(head -3 "$TMP/idle/sandbox-find.lua.tap")"

echo "grading-tests: $pass passed, $failed failed"
[ $failed = 0 ]
