/* expand.c: a raw word into fields: quotes removed, $NAME ${NAME} $? $$ $! $# $0..$9 $@ $(CMD)
 * $((EXPR)) substituted, unquoted substitutions split at blanks, * ? [...] globbed. */
#include "sh.h"

/* $(CMD): run CMD in a child with stdout on a pipe; the value is its output without trailing
 * newlines. *pp is just after "$(" and is left after the matching ")". */
static char *command_subst(const char **pp)
{
    const char *p = *pp;
    int depth = 1;
    struct str cmd = { 0, 0, 0 };
    for (; *p; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')' && --depth == 0)
            break;
        str_add(&cmd, *p);
    }
    *pp = *p ? p + 1 : p;
    char *text = str_take(&cmd);
    struct str out = { 0, 0, 0 };
    int fds[2];
    if (pipe(fds) < 0) {
        free(text);
        return strdup("");
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 1);
        close(fds[1]);
        interactive = 0;
        signal(SIGINT, SIG_DFL);
        run_text(text, 1);
        fflush(stdout);
        _exit(last_status);
    }
    close(fds[1]);
    char buf[256];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        for (ssize_t i = 0; i < n; i++)
            str_add(&out, buf[i]);
    close(fds[0]);
    int st;
    if (pid > 0) {
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
        last_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
    free(text);
    char *v = str_take(&out);
    size_t len = strlen(v);
    while (len && v[len - 1] == '\n')
        v[--len] = 0;
    return v;
}

/* $((EXPR)): integer arithmetic with + - * / % unary -, parentheses, decimal numbers and
 * variable names (unset or non-numeric is 0). A parse error makes the value 0 and says so. */
struct arith { const char *p; int err; };
static long arith_expr(struct arith *a);
static void arith_blank(struct arith *a)
{
    while (*a->p == ' ' || *a->p == '\t' || *a->p == '\n')
        a->p++;
}
static long arith_atom(struct arith *a)
{
    arith_blank(a);
    if (*a->p == '(') {
        a->p++;
        long v = arith_expr(a);
        arith_blank(a);
        if (*a->p == ')')
            a->p++;
        else
            a->err = 1;
        return v;
    }
    if (*a->p == '-') {
        a->p++;
        return -arith_atom(a);
    }
    if (*a->p == '+') {
        a->p++;
        return arith_atom(a);
    }
    if (isdigit((unsigned char)*a->p)) {
        char *end;
        long v = strtol(a->p, &end, 10);
        a->p = end;
        return v;
    }
    if (isalpha((unsigned char)*a->p) || *a->p == '_') {
        char name[128];
        size_t n = 0;
        while ((isalnum((unsigned char)*a->p) || *a->p == '_') && n < sizeof name - 1)
            name[n++] = *a->p++;
        name[n] = 0;
        const char *v = var_get(name);
        return v ? strtol(v, 0, 10) : 0;
    }
    a->err = 1;
    return 0;
}
static long arith_term(struct arith *a)
{
    long v = arith_atom(a);
    for (;;) {
        arith_blank(a);
        char op = *a->p;
        if (op != '*' && op != '/' && op != '%')
            return v;
        a->p++;
        long r = arith_atom(a);
        if (op != '*' && r == 0) {
            fprintf(stderr, "sh: arithmetic: division by zero\n");
            a->err = 2;
            return 0;
        }
        v = op == '*' ? v * r : op == '/' ? v / r : v % r;
    }
}
static long arith_expr(struct arith *a)
{
    long v = arith_term(a);
    for (;;) {
        arith_blank(a);
        char op = *a->p;
        if (op != '+' && op != '-')
            return v;
        a->p++;
        long r = arith_term(a);
        v = op == '+' ? v + r : v - r;
    }
}
static char *arith_subst(const char **pp)
{
    /* *pp is just after "$((": find the matching "))" */
    const char *p = *pp;
    int depth = 0;
    const char *start = p;
    for (; *p; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')') {
            if (depth == 0)
                break;
            depth--;
        }
    }
    char *text = strndup(start, (size_t)(p - start));
    *pp = *p ? p + (p[1] == ')' ? 2 : 1) : p;
    struct arith a = { text, 0 };
    long v = arith_expr(&a);
    arith_blank(&a);
    if (*a.p || a.err) {
        if (a.err != 2)
            fprintf(stderr, "sh: arithmetic syntax error: %s\n", text);
        v = 0;
        last_status = 1;
    }
    free(text);
    char buf[24];
    snprintf(buf, sizeof buf, "%ld", v);
    return strdup(buf);
}

/* The value of $NAME, ${NAME}, $(CMD), $((EXPR)) or a special parameter at *pp (after the '$'). */
static char *param(const char **pp)
{
    const char *p = *pp;
    if (p[0] == '(' && p[1] == '(') {
        *pp = p + 2;
        return arith_subst(pp);
    }
    if (*p == '(') {
        *pp = p + 1;
        return command_subst(pp);
    }
    static char num[16];
    char name[128];
    size_t n = 0;
    int brace = *p == '{';
    if (brace)
        p++;
    if (*p == '?' || *p == '$' || *p == '!' || *p == '#' || *p == '@' || *p == '*' || isdigit((unsigned char)*p)) {
        char c = *p++;
        if (brace && *p == '}')
            p++;
        *pp = p;
        if (c == '?') { snprintf(num, sizeof num, "%d", last_status); return strdup(num); }
        if (c == '$') { snprintf(num, sizeof num, "%d", getpid()); return strdup(num); }
        if (c == '!') { snprintf(num, sizeof num, "%d", last_bg_pid); return strdup(num); }
        if (c == '#') { snprintf(num, sizeof num, "%d", pos_count > 0 ? pos_count - 1 : 0); return strdup(num); }
        if (c == '@' || c == '*') {
            struct str b = { 0, 0, 0 };
            for (int i = 1; i < pos_count; i++) {
                if (i > 1)
                    str_add(&b, ' ');
                str_cat(&b, pos_args[i]);
            }
            return str_take(&b);
        }
        int i = c - '0';
        return strdup(i < pos_count ? pos_args[i] : "");
    }
    while ((isalnum((unsigned char)*p) || *p == '_') && n < sizeof name - 1)
        name[n++] = *p++;
    name[n] = 0;
    if (brace) {
        if (*p != '}') {
            fprintf(stderr, "sh: bad substitution\n");
            *pp = p;
            return strdup("");
        }
        p++;
    }
    *pp = p;
    if (n == 0)
        return strdup("$");
    const char *v = var_get(name);
    return strdup(v ? v : "");
}

/* [set] at pat (just after '['): does c match? *end is left after the ']'. [!set] negates,
 * a-z is a range. A '[' without its ']' is an ordinary character (answer -1). */
static int bracket_match(const char *pat, char c, const char **end)
{
    const char *p = pat;
    int neg = *p == '!' || *p == '^', hit = 0;
    if (neg)
        p++;
    for (int first = 1; *p && (*p != ']' || first); p++, first = 0) {
        if (p[1] == '-' && p[2] && p[2] != ']') {
            if (c >= p[0] && c <= p[2])
                hit = 1;
            p += 2;
        } else if (*p == c) {
            hit = 1;
        }
    }
    if (*p != ']')
        return -1;
    *end = p + 1;
    return hit != neg;
}

int glob_match(const char *pat, const char *s)
{
    while (*pat) {
        if (*pat == '*') {
            for (const char *t = s;; t++) {
                if (glob_match(pat + 1, t))
                    return 1;
                if (!*t)
                    return 0;
            }
        }
        if (!*s)
            return 0;
        if (*pat == '[') {
            const char *end;
            int m = bracket_match(pat + 1, *s, &end);
            if (m >= 0) {
                if (!m)
                    return 0;
                pat = end;
                s++;
                continue;
            }
        }
        if (*pat != '?' && *pat != *s)
            return 0;
        pat++;
        s++;
    }
    return !*s;
}
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Expand * and ? in the last component of `word`; no match leaves the word as it is. */
static void glob_word(struct fields *out, char *word)
{
    char *slash = strrchr(word, '/');
    const char *pat = slash ? slash + 1 : word;
    const char *br = strchr(pat, '[');
    int has_set = br && strchr(br, ']');   /* a lone "[" (the test command) is no pattern */
    if ((!strpbrk(pat, "*?") && !has_set) || (slash && strpbrk(word, "*?[") < slash)) {
        fields_add(out, word);
        return;
    }
    char dir[512];
    if (slash) {
        size_t n = (size_t)(slash - word);
        if (n >= sizeof dir) {
            fields_add(out, word);
            return;
        }
        memcpy(dir, word, n);
        dir[n] = 0;
    }
    DIR *d = opendir(slash ? (slash == word ? "/" : dir) : ".");
    int before = out->n;
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.' && pat[0] != '.')
                continue;
            if (glob_match(pat, e->d_name)) {
                struct str b = { 0, 0, 0 };
                if (slash) {
                    str_cat(&b, slash == word ? "" : dir);
                    str_add(&b, '/');
                }
                str_cat(&b, e->d_name);
                fields_add(out, str_take(&b));
            }
        }
        closedir(d);
    }
    if (out->n == before) {
        fields_add(out, word);
        return;
    }
    qsort(out->v + before, (size_t)(out->n - before), sizeof(char *), cmp_str);
    free(word);
}

/* Expand one raw word into fields: quotes removed, parameters substituted, unquoted
 * substitutions split at blanks, unquoted * and ? globbed. */
void expand(struct fields *out, const char *w, int do_glob)
{
    struct str cur = { 0, 0, 0 };
    int have = 0;       /* a field is started (even if empty, e.g. "") */
    int globbable = 0;
    int at_empty = 0;   /* saw "$@" with no positional parameters */
    const char *p = w;
    if (*p == '~' && (p[1] == '/' || p[1] == 0)) {
        const char *home = var_get("HOME");
        str_cat(&cur, home ? home : "/");
        have = 1;
        p++;
    }
    while (*p) {
        char c = *p;
        if (c == '\\') {
            p++;
            if (*p)
                str_add(&cur, *p++);
            have = 1;
        } else if (c == '\'') {
            p++;
            while (*p && *p != '\'')
                str_add(&cur, *p++);
            if (*p)
                p++;
            have = 1;
        } else if (c == '"') {
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1] && strchr("$\"\\`", p[1])) {
                    str_add(&cur, p[1]);
                    p += 2;
                } else if (!strncmp(p, "$@", 2) || !strncmp(p, "${@}", 4)) {
                    /* "$@": one field per positional parameter; none at all when there are none */
                    p += p[1] == '@' ? 2 : 4;
                    if (pos_count <= 1)
                        at_empty = 1;
                    for (int i = 1; i < pos_count; i++) {
                        if (i > 1)
                            fields_add(out, str_take(&cur));
                        str_cat(&cur, pos_args[i]);
                    }
                } else if (*p == '$' && p[1] && (isalnum((unsigned char)p[1]) || strchr("_{?$!#@*(", p[1]))) {
                    p++;
                    char *v = param(&p);
                    str_cat(&cur, v);
                    free(v);
                } else {
                    str_add(&cur, *p++);
                }
            }
            if (*p)
                p++;
            have = 1;
        } else if (c == '$' && p[1] && (isalnum((unsigned char)p[1]) || strchr("_{?$!#@*(", p[1]))) {
            p++;
            char *v = param(&p);
            /* unquoted: split at blanks */
            for (char *s = v; *s; s++) {
                if (*s == ' ' || *s == '\t' || *s == '\n') {
                    if (have) {
                        fields_add(out, str_take(&cur));
                        have = 0;
                    }
                } else {
                    str_add(&cur, *s);
                    have = 1;
                }
            }
            free(v);
        } else {
            if (c == '*' || c == '?' || c == '[')
                globbable = 1;
            str_add(&cur, c);
            have = 1;
            p++;
        }
    }
    if (at_empty && cur.len == 0) {   /* the word was just "$@" and there are no parameters */
        free(cur.s);
        return;
    }
    if (have) {
        char *s = str_take(&cur);
        if (globbable && do_glob)
            glob_word(out, s);
        else
            fields_add(out, s);
    }
}
