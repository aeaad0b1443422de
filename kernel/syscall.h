/* syscall.h: the system-call interface inside the kernel. int 0x80 with the Linux i386
 * convention: EAX = number (Linux's, from kernel/uapi), EBX ECX EDX ESI EDI EBP = arguments,
 * the result (or -errno) back in EAX. Every system call has the one signature below. */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <stdint.h>

struct trapframe;
struct syscall_args {
    uint32_t arg[6];
    struct trapframe *tf;                  /* for fork/execve/sigreturn, which change user state */
};
typedef long (*syscall_fn)(const struct syscall_args *a);   /* returns value or -errno */

/* Dispatch tf->eax; bad numbers return -ENOSYS. Called by trap.c with interrupts on. */
void syscall_dispatch(struct trapframe *tf);
/* The name of a number, for traces and strace-like output ("?" when unknown). */
const char *syscall_name(uint32_t nr);

/* Every handler, declared once. syscall.c defines a weak -ENOSYS stub for each, so the kernel
 * links while an owner's file is not there yet; the real definition (sys_proc.c, sys_file.c...)
 * replaces the stub at link time. X(name) — the table in syscall.c maps Linux's __NR_name. */
#define SYSCALL_HANDLERS(X) \
    X(exit) X(exit_group) X(fork) X(vfork) X(clone) X(execve) X(waitpid) X(wait4) \
    X(getpid) X(getppid) X(gettid) X(kill) X(tkill) X(brk) X(nanosleep) X(sched_yield) \
    X(clock_gettime) X(clock_gettime64) X(gettimeofday) X(time) X(uname) X(sethostname) \
    X(reboot) X(signal) X(sigaction) X(rt_sigaction) X(rt_sigprocmask) X(sigprocmask) \
    X(sigreturn) X(rt_sigreturn) X(pause) X(alarm) X(setpgid) X(getpgid) X(getpgrp) X(setsid) \
    X(getsid) X(getuid) X(geteuid) X(getgid) X(getegid) X(getuid32) X(geteuid32) X(getgid32) \
    X(getegid32) X(set_thread_area) X(set_tid_address) X(sysinfo) X(times) X(umask) \
    X(read) X(write) X(open) X(openat) X(close) X(lseek) X(_llseek) X(dup) X(dup2) X(dup3) \
    X(pipe) X(pipe2) X(ioctl) X(stat64) X(lstat64) X(fstat64) X(fstatat64) X(getdents64) \
    X(mkdir) X(mkdirat) X(rmdir) X(unlink) X(unlinkat) X(rename) X(readlink) X(chdir) X(fchdir) \
    X(getcwd) X(chroot) X(mount) X(umount2) X(access) X(fcntl) X(fcntl64) X(writev) X(readv) \
    X(truncate) X(ftruncate) X(sync) X(fsync) X(pivot_root) X(unshare) X(setns) X(syslog)

#define SYSCALL_DECLARE_(name) long sys_##name(const struct syscall_args *a);
SYSCALL_HANDLERS(SYSCALL_DECLARE_)
#undef SYSCALL_DECLARE_

#endif
