/* <stdlib.h> apart from malloc: number parsing, the environment, sorting, rand, system, abort. */
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>

/* Parse digits in `base` (0 = from prefix); *neg gets the sign; overflow saturates at `limit`. */
static unsigned long long parse(const char *s, char **end, int base, int *neg, unsigned long long limit, int *range)
{
    const char *p = s;
    while (isspace((unsigned char)*p))
        p++;
    *neg = 0;
    if (*p == '-' || *p == '+')
        *neg = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = *p == '0' ? 8 : 10;
    }
    unsigned long long v = 0;
    const char *start = p;
    *range = 0;
    for (;; p++) {
        int d;
        if (isdigit((unsigned char)*p))
            d = *p - '0';
        else if (isalpha((unsigned char)*p))
            d = tolower((unsigned char)*p) - 'a' + 10;
        else
            break;
        if (d >= base)
            break;
        if (v > (limit - (unsigned)d) / (unsigned)base)
            *range = 1;
        else
            v = v * (unsigned)base + (unsigned)d;
    }
    if (end)
        *end = (char *)(p == start ? s : p);
    return v;
}

long long strtoll(const char *s, char **end, int base)
{
    int neg, range;
    unsigned long long v = parse(s, end, base, &neg, (unsigned long long)LLONG_MAX + 1, &range);
    if (range || (!neg && v > LLONG_MAX)) {
        errno = ERANGE;
        return neg ? LLONG_MIN : LLONG_MAX;
    }
    return neg ? (long long)(0 - v) : (long long)v;
}
unsigned long long strtoull(const char *s, char **end, int base)
{
    int neg, range;
    unsigned long long v = parse(s, end, base, &neg, ULLONG_MAX, &range);
    if (range) {
        errno = ERANGE;
        return ULLONG_MAX;
    }
    return neg ? 0 - v : v;
}
long strtol(const char *s, char **end, int base)
{
    int neg, range;
    unsigned long long v = parse(s, end, base, &neg, (unsigned long long)LONG_MAX + 1, &range);
    if (range || (!neg && v > LONG_MAX)) {
        errno = ERANGE;
        return neg ? LONG_MIN : LONG_MAX;
    }
    return neg ? (long)(0 - v) : (long)v;
}
unsigned long strtoul(const char *s, char **end, int base)
{
    int neg, range;
    unsigned long long v = parse(s, end, base, &neg, ULONG_MAX, &range);
    if (range) {
        errno = ERANGE;
        return ULONG_MAX;
    }
    return neg ? (unsigned long)(0 - v) : (unsigned long)v;
}
int atoi(const char *s) { return (int)strtol(s, 0, 10); }
long atol(const char *s) { return strtol(s, 0, 10); }
long long atoll(const char *s) { return strtoll(s, 0, 10); }
int abs(int x) { return x < 0 ? -x : x; }
long labs(long x) { return x < 0 ? -x : x; }
long long llabs(long long x) { return x < 0 ? -x : x; }
div_t div(int a, int b) { div_t d = { a / b, a % b }; return d; }
ldiv_t ldiv(long a, long b) { ldiv_t d = { a / b, a % b }; return d; }

/* ---- environment: environ points at the kernel's copy until the first change, then at ours ---- */
static char **own_env;   /* non-NULL once environ is our malloc'd array */

static int env_find(const char *name, size_t len)
{
    for (int i = 0; environ && environ[i]; i++)
        if (!strncmp(environ[i], name, len) && environ[i][len] == '=')
            return i;
    return -1;
}
char *getenv(const char *name)
{
    int i = env_find(name, strlen(name));
    return i < 0 ? 0 : environ[i] + strlen(name) + 1;
}
static int env_count(void)
{
    int n = 0;
    while (environ && environ[n])
        n++;
    return n;
}
static int env_own(int extra)
{
    int n = env_count();
    char **e = malloc(sizeof(char *) * (size_t)(n + extra + 1));
    if (!e)
        return -1;
    for (int i = 0; i < n; i++)
        e[i] = environ[i];
    e[n] = 0;
    free(own_env);
    environ = own_env = e;
    return 0;
}
int putenv(char *string)
{
    char *eq = strchr(string, '=');
    if (!eq) {
        errno = EINVAL;
        return -1;
    }
    int i = env_find(string, (size_t)(eq - string));
    if (i >= 0) {
        environ[i] = string;
        return 0;
    }
    if (env_own(1) < 0)
        return -1;
    int n = env_count();
    environ[n] = string;
    environ[n + 1] = 0;
    return 0;
}
int setenv(const char *name, const char *value, int overwrite)
{
    if (!name || !*name || strchr(name, '=')) {
        errno = EINVAL;
        return -1;
    }
    if (!overwrite && getenv(name))
        return 0;
    size_t a = strlen(name), b = strlen(value);
    char *s = malloc(a + b + 2);
    if (!s)
        return -1;
    memcpy(s, name, a);
    s[a] = '=';
    memcpy(s + a + 1, value, b + 1);
    return putenv(s);
}
int unsetenv(const char *name)
{
    if (!name || !*name || strchr(name, '=')) {
        errno = EINVAL;
        return -1;
    }
    int i;
    while ((i = env_find(name, strlen(name))) >= 0)
        for (; environ[i]; i++)
            environ[i] = environ[i + 1];
    return 0;
}

/* ---- sorting: insertion sort for small runs inside a simple quicksort; not stable, like glibc's
 * contract (glibc happens to be a merge sort, so parity programs should not depend on order of
 * equal keys). ---- */
static void swap(char *a, char *b, size_t size)
{
    while (size--) {
        char t = *a;
        *a++ = *b;
        *b++ = t;
    }
}
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    char *b = base;
    while (n > 8) {
        swap(b, b + (n / 2) * size, size);   /* middle element as pivot, moved to the front */
        size_t last = 0;
        for (size_t i = 1; i < n; i++)
            if (cmp(b + i * size, b) < 0)
                swap(b + ++last * size, b + i * size, size);
        swap(b, b + last * size, size);
        /* recurse into the smaller half, loop on the larger: O(log n) stack */
        if (last < n - last - 1) {
            qsort(b, last, size, cmp);
            b += (last + 1) * size;
            n -= last + 1;
        } else {
            qsort(b + (last + 1) * size, n - last - 1, size, cmp);
            n = last;
        }
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && cmp(b + (j - 1) * size, b + j * size) > 0; j--)
            swap(b + (j - 1) * size, b + j * size, size);
}
void *bsearch(const void *key, const void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    const char *b = base;
    while (n > 0) {
        const char *mid = b + (n / 2) * size;
        int c = cmp(key, mid);
        if (c == 0)
            return (void *)mid;
        if (c > 0) {
            b = mid + size;
            n = n - n / 2 - 1;
        } else {
            n /= 2;
        }
    }
    return 0;
}

static unsigned long long rand_state = 1;
void srand(unsigned seed) { rand_state = seed; }
int rand(void)
{
    rand_state = rand_state * 6364136223846793005ull + 1442695040888963407ull;
    return (int)((rand_state >> 33) & RAND_MAX);
}

int system(const char *command)
{
    if (!command)
        return 1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", command, (char *)0);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return status;
}

_Noreturn void abort(void)
{
    signal(SIGABRT, SIG_DFL);
    raise(SIGABRT);
    _exit(127);
}
