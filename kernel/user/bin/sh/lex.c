/* lex.c: cut input text into tokens. Words keep their quotes and backslashes, and $(...)
 * stays inside its word; expand() interprets them when the command runs. */
#include "sh.h"

static void push_tok(struct lexer *lx, enum tok t, char *s)
{
    if (lx->n == lx->cap) {
        lx->cap = lx->cap ? lx->cap * 2 : 64;
        struct token *n = xmalloc(sizeof *n * (size_t)lx->cap);
        if (lx->toks) {
            memcpy(n, lx->toks, sizeof *n * (size_t)lx->n);
            free(lx->toks);
        }
        lx->toks = n;
    }
    lx->toks[lx->n].t = t;
    lx->toks[lx->n].s = s;
    lx->n++;
}

/* Cut src into tokens. Words keep quotes and backslashes (expand() removes them). */
void lex(struct lexer *lx, const char *src)
{
    lx->p = src;
    for (;;) {
        const char *p = lx->p;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\\' && p[1] == '\n') {
            lx->p = p + 2;
            continue;
        }
        if (*p == '#') {
            while (*p && *p != '\n')
                p++;
        }
        lx->p = p;
        if (!*p) {
            push_tok(lx, T_EOF, 0);
            return;
        }
        enum tok t = T_WORD;
        int len = 1;
        switch (*p) {
        case '\n': t = T_NL; break;
        case '|': t = p[1] == '|' ? (len = 2, T_OR) : T_PIPE; break;
        case '&': t = p[1] == '&' ? (len = 2, T_AND) : T_AMP; break;
        case ';': t = p[1] == ';' ? (len = 2, T_DSEMI) : T_SEMI; break;
        case '<': t = T_LT; break;
        case '>': t = p[1] == '>' ? (len = 2, T_GTGT) : T_GT; break;
        case '(': t = T_LPAREN; break;
        case ')': t = T_RPAREN; break;
        case '2':
            if (!strncmp(p, "2>&1", 4)) t = T_ERRDUP, len = 4;
            else if (!strncmp(p, "2>>", 3)) t = T_ERRAPP, len = 3;
            else if (!strncmp(p, "2>", 2)) t = T_ERR, len = 2;
            break;
        }
        if (t != T_WORD) {
            push_tok(lx, t, 0);
            lx->p = p + len;
            continue;
        }
        struct str w = { 0, 0, 0 };
        while (*p && !strchr(" \t\n|&;<>()", *p)) {
            char c = *p;
            if (c == '\\') {
                if (p[1] == '\n') {
                    p += 2;
                    continue;
                }
                str_add(&w, *p++);
                if (!*p) {
                    lx->incomplete = 1;
                    break;
                }
                str_add(&w, *p++);
            } else if (c == '$' && p[1] == '(') {
                /* command substitution: copy up to the matching parenthesis */
                int depth = 0;
                str_add(&w, *p++);   /* the '$' */
                do {
                    if (*p == '(')
                        depth++;
                    else if (*p == ')')
                        depth--;
                    str_add(&w, *p++);
                } while (*p && depth > 0);
                if (depth > 0) {
                    lx->incomplete = 1;
                    free(w.s);
                    push_tok(lx, T_EOF, 0);
                    return;
                }
            } else if (c == '\'' || c == '"') {
                str_add(&w, *p++);
                while (*p && *p != c) {
                    if (c == '"' && *p == '\\' && p[1])
                        str_add(&w, *p++);
                    str_add(&w, *p++);
                }
                if (!*p) {
                    lx->incomplete = 1;
                    free(w.s);
                    push_tok(lx, T_EOF, 0);
                    return;
                }
                str_add(&w, *p++);
            } else {
                str_add(&w, *p++);
            }
        }
        lx->p = p;
        push_tok(lx, T_WORD, str_take(&w));
    }
}
