/* Hostile guest: VMRUN inside the guest. No nested virtualization: the mandatory VMRUN
 * intercept exits and the VM ends with 127. */
#include "vxlib.h"
int main(void)
{
    printf("vmrun: trying\n");
    __asm__ volatile("movl $0x200000, %%eax; vmrun" : : : "eax", "memory");
    return 1;
}
