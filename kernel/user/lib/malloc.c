/* malloc/free over brk: a first-fit free list with coalescing of neighbours, in the spirit of
 * K&R 8.7. Every block carries a header with its size (in header units); the free list is kept
 * sorted by address so free can merge with both neighbours. Memory is never returned to the kernel. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

typedef union header {
    struct { union header *next; size_t units; } s;
    long long align;
} Header;

static Header base;
static Header *freep;

static Header *morecore(size_t units)
{
    if (units < 1024)
        units = 1024;
    char *p = sbrk((intptr_t)(units * sizeof(Header)));
    if (p == (char *)-1)
        return 0;
    Header *h = (Header *)p;
    h->s.units = units;
    free(h + 1);
    return freep;
}

void *malloc(size_t n)
{
    if (n > 0x7fffffff) {
        errno = ENOMEM;
        return 0;
    }
    size_t units = (n + sizeof(Header) - 1) / sizeof(Header) + 1;
    if (!freep) {
        base.s.next = freep = &base;
        base.s.units = 0;
    }
    Header *prev = freep;
    for (Header *p = prev->s.next;; prev = p, p = p->s.next) {
        if (p->s.units >= units) {
            if (p->s.units == units) {
                prev->s.next = p->s.next;
            } else {
                p->s.units -= units;
                p += p->s.units;
                p->s.units = units;
            }
            freep = prev;
            return p + 1;
        }
        if (p == freep && !(p = morecore(units))) {
            errno = ENOMEM;
            return 0;
        }
    }
}

void free(void *ap)
{
    if (!ap)
        return;
    Header *b = (Header *)ap - 1, *p;
    for (p = freep; !(b > p && b < p->s.next); p = p->s.next)
        if (p >= p->s.next && (b > p || b < p->s.next))
            break;
    if (b + b->s.units == p->s.next) {
        b->s.units += p->s.next->s.units;
        b->s.next = p->s.next->s.next;
    } else {
        b->s.next = p->s.next;
    }
    if (p + p->s.units == b) {
        p->s.units += b->s.units;
        p->s.next = b->s.next;
    } else {
        p->s.next = b;
    }
    freep = p;
}

void *calloc(size_t n, size_t size)
{
    if (size && n > 0x7fffffff / size) {
        errno = ENOMEM;
        return 0;
    }
    void *p = malloc(n * size);
    return p ? memset(p, 0, n * size) : 0;
}

void *realloc(void *old, size_t n)
{
    if (!old)
        return malloc(n);
    if (!n) {
        free(old);
        return 0;
    }
    size_t have = (((Header *)old - 1)->s.units - 1) * sizeof(Header);
    if (have >= n)
        return old;
    void *p = malloc(n);
    if (!p)
        return 0;
    memcpy(p, old, have);
    free(old);
    return p;
}
