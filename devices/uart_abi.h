/* The 16550A UART as software sees it (National Semiconductor PC16550D datasheet): COM1's ports
 * on a PC, the register offsets and the register bits vx86's model implements. One definition
 * for the device model (devices/uart.c) and for guest code (kernel/lib/serial.c, the tests).
 * Freestanding: macros only. */
#ifndef VX86_UART_ABI_H
#define VX86_UART_ABI_H

#define UART_COM1_BASE   0x3F8
#define UART_COM1_IRQ    4
#define UART_PORT_COUNT  8         /* base .. base + 7 */

/* Register offsets from the base port. DLAB (LCR bit 7) turns 0 and 1 into the divisor latch. */
#define UART_RBR 0   /* read: receive buffer */
#define UART_THR 0   /* write: transmit holding register */
#define UART_DLL 0   /* DLAB = 1: divisor latch, low byte */
#define UART_IER 1
#define UART_DLM 1   /* DLAB = 1: divisor latch, high byte */
#define UART_IIR 2   /* read: interrupt identification */
#define UART_FCR 2   /* write: FIFO control */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define IER_RDA   0x01   /* received data available */
#define IER_THRE  0x02   /* transmit holding register empty */
#define IER_RLS   0x04   /* receiver line status */
#define IER_MS    0x08   /* modem status */
#define FCR_ENABLE     0x01
#define FCR_CLEAR_RX   0x02
#define FCR_CLEAR_TX   0x04
#define FCR_TRIGGER_14 0xC0
#define LCR_8N1   0x03   /* 8 data bits, no parity, 1 stop bit */
#define LCR_DLAB  0x80
#define MCR_DTR   0x01
#define MCR_RTS   0x02
#define MCR_OUT1  0x04
#define MCR_OUT2  0x08   /* on a PC, gates the UART's interrupt onto the IRQ line */
#define MCR_LOOP  0x10
#define LSR_DR    0x01   /* data ready */
#define LSR_OE    0x02   /* overrun */
#define LSR_THRE  0x20
#define LSR_TEMT  0x40
#define IIR_NONE      0x01
#define IIR_MODEM     0x00
#define IIR_THRE      0x02
#define IIR_RDA       0x04
#define IIR_RLS       0x06
#define IIR_TIMEOUT   0x0C
#define IIR_FIFO_ON   0xC0

#endif
