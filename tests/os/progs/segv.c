/* segv: write through a null pointer (or, with "stack", overflow the stack), as a buggy program does. The kernel sends SIGSEGV, the
 * process dies, and the shell reports "Segmentation fault"; the kernel carries on. */
#include <stdio.h>
#include <string.h>

/* With "stack": recurse without end; the stack grows (demand-zero pages) to its 8 MiB limit or
 * until memory runs out, then the next page fault is a SIGSEGV. */
static int deep(int n)
{
    volatile char pad[1024];
    pad[0] = (char)n;
    return n < 0 ? 0 : deep(n + 1) + pad[0];   /* n < 0: never, but the compiler cannot know */
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "stack") == 0) {
        printf("recursing\n");
        fflush(stdout);
        return deep(0);
    }
    volatile int *p = 0;
    printf("writing to address 0\n");
    fflush(stdout);
    *p = 42;
    printf("survived the write (wrong)\n");
    return 0;
}
