/* A CPU-bound guest for the overhead numbers (bare vs VM): no I/O in its loop, so a VM costs
 * only the world switches of the host timer's INTR exits. */
#include "vxlib.h"
int main(void)
{
    uint32_t x = 1;
    for (uint32_t i = 0; i < 20000000u; i++)
        x = x * 1103515245u + 12345u + (x >> 7);
    printf("spin: %#x\n", (unsigned)x);
    return 0;
}
