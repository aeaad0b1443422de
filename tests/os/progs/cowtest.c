/* cowtest: fork copies no page until one is written. The parent fills N pages, forks; the child
 * writes K of them. The frame table's free count (MemFree in /proc/meminfo) must drop by exactly
 * K pages across those writes, and the parent must still see its own data.
 * Builds natively too (on Linux the numbers vary with the host's activity; the toy OS's are exact). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 64
#define K 10
#define PAGE 4096

static char pages[N][PAGE] __attribute__((aligned(PAGE)));
static char buf[1024];

static long memfree_kb(void)
{
    int fd = open("/proc/meminfo", O_RDONLY);
    if (fd < 0) {
        perror("cowtest: /proc/meminfo");
        exit(2);
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    char *p = strstr(buf, "MemFree:");
    return p ? strtol(p + 8, NULL, 10) : -1;
}

int main(void)
{
    for (int i = 0; i < N; i++)
        pages[i][0] = 1;
    memfree_kb();
    pid_t pid = fork();
    if (pid < 0) {
        perror("cowtest: fork");
        return 2;
    }
    if (pid == 0) {
        memfree_kb();                      /* the child's own copy of buf and its stack: now */
        long before = memfree_kb();
        for (int i = 0; i < K; i++)
            pages[i][0] = 2;
        long after = memfree_kb();
        printf("child wrote %d of %d shared pages: %ld pages copied\n", K, N, (before - after) / 4);
        fflush(stdout);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    int intact = 1;
    for (int i = 0; i < N; i++)
        intact &= pages[i][0] == 1;
    printf("parent's pages %s\n", intact ? "unchanged" : "CHANGED");
    return intact && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}
