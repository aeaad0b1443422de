/* selftest: the toy OS's usertests. Every system call of the subset (OS.md §4) with its normal
 * use and its documented error returns (the ERRORS sections of the Linux man pages), one line per
 * check: "NAME: ok" or "NAME: FAIL ...", then "selftest: ALL OK (N checks)" and exit 0, or
 * "selftest: K of N FAILED" and exit 1.
 *
 * The expectations are Linux's: `make check-os-user` runs this program under qemu-i386 on the real
 * Linux kernel, and `make check-os` runs it in the toy OS; both must pass. It works in a fresh
 * scratch directory under the current one and touches nothing else: calls that change the
 * machine (reboot, sethostname, mount) are checked through their error returns, or set what is
 * already set, or mount on the scratch directory and unmount at once.
 * Namespace and message-queue calls (clone's CLONE_NEW*, unshare, setns, pivot_root, msg*) come
 * with the containers issue and are tested there.
 *
 *   selftest [-v]     -v prints every check, otherwise only failures and the summary */
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

static int checks, failures, verbose;
static const char *group = "?";

/* Addresses no user buffer may point at: the kernel's half and an unmapped page. */
#define KADDR ((void *)0xC0001000)
#define NOADDR ((void *)0x00001000)

static void result(int ok, const char *what, long got, int err)
{
    checks++;
    if (!ok) {
        failures++;
        printf("%s: FAIL %s (got %ld, errno %d %s)\n", group, what, got, err, strerror(err));
    } else if (verbose) {
        printf("%s: ok %s\n", group, what);
    }
    fflush(stdout);
}
/* CHECK(cond): a plain condition. ERR(call, E): call fails with -1 and errno E. OK(call): call >= 0. */
#define CHECK(cond) result((cond) != 0, #cond, 0, 0)
#define ERR(call, e) do { errno = 0; long r_ = (long)(call); int e_ = errno; result(r_ == -1 && e_ == (e), #call " -> " #e, r_, e_); } while (0)
#define OK(call) ({ errno = 0; long r_ = (long)(call); int e_ = errno; result(r_ >= 0, #call, r_, e_); r_; })

/* Run fn in a child and answer its wait status. */
static int in_child(void (*fn)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        fn();
        _exit(0);
    }
    int st = -1;
    waitpid(pid, &st, 0);
    return st;
}

static void write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, text, strlen(text));
    close(fd);
}

/* ---------------------------------------------------------------- processes */

static void t_fork_wait(void)
{
    group = "fork/wait4/waitpid";
    int st;
    pid_t pid = fork();
    if (pid == 0)
        _exit(42);
    CHECK(pid > 0);
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42);
    pid = fork();
    if (pid == 0) {
        struct timespec ts = { 0, 50 * 1000 * 1000 };
        nanosleep(&ts, 0);
        _exit(1);
    }
    CHECK(waitpid(pid, &st, WNOHANG) == 0);
    CHECK(wait4(pid, &st, 0, 0) == pid && WEXITSTATUS(st) == 1);
    ERR(wait(&st), ECHILD);
    ERR(waitpid(-1, &st, WNOHANG), ECHILD);
    ERR(waitpid(getpid() + 10000, &st, 0), ECHILD);
    ERR(waitpid(-1, &st, 0x1000), EINVAL);
    /* many children, reaped in any order */
    for (int i = 0; i < 20; i++)
        if (fork() == 0)
            _exit(i);
    int sum = 0, n = 0;
    while ((pid = wait(&st)) > 0) {
        sum += WEXITSTATUS(st);
        n++;
    }
    CHECK(n == 20 && sum == 190);
}

static void t_getpid(void)
{
    group = "getpid/getppid";
    int p[2];
    pipe(p);
    pid_t me = getpid();
    CHECK(me > 0);
    CHECK(getppid() >= 0 && getppid() != me);
    pid_t pid = fork();
    if (pid == 0) {
        pid_t v[2] = { getpid(), getppid() };
        write(p[1], v, sizeof v);
        _exit(0);
    }
    pid_t v[2];
    read(p[0], v, sizeof v);
    waitpid(pid, 0, 0);
    CHECK(v[0] == pid);
    CHECK(v[1] == me);
    close(p[0]);
    close(p[1]);
}

static void exit_syscall(void) { syscall(SYS_exit, 7); }
static void exit_group_syscall(void) { syscall(SYS_exit_group, 300); }

static void t_exit(void)
{
    group = "exit/exit_group";
    int st = in_child(exit_syscall);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
    st = in_child(exit_group_syscall);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == (300 & 0xff));
}

static int clone_fn(void *arg) { return *(int *)arg + 1; }

static void t_clone(void)
{
    group = "clone";
    static char stack[16384] __attribute__((aligned(16)));
    int arg = 10, st;
    pid_t pid = clone(clone_fn, stack + sizeof stack, SIGCHLD, &arg);
    CHECK(pid > 0);
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 11);
    /* fork-like clone through the raw call: a child with a copy of our memory */
    volatile int shared = 1;
    pid = (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    if (pid == 0) {
        shared = 2;
        _exit(shared);
    }
    CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 2 && shared == 1);
}

static void t_execve(void)
{
    group = "execve";
    int st;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = { "false", 0 };
        execvp("false", argv);
        _exit(99);
    }
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    /* arguments and environment arrive in the new program */
    int p[2];
    pipe(p);
    pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        char *argv[] = { "echo", "arg1", "two words", 0 };
        execvp("echo", argv);
        _exit(99);
    }
    close(p[1]);
    char buf[64] = { 0 };
    ssize_t n = 0, k;
    while ((k = read(p[0], buf + n, sizeof buf - 1 - (size_t)n)) > 0)
        n += k;
    close(p[0]);
    waitpid(pid, &st, 0);
    CHECK(!strcmp(buf, "arg1 two words\n"));
    char *argv[] = { "x", 0 };
    ERR(execve("/nonexistent/program", argv, environ), ENOENT);
    ERR(execve(".", argv, environ), EACCES);
    write_file("text", "no ELF here\n");
    ERR(execve("./text", argv, environ), EACCES);   /* not executable (mode 0644) */
    int fd = open("bad.elf", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    write(fd, "\177ELF garbage that is not a valid header", 40);
    close(fd);
    ERR(execve("./bad.elf", argv, environ), ENOEXEC);
    fd = open("script", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    write(fd, "plain text, executable\n", 23);
    close(fd);
    ERR(execve("./script", argv, environ), ENOEXEC);
    ERR(execve(KADDR, argv, environ), EFAULT);
    ERR(execve("./text/x", argv, environ), ENOTDIR);
}

static void t_kill_signals(void)
{
    group = "kill/signals";
    int st;
    pid_t pid = fork();
    if (pid == 0)
        for (;;)
            sched_yield();
    CHECK(kill(pid, 0) == 0);
    CHECK(kill(pid, SIGKILL) == 0);
    CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    ERR(kill(pid, 0), ESRCH);
    ERR(kill(getpid(), 65), EINVAL);
    ERR(kill(getpid(), -1), EINVAL);
    /* a fault in user mode is SIGSEGV, and the parent sees it */
    pid = fork();
    if (pid == 0) {
        volatile int *p = (int *)KADDR;
        *p = 1;
        _exit(0);
    }
    CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
    pid = fork();
    if (pid == 0) {
        volatile int *p = (int *)0;
        _exit(*p);
    }
    CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
    /* SIG_IGN survives a signal; SIGTERM's default kills */
    pid = fork();
    if (pid == 0) {
        signal(SIGTERM, SIG_IGN);
        raise(SIGTERM);
        _exit(5);
    }
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 5);
    pid = fork();
    if (pid == 0) {
        raise(SIGTERM);
        _exit(5);
    }
    CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    /* rt_sigaction and signal: old values, SIGKILL/SIGSTOP refused, bad numbers */
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    CHECK(sigaction(SIGUSR1, &sa, &old) == 0 && old.sa_handler == SIG_DFL);
    CHECK(sigaction(SIGUSR1, 0, &old) == 0 && old.sa_handler == SIG_IGN);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGUSR1, &sa, 0);
    ERR(sigaction(SIGKILL, &sa, 0), EINVAL);
    ERR(sigaction(SIGSTOP, &sa, 0), EINVAL);
    ERR(sigaction(0, &sa, 0), EINVAL);
    ERR(sigaction(65, &sa, 0), EINVAL);
    ERR(syscall(SYS_rt_sigaction, SIGUSR1, KADDR, 0, 8), EFAULT);
    ERR(syscall(SYS_rt_sigaction, SIGUSR1, 0, 0, 4), EINVAL);
    /* rt_sigprocmask: a blocked SIGTERM waits; unblocking delivers it */
    pid = fork();
    if (pid == 0) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigprocmask(SIG_BLOCK, &set, 0);
        raise(SIGTERM);
        sigprocmask(SIG_UNBLOCK, &set, 0);
        _exit(0);   /* not reached */
    }
    CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    sigset_t any;
    sigemptyset(&any);
    ERR(syscall(SYS_rt_sigprocmask, 99, &any, 0, 8), EINVAL);
}

static void t_brk(void)
{
    group = "brk";
    char *start = sbrk(0);
    CHECK(start != (char *)-1);
    char *old = sbrk(1 << 20);
    CHECK(old == start);
    memset(old, 0x5a, 1 << 20);   /* the new memory is usable */
    CHECK(old[0] == 0x5a && old[(1 << 20) - 1] == 0x5a);
    CHECK(sbrk(0) == start + (1 << 20));
    CHECK(brk(start) == 0 && sbrk(0) == start);
    /* a break into the kernel's half is refused: brk answers the old break */
    long r = syscall(SYS_brk, 0xC0100000);
    CHECK((char *)r == start);
    ERR(brk((void *)0xC0100000), ENOMEM);
    /* malloc sits on brk */
    char *m = malloc(100000);
    CHECK(m != 0);
    free(m);
}

static void t_time(void)
{
    group = "nanosleep/clock_gettime/sched_yield";
    struct timespec a, b, req = { 0, 20 * 1000 * 1000 };
    CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
    CHECK(nanosleep(&req, 0) == 0);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
    long ns = (long)(b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
    CHECK(ns >= 20 * 1000 * 1000);
    CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000L);
    CHECK(clock_gettime(CLOCK_REALTIME, &a) == 0);
    ERR(clock_gettime(9999, &a), EINVAL);
    ERR(clock_gettime(CLOCK_MONOTONIC, KADDR), EFAULT);
    struct timespec bad = { 0, 1000000000L };
    ERR(nanosleep(&bad, 0), EINVAL);
    struct timespec neg = { -1, 0 };
    ERR(nanosleep(&neg, 0), EINVAL);
    ERR(nanosleep(KADDR, 0), EFAULT);
    CHECK(sched_yield() == 0);
}

static void t_uname_hostname(void)
{
    group = "uname/sethostname";
    struct utsname u;
    CHECK(uname(&u) == 0);
    CHECK(!strcmp(u.sysname, "Linux"));
    CHECK(u.nodename[0] != 0);
    ERR(uname(KADDR), EFAULT);
    /* set the name it already has: the call succeeds and nothing changes */
    char name[65];
    strcpy(name, u.nodename);
    CHECK(sethostname(name, strlen(name)) == 0);
    CHECK(uname(&u) == 0 && !strcmp(u.nodename, name));
    ERR(sethostname(name, 65), EINVAL);
    ERR(sethostname(KADDR, 5), EFAULT);
}

static void t_reboot(void)
{
    group = "reboot";
    ERR(syscall(SYS_reboot, 0x12345678, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, 0), EINVAL);
    ERR(syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, 42, LINUX_REBOOT_CMD_POWER_OFF, 0), EINVAL);
    ERR(syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, 0x5555, 0), EINVAL);
}

/* ---------------------------------------------------------------- files */

static void t_open_close_rw(void)
{
    group = "open/close/read/write";
    int fd = OK(open("f", O_RDWR | O_CREAT | O_EXCL, 0644));
    CHECK(write(fd, "hello world", 11) == 11);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    char buf[32] = { 0 };
    CHECK(read(fd, buf, sizeof buf) == 11 && !memcmp(buf, "hello world", 11));
    CHECK(read(fd, buf, sizeof buf) == 0);
    CHECK(close(fd) == 0);
    ERR(close(fd), EBADF);
    ERR(open("f", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
    ERR(open("missing", O_RDONLY), ENOENT);
    ERR(open("missing/x", O_RDONLY | O_CREAT, 0644), ENOENT);
    ERR(open("f/x", O_RDONLY), ENOTDIR);
    ERR(open(".", O_WRONLY), EISDIR);
    ERR(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
    ERR(open(KADDR, O_RDONLY), EFAULT);
    ERR(open(NOADDR, O_RDONLY), EFAULT);
    char longname[300];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    ERR(open(longname, O_RDONLY), ENAMETOOLONG);
    ERR(open("", O_RDONLY), ENOENT);
    /* O_TRUNC, O_APPEND */
    fd = OK(open("f", O_WRONLY | O_TRUNC));
    CHECK(write(fd, "abc", 3) == 3);
    close(fd);
    fd = OK(open("f", O_WRONLY | O_APPEND));
    lseek(fd, 0, SEEK_SET);
    CHECK(write(fd, "def", 3) == 3);
    close(fd);
    fd = open("f", O_RDONLY);
    CHECK(read(fd, buf, sizeof buf) == 6 && !memcmp(buf, "abcdef", 6));
    ERR(write(fd, "x", 1), EBADF);
    ERR(read(fd, KADDR, 4), EFAULT);
    close(fd);
    fd = open("f", O_WRONLY);
    ERR(read(fd, buf, 1), EBADF);
    ERR(write(fd, KADDR, 4), EFAULT);
    ERR(write(fd, NOADDR, 4), EFAULT);
    close(fd);
    ERR(read(-1, buf, 1), EBADF);
    ERR(write(1000, buf, 1), EBADF);
    fd = open(".", O_RDONLY);
    ERR(read(fd, buf, 1), EISDIR);
    close(fd);
    /* descriptors are reused lowest first, and the table has a limit */
    int a = open("f", O_RDONLY), b = open("f", O_RDONLY);
    close(a);
    CHECK(open("f", O_RDONLY) == a);
    close(a);
    close(b);
    int fds[4096], n = 0;
    errno = 0;
    while (n < 4096 && (fds[n] = open("f", O_RDONLY)) >= 0)
        n++;
    result(n < 4096 && errno == EMFILE, "open until EMFILE", n, errno);
    while (n > 0)
        close(fds[--n]);
    /* /dev/null and /dev/zero */
    fd = OK(open("/dev/null", O_RDWR));
    CHECK(write(fd, "gone", 4) == 4 && read(fd, buf, sizeof buf) == 0);
    close(fd);
    fd = OK(open("/dev/zero", O_RDONLY));
    memset(buf, 1, sizeof buf);
    CHECK(read(fd, buf, 8) == 8 && buf[0] == 0 && buf[7] == 0);
    close(fd);
}

static void t_lseek(void)
{
    group = "lseek/_llseek";
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "0123456789", 10);
    CHECK(lseek(fd, 2, SEEK_SET) == 2);
    CHECK(lseek(fd, 3, SEEK_CUR) == 5);
    CHECK(lseek(fd, -1, SEEK_END) == 9);
    char c;
    CHECK(read(fd, &c, 1) == 1 && c == '9');
    CHECK(lseek(fd, 100, SEEK_SET) == 100 && write(fd, "!", 1) == 1);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 101);
    lseek(fd, 50, SEEK_SET);
    CHECK(read(fd, &c, 1) == 1 && c == 0);   /* a hole reads as zeros */
    ERR(lseek(fd, -1, SEEK_SET), EINVAL);
    ERR(lseek(fd, 0, 7), EINVAL);
    ERR(lseek(99, 0, SEEK_SET), EBADF);
    long long pos = -1;
    CHECK(syscall(SYS__llseek, fd, 0, 7, &pos, SEEK_SET) == 0 && pos == 7);
    ERR(syscall(SYS__llseek, fd, 0, 7, KADDR, SEEK_SET), EFAULT);
    close(fd);
    int p[2];
    pipe(p);
    ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
    close(p[0]);
    close(p[1]);
}

static void t_dup_pipe(void)
{
    group = "dup/dup2/pipe";
    int p[2];
    CHECK(pipe(p) == 0 && p[0] >= 0 && p[1] >= 0 && p[0] != p[1]);
    int d = dup(p[1]);
    CHECK(d >= 0);
    CHECK(write(d, "ab", 2) == 2);
    CHECK(dup2(p[1], 20) == 20);
    CHECK(dup2(20, 20) == 20);
    CHECK(write(20, "cd", 2) == 2);
    close(20);
    close(d);
    close(p[1]);
    char buf[8];
    CHECK(read(p[0], buf, sizeof buf) == 4 && !memcmp(buf, "abcd", 4));
    CHECK(read(p[0], buf, sizeof buf) == 0);   /* all writers closed: end of file */
    close(p[0]);
    ERR(dup(77), EBADF);
    ERR(dup2(77, 3), EBADF);
    ERR(dup2(0, -1), EBADF);
    ERR(pipe(KADDR), EFAULT);
    /* no readers: EPIPE (with SIGPIPE ignored) */
    pipe(p);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    ERR(write(p[1], "x", 1), EPIPE);
    signal(SIGPIPE, SIG_DFL);
    close(p[1]);
    /* a large transfer through a pipe between processes */
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        static char big[65536];
        for (size_t i = 0; i < sizeof big; i++)
            big[i] = (char)(i * 13);
        for (size_t done = 0; done < sizeof big;)
            done += (size_t)write(p[1], big + done, sizeof big - done);
        _exit(0);
    }
    close(p[1]);
    size_t total = 0;
    int good = 1;
    ssize_t n;
    static char in[4096];
    while ((n = read(p[0], in, sizeof in)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            good &= in[i] == (char)((total + (size_t)i) * 13);
        total += (size_t)n;
    }
    close(p[0]);
    waitpid(pid, 0, 0);
    CHECK(total == 65536 && good);
}

static void t_stat(void)
{
    group = "stat64/lstat64/fstat64";
    write_file("s", "12345");
    struct stat st;
    CHECK(stat("s", &st) == 0 && st.st_size == 5 && S_ISREG(st.st_mode));
    CHECK(lstat("s", &st) == 0 && st.st_size == 5);
    CHECK(stat(".", &st) == 0 && S_ISDIR(st.st_mode));
    int fd = open("s", O_RDONLY);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 5 && st.st_nlink >= 1);
    close(fd);
    int p[2];
    pipe(p);
    CHECK(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode));
    close(p[0]);
    close(p[1]);
    CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
    ERR(stat("missing", &st), ENOENT);
    ERR(stat("s/x", &st), ENOTDIR);
    ERR(stat(KADDR, &st), EFAULT);
    ERR(stat("s", KADDR), EFAULT);
    ERR(fstat(99, &st), EBADF);
    ERR(lstat("missing", &st), ENOENT);
}

static void t_dirs(void)
{
    group = "mkdir/rmdir/unlink/rename/getdents64";
    CHECK(mkdir("d", 0755) == 0);
    ERR(mkdir("d", 0755), EEXIST);
    ERR(mkdir("nope/d", 0755), ENOENT);
    write_file("d/a", "a");
    write_file("d/b", "b");
    CHECK(mkdir("d/sub", 0755) == 0);
    ERR(mkdir("d/a/x", 0755), ENOTDIR);
    ERR(mkdir(KADDR, 0755), EFAULT);
    /* getdents64 sees exactly . .. a b sub */
    int fd = open("d", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    char buf[1024];
    int seen = 0, count = 0;
    long n;
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0)
        for (long off = 0; off < n;) {
            struct linux_dirent64 *e = (struct linux_dirent64 *)(buf + off);
            const char *names[] = { ".", "..", "a", "b", "sub" };
            for (int i = 0; i < 5; i++)
                if (!strcmp(e->d_name, names[i]))
                    seen |= 1 << i;
            if (!strcmp(e->d_name, "sub"))
                CHECK(e->d_type == DT_DIR);
            if (!strcmp(e->d_name, "a"))
                CHECK(e->d_type == DT_REG);
            count++;
            off += e->d_reclen;
        }
    CHECK(n == 0 && seen == 31 && count == 5);
    lseek(fd, 0, SEEK_SET);
    ERR(syscall(SYS_getdents64, fd, buf, 8), EINVAL);
    ERR(syscall(SYS_getdents64, fd, KADDR, sizeof buf), EFAULT);
    close(fd);
    ERR(syscall(SYS_getdents64, 99, buf, sizeof buf), EBADF);
    fd = open("d/a", O_RDONLY);
    ERR(syscall(SYS_getdents64, fd, buf, sizeof buf), ENOTDIR);
    close(fd);
    /* opendir/readdir on top */
    DIR *dir = opendir("d");
    int entries = 0;
    while (readdir(dir))
        entries++;
    closedir(dir);
    CHECK(entries == 5);
    /* rmdir */
    ERR(rmdir("d"), ENOTEMPTY);
    ERR(rmdir("d/a"), ENOTDIR);
    ERR(rmdir("d/missing"), ENOENT);
    ERR(rmdir("d/sub/."), EINVAL);
    ERR(rmdir(KADDR), EFAULT);
    /* unlink */
    ERR(unlink("d/sub"), EISDIR);
    ERR(unlink("d/missing"), ENOENT);
    ERR(unlink(KADDR), EFAULT);
    CHECK(unlink("d/b") == 0);
    ERR(unlink("d/b"), ENOENT);
    /* rename */
    CHECK(rename("d/a", "d/c") == 0);
    ERR(open("d/a", O_RDONLY), ENOENT);
    write_file("d/e", "e");
    CHECK(rename("d/c", "d/e") == 0);   /* replaces the target */
    fd = open("d/e", O_RDONLY);
    CHECK(read(fd, buf, 4) == 1 && buf[0] == 'a');
    close(fd);
    ERR(rename("d/missing", "d/x"), ENOENT);
    ERR(rename("d/e", "d/sub"), EISDIR);
    ERR(rename("d", "d/sub/inner"), EINVAL);
    write_file("d/sub/full", "x");
    CHECK(mkdir("d/empty", 0755) == 0);
    ERR(rename("d/empty", "d/sub"), ENOTEMPTY);
    ERR(rename(KADDR, "d/x"), EFAULT);
    CHECK(rename("d/empty", "d/moved") == 0);
    CHECK(rmdir("d/moved") == 0);
    CHECK(unlink("d/sub/full") == 0 && rmdir("d/sub") == 0 && unlink("d/e") == 0);
    CHECK(rmdir("d") == 0);
    ERR(rmdir("d"), ENOENT);
}

static void t_cwd(void)
{
    group = "chdir/getcwd/readlink";
    char start[PATH_MAX], buf[PATH_MAX];
    CHECK(getcwd(start, sizeof start) == start && start[0] == '/');
    mkdir("c", 0755);
    CHECK(chdir("c") == 0);
    CHECK(getcwd(buf, sizeof buf) && strlen(buf) == strlen(start) + 2 && !strcmp(buf + strlen(start), "/c"));
    CHECK(chdir("..") == 0 && getcwd(buf, sizeof buf) && !strcmp(buf, start));
    write_file("c/f", "x");
    ERR(chdir("c/f"), ENOTDIR);
    ERR(chdir("missing"), ENOENT);
    ERR(chdir(KADDR), EFAULT);
    ERR(syscall(SYS_getcwd, buf, 1), ERANGE);
    ERR(syscall(SYS_getcwd, KADDR, sizeof buf), EFAULT);
    /* readlink: /proc/self names our pid; a regular file is not a link */
    char want[16];
    snprintf(want, sizeof want, "%d", getpid());
    long n = readlink("/proc/self", buf, sizeof buf);
    CHECK(n == (long)strlen(want) && !memcmp(buf, want, (size_t)n));
    ERR(readlink("c/f", buf, sizeof buf), EINVAL);
    ERR(readlink("missing", buf, sizeof buf), ENOENT);
    ERR(readlink("/proc/self", KADDR, sizeof buf), EFAULT);
    unlink("c/f");
    rmdir("c");
}

static void t_chroot_child(void)
{
    /* a child chroots into a directory that holds one file; "/" is now that directory */
    if (chroot("r") != 0)
        _exit(1);
    if (chdir("/") != 0)
        _exit(2);
    if (access("/marker", F_OK) != 0)
        _exit(3);
    char buf[64];
    if (!getcwd(buf, sizeof buf) || strcmp(buf, "/"))
        _exit(4);
    if (chdir("..") != 0 || access("/marker", F_OK) != 0)   /* ".." of the root is the root */
        _exit(5);
    _exit(0);
}

static void t_chroot(void)
{
    group = "chroot/access";
    mkdir("r", 0755);
    write_file("r/marker", "m");
    int st = in_child(t_chroot_child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    ERR(chroot("missing"), ENOENT);
    ERR(chroot("r/marker"), ENOTDIR);
    ERR(chroot(KADDR), EFAULT);
    CHECK(access("r/marker", F_OK) == 0 && access("r/marker", R_OK) == 0);
    ERR(access("r/missing", F_OK), ENOENT);
    ERR(access("r/marker", 0x40), EINVAL);
    unlink("r/marker");
    rmdir("r");
}

static void t_mount(void)
{
    group = "mount/umount2";
    mkdir("m", 0755);
    ERR(mount("none", "missing", "ramfs", 0, 0), ENOENT);
    ERR(mount("none", "m", "no-such-fs", 0, 0), ENODEV);
    ERR(mount("none", KADDR, "ramfs", 0, 0), EFAULT);
    CHECK(mount("none", "m", "ramfs", 0, 0) == 0);
    write_file("m/inside", "x");
    CHECK(access("m/inside", F_OK) == 0);
    CHECK(umount2("m", 0) == 0);
    ERR(access("m/inside", F_OK), ENOENT);   /* the mount's files went with it */
    ERR(umount2("m", 0), EINVAL);            /* not a mount point */
    ERR(umount2("missing", 0), ENOENT);
    ERR(umount2("m", 0x100), EINVAL);
    ERR(umount2(KADDR, 0), EFAULT);
    rmdir("m");
}

static void t_ioctl(void)
{
    group = "ioctl";
    struct termios t;
    int fd = open("t", O_RDWR | O_CREAT, 0644);
    ERR(ioctl(fd, TCGETS, &t), ENOTTY);
    struct winsize ws;
    ERR(ioctl(fd, TIOCGWINSZ, &ws), ENOTTY);
    close(fd);
    unlink("t");
    ERR(ioctl(99, TCGETS, &t), EBADF);
    int p[2];
    pipe(p);
    ERR(ioctl(p[0], TCGETS, &t), ENOTTY);
    close(p[0]);
    close(p[1]);
}

static void t_fcntl(void)
{
    group = "fcntl";
    int fd = open("fc", O_RDWR | O_CREAT | O_APPEND, 0644);
    CHECK((fcntl(fd, F_GETFL) & O_APPEND) != 0);
    CHECK(fcntl(fd, F_GETFD) == 0);
    CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC);
    int d = fcntl(fd, F_DUPFD, 30);
    CHECK(d >= 30);
    close(d);
    close(fd);
    unlink("fc");
    ERR(fcntl(99, F_GETFL), EBADF);
}

static const struct { const char *name; void (*fn)(void); } tests[] = {
    { "fork", t_fork_wait }, { "getpid", t_getpid }, { "exit", t_exit }, { "clone", t_clone },
    { "execve", t_execve }, { "kill", t_kill_signals }, { "brk", t_brk }, { "time", t_time },
    { "uname", t_uname_hostname }, { "reboot", t_reboot }, { "open", t_open_close_rw },
    { "lseek", t_lseek }, { "pipe", t_dup_pipe }, { "stat", t_stat }, { "dirs", t_dirs },
    { "cwd", t_cwd }, { "chroot", t_chroot }, { "mount", t_mount }, { "ioctl", t_ioctl },
    { "fcntl", t_fcntl },
};

int main(int argc, char **argv)
{
    const char *only = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v"))
            verbose = 1;
        else
            only = argv[i];
    }
    char dir[64];
    snprintf(dir, sizeof dir, "selftest.%d", getpid());
    if (mkdir(dir, 0755) < 0 || chdir(dir) < 0) {
        printf("selftest: cannot make scratch directory %s: %s\n", dir, strerror(errno));
        return 1;
    }
    int ran = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (only && strcmp(only, tests[i].name))
            continue;
        int before = failures;
        tests[i].fn();
        printf("%s: %s\n", tests[i].name, failures == before ? "ok" : "FAILED");
        fflush(stdout);
        ran++;
    }
    chdir("..");
    rmdir(dir);
    if (!ran) {
        printf("selftest: no test named '%s'\n", only);
        return 2;
    }
    if (failures) {
        printf("selftest: %d of %d FAILED\n", failures, checks);
        return 1;
    }
    printf("selftest: ALL OK (%d checks)\n", checks);
    return 0;
}
