/* poweroff [STATUS]: power the machine off (reboot(2) LINUX_REBOOT_CMD_POWER_OFF). The toy
 * kernel passes STATUS to the debug-exit port (kernel/uapi/reboot.h); Linux ignores it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/reboot.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
    long status = argc > 1 ? atol(argv[1]) : 0;
    fflush(stdout);
    syscall(SYS_reboot, (long)LINUX_REBOOT_MAGIC1, (long)LINUX_REBOOT_MAGIC2, (long)LINUX_REBOOT_CMD_POWER_OFF, status);
    fprintf(stderr, "poweroff: %s\n", strerror(errno));
    return 1;
}
