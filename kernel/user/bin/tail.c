/* tail [-n N | -N] [FILE]: the last N (10) lines. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lines.h"

int main(int argc, char **argv)
{
    long n = 10;
    int c;
    if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9') {   /* the old -N form */
        n = atol(argv[1] + 1);
        argv[1] = argv[0];
        argv++;
        argc--;
    }
    while ((c = getopt(argc, argv, "n:")) != -1) {
        if (c != 'n') {
            fprintf(stderr, "usage: tail [-n N] [FILE]\n");
            return 1;
        }
        n = atol(optarg);
    }
    FILE *f = stdin;
    if (optind < argc && !(f = fopen(argv[optind], "r"))) {
        fprintf(stderr, "tail: cannot open '%s' for reading: %s\n", argv[optind], strerror(errno));
        return 1;
    }
    struct lines L = { 0, 0, 0 };
    read_lines(f, &L);
    for (int i = L.n > n ? L.n - (int)n : 0; i < L.n; i++)
        fputs(L.v[i], stdout);
    return 0;
}
