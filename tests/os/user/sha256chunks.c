/* sha256chunks FILE SIZE...: the SHA-256 of FILE through the C library's sha256.h, once per SIZE:
 * fed to sha256_update SIZE bytes at a time, or with the one-shot sha256() when SIZE is 0. One
 * line "HEX  SIZE" each. run.sh compares every line with the host's sha256sum of FILE, so the
 * partial-block bookkeeping of update is checked at every split, not just at read(2)'s 4096. */
#include <fcntl.h>
#include <sha256.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    static unsigned char data[1 << 20];
    int fd = argc > 2 ? open(argv[1], O_RDONLY) : -1;
    if (fd < 0) {
        fprintf(stderr, "usage: sha256chunks FILE SIZE... (FILE readable, at most 1 MiB)\n");
        return 2;
    }
    size_t len = 0;
    ssize_t n;
    while (len < sizeof data && (n = read(fd, data + len, sizeof data - len)) > 0)
        len += (size_t)n;
    for (int a = 2; a < argc; a++) {
        size_t step = (size_t)strtoul(argv[a], NULL, 10);
        unsigned char d[SHA256_DIGEST_SIZE];
        if (step == 0)
            sha256(data, len, d);
        else {
            struct sha256 s;
            sha256_init(&s);
            for (size_t i = 0; i < len; i += step)
                sha256_update(&s, data + i, len - i < step ? len - i : step);
            sha256_final(&s, d);
        }
        for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
            printf("%02x", d[i]);
        printf("  %s\n", argv[a]);
    }
    return 0;
}
