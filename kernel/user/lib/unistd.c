/* Thin wrappers: one system call each, -errno -> errno. */
#include <unistd.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/msg.h>
#include <termios.h>
#include <string.h>
#include "libc.h"

ssize_t read(int fd, void *buf, size_t n) { return SYS3(read, fd, buf, n); }
ssize_t write(int fd, const void *buf, size_t n) { return SYS3(write, fd, buf, n); }
int close(int fd) { return SYS1(close, fd); }
off_t lseek(int fd, off_t off, int whence) { return SYS3(lseek, fd, off, whence); }
int dup(int fd) { return SYS1(dup, fd); }
int dup2(int fd, int to) { return SYS2(dup2, fd, to); }
int pipe(int fds[2]) { return SYS1(pipe, fds); }
pid_t fork(void) { return SYS0(fork); }
pid_t vfork(void) { return SYS0(fork); }   /* a fork is a correct vfork */
int execve(const char *path, char *const argv[], char *const envp[]) { return SYS3(execve, path, argv, envp); }
pid_t getpid(void) { return SYS0(getpid); }
pid_t getppid(void) { return SYS0(getppid); }
pid_t gettid(void) { return SYS0(gettid); }
uid_t getuid(void) { return (uid_t)syscall(__NR_getuid); }   /* 0, or 65534 in an unmapped user namespace */
uid_t geteuid(void) { return 0; }
gid_t getgid(void) { return 0; }
gid_t getegid(void) { return 0; }
int setpgid(pid_t pid, pid_t pgid) { return SYS2(setpgid, pid, pgid); }
pid_t getpgid(pid_t pid) { return SYS1(getpgid, pid); }
pid_t getpgrp(void) { return SYS1(getpgid, 0); }
pid_t setsid(void) { return SYS0(setsid); }
int chdir(const char *path) { return SYS1(chdir, path); }
int rmdir(const char *path) { return SYS1(rmdir, path); }
int unlink(const char *path) { return SYS1(unlink, path); }
int rename(const char *from, const char *to) { return SYS2(rename, from, to); }
int remove(const char *path)
{
    int r = SYS1(unlink, path);
    if (r < 0 && errno == EISDIR)
        r = SYS1(rmdir, path);
    return r;
}
ssize_t readlink(const char *path, char *buf, size_t size) { return SYS3(readlink, path, buf, size); }
int access(const char *path, int mode) { return SYS2(access, path, mode); }
int chroot(const char *path) { return SYS1(chroot, path); }
int pivot_root(const char *n, const char *o) { return SYS2(pivot_root, n, o); }
int sethostname(const char *name, size_t len) { return SYS2(sethostname, name, len); }
int mkdir(const char *path, mode_t mode) { return SYS2(mkdir, path, mode); }
int mknod(const char *path, mode_t mode, dev_t dev) { return SYS3(mknod, path, mode, (unsigned)dev); }
mode_t umask(mode_t mask) { return SYS1(umask, mask); }
int stat(const char *path, struct stat *st) { return SYS2(stat64, path, st); }
int lstat(const char *path, struct stat *st) { return SYS2(lstat64, path, st); }
int fstat(int fd, struct stat *st) { return SYS2(fstat64, fd, st); }
int kill(pid_t pid, int sig) { return SYS2(kill, pid, sig); }
int raise(int sig) { return kill(getpid(), sig); }
int sched_yield(void) { return SYS0(sched_yield); }
int unshare(int flags) { return SYS1(unshare, flags); }
int setns(int fd, int nstype) { return SYS2(setns, fd, nstype); }
int uname(struct utsname *u) { return SYS1(uname, u); }
int mount(const char *src, const char *target, const char *type, unsigned long flags, const void *data)
{
    return SYS5(mount, src, target, type, flags, data);
}
int umount(const char *target) { return SYS2(umount2, target, 0); }
int umount2(const char *target, int flags) { return SYS2(umount2, target, flags); }
int reboot(int cmd) { return SYS4(reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, cmd, 0); }
int msgget(key_t key, int flags) { return SYS2(msgget, key, flags); }
int msgsnd(int id, const void *msg, size_t size, int flags) { return SYS4(msgsnd, id, msg, size, flags); }
ssize_t msgrcv(int id, void *msg, size_t size, long type, int flags) { return SYS5(msgrcv, id, msg, size, type, flags); }
int msgctl(int id, int cmd, struct msqid_ds *buf) { return SYS3(msgctl, id, cmd | IPC_64, buf); }

pid_t wait4(pid_t pid, int *status, int options, void *rusage) { return SYS4(wait4, pid, status, options, rusage); }
pid_t waitpid(pid_t pid, int *status, int options) { return wait4(pid, status, options, 0); }
pid_t wait(int *status) { return wait4(-1, status, 0, 0); }

int open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    int mode = (flags & O_CREAT) ? va_arg(ap, int) : 0;
    va_end(ap);
    return SYS3(open, path, flags | O_LARGEFILE, mode);
}
int openat(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    int mode = (flags & O_CREAT) ? va_arg(ap, int) : 0;
    va_end(ap);
    return SYS4(openat, dirfd, path, flags | O_LARGEFILE, mode);
}
int creat(const char *path, mode_t mode) { return open(path, O_CREAT | O_WRONLY | O_TRUNC, mode); }
int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);
    return SYS3(fcntl64, fd, cmd, arg);
}
int ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    va_start(ap, req);
    long arg = va_arg(ap, long);
    va_end(ap);
    return SYS3(ioctl, fd, req, arg);
}
int isatty(int fd)
{
    struct termios t;
    return ioctl(fd, TCGETS, &t) == 0;
}
int tcgetattr(int fd, struct termios *t) { return ioctl(fd, TCGETS, t); }
int tcsetattr(int fd, int action, const struct termios *t) { (void)action; return ioctl(fd, TCSETS, t); }
pid_t tcgetpgrp(int fd)
{
    pid_t p;
    return ioctl(fd, TIOCGPGRP, &p) < 0 ? -1 : p;
}
int tcsetpgrp(int fd, pid_t pgrp) { return ioctl(fd, TIOCSPGRP, &pgrp); }

long syscall(long nr, ...)
{
    va_list ap;
    va_start(ap, nr);
    long a[6];
    for (int i = 0; i < 6; i++)
        a[i] = va_arg(ap, long);
    va_end(ap);
    return __sysret(__syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]));
}

char *getcwd(char *buf, size_t size)
{
    long r = __syscall(__NR_getcwd, (long)buf, (long)size, 0, 0, 0, 0);
    return __sysret(r) < 0 ? 0 : buf;
}

int gethostname(char *name, size_t len)
{
    struct utsname u;
    if (uname(&u) < 0)
        return -1;
    size_t n = strlen(u.nodename);
    if (n + 1 > len) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(name, u.nodename, n + 1);
    return 0;
}

/* brk(0) answers the current break; a failed brk answers the old break (Linux semantics). */
static unsigned long cur_brk;
int brk(void *addr)
{
    unsigned long r = (unsigned long)__syscall(__NR_brk, (long)addr, 0, 0, 0, 0, 0);
    cur_brk = r;
    if (r < (unsigned long)addr) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}
void *sbrk(intptr_t inc)
{
    if (cur_brk == 0)
        cur_brk = (unsigned long)__syscall(__NR_brk, 0, 0, 0, 0, 0, 0);
    unsigned long old = cur_brk;
    if (inc == 0)
        return (void *)old;
    if (brk((void *)(old + inc)) < 0)
        return (void *)-1;
    return (void *)old;
}

int nanosleep(const struct timespec *req, struct timespec *rem) { return SYS2(nanosleep, req, rem); }
int clock_gettime(clockid_t clk, struct timespec *ts) { return SYS2(clock_gettime, clk, ts); }
time_t time(time_t *t)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
        return -1;
    if (t)
        *t = ts.tv_sec;
    return ts.tv_sec;
}
unsigned sleep(unsigned seconds)
{
    struct timespec ts = { (time_t)seconds, 0 }, rem = { 0, 0 };
    if (nanosleep(&ts, &rem) < 0)
        return (unsigned)rem.tv_sec;
    return 0;
}
int usleep(unsigned usec)
{
    struct timespec ts = { (time_t)(usec / 1000000), (long)(usec % 1000000) * 1000 };
    return nanosleep(&ts, 0);
}
