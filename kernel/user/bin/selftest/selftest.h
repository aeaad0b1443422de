/* selftest.h: the check helpers shared by the self-test's files.
 *   main.c  the harness (result, in_child, write_file) and the list of tests
 *   proc.c  processes: fork wait4 waitpid getpid getppid exit exit_group clone execve kill
 *           rt_sigaction rt_sigprocmask brk nanosleep clock_gettime sched_yield uname sethostname reboot
 *   file.c  files: open close read write lseek _llseek dup dup2 pipe stat64 lstat64 fstat64 mkdir
 *           rmdir unlink rename getdents64 chdir getcwd readlink chroot access mount umount2 ioctl fcntl */
#ifndef SELFTEST_H
#define SELFTEST_H
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <linux/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

/* Addresses no user buffer may point at: the kernel's half and an unmapped page. */
#define KADDR ((void *)0xC0001000)
#define NOADDR ((void *)0x00001000)

extern int checks, failures, verbose;
extern const char *group;   /* the name printed in front of a failure */
void result(int ok, const char *what, long got, int err);
/* CHECK(cond): a plain condition. ERR(call, E): call fails with -1 and errno E. OK(call): call >= 0. */
#define CHECK(cond) result((cond) != 0, #cond, 0, 0)
#define ERR(call, e) do { errno = 0; long r_ = (long)(call); int e_ = errno; result(r_ == -1 && e_ == (e), #call " -> " #e, r_, e_); } while (0)
#define OK(call) ({ errno = 0; long r_ = (long)(call); int e_ = errno; result(r_ >= 0, #call, r_, e_); r_; })
int in_child(void (*fn)(void));             /* run fn in a child; its wait status */
void write_file(const char *path, const char *text);

void t_fork_wait(void);
void t_getpid(void);
void t_exit(void);
void t_clone(void);
void t_execve(void);
void t_kill_signals(void);
void t_brk(void);
void t_time(void);
void t_uname_hostname(void);
void t_reboot(void);
void t_open_close_rw(void);
void t_lseek(void);
void t_dup_pipe(void);
void t_stat(void);
void t_dirs(void);
void t_cwd(void);
void t_chroot(void);
void t_mount(void);
void t_ioctl(void);
void t_fcntl(void);

#endif
