/* spin DELAY_MS RUN_MS NICE: set this task's nice value (setpriority(2)), sleep DELAY_MS, then burn
 * the CPU until RUN_MS of wall time have passed; say how much of it this task ran (its CPU clock). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define SYS_setpriority 97     /* Linux i386 (kernel/uapi/syscalls.h) */
#define PRIO_PROCESS 0

static long long ns(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: spin DELAY_MS RUN_MS NICE\n");
        return 2;
    }
    long delay = atol(argv[1]), run = atol(argv[2]);
    if (syscall(SYS_setpriority, PRIO_PROCESS, 0, atol(argv[3])) < 0) {
        perror("spin: setpriority");
        return 1;
    }
    struct timespec d = { delay / 1000, delay % 1000 * 1000000L };
    while (nanosleep(&d, &d) < 0)
        ;
    long long start = ns(CLOCK_MONOTONIC), cpu0 = ns(CLOCK_PROCESS_CPUTIME_ID);
    volatile unsigned x = 1;
    while (ns(CLOCK_MONOTONIC) - start < run * 1000000LL)
        for (int i = 0; i < 2000; i++)
            x = x * 1103515245u + 12345u;
    long long wall = ns(CLOCK_MONOTONIC) - start, cpu = ns(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
    printf("spin nice %s: ran %lld us of %lld us\n", argv[3], cpu / 1000, wall / 1000);
    return 0;
}
