/* echo [-n] [ARG...]: print the arguments separated by blanks; -n omits the newline. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    int i = 1, nl = 1;
    if (i < argc && !strcmp(argv[i], "-n")) {
        nl = 0;
        i++;
    }
    for (int first = i; i < argc; i++)
        printf(i > first ? " %s" : "%s", argv[i]);
    if (nl)
        putchar('\n');
    return fflush(stdout) ? 1 : 0;
}
