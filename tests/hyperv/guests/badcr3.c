/* Hostile guest: turn paging on with a page directory beyond its memory. The CPU's walk (nested
 * paging: a #NPF on the directory's guest-physical address) or the hypervisor's walk of the
 * guest's tables (shadow paging: the #PF exit) reaches outside the VM, which ends it (126). */
#include "paging.h"

int main(void)
{
    printf("badcr3: paging on with CR3 0x30000000\n");
    wr_cr4(rd_cr4() | CR4_PSE);
    wr_cr3(0x30000000u);
    wr_cr0(rd_cr0() | CR0_PG);
    printf("still running\n");
    return 1;
}
