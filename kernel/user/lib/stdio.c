/* FILE streams: a buffer in front of a file descriptor. stdout is line buffered when it is a
 * terminal and fully buffered otherwise, stderr unbuffered, as glibc does; exit() flushes all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include "libc.h"

#define F_READ 1
#define F_WRITE 2
#define F_EOF 4
#define F_ERR 8
#define F_OWNBUF 16
#define MAX_FILES 32

struct os_file {
    int fd;
    int flags;
    int mode;            /* _IOFBF, _IOLBF, _IONBF */
    char *buf;
    size_t size;
    size_t wpos;         /* bytes waiting to be written */
    size_t rpos, rlen;   /* read buffer window */
    int unget;           /* pushed-back char or EOF */
};

static char buf_in[BUFSIZ], buf_out[BUFSIZ];
static struct os_file files[MAX_FILES] = {
    { 0, F_READ, _IOLBF, buf_in, BUFSIZ, 0, 0, 0, EOF },
    { 1, F_WRITE, _IOFBF, buf_out, BUFSIZ, 0, 0, 0, EOF },
    { 2, F_WRITE, _IONBF, 0, 0, 0, 0, 0, EOF },
};
FILE *stdin = &files[0], *stdout = &files[1], *stderr = &files[2];

void __stdio_init(void)
{
    if (isatty(1))
        stdout->mode = _IOLBF;
}

static int flush_out(FILE *f)
{
    size_t done = 0;
    while (done < f->wpos) {
        ssize_t n = write(f->fd, f->buf + done, f->wpos - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            f->flags |= F_ERR;
            f->wpos = 0;
            return EOF;
        }
        done += (size_t)n;
    }
    f->wpos = 0;
    return 0;
}

int fflush(FILE *f)
{
    if (!f) {
        int r = 0;
        for (int i = 0; i < MAX_FILES; i++)
            if (files[i].flags & F_WRITE)
                r |= fflush(&files[i]);
        return r;
    }
    if (f->flags & F_WRITE)
        return flush_out(f);
    /* a read stream: give back what was read ahead, so a child process sees it (POSIX) */
    if (f->rlen > f->rpos) {
        lseek(f->fd, -(off_t)(f->rlen - f->rpos), SEEK_CUR);
        f->rpos = f->rlen = 0;
    }
    return 0;
}
void __stdio_flush_all(void) { fflush(0); }

static FILE *alloc_file(int fd, int flags)
{
    for (int i = 3; i < MAX_FILES; i++)
        if (files[i].flags == 0) {
            FILE *f = &files[i];
            char *buf = malloc(BUFSIZ);
            if (!buf) {
                errno = ENOMEM;
                return 0;
            }
            *f = (struct os_file){ fd, flags | F_OWNBUF, _IOFBF, buf, BUFSIZ, 0, 0, 0, EOF };
            return f;
        }
    errno = EMFILE;
    return 0;
}

static int mode_flags(const char *mode, int *oflags)
{
    int plus = strchr(mode, '+') != 0;
    switch (mode[0]) {
    case 'r': *oflags = plus ? O_RDWR : O_RDONLY; return plus ? F_READ | F_WRITE : F_READ;
    case 'w': *oflags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC; return plus ? F_READ | F_WRITE : F_WRITE;
    case 'a': *oflags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND; return plus ? F_READ | F_WRITE : F_WRITE;
    }
    errno = EINVAL;
    return 0;
}

FILE *fopen(const char *path, const char *mode)
{
    int oflags, flags = mode_flags(mode, &oflags);
    if (!flags)
        return 0;
    int fd = open(path, oflags, 0666);
    if (fd < 0)
        return 0;
    FILE *f = alloc_file(fd, flags);
    if (!f)
        close(fd);
    return f;
}
FILE *fdopen(int fd, const char *mode)
{
    int oflags, flags = mode_flags(mode, &oflags);
    return flags ? alloc_file(fd, flags) : 0;
}
int fclose(FILE *f)
{
    int r = fflush(f);
    if (close(f->fd) < 0)
        r = EOF;
    if (f->flags & F_OWNBUF)
        free(f->buf);
    memset(f, 0, sizeof *f);
    return r;
}
int fileno(FILE *f) { return f->fd; }
int feof(FILE *f) { return (f->flags & F_EOF) != 0; }
int ferror(FILE *f) { return (f->flags & F_ERR) != 0; }
void clearerr(FILE *f) { f->flags &= ~(F_EOF | F_ERR); }
int setvbuf(FILE *f, char *buf, int mode, size_t size)
{
    f->mode = mode;
    if (buf && size) {
        if (f->flags & F_OWNBUF)
            free(f->buf);
        f->flags &= ~F_OWNBUF;
        f->buf = buf;
        f->size = size;
    }
    return 0;
}
void setbuf(FILE *f, char *buf) { setvbuf(f, buf, buf ? _IOFBF : _IONBF, BUFSIZ); }

size_t fwrite(const void *p, size_t size, size_t n, FILE *f)
{
    const char *s = p;
    size_t total = size * n;
    if (!(f->flags & F_WRITE)) {
        f->flags |= F_ERR;
        errno = EBADF;
        return 0;
    }
    if (f->mode == _IONBF || !f->buf) {
        size_t done = 0;
        while (done < total) {
            ssize_t k = write(f->fd, s + done, total - done);
            if (k < 0) {
                if (errno == EINTR)
                    continue;
                f->flags |= F_ERR;
                break;
            }
            done += (size_t)k;
        }
        return size ? done / size : 0;
    }
    for (size_t i = 0; i < total; i++) {
        f->buf[f->wpos++] = s[i];
        if (f->wpos == f->size || (f->mode == _IOLBF && s[i] == '\n'))
            if (flush_out(f) == EOF)
                return size ? i / size : 0;
    }
    return n;
}
int fputc(int c, FILE *f)
{
    unsigned char ch = (unsigned char)c;
    return fwrite(&ch, 1, 1, f) == 1 ? ch : EOF;
}
int putc(int c, FILE *f) { return fputc(c, f); }
int putchar(int c) { return fputc(c, stdout); }
int fputs(const char *s, FILE *f) { return fwrite(s, 1, strlen(s), f) == strlen(s) ? 0 : EOF; }
int puts(const char *s) { return fputs(s, stdout) == EOF || fputc('\n', stdout) == EOF ? EOF : 0; }

int fgetc(FILE *f)
{
    if (f->unget != EOF) {
        int c = f->unget;
        f->unget = EOF;
        return c;
    }
    if (f->rpos == f->rlen) {
        if (f == stdin)
            fflush(stdout);   /* a prompt appears before its answer is read */
        if (f->flags & F_EOF)
            return EOF;
        ssize_t n;
        do
            n = read(f->fd, f->buf, f->size);
        while (n < 0 && errno == EINTR);
        if (n <= 0) {
            f->flags |= n == 0 ? F_EOF : F_ERR;
            return EOF;
        }
        f->rpos = 0;
        f->rlen = (size_t)n;
    }
    return (unsigned char)f->buf[f->rpos++];
}
int getc(FILE *f) { return fgetc(f); }
int getchar(void) { return fgetc(stdin); }
int ungetc(int c, FILE *f)
{
    if (c == EOF)
        return EOF;
    f->unget = (unsigned char)c;
    f->flags &= ~F_EOF;
    return f->unget;
}
size_t fread(void *p, size_t size, size_t n, FILE *f)
{
    char *d = p;
    size_t total = size * n, i = 0;
    for (; i < total; i++) {
        int c = fgetc(f);
        if (c == EOF)
            break;
        d[i] = (char)c;
    }
    return size ? i / size : 0;
}
char *fgets(char *s, int n, FILE *f)
{
    int i = 0;
    while (i < n - 1) {
        int c = fgetc(f);
        if (c == EOF)
            break;
        s[i++] = (char)c;
        if (c == '\n')
            break;
    }
    if (i == 0)
        return 0;
    s[i] = 0;
    return s;
}
ssize_t getline(char **line, size_t *cap, FILE *f)
{
    size_t len = 0;
    for (;;) {
        int c = fgetc(f);
        if (c == EOF && len == 0)
            return -1;
        if (len + 2 > *cap || !*line) {
            size_t ncap = *cap ? *cap * 2 : 128;
            char *nl = realloc(*line, ncap);
            if (!nl)
                return -1;
            *line = nl;
            *cap = ncap;
        }
        if (c == EOF)
            break;
        (*line)[len++] = (char)c;
        if (c == '\n')
            break;
    }
    (*line)[len] = 0;
    return (ssize_t)len;
}
int fseek(FILE *f, long off, int whence)
{
    if (fflush(f) == EOF)
        return -1;
    if (whence == SEEK_CUR)
        off -= (long)(f->rlen - f->rpos);
    f->rpos = f->rlen = 0;
    f->unget = EOF;
    f->flags &= ~F_EOF;
    return lseek(f->fd, off, whence) < 0 ? -1 : 0;
}
long ftell(FILE *f)
{
    off_t pos = lseek(f->fd, 0, SEEK_CUR);
    if (pos < 0)
        return -1;
    return pos + (long)f->wpos - (long)(f->rlen - f->rpos);
}
void rewind(FILE *f)
{
    fseek(f, 0, SEEK_SET);
    clearerr(f);
}

/* sscanf: %d %u %x %s %c %ld and literal matching; enough for the programs here. */
int sscanf(const char *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = 0;
    while (*fmt) {
        if (*fmt == ' ') {
            while (*s == ' ' || *s == '\t' || *s == '\n')
                s++;
            fmt++;
            continue;
        }
        if (*fmt != '%') {
            if (*s++ != *fmt++)
                break;
            continue;
        }
        fmt++;
        int lng = 0;
        while (*fmt == 'l')
            lng++, fmt++;
        char c = *fmt++;
        if (c != 'c')
            while (*s == ' ' || *s == '\t' || *s == '\n')
                s++;
        if (!*s)
            break;
        char *end;
        if (c == 'd' || c == 'u' || c == 'x') {
            long long v = strtoll(s, &end, c == 'x' ? 16 : 10);
            if (end == s)
                break;
            if (lng >= 2) *va_arg(ap, long long *) = v;
            else if (lng == 1) *va_arg(ap, long *) = (long)v;
            else *va_arg(ap, int *) = (int)v;
            s = end;
        } else if (c == 's') {
            char *d = va_arg(ap, char *);
            while (*s && *s != ' ' && *s != '\t' && *s != '\n')
                *d++ = *s++;
            *d = 0;
        } else if (c == 'c') {
            *va_arg(ap, char *) = *s++;
        } else {
            break;
        }
        n++;
    }
    va_end(ap);
    return n;
}
