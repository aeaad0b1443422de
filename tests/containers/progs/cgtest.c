/* cgtest: cgroup v2 behaviour in the toy OS, checked against what the kernel's
 * Documentation/admin-guide/cgroup-v2.rst specifies (the host runs cgroup v1 for its
 * controllers, so Linux cannot be run here as the oracle; each expectation cites its section).
 *   cgtest rules    defaults, formats, EINVAL/ERANGE/ENOENT on malformed writes, the no-internal-
 *                   process rule (EBUSY), rmdir EBUSY, cgroup.events, cgroup.freeze, cgroup.kill
 *   cgtest pids     a fork bomb under pids.max 8 stops at 8 tasks with EAGAIN; pids.events max
 *   cgtest memory   memory.max 1M: the biggest task of the cgroup is OOM-killed (also when another
 *                   task's charge failed), a task outside
 *                   with more memory is not; memory.events oom_kill counts each
 *   cgtest cpumax   cpu.max "20000 100000": a spinner gets 20% +- 1% over 50 periods; cpu.stat
 *                   counts the throttled periods
 *   cgtest weight   cpu.weight 100 and 300 for two spinners: CPU time 1 : 3 +- 2%
 *   cgtest cgns     in a new cgroup namespace its cgroup is "/": /proc/self/cgroup, and a cgroup2
 *                   mount rooted there shows its own pids.max (cgroup_namespaces(7))
 * Prints "ok ..." or "FAIL ..." per check; the exit status is the number of failures. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CG "/sys/fs/cgroup"
static int failures;

static void check(int cond, const char *what)
{
    printf("%s %s\n", cond ? "ok  " : "FAIL", what);
    failures += !cond;
}

/* write(2) of s to a cgroup file: 0 or the errno. */
static int cg_write(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return errno;
    int r = write(fd, s, strlen(s)) < 0 ? errno : 0;
    close(fd);
    return r;
}

static const char *cg_read(const char *path)
{
    static char buf[1024];
    int fd = open(path, O_RDONLY), n = 0;
    if (fd >= 0) {
        n = read(fd, buf, sizeof buf - 1);
        close(fd);
    }
    buf[n > 0 ? n : 0] = 0;
    return buf;
}

/* The value of "key N" in a flat-keyed file (cpu.stat, memory.events, ...), or -1. */
static long long cg_key(const char *path, const char *key)
{
    const char *t = cg_read(path);
    size_t k = strlen(key);
    for (const char *l = t; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l))
        if (!strncmp(l, key, k) && l[k] == ' ')
            return atoll(l + k + 1);
    return -1;
}

static const char *shown(const char *path) { return strncmp(path, CG "/", sizeof CG) ? path : path + sizeof CG; }

static void expect_file(const char *path, const char *want)
{
    char what[160];
    const char *got = cg_read(path);
    snprintf(what, sizeof what, "%s reads \"%.*s\"", shown(path), (int)strcspn(want, "\n"), want);
    check(!strcmp(got, want), what);
    if (strcmp(got, want))
        printf("     got \"%s\"\n", got);
}

static void expect_errno(const char *path, const char *value, int want)
{
    char what[160];
    int got = cg_write(path, value);
    snprintf(what, sizeof what, "write \"%s\" to %s: %s", value, shown(path), want ? strerror(want) : "ok");
    check(got == want, what);
    if (got != want)
        printf("     got %s\n", got ? strerror(got) : "success");
}

static void enter(const char *cg, int pid)
{
    char path[128], s[16];
    snprintf(path, sizeof path, "%s/cgroup.procs", cg);
    snprintf(s, sizeof s, "%d", pid);
    if (cg_write(path, s))
        printf("FAIL cannot move %d into %s\n", pid, cg), failures++;
}

static pid_t sleeper(void)
{
    pid_t pid = fork();
    if (pid == 0)
        for (;;)
            sleep(1000);
    return pid;
}

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void reap(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, 0, 0);
}

/* ---- rules: "Interface Files", "Controlling Controllers", "No Internal Process Constraint" ---- */
static void test_rules(void)
{
    expect_file(CG "/cgroup.controllers", "cpu memory pids\n");
    expect_errno(CG "/cgroup.subtree_control", "+cpu +memory +pids", 0);
    expect_file(CG "/cgroup.subtree_control", "cpu memory pids\n");
    check(mkdir(CG "/p", 0755) == 0, "mkdir /sys/fs/cgroup/p");
    check(mkdir(CG "/p", 0755) < 0 && errno == EEXIST, "mkdir of an existing cgroup: EEXIST");
    /* "CPU Interface Files": cpu.weight default 100; cpu.max default "max 100000".
     * "Memory Interface Files": memory.max default "max". "PID Interface Files": pids.max "max". */
    expect_file(CG "/p/cpu.weight", "100\n");
    expect_file(CG "/p/cpu.max", "max 100000\n");
    expect_file(CG "/p/memory.max", "max\n");
    expect_file(CG "/p/pids.max", "max\n");
    expect_file(CG "/p/cgroup.controllers", "cpu memory pids\n");
    expect_file(CG "/p/cgroup.subtree_control", "\n");
    expect_file(CG "/p/cgroup.events", "populated 0\nfrozen 0\n");
    expect_file(CG "/p/memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
    expect_file(CG "/p/pids.events", "max 0\n");
    /* Malformed values are EINVAL; out-of-range weights ERANGE (cpu.weight "[1, 10000]"). */
    expect_errno(CG "/p/memory.max", "12x", EINVAL);
    expect_errno(CG "/p/memory.max", "-1", EINVAL);
    expect_errno(CG "/p/pids.max", "many", EINVAL);
    expect_errno(CG "/p/cpu.max", "abc 100000", EINVAL);
    expect_errno(CG "/p/cpu.max", "500 100000", EINVAL);      /* quota below 1 ms */
    expect_errno(CG "/p/cpu.max", "20000 2000000", EINVAL);   /* period above 1 s */
    expect_errno(CG "/p/cpu.weight", "0", ERANGE);
    expect_errno(CG "/p/cpu.weight", "10001", ERANGE);
    expect_errno(CG "/p/cpu.weight", "heavy", EINVAL);
    expect_errno(CG "/p/cgroup.subtree_control", "+bogus", EINVAL);
    expect_errno(CG "/p/cgroup.subtree_control", "cpu", EINVAL);
    expect_errno(CG "/p/cpu.max", "max", 0);
    expect_file(CG "/p/cpu.max", "max 100000\n");
    expect_errno(CG "/p/memory.max", "2M", 0);
    expect_file(CG "/p/memory.max", "2097152\n");
    expect_errno(CG "/p/cpu.weight", "250", 0);
    expect_file(CG "/p/cpu.weight", "250\n");

    /* No internal processes: p has a task, so it cannot enable a controller for children... */
    pid_t x = sleeper();
    enter(CG "/p", x);
    expect_file(CG "/p/cgroup.events", "populated 1\nfrozen 0\n");
    expect_errno(CG "/p/cgroup.subtree_control", "+pids", EBUSY);
    /* ...until the task leaves; then a task cannot move into p, only into a leaf below it. */
    enter(CG, x);
    expect_errno(CG "/p/cgroup.subtree_control", "+pids", 0);
    check(mkdir(CG "/p/c", 0755) == 0, "mkdir /sys/fs/cgroup/p/c");
    char s[16];
    snprintf(s, sizeof s, "%d", x);
    expect_errno(CG "/p/cgroup.procs", s, EBUSY);
    expect_errno(CG "/p/c/cgroup.procs", s, 0);
    expect_file(CG "/p/cgroup.events", "populated 1\nfrozen 0\n");   /* populated: a descendant */
    /* The root is exempt: it has tasks and enabled controllers at once. */
    expect_errno(CG "/cgroup.procs", s, 0);
    /* "Top-down Constraint": c may enable only what p enabled for it (pids), so cpu is ENOENT. */
    expect_errno(CG "/p/c/cgroup.subtree_control", "+cpu", ENOENT);
    /* p's pids is in use by c's subtree_control? No: disabling works while no child enables it. */
    check(rmdir(CG "/p") < 0 && errno == EBUSY, "rmdir of a cgroup with a child: EBUSY");
    enter(CG "/p/c", x);
    check(rmdir(CG "/p/c") < 0 && errno == EBUSY, "rmdir of a populated cgroup: EBUSY");
    /* cgroup.freeze, cgroup.kill ("Core Interface Files"). */
    expect_errno(CG "/p/c/cgroup.freeze", "2", ERANGE);
    expect_errno(CG "/p/c/cgroup.freeze", "1", 0);
    expect_file(CG "/p/c/cgroup.events", "populated 1\nfrozen 1\n");
    expect_errno(CG "/p/c/cgroup.freeze", "0", 0);
    expect_errno(CG "/p/c/cgroup.kill", "2", ERANGE);
    expect_errno(CG "/p/c/cgroup.kill", "1", 0);
    int st = 0;
    check(waitpid(x, &st, 0) == x && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
          "cgroup.kill: the task ends by SIGKILL");
    expect_file(CG "/p/c/cgroup.events", "populated 0\nfrozen 0\n");
    check(rmdir(CG "/p/c") == 0 && rmdir(CG "/p") == 0, "rmdir of empty cgroups");
}

/* ---- pids: "PID Interface Files" (pids.max; fork fails with EAGAIN; pids.events max) ---- */
static void test_pids(void)
{
    cg_write(CG "/cgroup.subtree_control", "+pids");
    mkdir(CG "/bomb", 0755);
    expect_errno(CG "/bomb/pids.max", "8", 0);
    int pfd[2];
    pipe(pfd);
    pid_t leader = fork();
    if (leader == 0) {
        enter(CG "/bomb", getpid());
        /* The bomb: every task forks until fork fails, reports the errno once, then sleeps. */
        for (;;) {
            pid_t c = fork();
            if (c < 0) {
                char e = (char)errno;
                write(pfd[1], &e, 1);
                for (;;)
                    sleep(1000);
            }
        }
    }
    sleep(2);
    expect_file(CG "/bomb/pids.current", "8\n");
    long long ev = cg_key(CG "/bomb/pids.events", "max");
    printf("     pids.events max %lld\n", ev);
    check(ev == 8, "pids.events max 8: each of the 8 tasks was refused once");
    char e = 0;
    check(read(pfd[0], &e, 1) == 1 && e == EAGAIN, "the fork bomb's fork fails with EAGAIN");
    expect_errno(CG "/bomb/cgroup.kill", "1", 0);
    waitpid(leader, 0, 0);
    while (cg_key(CG "/bomb/cgroup.events", "populated") != 0)
        sleep(1);                          /* the others are init's orphans now */
    check(rmdir(CG "/bomb") == 0, "rmdir /sys/fs/cgroup/bomb after cgroup.kill");
}

/* A task that touches `kib` KiB of fresh memory and then sleeps. */
static pid_t hog(const char *cg, int kib)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (cg)
            enter(cg, getpid());
        char *m = malloc((size_t)kib * 1024);
        for (int i = 0; m && i < kib * 1024; i += 4096)
            m[i] = 1;
        for (;;)
            sleep(1000);
    }
    return pid;
}

/* ---- memory: "Memory Interface Files" (memory.max: OOM in the cgroup; memory.events) ---- */
static void test_memory(void)
{
    cg_write(CG "/cgroup.subtree_control", "+memory");
    mkdir(CG "/mem", 0755);
    expect_errno(CG "/mem/memory.max", "1M", 0);
    pid_t outside = hog(NULL, 3072);       /* 3 MiB in the root: more than anyone, never chosen */
    sleep(1);
    pid_t small = hog(CG "/mem", 64);
    sleep(1);
    pid_t big = hog(CG "/mem", 4096);      /* passes the limit: the OOM killer runs in /mem */
    int st = 0;
    check(waitpid(big, &st, 0) == big && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
          "the task over memory.max is killed by SIGKILL");
    check(waitpid(small, &st, WNOHANG) == 0, "the smaller task of the cgroup lives");
    check(waitpid(outside, &st, WNOHANG) == 0, "a bigger task outside the cgroup lives");
    printf("     memory.events: %s", cg_read(CG "/mem/memory.events"));
    check(cg_key(CG "/mem/memory.events", "oom_kill") == 1, "memory.events oom_kill 1");
    check(cg_key(CG "/mem/memory.events", "oom") >= 1 && cg_key(CG "/mem/memory.events", "max") >= 1,
          "memory.events oom and max counted");
    long long peak = atoll(cg_read(CG "/mem/memory.peak")), cur = atoll(cg_read(CG "/mem/memory.current"));
    printf("     memory.peak %lld memory.current %lld\n", peak, cur);
    check(peak <= 1048576 && peak > 1048576 - 8192, "memory.peak reached memory.max and never passed it");
    check(cur > 0 && cur < 1048576 / 2, "memory.current: the small task's pages only");
    /* The victim is the biggest task of the cgroup, not the one whose charge failed (Linux's
     * oom_badness by rss): b2 holds 512K when c, at about 450K, passes the limit; b2 dies, c goes on. */
    pid_t b2 = hog(CG "/mem", 512);
    sleep(1);
    pid_t c = hog(CG "/mem", 600);
    check(waitpid(b2, &st, 0) == b2 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
          "a second OOM kills the biggest task, which was not the allocating one");
    sleep(1);
    check(waitpid(c, &st, WNOHANG) == 0, "the allocating task got its memory and lives");
    check(cg_key(CG "/mem/memory.events", "oom_kill") == 2, "memory.events oom_kill 2");
    reap(c);
    reap(small);
    reap(outside);
    check(atoll(cg_read(CG "/mem/memory.current")) == 0, "memory.current 0 once empty");
    check(rmdir(CG "/mem") == 0, "rmdir /sys/fs/cgroup/mem");
}

static pid_t spinner(const char *cg)
{
    pid_t pid = fork();
    if (pid == 0) {
        enter(cg, getpid());
        for (volatile unsigned long n = 0;; n++)
            ;
    }
    return pid;
}

/* ---- cpu.max: "CPU Interface Files" ("$MAX $PERIOD": the group may use MAX per PERIOD) ---- */
static void test_cpumax(void)
{
    cg_write(CG "/cgroup.subtree_control", "+cpu");
    mkdir(CG "/lim", 0755);
    expect_errno(CG "/lim/cpu.max", "20000 100000", 0);
    expect_file(CG "/lim/cpu.max", "20000 100000\n");
    pid_t s = spinner(CG "/lim");
    usleep(250000);                        /* settle into the periods */
    const char *f = CG "/lim/cpu.stat";
    long long u0 = cg_key(f, "usage_usec"), p0 = cg_key(f, "nr_periods"), n0 = cg_key(f, "nr_throttled");
    long long th0 = cg_key(f, "throttled_usec"), t0 = now_us();
    usleep(5000000);                       /* 50 periods of 100 ms */
    long long u1 = cg_key(f, "usage_usec"), p1 = cg_key(f, "nr_periods"), n1 = cg_key(f, "nr_throttled");
    long long th1 = cg_key(f, "throttled_usec"), t1 = now_us();
    long long permille = (u1 - u0) * 1000 / (t1 - t0);
    printf("     cpu.max 20000 100000: %lld us of %lld us = %lld.%lld%%; periods %lld, throttled %lld, "
           "throttled_usec %lld\n", u1 - u0, t1 - t0, permille / 10, permille % 10, p1 - p0, n1 - n0, th1 - th0);
    check(permille >= 190 && permille <= 210, "cpu.max 20000 100000 holds a spinner to 20% +- 1%");
    check(p1 - p0 >= 49 && p1 - p0 <= 51, "cpu.stat nr_periods advanced by 50");
    check(n1 - n0 >= 49 && n1 - n0 <= 51, "cpu.stat nr_throttled: throttled in every period");
    check(th1 - th0 >= 3800000 && th1 - th0 <= 4200000, "cpu.stat throttled_usec about 80% of the time");
    reap(s);
    check(rmdir(CG "/lim") == 0, "rmdir /sys/fs/cgroup/lim");
}

/* ---- cpu.weight: "Weights" -- "[1, 10000] with the default at 100": shares in proportion ---- */
static void test_weight(void)
{
    cg_write(CG "/cgroup.subtree_control", "+cpu");
    mkdir(CG "/w1", 0755);
    mkdir(CG "/w3", 0755);
    expect_errno(CG "/w1/cpu.weight", "100", 0);
    expect_errno(CG "/w3/cpu.weight", "300", 0);
    pid_t a = spinner(CG "/w1"), b = spinner(CG "/w3");
    usleep(200000);
    long long a0 = cg_key(CG "/w1/cpu.stat", "usage_usec"), b0 = cg_key(CG "/w3/cpu.stat", "usage_usec");
    usleep(1500000);
    long long a1 = cg_key(CG "/w1/cpu.stat", "usage_usec"), b1 = cg_key(CG "/w3/cpu.stat", "usage_usec");
    long long ratio = (b1 - b0) * 1000 / (a1 - a0);
    printf("     weights 100 : 300: %lld us : %lld us = 1 : %lld.%03lld\n", a1 - a0, b1 - b0, ratio / 1000, ratio % 1000);
    check(ratio >= 2940 && ratio <= 3060, "cpu.weight 100 : 300 splits CPU 1 : 3 +- 2%");
    reap(a);
    reap(b);
    check(rmdir(CG "/w1") == 0 && rmdir(CG "/w3") == 0, "rmdir /sys/fs/cgroup/w1 and w3");
}

/* ---- cgroup namespaces: cgroup_namespaces(7), cgroup-v2.rst "Namespace" ---- */
#define CLONE_NEWNS_ 0x00020000            /* Linux's values (linux/sched.h); our sched.h lacks them */
#define CLONE_NEWCGROUP_ 0x02000000
static void test_cgns(void)
{
    cg_write(CG "/cgroup.subtree_control", "+pids");
    mkdir(CG "/box", 0755);
    expect_errno(CG "/box/pids.max", "5", 0);
    pid_t c = fork();
    if (c == 0) {
        enter(CG "/box", getpid());
        expect_file("/proc/self/cgroup", "0::/box\n");
        check(unshare(CLONE_NEWCGROUP_ | CLONE_NEWNS_) == 0, "unshare(CLONE_NEWCGROUP | CLONE_NEWNS)");
        /* "the cgroup namespace root is the cgroup of the process at the time of unshare" */
        expect_file("/proc/self/cgroup", "0::/\n");
        mkdir("/tmp/cg", 0755);
        check(mount("none", "/tmp/cg", "cgroup2", 0, NULL) == 0, "mount -t cgroup2 inside the namespace");
        expect_file("/tmp/cg/pids.max", "5\n");
        char pid[16];
        snprintf(pid, sizeof pid, "%d\n", getpid());
        expect_file("/tmp/cg/cgroup.procs", pid);
        struct stat st;
        check(stat("/tmp/cg/box", &st) < 0, "the namespace's root has no child named after itself");
        _exit(failures);
    }
    int st = 0;
    waitpid(c, &st, 0);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the checks inside the cgroup namespace passed");
    check(rmdir(CG "/box") == 0, "rmdir /sys/fs/cgroup/box");
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *t = argc > 1 ? argv[1] : "";
    if (!strcmp(t, "rules")) test_rules();
    else if (!strcmp(t, "pids")) test_pids();
    else if (!strcmp(t, "memory")) test_memory();
    else if (!strcmp(t, "cpumax")) test_cpumax();
    else if (!strcmp(t, "weight")) test_weight();
    else if (!strcmp(t, "cgns")) test_cgns();
    else {
        fprintf(stderr, "usage: cgtest rules|pids|memory|cpumax|weight|cgns\n");
        return 2;
    }
    return failures;
}
