/* sigtest: signals as Linux delivers them -- a handler runs and execution resumes where it was
 * (registers intact), SIG_IGN discards, a blocked signal waits for sigprocmask, SIG_DFL
 * terminates with the signal in the wait status, and a handler that faults dies of SIGSEGV. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int got;

static void on_usr1(int sig) { got = sig; }

static int child_status(void (*fn)(void))
{
    pid_t pid = fork();
    if (pid == 0) {
        fn();
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    return st;
}

static void term_self(void) { kill(getpid(), SIGTERM); for (;;) sleep(1); }
static void fault_in_handler_sig(int sig) { (void)sig; *(volatile int *)0 = 1; }
static void fault_in_handler(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = fault_in_handler_sig;
    sigaction(SIGUSR2, &sa, 0);
    kill(getpid(), SIGUSR2);
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, 0);
    volatile int a = 11, b = 31;
    kill(getpid(), SIGUSR1);
    printf("handler ran: %s; locals intact: %s\n", got == SIGUSR1 ? "yes" : "no", a * b == 341 ? "yes" : "no");

    signal(SIGTERM, SIG_IGN);
    kill(getpid(), SIGTERM);
    printf("SIGTERM ignored: still here\n");
    signal(SIGTERM, SIG_DFL);

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    got = 0;
    sigprocmask(SIG_BLOCK, &set, 0);
    kill(getpid(), SIGUSR1);
    int while_blocked = got;
    sigprocmask(SIG_UNBLOCK, &set, 0);
    printf("blocked SIGUSR1 waited: %s, then delivered: %s\n", while_blocked == 0 ? "yes" : "no",
           got == SIGUSR1 ? "yes" : "no");

    int st = child_status(term_self);
    printf("child killed by SIGTERM: %s\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM ? "yes" : "no");
    st = child_status(fault_in_handler);
    printf("child faulting in a handler dies of SIGSEGV: %s\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV ? "yes" : "no");
    return 0;
}
