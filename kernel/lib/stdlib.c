/* Small stdlib.h and ctype.h pieces (ASCII only: the guest has no locales). */
#include "vxlib.h"

int abs(int x) { return x < 0 ? -x : x; }
long labs(long x) { return x < 0 ? -x : x; }
long long llabs(long long x) { return x < 0 ? -x : x; }

int isdigit(int c) { return c >= '0' && c <= '9'; }
int isspace(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
int isupper(int c) { return c >= 'A' && c <= 'Z'; }
int islower(int c) { return c >= 'a' && c <= 'z'; }
int isalpha(int c) { return isupper(c) || islower(c); }
int isalnum(int c) { return isalpha(c) || isdigit(c); }
int isxdigit(int c) { return isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int toupper(int c) { return islower(c) ? c - 'a' + 'A' : c; }
int tolower(int c) { return isupper(c) ? c - 'A' + 'a' : c; }

static int digit_value(int c)
{
    if (isdigit(c))
        return c - '0';
    if (isalpha(c))
        return tolower(c) - 'a' + 10;
    return 99;
}

/* Shared by strtol and strtoul: parses sign, base prefix and digits, saturating at `limit`. */
static unsigned long parse_unsigned(const char *s, char **end, int base, bool *negative,
                                    unsigned long limit)
{
    const char *p = s;
    while (isspace((unsigned char)*p))
        p++;
    *negative = false;
    if (*p == '+' || *p == '-')
        *negative = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        isxdigit((unsigned char)p[2])) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    unsigned long value = 0;
    bool any = false, overflow = false;
    for (; digit_value((unsigned char)*p) < base; p++) {
        unsigned long d = (unsigned long)digit_value((unsigned char)*p);
        if (value > (limit - d) / (unsigned long)base)
            overflow = true;
        else
            value = value * (unsigned long)base + d;
        any = true;
    }
    if (end != NULL)
        *end = (char *)(any ? p : s);
    return overflow ? limit : value;
}

long strtol(const char *s, char **end, int base)
{
    bool negative;
    /* The magnitude limit differs by sign: LONG_MIN has one more than LONG_MAX. */
    unsigned long mag = parse_unsigned(s, end, base, &negative, (unsigned long)LONG_MAX + 1);
    if (negative)
        return mag > (unsigned long)LONG_MAX ? LONG_MIN : -(long)mag;
    return mag > (unsigned long)LONG_MAX ? LONG_MAX : (long)mag;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    bool negative;
    unsigned long v = parse_unsigned(s, end, base, &negative, ULONG_MAX);
    return negative ? 0ul - v : v;
}

int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}
