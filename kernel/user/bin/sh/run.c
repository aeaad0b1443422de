/* run.c: running a tree: simple commands (builtin, or fork and exec), pipelines, redirections,
 * background jobs, subshells and control flow. */
#include "sh.h"

/* Apply redirections; with `save`, remember the old descriptors so a builtin's can be undone. */
int apply_redirs(struct redir *r, int save[3])
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
void restore_fds(int save[3])
{
    for (int i = 0; i < 3; i++)
        if (save[i] >= 0) {
            dup2(save[i], i);
            close(save[i]);
        }
}

/* The status of a waited-for child; a signal death is reported like other shells do. */
int wait_status(pid_t pid)
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

void exec_external(char **argv)
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
    int (*builtin)(char **) = builtin_find(argv[0]);
    if (builtin) {
            int save[3] = { -1, -1, -1 };
            int st = 1;
            if (apply_redirs(n->redirs, save) == 0) {
                for (int i = 0; i < nassign; i++) {   /* prefix assignments stay, as for POSIX special builtins */
                    char *eq = strchr(f.v[i], '=');
                    *eq = 0;
                    var_set(f.v[i], eq + 1, 0);
                }
                st = builtin(argv);
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

int run(struct node *n)
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
