/* i8042 keyboard controller and PS/2 keyboard (IBM PC/AT and PS/2 technical references).
 * Part 1 needs no host input: controller self-test and interface test, the command byte,
 * keyboard reset/echo/identify/LED/scan enable replies, an unknown command's resend, and
 * scancodes injected by the controller's "write keyboard output" command (0xD2), read both by
 * polling and through IRQ1 (PIC remapped, vector 0x21). Part 2 runs only with "keys" on the
 * command line: it prints a ready line, collects the set-1 scancodes of typed keys through IRQ1
 * and prints them (lines start with "keys:" so run.sh can drop them where keys cannot be
 * scripted). */
#include "lib/sys.h"
#include "devices/i8042_abi.h"

#define DATA I8042_DATA_PORT
#define STATUS I8042_STATUS_PORT
#define ST_OBF I8042_STATUS_OBF
#define ST_IBF I8042_STATUS_IBF
#define WAIT_LIMIT 2000000u

static void wait_write(void)
{
    for (uint32_t i = 0; i < WAIT_LIMIT && (inb(STATUS) & ST_IBF); i++)
        ;
}

/* Next byte from the output buffer, or -1 if none arrives. */
static int read_byte(void)
{
    for (uint32_t i = 0; i < WAIT_LIMIT; i++)
        if (inb(STATUS) & ST_OBF)
            return inb(DATA);
    return -1;
}

static void flush(void)
{
    for (int i = 0; i < 64 && (inb(STATUS) & ST_OBF); i++)
        (void)inb(DATA);
}

static void controller(uint8_t cmd)
{
    wait_write();
    outb(STATUS, cmd);
}

static void keyboard(uint8_t byte)
{
    wait_write();
    outb(DATA, byte);
}

/* Print up to `n` reply bytes (stopping early when none comes). */
static void replies(const char *what, int n)
{
    printf("%-36s", what);
    for (int i = 0; i < n; i++) {
        int b = read_byte();
        if (b < 0) {
            printf(" (none)");
            break;
        }
        printf(" %02x", b);
    }
    putchar('\n');
}

static volatile uint8_t irq_bytes[64];
static volatile int irq_count;

static void on_irq1(struct sys_frame *f)
{
    (void)f;
    uint8_t b = inb(DATA);
    if (irq_count < (int)sizeof irq_bytes)
        irq_bytes[irq_count] = b;
    irq_count++;
    sys_pic_eoi(1);
}

static void wait_irqs(int n)
{
    cpu_sti();
    for (uint32_t i = 0; i < WAIT_LIMIT && irq_count < n; i++)
        ;
    cpu_cli();
}

static void typed_keys(void)
{
    /* Scan codes for "ab" + Enter: make and break of each key, scancode set 1. */
    const int want = 6;
    irq_count = 0;
    keyboard(0xF4);                 /* enable scanning */
    puts("keys: ready");
    /* Test and sleep with interrupts off, then STI;HLT: the STI shadow makes the pair atomic, so
     * an interrupt arriving between the test and the HLT cannot be missed (a lost wake-up). */
    while (irq_count < want + 1)    /* +1: the 0xFA acknowledging 0xF4 */
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    printf("keys:");
    for (int i = 0; i < irq_count && i < (int)sizeof irq_bytes; i++)
        printf(" %02x", irq_bytes[i]);
    putchar('\n');
}

int main(void)
{
    sys_init();
    controller(0xAD);               /* keyboard interface off while we set up */
    flush();
    controller(0x60);
    keyboard(0x44);                 /* command byte: translation, system flag, no IRQ */
    controller(0xAE);
    flush();

    controller(0xAA);
    replies("controller self-test (0xAA)", 1);
    controller(0x60);
    keyboard(0x44);                 /* some controllers reset the command byte on self-test */
    controller(0xAB);
    replies("keyboard interface test (0xAB)", 1);
    controller(0x20);
    replies("command byte (0x20)", 1);
    printf("status: system flag %u, output buffer empty %s\n", (inb(STATUS) >> 2) & 1,
           yn(!(inb(STATUS) & ST_OBF)));

    keyboard(0xFF);
    replies("keyboard reset (0xFF)", 2);
    keyboard(0xEE);
    replies("echo (0xEE)", 1);
    keyboard(0xF2);
    replies("identify (0xF2)", 3);
    keyboard(0xED);
    replies("set LEDs (0xED)", 1);
    keyboard(0x02);
    replies("  LED argument 0x02", 1);
    keyboard(0xF5);
    replies("disable scanning (0xF5)", 1);
    keyboard(0xF4);
    replies("enable scanning (0xF4)", 1);

    controller(0xD2);
    keyboard(0x1E);
    replies("write keyboard output (0xD2 0x1e)", 1);
    replies("nothing more queued", 1);

    puts("-- IRQ1");
    sys_set_handler(PIC1_BASE + 1, on_irq1);
    sys_pic_mask((uint16_t)~(1u << 1));
    controller(0x60);
    keyboard(0x45);                 /* command byte: + keyboard interrupt */
    controller(0xD2);
    keyboard(0x1E);
    wait_irqs(1);
    controller(0xD2);
    keyboard(0x9E);
    wait_irqs(2);
    keyboard(0xEE);
    wait_irqs(3);
    printf("bytes taken by the IRQ1 handler:");
    for (int i = 0; i < irq_count && i < 8; i++)
        printf(" %02x", irq_bytes[i]);
    putchar('\n');

    if (strstr(vx_cmdline_args(), "keys") != NULL)
        typed_keys();

    sys_pic_mask(0xFFFF);
    controller(0x60);
    keyboard(0x44);
    puts("keyboard: done");
    return 0;
}
