/* schedtest: weighted fair sharing. Two CPU-bound children, nice 0 and nice 5, spin for the same
 * two seconds of wall time; the CPU time each got (CLOCK_PROCESS_CPUTIME_ID) should split as
 * Linux's weights for those nice values, 1024 : 335 (about 3.1 : 1). On the toy OS's virtual time
 * the answer is exact and the same every run. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PRIO_PROCESS 0

static long long ns(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static pid_t spinner(int nice, int fd, long long until)
{
    pid_t pid = fork();
    if (pid == 0) {
        syscall(SYS_setpriority, PRIO_PROCESS, 0, nice);
        while (ns(CLOCK_MONOTONIC) < until)
            ;
        long long cpu = ns(CLOCK_PROCESS_CPUTIME_ID);
        write(fd, &cpu, sizeof cpu);
        _exit(0);
    }
    return pid;
}

int main(int argc, char **argv)
{
    long long ms = argc > 1 ? atoll(argv[1]) : 2000;
    int pa[2], pb[2];
    pipe(pa);
    pipe(pb);
    long long until = ns(CLOCK_MONOTONIC) + ms * 1000000LL;
    pid_t a = spinner(0, pa[1], until), b = spinner(5, pb[1], until);
    long long ca = 0, cb = 0;
    read(pa[0], &ca, sizeof ca);
    read(pb[0], &cb, sizeof cb);
    waitpid(a, 0, 0);
    waitpid(b, 0, 0);
    long hundredths = cb ? (long)((ca * 100 + cb / 2) / cb) : 0;
    printf("nice 0 : nice 5 CPU time = %ld.%02ld : 1 (weights 1024 : 335 = 3.06 : 1)\n", hundredths / 100,
           hundredths % 100);
    long prio = syscall(SYS_getpriority, PRIO_PROCESS, 0);
    printf("getpriority of a nice-0 process: %ld (the raw call returns 20 - nice)\n", prio);
    return 0;
}
