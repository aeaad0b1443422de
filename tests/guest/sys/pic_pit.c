/* PIT interrupts through the 8259A PIC (remapped to vectors 0x20/0x28): counting IRQ0, masking
 * through the IMR, EOI (non-specific and specific), and ISR/IRR read through OCW3.
 * QEMU's PIT runs on host time, so this program never prints tick counts, only properties that
 * hold whatever the timing: "at least N", "none while masked", ISR/IRR bits at points where they
 * are fixed (inside the handler before EOI, after EOI, while an IRQ is held in service). */
#include "lib/sys.h"

#define DIVISOR 11932               /* 100 Hz */
#define POLL_LIMIT 50000000u        /* generous: the loop ends on a PIT edge, ~10 ms away */

static volatile uint32_t ticks;
static volatile uint32_t last_vector;
static volatile uint8_t isr_in_handler, isr_after_eoi;
static volatile bool send_eoi = true;

static void on_irq0(struct sys_frame *f)
{
    last_vector = f->vector;
    isr_in_handler = sys_pic_isr(0);
    ticks++;
    if (send_eoi) {
        sys_pic_eoi(0);
        isr_after_eoi = sys_pic_isr(0);
    }
}

/* Spin until IRR bit 0 is set (a PIT edge latched but not delivered). */
static bool wait_irr0(void)
{
    for (uint32_t i = 0; i < POLL_LIMIT; i++)
        if (sys_pic_irr(0) & 1)
            return true;
    return false;
}

int main(void)
{
    sys_init();                     /* remaps the PIC and masks every IRQ */
    sys_set_handler(PIC1_BASE + 0, on_irq0);

    outb(PIC_MASTER_DATA, 0xA5);
    outb(PIC_SLAVE_DATA, 0x5A);
    printf("IMR read back: master %#x slave %#x\n", inb(PIC_MASTER_DATA), inb(PIC_SLAVE_DATA));
    sys_pic_mask(0xFFFF);
    printf("ISR at rest: master %#x slave %#x\n", sys_pic_isr(0), sys_pic_isr(1));

    sys_pit_periodic(DIVISOR);
    uint16_t count = sys_pit_read();
    printf("PIT count latched in 1..%u: %s\n", DIVISOR, yn(count >= 1 && count <= DIVISOR));

    puts("-- counting IRQ0");
    sys_pic_mask((uint16_t)~0x0001u);
    cpu_sti();
    for (int i = 0; i < 10; i++)
        cpu_hlt();
    cpu_cli();
    printf("10 HLTs woken: ticks >= 10: %s\n", yn(ticks >= 10));
    printf("IRQ0 arrives on vector %#x\n", (unsigned)last_vector);
    printf("ISR inside the handler: %#x, after EOI: %#x\n", isr_in_handler, isr_after_eoi);

    puts("-- masking");
    sys_pic_mask(0xFFFF);
    uint32_t before = ticks;
    cpu_sti();
    bool latched = wait_irr0();
    for (volatile int i = 0; i < 1000; i++)
        ;
    uint32_t while_masked = ticks - before;
    printf("masked IRQ0 reaches IRR: %s\n", yn(latched));
    printf("no ticks while masked: %s\n", yn(while_masked == 0));
    sys_pic_mask((uint16_t)~0x0001u);
    __asm__ volatile("nop");
    cpu_cli();
    printf("unmasking delivers the pending IRQ0: %s\n", yn(ticks - before >= 1));

    puts("-- holding IRQ0 in service (no EOI)");
    send_eoi = false;
    before = ticks;
    cpu_sti();
    while (ticks == before)
        cpu_hlt();
    cpu_cli();
    printf("ISR after the handler returned without EOI: %#x\n", sys_pic_isr(0));
    before = ticks;
    cpu_sti();
    latched = wait_irr0();
    for (volatile int i = 0; i < 1000; i++)
        ;
    cpu_cli();
    printf("next IRQ0 waits in IRR: %s, not delivered: %s\n", yn(latched), yn(ticks == before));
    printf("IRR %#x ISR %#x\n", sys_pic_irr(0) & 1, sys_pic_isr(0));
    outb(PIC_MASTER_CMD, OCW2_SPECIFIC_EOI | 0);   /* for IRQ0 */
    printf("after specific EOI: ISR %#x\n", sys_pic_isr(0));
    cpu_sti();
    __asm__ volatile("nop");
    cpu_cli();
    printf("pending IRQ0 delivered after EOI: %s\n", yn(ticks - before >= 1));
    printf("ISR %#x (handler again sent no EOI)\n", sys_pic_isr(0));
    sys_pic_eoi(0);
    printf("after non-specific EOI: ISR %#x\n", sys_pic_isr(0));
    send_eoi = true;

    sys_pic_mask(0xFFFF);
    puts("pic_pit: done");
    return 0;
}
