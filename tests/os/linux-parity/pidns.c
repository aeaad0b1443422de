/* pidns.c: nested PID namespaces (pid_namespaces(7)): numbering from 1 in each namespace,
 * getppid() 0 at a namespace's init, the pids fork(2) and wait(2) report, orphans reparented to
 * the namespace's init, the init's death killing the namespace (and fork into it then ENOMEM),
 * unshare(CLONE_NEWPID) leaving the caller's own pid alone and refusing a second time (EINVAL).
 * The init keeps a pipe's write end open in a child g, so g's death shows as EOF.
 * Each parent prints only after its child has finished, so the order of lines is fixed. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <signal.h>
#include "nsutil.h"

static void say(const char *who, const char *what, long v) { printf("%s: %s %ld\n", who, what, v); fflush(stdout); }

/* The namespace's init: pids, a nested namespace, an orphan. */
static int init_main(int keep)
{
    say("init", "getpid", getpid());
    say("init", "getppid", getppid());
    SHOW("init: setpgid(0, 0)", setpgid(0, 0));
    say("init", "getpgrp", getpgrp());
    pid_t b = fork();
    if (b == 0) {
        say("b", "getpid", getpid());
        say("b", "getppid", getppid());
        say("b", "getpgid(0) (its parent's group)", getpgid(0));
        SHOW("b: setpgid(0, 0)", setpgid(0, 0));
        say("b", "getpgrp", getpgrp());
        SHOW("b: kill(-1, 0) (all but the init and itself)", kill(-1, 0));
        SHOW("b: setpgid(0, 99) (no such group)", setpgid(0, 99));
        pid_t self = getpid();
        if (unshare(CLONE_NEWPID) < 0)
            die("unshare nested");
        say("b", "getpid after unshare", getpid() == self);
        pid_t c = fork();
        if (c == 0) {
            say("c", "getpid", getpid());
            say("c", "getppid", getppid());
            _exit(7);
        }
        reap(c, "b: nested init c");
        say("b", "fork had returned", c);
        _exit(0);
    }
    reap(b, "init: b");
    say("init", "fork had returned", b);
    SHOW("init: kill(-b, 0) once b is gone", kill(-b, 0));
    /* An orphan: d forks e and exits; e's parent becomes this init (pid 1). */
    int p[2];
    if (pipe(p) < 0)
        die("pipe");
    pid_t d = fork();
    if (d == 0) {
        pid_t was = getpid();
        pid_t e = fork();
        if (e == 0) {
            close(p[0]);
            while (getppid() == was)
                usleep(1000);
            char ppid = (char)('0' + getppid());
            write(p[1], &ppid, 1);
            _exit(3);
        }
        _exit(0);
    }
    close(p[1]);
    reap(d, "init: d");
    say("init", "fork had returned", d);
    char ch = '?';
    read(p[0], &ch, 1);
    printf("e: getppid after its parent died %c\n", ch);
    int st;
    pid_t got = wait(&st);
    say("init", "reaped orphan pid", got);
    say("init", "orphan status", WEXITSTATUS(st));
    SHOW("init: wait with no children", wait(&st));
    /* g outlives this init, holding the pipe's write end: the init's death must kill it. */
    if (fork() == 0) {
        for (;;)
            sleep(100);
    }
    close(keep);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    pid_t self = getpid();
    if (unshare(CLONE_NEWPID) < 0)
        die("unshare");
    say("main", "getpid unchanged by unshare", getpid() == self);
    SHOW("main: unshare(CLONE_NEWPID) again", unshare(CLONE_NEWPID));
    int p[2];
    if (pipe(p) < 0)
        die("pipe");
    pid_t a = fork();
    if (a < 0)
        die("fork");
    if (a == 0) {
        close(p[0]);
        _exit(init_main(p[1]));
    }
    close(p[1]);
    reap(a, "main: init");
    say("main", "its pid seen from outside is not 1", a != 1);
    say("main", "getppid of main is not 0", getppid() != 0);
    char buf[1];
    say("main", "read from g's pipe once the init died", read(p[0], buf, 1));
    SHOW("main: fork into the namespace whose init died", fork());
    return 0;
}
