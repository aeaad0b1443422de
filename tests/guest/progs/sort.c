/* Sorting: several algorithms over the same pseudo-random data must agree with each other. */
#include "suite.h"

#define N 600

typedef void (*sort_fn)(int32_t *a, int n);

static void insertion_sort(int32_t *a, int n)
{
    for (int i = 1; i < n; i++) {
        int32_t v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void selection_sort(int32_t *a, int n)
{
    for (int i = 0; i < n - 1; i++) {
        int min = i;
        for (int j = i + 1; j < n; j++)
            if (a[j] < a[min])
                min = j;
        int32_t t = a[i];
        a[i] = a[min];
        a[min] = t;
    }
}

static void bubble_sort(int32_t *a, int n)
{
    bool swapped = true;
    for (int end = n - 1; swapped && end > 0; end--) {
        swapped = false;
        for (int j = 0; j < end; j++) {
            if (a[j] > a[j + 1]) {
                int32_t t = a[j];
                a[j] = a[j + 1];
                a[j + 1] = t;
                swapped = true;
            }
        }
    }
}

static void shell_sort(int32_t *a, int n)
{
    static const int gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };   /* Ciura's sequence */
    for (unsigned g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        int gap = gaps[g];
        for (int i = gap; i < n; i++) {
            int32_t v = a[i];
            int j = i;
            for (; j >= gap && a[j - gap] > v; j -= gap)
                a[j] = a[j - gap];
            a[j] = v;
        }
    }
}

static int32_t merge_tmp[N];

static void merge_sort_range(int32_t *a, int lo, int hi)
{
    if (hi - lo < 2)
        return;
    int mid = lo + (hi - lo) / 2;
    merge_sort_range(a, lo, mid);
    merge_sort_range(a, mid, hi);
    int i = lo, j = mid, k = lo;
    while (i < mid && j < hi)
        merge_tmp[k++] = a[j] < a[i] ? a[j++] : a[i++];
    while (i < mid)
        merge_tmp[k++] = a[i++];
    while (j < hi)
        merge_tmp[k++] = a[j++];
    memcpy(a + lo, merge_tmp + lo, (size_t)(hi - lo) * sizeof a[0]);
}

static void merge_sort(int32_t *a, int n) { merge_sort_range(a, 0, n); }

static void quick_sort_range(int32_t *a, int lo, int hi)   /* inclusive bounds */
{
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        /* median of three as the pivot keeps sorted input from going quadratic */
        int32_t x = a[lo], y = a[mid], z = a[hi];
        int32_t pivot = (x < y) ? ((y < z) ? y : (x < z ? z : x)) : ((x < z) ? x : (y < z ? z : y));
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                int32_t t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                j--;
            }
        }
        /* recurse into the smaller part, loop on the larger: bounded stack */
        if (j - lo < hi - i) {
            quick_sort_range(a, lo, j);
            lo = i;
        } else {
            quick_sort_range(a, i, hi);
            hi = j;
        }
    }
}

static void quick_sort(int32_t *a, int n) { quick_sort_range(a, 0, n - 1); }

static void sift_down(int32_t *a, int root, int n)
{
    for (;;) {
        int child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && a[child + 1] > a[child])
            child++;
        if (a[root] >= a[child])
            return;
        int32_t t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void heap_sort(int32_t *a, int n)
{
    for (int i = n / 2 - 1; i >= 0; i--)
        sift_down(a, i, n);
    for (int end = n - 1; end > 0; end--) {
        int32_t t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end);
    }
}

/* LSD radix sort on the bits of the value with the sign bit flipped, so negatives come first. */
static void radix_sort(int32_t *a, int n)
{
    static uint32_t buf[N], keys[N];
    for (int i = 0; i < n; i++)
        keys[i] = (uint32_t)a[i] ^ 0x80000000u;
    for (int shift = 0; shift < 32; shift += 8) {
        uint32_t count[257] = { 0 };
        for (int i = 0; i < n; i++)
            count[((keys[i] >> shift) & 0xFF) + 1]++;
        for (int d = 0; d < 256; d++)
            count[d + 1] += count[d];
        for (int i = 0; i < n; i++)
            buf[count[(keys[i] >> shift) & 0xFF]++] = keys[i];
        memcpy(keys, buf, (size_t)n * sizeof keys[0]);
    }
    for (int i = 0; i < n; i++)
        a[i] = (int32_t)(keys[i] ^ 0x80000000u);
}

static uint32_t checksum(const int32_t *a, int n)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < n; i++) {
        h ^= (uint32_t)a[i];
        h *= 16777619u;
    }
    return h;
}

static bool is_sorted(const int32_t *a, int n)
{
    for (int i = 1; i < n; i++)
        if (a[i - 1] > a[i])
            return false;
    return true;
}

static int32_t input[N], work[N], reference[N];

static void fill(int kind, int n, uint32_t seed)
{
    uint32_t state = seed;
    for (int i = 0; i < n; i++) {
        switch (kind) {
        case 0: input[i] = (int32_t)suite_rand(&state); break;                 /* full range */
        case 1: input[i] = (int32_t)(suite_rand(&state) % 50) - 25; break;     /* many dups */
        case 2: input[i] = i * 3 - 100; break;                                 /* sorted */
        default: input[i] = n - i; break;                                      /* reversed */
        }
    }
}

int main(void)
{
    static const struct { const char *name; sort_fn fn; } sorts[] = {
        { "insertion", insertion_sort }, { "selection", selection_sort },
        { "bubble", bubble_sort },       { "shell", shell_sort },
        { "merge", merge_sort },         { "quick", quick_sort },
        { "heap", heap_sort },           { "radix", radix_sort },
    };
    static const char *kinds[] = { "random", "duplicates", "sorted", "reversed" };
    static const int sizes[] = { 0, 1, 2, 7, 100, N };

    for (int kind = 0; kind < 4; kind++) {
        for (unsigned si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
            int n = sizes[si];
            fill(kind, n, 0x9E3779B9u + (uint32_t)(kind * 7 + n));
            memcpy(reference, input, sizeof input);
            insertion_sort(reference, n);
            printf("%-10s n=%3d  input %08x  sorted %08x", kinds[kind], n,
                   (unsigned)checksum(input, n), (unsigned)checksum(reference, n));
            if (n > 0)
                printf("  min %d max %d", (int)reference[0], (int)reference[n - 1]);
            printf("\n");
            for (unsigned s = 0; s < sizeof sorts / sizeof sorts[0]; s++) {
                memcpy(work, input, sizeof input);
                sorts[s].fn(work, n);
                bool ok = is_sorted(work, n) && memcmp(work, reference, (size_t)n * sizeof work[0]) == 0;
                if (!ok)
                    printf("  %s sort gave %08x\n", sorts[s].name, (unsigned)checksum(work, n));
                CHECK(ok);
            }
        }
    }
    fill(0, 20, 12345);
    memcpy(work, input, sizeof input);
    heap_sort(work, 20);
    printf("first twenty, sorted:");
    for (int i = 0; i < 20; i++)
        printf(" %d", (int)work[i] % 1000);
    printf("\n");
    return suite_finish("sort");
}
