/* A CPU-bound guest that never ends by itself: no I/O in its loop, so its vCPU task's run time is
 * its guest-mode time (vm stop or --timeout ends it). For cpu.max on a VM's cgroup. */
#include "vxlib.h"
int main(void)
{
    printf("burn: running\n");
    volatile uint32_t x = 1;
    for (;;)
        x = x * 1103515245u + 12345u;
}
