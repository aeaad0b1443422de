/* yes [STRING]: print STRING (default "y") forever, until the reader goes away (SIGPIPE/EPIPE). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char buf[4096];
    const char *s = argc > 1 ? argv[1] : "y";
    size_t n = strlen(s), len = 0;
    if (n + 1 > sizeof buf)
        n = sizeof buf - 1;
    while (len + n + 1 <= sizeof buf) {
        memcpy(buf + len, s, n);
        buf[len + n] = '\n';
        len += n + 1;
    }
    while (write(1, buf, len) > 0)
        ;
    return 1;
}
