/* The CR3-churn workload of the shadow-vs-nested lab: `spaces=S` address spaces map the same
 * `pages=K` virtual pages at WORK_VA to different frames; it loads CR3 `switches=N` times, round
 * robin, touching the K pages after each load (a scheduler's context switches in miniature).
 * Bare or under nested paging a CR3 load only flushes the TLB; a shadow MMU must switch shadow
 * tables (hyperv/shadow.c keeps 4 per VM). It prints a checksum. */
#include "paging.h"

#define MAX_SPACES 8u
#define MAX_PAGES 32u
static uint32_t pd[MAX_SPACES][1024] __attribute__((aligned(4096)));
static uint32_t pt[MAX_SPACES][1024] __attribute__((aligned(4096)));

int main(void)
{
    uint32_t spaces = arg("spaces=", 3), switches = arg("switches=", 600), pages = arg("pages=", 16);
    if (spaces > MAX_SPACES)
        spaces = MAX_SPACES;
    if (spaces == 0)
        spaces = 1;
    if (pages > MAX_PAGES)
        pages = MAX_PAGES;
    for (uint32_t s = 0; s < spaces; s++) {
        make_pd(pd[s]);
        pd[s][PDX(WORK_VA)] = (uint32_t)(uintptr_t)pt[s] | PTE_P | PTE_W;
        for (uint32_t i = 0; i < pages; i++) {
            pt[s][i] = (FRAMES_PA + (s * MAX_PAGES + i) * PAGE_SIZE) | PTE_P | PTE_W;
            *(volatile uint32_t *)(uintptr_t)(FRAMES_PA + (s * MAX_PAGES + i) * PAGE_SIZE) = s * 1000 + i;
        }
    }
    paging_on(pd[0]);
    uint32_t sum = 0;
    for (uint32_t n = 0; n < switches; n++) {
        wr_cr3((uint32_t)(uintptr_t)pd[n % spaces]);
        for (uint32_t i = 0; i < pages; i++) {
            volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)(WORK_VA + i * PAGE_SIZE);
            sum = sum * 33u + *p;
        }
    }
    printf("cr3: done spaces=%u switches=%u pages=%u sum=%#x\n", (unsigned)spaces, (unsigned)switches,
           (unsigned)pages, (unsigned)sum);
    return 0;
}
