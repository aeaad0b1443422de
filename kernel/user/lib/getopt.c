/* POSIX getopt: short options, "x:" takes an argument, a leading ':' in optstring reports a missing
 * argument as ':' quietly; "--" ends the options. Messages as glibc prints them. */
#include <unistd.h>
#include <stdio.h>
#include <string.h>

char *optarg;
int optind = 1, opterr = 1, optopt;
static int nextchar;   /* index within argv[optind] of the next option letter */

int getopt(int argc, char *const argv[], const char *optstring)
{
    if (optind == 0) {   /* glibc's way to restart scanning */
        optind = 1;
        nextchar = 0;
    }
    optarg = 0;
    if (nextchar == 0) {
        if (optind >= argc || argv[optind][0] != '-' || argv[optind][1] == 0)
            return -1;
        if (!strcmp(argv[optind], "--")) {
            optind++;
            return -1;
        }
        nextchar = 1;
    }
    int quiet = optstring[0] == ':';
    char c = argv[optind][nextchar++];
    const char *spec = c == ':' ? 0 : strchr(optstring + quiet, c);
    int last = argv[optind][nextchar] == 0;
    if (!spec) {
        optopt = c;
        if (opterr && !quiet)
            fprintf(stderr, "%s: invalid option -- '%c'\n", argv[0], c);
        if (last) {
            optind++;
            nextchar = 0;
        }
        return '?';
    }
    if (spec[1] == ':') {
        if (!last) {
            optarg = (char *)&argv[optind][nextchar];
        } else if (optind + 1 < argc) {
            optarg = argv[++optind];
        } else {
            optopt = c;
            optind++;
            nextchar = 0;
            if (opterr && !quiet)
                fprintf(stderr, "%s: option requires an argument -- '%c'\n", argv[0], c);
            return quiet ? ':' : '?';
        }
        optind++;
        nextchar = 0;
        return c;
    }
    if (last) {
        optind++;
        nextchar = 0;
    }
    return c;
}
