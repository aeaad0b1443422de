/* grep [-v] [-c] [-n] [-i] [-F] PATTERN [FILE...]: print lines containing PATTERN (a fixed string,
 * with ^ and $ anchors; GNU grep reads PATTERN as a basic regular expression unless -F is given).
 * Exit 0 if a line matched, 1 if none, 2 on error. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int opt_v, opt_c, opt_n, opt_i;
static const char *pat;
static size_t patlen;
static int anchor_start, anchor_end;

static int eq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (opt_i ? tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]) : a[i] != b[i])
            return 0;
    return 1;
}

static int match(const char *line, size_t len)
{
    if (patlen > len)
        return 0;
    if (anchor_start && anchor_end)
        return len == patlen && eq(line, pat, patlen);
    if (anchor_start)
        return eq(line, pat, patlen);
    if (anchor_end)
        return eq(line + len - patlen, pat, patlen);
    for (size_t i = 0; i + patlen <= len; i++)
        if (eq(line + i, pat, patlen))
            return 1;
    return 0;
}

static int grep(FILE *f, const char *name)
{
    char *line = 0;
    size_t cap = 0;
    ssize_t len;
    long count = 0, lineno = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t l = (size_t)len;
        if (l && line[l - 1] == '\n')
            line[--l] = 0;
        if (match(line, l) != opt_v) {
            count++;
            if (!opt_c) {
                if (name)
                    printf("%s:", name);
                if (opt_n)
                    printf("%ld:", lineno);
                puts(line);
            }
        }
    }
    if (opt_c) {
        if (name)
            printf("%s:", name);
        printf("%ld\n", count);
    }
    free(line);
    return count > 0;
}

int main(int argc, char **argv)
{
    int c;
    while ((c = getopt(argc, argv, "vcniF")) != -1) {
        if (c == 'F') continue;   /* fixed strings: what this grep always matches */
        if (c == 'v') opt_v = 1;
        else if (c == 'c') opt_c = 1;
        else if (c == 'n') opt_n = 1;
        else if (c == 'i') opt_i = 1;
        else {
            fprintf(stderr, "usage: grep [-vcni] PATTERN [FILE...]\n");
            return 2;
        }
    }
    if (optind == argc) {
        fprintf(stderr, "usage: grep [-vcni] PATTERN [FILE...]\n");
        return 2;
    }
    pat = argv[optind++];
    if (*pat == '^')
        anchor_start = 1, pat++;
    patlen = strlen(pat);
    if (patlen && pat[patlen - 1] == '$')
        anchor_end = 1, patlen--;
    int found = 0, err = 0;
    if (optind == argc)
        found = grep(stdin, 0);
    for (int i = optind; i < argc; i++) {
        FILE *f = fopen(argv[i], "r");
        if (!f) {
            fprintf(stderr, "grep: %s: %s\n", argv[i], strerror(errno));
            err = 1;
            continue;
        }
        found |= grep(f, argc - optind > 1 ? argv[i] : 0);
        fclose(f);
    }
    return err ? 2 : found ? 0 : 1;
}
