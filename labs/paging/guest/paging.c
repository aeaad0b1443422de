/* The paging lab's guest: builds seeded 32-bit page tables (SDM Vol. 3 §4.3) and turns paging on,
 * then stops so the lab can inspect them. The command line's "seed=N" picks the layout:
 *   - PDE 0 identity-maps the first 4 MiB with one 4 MiB page (this program runs there);
 *   - three page directory entries in [256, 768) point at page tables holding a handful of
 *     4 KiB mappings to frames above 4 MiB, with random R/W and U/S bits, some not present;
 *   - one more directory entry is present-bit-clear (a fault at the first level).
 * It prints "paging: ready" and halts with interrupts off. */
#include "vxlib.h"
#include "arch/x86.h"

#define TABLES 3

static uint32_t page_dir[1024] __attribute__((aligned(4096)));
static uint32_t page_tables[TABLES][1024] __attribute__((aligned(4096)));

/* xorshift32 (Marsaglia 2003): the guest's own generator; the lab reads the tables it builds. */
static uint32_t rng_state;
static uint32_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static uint32_t random_below(uint32_t n) { return next_random() % n; }

static uint32_t seed_from_cmdline(void)
{
    const char *s = strstr(vx_cmdline_args(), "seed=");
    return s ? (uint32_t)strtoul(s + 5, NULL, 10) : 0;
}

static bool dir_used(uint32_t index, const uint32_t *used, int n)
{
    for (int i = 0; i < n; i++)
        if (used[i] == index) return true;
    return false;
}

int main(void)
{
    uint32_t seed = seed_from_cmdline();
    rng_state = seed * 2654435761u + 0x9E3779B9u;
    if (!rng_state) rng_state = 1;

    page_dir[0] = 0x00000000u | PTE_PS | PTE_W | PTE_P;   /* supervisor identity 4 MiB */
    uint32_t used[TABLES + 1];
    int n = 0;
    while (n < TABLES + 1) {
        uint32_t index = 256 + random_below(512);
        if (!dir_used(index, used, n)) used[n++] = index;
    }
    for (int t = 0; t < TABLES; t++) {
        /* Directory entries allow what their tables allow, except that one table is supervisor
         * only: the effective rights are the AND of both levels. */
        uint32_t dir_flags = PTE_P | PTE_W | (t == 1 ? 0 : PTE_U);
        page_dir[used[t]] = (uint32_t)(uintptr_t)page_tables[t] | dir_flags;
        int entries = 5 + (int)random_below(4);
        for (int e = 0; e < entries; e++) {
            uint32_t index = random_below(1024);
            uint32_t frame = 0x400u + random_below(0x3000u);     /* 4 MiB .. 52 MiB */
            uint32_t flags = PTE_P | (random_below(2) ? PTE_W : 0) | (random_below(3) ? PTE_U : 0);
            if (e == entries - 1) flags &= ~PTE_P;               /* one not-present entry */
            page_tables[t][index] = (frame << 12) | flags;
        }
    }
    page_dir[used[TABLES]] = (0x800u + random_below(0x100u)) << 12 | PTE_W;   /* present bit clear */

    __asm__ volatile("movl %%cr4, %%eax\n orl %1, %%eax\n movl %%eax, %%cr4\n"
                     "movl %0, %%cr3\n"
                     "movl %%cr0, %%eax\n orl %2, %%eax\n movl %%eax, %%cr0\n"
                     : : "r"(page_dir), "i"(CR4_PSE), "i"(CR0_PG) : "eax", "memory");
    printf("paging: ready seed=%u cr3=%#x\n", (unsigned)seed, (unsigned)(uintptr_t)page_dir);
    for (;;) __asm__ volatile("cli; hlt");
}
