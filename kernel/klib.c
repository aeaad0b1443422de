/* klib.c: the string and memory helpers the kernel (and the compiler's own memcpy/memset
 * calls) need. Freestanding, no dependency on any other kernel file. */
#include "kernel/kernel.h"

/* REP STOSL / REP MOVSL for the aligned bulk: page zeroing and copying dominate fork and exec. */
void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;
    if (((uint32_t)p | n) % 4 == 0) {
        uint32_t v = (uint8_t)c * 0x01010101u;
        size_t words = n / 4;
        __asm__ volatile("cld; rep stosl" : "+D"(p), "+c"(words) : "a"(v) : "memory");
        return d;
    }
    while (n--)
        *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    size_t words = n / 4, rest = n % 4;
    __asm__ volatile("cld; rep movsl" : "+D"(dp), "+S"(sp), "+c"(words) : : "memory");
    while (rest--)
        *dp++ = *sp++;
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    if (dp < sp || dp >= sp + n)
        return memcpy(d, s, n);
    while (n--)
        dp[n] = sp[n];
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (; n--; x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (uint8_t)*a - (uint8_t)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (uint8_t)*a - (uint8_t)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

size_t strlcpy(char *d, const char *s, size_t n)
{
    size_t len = strlen(s);
    if (n) {
        size_t k = len < n - 1 ? len : n - 1;
        memcpy(d, s, k);
        d[k] = 0;
    }
    return len;
}
