/* seccomp.c -- `ctr run --security-opt seccomp=PROFILE` (Docker's flag): a profile compiled to a
 * classic-BPF filter (containers/seccomp.c in the kernel runs it) and loaded by the container's
 * init right before its execve, as runc does, so the command and everything it forks is confined.
 * Docker's profiles are JSON (defaultAction, syscalls[].names, action); ours are the same facts
 * as text, one rule a line, '#' comments:
 *   default errno|kill|allow      what any call not named gets (SCMP_ACT_ERRNO = EPERM,
 *                                 SCMP_ACT_KILL_PROCESS = SIGSYS, SCMP_ACT_ALLOW); errno if absent
 *   allow|errno|kill NAME...      those calls (names as kernel/uapi/syscalls.h, or numbers)
 * The filter (seccomp_filter.rst's example shape): check the architecture (kill on another), load
 * the number, one JEQ + RET pair per named call in the profile's order, the default RET last: a
 * call named late runs more instructions -- the cost the seccomp lab measures.
 * `seccomp=unconfined` loads nothing. */
#include <sys/syscall.h>
#include "ctr.h"

#define MAXRULES 200
struct filt { unsigned short code; unsigned char jt, jf; unsigned int k; };
static struct filt prog[2 * MAXRULES + 6];
static int nprog;

static const struct { int nr; const char *name; } calls[] = {
#define CTR_CALL_(n, name) { n, #name },
    SYSCALL_LIST(CTR_CALL_)
#undef CTR_CALL_
};

static unsigned action(const char *w)
{
    return !strcmp(w, "allow") ? 0x7fff0000u : !strcmp(w, "errno") ? 0x00050000u | EPERM
         : !strcmp(w, "kill") ? 0x80000000u : 1;   /* 1: not an action */
}

static void add(unsigned short code, unsigned char jt, unsigned char jf, unsigned k)
{
    prog[nprog++] = (struct filt){ code, jt, jf, k };
}

/* Read and compile the profile; dies with Docker's message (125) when it cannot. */
void profile_load(const char *path)
{
    static char text[8192];
    if (!strcmp(path, "unconfined"))
        return;
    if (read_file(path, text, sizeof text) < 0)
        die(125, "ctr: Error response from daemon: opening seccomp profile (%s) failed: open %s: %s",
            path, path, strerror(errno));
    unsigned dflt = 0x00050000u | EPERM, act;
    int line = 0, rules = 0;
    add(0x20, 0, 0, 4);                    /* A = seccomp_data.arch */
    add(0x15, 1, 0, 0x40000003u);          /* AUDIT_ARCH_I386: skip the kill */
    add(0x06, 0, 0, 0x80000000u);
    add(0x20, 0, 0, 0);                    /* A = seccomp_data.nr */
    for (char *l = text, *next; l && *l; l = next) {
        next = strchr(l, '\n');
        if (next)
            *next++ = 0;
        line++;
        char *hash = strchr(l, '#'), *w;
        if (hash)
            *hash = 0;
        if (!(w = strtok(l, " \t")))
            continue;
        if (!strcmp(w, "default")) {
            char *a = strtok(NULL, " \t");
            if (!a || (dflt = action(a)) == 1)
                die(125, "ctr: seccomp profile %s line %d: unknown default action '%s'", path, line, a ? a : "");
            continue;
        }
        if ((act = action(w)) == 1)
            die(125, "ctr: seccomp profile %s line %d: unknown action '%s'", path, line, w);
        for (char *n; (n = strtok(NULL, " \t")) != NULL;) {
            char *end;
            long nr = strtol(n, &end, 10);
            if (*end) {
                nr = -1;
                for (unsigned i = 0; i < sizeof calls / sizeof calls[0]; i++)
                    if (!strcmp(calls[i].name, n))
                        nr = calls[i].nr;
            }
            if (nr < 0)
                die(125, "ctr: seccomp profile %s line %d: unknown system call '%s'", path, line, n);
            if (++rules > MAXRULES)
                die(125, "ctr: seccomp profile %s: more than %d system calls", path, MAXRULES);
            add(0x15, 0, 1, (unsigned)nr);  /* JEQ nr: the next RET, else skip it */
            add(0x06, 0, 0, act);
        }
    }
    add(0x06, 0, 0, dflt);
}

/* In the container's init, last thing before execve. */
void profile_apply(void)
{
    struct { unsigned short len; struct filt *filter; } fp = { (unsigned short)nprog, prog };
    if (nprog && syscall(SYS_prctl, 22, 2, (long)&fp, 0, 0) < 0)   /* PR_SET_SECCOMP, FILTER */
        die(125, "ctr: seccomp filter: %s", strerror(errno));
}
