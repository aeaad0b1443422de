/* mv SRC DST, mv SRC... DIR: rename (a directory target gets the source's name). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: mv SRC DST | mv SRC... DIR\n");
        return 1;
    }
    const char *dst = argv[argc - 1];
    struct stat st;
    int isdir = stat(dst, &st) == 0 && S_ISDIR(st.st_mode);
    if (argc > 3 && !isdir) {
        fprintf(stderr, "mv: target '%s' is not a directory\n", dst);
        return 1;
    }
    int r = 0;
    for (int i = 1; i < argc - 1; i++) {
        char target[1024];
        const char *to = dst;
        if (isdir) {
            const char *base = strrchr(argv[i], '/');
            snprintf(target, sizeof target, "%s/%s", dst, base ? base + 1 : argv[i]);
            to = target;
        }
        if (rename(argv[i], to) < 0) {
            fprintf(stderr, "mv: cannot move '%s' to '%s': %s\n", argv[i], to, strerror(errno));
            r = 1;
        }
    }
    return r;
}
