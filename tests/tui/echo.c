/* A guest for the TUI's serial-console test: it echoes each line typed on COM1 back as
 * "echo: LINE", by polling the line status register, until it receives "quit". */
#include "vxlib.h"
#include "vx/io.h"
#include "devices/uart_abi.h"

#define COM1_DATA (UART_COM1_BASE + UART_RBR)
#define COM1_LSR (UART_COM1_BASE + UART_LSR)
#define LSR_DATA_READY LSR_DR

static char read_char(void)
{
    while (!(inb(COM1_LSR) & LSR_DATA_READY))
        ;
    return (char)inb(COM1_DATA);
}

int main(void)
{
    puts("echo ready: type a line");
    char line[80];
    for (;;) {
        int n = 0;
        for (;;) {
            char c = read_char();
            if (c == '\r' || c == '\n')
                break;
            if (n < (int)sizeof line - 1)
                line[n++] = c;
        }
        line[n] = '\0';
        printf("echo: %s\n", line);
        if (strcmp(line, "quit") == 0)
            return 0;
    }
}
