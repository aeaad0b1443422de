/* builtin.c: the commands the shell runs itself, because they change the shell itself:
 * cd exit export unset wait read shift set . : true false (exec is in run.c). */
#include "sh.h"

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
static int cmp_var(const void *a, const void *b)
{
    return strcmp((*(struct var *const *)a)->name, (*(struct var *const *)b)->name);
}
/* set: list the variables (sorted, quoted as dash does); set [--] ARG...: the positional parameters
 * become ARG... ($0 stays). Options such as -e and -x are not modelled. */
static int bi_set(char **argv)
{
    if (!argv[1]) {
        int n = 0;
        for (struct var *v = vars; v; v = v->next)
            n++;
        struct var **all = xmalloc(sizeof *all * (size_t)(n + 1));
        n = 0;
        for (struct var *v = vars; v; v = v->next)
            if (v->value)
                all[n++] = v;
        qsort(all, (size_t)n, sizeof *all, cmp_var);
        for (int i = 0; i < n; i++)
            printf("%s='%s'\n", all[i]->name, all[i]->value);
        free(all);
        return 0;
    }
    int i = 1;
    if (!strcmp(argv[i], "--"))
        i++;
    else if (argv[i][0] == '-' || argv[i][0] == '+') {
        fprintf(stderr, "sh: set: %s: options are not supported\n", argv[i]);
        return 2;
    }
    int n = 0;
    while (argv[i + n])
        n++;
    char **v = xmalloc(sizeof(char *) * (size_t)(n + 2));
    v[0] = pos_args[0];
    for (int k = 0; k < n; k++)
        v[k + 1] = strdup(argv[i + k]);
    v[n + 1] = 0;
    pos_args = v;   /* the old array stays: it may be main's argv (a few bytes per set) */
    pos_count = n + 1;
    return 0;
}
/* . FILE: run FILE's commands in this shell (FILE is taken as given; POSIX shells search PATH
 * for a name without a slash). */
static int bi_dot(char **argv)
{
    if (!argv[1]) {
        fprintf(stderr, "sh: .: filename argument required\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "sh: .: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    struct str b = { 0, 0, 0 };
    char buf[512];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        for (ssize_t k = 0; k < n; k++)
            str_add(&b, buf[k]);
    close(fd);
    char *text = str_take(&b);
    last_status = 0;
    run_text(text, 1);
    free(text);
    return last_status;
}
static int bi_true(char **argv) { (void)argv; return 0; }
static int bi_false(char **argv) { (void)argv; return 1; }

static const struct { const char *name; int (*fn)(char **); } builtins[] = {
    { "cd", bi_cd }, { "exit", bi_exit }, { "export", bi_export }, { "unset", bi_unset },
    { "wait", bi_wait }, { "read", bi_read }, { "shift", bi_shift }, { ":", bi_true },
    { "true", bi_true }, { "false", bi_false }, { "set", bi_set }, { ".", bi_dot },
};


int (*builtin_find(const char *name))(char **argv)
{
    for (size_t b = 0; b < sizeof builtins / sizeof builtins[0]; b++)
        if (!strcmp(name, builtins[b].name))
            return builtins[b].fn;
    return 0;
}
