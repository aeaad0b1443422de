/* Accessed and dirty bits, 4 MiB pages, and TLB maintenance (SDM Vol. 3 §4.8, §4.10.4).
 * A/D: a read sets A in the PDE and the PTE, a write also sets D in the PTE (and in a 4 MiB
 * PDE). TLB: after a PTE or PDE change, INVLPG, a CR3 reload or toggling CR4.PGE (for global
 * pages) must make the change visible. A stale entry may legally survive without them, so this
 * program never checks that a change is *not* visible. */
#include "lib/sys.h"

#define PAGE(n) (TEST_VA + (n) * 0x1000u)
#define BIG_VA  0x80000000u     /* PDE 512: a 4 MiB page, remapped by the test */

static uint32_t frame_pa(int n) { return (uint32_t)(uintptr_t)sys_frames[n]; }
static volatile uint32_t *at(uint32_t va) { return (volatile uint32_t *)(uintptr_t)va; }

static void show_ad(const char *what, uint32_t entry)
{
    printf("%-40s A=%u D=%u\n", what, (entry & PTE_A) ? 1u : 0u, (entry & PTE_D) ? 1u : 0u);
}

static void show_read(const char *what, uint32_t va, uint32_t want)
{
    uint32_t v = 0;
    SYS_PROBE("movl (%1), %0", : "=r"(v) : "r"(va) : "memory");
    printf("%-40s ", what);
    if (sys_last.vector != VEC_NONE)
        sys_print_fault();
    else
        printf("%s", v == want ? "new mapping" : "WRONG");
    putchar('\n');
}

int main(void)
{
    sys_init();
    sys_paging_on();
    for (int i = 0; i < SYS_FRAMES; i++)
        for (int w = 0; w < 1024; w++)
            ((volatile uint32_t *)sys_frames[i])[w] = 0x11111111u * (uint32_t)(i + 1);

    puts("-- accessed/dirty, 4 KiB pages");
    uint32_t *pde = sys_pde(TEST_VA);
    uint32_t *pte = sys_pte(PAGE(0));
    *pde &= ~(PTE_A | PTE_D);
    *pte = frame_pa(0) | PTE_P | PTE_W | PTE_U;
    write_cr3(read_cr3());
    show_ad("PTE after mapping", *pte);
    (void)*at(PAGE(0) + 4);
    show_ad("PTE after read", *pte);
    printf("%-40s A=%u\n", "PDE after read", (*pde & PTE_A) ? 1u : 0u);
    *at(PAGE(0) + 4) = 7;
    show_ad("PTE after write", *pte);

    pte = sys_pte(PAGE(1));
    sys_map(PAGE(1), frame_pa(1), PTE_P | PTE_W | PTE_U);
    *at(PAGE(1)) = 9;
    show_ad("fresh PTE after write only", *pte);

    *pte &= ~(PTE_A | PTE_D);
    invlpg(PAGE(1));
    (void)*at(PAGE(1));
    show_ad("cleared PTE, INVLPG, read", *pte);

    /* A user read from ring 0's point of view is the same walk: check a read-only page too. */
    pte = sys_pte(PAGE(2));
    sys_map(PAGE(2), frame_pa(2), PTE_P | PTE_U);
    (void)*at(PAGE(2));
    show_ad("read-only PTE after read", *pte);
    write_cr0(read_cr0() | CR0_WP);
    SYS_PROBE("movl $1, (%0)", : : "r"(PAGE(2)) : "memory");
    write_cr0(read_cr0() & ~CR0_WP);
    printf("%-40s ", "faulting write (WP=1)");
    sys_print_fault();
    printf(", D=%u\n", (*pte & PTE_D) ? 1u : 0u);

    puts("-- 4 MiB pages");
    uint32_t *big = sys_pde(BIG_VA);
    *at(0x00400000u + 0x123450) = 0x0badf00du;
    *big = 0x00400000u | PTE_PS | PTE_P | PTE_W | PTE_U;
    write_cr3(read_cr3());
    show_ad("4 MiB PDE after mapping", *big);
    printf("%-40s %#x\n", "read via 4 MiB page", *at(BIG_VA + 0x123450));
    show_ad("4 MiB PDE after read", *big);
    *at(BIG_VA + 0x123450) = 0xcafe0001u;
    show_ad("4 MiB PDE after write", *big);
    printf("%-40s %#x\n", "same byte via identity map", *at(0x00400000u + 0x123450));
    printf("%-40s %#x\n", "offset bits 21:0 kept", *at(0x00523450u));
    *at(0x00800000u + 0x10) = 0xbeef0002u;
    *big = 0x00800000u | PTE_PS | PTE_P | PTE_W | PTE_U;
    write_cr3(read_cr3());
    printf("%-40s %#x\n", "PDE retargeted, CR3 reload", *at(BIG_VA + 0x10));
    *big = 0x00400000u | PTE_PS | PTE_P | PTE_U;
    invlpg(BIG_VA);
    write_cr0(read_cr0() | CR0_WP);
    SYS_PROBE("movl $1, (%0)", : : "r"(BIG_VA + 0x2000) : "memory");
    write_cr0(read_cr0() & ~CR0_WP);
    printf("%-40s ", "read-only 4 MiB page, INVLPG, write");
    sys_print_fault();
    printf(" cr2=%#x\n", (unsigned)sys_last.cr2);
    *big = 0;
    invlpg(BIG_VA);
    SYS_PROBE("movl (%0), %%eax", : : "r"(BIG_VA + 0x3ffffc) : "eax", "memory");
    printf("%-40s ", "PDE cleared, INVLPG, read");
    sys_print_fault();
    printf(" cr2=%#x\n", (unsigned)sys_last.cr2);

    puts("-- TLB maintenance");
    sys_map(PAGE(3), frame_pa(3), PTE_P | PTE_W);
    printf("%-40s %#x\n", "first mapping", *at(PAGE(3)));
    *sys_pte(PAGE(3)) = frame_pa(4) | PTE_P | PTE_W;
    invlpg(PAGE(3));
    show_read("PTE changed, INVLPG", PAGE(3), 0x55555555u);
    *sys_pte(PAGE(3)) = frame_pa(5) | PTE_P | PTE_W;
    write_cr3(read_cr3());
    show_read("PTE changed, CR3 reload", PAGE(3), 0x66666666u);
    *sys_pte(PAGE(3)) = 0;
    invlpg(PAGE(3));
    show_read("PTE cleared, INVLPG", PAGE(3), 0);
    *sys_pte(PAGE(3)) = frame_pa(6) | PTE_P | PTE_W;
    write_cr3(read_cr3());
    show_read("present again, CR3 reload", PAGE(3), 0x77777777u);
    /* Only the named page is flushed by INVLPG, but the neighbour must still translate right. */
    sys_map(PAGE(5), frame_pa(7), PTE_P | PTE_W);
    invlpg(PAGE(4));
    show_read("neighbour after INVLPG of another", PAGE(5), 0x88888888u);

    puts("-- global pages (CR4.PGE)");
    write_cr4(read_cr4() | CR4_PGE);
    sys_map(PAGE(6), frame_pa(0), PTE_P | PTE_W | PTE_G);
    (void)*at(PAGE(6));
    *sys_pte(PAGE(6)) = frame_pa(1) | PTE_P | PTE_W | PTE_G;
    write_cr4(read_cr4() & ~CR4_PGE);
    write_cr4(read_cr4() | CR4_PGE);
    show_read("global PTE changed, PGE toggled", PAGE(6) + 0x100, 0x22222222u);
    *sys_pte(PAGE(6)) = frame_pa(2) | PTE_P | PTE_W | PTE_G;
    invlpg(PAGE(6));
    show_read("global PTE changed, INVLPG", PAGE(6) + 0x100, 0x33333333u);
    write_cr4(read_cr4() & ~CR4_PGE);

    puts("paging_ad: done");
    return 0;
}
