/* environment: getenv/setenv/unsetenv/putenv and what a child sees through execve/execvp. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void child_env(const char *var)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = { "sh", "-c", 0, 0 };
        char cmd[128];
        snprintf(cmd, sizeof cmd, "echo child sees $%s", var);
        argv[2] = cmd;
        execvp("sh", argv);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
}

int main(void)
{
    printf("PARITY_A=%s\n", getenv("PARITY_A"));
    printf("missing: %s\n", getenv("PARITY_MISSING") ? "set" : "(unset)");
    printf("setenv: %d\n", setenv("PARITY_B", "bee", 0));
    int r = setenv("PARITY_B", "other", 0);
    printf("no overwrite: %d %s\n", r, getenv("PARITY_B"));
    r = setenv("PARITY_B", "other", 1);
    printf("overwrite: %d %s\n", r, getenv("PARITY_B"));
    errno = 0;
    { long r_ = (long)(setenv("A=B", "x", 1)); int e_ = errno; printf("setenv bad name: %ld %s\n", r_, strerror(e_)); }
    errno = 0;
    { long r_ = (long)(setenv("", "x", 1)); int e_ = errno; printf("setenv empty name: %ld %s\n", r_, strerror(e_)); }
    static char pe[] = "PARITY_C=putenv";
    r = putenv(pe);
    printf("putenv: %d %s\n", r, getenv("PARITY_C"));
    child_env("PARITY_B");
    child_env("PARITY_C");
    r = unsetenv("PARITY_B");
    printf("unsetenv: %d %s\n", r, getenv("PARITY_B") ? "set" : "(unset)");
    child_env("PARITY_B");
    int n = 0;
    for (char **e = environ; *e; e++)
        if (!strncmp(*e, "PARITY_", 7))
            n++;
    printf("PARITY_ variables in environ: %d\n", n);
    /* execve with an explicit environment; the child's output comes back through a pipe so that
     * PWD, which the test harness's wrapper shell may add, can be left out */
    int p[2];
    pipe(p);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        char *argv[] = { "env", 0 };
        char *envp[] = { "ONLY=this", 0 };
        execve(getenv("PARITY_ENV_PATH"), argv, envp);
        printf("execve failed: %s\n", strerror(errno));
        _exit(127);
    }
    close(p[1]);
    FILE *in = fdopen(p[0], "r");
    char line[256];
    while (fgets(line, sizeof line, in))
        if (strncmp(line, "PWD=", 4))
            printf("child env: %s", line);
    fclose(in);
    int st;
    waitpid(pid, &st, 0);
    printf("env exit %d\n", WEXITSTATUS(st));
    return 0;
}
