/* A TLB-miss-heavy guest: 1,024 pages of 4 KiB under paging, touched page by page in 16
 * rounds (more pages than the TLB holds), every 4th round after dropping each page with INVLPG
 * and clearing its A and D bits, so a shadow MMU must refill and set A/D again (bare, the CPU
 * walks and sets them). It prints a checksum and what its A/D bits say, the same bare, under
 * nested paging and under shadow paging. */
#include "paging.h"

#define NPAGES 1024u
static uint32_t pd[1024] __attribute__((aligned(4096)));
static uint32_t pt[1024] __attribute__((aligned(4096)));

int main(void)
{
    make_pd(pd, pt);
    for (uint32_t i = 0; i < NPAGES; i++)
        pt[i] = (FRAMES_PA + i * PAGE_SIZE) | PTE_P | PTE_W;
    paging_on(pd);
    uint32_t sum = 0, dirty = 0, accessed = 0;
    for (uint32_t round = 0; round < 16; round++) {
        if (round % 4 == 3) {
            for (uint32_t i = 0; i < NPAGES; i++) {
                pt[i] &= ~(PTE_A | PTE_D);
                invlpg(WORK_VA + i * PAGE_SIZE);
            }
        }
        for (uint32_t i = 0; i < NPAGES; i++) {
            volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)(WORK_VA + i * PAGE_SIZE + (round * 64) % PAGE_SIZE);
            if (i % 2)
                *p = round * i;
            sum = sum * 31u + *p;
        }
        if (round % 4 == 3)
            for (uint32_t i = 0; i < NPAGES; i++)
                accessed += (pt[i] & PTE_A) != 0, dirty += (pt[i] & PTE_D) != 0;
    }
    printf("tlbmiss: sum %#x, after the clearing rounds %u accessed %u dirty\n", (unsigned)sum,
           (unsigned)accessed, (unsigned)dirty);
    return 0;
}
