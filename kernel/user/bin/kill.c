/* kill [-SIG|-s SIG] PID..., kill -l: send a signal (default SIGTERM); SIG is a number or a name
 * with or without "SIG". */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* sigabbrev_np in glibc */
#endif
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Signal names come from sigabbrev_np (glibc's name for it; ours reads kernel/uapi/signal.h). */
#define NSIGS 32

static int parse_sig(const char *s)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (*s && !*end)
        return n >= 0 && n < 65 ? (int)n : -1;
    if (!strncasecmp(s, "SIG", 3))
        s += 3;
    for (int i = 1; i < NSIGS; i++)
        if (sigabbrev_np(i) && !strcasecmp(s, sigabbrev_np(i)))
            return i;
    return -1;
}

int main(int argc, char **argv)
{
    int sig = SIGTERM, i = 1;
    if (argc > 1 && !strcmp(argv[1], "-l")) {
        for (int k = 1; k < NSIGS; k++)
            printf("%2d) SIG%s\n", k, sigabbrev_np(k));
        return 0;
    }
    if (i < argc && !strcmp(argv[i], "-s") && i + 1 < argc) {
        sig = parse_sig(argv[i + 1]);
        i += 2;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1]) {
        sig = parse_sig(argv[i] + 1);
        i++;
    }
    if (sig < 0) {
        fprintf(stderr, "kill: invalid signal specification\n");
        return 1;
    }
    if (i == argc) {
        fprintf(stderr, "usage: kill [-SIG] PID...\n");
        return 1;
    }
    int r = 0;
    for (; i < argc; i++) {
        char *end;
        long pid = strtol(argv[i], &end, 10);
        if (!*argv[i] || *end) {
            fprintf(stderr, "kill: %s: arguments must be process IDs\n", argv[i]);
            r = 1;
            continue;
        }
        if (kill((int)pid, sig) < 0) {
            fprintf(stderr, "kill: (%ld) - %s\n", pid, strerror(errno));
            r = 1;
        }
    }
    return r;
}
