/* wc [-lwc] [FILE...]: count lines, words and bytes. Columns as GNU wc lays them out: one count of
 * one input is printed bare; otherwise each number is right-aligned to the width of the total
 * size of the files (7 when an input is not a regular file, such as a pipe). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int opt_l, opt_w, opt_c, width = 1;

static void show(long l, long w, long c, const char *name)
{
    const char *sep = "";
    if (opt_l) { printf("%*ld", width, l); sep = " "; }
    if (opt_w) { printf("%s%*ld", sep, width, w); sep = " "; }
    if (opt_c) printf("%s%*ld", sep, width, c);
    if (name)
        printf(" %s", name);
    putchar('\n');
}

static int count(int fd, long *l, long *w, long *c)
{
    char buf[4096];
    ssize_t n;
    int inword = 0;
    *l = *w = *c = 0;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        for (ssize_t i = 0; i < n; i++) {
            (*c)++;
            if (buf[i] == '\n')
                (*l)++;
            if (isspace((unsigned char)buf[i]))
                inword = 0;
            else if (!inword) {
                inword = 1;
                (*w)++;
            }
        }
    return n < 0 ? -1 : 0;
}

/* GNU's column width: digits of the total size of regular inputs, 7 if any input is not one. */
static void set_width(int argc, char **argv)
{
    int counts = opt_l + opt_w + opt_c, inputs = argc > 0 ? argc : 1;
    if (counts == 1 && inputs == 1)
        return;
    long long total = 0;
    struct stat st;
    for (int i = 0; i < argc; i++)
        if (stat(argv[i], &st) == 0 && S_ISREG(st.st_mode))
            total += st.st_size;
        else if (stat(argv[i], &st) == 0) {
            width = 7;
            return;
        }
    if (argc == 0 && (fstat(0, &st) < 0 || !S_ISREG(st.st_mode))) {
        width = 7;
        return;
    }
    if (argc == 0)
        total = st.st_size;
    for (width = 1; total >= 10; total /= 10)
        width++;
}

int main(int argc, char **argv)
{
    int ch;
    while ((ch = getopt(argc, argv, "lwc")) != -1) {
        if (ch == 'l') opt_l = 1;
        else if (ch == 'w') opt_w = 1;
        else if (ch == 'c') opt_c = 1;
        else {
            fprintf(stderr, "usage: wc [-lwc] [FILE...]\n");
            return 1;
        }
    }
    if (!opt_l && !opt_w && !opt_c)
        opt_l = opt_w = opt_c = 1;
    set_width(argc - optind, argv + optind);
    long l, w, c, tl = 0, tw = 0, tc = 0;
    if (optind == argc) {
        count(0, &l, &w, &c);
        show(l, w, c, 0);
        return 0;
    }
    int st = 0;
    for (int i = optind; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0 || count(fd, &l, &w, &c) < 0) {
            fprintf(stderr, "wc: %s: %s\n", argv[i], strerror(errno));
            st = 1;
            if (fd >= 0)
                close(fd);
            continue;
        }
        close(fd);
        show(l, w, c, argv[i]);
        tl += l, tw += w, tc += c;
    }
    if (argc - optind > 1)
        show(tl, tw, tc, "total");
    return st;
}
