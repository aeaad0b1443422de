/* cp SRC DST, cp SRC... DIR: copy regular files (a directory target gets the source's name). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy(const char *src, const char *dst)
{
    char target[1024];
    struct stat st;
    if (stat(dst, &st) == 0 && S_ISDIR(st.st_mode)) {
        const char *base = strrchr(src, '/');
        snprintf(target, sizeof target, "%s/%s", dst, base ? base + 1 : src);
        dst = target;
    }
    int in = open(src, O_RDONLY);
    if (in < 0) {
        fprintf(stderr, "cp: cannot stat '%s': %s\n", src, strerror(errno));
        return 1;
    }
    if (fstat(in, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "cp: -r not specified; omitting directory '%s'\n", src);
        close(in);
        return 1;
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 0777);
    if (out < 0) {
        fprintf(stderr, "cp: cannot create regular file '%s': %s\n", dst, strerror(errno));
        close(in);
        return 1;
    }
    char buf[4096];
    ssize_t n;
    int r = 0;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) {
            fprintf(stderr, "cp: error writing '%s': %s\n", dst, strerror(errno));
            r = 1;
            break;
        }
    if (n < 0) {
        fprintf(stderr, "cp: error reading '%s': %s\n", src, strerror(errno));
        r = 1;
    }
    close(in);
    close(out);
    return r;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: cp SRC DST | cp SRC... DIR\n");
        return 1;
    }
    struct stat st;
    if (argc > 3 && (stat(argv[argc - 1], &st) < 0 || !S_ISDIR(st.st_mode))) {
        fprintf(stderr, "cp: target '%s' is not a directory\n", argv[argc - 1]);
        return 1;
    }
    int r = 0;
    for (int i = 1; i < argc - 1; i++)
        r |= copy(argv[i], argv[argc - 1]);
    return r;
}
