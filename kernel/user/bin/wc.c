/* wc [-lwc] [FILE...]: count lines, words and bytes. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int opt_l, opt_w, opt_c;

static void show(long l, long w, long c, const char *name)
{
    int first = 1;
    if (opt_l) { printf("%ld", l); first = 0; }
    if (opt_w) { printf(first ? "%ld" : " %ld", w); first = 0; }
    if (opt_c) { printf(first ? "%ld" : " %ld", c); first = 0; }
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
