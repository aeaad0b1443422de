/* seq [FIRST [INCR]] LAST: print numbers (integers). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    long first = 1, incr = 1, last;
    char *end;
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: seq [FIRST [INCR]] LAST\n");
        return 1;
    }
    long v[3];
    for (int i = 1; i < argc; i++) {
        v[i - 1] = strtol(argv[i], &end, 10);
        if (!*argv[i] || *end) {
            fprintf(stderr, "seq: invalid argument: '%s'\n", argv[i]);
            return 1;
        }
    }
    if (argc == 2) last = v[0];
    else if (argc == 3) first = v[0], last = v[1];
    else first = v[0], incr = v[1], last = v[2];
    if (incr == 0) {
        fprintf(stderr, "seq: invalid Zero increment value: '0'\n");
        return 1;
    }
    for (long x = first; incr > 0 ? x <= last : x >= last; x += incr)
        printf("%ld\n", x);
    return 0;
}
