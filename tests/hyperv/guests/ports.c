/* Hostile guest: write every I/O port (but the console, debug and probe ports, which would
 * print or end the run) and read them back. All of them exit to the hypervisor; no host device
 * is touched. Then it exits with 7 through the debug-exit port. */
#include "vxlib.h"
#include "vx/io.h"
int main(void)
{
    uint32_t sum = 0;
    for (uint32_t p = 0; p < 0x10000; p++) {
        if ((p >= 0x3F8 && p < 0x400) || p == 0xE9 || p == 0xF4 || (p >= 0xE80 && p < 0xE88))
            continue;
        outb((uint16_t)p, 0xA5);
        sum += inb((uint16_t)p);
    }
    printf("ports: all written, reads sum %#x\n", (unsigned)sum);
    return 7;
}
