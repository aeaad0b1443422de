/* vmspin: the CPU-bound guest of the cpu-limits lab, run as a VM by the toy OS's `vm` inside a
 * cgroup: its vCPU is the `vm` task, so cpu.max throttles the whole VM like any other task. */
#include "vxlib.h"
int main(void)
{
    uint32_t x = 1;
    for (uint32_t i = 0; i < 3000000u; i++)
        x = x * 1103515245u + 12345u + (x >> 7);
    printf("vmspin: %#x\n", (unsigned)x);
    return 0;
}
