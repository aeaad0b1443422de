/* Hostile guest: read every MSR of the three MSRPM ranges. The hypervisor answers EFER and the
 * TSC and injects #GP(0) for the rest, as KVM does; the guest counts the #GPs and exits with 9. */
#include "vxlib.h"
static volatile uint32_t gps;
static bool on_gp(struct vx_fault_frame *f) { gps++; f->eip += 2; return true; }
int main(void)
{
    static const uint32_t base[3] = { 0x00000000u, 0xC0000000u, 0xC0010000u };
    vx_set_fault_handler(13, on_gp);
    for (int r = 0; r < 3; r++)
        for (uint32_t m = base[r]; m < base[r] + 0x2000; m++) {
            uint32_t lo, hi;
            __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(m));
        }
    printf("msrs: %u reads, %u refused\n", 3u * 0x2000u, (unsigned)gps);
    return 9;
}
