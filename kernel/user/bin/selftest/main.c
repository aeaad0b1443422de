/* selftest: the toy OS's usertests. Every system call of the subset with its normal
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
#include "selftest.h"

int checks, failures, verbose;
const char *group = "?";

void result(int ok, const char *what, long got, int err)
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

/* Run fn in a child and answer its wait status. */
int in_child(void (*fn)(void))
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

void write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, text, strlen(text));
    close(fd);
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
