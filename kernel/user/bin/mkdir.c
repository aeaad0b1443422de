/* mkdir [-p] DIR...: make directories; -p makes parents and accepts existing ones. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int make(char *path, int parents)
{
    if (parents)
        for (char *p = path + 1; *p; p++)
            if (*p == '/') {
                *p = 0;
                if (mkdir(path, 0777) < 0 && errno != EEXIST) {
                    fprintf(stderr, "mkdir: cannot create directory '%s': %s\n", path, strerror(errno));
                    return 1;
                }
                *p = '/';
            }
    if (mkdir(path, 0777) < 0 && !(parents && errno == EEXIST)) {
        fprintf(stderr, "mkdir: cannot create directory '%s': %s\n", path, strerror(errno));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int parents = 0, c, st = 0;
    while ((c = getopt(argc, argv, "p")) != -1) {
        if (c != 'p') {
            fprintf(stderr, "usage: mkdir [-p] DIR...\n");
            return 1;
        }
        parents = 1;
    }
    if (optind == argc) {
        fprintf(stderr, "mkdir: missing operand\n");
        return 1;
    }
    for (int i = optind; i < argc; i++)
        st |= make(argv[i], parents);
    return st;
}
