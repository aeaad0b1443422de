/* uname [-snrvma]: print system information (default -s). */
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct utsname u;
    if (uname(&u) < 0) {
        perror("uname");
        return 1;
    }
    int want = 0, c;
    while ((c = getopt(argc, argv, "snrvma")) != -1)
        switch (c) {
        case 's': want |= 1; break;
        case 'n': want |= 2; break;
        case 'r': want |= 4; break;
        case 'v': want |= 8; break;
        case 'm': want |= 16; break;
        case 'a': want |= 31; break;
        default: fprintf(stderr, "usage: uname [-snrvma]\n"); return 1;
        }
    if (!want)
        want = 1;
    const char *f[] = { u.sysname, u.nodename, u.release, u.version, u.machine };
    int first = 1;
    for (int i = 0; i < 5; i++)
        if (want & (1 << i)) {
            printf(first ? "%s" : " %s", f[i]);
            first = 0;
        }
    putchar('\n');
    return 0;
}
