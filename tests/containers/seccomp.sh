#!/usr/bin/env bash
# seccomp in containers (issue 14, lab 7): `ctr run --security-opt seccomp=PROFILE` (Docker's flag)
# compiles a text profile to a classic-BPF filter (containers/ctr/seccomp.c) that the kernel runs at
# every system call of the container (containers/seccomp.c), inherited across fork and execve:
#   allowlist  default errno: an allowed command works; mkdir and sethostname, run by programs the
#              container's shell forks and execs, fail with EPERM ("Operation not permitted")
#   kill       a `kill` rule (a name or a number): the call ends the process with SIGSYS (the shell's "Bad system call",
#              status 128 + 31 = 159); the other calls go on
#   unconfined no profile, or seccomp=unconfined: the same mkdir works
#   errors     Docker's messages and status 125: a missing profile, an unknown call or action, a
#              --security-opt that is not seccomp
#   labbug     the isolation lab's planted holes are off by default: its exploit
#              (labs/isolation/os/pwn.c) gets ENOSYS from a kernel booted without labbug=1, and its
#              VENOM guest's OUTs to the planted floppy FIFO (hyperv/labvenom.c) change nothing
# Linux parity of the filter itself (EPERM/EACCES data, SIGSYS, stacking, EINVAL for bad programs)
# is tests/os/linux-parity/seccomp.c, run natively with a real filter and in the toy OS.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/os/lib.sh
out=$(mktemp -d /tmp/check-seccomp.XXXXXX)
trap 'rm -rf "$out"' EXIT
failed=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; failed=1; fi; }

cat > "$out/script" <<'EOF2'
echo 'default errno   # SCMP_ACT_ERRNO for the rest' > /tmp/allow
echo 'allow read write open openat close exit exit_group execve brk ioctl rt_sigaction' >> /tmp/allow
echo 'allow rt_sigprocmask rt_sigreturn fcntl fcntl64 getpid getppid uname stat64 lstat64 fstat64' >> /tmp/allow
echo 'allow fstatat64 wait4 waitpid fork vfork clone dup dup2 getcwd lseek _llseek getpgrp setpgid' >> /tmp/allow
echo 'allow getdents64 access chdir getuid pipe pipe2 kill setsid' >> /tmp/allow
echo 'default allow' > /tmp/killmk; echo 'kill mkdir 40   # by name, and rmdir by its number (i386: 40)' >> /tmp/killmk
ctr run --rm --security-opt seccomp=/tmp/allow base /bin/sh -c 'echo "allowed: $(cat /etc/motd)"; mkdir /d; echo "mkdir $?"; hostname h; echo "hostname $?"'
echo "status $?"
ctr run --rm --security-opt seccomp=/tmp/killmk base /bin/sh -c 'mkdir /d; echo "killed $?"; rmdir /nope; echo "rmdir $?"; hostname h; echo "other $?"'
echo "status $?"
ctr run --rm base /bin/sh -c 'mkdir /d; echo "plain $?"'
ctr run --rm --security-opt seccomp=unconfined base /bin/sh -c 'mkdir /d; echo "unconfined $?"'
ctr run --rm --security-opt seccomp=/nope base true; echo "status $?"
echo 'allow bogus' > /tmp/p3; ctr run --rm --security-opt seccomp=/tmp/p3 base true; echo "status $?"
echo 'permit read' > /tmp/p4; ctr run --rm --security-opt seccomp=/tmp/p4 base true; echo "status $?"
ctr run --rm --security-opt apparmor=x base true; echo "status $?"
pwn 0xc0100000 x; echo "pwn $?"; hostname
vm run /vm/venom.elf fifo=$VENOM_FIFO target=$VENOM_TARGET name=escaped > /dev/null; echo "venom: $(hostname)"
exit 0
EOF2
scripts/os-cc labs/isolation/os/pwn.c -o "$out/pwn"
scripts/guest-cc labs/isolation/guest/venom.c -o "$out/venom.elf"
fifo=$((0x$(nm "$KERNEL" | awk '$3 == "labvenom_fdc" { print $1 }')))
target=$((0x$(nm "$KERNEL" | awk '$3 == "init_uts" { print $1 }') + 12))
sed -i "s/\$VENOM_FIFO/$fifo/; s/\$VENOM_TARGET/$target/" "$out/script"
rc=0; MODULES="$out/script,/etc/seccomp-test.sh $out/pwn,/bin/pwn $out/venom.elf,/vm/venom.elf" os_vx86 "$out/boot" "quiet cmd=sh /etc/seccomp-test.sh" || rc=$?
tr -d '\r' < "$out/boot" > "$out/o"
cat "$out/o"
o=$(cat "$out/o")
has() { grep -qxF -- "$1" "$out/o"; }
check "allowlist: an allowed command runs" 'has "allowed: Welcome to a vx86 container."'
check "allowlist: mkdir in an exec'd child fails with EPERM" 'grep -q "mkdir: .*Operation not permitted" "$out/o" && has "mkdir 1"'
check "allowlist: sethostname fails with EPERM" 'grep -q "hostname: .*Operation not permitted" "$out/o" && has "hostname 1"'
check "allowlist: the container's status is its command's" '[ "$(grep -m1 "^status" "$out/o")" = "status 0" ]'
check "kill: mkdir ends its process with SIGSYS (159)" 'has "killed 159" && grep -q "Bad system call" "$out/o"'
check "kill: a call named by its number (rmdir, 40) too" 'has "rmdir 159"'
check "kill: the other calls go on" 'has "other 0"'
check "no profile: mkdir works" 'has "plain 0"'
check "seccomp=unconfined: mkdir works" 'has "unconfined 0"'
check "a missing profile: Docker's message, 125" 'grep -qF "opening seccomp profile (/nope) failed: open /nope: No such file or directory" "$out/o"'
check "an unknown call: 125" 'grep -qF "line 1: unknown system call '"'"'bogus'"'"'" "$out/o"'
check "an unknown action: 125" 'grep -qF "line 1: unknown action '"'"'permit'"'"'" "$out/o"'
check "not seccomp: 125" 'grep -qF "invalid --security-opt: \"apparmor=x\"" "$out/o"'
check "the errors' statuses" '[ "$(grep "^status" "$out/o" | tail -4 | tr "\n" " ")" = "status 125 status 125 status 125 status 125 " ]'
check "labbug off by default: call 1000 is ENOSYS, nothing written" 'has "pwn: read failed: Function not implemented" && has "pwn 1" && has "vx86"'
check "labbug off by default: the VENOM guest's OUTs change no host memory" '[ -n "$fifo" ] && [ -n "$target" ] && has "venom: vx86"'
check "the machine powered off with the script's status 0" '[ "$rc" = 1 ]'   # vx86: (status << 1) | 1
[ $failed = 0 ] && echo "seccomp-tests: all passed" || echo "seccomp-tests: FAILED"
exit $failed
