/* test EXPR, [ EXPR ]: evaluate a condition; exit 0 if true, 1 if false, 2 on a usage error.
 * Unary: -e -f -d -r -w -x -s -n -z; binary: = != -eq -ne -lt -le -gt -ge; ! ( ) -a -o. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char **args;
static int nargs, pos, bad;

static const char *next(void) { return pos < nargs ? args[pos++] : 0; }
static const char *peekarg(int k) { return pos + k < nargs ? args[pos + k] : 0; }

static long num(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end) {
        fprintf(stderr, "test: %s: integer expression expected\n", s);
        bad = 1;
    }
    return v;
}

static int expr_or(void);
static int primary(void)
{
    const char *a = next();
    if (!a) {
        bad = 1;
        return 0;
    }
    if (!strcmp(a, "!"))
        return !primary();
    if (!strcmp(a, "(")) {
        int v = expr_or();
        const char *c = next();
        if (!c || strcmp(c, ")"))
            bad = 1;
        return v;
    }
    const char *op = peekarg(0);
    if (op && peekarg(1)) {
        static const char *bin[] = { "=", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", 0 };
        for (int i = 0; bin[i]; i++)
            if (!strcmp(op, bin[i])) {
                pos++;
                const char *b = next();
                switch (i) {
                case 0: return !strcmp(a, b);
                case 1: return strcmp(a, b) != 0;
                case 2: return num(a) == num(b);
                case 3: return num(a) != num(b);
                case 4: return num(a) < num(b);
                case 5: return num(a) <= num(b);
                case 6: return num(a) > num(b);
                default: return num(a) >= num(b);
                }
            }
    }
    if (a[0] == '-' && a[1] && !a[2] && op) {
        struct stat st;
        const char *f = next();
        switch (a[1]) {
        case 'n': return *f != 0;
        case 'z': return *f == 0;
        case 'e': return stat(f, &st) == 0;
        case 'f': return stat(f, &st) == 0 && S_ISREG(st.st_mode);
        case 'd': return stat(f, &st) == 0 && S_ISDIR(st.st_mode);
        case 's': return stat(f, &st) == 0 && st.st_size > 0;
        case 'r': return access(f, R_OK) == 0;
        case 'w': return access(f, W_OK) == 0;
        case 'x': return access(f, X_OK) == 0;
        }
        fprintf(stderr, "test: %s: unary operator expected\n", a);
        bad = 1;
        return 0;
    }
    return *a != 0;
}
static int expr_and(void)
{
    int v = primary();
    while (peekarg(0) && !strcmp(peekarg(0), "-a")) {
        pos++;
        v = primary() && v;
    }
    return v;
}
static int expr_or(void)
{
    int v = expr_and();
    while (peekarg(0) && !strcmp(peekarg(0), "-o")) {
        pos++;
        v = expr_and() || v;
    }
    return v;
}

int main(int argc, char **argv)
{
    const char *base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    if (!strcmp(base, "[")) {
        if (strcmp(argv[argc - 1], "]")) {
            fprintf(stderr, "[: missing `]'\n");
            return 2;
        }
        argc--;
    }
    args = argv + 1;
    nargs = argc - 1;
    if (nargs == 0)
        return 1;
    int v = expr_or();
    if (bad || pos != nargs) {
        if (!bad)
            fprintf(stderr, "test: too many arguments\n");
        return 2;
    }
    return !v;
}
