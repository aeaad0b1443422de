/* The TLB-miss-heavy workload of the shadow-vs-nested lab: `pages=P` pages (more than the
 * CPU's 256-entry TLB holds) touched one word each, page by page, for `rounds=R` rounds, so
 * nearly every touch misses the TLB and walks the page tables. The page tables never change.
 * `large=1` maps the pages with one 4 MiB page (CR4.PSE) instead of a page table of 4 KiB
 * pages. After the first round it sends the marker "tlb: walk" (the lab stops there and walks
 * an address through the VM's tables), then runs the other rounds and prints a checksum. */
#include "paging.h"

#define MAX_PAGES 1024u
static uint32_t pd[1024] __attribute__((aligned(4096)));
static uint32_t pt[1024] __attribute__((aligned(4096)));

static uint32_t round_(uint32_t pages, uint32_t round, uint32_t sum)
{
    for (uint32_t i = 0; i < pages; i++) {
        volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)(WORK_VA + i * PAGE_SIZE + (round * 64) % PAGE_SIZE);
        *p += i;
        sum = sum * 31u + *p;
    }
    return sum;
}

int main(void)
{
    uint32_t pages = arg("pages=", 512), rounds = arg("rounds=", 8), large = arg("large=", 0);
    if (pages > MAX_PAGES)
        pages = MAX_PAGES;
    make_pd(pd);
    if (large) {
        pd[PDX(WORK_VA)] = FRAMES_PA | PTE_PS | PTE_P | PTE_W;
    } else {
        for (uint32_t i = 0; i < pages; i++)
            pt[i] = (FRAMES_PA + i * PAGE_SIZE) | PTE_P | PTE_W;
        pd[PDX(WORK_VA)] = (uint32_t)(uintptr_t)pt | PTE_P | PTE_W;
    }
    paging_on(pd);
    uint32_t sum = round_(pages, 0, 0);
    marker("tlb: walk\n");
    for (uint32_t r = 1; r < rounds; r++)
        sum = round_(pages, r, sum);
    printf("tlb: done pages=%u rounds=%u large=%u sum=%#x\n", (unsigned)pages, (unsigned)rounds,
           (unsigned)large, (unsigned)sum);
    return 0;
}
