/* hostile: try to break the kernel from user mode. Each attack runs in a child process whose
 * standard streams point at /dev/null; the child may get errors, exit, or die by a signal, but
 * the kernel must survive and the parent must see every child end (OS issue, acceptance 4).
 *   1. every system call number 0..SYSCALL_NR_MAX+9 with pointer arguments into the kernel, at
 *      unmapped addresses, at NULL and with huge lengths;
 *   2. CALLS random system calls (an LCG picks numbers and arguments, seeded by argv[1]);
 *   3. random bytes executed in user mode, RUNS times;
 *   4. rt_sigreturn with a random signal frame, RUNS times.
 * A few calls that would end the test itself are skipped (see skipped() below). */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NR_MAX 460
#define CALLS_PER_CHILD 2000

static uint32_t seed;
static uint32_t rnd(void) { seed = seed * 1103515245u + 12345u; return seed >> 1; }

static const uint32_t nasty[] = {
    0, 1, 0xC0000000u, 0xC0100000u, 0xFFFFFFFFu, 0xFFFFF000u, 0x10000000u, 0xBFFFFFFFu,
    0x7FFFFFFFu, 0x80000000u, 4096, 0x08048000u, 0xBFFFF000u - 4,
};
#define NNASTY (sizeof nasty / sizeof nasty[0])

/* Calls that would end the test rather than probe the kernel: fork and clone (a random child would
 * go on fuzzing: a bomb is forkbomb's job), nanosleep (a valid pointer can ask for years). */
static int skipped_always(uint32_t nr)
{
    return nr == SYS_fork || nr == SYS_vfork || nr == SYS_clone || nr == SYS_nanosleep;
}

/* With random arguments also: reboot (the right magic is 2^-64 away, but no), kill (pid -1 would
 * signal the shell and this test), and the calls that end the child early (exit, exit_group,
 * rt_sigreturn: part 4 feeds it random frames), so every child makes all its calls. */
static int skipped(uint32_t nr)
{
    return skipped_always(nr) || nr == SYS_reboot || nr == SYS_kill || nr == SYS_exit ||
           nr == SYS_exit_group || nr == SYS_rt_sigreturn;
}

static long raw6(uint32_t nr, uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e, uint32_t f)
{
    long r;
    /* EBP is the frame pointer here: save it around the call by hand. */
    __asm__ volatile("pushl %%ebp\n\tmovl %7, %%ebp\n\tint $0x80\n\tpopl %%ebp"
                     : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e), "m"(f) : "memory");
    return r;
}

static void quiet(void)
{
    int fd = open("/dev/null", O_RDWR);
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
}

/* Run fn in a child; 1 if it ended (exit or signal), as it must. */
static int completed;                      /* children that exited 0: made all their calls */

static int in_child(void (*fn)(uint32_t), uint32_t arg, int *signalled)
{
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        quiet();
        fn(arg);
        _exit(0);
    }
    int st;
    if (waitpid(pid, &st, 0) != pid)
        return 0;
    if (WIFSIGNALED(st))
        (*signalled)++;
    else if (WEXITSTATUS(st) == 0)
        completed++;
    return 1;
}

static void every_number(uint32_t which)
{
    for (uint32_t nr = 0; nr < NR_MAX; nr++) {
        if (skipped_always(nr) || nr == SYS_exit || nr == SYS_exit_group || nr == SYS_rt_sigreturn)
            continue;
        uint32_t v = nasty[which % NNASTY];
        raw6(nr, v, v, v, v, v, v);
    }
}

static void random_calls(uint32_t s)
{
    seed = s;
    for (int i = 0; i < CALLS_PER_CHILD; i++) {
        uint32_t nr = rnd() % NR_MAX;
        if (skipped(nr))
            continue;
        uint32_t a[6];
        for (int k = 0; k < 6; k++) {
            uint32_t pick = rnd() % 4;
            a[k] = pick == 0 ? nasty[rnd() % NNASTY] : pick == 1 ? rnd() % 64 : rnd();
        }
        raw6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    }
}

/* rt_sigreturn with a random frame on the stack: the kernel must restore only what a user may set
 * (segments and privileged EFLAGS bits stay the kernel's), then the child runs wild and dies. */
static void random_sigreturn(uint32_t s)
{
    seed = s;
    uint32_t frame[64];
    for (int i = 0; i < 64; i++)
        frame[i] = rnd() % 3 ? rnd() : nasty[rnd() % NNASTY];
    __asm__ volatile("movl %0, %%esp\n\tmovl %1, %%eax\n\tint $0x80" : : "r"(frame + 1), "i"(SYS_rt_sigreturn) : "memory");
}

static uint8_t code[256] __attribute__((aligned(4096)));

static void random_bytes(uint32_t s)
{
    seed = s;
    for (unsigned i = 0; i < sizeof code; i++)
        code[i] = (uint8_t)rnd();
    ((void (*)(void))code)();
}

int main(int argc, char **argv)
{
    uint32_t s = argc > 1 ? (uint32_t)strtoul(argv[1], 0, 0) : 1;
    int calls = argc > 2 ? atoi(argv[2]) : 100000;
    int runs = argc > 3 ? atoi(argv[3]) : 200;
    int ended = 0, children = 0, sig = 0;
    for (uint32_t w = 0; w < NNASTY; w++, children++)
        ended += in_child(every_number, w, &sig);
    printf("hostile: every system call number with %d kinds of bad pointer: %d/%d children ended\n",
           (int)NNASTY, ended, children);
    int c0 = children, e0 = ended;
    completed = 0;
    for (int done = 0; done < calls; done += CALLS_PER_CHILD, children++)
        ended += in_child(random_calls, s + (uint32_t)done, &sig);
    printf("hostile: %d random system calls in %d children: %d ended, %d made all their calls\n", calls,
           children - c0, ended - e0, completed);
    c0 = children, e0 = ended;
    int sig0 = sig;
    for (int i = 0; i < runs; i++, children++)
        ended += in_child(random_bytes, s * 7919u + (uint32_t)i, &sig);
    printf("hostile: random bytes executed %d times: %d ended, %d by a signal\n", runs, ended - e0, sig - sig0);
    c0 = children, e0 = ended, sig0 = sig;
    for (int i = 0; i < runs; i++, children++)
        ended += in_child(random_sigreturn, s * 104729u + (uint32_t)i, &sig);
    printf("hostile: rt_sigreturn with a random frame %d times: %d ended, %d by a signal\n", runs, ended - e0,
           sig - sig0);
    printf("hostile: kernel alive\n");
    return ended == children ? 0 : 1;
}
