/* proc.c: the self-test's process, signal, memory, time and machine checks (see selftest.h). */
#include "selftest.h"

void t_fork_wait(void)
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

void t_getpid(void)
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

void t_exit(void)
{
    group = "exit/exit_group";
    int st = in_child(exit_syscall);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
    st = in_child(exit_group_syscall);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == (300 & 0xff));
}

static int clone_fn(void *arg) { return *(int *)arg + 1; }

void t_clone(void)
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

void t_execve(void)
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

void t_kill_signals(void)
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

void t_brk(void)
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

void t_time(void)
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

void t_uname_hostname(void)
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

void t_reboot(void)
{
    group = "reboot";
    ERR(syscall(SYS_reboot, 0x12345678, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, 0), EINVAL);
    ERR(syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, 42, LINUX_REBOOT_CMD_POWER_OFF, 0), EINVAL);
    ERR(syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, 0x5555, 0), EINVAL);
}
