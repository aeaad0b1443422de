/* uptime: seconds since boot from /proc/uptime, as "up H:MM:SS". */
#include <stdio.h>
#include <stdlib.h>
#include "catfile.h"

int main(void)
{
    char buf[128];
    if (read_file("/proc/uptime", buf, sizeof buf) < 0) {
        fprintf(stderr, "uptime: /proc/uptime: %s\n", strerror(errno));
        return 1;
    }
    long s = atol(buf);
    printf("up %ld:%02ld:%02ld\n", s / 3600, s / 60 % 60, s % 60);
    return 0;
}
