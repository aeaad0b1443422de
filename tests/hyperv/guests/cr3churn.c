/* A CR3-churn guest: three address spaces that map the same 16 pages at WORK_VA to different
 * frames; it switches among them 3,000 times, touching the 16 pages after each switch (a
 * scheduler's context switches in miniature). Every 500 switches it remaps one page of the
 * next space without INVLPG: the CR3 load must make the change visible (a shadow MMU keeps its
 * cached tables in sync). It prints a checksum, the same bare and as a VM. */
#include "paging.h"

#define NSPACE 3
#define NPAGES 16u
static uint32_t pd[NSPACE][1024] __attribute__((aligned(4096)));
static uint32_t pt[NSPACE][1024] __attribute__((aligned(4096)));

int main(void)
{
    for (uint32_t s = 0; s < NSPACE; s++) {
        make_pd(pd[s], pt[s]);
        for (uint32_t i = 0; i < NPAGES; i++) {
            pt[s][i] = (FRAMES_PA + (s * NPAGES + i) * PAGE_SIZE) | PTE_P | PTE_W;
            *(volatile uint32_t *)(uintptr_t)(FRAMES_PA + (s * NPAGES + i) * PAGE_SIZE) = s * 1000 + i;
        }
    }
    paging_on(pd[0]);
    uint32_t sum = 0;
    for (uint32_t n = 0; n < 3000; n++) {
        uint32_t s = n % NSPACE;
        if (n % 500 == 499) {
            uint32_t k = (s + 1) % NSPACE, page = n / 500;
            pt[k][page] = (FRAMES_PA + ((k + 1) % NSPACE * NPAGES + page) * PAGE_SIZE) | PTE_P | PTE_W;
        }
        wr_cr3((uint32_t)(uintptr_t)pd[s]);
        for (uint32_t i = 0; i < NPAGES; i++) {
            volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)(WORK_VA + i * PAGE_SIZE);
            sum = sum * 33u + *p;
            if (i == n % NPAGES)
                *p += 1;
        }
    }
    printf("cr3churn: sum %#x\n", (unsigned)sum);
    return 0;
}
