/* segv: write through a null pointer, as a buggy program does. The kernel sends SIGSEGV, the
 * process dies, and the shell reports "Segmentation fault"; the kernel carries on. */
#include <stdio.h>

int main(void)
{
    volatile int *p = 0;
    printf("writing to address 0\n");
    fflush(stdout);
    *p = 42;
    printf("survived the write (wrong)\n");
    return 0;
}
