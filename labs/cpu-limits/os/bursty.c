/* bursty DELAY_MS N WORK_MS GAP_MS: a request handler. After DELAY_MS asleep, every GAP_MS it gets
 * a request that needs WORK_MS of CPU; it works until its CPU clock says so, then sleeps until the
 * next request. It prints each request's latency (wall time from its arrival to its answer) and its
 * average CPU share, WORK_MS / GAP_MS. Under cpu.max a request whose work is longer than the quota
 * left in the period waits for the next period: the average is under the limit, the latency is not. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long ns(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void sleep_until(long long when)
{
    long long left = when - ns(CLOCK_MONOTONIC);
    if (left <= 0)
        return;
    struct timespec d = { (time_t)(left / 1000000000LL), (long)(left % 1000000000LL) };
    while (nanosleep(&d, &d) < 0)
        ;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: bursty DELAY_MS N WORK_MS GAP_MS\n");
        return 2;
    }
    int n = atoi(argv[2]);
    long long work = atol(argv[3]) * 1000000LL, gap = atol(argv[4]) * 1000000LL;
    sleep_until(ns(CLOCK_MONOTONIC) + atol(argv[1]) * 1000000LL);
    long long t0 = ns(CLOCK_MONOTONIC), worst = 0;
    volatile unsigned x = 1;
    for (int k = 0; k < n; k++) {
        long long arrive = t0 + k * gap;
        sleep_until(arrive);
        long long cpu0 = ns(CLOCK_PROCESS_CPUTIME_ID);
        while (ns(CLOCK_PROCESS_CPUTIME_ID) - cpu0 < work)
            for (int i = 0; i < 500; i++)
                x = x * 1103515245u + 12345u;
        long long lat = ns(CLOCK_MONOTONIC) - arrive;
        if (lat > worst)
            worst = lat;
        printf("bursty: request %d latency %lld us\n", k, lat / 1000);
    }
    printf("bursty: worst latency %lld us, average CPU share %lld%%\n", worst / 1000, 100 * work / gap);
    return 0;
}
