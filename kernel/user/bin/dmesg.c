/* dmesg: print the kernel log (syslog(2) SYSLOG_ACTION_READ_ALL, as Linux's dmesg does). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_SIZE_BUFFER 10

static char buf[65536];

int main(void)
{
    long n = syscall(SYS_syslog, SYSLOG_ACTION_READ_ALL, buf, (long)sizeof buf);
    if (n < 0) {
        fprintf(stderr, "dmesg: read kernel buffer failed: %s\n", strerror(errno));
        return 1;
    }
    write(1, buf, (size_t)n);
    return 0;
}
