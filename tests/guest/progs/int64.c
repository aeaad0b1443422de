/* 64-bit integer arithmetic. On i386 every operation here is a multi-instruction sequence
 * (ADD/ADC, SHLD/SHRD, MUL with carries) or a call into the runtime's division helpers,
 * so this is the program that checks those paths against a 64-bit host. */
#include "suite.h"

static const int64_t signed_values[] = {
    0, 1, -1, 2, -2, 7, -7, 10, -10, 255, -256, 65536, -65537, 2147483647ll, -2147483647ll - 1,
    2147483648ll, 4294967295ll, 4294967296ll, -4294967296ll, 1000000007ll, 123456789012345ll,
    -987654321098765ll, 4611686018427387904ll, INT64_MAX, INT64_MIN + 1, INT64_MIN,
};
#define NSIGNED (sizeof signed_values / sizeof signed_values[0])

static const uint64_t unsigned_values[] = {
    0, 1, 2, 3, 10, 0xFF, 0xFFFF, 0xFFFFFFFFull, 0x100000000ull, 0x100000001ull,
    0x123456789ABCDEFull, 0x8000000000000000ull, 0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFF00000000ull,
    0xDEADBEEFCAFEBABEull, 10000000000000000000ull,
};
#define NUNSIGNED (sizeof unsigned_values / sizeof unsigned_values[0])

static uint64_t mix;    /* a running hash of every result, printed at the end */

static void note(uint64_t v) { mix = (mix ^ v) * 0x100000001B3ull; }

/* Volatile reads keep the compiler from folding everything at -O2. */
static int64_t opaque_s(int64_t v) { volatile int64_t x = v; return x; }
static uint64_t opaque_u(uint64_t v) { volatile uint64_t x = v; return x; }

static void signed_division(void)
{
    puts("signed division and remainder:");
    for (size_t i = 0; i < NSIGNED; i++) {
        for (size_t j = 0; j < NSIGNED; j++) {
            int64_t a = opaque_s(signed_values[i]), b = opaque_s(signed_values[j]);
            if (b == 0 || (a == INT64_MIN && b == -1))
                continue;                          /* undefined in C */
            int64_t q = a / b, r = a % b;
            note((uint64_t)q);
            note((uint64_t)r);
            CHECK(q * b + r == a);                 /* the defining identity (C11 6.5.5) */
            CHECK(r == 0 || ((r < 0) == (a < 0)));
            if (i % 5 == 0 && j % 4 == 1)
                printf("  %lld / %lld = %lld rem %lld\n", (long long)a, (long long)b,
                       (long long)q, (long long)r);
        }
    }
}

static void unsigned_division(void)
{
    puts("unsigned division and remainder:");
    for (size_t i = 0; i < NUNSIGNED; i++) {
        for (size_t j = 1; j < NUNSIGNED; j++) {
            uint64_t a = opaque_u(unsigned_values[i]), b = opaque_u(unsigned_values[j]);
            uint64_t q = a / b, r = a % b;
            note(q);
            note(r);
            CHECK(r < b && q * b + r == a);
            if (i % 3 == 0 && j % 3 == 2)
                printf("  %llu / %llu = %llu rem %llu\n", (unsigned long long)a,
                       (unsigned long long)b, (unsigned long long)q, (unsigned long long)r);
        }
    }
    CHECK_EQ_U64(opaque_u(0xFFFFFFFFFFFFFFFFull) / 10, 1844674407370955161ull);
    CHECK_EQ_U64(opaque_u(0xFFFFFFFFFFFFFFFFull) % 10, 5);
    CHECK_EQ_U64(opaque_u(0xDEADBEEFCAFEBABEull) / 0x100000001ull, 0xDEADBEEEull);
}

static void multiplication(void)
{
    puts("multiplication (wrapping):");
    for (size_t i = 0; i < NUNSIGNED; i++) {
        for (size_t j = i; j < NUNSIGNED; j++) {
            uint64_t p = opaque_u(unsigned_values[i]) * opaque_u(unsigned_values[j]);
            note(p);
            if ((i + j) % 7 == 0)
                printf("  %llx * %llx = %llx\n", (unsigned long long)unsigned_values[i],
                       (unsigned long long)unsigned_values[j], (unsigned long long)p);
        }
    }
    CHECK_EQ_U64(opaque_u(0xFFFFFFFFull) * opaque_u(0xFFFFFFFFull), 0xFFFFFFFE00000001ull);
    CHECK(opaque_s(-3000000000ll) * opaque_s(3) == -9000000000ll);
    CHECK(opaque_s(-4294967296ll) * opaque_s(-2) == 8589934592ll);
}

static void shifts(void)
{
    puts("shifts:");
    uint64_t u = opaque_u(0x8123456789ABCDEFull);
    int64_t s = opaque_s(-0x123456789ABCDEFll);
    for (int n = 0; n < 64; n++) {
        uint64_t l = u << n, r = u >> n;
        int64_t ar = s >> n;                       /* arithmetic: gcc and clang both sign-fill */
        note(l);
        note(r);
        note((uint64_t)ar);
        if (n % 9 == 0 || n == 31 || n == 32 || n == 33 || n == 63)
            printf("  n=%2d  shl %016llx  shr %016llx  sar %016llx\n", n, (unsigned long long)l,
                   (unsigned long long)r, (unsigned long long)ar);
    }
    CHECK_EQ_U64(u << 32, 0x89ABCDEF00000000ull);
    CHECK_EQ_U64(u >> 63, 1);
    CHECK((s >> 63) == -1 && (opaque_s(INT64_MIN) >> 62) == -2);
}

static void comparisons_and_mixed(void)
{
    puts("comparisons:");
    int less = 0, uless = 0;
    for (size_t i = 0; i < NSIGNED; i++) {
        for (size_t j = 0; j < NSIGNED; j++) {
            int64_t a = opaque_s(signed_values[i]), b = opaque_s(signed_values[j]);
            less += a < b;
            uless += (uint64_t)a < (uint64_t)b;
        }
    }
    printf("  signed less-than pairs %d, unsigned %d\n", less, uless);
    CHECK(less == (int)(NSIGNED * (NSIGNED - 1) / 2));

    puts("conversions:");
    int32_t neg = -5;
    uint32_t big32 = 0xFFFFFFF0u;
    int64_t from_neg = neg;                      /* sign extension */
    uint64_t from_big = big32;                   /* zero extension */
    int64_t from_big_signed = (int32_t)big32;
    printf("  %lld %llu %lld %d %u\n", (long long)from_neg, (unsigned long long)from_big,
           (long long)from_big_signed, (int)(int32_t)opaque_s(0x1234567887654321ll),
           (unsigned)(uint32_t)opaque_u(0x1234567887654321ull));
    CHECK(from_neg == -5 && from_big == 0xFFFFFFF0ull && from_big_signed == -16);

    /* Addition carries across the 32-bit halves. */
    uint64_t sum = opaque_u(0xFFFFFFFFull) + 1, diff = opaque_u(0x100000000ull) - 1;
    printf("  carry %llx borrow %llx wrap %llx\n", (unsigned long long)sum,
           (unsigned long long)diff, (unsigned long long)(opaque_u(UINT64_MAX) + 2));
    CHECK(sum == 0x100000000ull && diff == 0xFFFFFFFFull);
    CHECK(-opaque_s(INT64_MAX) - 1 == INT64_MIN);
}

static uint64_t isqrt64(uint64_t n)
{
    uint64_t x = n, y = (x >> 1) + (x & 1);   /* ceil(n/2) without overflowing */
    while (y < x) {
        x = y;
        y = (x + n / x) / 2;
    }
    return x;
}

/* (x + y) mod m for x, y < m, without overflowing even when m is close to 2^64. */
static uint64_t addmod(uint64_t x, uint64_t y, uint64_t m)
{
    return x >= m - y ? x - (m - y) : x + y;
}

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m)
{
    uint64_t r = 0;
    a %= m;
    while (b > 0) {
        if (b & 1)
            r = addmod(r, a, m);
        a = addmod(a, a, m);
        b >>= 1;
    }
    return r;
}

static uint64_t powmod(uint64_t base, uint64_t exp, uint64_t m)
{
    uint64_t r = 1 % m;
    for (base %= m; exp > 0; exp >>= 1) {
        if (exp & 1)
            r = mulmod(r, base, m);
        base = mulmod(base, base, m);
    }
    return r;
}

static void algorithms(void)
{
    puts("algorithms:");
    static const uint64_t squares[] = { 0, 1, 15, 16, 17, 1000000, 999999999999ull,
                                        0xFFFFFFFFFFFFFFFFull, 0x4000000000000000ull };
    for (size_t i = 0; i < sizeof squares / sizeof squares[0]; i++) {
        uint64_t r = isqrt64(squares[i]);
        printf("  isqrt(%llu) = %llu\n", (unsigned long long)squares[i], (unsigned long long)r);
        CHECK(r * r <= squares[i] && (r + 1 > 0xFFFFFFFFull || (r + 1) * (r + 1) > squares[i]));
    }
    uint64_t p = 1000000007ull;
    printf("  3^(p-1) mod p = %llu\n", (unsigned long long)powmod(3, p - 1, p));
    CHECK(powmod(3, p - 1, p) == 1);                   /* Fermat's little theorem */
    uint64_t big_prime = 18446744073709551557ull;      /* the largest 64-bit prime */
    printf("  2^(q-1) mod q = %llu for q = %llu\n", (unsigned long long)powmod(2, big_prime - 1, big_prime),
           (unsigned long long)big_prime);
    CHECK(powmod(2, big_prime - 1, big_prime) == 1);
    uint64_t fact = 1;
    for (uint64_t n = 1; n <= 20; n++)
        fact *= n;
    printf("  20! = %llu\n", (unsigned long long)fact);
    CHECK(fact == 2432902008176640000ull);
}

int main(void)
{
    mix = 0xCBF29CE484222325ull;
    signed_division();
    unsigned_division();
    multiplication();
    shifts();
    comparisons_and_mixed();
    algorithms();
    printf("hash of all results: %016llx\n", (unsigned long long)mix);
    return suite_finish("int64");
}
