/* head [-n N | -N] [FILE]: the first N (10) lines. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
            fprintf(stderr, "usage: head [-n N] [FILE]\n");
            return 1;
        }
        n = atol(optarg);
    }
    FILE *f = stdin;
    if (optind < argc && !(f = fopen(argv[optind], "r"))) {
        fprintf(stderr, "head: cannot open '%s' for reading: %s\n", argv[optind], strerror(errno));
        return 1;
    }
    int ch;
    while (n > 0 && (ch = fgetc(f)) != EOF) {
        putchar(ch);
        if (ch == '\n')
            n--;
    }
    return 0;
}
