/* hcuser.c (a toy OS program, built by tests/hyperv/restore.sh with scripts/os-cc): the
 * VM_HC_SNAPSHOT hypercall made from user mode, CPL 3. Only a guest's kernel may freeze its VM:
 * the hypervisor answers -1 and no snapshot is taken (hyperv/vdev.c). Prints "hc N". */
#include <stdint.h>
#include <stdio.h>
#include "kernel/uapi/vm.h"

int main(void)
{
    uint32_t r;
    __asm__ volatile("vmmcall" : "=a"(r) : "a"(VM_HC_SNAPSHOT) : "memory");
    printf("hc %d\n", (int)r);
    return 0;
}
