/* The printf family: one formatter (__format) writing through a sink, used by every variant.
 * Conversions d i u o x X c s p n %, flags - + space # 0, width and precision (also *), length
 * hh h l ll j z t. Output matches glibc's for these (e.g. %p of NULL is "(nil)"). */
#include <stdio.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

struct sink {
    void (*put)(struct sink *, const char *, size_t);
    char *buf;         /* string sinks */
    size_t cap, len;   /* len counts everything, even what did not fit */
    FILE *f;           /* stream sink */
    int fd;            /* fd sink */
};

static void pad(struct sink *s, char c, int n)
{
    char block[32];
    memset(block, c, sizeof block);
    while (n > 0) {
        int k = n > 32 ? 32 : n;
        s->put(s, block, (size_t)k);
        n -= k;
    }
}

static int format(struct sink *s, const char *fmt, va_list ap)
{
    size_t start = s->len;
    while (*fmt) {
        if (*fmt != '%') {
            const char *p = fmt;
            while (*p && *p != '%')
                p++;
            s->put(s, fmt, (size_t)(p - fmt));
            fmt = p;
            continue;
        }
        fmt++;
        int left = 0, plus = 0, space = 0, alt = 0, zero = 0, width = 0, prec = -1, size = 0;
        for (;; fmt++) {
            if (*fmt == '-') left = 1;
            else if (*fmt == '+') plus = 1;
            else if (*fmt == ' ') space = 1;
            else if (*fmt == '#') alt = 1;
            else if (*fmt == '0') zero = 1;
            else break;
        }
        if (*fmt == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = 1;
                width = -width;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                width = width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') {
                prec = va_arg(ap, int);
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    prec = prec * 10 + (*fmt++ - '0');
            }
        }
        /* size: -2 hh, -1 h, 0 int, 1 long, 2 long long */
        for (;; fmt++) {
            if (*fmt == 'h') size--;
            else if (*fmt == 'l') size++;
            else if (*fmt == 'j' || *fmt == 'L' || *fmt == 'q') size = 2;
            else if (*fmt == 'z' || *fmt == 't') size = 1;
            else break;
        }
        char conv = *fmt ? *fmt++ : 0;
        char num[72], *end = num + sizeof num, *p = end;
        const char *prefix = "";
        unsigned long long u = 0;
        int neg = 0, base = 10, upper = 0;
        switch (conv) {
        case 'd': case 'i': {
            long long v = size >= 2 ? va_arg(ap, long long) : size == 1 ? va_arg(ap, long) : va_arg(ap, int);
            if (size == -1) v = (short)v;
            if (size <= -2) v = (signed char)v;
            neg = v < 0;
            u = neg ? 0 - (unsigned long long)v : (unsigned long long)v;
            prefix = neg ? "-" : plus ? "+" : space ? " " : "";
            goto number;
        }
        case 'o': base = 8; goto unsig;
        case 'X': upper = 1; /* fall through */
        case 'x': base = 16; goto unsig;
        case 'u':
        unsig:
            u = size >= 2 ? va_arg(ap, unsigned long long) : size == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
            if (size == -1) u = (unsigned short)u;
            if (size <= -2) u = (unsigned char)u;
            if (alt && base == 16 && u) prefix = upper ? "0X" : "0x";
        number: {
            const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
            while (u) {
                *--p = digits[u % (unsigned)base];
                u /= (unsigned)base;
            }
            int ndig = (int)(end - p);
            if (alt && base == 8 && (prec <= ndig))
                prec = ndig + 1;
            if (prec < 0)
                prec = 1;
            else
                zero = 0;
            int zeros = prec > ndig ? prec - ndig : 0;
            int total = (int)strlen(prefix) + zeros + ndig;
            if (!left && !zero) pad(s, ' ', width - total);
            s->put(s, prefix, strlen(prefix));
            if (!left && zero) pad(s, '0', width - total);
            pad(s, '0', zeros);
            s->put(s, p, (size_t)ndig);
            if (left) pad(s, ' ', width - total);
            break;
        }
        case 'p': {
            void *v = va_arg(ap, void *);
            if (!v) {
                const char *nil = "(nil)";
                if (!left) pad(s, ' ', width - 5);
                s->put(s, nil, 5);
                if (left) pad(s, ' ', width - 5);
                break;
            }
            u = (uintptr_t)v;
            prefix = "0x";
            base = 16;
            goto number;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            if (!left) pad(s, ' ', width - 1);
            s->put(s, &c, 1);
            if (left) pad(s, ' ', width - 1);
            break;
        }
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = prec < 0 || prec >= 6 ? "(null)" : "";
            int n = (int)(prec >= 0 ? strnlen(str, (size_t)prec) : strlen(str));
            if (!left) pad(s, ' ', width - n);
            s->put(s, str, (size_t)n);
            if (left) pad(s, ' ', width - n);
            break;
        }
        case 'n':
            *va_arg(ap, int *) = (int)(s->len - start);
            break;
        case '%':
            s->put(s, "%", 1);
            break;
        default:   /* unknown or unsupported (floating point): print it as written */
            s->put(s, "%", 1);
            if (conv)
                s->put(s, &conv, 1);
            break;
        }
    }
    return (int)(s->len - start);
}

static void put_str(struct sink *s, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++, s->len++)
        if (s->cap && s->len < s->cap - 1)
            s->buf[s->len] = p[i];
}
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
    struct sink s = { put_str, buf, n, 0, 0, -1 };
    int r = format(&s, fmt, ap);
    if (n)
        buf[s.len < n ? s.len : n - 1] = 0;
    return r;
}
int vsprintf(char *buf, const char *fmt, va_list ap) { return vsnprintf(buf, (size_t)0x7fffffff, fmt, ap); }

static void put_file(struct sink *s, const char *p, size_t n)
{
    fwrite(p, 1, n, s->f);
    s->len += n;
}
int vfprintf(FILE *f, const char *fmt, va_list ap)
{
    struct sink s = { put_file, 0, 0, 0, f, -1 };
    int r = format(&s, fmt, ap);
    return ferror(f) ? -1 : r;
}
int vprintf(const char *fmt, va_list ap) { return vfprintf(stdout, fmt, ap); }

/* dprintf goes straight to the descriptor in one write per 256 bytes. */
static void put_fd(struct sink *s, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        s->buf[s->cap++] = p[i];
        if (s->cap == 256) {
            write(s->fd, s->buf, s->cap);
            s->cap = 0;
        }
    }
    s->len += n;
}
int vdprintf(int fd, const char *fmt, va_list ap)
{
    char buf[256];
    struct sink s = { put_fd, buf, 0, 0, 0, fd };
    int r = format(&s, fmt, ap);
    if (s.cap)
        write(fd, buf, s.cap);
    return r;
}

#define VARIADIC(call) \
    va_list ap; \
    va_start(ap, fmt); \
    int r = call; \
    va_end(ap); \
    return r;
int printf(const char *fmt, ...) { VARIADIC(vfprintf(stdout, fmt, ap)) }
int fprintf(FILE *f, const char *fmt, ...) { VARIADIC(vfprintf(f, fmt, ap)) }
int dprintf(int fd, const char *fmt, ...) { VARIADIC(vdprintf(fd, fmt, ap)) }
int sprintf(char *buf, const char *fmt, ...) { VARIADIC(vsprintf(buf, fmt, ap)) }
int snprintf(char *buf, size_t n, const char *fmt, ...) { VARIADIC(vsnprintf(buf, n, fmt, ap)) }
