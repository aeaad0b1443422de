/* free: memory totals in KiB from /proc/meminfo (MemTotal, MemFree), laid out like procps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "catfile.h"

static long field(const char *text, const char *name)
{
    const char *p = strstr(text, name);
    return p ? atol(p + strlen(name) + 1) : -1;
}

int main(void)
{
    char buf[2048];
    if (read_file("/proc/meminfo", buf, sizeof buf) < 0) {
        fprintf(stderr, "free: /proc/meminfo: %s\n", strerror(errno));
        return 1;
    }
    long total = field(buf, "MemTotal"), freek = field(buf, "MemFree");
    printf("%15s %11s %11s\n", "total", "used", "free");
    printf("Mem: %10ld %11ld %11ld\n", total, total - freek, freek);
    return 0;
}
