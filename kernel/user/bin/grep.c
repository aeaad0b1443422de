/* grep [-v] [-c] [-n] [-i] PATTERN [FILE...]: print lines matching PATTERN, a basic regular
 * expression (c . [set] [^set] * ^ $ \c). Exit 0 if a line matched, 1 if none, 2 on error. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int opt_v, opt_c, opt_n, opt_i;
static const char *pat;

/* A basic regular expression matcher in the manner of Kernighan and Pike's (The Practice of
 * Programming, ch. 9): c . [set] [^set] x* ^ $ and \c for a literal c. */
static int fold(int c) { return opt_i ? tolower(c) : c; }

/* One pattern item at p matches char c; *len is the item's length in the pattern. */
static int item_match(const char *p, char c, int *len)
{
    if (*p == '\\' && p[1]) {
        *len = 2;
        return fold((unsigned char)p[1]) == fold((unsigned char)c);
    }
    if (*p == '[') {
        const char *q = p + 1;
        int neg = *q == '^', hit = 0;
        if (neg)
            q++;
        for (int first = 1; *q && (*q != ']' || first); q++, first = 0) {
            if (q[1] == '-' && q[2] && q[2] != ']') {
                if (fold((unsigned char)c) >= fold((unsigned char)q[0]) && fold((unsigned char)c) <= fold((unsigned char)q[2]))
                    hit = 1;
                q += 2;
            } else if (fold((unsigned char)*q) == fold((unsigned char)c)) {
                hit = 1;
            }
        }
        if (*q == ']') {
            *len = (int)(q + 1 - p);
            return hit != neg;
        }
    }
    *len = 1;
    return *p == '.' || fold((unsigned char)*p) == fold((unsigned char)c);
}

static int match_here(const char *p, const char *s);

static int match_star(const char *item, const char *rest, const char *s)
{
    int len;
    do {   /* zero or more of item, then the rest */
        if (match_here(rest, s))
            return 1;
    } while (*s && item_match(item, *s++, &len));
    return 0;
}

static int match_here(const char *p, const char *s)
{
    for (;;) {
        if (!*p)
            return 1;
        if (p[0] == '$' && !p[1])
            return !*s;
        int len;
        if (!*s) {
            item_match(p, 'x', &len);
            if (p[len] == '*') {
                p += len + 1;
                continue;
            }
            return 0;
        }
        int ok = item_match(p, *s, &len);
        if (p[len] == '*')
            return match_star(p, p + len + 1, s);
        if (!ok)
            return 0;
        p += len;
        s++;
    }
}

static int match(const char *line)
{
    if (pat[0] == '^')
        return match_here(pat + 1, line);
    do
        if (match_here(pat, line))
            return 1;
    while (*line++);
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
        if (match(line) != opt_v) {
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
    while ((c = getopt(argc, argv, "vcni")) != -1) {
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
