/* mount [-t TYPE] [-o OPTIONS] SOURCE TARGET, mount: mount a file system (ramfs, proc, ...) or list the
 * mounts (/proc/mounts). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *type = "ramfs", *opts = NULL;
    int c;
    while ((c = getopt(argc, argv, "t:o:")) != -1) {
        if (c == 'o') {
            opts = optarg;         /* the file system's options: overlay's lowerdir=...,upperdir=... */
            continue;
        }
        if (c != 't') {
            fprintf(stderr, "usage: mount [-t TYPE] [-o OPTIONS] SOURCE TARGET\n");
            return 1;
        }
        type = optarg;
    }
    if (optind == argc) {
        int fd = open("/proc/mounts", O_RDONLY);
        if (fd < 0) {
            fprintf(stderr, "mount: /proc/mounts: %s\n", strerror(errno));
            return 1;
        }
        char buf[1024];
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0)
            write(1, buf, (size_t)n);
        close(fd);
        return 0;
    }
    if (argc - optind != 2) {
        fprintf(stderr, "usage: mount [-t TYPE] [-o OPTIONS] SOURCE TARGET\n");
        return 1;
    }
    if (mount(argv[optind], argv[optind + 1], type, 0, opts) < 0) {
        fprintf(stderr, "mount: %s: %s\n", argv[optind + 1], strerror(errno));
        return 32;
    }
    return 0;
}
