/* sleep SECONDS[.FRACTION]: pause (virtual time in the toy OS). */
#include <ctype.h>
#include <stdio.h>
#include <time.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: sleep SECONDS\n");
        return 1;
    }
    const char *p = argv[1];
    long sec = 0, nsec = 0, scale = 100000000;
    if (!isdigit((unsigned char)*p) && *p != '.') {
        fprintf(stderr, "sleep: invalid time interval '%s'\n", argv[1]);
        return 1;
    }
    while (isdigit((unsigned char)*p))
        sec = sec * 10 + (*p++ - '0');
    if (*p == '.')
        for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
            nsec += (*p - '0') * scale;
    if (*p) {
        fprintf(stderr, "sleep: invalid time interval '%s'\n", argv[1]);
        return 1;
    }
    struct timespec ts = { sec, nsec };
    while (nanosleep(&ts, &ts) < 0)
        ;
    return 0;
}
