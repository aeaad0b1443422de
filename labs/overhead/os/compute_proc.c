/* The overhead lab's toy-OS program: `compute_proc N` runs the loop of ../loop.h N times, timed
 * with RDTSC, as an ordinary process -- the lab runs it inside a container (ctr exec). */
#include <stdio.h>
#include <stdlib.h>
#include "../loop.h"

int main(int argc, char **argv)
{
    uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1000000u;
    uint64_t c;
    uint32_t x = compute_loop(n, &c);
    printf("compute: %u iterations %llu cycles x=%#x\n", (unsigned)n, (unsigned long long)c, (unsigned)x);
    return 0;
}
