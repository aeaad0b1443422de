/* Recursion: deep and branching call trees (Ackermann, Fibonacci, Hanoi, N-queens,
 * permutations, mutual recursion, a recursive flood fill). */
#include "suite.h"

static uint32_t ackermann(uint32_t m, uint32_t n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static uint32_t fib_calls;

static uint32_t fib(uint32_t n)
{
    fib_calls++;
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint32_t hanoi_moves, hanoi_hash;

static void hanoi(int n, int from, int to, int via)
{
    if (n == 0)
        return;
    hanoi(n - 1, from, via, to);
    hanoi_moves++;
    hanoi_hash = hanoi_hash * 31 + (uint32_t)(n * 9 + from * 3 + to);
    if (hanoi_moves <= 7)
        printf("  move disk %d from %c to %c\n", n, 'A' + from, 'A' + to);
    hanoi(n - 1, via, to, from);
}

/* N-queens by backtracking with column and diagonal occupancy masks. */
static int queens_count(int n, int row, uint32_t cols, uint32_t diag1, uint32_t diag2, int *first)
{
    if (row == n)
        return 1;
    int total = 0;
    for (int c = 0; c < n; c++) {
        uint32_t cbit = 1u << c, d1 = 1u << (row + c), d2 = 1u << (row - c + n - 1);
        if ((cols & cbit) || (diag1 & d1) || (diag2 & d2))
            continue;
        if (first[n] == 0)       /* remember the first solution's column for row 0..n-1 */
            first[row] = c;
        int found = queens_count(n, row + 1, cols | cbit, diag1 | d1, diag2 | d2, first);
        if (found > 0 && first[n] == 0)
            first[n] = 1;
        total += found;
    }
    return total;
}

static bool is_even(uint32_t n);
static bool is_odd(uint32_t n) { return n == 0 ? false : is_even(n - 1); }
static bool is_even(uint32_t n) { return n == 0 ? true : is_odd(n - 1); }

static int perm_count;
static uint32_t perm_hash;

static void permute(char *s, int k, int n)
{
    if (k == n) {
        perm_count++;
        for (int i = 0; i < n; i++)
            perm_hash = perm_hash * 131 + (uint8_t)s[i];
        if (perm_count <= 6 || perm_count == 120)
            printf("  perm %3d: %s\n", perm_count, s);
        return;
    }
    for (int i = k; i < n; i++) {
        char t = s[k]; s[k] = s[i]; s[i] = t;
        permute(s, k + 1, n);
        t = s[k]; s[k] = s[i]; s[i] = t;
    }
}

#define GRID_W 24
#define GRID_H 10
static char grid[GRID_H][GRID_W + 1];

static int flood(int y, int x, char from, char to)
{
    if (y < 0 || y >= GRID_H || x < 0 || x >= GRID_W || grid[y][x] != from)
        return 0;
    grid[y][x] = to;
    return 1 + flood(y + 1, x, from, to) + flood(y - 1, x, from, to) +
           flood(y, x + 1, from, to) + flood(y, x - 1, from, to);
}

static int64_t sum_digits_rec(int64_t v)
{
    return v < 10 ? v : v % 10 + sum_digits_rec(v / 10);
}

int main(void)
{
    puts("ackermann:");
    for (uint32_t m = 0; m <= 3; m++) {
        printf("  A(%u, n):", (unsigned)m);
        for (uint32_t n = 0; n <= (m < 3 ? 6u : 5u); n++)
            printf(" %u", (unsigned)ackermann(m, n));
        printf("\n");
    }
    CHECK_EQ_U64(ackermann(2, 3), 9);
    CHECK_EQ_U64(ackermann(3, 5), 253);

    puts("fibonacci:");
    for (uint32_t n = 0; n <= 22; n += 2) {
        fib_calls = 0;
        uint32_t f = fib(n);
        printf("  fib(%2u) = %5u in %6u calls\n", (unsigned)n, (unsigned)f, (unsigned)fib_calls);
    }
    CHECK_EQ_U64(fib(20), 6765);

    puts("hanoi:");
    for (int n = 1; n <= 12; n += 5) {
        hanoi_moves = 0;
        hanoi_hash = 0;
        hanoi(n, 0, 2, 1);
        printf("  %2d disks: %4u moves, hash %08x\n", n, (unsigned)hanoi_moves, (unsigned)hanoi_hash);
        CHECK_EQ_U64(hanoi_moves, (1u << n) - 1);
    }

    puts("n-queens:");
    static const int expected[] = { 0, 1, 0, 0, 2, 10, 4, 40, 92, 352 };
    for (int n = 1; n <= 9; n++) {
        int first[16] = { 0 };
        int count = queens_count(n, 0, 0, 0, 0, first);
        printf("  %d queens: %3d solutions", n, count);
        if (count > 0) {
            printf(", first:");
            for (int r = 0; r < n; r++)
                printf(" %d", first[r]);
        }
        printf("\n");
        CHECK(count == expected[n]);
    }

    puts("mutual recursion:");
    for (uint32_t n = 0; n < 1000; n += 333)
        printf("  %u is %s\n", (unsigned)n, is_even(n) ? "even" : "odd");
    CHECK(is_odd(999) && is_even(1000));

    puts("permutations of \"abcde\":");
    char letters[] = "abcde";
    permute(letters, 0, 5);
    printf("  %d permutations, hash %08x\n", perm_count, (unsigned)perm_hash);
    CHECK(perm_count == 120);

    puts("flood fill:");
    for (int y = 0; y < GRID_H; y++) {
        for (int x = 0; x < GRID_W; x++)
            grid[y][x] = (x == 8 || y == 5 || (x + y) % 11 == 0) ? '#' : '.';
        grid[y][GRID_W] = '\0';
    }
    int filled = flood(1, 1, '.', 'o');
    int filled2 = flood(GRID_H - 1, GRID_W - 1, '.', '~');
    for (int y = 0; y < GRID_H; y++)
        printf("  %s\n", grid[y]);
    printf("  filled %d and %d cells\n", filled, filled2);
    CHECK(filled > 0 && filled2 > 0);

    int64_t big = 9223372036854775807ll;
    printf("digit sum of %lld = %lld\n", (long long)big, (long long)sum_digits_rec(big));
    CHECK(sum_digits_rec(big) == 88);
    return suite_finish("recursion");
}
