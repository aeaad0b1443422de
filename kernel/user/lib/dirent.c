/* opendir/readdir over getdents64: a buffer of linux_dirent64 records, refilled when used up. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libc.h"

struct os_dir {
    int fd;
    int pos, len;
    char buf[2048];
    struct dirent ent;
};

DIR *opendir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    DIR *d = malloc(sizeof *d);
    if (!d) {
        close(fd);
        return 0;
    }
    d->fd = fd;
    d->pos = d->len = 0;
    return d;
}

struct dirent *readdir(DIR *d)
{
    if (d->pos >= d->len) {
        long n = SYS3(getdents64, d->fd, d->buf, sizeof d->buf);
        if (n <= 0)
            return 0;
        d->len = (int)n;
        d->pos = 0;
    }
    struct linux_dirent64 *k = (struct linux_dirent64 *)(d->buf + d->pos);
    d->pos += k->d_reclen;
    d->ent.d_ino = k->d_ino;
    d->ent.d_off = k->d_off;
    d->ent.d_reclen = k->d_reclen;
    d->ent.d_type = k->d_type;
    strncpy(d->ent.d_name, k->d_name, sizeof d->ent.d_name - 1);
    d->ent.d_name[sizeof d->ent.d_name - 1] = 0;
    return &d->ent;
}

int closedir(DIR *d)
{
    int r = close(d->fd);
    free(d);
    return r;
}

int dirfd(DIR *d) { return d->fd; }
