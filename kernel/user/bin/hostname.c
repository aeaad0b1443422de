/* hostname [NAME]: print or set the host name (the UTS namespace's). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc > 1) {
        if (sethostname(argv[1], strlen(argv[1])) < 0) {
            fprintf(stderr, "hostname: %s\n", strerror(errno));
            return 1;
        }
        return 0;
    }
    char buf[65];
    if (gethostname(buf, sizeof buf) < 0) {
        fprintf(stderr, "hostname: %s\n", strerror(errno));
        return 1;
    }
    puts(buf);
    return 0;
}
