/* Linux i386 system call numbers, from arch/x86/entry/syscalls/syscall_32.tbl, defined once for the
 * toy kernel (its dispatch table) and the user C library (its wrappers). Only the calls the toy OS
 * implements or is likely to implement are listed; a number not listed gets -ENOSYS, as Linux
 * answers for a number it does not know.
 *
 *   SYSCALL_LIST(X) expands X(number, name) once per call, so a table can be built with
 *   #define X(n, name) [n] = sys_##name,   SYSCALL_LIST(X)   #undef X
 * and __NR_name is the number, as in Linux's <asm/unistd_32.h>. */
#ifndef KERNEL_UAPI_SYSCALLS_H
#define KERNEL_UAPI_SYSCALLS_H

#define SYSCALL_LIST(X) \
    X(1, exit) \
    X(2, fork) \
    X(3, read) \
    X(4, write) \
    X(5, open) \
    X(6, close) \
    X(7, waitpid) \
    X(10, unlink) \
    X(11, execve) \
    X(12, chdir) \
    X(14, mknod) \
    X(19, lseek) \
    X(20, getpid) \
    X(21, mount) \
    X(24, getuid) \
    X(33, access) \
    X(36, sync) \
    X(37, kill) \
    X(38, rename) \
    X(39, mkdir) \
    X(40, rmdir) \
    X(41, dup) \
    X(42, pipe) \
    X(45, brk) \
    X(48, signal) \
    X(52, umount2) \
    X(54, ioctl) \
    X(55, fcntl) \
    X(57, setpgid) \
    X(60, umask) \
    X(61, chroot) \
    X(63, dup2) \
    X(64, getppid) \
    X(65, getpgrp) \
    X(66, setsid) \
    X(74, sethostname) \
    X(85, readlink) \
    X(88, reboot) \
    X(92, truncate) \
    X(93, ftruncate) \
    X(96, getpriority) \
    X(97, setpriority) \
    X(103, syslog) \
    X(114, wait4) \
    X(117, ipc) \
    X(118, fsync) \
    X(120, clone) \
    X(122, uname) \
    X(132, getpgid) \
    X(133, fchdir) \
    X(140, _llseek) \
    X(145, readv) \
    X(146, writev) \
    X(158, sched_yield) \
    X(162, nanosleep) \
    X(172, prctl) \
    X(173, rt_sigreturn) \
    X(174, rt_sigaction) \
    X(175, rt_sigprocmask) \
    X(183, getcwd) \
    X(190, vfork) \
    X(195, stat64) \
    X(196, lstat64) \
    X(197, fstat64) \
    X(217, pivot_root) \
    X(220, getdents64) \
    X(221, fcntl64) \
    X(224, gettid) \
    X(252, exit_group) \
    X(265, clock_gettime) \
    X(295, openat) \
    X(296, mkdirat) \
    X(297, mknodat) \
    X(300, fstatat64) \
    X(301, unlinkat) \
    X(310, unshare) \
    X(330, dup3) \
    X(331, pipe2) \
    X(346, setns) \
    X(354, seccomp) \
    X(399, msgget) \
    X(400, msgsnd) \
    X(401, msgrcv) \
    X(402, msgctl)

#define SYSCALL_NR_MAX 440  /* one past the highest number any table needs to hold (clone3 is 435) */

enum {
#define UAPI_NR_(n, name) __NR_##name = n,
    SYSCALL_LIST(UAPI_NR_)
#undef UAPI_NR_
};

#endif
