/* ls [-l] [-a] [-1] [PATH...]: list directories (sorted by name) or name files. With -l:
 * type+mode, links, size, name (no owners or times: the toy OS has one user and virtual time). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int opt_l, opt_a;

static void mode_string(unsigned m, char *s)
{
    s[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' : S_ISFIFO(m) ? 'p' : '-';
    const char *rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++)
        s[1 + i] = (m & (0400u >> i)) ? rwx[i] : '-';
    s[10] = 0;
}

static void show(const char *path, const char *name)
{
    if (!opt_l) {
        puts(name);
        return;
    }
    struct stat st;
    if (lstat(path, &st) < 0) {
        fprintf(stderr, "ls: cannot access '%s': %s\n", path, strerror(errno));
        return;
    }
    char m[11];
    mode_string(st.st_mode, m);
    printf("%s %2u %8lld %s", m, (unsigned)st.st_nlink, (long long)st.st_size, name);
    if (S_ISLNK(st.st_mode)) {
        char target[256];
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n >= 0) {
            target[n] = 0;
            printf(" -> %s", target);
        }
    }
    putchar('\n');
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int list(const char *path, int header)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        fprintf(stderr, "ls: cannot access '%s': %s\n", path, strerror(errno));
        return 2;
    }
    if (!S_ISDIR(st.st_mode)) {
        show(path, path);
        return 0;
    }
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "ls: cannot open directory '%s': %s\n", path, strerror(errno));
        return 2;
    }
    char **names = 0;
    int n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' && !opt_a)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            names = realloc(names, sizeof(char *) * (size_t)cap);
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof(char *), cmp);
    if (header)
        printf("%s:\n", path);
    for (int i = 0; i < n; i++) {
        char full[1024];
        snprintf(full, sizeof full, "%s/%s", path, names[i]);
        show(full, names[i]);
        free(names[i]);
    }
    free(names);
    return 0;
}

int main(int argc, char **argv)
{
    int c;
    while ((c = getopt(argc, argv, "la1")) != -1) {
        if (c == 'l') opt_l = 1;
        else if (c == 'a') opt_a = 1;
        else if (c != '1') {
            fprintf(stderr, "usage: ls [-la1] [PATH...]\n");
            return 2;
        }
    }
    if (optind == argc)
        return list(".", 0);
    /* as ls does: files named on the command line first, then each directory's listing */
    int st = 0, ndirs = 0, shown = 0;
    qsort(argv + optind, (size_t)(argc - optind), sizeof(char *), cmp);
    for (int i = optind; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) < 0) {
            fprintf(stderr, "ls: cannot access '%s': %s\n", argv[i], strerror(errno));
            st = 2;
        } else if (S_ISDIR(sb.st_mode)) {
            ndirs++;
        } else {
            show(argv[i], argv[i]);
            shown++;
        }
    }
    for (int i = optind; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) < 0 || !S_ISDIR(sb.st_mode))
            continue;
        if (shown++)
            putchar('\n');
        int r = list(argv[i], argc - optind > 1);
        if (r > st)
            st = r;
    }
    return st;
}
