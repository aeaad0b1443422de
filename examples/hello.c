/* The smallest vx86 program: build it with the guest compiler wrapper and run it.
 *
 *   scripts/guest-cc -O2 examples/hello.c -o hello.elf
 *   build/vx86 run hello.elf --cmdline "any words"
 *
 * A guest program is ordinary C with `int main(void)`. It includes "vxlib.h", the runtime's
 * one header (kernel/lib/include): printf and puts write to the serial port COM1, which
 * `vx86 run` shows on stdout. main's return value goes to the debug-exit port, so the run
 * ends with status (value << 1) | 1: 1 for a return of 0. */
#include "vxlib.h"

int main(void)
{
    printf("hello from the guest\n");
    const char *args = vx_cmdline_args();
    if (args[0] != '\0')
        printf("you said: %s\n", args);
    return 0;
}
