# Shell cases: each block runs under our sh and under dash (the reference), with our utilities on
# PATH in an empty scratch directory; the outputs (stdout and stderr together) must be identical.
### basics
echo hello world
echo "double  quoted" 'single  $quoted' unquoted\ space
x=5; y="a b"; echo $x "$y" ${x}x
echo $? ; false; echo $? ; true; echo $?
### pipelines
seq 10 | sort -r | head -n 3
echo one two three | wc -w
seq 5 | grep 3 | cat
! true; echo negated $?
### redirection
echo first > f; echo second >> f; cat < f
ls nofile 2> err; cat err
ls nofile > out 2>&1; cat out
{ echo grouped; echo lines; } > g; cat g
wc -l < f
### andor
true && echo and-yes; false && echo and-no
false || echo or-yes; true || echo or-no
false && echo x || echo fallback
mkdir d && cd d && pwd | grep -c /d && cd .. && rmdir d && echo cleaned
### control
for i in 1 2 3; do echo item $i; done
i=0; while [ $i -lt 3 ]; do echo w$i; i=$(echo 3); done 2>/dev/null; echo after
n=a; while test $n != aaaa; do n=${n}a; echo $n; done
if [ -d / ]; then echo root-is-dir; fi
if false; then echo no; elif true; then echo elif-yes; else echo no; fi
until [ -f stop ]; do echo making; echo > stop; done
for w in a b; do for v in 1 2; do echo $w$v; done; done
### variables
export EXPORTED=yes; env | grep EXPORTED
LOCAL=only-here; env | grep -c LOCAL
ONESHOT=1 env | grep ONESHOT; env | grep -c ONESHOT
unset EXPORTED; env | grep -c EXPORTED
echo "$HOME" ~
set_in_sub=outer; (set_in_sub=inner; echo $set_in_sub); echo $set_in_sub
### background
sleep 0.2 & echo started; wait; echo waited
(echo bg-output) & wait
echo $$ | grep -c '^[0-9][0-9]*$'
### status
sh -c 'exit 7'; echo status $?
sh -c 'kill -SEGV $$'; echo segv status $?
sh -c 'kill -TERM $$'; echo term status $?
nosuchcommand 2>/dev/null; echo notfound $?
### scripts
echo 'echo script arg $1 $#' > s.sh; sh s.sh hello
sh -c 'echo dollar-zero $0 $1' name one
echo 'for a in "$@"; do echo arg $a; done' > t.sh; sh t.sh x y z
### quoting
echo 'it''s' "a \"quote\"" \$notvar '$HOME'
echo "tab	here" | wc -c
a='*'; echo "$a"
echo "nested 'single' in double" 'and "double" in single'
### arithmetic
i=0; while [ $i -lt 5 ]; do i=$((i + 1)); echo $i; done
echo $(( (2+3)*4 - 10/3 % 2 )) $((-3)) $((x)) $((7%3)) "$((i*i))"
n=$(seq 3 | wc -l); echo lines $n
### case_exec
for x in apple banana cherry 42 7 ""; do
  case $x in
    a*) echo "$x starts with a";;
    b*|c*) echo "$x starts with b or c"
           echo second line ;;
    [0-9][0-9]) echo two digits;;
    [!a-z]) echo one non-letter ;;
    *) echo "other: '$x'" ;;
  esac
done
case foo in (foo) echo paren-form; esac
case x in y) echo no;; esac; echo status $?
(exec echo exec replaced the subshell; echo not here)
(exec > out.txt; echo into file); cat out.txt
echo globbed: [o]ut.t?t
### set_dot_args
echo 'sourced=yes; echo in sourced file' > lib.sh
. ./lib.sh; echo $sourced
set -- x "y z" w; echo $# $1 $3; for a in "$@"; do echo "[$a]"; done
set a b; echo $# $2; shift; echo $1; set --; echo none$#; for a in "$@"; do echo never; done
echo 'for a in "$@"; do echo "arg <$a>"; done; echo "all: $@"' > args.sh; sh args.sh 1 "2 3" ''
A_SET_VAR=1; set | grep A_SET_VAR
