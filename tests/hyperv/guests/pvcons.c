/* The paravirtual console against the trapping UART: the same 4 KiB of text, once through
 * VMMCALL (one exit per buffer) and once through COM1 (one exit per byte). vm --stats counts. */
#include "vxlib.h"
#include "kernel/uapi/vm.h"
static char text[4096];
int main(void)
{
    for (int i = 0; i < 4096; i++)
        text[i] = i % 64 == 63 ? '\n' : 'a' + i % 26;
    uint32_t done = 0;
    while (done < sizeof text) {
        uint32_t n;
        __asm__ volatile("vmmcall" : "=a"(n) : "a"(VM_HC_CONSOLE_WRITE), "b"(text + done), "c"(sizeof text - done) : "memory");
        if (n == 0 || n == 0xFFFFFFFFu)
            return 3;
        done += n;
    }
    for (uint32_t i = 0; i < sizeof text; i++)
        putchar(text[i]);
    return 0;
}
