/* forkbench: the costs the OS issue tracks, in virtual cycles (RDTSC: vx86's TSC counts the
 * machine's virtual cycles). fork+exec+exit+wait of /bin/true, and a context switch measured
 * as half of a sched_yield ping-pong between two processes (each yield is a system call and a
 * switch), and a pipe round trip. Prints averages. */
#include <sched.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

int main(void)
{
    enum { SPAWNS = 20, ROUNDS = 200 };
    char *argv[] = { "/bin/true", 0 }, *envp[] = { 0 };
    uint64_t t0 = rdtsc();
    for (int i = 0; i < SPAWNS; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            execve(argv[0], argv, envp);
            _exit(127);
        }
        int st;
        waitpid(pid, &st, 0);
    }
    uint64_t spawn = (rdtsc() - t0) / SPAWNS;

    int ab[2], ba[2];
    pipe(ab);
    pipe(ba);
    char c = 'x';
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < ROUNDS; i++) {
            read(ab[0], &c, 1);
            write(ba[1], &c, 1);
        }
        _exit(0);
    }
    t0 = rdtsc();
    for (int i = 0; i < ROUNDS; i++) {
        write(ab[1], &c, 1);
        read(ba[0], &c, 1);
    }
    uint64_t round = (rdtsc() - t0) / ROUNDS;
    waitpid(pid, 0, 0);
    enum { YIELDS = 500 };
    pid = fork();
    if (pid == 0) {
        for (int i = 0; i < YIELDS; i++)
            sched_yield();
        _exit(0);
    }
    sched_yield();                         /* let the child start yielding */
    t0 = rdtsc();
    for (int i = 0; i < YIELDS; i++)
        sched_yield();
    uint64_t yield = (rdtsc() - t0) / (2 * YIELDS);
    waitpid(pid, 0, 0);
    printf("sched_yield to another process (system call + context switch): %llu cycles\n",
           (unsigned long long)yield);
    printf("fork+exec+exit+wait of /bin/true: %llu cycles\n", (unsigned long long)spawn);
    printf("pipe round trip (2 switches + 2 reads + 2 writes): %llu cycles\n", (unsigned long long)round);
    return 0;
}
