/* Hostile guest: cli; hlt -- halted for good, nothing can wake it: the VM ends, vm exits 0. */
#include "vxlib.h"
int main(void)
{
    printf("clihlt: halting\n");
    __asm__ volatile("cli; hlt");
    return 1;
}
