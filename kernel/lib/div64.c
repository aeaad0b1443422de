/* 64-bit division helpers. i386 has no 64-by-64 divide, so clang turns `/` and `%` on
 * (u)int64_t into calls to these functions (the names and signatures are the libgcc ABI).
 * Nothing here may divide 64-bit values with the C operators: that would call itself. The toy
 * OS's kernel and its C library (kernel/user/lib) link this same file. */
#include <stddef.h>
#include <stdint.h>

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
int64_t __divmoddi4(int64_t a, int64_t b, int64_t *rem);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t a, int64_t b);
int64_t __moddi3(int64_t a, int64_t b);

/* DIV of EDX:EAX by a 32-bit divisor; the caller guarantees high < d, so the quotient fits. */
static uint32_t div_64_by_32(uint32_t high, uint32_t low, uint32_t d, uint32_t *rem)
{
    uint32_t q, r;
    __asm__("divl %4" : "=a"(q), "=d"(r) : "a"(low), "d"(high), "rm"(d));
    *rem = r;
    return q;
}

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
    uint32_t n_high = (uint32_t)(n >> 32), d_high = (uint32_t)(d >> 32);
    uint32_t d_low = (uint32_t)d;
    uint64_t q;
    uint64_t r;

    if (d_high == 0) {
        /* Dividing by zero: let the CPU raise #DE, as a 32-bit division would. */
        uint32_t r_high, r_low;
        uint32_t q_high = div_64_by_32(0, n_high, d_low, &r_high);
        uint32_t q_low = div_64_by_32(r_high, (uint32_t)n, d_low, &r_low);
        q = ((uint64_t)q_high << 32) | q_low;
        r = r_low;
    } else if (n_high < d_high) {
        q = 0;
        r = n;
    } else {
        /* The divisor needs more than 32 bits, so the quotient fits in 32: shift-subtract,
         * starting with the divisor aligned to the dividend's top bit. */
        int shift = __builtin_clz(d_high) - __builtin_clz(n_high);
        uint64_t divisor = d << shift;
        q = 0;
        r = n;
        for (int i = 0; i <= shift; i++) {
            q <<= 1;
            if (r >= divisor) {
                r -= divisor;
                q |= 1;
            }
            divisor >>= 1;
        }
    }
    if (rem != NULL)
        *rem = r;
    return q;
}

static uint64_t magnitude(int64_t v)
{
    return v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
}

int64_t __divmoddi4(int64_t a, int64_t b, int64_t *rem)
{
    uint64_t r;
    uint64_t q = __udivmoddi4(magnitude(a), magnitude(b), &r);
    /* C truncates toward zero: the remainder takes the dividend's sign. */
    if (rem != NULL)
        *rem = (int64_t)(a < 0 ? 0 - r : r);
    return (int64_t)((a < 0) != (b < 0) ? 0 - q : q);
}

uint64_t __udivdi3(uint64_t n, uint64_t d) { return __udivmoddi4(n, d, NULL); }

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
    uint64_t r;
    __udivmoddi4(n, d, &r);
    return r;
}

int64_t __divdi3(int64_t a, int64_t b) { return __divmoddi4(a, b, NULL); }

int64_t __moddi3(int64_t a, int64_t b)
{
    int64_t r;
    __divmoddi4(a, b, &r);
    return r;
}
