/* spin.c's CPU-bound loop with paging on (identity 4 MiB pages, paging.h): the overhead numbers
 * of a guest whose TLB misses cost a 2-D walk under nested paging and whose first touch of each
 * page costs a #PF exit under shadow paging. */
#include "paging.h"

static uint32_t pd[1024] __attribute__((aligned(4096)));
static uint32_t pt[1024] __attribute__((aligned(4096)));

int main(void)
{
    make_pd(pd, pt);
    paging_on(pd);
    uint32_t x = 1;
    for (uint32_t i = 0; i < 20000000u; i++)
        x = x * 1103515245u + 12345u + (x >> 7);
    printf("spinpg: %#x\n", (unsigned)x);
    return 0;
}
