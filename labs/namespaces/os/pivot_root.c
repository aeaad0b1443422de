/* pivot_root NEW_ROOT PUT_OLD: make NEW_ROOT the root of this mount namespace and move the old
 * root to PUT_OLD (a directory under NEW_ROOT), as util-linux's pivot_root(8); pivot_root(2). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: pivot_root NEW_ROOT PUT_OLD\n");
        return 1;
    }
    if (pivot_root(argv[1], argv[2]) < 0) {
        fprintf(stderr, "pivot_root: failed to change root from `%s' to `%s': %s\n", argv[1], argv[2], strerror(errno));
        return 1;
    }
    return 0;
}
