/* Reading a whole input into lines, shared by sort and tail (a header, not a library: each
 * program stays one file plus this). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lines { char **v; int n, cap; };

static int read_lines(FILE *f, struct lines *L)
{
    char *line = 0;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        if (L->n == L->cap) {
            L->cap = L->cap ? L->cap * 2 : 64;
            char **v = realloc(L->v, sizeof(char *) * (size_t)L->cap);
            if (!v)
                return -1;
            L->v = v;
        }
        L->v[L->n++] = strdup(line);
    }
    free(line);
    return 0;
}
