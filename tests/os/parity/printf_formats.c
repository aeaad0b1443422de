/* printf formats: integers of every size, flags, width and precision, strings, chars, %%, %n,
 * snprintf truncation and return values. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    printf("[%d] [%i] [%u] [%x] [%X] [%o]\n", -42, 42, 42u, 0xbeefu, 0xbeefu, 8u);
    printf("[%5d] [%-5d] [%05d] [%+d] [% d] [%+5d] [%-+5d]\n", 42, 42, 42, 42, 42, -42, 42);
    printf("[%.3d] [%8.3d] [%-8.3d] [%.0d] [%.0d]\n", 7, 7, 7, 0, 1);
    printf("[%#x] [%#X] [%#o] [%#x] [%#o]\n", 255u, 255u, 8u, 0u, 0u);
    printf("[%d] [%d] [%u] [%x]\n", INT_MAX, INT_MIN, UINT_MAX, UINT_MAX);
    printf("[%ld] [%lu] [%lld] [%llu] [%llx]\n", -123456789L, 123456789UL, LLONG_MIN, ULLONG_MAX, 0x123456789abcdefULL);
    printf("[%hd] [%hu] [%hhd] [%hhu]\n", (short)-3, (unsigned short)65535, (signed char)-5, (unsigned char)250);
    printf("[%zu]\n", (size_t)12345);
    printf("[%s] [%10s] [%-10s] [%.2s] [%10.3s]\n", "str", "str", "str", "str", "string");
    printf("[%c] [%3c] [%-3c]\n", 'a', 'b', 'c');
    printf("[%%]\n");
    printf("[%*d] [%-*d] [%.*d] [%*.*s]\n", 6, 1, 6, 2, 4, 3, 6, 2, "abcdef");
    printf("[%p]\n", (void *)0);
    int n1 = 0, n2 = 0;
    printf("abc%n def%n\n", &n1, &n2);
    printf("n: %d %d\n", n1, n2);
    char buf[8];
    const char *volatile longword = "truncated";
    int r = snprintf(buf, sizeof buf, "%s-%d", longword, 12345);
    printf("snprintf %d [%s]\n", r, buf);
    r = snprintf(0, 0, "%d", 1234567);
    printf("snprintf size only %d\n", r);
    r = sprintf(buf, "%x", 0xabcu);
    printf("sprintf %d [%s]\n", r, buf);
    r = printf("12345\n");
    printf("printf returned %d\n", r);
    fprintf(stderr, "to stderr %d\n", 5);
    long long big = 1;
    for (int i = 0; i < 20; i++, big *= 7)
        printf("%lld %llo %llX\n", big, (unsigned long long)big, (unsigned long long)big);
    return 0;
}
