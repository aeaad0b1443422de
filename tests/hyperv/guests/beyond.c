/* Hostile guest: reach past its memory, for host RAM: a nested page fault ends the VM (126). */
#include "vxlib.h"
int main(void)
{
    printf("beyond: reading 0x30000000\n");
    volatile uint32_t *p = (volatile uint32_t *)0x30000000u;
    printf("read %#x\n", (unsigned)*p);
    return 1;
}
