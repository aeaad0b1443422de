/* Hostile guest: cli; jmp . -- interrupts off forever. The host timer still exits the guest
 * (INTR intercept, V_INTR_MASKING), so the host keeps scheduling and vm --timeout ends it (124). */
#include "vxlib.h"
int main(void)
{
    printf("clijmp: spinning\n");
    __asm__ volatile("cli; 1: jmp 1b");
    return 1;
}
