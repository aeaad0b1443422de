/* cmp FILE1 FILE2: are two files the same, byte for byte? The layers lab's check that a VM's
 * write reached neither the image nor another VM's disk. POSIX cmp without options
 * (https://pubs.opengroup.org/onlinepubs/9699919799/utilities/cmp.html), worded as GNU cmp:
 *   same bytes, same length   nothing, exit 0
 *   a byte differs            "FILE1 FILE2 differ: byte N, line L" (both from 1), exit 1
 *   one is a prefix           "cmp: EOF on FILE after byte N, line L" (", in line L" when its last
 *                             byte is not a newline; "which is empty" for an empty one; to
 *                             stderr), exit 1
 *   a file cannot be read     "cmp: FILE: why", exit 2
 * Both files are read in equal chunks compared a word at a time (a 1 MiB image is 256 of them);
 * lines are counted only for a report, from the file's start again. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CHUNK 4096

struct in {
    const char *name;
    int fd;
    union { char buf[CHUNK]; uint32_t w[CHUNK / 4]; };   /* w: the same bytes, a word at a time */
};
static struct in a, b;

static void open_in(struct in *f, const char *name)
{
    f->name = name;
    f->fd = open(name, O_RDONLY);
    if (f->fd < 0) {
        fprintf(stderr, "cmp: %s: %s\n", name, strerror(errno));
        _exit(2);
    }
}

/* Up to CHUNK bytes of f (fewer only at its end), exits 2 on a read error. */
static long fill(struct in *f)
{
    long n = 0;
    while (n < CHUNK) {
        ssize_t r = read(f->fd, f->buf + n, (size_t)(CHUNK - n));
        if (r < 0) {
            fprintf(stderr, "cmp: %s: %s\n", f->name, strerror(errno));
            _exit(2);
        }
        if (r == 0)
            break;
        n += r;
    }
    return n;
}

/* The newlines in the first n bytes of f, read again from its start: only for the one line of a
 * report, so the equal chunks are not scanned twice. */
static long newlines(struct in *f, long n)
{
    long k = 0;
    if (lseek(f->fd, 0, SEEK_SET) != 0)
        return 0;
    while (n > 0) {
        long got = fill(f), m = got < n ? got : n;
        for (long i = 0; i < m; i++)
            k += f->buf[i] == '\n';
        n -= m;
        if (got < CHUNK)
            break;
    }
    return k;
}

/* The first index where the two chunks differ (n if none), compared a 32-bit word at a time
 * (the toy OS's memcmp goes byte by byte). */
static long first_diff(long n)
{
    long i = 0;
    while (i + 4 <= n && a.w[i / 4] == b.w[i / 4])
        i += 4;
    while (i < n && a.buf[i] == b.buf[i])
        i++;
    return i;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: cmp FILE1 FILE2\n");
        return 2;
    }
    open_in(&a, argv[1]);
    open_in(&b, argv[2]);
    long done = 0;                     /* bytes found equal so far */
    char last = 0;                     /* the last of them */
    for (;;) {
        long na = fill(&a), nb = fill(&b), n = na < nb ? na : nb;
        long i = first_diff(n);
        if (i < n) {
            long at = done + i;
            printf("%s %s differ: byte %ld, line %ld\n", a.name, b.name, at + 1, newlines(&a, at) + 1);
            return 1;
        }
        done += n;
        if (n)
            last = a.buf[n - 1];
        if (na != nb) {
            struct in *short_one = na < nb ? &a : &b;
            if (done == 0) {
                fprintf(stderr, "cmp: EOF on %s which is empty\n", short_one->name);
                return 1;
            }
            /* GNU cmp: "line L" when the last byte is a newline, else "in line L" */
            int nl_end = last == '\n';
            long lines = newlines(&a, done);
            fprintf(stderr, "cmp: EOF on %s after byte %ld, %s %ld\n", short_one->name, done,
                    nl_end ? "line" : "in line", nl_end ? lines : lines + 1);
            return 1;
        }
        if (na < CHUNK)
            return 0;
    }
}
