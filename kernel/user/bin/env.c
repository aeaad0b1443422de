/* env [-i] [NAME=VALUE...] [COMMAND [ARG...]]: print the environment, or run COMMAND with
 * additions; -i starts from an empty environment. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int i = 1;
    static char *empty[] = { 0 };
    if (i < argc && !strcmp(argv[i], "-i")) {
        environ = empty;
        i++;
    }
    for (; i < argc && strchr(argv[i], '='); i++)
        putenv(argv[i]);
    if (i == argc) {
        for (char **e = environ; *e; e++)
            puts(*e);
        return 0;
    }
    execvp(argv[i], argv + i);
    fprintf(stderr, "env: '%s': %s\n", argv[i], strerror(errno));
    return errno == ENOENT ? 127 : 126;
}
