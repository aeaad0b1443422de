/* vmwait: a guest that computes for a while, so that its VM can be looked at from outside while
 * it runs (the memory it was given was reserved when it was created, used or not). */
#include "vxlib.h"
int main(void)
{
    uint32_t x = 1;
    for (uint32_t i = 0; i < 4000000u; i++)
        x = x * 1103515245u + 12345u + (x >> 7);
    printf("vmwait: %#x\n", (unsigned)x);
    return 0;
}
