/* The default showcase: what `vx86` with no arguments boots until the toy OS takes over.
 * It shows that ordinary C runs on the emulated machine: the boot information the loader
 * handed over, and a few things computed on the spot. Deterministic by design. */
#include "vxlib.h"

static uint32_t crc32_of(const char *text)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (; *text != '\0'; text++) {
        crc ^= (uint8_t)*text;
        for (int bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));   /* reflected CRC-32 */
    }
    return ~crc;
}

static void show_boot_info(void)
{
    const struct multiboot_info *mbi = vx_multiboot();
    if (mbi == NULL) {
        puts("  (no multiboot information)");
        return;
    }
    if (mbi->flags & MULTIBOOT_INFO_MEMORY)
        printf("  memory:       %u KiB below 1 MiB, %u KiB above\n",
               (unsigned)mbi->mem_lower, (unsigned)mbi->mem_upper);
    printf("  command line: \"%s\"\n", vx_cmdline());
    if (vx_cmdline_args()[0] != '\0')
        printf("  arguments:    \"%s\"\n", vx_cmdline_args());
    if (mbi->flags & MULTIBOOT_INFO_MODS)
        printf("  modules:      %u\n", (unsigned)mbi->mods_count);
}

static void show_primes(int limit)
{
    static bool composite[1000];
    int count = 0;
    printf("  primes below %d:", limit);
    for (int n = 2; n < limit; n++) {
        if (composite[n])
            continue;
        count++;
        if (n < 60)
            printf(" %d", n);
        for (int multiple = n * n; multiple < limit; multiple += n)
            composite[multiple] = true;
    }
    printf(" ... (%d in all)\n", count);
}

static void show_collatz(void)
{
    uint32_t best_start = 1, best_steps = 0;
    for (uint32_t start = 1; start < 10000; start++) {
        uint64_t n = start;
        uint32_t steps = 0;
        while (n != 1) {
            n = (n & 1) ? 3 * n + 1 : n / 2;
            steps++;
        }
        if (steps > best_steps) {
            best_steps = steps;
            best_start = start;
        }
    }
    printf("  longest Collatz chain below 10000: %u steps from %u\n",
           (unsigned)best_steps, (unsigned)best_start);
}

int main(void)
{
    puts("");
    puts("  +----------------------------------------------------+");
    puts("  |  vx86: C code running on an emulated i686 machine  |");
    puts("  +----------------------------------------------------+");
    puts("");
    puts("What the boot loader told us:");
    show_boot_info();
    puts("");
    puts("Some arithmetic, done by the emulated CPU:");
    show_primes(1000);
    show_collatz();
    const char *text = "The quick brown fox jumps over the lazy dog";
    printf("  CRC-32 of \"%s\" = %08x\n", text, (unsigned)crc32_of(text));
    printf("  2^63 / 10^9 = %llu (64-bit division via the runtime)\n",
           (unsigned long long)((1ull << 63) / 1000000000ull));
    puts("");
    puts("Done: main returns 0, the runtime writes it to the debug-exit port (0xf4).");
    return 0;
}
