/* 16550A UART (COM1 at 0x3F8, IRQ 4 on a PC; base and IRQ are parameters).
 * Registers: RBR/THR, IER, IIR/FCR (16-byte FIFOs), LCR (DLAB), MCR (OUT2 gates the IRQ as on
 * PCs; loopback), LSR, MSR, SCR, divisor latch.
 * Virtual time does not model baud rate: a byte written to THR goes to the output callback at
 * once (THR and the transmitter are always empty again by the next read), and queued input
 * moves into the RX FIFO as soon as there is room. With the FIFO on, data below the trigger
 * level is reported as a character timeout (IIR 0xC) once no more input is queued. */
#ifndef VX86_UART_H
#define VX86_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/dev.h"
#include "devices/uart_abi.h"   /* ports, register offsets and bits */

#define UART_FIFO_SIZE   16
#define UART_INPUT_QUEUE 4096      /* host input waiting for room in the RX FIFO */

typedef struct uart {
    uint16_t base;
    int irq_line;
    uint8_t rx_fifo[UART_FIFO_SIZE];
    uint8_t rx_head, rx_count;
    uint8_t input[UART_INPUT_QUEUE];
    uint16_t input_head, input_count;
    uint8_t ier, lcr, mcr, scr, dll, dlm;
    uint8_t fcr;                   /* FIFO enable (bit 0) and trigger level (bits 7-6) */
    bool overrun;                  /* LSR OE, cleared by reading LSR */
    bool thr_interrupt;            /* THR-empty interrupt pending (cleared by IIR read or THR write) */
    uint8_t msr_deltas;            /* MSR bits 0-3 (loopback only) */
    bool irq_level;
    const dev_host *host;
    void (*tx)(void *ctx, uint8_t byte);
    void *tx_ctx;
} uart;

/* `tx` (may be NULL) receives every transmitted byte. */
void uart_init(uart *d, const dev_host *host, uint16_t base, int irq_line,
               void (*tx)(void *ctx, uint8_t byte), void *tx_ctx);
uint32_t uart_io_read(uart *d, uint16_t port, int size);
void uart_io_write(uart *d, uint16_t port, int size, uint32_t value);

/* Queue host input for the receiver; returns how many bytes fitted in the input queue. */
size_t uart_push_input(uart *d, const uint8_t *bytes, size_t len);
/* Bytes received but not yet read by the guest (input queue + RX FIFO). */
size_t uart_pending_input(const uart *d);

/* Snapshot: bytes needed returned, written if cap suffices; load keeps host and callback. */
size_t uart_save(const uart *d, uint8_t *buf, size_t cap);
bool uart_load(uart *d, const uint8_t *buf, size_t len);

#endif
