/* 16550A UART. Register facts from the National Semiconductor PC16550D datasheet. */
#include "devices/uart.h"

#include <string.h>

#include "devices/devsnap.h"

#define UART_SNAP_VERSION 1

/* Register offsets and bits: devices/uart_abi.h. */
enum {
    REG_DATA = UART_RBR, REG_IER = UART_IER, REG_IIR_FCR = UART_IIR, REG_LCR = UART_LCR,
    REG_MCR = UART_MCR, REG_LSR = UART_LSR, REG_MSR = UART_MSR, REG_SCR = UART_SCR,
};

static bool fifo_on(const uart *d)
{
    return d->fcr & 1;
}

static unsigned rx_capacity(const uart *d)
{
    return fifo_on(d) ? UART_FIFO_SIZE : 1;
}

static unsigned rx_trigger(const uart *d)
{
    static const uint8_t levels[4] = { 1, 4, 8, 14 };
    return fifo_on(d) ? levels[d->fcr >> 6] : 1;
}

/* Put a byte into the RX FIFO and flag an overrun when it is full, as the PC16550D does: in FIFO
 * mode the new byte is lost (the FIFO keeps its data); without the FIFO it overwrites RBR. */
static void rx_put(uart *d, uint8_t b)
{
    if (d->rx_count >= rx_capacity(d)) {
        d->overrun = true;
        if (!fifo_on(d))
            d->rx_fifo[d->rx_head % UART_FIFO_SIZE] = b;
        return;
    }
    d->rx_fifo[(d->rx_head + d->rx_count) % UART_FIFO_SIZE] = b;
    d->rx_count++;
}

/* The host side of the line (--serial-input, the terminal) uses RTS/CTS flow control: it sends
 * only while the UART asserts RTS, so bytes queued before the guest has set the port up (and
 * would have lost to the FIFO reset, PC16550D "FCR bit 1") wait for it. In loopback mode SIN is
 * disconnected from the line (datasheet, MCR bit 4), so nothing arrives from the host either. */
static void refill_rx(uart *d)
{
    if (!(d->mcr & MCR_RTS) || (d->mcr & MCR_LOOP))
        return;
    while (d->input_count && d->rx_count < rx_capacity(d)) {
        rx_put(d, d->input[d->input_head]);
        d->input_head = (uint16_t)((d->input_head + 1) % UART_INPUT_QUEUE);
        d->input_count--;
    }
}

/* The highest-priority pending interrupt as IIR bits 3-0. */
static uint8_t pending_iir(const uart *d)
{
    if ((d->ier & IER_RLS) && d->overrun) return IIR_RLS;
    if ((d->ier & IER_RDA) && d->rx_count) {
        if (d->rx_count >= rx_trigger(d)) return IIR_RDA;
        if (d->input_count == 0) return IIR_TIMEOUT;
    }
    if ((d->ier & IER_THRE) && d->thr_interrupt) return IIR_THRE;
    if ((d->ier & IER_MS) && d->msr_deltas) return IIR_MODEM;
    return IIR_NONE;
}

static void update_irq(uart *d)
{
    /* On PCs the INTR pin reaches the bus only through the OUT2-controlled driver. */
    bool level = pending_iir(d) != IIR_NONE && (d->mcr & MCR_OUT2) && !(d->mcr & MCR_LOOP);
    if (level != d->irq_level) {
        d->irq_level = level;
        d->host->irq(d->host->ctx, d->irq_line, level);
    }
}

void uart_init(uart *d, const dev_host *host, uint16_t base, int irq_line,
               void (*tx)(void *ctx, uint8_t byte), void *tx_ctx)
{
    memset(d, 0, sizeof *d);
    d->host = host;
    d->base = base;
    d->irq_line = irq_line;
    d->tx = tx;
    d->tx_ctx = tx_ctx;
    d->dll = 12;                   /* 9600 baud, a common firmware default */
}

size_t uart_push_input(uart *d, const uint8_t *bytes, size_t len)
{
    size_t n = 0;
    while (n < len) {
        refill_rx(d);
        if (d->input_count >= UART_INPUT_QUEUE) break;
        d->input[(d->input_head + d->input_count) % UART_INPUT_QUEUE] = bytes[n++];
        d->input_count++;
    }
    refill_rx(d);
    update_irq(d);
    return n;
}

size_t uart_pending_input(const uart *d)
{
    return (size_t)d->input_count + d->rx_count;
}

/* Modem status: in loopback the outputs feed the inputs; otherwise the line looks like a
 * ready modem (CTS, DSR, DCD) so guests that wait for CTS can send. */
static uint8_t msr_value(const uart *d)
{
    uint8_t lines;
    if (d->mcr & MCR_LOOP) {
        lines = (uint8_t)(((d->mcr & MCR_RTS) ? 0x10 : 0) | ((d->mcr & MCR_DTR) ? 0x20 : 0) |
                          ((d->mcr & MCR_OUT1) ? 0x40 : 0) | ((d->mcr & MCR_OUT2) ? 0x80 : 0));
    } else {
        lines = 0xB0;
    }
    return lines | d->msr_deltas;
}

static void write_mcr(uart *d, uint8_t v)
{
    uint8_t before = msr_value(d);
    d->mcr = v & 0x1F;
    uint8_t after = msr_value(d);
    refill_rx(d);
    if (d->mcr & MCR_LOOP) {
        uint8_t changed = (before ^ after) & 0xF0;
        /* Delta bits: CTS, DSR changed; RI trailing edge; DCD changed. */
        if (changed & 0x10) d->msr_deltas |= 0x01;
        if (changed & 0x20) d->msr_deltas |= 0x02;
        if ((before & 0x40) && !(after & 0x40)) d->msr_deltas |= 0x04;
        if (changed & 0x80) d->msr_deltas |= 0x08;
    }
}

static void write_fcr(uart *d, uint8_t v)
{
    bool was_on = fifo_on(d);
    bool clear_rx = (v & 0x02) || (was_on != (bool)(v & 1));   /* toggling enable clears FIFOs */
    d->fcr = v & 0xC1;
    if (clear_rx) {
        d->rx_head = d->rx_count = 0;
    }
    refill_rx(d);
}

static void uart_write_byte(uart *d, unsigned reg, uint8_t v)
{
    bool dlab = d->lcr & LCR_DLAB;
    switch (reg) {
    case REG_DATA:
        if (dlab) {
            d->dll = v;
            break;
        }
        if (d->mcr & MCR_LOOP) rx_put(d, v);
        else if (d->tx) d->tx(d->tx_ctx, v);
        d->thr_interrupt = true;   /* transmitted instantly, so THR is empty again */
        break;
    case REG_IER:
        if (dlab) {
            d->dlm = v;
            break;
        }
        /* Enabling THRE while THR is empty raises the interrupt, as on a real 16550. */
        if ((v & IER_THRE) && !(d->ier & IER_THRE)) d->thr_interrupt = true;
        d->ier = v & 0x0F;
        break;
    case REG_IIR_FCR: write_fcr(d, v); break;
    case REG_LCR: d->lcr = v; break;
    case REG_MCR: write_mcr(d, v); break;
    case REG_SCR: d->scr = v; break;
    default: break;                /* LSR and MSR are read-only */
    }
    update_irq(d);
}

static uint8_t uart_read_byte(uart *d, unsigned reg)
{
    bool dlab = d->lcr & LCR_DLAB;
    uint8_t v = 0;
    switch (reg) {
    case REG_DATA:
        if (dlab) return d->dll;
        if (d->rx_count) {
            v = d->rx_fifo[d->rx_head];
            d->rx_head = (uint8_t)((d->rx_head + 1) % UART_FIFO_SIZE);
            d->rx_count--;
            refill_rx(d);
        }
        break;
    case REG_IER: return dlab ? d->dlm : d->ier;
    case REG_IIR_FCR: {
        uint8_t id = pending_iir(d);
        if (id == IIR_THRE) d->thr_interrupt = false;   /* reading IIR acknowledges THRE */
        v = (uint8_t)(id | (fifo_on(d) ? 0xC0 : 0));
        break;
    }
    case REG_LCR: return d->lcr;
    case REG_MCR: return d->mcr;
    case REG_LSR:
        v = (uint8_t)(LSR_THRE | LSR_TEMT | (d->rx_count ? LSR_DR : 0) | (d->overrun ? LSR_OE : 0));
        d->overrun = false;
        break;
    case REG_MSR:
        v = msr_value(d);
        d->msr_deltas = 0;
        break;
    default: return d->scr;
    }
    update_irq(d);
    return v;
}

static bool uart_owns(const uart *d, uint16_t port)
{
    return port >= d->base && port < d->base + 8;
}

uint32_t uart_io_read(uart *d, uint16_t port, int size)
{
    uint32_t v = 0;
    for (int i = 0; i < size && i < 4; i++) {
        uint16_t p = (uint16_t)(port + i);
        uint32_t b = uart_owns(d, p) ? uart_read_byte(d, p - d->base) : 0xFF;
        v |= b << (8 * i);
    }
    return v;
}

void uart_io_write(uart *d, uint16_t port, int size, uint32_t value)
{
    for (int i = 0; i < size && i < 4; i++) {
        uint16_t p = (uint16_t)(port + i);
        if (uart_owns(d, p)) uart_write_byte(d, p - d->base, (uint8_t)(value >> (8 * i)));
    }
}

size_t uart_save(const uart *d, uint8_t *buf, size_t cap)
{
    devsnap_writer w = { buf, cap, 0 };
    devsnap_put_u8(&w, UART_SNAP_VERSION);
    devsnap_put_u8(&w, d->rx_count);
    for (unsigned i = 0; i < d->rx_count; i++)
        devsnap_put_u8(&w, d->rx_fifo[(d->rx_head + i) % UART_FIFO_SIZE]);
    devsnap_put_u16(&w, d->input_count);
    for (unsigned i = 0; i < d->input_count; i++)
        devsnap_put_u8(&w, d->input[(d->input_head + i) % UART_INPUT_QUEUE]);
    devsnap_put_u8(&w, d->ier);
    devsnap_put_u8(&w, d->lcr);
    devsnap_put_u8(&w, d->mcr);
    devsnap_put_u8(&w, d->scr);
    devsnap_put_u8(&w, d->dll);
    devsnap_put_u8(&w, d->dlm);
    devsnap_put_u8(&w, d->fcr);
    devsnap_put_u8(&w, d->msr_deltas);
    devsnap_put_u8(&w, (uint8_t)(d->overrun | d->thr_interrupt << 1 | d->irq_level << 2));
    return devsnap_finish(&w);
}

bool uart_load(uart *d, const uint8_t *buf, size_t len)
{
    devsnap_reader r = { buf, len, 0, true };
    if (devsnap_get_u8(&r) != UART_SNAP_VERSION) return false;
    uart s = *d;
    s.rx_head = 0;
    s.rx_count = devsnap_get_u8(&r);
    if (s.rx_count > UART_FIFO_SIZE) return false;
    devsnap_get_bytes(&r, s.rx_fifo, s.rx_count);
    s.input_head = 0;
    s.input_count = devsnap_get_u16(&r);
    if (s.input_count > UART_INPUT_QUEUE) return false;
    devsnap_get_bytes(&r, s.input, s.input_count);
    s.ier = devsnap_get_u8(&r);
    s.lcr = devsnap_get_u8(&r);
    s.mcr = devsnap_get_u8(&r);
    s.scr = devsnap_get_u8(&r);
    s.dll = devsnap_get_u8(&r);
    s.dlm = devsnap_get_u8(&r);
    s.fcr = devsnap_get_u8(&r);
    s.msr_deltas = devsnap_get_u8(&r);
    uint8_t f = devsnap_get_u8(&r);
    s.overrun = f & 1;
    s.thr_interrupt = f & 2;
    s.irq_level = f & 4;
    if (!devsnap_done(&r)) return false;
    *d = s;
    return true;
}
