/* hold NAME KIB: the density lab's service, run in a container. It takes KIB KiB of heap with
 * sbrk and writes one byte in each page (a page is charged to the memory cgroup when first
 * touched, kernel/frame.c), says "hold NAME: ready" and then sleeps for good: an idle service
 * with a working set. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: hold NAME KIB\n");
        return 2;
    }
    long kib = strtol(argv[2], NULL, 10);
    if (kib < 0 || kib > 65536) {
        fprintf(stderr, "hold: %s: KIB must be 0..65536\n", argv[2]);
        return 2;
    }
    char *p = sbrk((intptr_t)kib * 1024);
    if (p == (char *)-1) {
        fprintf(stderr, "hold: sbrk of %ld KiB failed\n", kib);
        return 1;
    }
    for (long i = 0; i < kib * 1024; i += 4096)
        p[i] = (char)i;
    printf("hold %s: ready\n", argv[1]);
    fflush(stdout);
    for (;;)
        sleep(100000);
}
