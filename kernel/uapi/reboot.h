/* reboot(2) magic numbers and commands (include/uapi/linux/reboot.h).
 * Toy extension, said once here: for LINUX_REBOOT_CMD_POWER_OFF the fourth argument, which Linux
 * ignores for that command, is the power-off status the toy kernel writes to the debug-exit port
 * (so a machine exits with (status << 1) | 1). Programs that pass 0 behave as on Linux. */
#ifndef KERNEL_UAPI_REBOOT_H
#define KERNEL_UAPI_REBOOT_H

#define LINUX_REBOOT_MAGIC1  0xfee1deadu
#define LINUX_REBOOT_MAGIC2  672274793   /* 0x28121969 */
#define LINUX_REBOOT_MAGIC2A 85072278
#define LINUX_REBOOT_MAGIC2B 369367448
#define LINUX_REBOOT_MAGIC2C 537993216

#define LINUX_REBOOT_CMD_RESTART   0x01234567u
#define LINUX_REBOOT_CMD_HALT      0xCDEF0123u
#define LINUX_REBOOT_CMD_CAD_ON    0x89ABCDEFu
#define LINUX_REBOOT_CMD_CAD_OFF   0x00000000u
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321FEDCu
#define LINUX_REBOOT_CMD_RESTART2  0xA1B2C3D4u

#endif
