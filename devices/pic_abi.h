/* The 8259A interrupt controller pair as software sees it on a PC/AT (Intel 8259A datasheet):
 * the ports and the command words vx86's model implements. One definition for the device model
 * (devices/pic.c, emu/machine.c's port decoding) and for guest code (the tests' libraries).
 * Freestanding: macros only. */
#ifndef VX86_PIC_ABI_H
#define VX86_PIC_ABI_H

#define PIC_MASTER_BASE 0x20
#define PIC_SLAVE_BASE  0xA0
#define PIC_MASTER_CMD  PIC_MASTER_BASE        /* ICW1, OCW2, OCW3 */
#define PIC_MASTER_DATA (PIC_MASTER_BASE + 1)  /* ICW2-4, OCW1 (the mask) */
#define PIC_SLAVE_CMD   PIC_SLAVE_BASE
#define PIC_SLAVE_DATA  (PIC_SLAVE_BASE + 1)
#define PIC_CASCADE_IRQ 2

#define ICW1_ICW4       0x01   /* ICW4 follows */
#define ICW1_INIT       0x10
#define ICW4_8086       0x01
#define OCW2_EOI        0x20   /* non-specific EOI */
#define OCW2_SPECIFIC_EOI 0x60 /* | IR level */
#define OCW3_READ_IRR   0x0A
#define OCW3_READ_ISR   0x0B

#endif
