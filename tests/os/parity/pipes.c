/* pipes: transfer, EOF when writers close, EPIPE/SIGPIPE without readers, dup and dup2. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    printf("pipe: %d\n", pipe(p));
    write(p[1], "hello", 5);
    char buf[64];
    ssize_t n = read(p[0], buf, sizeof buf);
    printf("read %d: %.*s\n", (int)n, (int)n, buf);
    close(p[1]);
    printf("read after writer closed: %d\n", (int)read(p[0], buf, sizeof buf));
    close(p[0]);

    /* 100000 bytes from a child through a pipe, checksummed */
    pipe(p);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        char block[1000];
        for (int i = 0; i < 100; i++) {
            for (int k = 0; k < 1000; k++)
                block[k] = (char)(i * 7 + k);
            for (ssize_t done = 0; done < 1000;)
                done += write(p[1], block + done, (size_t)(1000 - done));
        }
        _exit(0);
    }
    close(p[1]);
    unsigned long sum = 0, total = 0;
    while ((n = read(p[0], buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            sum = sum * 31 + (unsigned char)buf[i];
        total += (unsigned long)n;
    }
    close(p[0]);
    int st;
    waitpid(pid, &st, 0);
    printf("transferred %lu bytes, checksum %lu, child status %d\n", total, sum & 0xffffffff, st);

    /* write with no reader: EPIPE when SIGPIPE is ignored, death by SIGPIPE by default */
    pipe(p);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    errno = 0;
    { long r_ = (long)((int)write(p[1], "x", 1)); int e_ = errno; printf("write without reader: %ld %s\n", r_, strerror(e_)); }
    signal(SIGPIPE, SIG_DFL);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        write(p[1], "x", 1);
        _exit(0);
    }
    waitpid(pid, &st, 0);
    printf("default SIGPIPE: signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
    close(p[1]);

    /* dup and dup2 share the file offset and survive the original's close */
    pipe(p);
    int d = dup(p[1]);
    printf("dup gives the lowest free fd: %d\n", d == p[1] + 1);
    close(p[1]);
    write(d, "via dup", 7);
    printf("dup2 to 10: %d\n", dup2(d, 10));
    write(10, "+dup2", 5);
    close(d);
    close(10);
    n = read(p[0], buf, sizeof buf);
    printf("read %d: %.*s\n", (int)n, (int)n, buf);
    errno = 0;
    { long r_ = (long)(dup2(77, 5)); int e_ = errno; printf("dup2 bad fd: %ld %s\n", r_, strerror(e_)); }
    { long r_ = (long)(close(77)); int e_ = errno; printf("close bad fd: %ld %s\n", r_, strerror(e_)); }
    { long r_ = (long)((int)read(77, buf, 1)); int e_ = errno; printf("read bad fd: %ld %s\n", r_, strerror(e_)); }
    return 0;
}
