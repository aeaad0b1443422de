/* COM1 console: a 16550 UART at 0x3F8 driven by polling (interrupts stay off). */
#include "vxlib.h"
#include "vx/io.h"

#define COM1 0x3F8
/* Register offsets from the 16550 data sheet. */
#define UART_DATA 0        /* THR/RBR; divisor low byte when LCR.DLAB = 1 */
#define UART_IER  1        /* interrupt enable; divisor high byte when DLAB = 1 */
#define UART_FCR  2
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5
#define LCR_8N1   0x03
#define LCR_DLAB  0x80
#define LSR_THRE  0x20     /* transmit holding register empty */

void vx_serial_init(void)
{
    outb(COM1 + UART_IER, 0x00);        /* no interrupts: we poll */
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DATA, 1);          /* divisor 1 = 115200 baud */
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, LCR_8N1);
    outb(COM1 + UART_FCR, 0xC7);        /* enable and clear FIFOs, 14-byte trigger */
    outb(COM1 + UART_MCR, 0x03);        /* DTR + RTS; OUT2 stays off so no IRQ reaches the PIC */
}

void vx_serial_putc(char c)
{
    while ((inb(COM1 + UART_LSR) & LSR_THRE) == 0)
        ;
    outb(COM1 + UART_DATA, (uint8_t)c);
}

void vx_serial_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        vx_serial_putc(s[i]);
}

int putchar(int c)
{
    vx_serial_putc((char)c);
    return (unsigned char)c;
}

int puts(const char *s)
{
    size_t len = strlen(s);
    vx_serial_write(s, len);
    vx_serial_putc('\n');
    return (int)len + 1;
}

/* Input, polled like output: wait until the line status register says a byte arrived, then
 * take it from the receive buffer. */
#define LSR_DR    0x01     /* data ready */

int vx_serial_getc(void)
{
    while ((inb(COM1 + UART_LSR) & LSR_DR) == 0)
        ;
    return inb(COM1 + UART_DATA);
}

int getchar(void)
{
    return vx_serial_getc();
}
