/* sh.h: the shell's shared types and the functions its files offer each other.
 *   lex.c      input text -> tokens (words keep their quotes)
 *   parse.c    tokens -> a tree of nodes (struct node)
 *   expand.c   words -> fields: quotes, $parameters, $(commands), $((arithmetic)), globbing
 *   run.c      running a tree: pipelines, redirections, fork/exec/wait, control flow
 *   builtin.c  cd exit export unset wait read shift set . : true false
 *   vars.c     shell variables and the environment children get
 *   util.c     growing strings and field lists
 *   main.c     reading input, -c, scripts, the prompt */
#ifndef SH_H
#define SH_H
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

enum tok { T_WORD, T_PIPE, T_OR, T_AND, T_AMP, T_SEMI, T_NL, T_LT, T_GT, T_GTGT, T_ERR, T_ERRAPP,
           T_ERRDUP, T_LPAREN, T_RPAREN, T_DSEMI, T_EOF };

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

struct str { char *s; size_t len, cap; };            /* a growing string */
struct fields { char **v; int n, cap; };             /* a growing NULL-terminated list of strings */
struct lexer { const char *p; struct token *toks; int n, cap; int incomplete; int error; };

/* main.c: the shell's state */
extern struct var *vars;
extern int last_status;
extern int interactive;
extern int last_bg_pid;
extern char **pos_args;
extern int pos_count;
extern int exec_direct;
int run_text(const char *src, int final);

/* util.c */
void *xmalloc(size_t n);
void str_add(struct str *b, char c);
void str_cat(struct str *b, const char *s);
char *str_take(struct str *b);
void fields_add(struct fields *f, char *s);
void fields_free(struct fields *f);

/* vars.c */
void var_set(const char *name, const char *value, int export);
void var_unset(const char *name);
const char *var_get(const char *name);
int valid_name(const char *s, size_t n);
char **make_env(void);

/* lex.c */
void lex(struct lexer *lx, const char *src);

/* parse.c: 0 and a tree, 1 if the input is incomplete (more lines needed), -1 after a syntax error */
int parse_program(struct token *toks, struct node **tree);
void free_tree(struct node *n);

/* expand.c */
void expand(struct fields *out, const char *word, int do_glob);
int glob_match(const char *pat, const char *s);

/* run.c */
int run(struct node *n);
int apply_redirs(struct redir *r, int save[3]);
void restore_fds(int save[3]);
int wait_status(pid_t pid);
void exec_external(char **argv);

/* builtin.c: the builtin named `name`, or NULL */
int (*builtin_find(const char *name))(char **argv);

#endif
