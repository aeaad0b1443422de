/* printf, snprintf and friends, following C11 7.21.6.1 and, where the standard leaves room,
 * glibc's choices (so guest output matches a native build byte for byte). No floating point:
 * guest code is built with -mgeneral-regs-only. */
#include "vxlib.h"

/* Where formatted characters go: COM1, or a bounded buffer that still counts what did not fit. */
typedef struct out_sink {
    char *buf;           /* NULL: write to COM1 */
    size_t size;
    size_t len;          /* characters produced so far, stored or not */
} out_sink;

static void sink_put(out_sink *s, char c)
{
    if (s->buf == NULL)
        vx_serial_putc(c);
    else if (s->len + 1 < s->size)
        s->buf[s->len] = c;
    s->len++;
}

static void sink_repeat(out_sink *s, char c, int count)
{
    for (; count > 0; count--)
        sink_put(s, c);
}

static void sink_write(out_sink *s, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sink_put(s, p[i]);
}

/* One parsed conversion specification. */
typedef struct conv_spec {
    bool left;           /* '-' */
    bool zero;           /* '0' */
    bool plus;           /* '+' */
    bool space;          /* ' ' */
    bool alt;            /* '#' */
    int width;
    int precision;       /* -1: none given */
} conv_spec;

/* Digits of `value` in `base`, written backwards from the end of `buf`; returns the count.
 * Values that fit 32 bits take 32-bit division, which is far cheaper than the 64-bit helpers. */
static int format_digits(char *end, unsigned long long value, unsigned base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    while (value > 0xFFFFFFFFull) {
        *--end = digits[value % base];
        value /= base;
        n++;
    }
    uint32_t small = (uint32_t)value;
    while (small != 0) {
        *--end = digits[small % base];
        small /= base;
        n++;
    }
    return n;
}

static void format_integer(out_sink *s, const conv_spec *spec, unsigned long long magnitude,
                           bool negative, bool is_signed, unsigned base, bool upper)
{
    char digit_buf[24];   /* 2^64 in octal has 22 digits */
    char *digits_end = digit_buf + sizeof digit_buf;
    int ndigits = format_digits(digits_end, magnitude, base, upper);
    const char *digits = digits_end - ndigits;

    /* Precision is the minimum number of digits; "%.0d" of 0 prints no digits at all. */
    int precision = spec->precision >= 0 ? spec->precision : 1;
    int zeros = precision > ndigits ? precision - ndigits : 0;
    if (spec->alt && base == 8 && zeros == 0 && (ndigits == 0 || digits[0] != '0'))
        zeros = 1;        /* '#' with %o: the first digit is a 0 */

    char prefix[2];
    int prefix_len = 0;
    if (is_signed) {
        if (negative)
            prefix[prefix_len++] = '-';
        else if (spec->plus)
            prefix[prefix_len++] = '+';
        else if (spec->space)
            prefix[prefix_len++] = ' ';
    } else if (spec->alt && base == 16 && magnitude != 0) {
        prefix[prefix_len++] = '0';
        prefix[prefix_len++] = upper ? 'X' : 'x';
    }

    int body = prefix_len + zeros + ndigits;
    int pad = spec->width > body ? spec->width - body : 0;
    /* The '0' flag pads with zeros after the sign, but is ignored with '-' or a precision. */
    if (spec->zero && !spec->left && spec->precision < 0) {
        zeros += pad;
        pad = 0;
    }
    if (!spec->left)
        sink_repeat(s, ' ', pad);
    sink_write(s, prefix, (size_t)prefix_len);
    sink_repeat(s, '0', zeros);
    sink_write(s, digits, (size_t)ndigits);
    if (spec->left)
        sink_repeat(s, ' ', pad);
}

static void format_text(out_sink *s, const conv_spec *spec, const char *text, size_t len)
{
    int pad = spec->width > (int)len ? spec->width - (int)len : 0;
    if (!spec->left)
        sink_repeat(s, ' ', pad);
    sink_write(s, text, len);
    if (spec->left)
        sink_repeat(s, ' ', pad);
}

/* Length modifiers, as read from the format. */
typedef enum length_mod { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T } length_mod;

static long long fetch_signed(va_list *ap, length_mod len)
{
    switch (len) {
    case LEN_HH: return (signed char)va_arg(*ap, int);
    case LEN_H:  return (short)va_arg(*ap, int);
    case LEN_L:  return va_arg(*ap, long);
    case LEN_LL: return va_arg(*ap, long long);
    case LEN_Z:  return (ptrdiff_t)va_arg(*ap, size_t);   /* the signed type of size_t's width */
    case LEN_J:  return va_arg(*ap, intmax_t);
    case LEN_T:  return va_arg(*ap, ptrdiff_t);
    default:     return va_arg(*ap, int);
    }
}

static unsigned long long fetch_unsigned(va_list *ap, length_mod len)
{
    switch (len) {
    case LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_H:  return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_L:  return va_arg(*ap, unsigned long);
    case LEN_LL: return va_arg(*ap, unsigned long long);
    case LEN_Z:  return va_arg(*ap, size_t);
    case LEN_J:  return va_arg(*ap, uintmax_t);
    case LEN_T:  return (size_t)va_arg(*ap, ptrdiff_t);
    default:     return va_arg(*ap, unsigned int);
    }
}

static int parse_number(const char **fmt)
{
    int n = 0;
    while (**fmt >= '0' && **fmt <= '9') {
        if (n < 100000000)          /* saturate instead of overflowing on absurd widths */
            n = n * 10 + (**fmt - '0');
        (*fmt)++;
    }
    return n;
}

static length_mod parse_length(const char **fmt)
{
    const char *p = *fmt;
    length_mod len = LEN_NONE;
    switch (*p) {
    case 'h': len = p[1] == 'h' ? LEN_HH : LEN_H; break;
    case 'l': len = p[1] == 'l' ? LEN_LL : LEN_L; break;
    case 'z': len = LEN_Z; break;
    case 'j': len = LEN_J; break;
    case 't': len = LEN_T; break;
    default: return LEN_NONE;
    }
    *fmt = p + (len == LEN_HH || len == LEN_LL ? 2 : 1);
    return len;
}

static int format_to(out_sink *s, const char *fmt, va_list ap_in)
{
    va_list ap;
    va_copy(ap, ap_in);
    while (*fmt != '\0') {
        if (*fmt != '%') {
            sink_put(s, *fmt++);
            continue;
        }
        const char *spec_start = fmt++;
        conv_spec spec = { .precision = -1 };
        for (;; fmt++) {
            if (*fmt == '-') spec.left = true;
            else if (*fmt == '0') spec.zero = true;
            else if (*fmt == '+') spec.plus = true;
            else if (*fmt == ' ') spec.space = true;
            else if (*fmt == '#') spec.alt = true;
            else break;
        }
        if (*fmt == '*') {
            fmt++;
            spec.width = va_arg(ap, int);
            if (spec.width < 0) {           /* a negative '*' width means '-' */
                spec.left = true;
                spec.width = spec.width == INT_MIN ? INT_MAX : -spec.width;
            }
        } else {
            spec.width = parse_number(&fmt);
        }
        if (*fmt == '.') {
            fmt++;
            if (*fmt == '*') {
                fmt++;
                spec.precision = va_arg(ap, int);
                if (spec.precision < 0)     /* a negative '*' precision means none */
                    spec.precision = -1;
            } else {
                spec.precision = parse_number(&fmt);
            }
        }
        length_mod len = parse_length(&fmt);

        char conv = *fmt;
        if (conv == '\0') {                 /* a lone '%' at the end: print it as written */
            sink_write(s, spec_start, (size_t)(fmt - spec_start));
            break;
        }
        fmt++;
        switch (conv) {
        case 'd':
        case 'i': {
            long long v = fetch_signed(&ap, len);
            unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
            format_integer(s, &spec, mag, v < 0, true, 10, false);
            break;
        }
        case 'u':
            format_integer(s, &spec, fetch_unsigned(&ap, len), false, false, 10, false);
            break;
        case 'o':
            format_integer(s, &spec, fetch_unsigned(&ap, len), false, false, 8, false);
            break;
        case 'x':
        case 'X':
            format_integer(s, &spec, fetch_unsigned(&ap, len), false, false, 16, conv == 'X');
            break;
        case 'p': {
            void *p = va_arg(ap, void *);
            if (p == NULL) {
                format_text(s, &spec, "(nil)", 5);    /* glibc's spelling */
            } else {
                spec.alt = true;
                format_integer(s, &spec, (uintptr_t)p, false, false, 16, false);
            }
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            format_text(s, &spec, &c, 1);
            break;
        }
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (str == NULL)
                str = spec.precision < 0 || spec.precision >= 6 ? "(null)" : "";
            size_t n = spec.precision >= 0 ? strnlen(str, (size_t)spec.precision) : strlen(str);
            format_text(s, &spec, str, n);
            break;
        }
        case '%':
            sink_put(s, '%');
            break;
        default:                            /* unknown conversion: print it as written */
            sink_write(s, spec_start, (size_t)(fmt - spec_start));
            break;
        }
    }
    va_end(ap);
    return s->len > INT_MAX ? INT_MAX : (int)s->len;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    static char dummy;
    out_sink s = { .buf = size > 0 ? buf : &dummy, .size = size, .len = 0 };
    int n = format_to(&s, fmt, ap);
    if (size > 0)
        buf[s.len < size ? s.len : size - 1] = '\0';
    return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int vprintf(const char *fmt, va_list ap)
{
    out_sink s = { .buf = NULL };
    return format_to(&s, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}
