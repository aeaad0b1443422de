/* vars.c: shell variables; exported ones make up the environment of the commands we run. */
#include "sh.h"

static struct var *var_find(const char *name)
{
    for (struct var *v = vars; v; v = v->next)
        if (!strcmp(v->name, name))
            return v;
    return 0;
}
void var_set(const char *name, const char *value, int export)
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
void var_unset(const char *name)
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
const char *var_get(const char *name)
{
    struct var *v = var_find(name);
    return v ? v->value : 0;
}
int valid_name(const char *s, size_t n)
{
    if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
            return 0;
    return 1;
}
/* The environment a child gets: every exported variable with a value. */
char **make_env(void)
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
