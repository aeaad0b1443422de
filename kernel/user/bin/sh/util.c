/* util.c: growing strings and field lists, and a malloc that reports running out. */
#include "sh.h"

void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "sh: out of memory\n");
        exit(2);
    }
    return p;
}

void str_add(struct str *b, char c)
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
void str_cat(struct str *b, const char *s)
{
    while (*s)
        str_add(b, *s++);
}
char *str_take(struct str *b)
{
    if (!b->s)
        str_add(b, 0), b->len = 0;
    char *s = b->s;
    b->s = 0;
    b->len = b->cap = 0;
    return s;
}

void fields_add(struct fields *f, char *s)
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
void fields_free(struct fields *f)
{
    for (int i = 0; i < f->n; i++)
        free(f->v[i]);
    free(f->v);
    f->v = 0;
    f->n = f->cap = 0;
}
