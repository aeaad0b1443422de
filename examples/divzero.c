/* An exception nobody handles: divide by zero. The runtime's default IDT (kernel/lib/fault.c)
 * catches it and prints the exception and where it happened, instead of the machine
 * triple-faulting without a word:
 *
 *   guest fault: #DE at eip=0x...
 *
 * and the run ends with status 253 (the runtime's VX_EXIT_FAULT, 0x7e, through the debug-exit
 * port). `vx86 run --trace t.jsonl` shows the same exception as a trace event. */
#include "vxlib.h"

static int divide(int a, int b)
{
    return a / b;
}

int main(void)
{
    /* volatile: the compiler must read both at run time, so it cannot fold the division */
    volatile int one = 1, zero = 0;
    printf("dividing 1 by 0...\n");
    printf("the CPU says %d\n", divide(one, zero));
    return 0;
}
