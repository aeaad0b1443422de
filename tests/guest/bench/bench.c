/* bench: a CPU-bound integer benchmark guest for `make bench` (scripts/bench.sh).
 *
 * Each round runs six small kernels that stand for what guest code spends its time on: CRC32
 * (shifts, table loads), a quicksort (compares, recursion), an open-addressing hash table
 * (hashing, probing), multiply/divide arithmetic, call-heavy recursion, and string functions
 * from kernel/lib. Every result folds into one checksum, so all engines must print the same
 * value; the work is fixed, so all engines retire the same instruction count.
 *
 * Command line words (after the image path):
 *   rounds=N   run N rounds instead of BENCH_ROUNDS (rounds=0 measures boot and exit alone)
 *   bochs      end through the Bochs shutdown port, as Bochs has no debug-exit device
 *              (or build with -DBENCH_BOCHS_EXIT)
 * Output: "bench: rounds=N", "bench: checksum=0x...", "bench: rdtsc-delta=N" (retired instructions
 * on QEMU with -icount shift=0, on Bochs, and cycles on vx86), "bench: done". */
#include "vxlib.h"
#include "vx/io.h"
#include "arch/x86.h"

#ifndef BENCH_ROUNDS
#define BENCH_ROUNDS 520      /* about 500 million instructions at -O2 (QEMU -icount count) */
#endif

#define COM1_LSR            0x3FD
#define LSR_TRANSMITTER_IDLE 0x40
#define BOCHS_SHUTDOWN_PORT 0x8900

#define NOINLINE __attribute__((noinline))

static uint32_t rng_state = 12345;

/* Numerical Recipes' LCG: cheap, deterministic, and different on every call. */
static uint32_t next_random(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state;
}

/* ---- CRC32 (IEEE 802.3, reflected), table-driven ---- */
static uint32_t crc_table[256];
static uint8_t crc_data[4096];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static NOINLINE uint32_t crc32_bytes(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static uint32_t work_crc(void)
{
    for (size_t i = 0; i < sizeof crc_data; i++)
        crc_data[i] = (uint8_t)(next_random() >> 24);
    return crc32_bytes(crc_data, sizeof crc_data);
}

/* ---- quicksort of 1024 words ---- */
#define SORT_COUNT 1024
static uint32_t sort_data[SORT_COUNT];

static NOINLINE void quicksort(uint32_t *a, int lo, int hi)
{
    while (lo < hi) {
        uint32_t pivot = a[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                uint32_t t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                j--;
            }
        }
        /* Recurse into the smaller half, loop on the larger: bounded stack depth. */
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
}

static uint32_t work_sort(void)
{
    for (int i = 0; i < SORT_COUNT; i++)
        sort_data[i] = next_random() % 100000u;
    quicksort(sort_data, 0, SORT_COUNT - 1);
    uint32_t sum = 0;
    for (int i = 1; i < SORT_COUNT; i++) {
        if (sort_data[i - 1] > sort_data[i])
            vx_panic("bench: quicksort left %u before %u", (unsigned)sort_data[i - 1],
                     (unsigned)sort_data[i]);
        sum = sum * 31u + sort_data[i];
    }
    return sum;
}

/* ---- open-addressing hash table keyed by short strings ---- */
#define HASH_SLOTS 1024       /* power of two, kept at most half full */
#define HASH_KEYS  400

typedef struct hash_slot {
    char key[12];
    uint32_t value;
    bool used;
} hash_slot;

static hash_slot hash_table[HASH_SLOTS];

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s != '\0'; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

static void make_key(char *key, uint32_t n)
{
    /* "k" and the number in base 26 letters: short, distinct, and cheap to build. */
    int len = 0;
    key[len++] = 'k';
    do {
        key[len++] = (char)('a' + n % 26);
        n /= 26;
    } while (n != 0 && len < 10);
    key[len] = '\0';
}

static NOINLINE hash_slot *hash_find(const char *key, bool insert)
{
    uint32_t i = fnv1a(key) & (HASH_SLOTS - 1);
    while (hash_table[i].used) {
        if (strcmp(hash_table[i].key, key) == 0)
            return &hash_table[i];
        i = (i + 1) & (HASH_SLOTS - 1);
    }
    if (!insert)
        return NULL;
    hash_table[i].used = true;
    strcpy(hash_table[i].key, key);
    hash_table[i].value = 0;
    return &hash_table[i];
}

static uint32_t work_hash(void)
{
    memset(hash_table, 0, sizeof hash_table);
    char key[12];
    for (uint32_t i = 0; i < HASH_KEYS; i++) {
        make_key(key, next_random() % (2 * HASH_KEYS));
        hash_find(key, true)->value += i;
    }
    uint32_t sum = 0, misses = 0;
    for (uint32_t n = 0; n < 2 * HASH_KEYS; n++) {
        make_key(key, n);
        const hash_slot *slot = hash_find(key, false);
        if (slot != NULL)
            sum = sum * 17u + slot->value;
        else
            misses++;
    }
    return sum ^ (misses << 20);
}

/* ---- integer multiply and divide ---- */
static NOINLINE uint32_t gcd(uint32_t a, uint32_t b)
{
    while (b != 0) {
        uint32_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static uint32_t work_muldiv(void)
{
    uint32_t acc = 0;
    for (uint32_t i = 1; i <= 2000; i++) {
        uint32_t x = next_random();
        uint32_t y = (next_random() >> 8) | 1u;
        acc += x / y + x % 1009u;
        acc ^= gcd(x >> 4, (y >> 4) + i);
        int32_t s = (int32_t)x;
        acc += (uint32_t)(s / -7 + s % 13);
        acc += (uint32_t)(((uint64_t)x * y) >> 32);
    }
    return acc;
}

/* ---- calls: doubly recursive Fibonacci and Ackermann-style nesting ---- */
static NOINLINE uint32_t fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static NOINLINE uint32_t ackermann(uint32_t m, uint32_t n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static uint32_t work_calls(void)
{
    return fib(17) * 3u + ackermann(2, 30 + next_random() % 8);
}

/* ---- string functions from kernel/lib ---- */
static char text_a[512], text_b[512];

static uint32_t work_strings(void)
{
    uint32_t acc = 0;
    size_t len = 0;
    text_a[0] = '\0';
    for (int i = 0; i < 40; i++) {
        char word[16];
        int n = snprintf(word, sizeof word, "w%u ", (unsigned)(next_random() % 1000u));
        if (len + (size_t)n + 1 >= sizeof text_a)
            break;
        strcat(text_a, word);
        len += (size_t)n;
    }
    memcpy(text_b, text_a, len + 1);
    acc += (uint32_t)strlen(text_b);
    acc += (uint32_t)(strcmp(text_a, text_b) == 0);
    text_b[len / 2] = '#';
    acc += (uint32_t)(strcmp(text_a, text_b) > 0) << 4;
    const char *hit = strstr(text_a, "w5");
    acc += hit != NULL ? (uint32_t)(hit - text_a) : 0xFFFFu;
    for (char *p = text_a; (p = strchr(p, ' ')) != NULL; p++)
        *p = '_';
    acc = acc * 131u + fnv1a(text_a);
    memset(text_b, 'x', sizeof text_b - 1);
    text_b[sizeof text_b - 1] = '\0';
    acc += (uint32_t)memcmp(text_a, text_b, 16) + (uint32_t)strlen(text_b);
    return acc;
}

/* One round: every kernel once, each result mixed into the checksum. */
static uint32_t run_round(uint32_t checksum)
{
    checksum = checksum * 33u ^ work_crc();
    checksum = checksum * 33u ^ work_sort();
    checksum = checksum * 33u ^ work_hash();
    checksum = checksum * 33u ^ work_muldiv();
    checksum = checksum * 33u ^ work_calls();
    checksum = checksum * 33u ^ work_strings();
    return checksum;
}

static uint64_t read_tsc(void)
{
    uint64_t tsc;
    __asm__ volatile("rdtsc" : "=A"(tsc));
    return tsc;
}

/* Is `word` one of the space-separated words of s? Returns what follows it, or NULL. */
static const char *find_word(const char *s, const char *word)
{
    size_t n = strlen(word);
    while (*s != '\0') {
        while (*s == ' ')
            s++;
        if (strncmp(s, word, n) == 0 && (s[n] == '\0' || s[n] == ' ' || word[n - 1] == '='))
            return s + n;
        while (*s != '\0' && *s != ' ')
            s++;
    }
    return NULL;
}

/* Bochs has no debug-exit device: let COM1 drain, then use its shutdown port. */
static __attribute__((noreturn)) void bochs_shutdown(void)
{
    while ((inb(COM1_LSR) & LSR_TRANSMITTER_IDLE) == 0)
        ;
    for (const char *s = "Shutdown"; *s != '\0'; s++)
        outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
    vx_exit(0);
}

/* "paging": run the same work with paging on, identity-mapped through 4 KiB pages, so `make bench`
 * can show what address translation costs the interpreter (TLB hits, walks on misses). */
#define BENCH_MAPPED_MB 64
static uint32_t page_dir[1024] __attribute__((aligned(4096)));
static uint32_t page_tables[BENCH_MAPPED_MB / 4][1024] __attribute__((aligned(4096)));

static void enable_paging(void)
{
    for (uint32_t t = 0; t < BENCH_MAPPED_MB / 4; t++) {
        for (uint32_t e = 0; e < 1024; e++)
            page_tables[t][e] = ((t * 1024 + e) << 12) | PTE_W | PTE_P;
        page_dir[t] = (uint32_t)(uintptr_t)page_tables[t] | PTE_W | PTE_P;
    }
    __asm__ volatile("mov %0, %%cr3" : : "r"((uint32_t)(uintptr_t)page_dir) : "memory");
    uint32_t cr0;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | CR0_PG) : "memory");
}

int main(void)
{
    const char *args = vx_cmdline_args();
    if (find_word(args, "paging") != NULL) {
        enable_paging();
        puts("bench: paging on (4 KiB pages)");
    }
    uint32_t rounds = BENCH_ROUNDS;
    const char *value = find_word(args, "rounds=");
    if (value != NULL)
        rounds = (uint32_t)strtoul(value, NULL, 10);
    printf("bench: rounds=%u\n", (unsigned)rounds);

    crc_init();
    uint64_t start = read_tsc();
    uint32_t checksum = 0;
    for (uint32_t r = 0; r < rounds; r++)
        checksum = run_round(checksum);
    uint64_t end = read_tsc();

    printf("bench: checksum=0x%08x\n", (unsigned)checksum);
    printf("bench: rdtsc-delta=%llu\n", (unsigned long long)(end - start));
    puts("bench: done");
#ifndef BENCH_BOCHS_EXIT       /* -DBENCH_BOCHS_EXIT: always end through the Bochs port */
    if (find_word(args, "bochs") != NULL)
#endif
        bochs_shutdown();
    return 0;
}
