/* hog MAX_MB [HOLD_MS]: grow the heap 256 KiB at a time and write every page of it, saying how far it got
 * after each step (unbuffered, so the last line survives the SIGKILL of an OOM). Each page written
 * is a frame charged to the task's memory cgroup (memory.current) when it is first touched. With
 * HOLD_MS it then keeps its memory that long before it exits. */
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define STEP (256 * 1024)

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: hog MAX_MB [HOLD_MS]\n");
        return 2;
    }
    long max = atol(argv[1]) * 1024 * 1024;
    setvbuf(stdout, NULL, _IONBF, 0);
    for (long got = STEP; got <= max; got += STEP) {
        char *p = sbrk(STEP);
        if (p == (char *)-1) {
            printf("hog: sbrk failed at %ld KiB\n", got / 1024);
            return 1;
        }
        for (long i = 0; i < STEP; i += 4096)
            p[i] = 1;
        printf("hog: %ld KiB\n", got / 1024);
    }
    printf("hog: done\n");
    if (argc == 3) {
        long ms = atol(argv[2]);
        struct timespec t = { ms / 1000, ms % 1000 * 1000000L };
        while (nanosleep(&t, &t) < 0)
            ;
    }
    return 0;
}
