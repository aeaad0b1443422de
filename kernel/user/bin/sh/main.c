/* sh: the toy OS's shell, a small POSIX-style sh in the spirit of xv6's sh.c, grown up a little.
 *
 *   sh                 interactive when stdin is a terminal ("$ " prompt), else reads commands from stdin
 *   sh -c 'CMDS' [ARG0 ARGS...]
 *   sh SCRIPT [ARGS...]
 *
 * Pipelines, < > >> 2> 2>> 2>&1, ; && || !, & and wait, ( ) and { }, if/elif/else, while/until,
 * for, case, variables ($X ${X} $? $$ $! $# $0..$9 $@), $(CMD), $((EXPR)), export/unset, single and double quotes,
 * backslash, ~, # comments, * ? [...] globbing of the last path component. Builtins: cd exit export
 * unset wait read shift set . exec : true false.
 * A child killed by a signal is reported as Unix shells do ("Segmentation fault") and $? is 128+sig.
 *
 * Shape: the input is cut into tokens (lex.c), parsed into a tree (parse.c), and the tree is run
 * (run.c). Words keep their quotes until they are expanded (expand.c) at run time, so loops see
 * new values. sh.h lists the files. */
#include "sh.h"

struct var *vars;
int last_status;
int interactive;
int last_bg_pid;
char **pos_args;   /* $0 $1 ... */
int pos_count;
int exec_direct;   /* the next simple command is all a forked child has left to do: exec it without forking */

/* Parse and run src; answers 1 if src is an incomplete command (more input is needed). */
int run_text(const char *src, int final)
{
    struct lexer lx;
    memset(&lx, 0, sizeof lx);
    lex(&lx, src);
    int incomplete = lx.incomplete;
    if (!incomplete) {
        struct node *tree;
        int r = parse_program(lx.toks, &tree);
        if (r == 1 && !final) {
            incomplete = 1;
        } else if (r != 0) {
            if (r == 1)
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
    char ppid[16];
    snprintf(ppid, sizeof ppid, "%d", getppid());
    var_set("PPID", ppid, 0);

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
