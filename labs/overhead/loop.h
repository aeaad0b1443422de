/* The overhead lab's compute loop, one copy for the bare image (guest/compute.c, which also runs
 * as a VM) and the toy-OS program (os/compute_proc.c, run in a container): the same instructions
 * in all three places. No memory traffic beyond the stack and no I/O, so a VM pays only the
 * exits the host's timer forces, a container only the host's own interrupts. RDTSC is not
 * intercepted (hyperv/vcpu.c), so all three read the same virtual clock. */
#ifndef LABS_OVERHEAD_LOOP_H
#define LABS_OVERHEAD_LOOP_H
#include <stdint.h>

static inline uint64_t loop_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return lo | (uint64_t)hi << 32;
}

/* A linear congruential step with a shift (the hyperv `spin` guest's loop). */
static inline uint32_t compute_loop(uint32_t iterations, uint64_t *cycles)
{
    uint32_t x = 1;
    uint64_t t0 = loop_rdtsc();
    for (uint32_t i = 0; i < iterations; i++)
        x = x * 1103515245u + 12345u + (x >> 7);
    *cycles = loop_rdtsc() - t0;
    return x;
}
#endif
