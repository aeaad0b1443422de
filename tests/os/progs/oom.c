/* oom: grow the heap until the kernel refuses. brk must fail (malloc returns NULL, errno
 * ENOMEM) rather than the kernel panicking; the memory comes back when we exit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    size_t chunk = 256 * 1024, total = 0;
    for (;;) {
        char *p = malloc(chunk);
        if (!p)
            break;
        memset(p, 1, chunk);
        total += chunk;
    }
    printf("oom: malloc failed after %s: %s\n", total >= (8u << 20) ? "at least 8 MiB" : "less than 8 MiB",
           strerror(errno));
    return errno == ENOMEM ? 0 : 1;
}
