/* sha256sum [FILE...]: print the SHA-256 (FIPS 180-4) of each file, or of stdin for "-" or no
 * argument, as GNU coreutils does: "HEX  NAME". A name holding a backslash or a newline is
 * printed with those escaped ("\\", "\n") and the line starts with a backslash, so each line
 * stays one line. A file that cannot be read is reported and the others still summed; exit 1. */
#include <errno.h>
#include <fcntl.h>
#include <sha256.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* As GNU's error(): stdout is flushed first, so the lines keep their order in one file. */
static int fail(const char *name)
{
    int e = errno;
    fflush(stdout);
    fprintf(stderr, "sha256sum: %s: %s\n", name, strerror(e));
    return 1;
}

static int sum(int fd, const char *name)
{
    struct sha256 s;
    unsigned char buf[4096], d[SHA256_DIGEST_SIZE];
    ssize_t n;
    sha256_init(&s);
    while ((n = read(fd, buf, sizeof buf)) > 0)
        sha256_update(&s, buf, (size_t)n);
    if (n < 0)
        return fail(name);
    sha256_final(&s, d);
    if (strpbrk(name, "\\\n"))
        putchar('\\');
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        printf("%02x", d[i]);
    printf("  ");
    for (const char *p = name; *p; p++)
        if (*p == '\\')
            printf("\\\\");
        else if (*p == '\n')
            printf("\\n");
        else
            putchar(*p);
    putchar('\n');
    return 0;
}

int main(int argc, char **argv)
{
    int i = 1, st = 0;
    if (i < argc && !strcmp(argv[i], "--"))
        i++;
    else if (i < argc && argv[i][0] == '-' && argv[i][1]) {   /* coreutils' options are not here */
        if (argv[i][1] == '-')
            fprintf(stderr, "sha256sum: unrecognized option '%s'\n", argv[i]);
        else
            fprintf(stderr, "sha256sum: invalid option -- '%c'\n", argv[i][1]);
        fprintf(stderr, "Try 'sha256sum --help' for more information.\n");
        return 1;
    }
    if (i == argc)
        return sum(0, "-");
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "-")) {
            st |= sum(0, "-");
            continue;
        }
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            st = fail(argv[i]);
            continue;
        }
        st |= sum(fd, argv[i]);
        close(fd);
    }
    return st;
}
