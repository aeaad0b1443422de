/* The 8254 interval timer as software sees it on a PC (Intel 8254 datasheet): ports, input clock
 * and the control-word fields. One definition for the device model (devices/pit.c,
 * emu/machine.c's port decoding) and for guest code. Freestanding: macros only. */
#ifndef VX86_PIT_ABI_H
#define VX86_PIT_ABI_H

#define PIT_BASE        0x40
#define PIT_CH0         (PIT_BASE + 0)   /* channel 0: IRQ 0 */
#define PIT_CH2         (PIT_BASE + 2)
#define PIT_CMD         (PIT_BASE + 3)   /* the control word */
#define PIT_PORT_B      0x61             /* system control port B: channel 2 gate/speaker, OUT2 */
#define PIT_HZ          1193182u
#define PIT_IRQ         0

/* Control word: SC (bits 7-6) channel, RW (5-4) access, M (3-1) mode, BCD (0). RW = 0 latches. */
#define PIT_SEL_CH0     0x00
#define PIT_RW_LATCH    0x00
#define PIT_RW_LOHI     0x30
#define PIT_MODE_RATE   0x04   /* mode 2, rate generator */
#define PIT_MODE_SQUARE 0x06   /* mode 3, square wave */

#endif
