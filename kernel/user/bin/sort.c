/* sort [-r] [-n] [-u] [FILE...]: sort lines (byte order, or numeric with -n). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include "lines.h"

static int opt_r, opt_n, opt_u;

static int cmp(const void *pa, const void *pb)
{
    const char *a = *(char *const *)pa, *b = *(char *const *)pb;
    int c;
    if (opt_n) {
        long x = strtol(a, 0, 10), y = strtol(b, 0, 10);
        c = x < y ? -1 : x > y;
        if (!c)
            c = strcmp(a, b);
    } else {
        c = strcmp(a, b);
    }
    return opt_r ? -c : c;
}

int main(int argc, char **argv)
{
    int c;
    while ((c = getopt(argc, argv, "rnu")) != -1) {
        if (c == 'r') opt_r = 1;
        else if (c == 'n') opt_n = 1;
        else if (c == 'u') opt_u = 1;
        else {
            fprintf(stderr, "usage: sort [-rnu] [FILE...]\n");
            return 2;
        }
    }
    struct lines L = { 0, 0, 0 };
    if (optind == argc)
        read_lines(stdin, &L);
    for (int i = optind; i < argc; i++) {
        FILE *f = fopen(argv[i], "r");
        if (!f) {
            fprintf(stderr, "sort: cannot read: %s: %s\n", argv[i], strerror(errno));
            return 2;
        }
        read_lines(f, &L);
        fclose(f);
    }
    for (int i = 0; i < L.n; i++) {   /* a last line without newline sorts like the others */
        size_t n = strlen(L.v[i]);
        if (n && L.v[i][n - 1] == '\n')
            L.v[i][n - 1] = 0;
    }
    qsort(L.v, (size_t)L.n, sizeof(char *), cmp);
    for (int i = 0; i < L.n; i++)
        if (!opt_u || i == 0 || strcmp(L.v[i], L.v[i - 1]))
            puts(L.v[i]);
    return 0;
}
