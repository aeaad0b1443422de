/* init: process 1. Mounts nothing itself (the kernel provides /dev and /proc), runs the shell on the
 * console and reaps orphans, as every init must (children whose parents died are reparented here).
 *
 * The kernel starts it as `/sbin/init` (or init=PATH) with a command line's `cmd=REST` passed as
 * `init -c "REST"`: then it runs `/bin/sh -c "REST"` once and powers off with its exit status.
 * Otherwise it runs an interactive `/bin/sh`, restarting it if it exits. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static char *const shell_env[] = { "PATH=/bin:/sbin", "HOME=/", "TERM=vt100", 0 };

static pid_t spawn(char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        execve(argv[0], argv, shell_env);
        fprintf(stderr, "init: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (pid < 0)
        fprintf(stderr, "init: fork: %s\n", strerror(errno));
    return pid;
}

/* Wait for `pid`, reaping any orphan that exits meanwhile; answer its status word. */
static int wait_for(pid_t pid)
{
    for (;;) {
        int st;
        pid_t got = wait(&st);
        if (got == pid)
            return st;
        if (got < 0 && errno == ECHILD)
            return 0;
    }
}

static void power_off(int status)
{
    syscall(SYS_reboot, (long)LINUX_REBOOT_MAGIC1, (long)LINUX_REBOOT_MAGIC2, (long)LINUX_REBOOT_CMD_POWER_OFF, (long)status);
}

int main(int argc, char **argv)
{
    if (getpid() != 1)
        fprintf(stderr, "init: warning: not process 1 (pid %d)\n", getpid());
    if (argc >= 3 && !strcmp(argv[1], "-c")) {
        char *sh[] = { "/bin/sh", "-c", argv[2], 0 };
        int st = wait_for(spawn(sh));
        int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        power_off(code);
        return code;
    }
    for (;;) {
        char *sh[] = { "/bin/sh", 0 };
        pid_t pid = spawn(sh);
        if (pid < 0)
            return 1;
        int st = wait_for(pid);
        if (WIFEXITED(st) && getpid() == 1) {   /* "exit" at the prompt powers off with its status */
            power_off(WEXITSTATUS(st));
            return WEXITSTATUS(st);
        }
        if (getpid() != 1)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
    }
}
