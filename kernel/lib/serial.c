/* COM1 console: a 16550 UART driven by polling (interrupts stay off). Ports and register bits
 * are the device model's own (devices/uart_abi.h). */
#include "vxlib.h"
#include "vx/io.h"
#include "devices/uart_abi.h"

#define COM1 UART_COM1_BASE

void vx_serial_init(void)
{
    outb(COM1 + UART_IER, 0x00);        /* no interrupts: we poll */
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DLL, 1);           /* divisor 1 = 115200 baud */
    outb(COM1 + UART_DLM, 0);
    outb(COM1 + UART_LCR, LCR_8N1);
    outb(COM1 + UART_FCR, FCR_ENABLE | FCR_CLEAR_RX | FCR_CLEAR_TX | FCR_TRIGGER_14);
    outb(COM1 + UART_MCR, MCR_DTR | MCR_RTS);   /* OUT2 stays off so no IRQ reaches the PIC */
}

void vx_serial_putc(char c)
{
    while ((inb(COM1 + UART_LSR) & LSR_THRE) == 0)
        ;
    outb(COM1 + UART_THR, (uint8_t)c);
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
    return inb(COM1 + UART_RBR);
}

int getchar(void)
{
    return vx_serial_getc();
}
