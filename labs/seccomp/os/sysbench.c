/* sysbench.c -- the seccomp lab's measurement: `sysbench RULES CALLS` loads (when RULES > 0) a
 * filter shaped like the one `ctr --security-opt seccomp=PROFILE` compiles (containers/ctr/seccomp.c):
 * load the number, then RULES pairs "JEQ nr / RET ALLOW" for calls that are never made here, then
 * "RET ALLOW" for everything else -- so getppid, which no rule names, runs all of them, as a call
 * named last in a profile does. Then it times CALLS getppid() calls with RDTSC (vx86's cycle
 * counter) and prints the cycles per call: "per call N". RULES 0: no filter at all. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

struct filt { unsigned short code; unsigned char jt, jf; unsigned int k; };
static struct filt prog[2 * 240 + 2];

static unsigned long long rdtsc(void)
{
    unsigned lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (unsigned long long)hi << 32 | lo;
}

int main(int argc, char **argv)
{
    int rules = argc > 1 ? atoi(argv[1]) : 0, calls = argc > 2 ? atoi(argv[2]) : 100, n = 0;
    if (rules < 0 || rules > 240 || calls <= 0) {
        fprintf(stderr, "sysbench: RULES 0..240, CALLS > 0\n");
        return 2;
    }
    if (rules) {
        prog[n++] = (struct filt){ 0x20, 0, 0, 0 };                  /* A = seccomp_data.nr */
        for (int i = 0; i < rules; i++) {
            prog[n++] = (struct filt){ 0x15, 0, 1, 1000u + (unsigned)i };   /* never a real number */
            prog[n++] = (struct filt){ 0x06, 0, 0, 0x7fff0000u };
        }
        prog[n++] = (struct filt){ 0x06, 0, 0, 0x7fff0000u };
        struct { unsigned short len; struct filt *f; } fp = { (unsigned short)n, prog };
        if (syscall(SYS_prctl, 22, 2, (long)&fp, 0, 0) < 0) {       /* PR_SET_SECCOMP, FILTER */
            perror("sysbench: prctl");
            return 1;
        }
    }
    syscall(SYS_getppid);                  /* warm: the first call walks its pages in */
    unsigned long long t0 = rdtsc();
    for (int i = 0; i < calls; i++)
        syscall(SYS_getppid);
    unsigned long long t = rdtsc() - t0;
    printf("rules %d filter %d per call %llu\n", rules, n, t / (unsigned)calls);
    return 0;
}
