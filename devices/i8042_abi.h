/* The i8042 keyboard controller as software sees it on a PC/AT (IBM PC/AT and PS/2 technical
 * references): ports, IRQ and the status bits. One definition for the device model
 * (devices/i8042.c) and for guest code. Freestanding: macros only. */
#ifndef VX86_I8042_ABI_H
#define VX86_I8042_ABI_H

#define I8042_DATA_PORT   0x60
#define I8042_STATUS_PORT 0x64   /* read: status; write: controller command */
#define I8042_IRQ         1

#define I8042_STATUS_OBF    0x01   /* output buffer full: a byte waits at the data port */
#define I8042_STATUS_IBF    0x02   /* input buffer full: the controller has not taken a write */
#define I8042_STATUS_SYS    0x04
#define I8042_STATUS_CMD    0x08   /* the last write went to the command port */
#define I8042_STATUS_UNLOCK 0x10

#endif
