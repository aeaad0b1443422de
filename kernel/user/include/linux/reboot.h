/* <linux/reboot.h>: the reboot(2) magic numbers and commands, under the name Linux programs use. */
#ifndef _LINUX_REBOOT_H
#define _LINUX_REBOOT_H
#include "../../../uapi/reboot.h"
#endif
