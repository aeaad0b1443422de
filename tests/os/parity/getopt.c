/* getopt: flags, attached and separate arguments, unknown options, missing arguments, "--". */
#include <stdio.h>
#include <unistd.h>

static void parse(int argc, char **argv, const char *spec)
{
    optind = 1;
    opterr = 1;
    int c;
    printf("spec \"%s\":", spec);
    for (int i = 1; i < argc; i++)
        printf(" [%s]", argv[i]);
    printf("\n");
    while ((c = getopt(argc, argv, spec)) != -1)
        printf("  opt %c arg %s optopt %c\n", c, optarg ? optarg : "-", (c == '?' || c == ':') ? optopt : '.');
    printf("  optind %d, operands:", optind);
    for (int i = optind; i < argc; i++)
        printf(" %s", argv[i]);
    printf("\n");
    fflush(stdout);
    fflush(stderr);
}

int main(void)
{
    char *a1[] = { "prog", "-a", "-b", "val", "-cval2", "file1", "file2", 0 };
    parse(7, a1, "ab:c:");
    char *a2[] = { "prog", "-ab", "x", "--", "-c", 0 };
    parse(5, a2, "ab:c");
    char *a3[] = { "prog", "-x", "-a", 0 };
    parse(3, a3, "a");
    char *a4[] = { "prog", "-a", "-b", 0 };
    parse(3, a4, "ab:");
    char *a5[] = { "prog", "-b", 0 };
    parse(2, a5, ":ab:");
    char *a7[] = { "prog", "-aaa", "rest", 0 };
    parse(3, a7, "a");
    return 0;
}
