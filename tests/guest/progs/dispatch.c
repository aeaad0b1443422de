/* Indirect control flow: dense and sparse switches (jump tables and compare trees),
 * tables of function pointers, functions returning functions, callbacks, computed goto. */
#include "suite.h"

static int32_t dense_switch(int32_t op, int32_t x)
{
    switch (op) {
    case 0: return x + 1;
    case 1: return x - 1;
    case 2: return x * 2;
    case 3: return x / 2;
    case 4: return x * x;
    case 5: return -x;
    case 6: return x ^ 0x55;
    case 7: return x & 0xF0;
    case 8: return x | 0x0F;
    case 9: return (int32_t)((uint32_t)x << 3);
    case 10: return x >> 2;
    case 11: return x % 7;
    case 12: return x + 1000;
    case 13: return x - 1000;
    case 14: return ~x;
    case 15: return x * 3 + 1;
    case 16: return x == 0;
    case 17: return x > 10;
    case 18: return (x * 7) & 0xFFFF;
    case 19: return x / 3;
    default: return 12345;
    }
}

static const char *sparse_switch(uint32_t code)
{
    switch (code) {
    case 1: return "one";
    case 7: return "seven";
    case 42: return "answer";
    case 100: return "hundred";
    case 255: return "byte";
    case 1000: return "thousand";
    case 4096: return "page";
    case 65535: return "word";
    case 100000: return "lakh";
    case 0xDEADBEEF: return "beef";
    case 0x80000000u: return "sign";
    default: return "other";
    }
}

static char classify(char c)
{
    switch (c) {
    case 'a': case 'e': case 'i': case 'o': case 'u': return 'V';
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': return 'D';
    case ' ': case '\t': case '\n': return 'S';
    case '.': case ',': case '!': case '?': return 'P';
    default: return (c >= 'a' && c <= 'z') ? 'C' : '-';
    }
}

typedef int32_t (*binop)(int32_t, int32_t);
static int32_t op_add(int32_t a, int32_t b) { return a + b; }
static int32_t op_sub(int32_t a, int32_t b) { return a - b; }
static int32_t op_mul(int32_t a, int32_t b) { return a * b; }
static int32_t op_div(int32_t a, int32_t b) { return b == 0 ? 0 : a / b; }
static int32_t op_mod(int32_t a, int32_t b) { return b == 0 ? 0 : a % b; }
static int32_t op_min(int32_t a, int32_t b) { return a < b ? a : b; }
static int32_t op_max(int32_t a, int32_t b) { return a > b ? a : b; }

static const struct { char symbol; binop fn; } op_table[] = {
    { '+', op_add }, { '-', op_sub }, { '*', op_mul }, { '/', op_div },
    { '%', op_mod }, { '<', op_min }, { '>', op_max },
};

static binop lookup(char symbol)
{
    for (unsigned i = 0; i < sizeof op_table / sizeof op_table[0]; i++)
        if (op_table[i].symbol == symbol)
            return op_table[i].fn;
    return NULL;
}

/* A small state machine driven through a table of handlers that return the next state. */
typedef struct machine_state machine_state;
typedef const machine_state *(*state_fn)(char c, uint32_t *count);
struct machine_state { const char *name; state_fn step; };
static const machine_state st_space, st_word, st_number;

static const machine_state *next_state(char c)
{
    if (c >= '0' && c <= '9')
        return &st_number;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return &st_word;
    return &st_space;
}
static const machine_state *step_space(char c, uint32_t *count) { (void)count; return next_state(c); }
static const machine_state *step_word(char c, uint32_t *count)
{
    const machine_state *n = next_state(c);
    if (n != &st_word)
        count[0]++;
    return n;
}
static const machine_state *step_number(char c, uint32_t *count)
{
    const machine_state *n = next_state(c);
    if (n != &st_number)
        count[1]++;
    return n;
}
static const machine_state st_space = { "space", step_space };
static const machine_state st_word = { "word", step_word };
static const machine_state st_number = { "number", step_number };

/* Callbacks: a generic insertion sort with a comparator, and a fold. */
typedef int (*compare_fn)(const void *, const void *);
static void sort_generic(void *base, int n, int size, compare_fn cmp)
{
    uint8_t *b = base, tmp[32];
    for (int i = 1; i < n; i++) {
        memcpy(tmp, b + i * size, (size_t)size);
        int j = i - 1;
        while (j >= 0 && cmp(b + j * size, tmp) > 0) {
            memcpy(b + (j + 1) * size, b + j * size, (size_t)size);
            j--;
        }
        memcpy(b + (j + 1) * size, tmp, (size_t)size);
    }
}
static int cmp_i32_desc(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x < y) - (x > y);
}
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}
static int32_t fold(const int32_t *v, int n, int32_t init, binop f)
{
    for (int i = 0; i < n; i++)
        init = f(init, v[i]);
    return init;
}

/* Computed goto (a GNU C extension both clang and gcc accept): a threaded-code counter. */
static uint32_t threaded(const uint8_t *code)
{
    static void *const labels[] = { &&op_halt, &&op_inc, &&op_dbl, &&op_dec, &&op_sqr };
    uint32_t acc = 0;
    const uint8_t *pc = code;
#define NEXT goto *labels[*pc++]
    NEXT;
op_inc: acc++; NEXT;
op_dbl: acc *= 2; NEXT;
op_dec: acc--; NEXT;
op_sqr: acc *= acc; NEXT;
op_halt:
#undef NEXT
    return acc;
}

int main(void)
{
    uint32_t h = 0;
    for (int32_t op = -1; op <= 20; op++) {
        printf("op %2d:", (int)op);
        for (int32_t x = -3; x <= 24; x += 9) {
            int32_t r = dense_switch(op, x);
            printf(" %7d", (int)r);
            h = h * 33 + (uint32_t)r;
        }
        printf("\n");
    }
    printf("dense switch hash %08x\n", (unsigned)h);

    static const uint32_t codes[] = { 0, 1, 7, 42, 43, 100, 255, 256, 1000, 4096, 65535,
                                      100000, 0xDEADBEEF, 0x80000000u, 0xFFFFFFFFu };
    for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++)
        printf("sparse %10u -> %s\n", (unsigned)codes[i], sparse_switch(codes[i]));
    CHECK(strcmp(sparse_switch(42), "answer") == 0 && strcmp(sparse_switch(43), "other") == 0);

    const char *sentence = "Hello, world! 42 quick brown foxes jumped over 7 lazy dogs.";
    char classes[80];
    int n = 0;
    for (const char *p = sentence; *p != '\0'; p++)
        classes[n++] = classify(*p);
    classes[n] = '\0';
    printf("%s\n%s\n", sentence, classes);

    static const char *exprs[] = { "7+5", "7-5", "7*5", "7/5", "7%5", "7<5", "7>5", "9/0" };
    for (unsigned i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
        binop f = lookup(exprs[i][1]);
        int32_t r = f(exprs[i][0] - '0', exprs[i][2] - '0');
        printf("%s = %d\n", exprs[i], (int)r);
    }
    CHECK(lookup('+')(2, 3) == 5 && lookup('^') == NULL);

    uint32_t counts[2] = { 0, 0 };
    const machine_state *st = &st_space;
    for (const char *p = sentence;; p++) {
        st = st->step(*p, counts);
        if (*p == '\0')
            break;
    }
    printf("state machine: %u words, %u numbers, ends in %s\n", (unsigned)counts[0],
           (unsigned)counts[1], st->name);
    CHECK(counts[0] == 9 && counts[1] == 2);

    int32_t values[12];
    uint32_t seed = 77;
    for (int i = 0; i < 12; i++)
        values[i] = (int32_t)(suite_rand(&seed) % 2001) - 1000;
    sort_generic(values, 12, sizeof values[0], cmp_i32_desc);
    printf("descending:");
    for (int i = 0; i < 12; i++)
        printf(" %d", (int)values[i]);
    printf("\n");
    for (int i = 1; i < 12; i++)
        CHECK(values[i - 1] >= values[i]);
    printf("fold: sum %d min %d max %d\n", (int)fold(values, 12, 0, op_add),
           (int)fold(values, 12, INT32_MAX, op_min), (int)fold(values, 12, INT32_MIN, op_max));

    const char *names[] = { "pear", "apple", "fig", "banana", "cherry", "date" };
    sort_generic(names, 6, sizeof names[0], cmp_str);
    printf("names:");
    for (int i = 0; i < 6; i++)
        printf(" %s", names[i]);
    printf("\n");
    CHECK(strcmp(names[0], "apple") == 0 && strcmp(names[5], "pear") == 0);

    static const uint8_t program[] = { 1, 1, 1, 2, 4, 3, 2, 1, 4, 0 };   /* (((3*2)^2-1)*2+1)^2 */
    uint32_t t = threaded(program);
    printf("threaded code: %u\n", (unsigned)t);
    CHECK(t == 5041);
    return suite_finish("dispatch");
}
