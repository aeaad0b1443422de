/* A guest to talk to through vm console: it says hello, then echoes each byte typed at its COM1
 * in upper case, polling the UART (so it also keeps its vCPU busy, as a CPU-bound VM does for
 * the cpu.max test). 'q' ends it with debug-exit status 3. */
#include "vxlib.h"
int main(void)
{
    printf("chat: ready\n");
    for (;;) {
        int c = getchar();
        if (c == 'q')
            return 3;
        putchar(toupper(c));
    }
}
