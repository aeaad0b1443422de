/* fork, exec and wait: exit statuses, signal deaths, WNOHANG, ECHILD, exec errors. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, int st)
{
    if (WIFEXITED(st))
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("%s: killed by %d (%s)\n", what, WTERMSIG(st), strsignal(WTERMSIG(st)));
    else
        printf("%s: other 0x%x\n", what, st);
}

int main(void)
{
    int st;
    for (int code = 0; code < 300; code += 97) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0)
            _exit(code);
        pid_t got = waitpid(pid, &st, 0);
        printf("waitpid matches: %d\n", got == pid);
        show("exit code", st);
    }
    /* the child's getppid is our pid */
    int fds[2];
    pipe(fds);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int ok = getppid() != getpid();
        write(fds[1], &ok, sizeof ok);
        pid_t me = getpid();
        write(fds[1], &me, sizeof me);
        _exit(0);
    }
    int ok = 0;
    pid_t childpid = 0;
    read(fds[0], &ok, sizeof ok);
    read(fds[0], &childpid, sizeof childpid);
    printf("child pid reported = fork's answer: %d, ppid differs: %d\n", childpid == pid, ok);
    wait(&st);
    close(fds[0]);
    close(fds[1]);

    /* signal deaths */
    int sigs[] = { SIGTERM, SIGKILL, SIGSEGV, SIGUSR1 };
    for (int i = 0; i < 4; i++) {
        fflush(stdout);
        pid = fork();
        if (pid == 0) {
            if (sigs[i] == SIGSEGV) {
                volatile int *p = (int *)0;
                *p = 1;
            }
            kill(getpid(), sigs[i]);
            for (;;)
                sleep(1);
        }
        waitpid(pid, &st, 0);
        show("signal", st);
    }
    /* WNOHANG on a running child, then kill it */
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        for (;;)
            sleep(1);
    }
    printf("WNOHANG: %d\n", waitpid(pid, &st, WNOHANG));
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    show("killed sleeper", st);
    /* no children left */
    errno = 0;
    { long r_ = (long)(wait(&st)); int e_ = errno; printf("wait without children: %ld %s\n", r_, strerror(e_)); }
    { long r_ = (long)(waitpid(99999, &st, 0)); int e_ = errno; printf("waitpid bad pid: %ld %s\n", r_, strerror(e_)); }

    /* exec: a program found on PATH, then errors */
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        char *argv[] = { "echo", "exec", "works", 0 };
        execvp("echo", argv);
        _exit(99);
    }
    waitpid(pid, &st, 0);
    show("execvp echo", st);
    char *argv[] = { "x", 0 };
    errno = 0;
    { long r_ = (long)(execve("/nonexistent/prog", argv, environ)); int e_ = errno; printf("execve missing: %ld %s\n", r_, strerror(e_)); }
    int fd = open("notelf", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    write(fd, "just text\n", 10);
    close(fd);
    errno = 0;
    { long r_ = (long)(execve("./notelf", argv, environ)); int e_ = errno; printf("execve text file: %ld %s\n", r_, strerror(e_)); }
    errno = 0;
    { long r_ = (long)(execvp("no-such-command-here", argv)); int e_ = errno; printf("execvp missing: %ld %s\n", r_, strerror(e_)); }
    unlink("notelf");
    return 0;
}
