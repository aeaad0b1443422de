/* parse.c: tokens into a tree, by recursive descent:
 *   list := and_or ((; | & | newline) and_or)*     and_or := pipeline ((&& | ||) pipeline)*
 *   pipeline := [!] command (| command)*
 *   command := simple | if | while | until | for | case | ( list ) | { list }, then redirections
 * The end of the input inside a construct is "incomplete" (the caller reads another line), not an error. */
#include "sh.h"

static const char *tok_text[] = { "word", "|", "||", "&&", "&", ";", "newline", "<", ">", ">>", "2>",
                                  "2>>", "2>&1", "(", ")", ";;", "end of file" };


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

void free_tree(struct node *n)
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


int parse_program(struct token *toks, struct node **tree)
{
    struct parser ps = { toks, 0, 0, 0 };
    *tree = parse_list(&ps, 0);
    if (!ps.error && !ps.incomplete && peek(&ps) != T_EOF)
        syntax_error(&ps);
    return ps.error ? -1 : ps.incomplete ? 1 : 0;
}
