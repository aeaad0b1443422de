/* printf formatting: flags, widths, precisions, '*', length modifiers and edge values. The
 * native build prints with the C library, the guest with kernel/lib, so any difference in
 * the runtime's printf shows up as a byte difference between the two outputs. */
#include "suite.h"

#define SHOW(...)                                                                \
    do {                                                                         \
        char buf_[160];                                                          \
        int n_ = snprintf(buf_, sizeof buf_, __VA_ARGS__);                       \
        int m_ = printf("[%s] %d\n", buf_, n_);                                  \
        CHECK(n_ >= 0 && (size_t)n_ == strlen(buf_) && m_ == n_ + 5 + (n_ > 9) + (n_ > 99)); \
    } while (0)

static void integers(void)
{
    static const int32_t values[] = { 0, 1, -1, 7, -42, 1000, 65535, -65536, 2147483647, INT32_MIN };
    for (unsigned i = 0; i < sizeof values / sizeof values[0]; i++) {
        int v = (int)values[i];
        SHOW("%d|%i|%5d|%-5d|%05d|%+d|% d|%+05d|%.3d|%8.3d|%-8.3d|%.0d", v, v, v, v, v, v, v, v, v, v, v, v);
        unsigned u = (unsigned)v;
        SHOW("%u|%x|%X|%o|%#x|%#X|%#o|%08x|%-10u|%.6x|%#.6o|%#10x|%-#10o", u, u, u, u, u, u, u, u, u, u, u, u, u);
    }
}

static void lengths(void)
{
    /* Out-of-range ints are converted to char/short by printf itself (C11 7.21.6.1p7);
     * clang warns about passing an int for %hh and %h, which is exactly what we test here. */
    int v300 = 300, v511 = 511, vm129 = -129, v70000 = 70000, vx = 0x12345, vm32769 = -32769;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
    SHOW("%hhd %hhu %hhx %hhd", v300, v300, v511, vm129);
    SHOW("%hd %hu %hx %hd", v70000, v70000, vx, vm32769);
#pragma GCC diagnostic pop
    SHOW("%ld %lu %lx", (long)-123456789, (unsigned long)4000000000u, (unsigned long)0xCAFEu);
    SHOW("%lld %llu %llx %llX", (long long)INT64_MIN, (unsigned long long)UINT64_MAX,
         0x0123456789ABCDEFull, 0xFEDCBA9876543210ull);
    SHOW("%lld %lld %+lld %020lld", 0ll, (long long)INT64_MAX, 99ll, -12345678901234ll);
    SHOW("%llo %#llo %#llx", (unsigned long long)UINT64_MAX, 8ull, 0xABCull);
    SHOW("%zu %zx %zd", (size_t)123456, (size_t)0xBEEF, (size_t)42);
    SHOW("%jd %ju %jx", (intmax_t)-9000000000ll, (uintmax_t)18000000000ull, (uintmax_t)0xFFull);
    SHOW("%td %tx", (ptrdiff_t)-77, (ptrdiff_t)0x7F);
    SHOW("%d %lld %d", 1, 2ll, 3);     /* a 64-bit argument between 32-bit ones */
}

static void strings_and_chars(void)
{
    const char *s = "vx86";
    SHOW("%s|%10s|%-10s|%.2s|%10.3s|%-6.1s|%.0s|%.10s", s, s, s, s, s, s, s, s);
    SHOW("%c%c%c|%3c|%-3c|%c", 'a', 'b', 'c', 'x', 'y', '%');
    SHOW("%s", "");
    SHOW("%5s|%-5s|", "", "");
    SHOW("100%% %d%%", 50);
    SHOW("%s and %s", "tab\there", "newline\\n");
}

static void stars(void)
{
    SHOW("%*d|%-*d|%*d", 6, 42, 6, 42, -6, 42);
    SHOW("%.*d|%.*d|%*.*d", 5, 42, -1, 42, 8, 4, -42);
    SHOW("%*s|%.*s|%-*.*s|", 7, "abc", 2, "abc", 6, 1, "abc");
    SHOW("%0*d|%0*x", 8, -123, 10, 0xABCu);
}

static void edges(void)
{
    SHOW("%d %d", INT32_MAX, INT32_MIN);
    SHOW("%u %x %o", UINT32_MAX, UINT32_MAX, UINT32_MAX);
    SHOW("%.0x|%#.0x|%.0o|%#.0o|%5.0d|", 0u, 0u, 0u, 0u, 0);
    SHOW("%#x %#o %#X", 0u, 0u, 0u);
    SHOW("%+.0d|% .0d|%+5.0d|", 0, 0, 0);
    SHOW("%-+8d|%- 8d|%+-8d|", 5, 5, -5);
    SHOW("%020d|%-20d|", INT32_MIN, INT32_MIN);
    SHOW("%.12d|%.12u|%.12x", -1, 1u, 255u);
    SHOW("%40d|", 7);
}

/* Sizes the compiler cannot see, so it does not warn about the truncation we test on purpose. */
static size_t runtime_size(size_t n)
{
    volatile size_t v = n;
    return v;
}

static void truncation(void)
{
    char buf[8];
    int n = snprintf(buf, runtime_size(sizeof buf), "%s", "abcdefghijkl");
    printf("truncated: \"%s\" wanted %d\n", buf, n);
    CHECK(n == 12 && strcmp(buf, "abcdefg") == 0);
    n = snprintf(buf, runtime_size(sizeof buf), "%d", -1234567);
    printf("exact fit: \"%s\" wanted %d\n", buf, n);
    CHECK(n == 8 && strcmp(buf, "-123456") == 0);
    n = snprintf(buf, runtime_size(1), "%d", 99);
    CHECK(n == 2 && buf[0] == '\0');
    n = snprintf(NULL, 0, "%08x-%s", 0xBEEFu, "tail");
    printf("measured: %d\n", n);
    CHECK(n == 13);
    memset(buf, 'Z', sizeof buf);
    n = snprintf(buf, runtime_size(4), "%c%c%c%c%c", 'v', 'w', 'x', 'y', 'z');
    CHECK(n == 5 && memcmp(buf, "vwx\0ZZZZ", 8) == 0);
}

static void table(void)
{
    puts("+--------+------------+--------------------+");
    static const struct { const char *name; int32_t qty; uint64_t total; } rows[] = {
        { "apples", 12, 340 }, { "pears", -3, 9876543210ull }, { "a-very-long-name", 0, 0 },
    };
    for (unsigned i = 0; i < 3; i++)
        printf("| %-6.6s | %+10d | %18llu |\n", rows[i].name, (int)rows[i].qty,
               (unsigned long long)rows[i].total);
    puts("+--------+------------+--------------------+");
    for (int i = 0; i < 16; i++)
        printf("%3d %#06x %4o%c", i * 37, (unsigned)(i * 0x1111), (unsigned)(i * 9), i % 4 == 3 ? '\n' : ' ');
}

int main(void)
{
    integers();
    lengths();
    strings_and_chars();
    stars();
    edges();
    truncation();
    table();
    int n = printf("%s %d %s\n", "this line is", 27, "bytes long");
    CHECK(n == 27);
    return suite_finish("format");
}
