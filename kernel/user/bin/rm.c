/* rm [-r] [-f] PATH...: remove files; -r removes directories with their contents; -f is quiet
 * about missing files. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int opt_r, opt_f;

static int rm(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        if (opt_f && errno == ENOENT)
            return 0;
        fprintf(stderr, "rm: cannot remove '%s': %s\n", path, strerror(errno));
        return 1;
    }
    if (S_ISDIR(st.st_mode)) {
        if (!opt_r) {
            fprintf(stderr, "rm: cannot remove '%s': Is a directory\n", path);
            return 1;
        }
        DIR *d = opendir(path);
        if (!d) {
            fprintf(stderr, "rm: cannot remove '%s': %s\n", path, strerror(errno));
            return 1;
        }
        int r = 0;
        struct dirent *e;
        char names[64][256];
        int n;
        do {   /* read a batch, close, remove: never remove while a directory stream is open */
            n = 0;
            while (n < 64 && (e = readdir(d)))
                if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                    strcpy(names[n++], e->d_name);
            closedir(d);
            for (int i = 0; i < n; i++) {
                char full[1024];
                snprintf(full, sizeof full, "%.700s/%.255s", path, names[i]);
                r |= rm(full);
            }
            if (n == 64 && !(d = opendir(path)))
                break;
        } while (n == 64 && !r);
        if (rmdir(path) < 0) {
            fprintf(stderr, "rm: cannot remove '%s': %s\n", path, strerror(errno));
            return 1;
        }
        return r;
    }
    if (unlink(path) < 0) {
        fprintf(stderr, "rm: cannot remove '%s': %s\n", path, strerror(errno));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int c, st = 0;
    while ((c = getopt(argc, argv, "rRf")) != -1) {
        if (c == 'r' || c == 'R') opt_r = 1;
        else if (c == 'f') opt_f = 1;
        else {
            fprintf(stderr, "usage: rm [-rf] PATH...\n");
            return 1;
        }
    }
    if (optind == argc && !opt_f) {
        fprintf(stderr, "rm: missing operand\n");
        return 1;
    }
    for (int i = optind; i < argc; i++)
        st |= rm(argv[i]);
    return st;
}
