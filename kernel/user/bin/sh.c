/* sh: the toy OS's shell, a small POSIX-style sh in the spirit of xv6's sh.c, grown up a little.
 *
 *   sh                 interactive when stdin is a terminal ("$ " prompt), else reads commands from stdin
 *   sh -c 'CMDS' [ARG0 ARGS...]
 *   sh SCRIPT [ARGS...]
 *
 * Pipelines, < > >> 2> 2>> 2>&1, ; && || !, & and wait, ( ) and { }, if/elif/else, while/until,
 * for, case, variables ($X ${X} $? $$ $! $# $0..$9 $@), $(CMD), $((EXPR)), export/unset, single and double quotes,
 * backslash, ~, # comments, * ? [...] globbing of the last path component. Builtins: cd exit export
 * unset wait read shift exec : true false.
 * A child killed by a signal is reported as Unix shells do ("Segmentation fault") and $? is 128+sig.
 *
 * Shape: the input is cut into tokens (lex), parsed into a tree (parse_*), and the tree is run
 * (run). Words keep their quotes until they are expanded at run time, so loops see new values. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---------------------------------------------------------------- data structures */

enum tok { T_WORD, T_PIPE, T_OR, T_AND, T_AMP, T_SEMI, T_NL, T_LT, T_GT, T_GTGT, T_ERR, T_ERRAPP,
           T_ERRDUP, T_LPAREN, T_RPAREN, T_DSEMI, T_EOF };
static const char *tok_text[] = { "word", "|", "||", "&&", "&", ";", "newline", "<", ">", ">>", "2>",
                                  "2>>", "2>&1", "(", ")", ";;", "end of file" };

struct token { enum tok t; char *s; };

enum ntype { N_CMD, N_PIPE, N_AND, N_OR, N_NOT, N_SEQ, N_BG, N_IF, N_WHILE, N_UNTIL, N_FOR, N_SUB, N_GROUP,
             N_CASE, N_ITEM };

struct redir { enum tok t; char *word; struct redir *next; };

struct node {
    enum ntype t;
    struct node *a, *b, *c;     /* children: SEQ/AND/OR a,b; IF cond a, then b, else c; loops cond a, body b;
                                   CASE first item a; ITEM body a, next item c */
    char **words;               /* CMD: words (raw); FOR: the list; CASE: the subject; ITEM: patterns */
    int nwords;
    struct redir *redirs;       /* CMD, SUB, GROUP */
    char *var;                  /* FOR */
};

struct var { char *name, *value; int exported; struct var *next; };

static struct var *vars;
static int last_status;
static int interactive;
static int last_bg_pid;
static char **pos_args;   /* $0 $1 ... */
static int pos_count;
static int exec_direct;   /* the next simple command is all a forked child has left to do: exec it without forking */

/* ---------------------------------------------------------------- small helpers */

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "sh: out of memory\n");
        exit(2);
    }
    return p;
}

struct str { char *s; size_t len, cap; };
static void str_add(struct str *b, char c)
{
    if (b->len + 2 > b->cap) {
        b->cap = b->cap ? b->cap * 2 : 64;
        char *n = xmalloc(b->cap);
        if (b->s) {
            memcpy(n, b->s, b->len);
            free(b->s);
        }
        b->s = n;
    }
    b->s[b->len++] = c;
    b->s[b->len] = 0;
}
static void str_cat(struct str *b, const char *s)
{
    while (*s)
        str_add(b, *s++);
}
static char *str_take(struct str *b)
{
    if (!b->s)
        str_add(b, 0), b->len = 0;
    char *s = b->s;
    b->s = 0;
    b->len = b->cap = 0;
    return s;
}

/* ---------------------------------------------------------------- variables */

static struct var *var_find(const char *name)
{
    for (struct var *v = vars; v; v = v->next)
        if (!strcmp(v->name, name))
            return v;
    return 0;
}
static void var_set(const char *name, const char *value, int export)
{
    struct var *v = var_find(name);
    if (!v) {
        v = xmalloc(sizeof *v);
        v->name = strdup(name);
        v->value = 0;
        v->exported = 0;
        v->next = vars;
        vars = v;
    }
    if (value) {
        free(v->value);
        v->value = strdup(value);
    }
    if (export)
        v->exported = 1;
}
static void var_unset(const char *name)
{
    for (struct var **p = &vars; *p; p = &(*p)->next)
        if (!strcmp((*p)->name, name)) {
            struct var *v = *p;
            *p = v->next;
            free(v->name);
            free(v->value);
            free(v);
            return;
        }
}
static const char *var_get(const char *name)
{
    struct var *v = var_find(name);
    return v ? v->value : 0;
}
static int valid_name(const char *s, size_t n)
{
    if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
            return 0;
    return 1;
}
/* The environment a child gets: every exported variable with a value. */
static char **make_env(void)
{
    int n = 0;
    for (struct var *v = vars; v; v = v->next)
        n++;
    char **env = xmalloc(sizeof(char *) * (size_t)(n + 1));
    int i = 0;
    for (struct var *v = vars; v; v = v->next)
        if (v->exported && v->value) {
            struct str b = { 0, 0, 0 };
            str_cat(&b, v->name);
            str_add(&b, '=');
            str_cat(&b, v->value);
            env[i++] = str_take(&b);
        }
    env[i] = 0;
    return env;
}

/* ---------------------------------------------------------------- lexer */

struct lexer { const char *p; struct token *toks; int n, cap; int incomplete; int error; };

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
static void lex(struct lexer *lx, const char *src)
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

/* ---------------------------------------------------------------- parser */

struct parser { struct token *toks; int pos; int incomplete; int error; };

static struct node *new_node(enum ntype t)
{
    struct node *n = xmalloc(sizeof *n);
    memset(n, 0, sizeof *n);
    n->t = t;
    return n;
}
static enum tok peek(struct parser *ps) { return ps->toks[ps->pos].t; }
static int is_word(struct parser *ps, const char *kw)
{
    return peek(ps) == T_WORD && !strcmp(ps->toks[ps->pos].s, kw);
}
static void syntax_error(struct parser *ps)
{
    if (ps->error || ps->incomplete)
        return;
    if (peek(ps) == T_EOF) {
        ps->incomplete = 1;
        return;
    }
    ps->error = 1;
    struct token *t = &ps->toks[ps->pos];
    fprintf(stderr, "sh: syntax error near unexpected token `%s'\n", t->t == T_WORD ? t->s : tok_text[t->t]);
}
static void skip_nl(struct parser *ps)
{
    while (peek(ps) == T_NL)
        ps->pos++;
}
static int expect_word(struct parser *ps, const char *kw)
{
    skip_nl(ps);
    if (is_word(ps, kw)) {
        ps->pos++;
        return 1;
    }
    syntax_error(ps);
    return 0;
}

static struct node *parse_list(struct parser *ps, const char **stop);
static int is_stop(struct parser *ps, const char **stop)
{
    if (peek(ps) == T_EOF || peek(ps) == T_RPAREN || peek(ps) == T_DSEMI)
        return 1;
    for (; stop && *stop; stop++)
        if (is_word(ps, *stop))
            return 1;
    return 0;
}

static int parse_redir(struct parser *ps, struct redir ***tail)
{
    enum tok t = peek(ps);
    if (t != T_LT && t != T_GT && t != T_GTGT && t != T_ERR && t != T_ERRAPP && t != T_ERRDUP)
        return 0;
    ps->pos++;
    struct redir *r = xmalloc(sizeof *r);
    r->t = t;
    r->word = 0;
    r->next = 0;
    if (t != T_ERRDUP) {
        if (peek(ps) != T_WORD) {
            syntax_error(ps);
            free(r);
            return -1;
        }
        r->word = ps->toks[ps->pos++].s;
    }
    **tail = r;
    *tail = &r->next;
    return 1;
}

static struct node *parse_command(struct parser *ps)
{
    static const char *then_stop[] = { "then", 0 }, *do_stop[] = { "do", 0 }, *done_stop[] = { "done", 0 },
                      *else_stop[] = { "elif", "else", "fi", 0 }, *fi_stop[] = { "fi", 0 }, *brace_stop[] = { "}", 0 };
    struct node *n = 0;
    if (is_word(ps, "if")) {
        ps->pos++;
        n = new_node(N_IF);
        n->a = parse_list(ps, then_stop);
        if (!expect_word(ps, "then"))
            return n;
        n->b = parse_list(ps, else_stop);
        skip_nl(ps);
        struct node *cur = n;
        while (is_word(ps, "elif")) {
            ps->pos++;
            struct node *e = new_node(N_IF);
            e->a = parse_list(ps, then_stop);
            if (!expect_word(ps, "then"))
                return n;
            e->b = parse_list(ps, else_stop);
            cur->c = e;
            cur = e;
            skip_nl(ps);
        }
        if (is_word(ps, "else")) {
            ps->pos++;
            cur->c = parse_list(ps, fi_stop);
        }
        expect_word(ps, "fi");
    } else if (is_word(ps, "while") || is_word(ps, "until")) {
        n = new_node(is_word(ps, "while") ? N_WHILE : N_UNTIL);
        ps->pos++;
        n->a = parse_list(ps, do_stop);
        if (!expect_word(ps, "do"))
            return n;
        n->b = parse_list(ps, done_stop);
        expect_word(ps, "done");
    } else if (is_word(ps, "for")) {
        ps->pos++;
        n = new_node(N_FOR);
        if (peek(ps) != T_WORD || !valid_name(ps->toks[ps->pos].s, strlen(ps->toks[ps->pos].s))) {
            syntax_error(ps);
            return n;
        }
        n->var = ps->toks[ps->pos++].s;
        skip_nl(ps);
        if (is_word(ps, "in")) {
            ps->pos++;
            int cap = 8;
            n->words = xmalloc(sizeof(char *) * (size_t)cap);
            while (peek(ps) == T_WORD) {
                if (n->nwords + 1 >= cap) {
                    char **w = xmalloc(sizeof(char *) * (size_t)(cap *= 2));
                    memcpy(w, n->words, sizeof(char *) * (size_t)n->nwords);
                    free(n->words);
                    n->words = w;
                }
                n->words[n->nwords++] = ps->toks[ps->pos++].s;
            }
            n->words[n->nwords] = 0;
        } else {
            n->nwords = -1;   /* "for x; do": the positional parameters */
        }
        if (peek(ps) == T_SEMI || peek(ps) == T_NL)
            ps->pos++;
        if (!expect_word(ps, "do"))
            return n;
        n->b = parse_list(ps, done_stop);
        expect_word(ps, "done");
    } else if (is_word(ps, "case")) {
        ps->pos++;
        n = new_node(N_CASE);
        if (peek(ps) != T_WORD) {
            syntax_error(ps);
            return n;
        }
        n->words = xmalloc(sizeof(char *) * 2);
        n->words[0] = ps->toks[ps->pos++].s;
        n->words[1] = 0;
        n->nwords = 1;
        if (!expect_word(ps, "in"))
            return n;
        static const char *esac_stop[] = { "esac", 0 };
        struct node **tail = &n->a;
        for (;;) {
            skip_nl(ps);
            if (is_word(ps, "esac") || ps->error || ps->incomplete)
                break;
            struct node *item = new_node(N_ITEM);
            *tail = item;
            tail = &item->c;
            if (peek(ps) == T_LPAREN)
                ps->pos++;
            int cap = 4;
            item->words = xmalloc(sizeof(char *) * (size_t)cap);
            for (;;) {
                if (peek(ps) != T_WORD) {
                    syntax_error(ps);
                    return n;
                }
                if (item->nwords + 1 >= cap) {
                    char **w = xmalloc(sizeof(char *) * (size_t)(cap *= 2));
                    memcpy(w, item->words, sizeof(char *) * (size_t)item->nwords);
                    free(item->words);
                    item->words = w;
                }
                item->words[item->nwords++] = ps->toks[ps->pos++].s;
                if (peek(ps) != T_PIPE)
                    break;
                ps->pos++;
            }
            item->words[item->nwords] = 0;
            if (peek(ps) != T_RPAREN) {
                syntax_error(ps);
                return n;
            }
            ps->pos++;
            skip_nl(ps);
            if (peek(ps) != T_DSEMI && !is_word(ps, "esac"))
                item->a = parse_list(ps, esac_stop);
            skip_nl(ps);
            if (peek(ps) == T_DSEMI)
                ps->pos++;
            else if (!is_word(ps, "esac")) {
                syntax_error(ps);
                return n;
            }
        }
        expect_word(ps, "esac");
    } else if (peek(ps) == T_LPAREN) {
        ps->pos++;
        n = new_node(N_SUB);
        n->a = parse_list(ps, 0);
        skip_nl(ps);
        if (peek(ps) != T_RPAREN) {
            syntax_error(ps);
            return n;
        }
        ps->pos++;
    } else if (is_word(ps, "{")) {
        ps->pos++;
        n = new_node(N_GROUP);
        n->a = parse_list(ps, brace_stop);
        expect_word(ps, "}");
    }
    if (n) {   /* redirections after a compound command */
        struct redir **tail = &n->redirs;
        while (parse_redir(ps, &tail) > 0)
            ;
        return n;
    }
    /* a simple command: words and redirections in any order */
    n = new_node(N_CMD);
    int cap = 8;
    n->words = xmalloc(sizeof(char *) * (size_t)cap);
    struct redir **tail = &n->redirs;
    for (;;) {
        int r = parse_redir(ps, &tail);
        if (r < 0)
            return n;
        if (r)
            continue;
        if (peek(ps) != T_WORD)
            break;
        if (n->nwords + 1 >= cap) {
            char **w = xmalloc(sizeof(char *) * (size_t)(cap *= 2));
            memcpy(w, n->words, sizeof(char *) * (size_t)n->nwords);
            free(n->words);
            n->words = w;
        }
        n->words[n->nwords++] = ps->toks[ps->pos++].s;
    }
    n->words[n->nwords] = 0;
    if (n->nwords == 0 && !n->redirs)
        syntax_error(ps);
    return n;
}

static struct node *parse_pipeline(struct parser *ps)
{
    int neg = 0;
    if (is_word(ps, "!")) {
        ps->pos++;
        neg = 1;
    }
    struct node *n = parse_command(ps);
    while (!ps->error && !ps->incomplete && peek(ps) == T_PIPE) {
        ps->pos++;
        skip_nl(ps);
        struct node *p = new_node(N_PIPE);
        p->a = n;
        p->b = parse_command(ps);
        n = p;
    }
    if (neg) {
        struct node *x = new_node(N_NOT);
        x->a = n;
        n = x;
    }
    return n;
}

static struct node *parse_and_or(struct parser *ps)
{
    struct node *n = parse_pipeline(ps);
    while (!ps->error && !ps->incomplete && (peek(ps) == T_AND || peek(ps) == T_OR)) {
        struct node *x = new_node(peek(ps) == T_AND ? N_AND : N_OR);
        ps->pos++;
        skip_nl(ps);
        x->a = n;
        x->b = parse_pipeline(ps);
        n = x;
    }
    return n;
}

/* list: and_or separated by ; & or newlines, up to a stop word, ')' or the end. */
static struct node *parse_list(struct parser *ps, const char **stop)
{
    struct node *list = 0, **tail = &list;
    for (;;) {
        skip_nl(ps);
        if (ps->error || ps->incomplete || is_stop(ps, stop))
            break;
        struct node *n = parse_and_or(ps);
        if (ps->error || ps->incomplete)
            break;
        if (peek(ps) == T_AMP) {
            struct node *bg = new_node(N_BG);
            bg->a = n;
            n = bg;
            ps->pos++;
        } else if (peek(ps) == T_SEMI || peek(ps) == T_NL) {
            ps->pos++;
        } else if (!is_stop(ps, stop)) {
            syntax_error(ps);
            break;
        }
        struct node *seq = new_node(N_SEQ);
        seq->a = n;
        *tail = seq;
        tail = &seq->b;
    }
    if (stop && !list && !ps->error)
        syntax_error(ps);
    return list;
}

static void free_tree(struct node *n)
{
    if (!n)
        return;
    free_tree(n->a);
    free_tree(n->b);
    free_tree(n->c);
    free(n->words);   /* the strings belong to the token array */
    for (struct redir *r = n->redirs, *next; r; r = next) {
        next = r->next;
        free(r);
    }
    free(n);
}

/* ---------------------------------------------------------------- expansion */

struct fields { char **v; int n, cap; };
static void fields_add(struct fields *f, char *s)
{
    if (f->n + 2 > f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        char **v = xmalloc(sizeof(char *) * (size_t)f->cap);
        if (f->v) {
            memcpy(v, f->v, sizeof(char *) * (size_t)f->n);
            free(f->v);
        }
        f->v = v;
    }
    f->v[f->n++] = s;
    f->v[f->n] = 0;
}
static void fields_free(struct fields *f)
{
    for (int i = 0; i < f->n; i++)
        free(f->v[i]);
    free(f->v);
    f->v = 0;
    f->n = f->cap = 0;
}

static int run_text(const char *src, int final);

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

static int glob_match(const char *pat, const char *s)
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
static void expand(struct fields *out, const char *w, int do_glob)
{
    struct str cur = { 0, 0, 0 };
    int have = 0;       /* a field is started (even if empty, e.g. "") */
    int globbable = 0;
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
    if (have) {
        char *s = str_take(&cur);
        if (globbable && do_glob)
            glob_word(out, s);
        else
            fields_add(out, s);
    }
}

/* ---------------------------------------------------------------- running */

static int run(struct node *n);

/* Apply redirections; with `save`, remember the old descriptors so a builtin's can be undone. */
static int apply_redirs(struct redir *r, int save[3])
{
    for (; r; r = r->next) {
        int fd, target;
        if (r->t == T_ERRDUP) {
            if (save && save[2] < 0)
                save[2] = fcntl(2, F_DUPFD_CLOEXEC, 10);
            dup2(1, 2);
            continue;
        }
        struct fields f = { 0, 0, 0 };
        expand(&f, r->word, 0);
        if (f.n != 1) {
            fprintf(stderr, "sh: %s: ambiguous redirect\n", r->word);
            fields_free(&f);
            return -1;
        }
        switch (r->t) {
        case T_LT: fd = open(f.v[0], O_RDONLY); target = 0; break;
        case T_GT: fd = open(f.v[0], O_WRONLY | O_CREAT | O_TRUNC, 0666); target = 1; break;
        case T_GTGT: fd = open(f.v[0], O_WRONLY | O_CREAT | O_APPEND, 0666); target = 1; break;
        case T_ERR: fd = open(f.v[0], O_WRONLY | O_CREAT | O_TRUNC, 0666); target = 2; break;
        default: fd = open(f.v[0], O_WRONLY | O_CREAT | O_APPEND, 0666); target = 2; break;
        }
        if (fd < 0) {
            fprintf(stderr, "sh: %s: %s\n", f.v[0], strerror(errno));
            fields_free(&f);
            return -1;
        }
        fields_free(&f);
        if (save && save[target] < 0)
            save[target] = fcntl(target, F_DUPFD_CLOEXEC, 10);
        if (fd != target) {
            dup2(fd, target);
            close(fd);
        }
    }
    return 0;
}
static void restore_fds(int save[3])
{
    for (int i = 0; i < 3; i++)
        if (save[i] >= 0) {
            dup2(save[i], i);
            close(save[i]);
        }
}

/* The status of a waited-for child; a signal death is reported like other shells do. */
static int wait_status(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR)
            return 127;
    }
    if (WIFSIGNALED(st)) {
        int sig = WTERMSIG(st);
        if (sig == SIGINT)
            fputc('\n', stderr);
        else if (sig != SIGPIPE)
            fprintf(stderr, "%s\n", strsignal(sig));
        return 128 + sig;
    }
    return WEXITSTATUS(st);
}

static pid_t do_fork(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        fprintf(stderr, "sh: fork: %s\n", strerror(errno));
    if (pid == 0)
        interactive = 0;
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGQUIT, SIG_DFL);
    }
    return pid;
}

static void exec_external(char **argv)
{
    char **env = make_env();
    execvpe(argv[0], argv, env);
    int e = errno;
    if (e == ENOENT)
        fprintf(stderr, "sh: %s: not found\n", argv[0]);
    else
        fprintf(stderr, "sh: %s: %s\n", argv[0], strerror(e));
    _exit(e == ENOENT ? 127 : 126);
}

/* ---- builtins ---- */
static int bi_cd(char **argv)
{
    const char *dir = argv[1] ? argv[1] : var_get("HOME");
    if (!dir)
        dir = "/";
    if (chdir(dir) < 0) {
        fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    char buf[512];
    if (getcwd(buf, sizeof buf))
        var_set("PWD", buf, 0);
    return 0;
}
static int bi_exit(char **argv)
{
    int st = argv[1] ? atoi(argv[1]) : last_status;
    fflush(stdout);
    exit(st & 0xff);
}
static int bi_export(char **argv)
{
    if (!argv[1]) {
        for (struct var *v = vars; v; v = v->next)
            if (v->exported)
                printf("export %s=\"%s\"\n", v->name, v->value ? v->value : "");
        return 0;
    }
    int st = 0;
    for (int i = 1; argv[i]; i++) {
        char *eq = strchr(argv[i], '=');
        size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
        if (!valid_name(argv[i], n)) {
            fprintf(stderr, "sh: export: `%s': not a valid identifier\n", argv[i]);
            st = 1;
            continue;
        }
        if (eq) {
            *eq = 0;
            var_set(argv[i], eq + 1, 1);
            *eq = '=';
        } else {
            var_set(argv[i], 0, 1);
        }
    }
    return st;
}
static int bi_unset(char **argv)
{
    for (int i = 1; argv[i]; i++)
        var_unset(argv[i]);
    return 0;
}
static int bi_wait(char **argv)
{
    int st = 0;
    if (argv[1]) {
        for (int i = 1; argv[i]; i++)
            st = wait_status(atoi(argv[i]));
        return st;
    }
    int s;
    while (wait(&s) > 0 || errno == EINTR)
        ;
    return 0;
}
/* read VAR...: one line from stdin, read a byte at a time so nothing after it is consumed. */
static int bi_read(char **argv)
{
    struct str line = { 0, 0, 0 };
    char c;
    ssize_t n;
    int got = 0;
    while ((n = read(0, &c, 1)) == 1) {
        got = 1;
        if (c == '\n')
            break;
        str_add(&line, c);
    }
    if (!got)
        return 1;
    char *s = line.s ? line.s : "";
    for (int i = 1; argv[i]; i++) {
        while (*s == ' ' || *s == '\t')
            s++;
        char *end = s;
        if (argv[i + 1])
            while (*end && *end != ' ' && *end != '\t')
                end++;
        else
            end = s + strlen(s);
        char save = *end;
        *end = 0;
        var_set(argv[i], s, 0);
        *end = save;
        s = end;
    }
    free(line.s);
    return 0;
}
static int bi_shift(char **argv)
{
    int k = argv[1] ? atoi(argv[1]) : 1;
    if (k > pos_count - 1)
        return 1;
    for (int i = 1; i + k < pos_count; i++)
        pos_args[i] = pos_args[i + k];
    pos_count -= k;
    return 0;
}
static int bi_true(char **argv) { (void)argv; return 0; }
static int bi_false(char **argv) { (void)argv; return 1; }

static const struct { const char *name; int (*fn)(char **); } builtins[] = {
    { "cd", bi_cd }, { "exit", bi_exit }, { "export", bi_export }, { "unset", bi_unset },
    { "wait", bi_wait }, { "read", bi_read }, { "shift", bi_shift }, { ":", bi_true },
    { "true", bi_true }, { "false", bi_false },
};

static int run_simple(struct node *n)
{
    struct fields f = { 0, 0, 0 };
    for (int i = 0; i < n->nwords; i++)
        expand(&f, n->words[i], 1);
    /* leading NAME=value words are assignments */
    int nassign = 0;
    while (nassign < f.n) {
        char *eq = strchr(f.v[nassign], '=');
        if (!eq || !valid_name(f.v[nassign], (size_t)(eq - f.v[nassign])))
            break;
        nassign++;
    }
    if (nassign == f.n) {   /* assignments only (and maybe redirections) */
        for (int i = 0; i < nassign; i++) {
            char *eq = strchr(f.v[i], '=');
            *eq = 0;
            var_set(f.v[i], eq + 1, 0);
        }
        int save[3] = { -1, -1, -1 };
        int st = apply_redirs(n->redirs, save) < 0 ? 1 : 0;
        restore_fds(save);
        fields_free(&f);
        return st;
    }
    char **argv = f.v + nassign;
    if (!strcmp(argv[0], "exec")) {   /* exec [CMD...]: redirections stay; CMD replaces the shell */
        if (apply_redirs(n->redirs, 0) < 0) {
            fields_free(&f);
            return 1;
        }
        if (argv[1]) {
            fflush(stdout);
            exec_external(argv + 1);
        }
        fields_free(&f);
        return 0;
    }
    for (size_t b = 0; b < sizeof builtins / sizeof builtins[0]; b++)
        if (!strcmp(argv[0], builtins[b].name)) {
            int save[3] = { -1, -1, -1 };
            int st = 1;
            if (apply_redirs(n->redirs, save) == 0) {
                for (int i = 0; i < nassign; i++) {   /* prefix assignments stay, as for POSIX special builtins */
                    char *eq = strchr(f.v[i], '=');
                    *eq = 0;
                    var_set(f.v[i], eq + 1, 0);
                }
                st = builtins[b].fn(argv);
                fflush(stdout);
            }
            restore_fds(save);
            fields_free(&f);
            return st;
        }
    pid_t pid = exec_direct ? 0 : do_fork();
    exec_direct = 0;
    if (pid < 0) {
        fields_free(&f);
        return 1;
    }
    if (pid == 0) {
        if (apply_redirs(n->redirs, 0) < 0)
            _exit(1);
        for (int i = 0; i < nassign; i++) {   /* NAME=v cmd: in the child's environment only */
            char *eq = strchr(f.v[i], '=');
            *eq = 0;
            var_set(f.v[i], eq + 1, 1);
        }
        exec_external(argv);
    }
    fields_free(&f);
    return wait_status(pid);
}

/* Run n in a forked child (pipeline stage, subshell, background job) and exit with its status. */
static _Noreturn void run_and_exit(struct node *n)
{
    exec_direct = n->t == N_CMD;
    int st = run(n);
    fflush(stdout);
    exit(st);
}

static int run_pipe(struct node *n)
{
    /* a|b|c is PIPE(PIPE(a,b),c): collect the stages left to right */
    struct node *stages[64];
    int count = 0;
    struct node *cur = n;
    while (cur->t == N_PIPE && count < 63) {
        stages[count++] = cur->b;
        cur = cur->a;
    }
    stages[count++] = cur;
    pid_t pids[64];
    int in = -1, st = 0;
    for (int i = count - 1, k = 0; i >= 0; i--, k++) {
        int fds[2] = { -1, -1 };
        if (i > 0 && pipe(fds) < 0) {
            fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
            break;
        }
        pid_t pid = do_fork();
        if (pid == 0) {
            if (in >= 0) {
                dup2(in, 0);
                close(in);
            }
            if (fds[1] >= 0) {
                dup2(fds[1], 1);
                close(fds[1]);
                close(fds[0]);
            }
            run_and_exit(stages[i]);
        }
        pids[k] = pid;
        if (in >= 0)
            close(in);
        if (fds[1] >= 0)
            close(fds[1]);
        in = fds[0];
        if (pid < 0) {
            count = k;
            break;
        }
    }
    if (in >= 0)
        close(in);
    for (int k = 0; k < count; k++)
        if (pids[k] > 0) {
            int s = wait_status(pids[k]);
            if (k == count - 1)
                st = s;
        }
    return st;
}

static int run(struct node *n)
{
    if (!n)
        return 0;
    int st = 0;
    switch (n->t) {
    case N_CMD:
        st = run_simple(n);
        break;
    case N_PIPE:
        st = run_pipe(n);
        break;
    case N_SEQ:
        for (; n; n = n->b)
            st = run(n->a);
        return st;
    case N_AND:
        st = run(n->a);
        if (st == 0)
            st = run(n->b);
        break;
    case N_OR:
        st = run(n->a);
        if (st != 0)
            st = run(n->b);
        break;
    case N_NOT:
        st = !run(n->a);
        break;
    case N_BG: {
        pid_t pid = do_fork();
        if (pid == 0) {
            signal(SIGINT, SIG_IGN);   /* POSIX: asynchronous lists ignore SIGINT without job control */
            signal(SIGQUIT, SIG_IGN);
            run_and_exit(n->a);
        }
        if (pid > 0) {
            last_bg_pid = pid;
            if (interactive)
                fprintf(stderr, "[%d]\n", pid);
        }
        st = pid < 0;
        break;
    }
    case N_SUB: {
        pid_t pid = do_fork();
        if (pid == 0) {
            if (apply_redirs(n->redirs, 0) < 0)
                _exit(1);
            run_and_exit(n->a);
        }
        st = pid < 0 ? 1 : wait_status(pid);
        break;
    }
    case N_GROUP: {
        int save[3] = { -1, -1, -1 };
        st = apply_redirs(n->redirs, save) < 0 ? 1 : run(n->a);
        fflush(stdout);
        restore_fds(save);
        break;
    }
    case N_IF:
        if (run(n->a) == 0)
            st = run(n->b);
        else
            st = n->c ? run(n->c) : 0;
        break;
    case N_WHILE:
    case N_UNTIL:
        while ((run(n->a) == 0) == (n->t == N_WHILE))
            st = run(n->b);
        break;
    case N_CASE: {
        struct fields subj = { 0, 0, 0 };
        expand(&subj, n->words[0], 0);
        struct str b = { 0, 0, 0 };
        for (int i = 0; i < subj.n; i++) {
            if (i)
                str_add(&b, ' ');
            str_cat(&b, subj.v[i]);
        }
        fields_free(&subj);
        char *subject = str_take(&b);
        st = 0;
        int matched = 0;
        for (struct node *item = n->a; item && !matched; item = item->c)
            for (int i = 0; i < item->nwords && !matched; i++) {
                struct fields pf = { 0, 0, 0 };
                expand(&pf, item->words[i], 0);
                if (glob_match(pf.n ? pf.v[0] : "", subject)) {
                    matched = 1;
                    st = run(item->a);
                }
                fields_free(&pf);
            }
        free(subject);
        break;
    }
    case N_ITEM:
        break;
    case N_FOR: {
        struct fields f = { 0, 0, 0 };
        if (n->nwords < 0)
            for (int i = 1; i < pos_count; i++)
                fields_add(&f, strdup(pos_args[i]));
        else
            for (int i = 0; i < n->nwords; i++)
                expand(&f, n->words[i], 1);
        for (int i = 0; i < f.n; i++) {
            var_set(n->var, f.v[i], 0);
            st = run(n->b);
        }
        fields_free(&f);
        break;
    }
    }
    last_status = st;
    return st;
}

/* ---------------------------------------------------------------- input */

/* Parse and run src; answers 1 if src is an incomplete command (more input is needed). */
static int run_text(const char *src, int final)
{
    struct lexer lx;
    memset(&lx, 0, sizeof lx);
    lex(&lx, src);
    int incomplete = lx.incomplete;
    if (!incomplete) {
        struct parser ps = { lx.toks, 0, 0, 0 };
        struct node *tree = parse_list(&ps, 0);
        if (!ps.error && !ps.incomplete && peek(&ps) != T_EOF)
            syntax_error(&ps);
        if (ps.incomplete && !final) {
            incomplete = 1;
        } else if (ps.incomplete || ps.error) {
            if (ps.incomplete)
                fprintf(stderr, "sh: syntax error: unexpected end of file\n");
            last_status = 2;
        } else {
            run(tree);
        }
        free_tree(tree);
    } else if (final) {
        fprintf(stderr, "sh: syntax error: unterminated quoted string\n");
        last_status = 2;
        incomplete = 0;
    }
    for (int i = 0; i < lx.n; i++)
        free(lx.toks[i].s);
    free(lx.toks);
    return incomplete;
}

/* Reap finished background jobs so they do not linger as zombies. */
static void reap(void)
{
    int st;
    while (waitpid(-1, &st, WNOHANG) > 0)
        ;
}

/* Read commands from fd a line at a time (a byte at a time, so a command that reads the same
 * input gets what follows its line) and run each complete command. */
static void run_fd(int fd)
{
    struct str buf = { 0, 0, 0 };
    for (;;) {
        if (interactive) {
            reap();
            const char *ps = buf.len ? "> " : var_get("PS1");
            fputs(ps ? ps : "$ ", stderr);
        }
        int got = 0;
        char c;
        ssize_t n;
        while ((n = read(fd, &c, 1)) == 1 || (n < 0 && errno == EINTR)) {
            if (n < 0) {   /* Ctrl-C at the prompt */
                if (interactive) {
                    free(buf.s);
                    buf.s = 0;
                    buf.len = buf.cap = 0;
                    fputc('\n', stderr);
                    break;
                }
                continue;
            }
            got = 1;
            str_add(&buf, c);
            if (c == '\n')
                break;
        }
        if (!got) {
            if (buf.len)
                run_text(buf.s, 1);
            break;
        }
        if (!run_text(buf.s, 0)) {
            free(buf.s);
            buf.s = 0;
            buf.len = buf.cap = 0;
        }
    }
    free(buf.s);
}

int main(int argc, char **argv)
{
    for (char **e = environ; *e; e++) {
        char *eq = strchr(*e, '=');
        if (!eq)
            continue;
        *eq = 0;
        var_set(*e, eq + 1, 1);
        *eq = '=';
    }
    if (!var_get("PATH"))
        var_set("PATH", "/bin:/sbin:/usr/bin", 1);

    if (argc >= 3 && !strcmp(argv[1], "-c")) {
        pos_args = argv + 3;   /* sh -c CMD NAME ARGS: $0 = NAME */
        pos_count = argc - 3;
        if (pos_count == 0) {
            pos_args = argv;
            pos_count = 1;
        }
        run_text(argv[2], 1);
        fflush(stdout);
        return last_status;
    }
    if (argc >= 2 && !strcmp(argv[1], "-c")) {
        fprintf(stderr, "sh: -c: option requires an argument\n");
        return 2;
    }
    if (argc >= 2) {
        int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            fprintf(stderr, "sh: %s: %s\n", argv[1], strerror(errno));
            return 127;
        }
        /* out of the way of the descriptors scripts use, and not inherited by commands */
        int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
        if (high >= 0) {
            close(fd);
            fd = high;
        }
        pos_args = argv + 1;
        pos_count = argc - 1;
        run_fd(fd);
        close(fd);
        fflush(stdout);
        return last_status;
    }
    pos_args = argv;
    pos_count = 1;
    interactive = isatty(0);
    if (interactive) {
        signal(SIGINT, SIG_IGN);
        signal(SIGQUIT, SIG_IGN);
    }
    run_fd(0);
    if (interactive)
        fputs("exit\n", stderr);
    fflush(stdout);
    return last_status;
}
