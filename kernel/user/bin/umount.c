/* umount [-l] TARGET: unmount (-l: lazily, MNT_DETACH). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int flags = 0, c;
    while ((c = getopt(argc, argv, "l")) != -1) {
        if (c != 'l') {
            fprintf(stderr, "usage: umount [-l] TARGET\n");
            return 1;
        }
        flags |= MNT_DETACH;
    }
    if (argc - optind != 1) {
        fprintf(stderr, "usage: umount [-l] TARGET\n");
        return 1;
    }
    if (umount2(argv[optind], flags) < 0) {
        fprintf(stderr, "umount: %s: %s\n", argv[optind], strerror(errno));
        return 32;
    }
    return 0;
}
