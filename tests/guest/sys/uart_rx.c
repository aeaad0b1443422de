/* COM1 receive path (16550A data sheet). Part 1 needs no host input: loopback mode (MCR bit 4)
 * feeds transmitted bytes back into the receiver, so RBR, LSR.DR/OE, the RX FIFO and IIR are
 * checked deterministically. Part 2 runs only with "input" on the command line: it prints a
 * ready line, then receives one scripted line by polling LSR.DR and one through IRQ4 (FIFO off,
 * RX-data interrupt, OUT2, PIC), and echoes both. Its lines start with "input:" so run.sh can
 * drop them where the emulator has no way to script serial input. */
#include "lib/sys.h"
#include "devices/uart_abi.h"

#define COM1 UART_COM1_BASE
#define RBR (COM1 + UART_RBR)
#define THR (COM1 + UART_THR)
#define IER (COM1 + UART_IER)
#define IIR (COM1 + UART_IIR)
#define FCR (COM1 + UART_FCR)
#define MCR (COM1 + UART_MCR)
#define LSR (COM1 + UART_LSR)
#define SCR (COM1 + UART_SCR)
#define MCR_NORMAL (MCR_DTR | MCR_RTS)   /* what the runtime sets */

static void drain(void)
{
    for (int i = 0; i < 64 && (inb(LSR) & LSR_DR); i++)
        (void)inb(RBR);
}

static void loopback(void)
{
    puts("-- loopback, FIFO off");
    outb(FCR, 0x00);
    outb(MCR, MCR_LOOP | MCR_NORMAL);
    drain();
    (void)inb(LSR);
    uint8_t lsr_empty = inb(LSR) & (LSR_DR | LSR_OE);
    outb(THR, 'A');
    uint8_t lsr_one = inb(LSR) & (LSR_DR | LSR_OE);
    uint8_t b = inb(RBR);
    uint8_t lsr_after = inb(LSR) & (LSR_DR | LSR_OE);
    outb(THR, 'x');
    outb(THR, 'y');
    uint8_t lsr_over = inb(LSR) & (LSR_DR | LSR_OE);
    uint8_t lsr_over2 = inb(LSR) & (LSR_DR | LSR_OE);
    uint8_t kept = inb(RBR);
    outb(IER, 0x01);                /* RX data available interrupt */
    uint8_t iir_idle = inb(IIR);
    outb(THR, 'B');
    uint8_t iir_data = inb(IIR);
    (void)inb(RBR);
    uint8_t iir_read = inb(IIR);
    outb(IER, 0x00);
    outb(SCR, 0x5A);
    uint8_t scr = inb(SCR);

    puts("-- loopback, FIFO on");
    outb(FCR, 0x07);                /* enable and clear both FIFOs, trigger level 1 */
    const char *msg = "fifo!";
    for (const char *p = msg; *p; p++)
        outb(THR, (uint8_t)*p);
    char got[8] = { 0 };
    int n = 0;
    while (n < 7 && (inb(LSR) & LSR_DR))
        got[n++] = (char)inb(RBR);
    uint8_t iir_fifo = inb(IIR) & 0xC0;

    outb(MCR, MCR_NORMAL);
    outb(FCR, 0xC7);
    printf("LSR DR/OE empty %#x, after one byte %#x, after reading it %#x\n", lsr_empty, lsr_one,
           lsr_after);
    printf("received %c\n", b);
    printf("two bytes unread: LSR %#x, then %#x (OE clears on read), RBR %c\n", lsr_over,
           lsr_over2, kept);
    printf("IIR: idle %#x, data waiting %#x, after reading %#x\n", iir_idle, iir_data, iir_read);
    printf("scratch register %#x\n", scr);
    printf("FIFO received \"%s\" (%d bytes), IIR FIFO bits %#x\n", got, n, iir_fifo);
}

static volatile char irq_line[64];
static volatile int irq_len;
static volatile int irq_count;
static volatile uint8_t irq_iir_or;

static void on_irq4(struct sys_frame *f)
{
    (void)f;
    irq_count++;
    uint8_t iir = inb(IIR);
    if (!(iir & 0x01))              /* an interrupt was pending (a late entry may find none) */
        irq_iir_or |= iir;
    while (inb(LSR) & LSR_DR) {
        char c = (char)inb(RBR);
        if (irq_len < (int)sizeof irq_line - 1)
            irq_line[irq_len++] = c;
    }
    sys_pic_eoi(4);
}

static void scripted(void)
{
    /* FIFO off throughout, so switching from polling to interrupts loses no queued byte. */
    outb(FCR, 0x00);
    puts("input: ready");
    char line[64];
    int n = 0;
    for (;;) {
        while (!(inb(LSR) & LSR_DR))
            ;
        char c = (char)inb(RBR);
        if (c == '\r')
            continue;
        if (c == '\n')
            break;
        if (n < (int)sizeof line - 1)
            line[n++] = c;
    }
    line[n] = '\0';
    printf("input: polled \"%s\"\n", line);

    sys_set_handler(PIC1_BASE + 4, on_irq4);
    sys_pic_mask((uint16_t)~(1u << 4));
    outb(MCR, MCR_NORMAL | MCR_OUT2);
    outb(IER, 0x01);
    cpu_sti();
    for (;;) {
        cpu_cli();
        bool done = irq_len > 0 && irq_line[irq_len - 1] == '\n';
        if (done)
            break;
        /* STI; HLT: the interrupt window opens only at the HLT, so no wake-up is lost. */
        __asm__ volatile("sti; hlt" ::: "memory");
    }
    outb(IER, 0x00);
    outb(MCR, MCR_NORMAL);
    sys_pic_mask(0xFFFF);
    int len = irq_len - 1;
    if (len > 0 && irq_line[len - 1] == '\r')
        len--;
    printf("input: irq \"%.*s\"\n", len, (const char *)irq_line);
    printf("input: interrupts taken >= 1: %s, IIR said RX data (0x04): %s\n",
           yn(irq_count >= 1), yn((irq_iir_or & 0x0F) == 0x04));
    outb(FCR, 0xC7);
}

int main(void)
{
    sys_init();
    loopback();
    if (strstr(vx_cmdline_args(), "input") != NULL)
        scripted();
    puts("uart_rx: done");
    return 0;
}
