/* strings, number parsing, sorting and the errno texts. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void)
{
    const char *nums[] = { "42", "-17", "  +8", "0x1f", "077", "12abc", "", "99999999999999999999", "-99999999999999999999", 0 };
    for (int i = 0; nums[i]; i++) {
        char *end;
        errno = 0;
        long v = strtol(nums[i], &end, 0);
        long v10 = strtol(nums[i], 0, 10);
        long long vl = strtoll(nums[i], 0, 10);
        printf("strtol(\"%s\") = %ld (base 10: %ld, ll %lld) rest \"%s\" errno %d atoi %d\n", nums[i],
               v == LONG_MAX ? 1L : v == LONG_MIN ? -1L : v, v10 == LONG_MAX || v10 == LONG_MIN ? 0L : v10,
               vl, end, errno, atoi(nums[i]) == (int)v10);
    }
    printf("strtoul: %lu\n", strtoul("4000000000", 0, 10));
    printf("strtol base 2: %ld, base 36: %ld\n", strtol("1011", 0, 2), strtol("zz", 0, 36));
    int a[] = { 5, 3, 9, 1, 7, 2, 8, 6, 4, 0, 15, 11, 13, 12, 14, 10 };
    qsort(a, 16, sizeof(int), cmp_int);
    for (int i = 0; i < 16; i++)
        printf("%d ", a[i]);
    printf("\n");
    char *w[] = { "pear", "apple", "fig", "banana", "cherry" };
    qsort(w, 5, sizeof(char *), cmp_str);
    for (int i = 0; i < 5; i++)
        printf("%s ", w[i]);
    printf("\n");
    char s[64] = "a,b,,c";
    char *save;
    for (char *t = strtok_r(s, ",", &save); t; t = strtok_r(0, ",", &save))
        printf("tok %s\n", t);
    printf("strstr %s strchr %s strrchr %s\n", strstr("haystack", "st"), strchr("a.b.c", '.'), strrchr("a.b.c", '.'));
    printf("strspn %zu strcspn %zu cmp %d %d %d\n", strspn("aabbc", "ab"), strcspn("hello", "l"),
           strcmp("a", "b") < 0, strcmp("b", "a") > 0, strncmp("abc", "abd", 2));
    printf("toupper %c isdigit %d isspace %d isalpha %d\n", toupper('q'), !!isdigit('7'), !!isspace('\t'), !!isalpha('_'));
    for (int e = 0; e <= 40; e++)
        printf("%d %s\n", e, strerror(e));
    printf("%s\n", strerror(ENOMSG));
    printf("%s\n", strerror(EOVERFLOW));
    errno = ENOENT;
    perror("perror prefix");
    return 0;
}
