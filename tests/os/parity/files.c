/* files and directories: create, read, seek, stat, rename, unlink, mkdir/rmdir, readdir,
 * chdir/getcwd and their errors. Runs in an empty scratch directory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHOW(expr) do { errno = 0; long r_ = (long)(expr); printf("%-44s = %ld%s%s\n", #expr, r_, r_ < 0 ? " " : "", r_ < 0 ? strerror(errno) : ""); } while (0)

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        printf("opendir %s: %s\n", dir, strerror(errno));
        return;
    }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64)
        names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof(char *), cmp);
    printf("%s:", dir);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

int main(void)
{
    umask(022);
    int fd;
    SHOW(fd = open("a.txt", O_WRONLY | O_CREAT | O_EXCL, 0644));
    SHOW(write(fd, "0123456789", 10));
    SHOW(lseek(fd, 0, SEEK_CUR));
    SHOW(close(fd));
    SHOW(open("a.txt", O_WRONLY | O_CREAT | O_EXCL, 0644));
    SHOW(fd = open("a.txt", O_RDWR));
    char buf[32] = { 0 };
    SHOW(lseek(fd, 3, SEEK_SET));
    SHOW(read(fd, buf, 4));
    printf("read: %s\n", buf);
    SHOW(lseek(fd, -2, SEEK_END));
    SHOW(write(fd, "XY", 2));
    SHOW(lseek(fd, 20, SEEK_SET));
    SHOW(write(fd, "!", 1));
    SHOW(lseek(fd, -1, SEEK_SET));
    struct stat st;
    SHOW(fstat(fd, &st));
    printf("size %ld regular %d dir %d mode %o\n", (long)st.st_size, S_ISREG(st.st_mode), S_ISDIR(st.st_mode), (unsigned)(st.st_mode & 0777));
    SHOW(close(fd));
    /* the hole reads as zeros */
    fd = open("a.txt", O_RDONLY);
    memset(buf, 'z', sizeof buf);
    SHOW(read(fd, buf, sizeof buf));
    for (int i = 0; i < 21; i++)
        putchar(buf[i] ? buf[i] : '0');
    putchar('\n');
    SHOW(read(fd, buf, sizeof buf));
    close(fd);
    /* O_APPEND and O_TRUNC */
    SHOW(fd = open("a.txt", O_WRONLY | O_APPEND));
    SHOW(write(fd, "end", 3));
    close(fd);
    SHOW(stat("a.txt", &st));
    printf("size %ld\n", (long)st.st_size);
    SHOW(fd = open("a.txt", O_WRONLY | O_TRUNC));
    close(fd);
    SHOW(stat("a.txt", &st));
    printf("size %ld\n", (long)st.st_size);

    /* directories */
    SHOW(mkdir("d", 0755));
    SHOW(mkdir("d", 0755));
    SHOW(mkdir("d/e/f", 0755));
    SHOW(mkdir("d/e", 0755));
    SHOW(stat("d", &st));
    printf("dir %d\n", S_ISDIR(st.st_mode));
    SHOW(rename("a.txt", "d/b.txt"));
    SHOW(rename("a.txt", "d/c.txt"));
    list("d");
    SHOW(rmdir("d"));
    SHOW(unlink("d"));
    SHOW(open("d", O_WRONLY));
    SHOW(open("d/b.txt/x", O_RDONLY));
    SHOW(open("missing", O_RDONLY));
    SHOW(chdir("d/e"));
    char cwd[256];
    char *c = getcwd(cwd, sizeof cwd);
    const char *tail = c ? strrchr(c, '/') : "?";
    printf("cwd ends with %s\n", tail);
    SHOW(chdir("../.."));
    SHOW(chdir("d/b.txt"));
    SHOW(access("d/b.txt", F_OK));
    SHOW(access("d/zz", F_OK));
    SHOW(unlink("d/b.txt"));
    SHOW(unlink("d/b.txt"));
    SHOW(rmdir("d/e"));
    SHOW(rmdir("d"));
    list(".");

    /* stdio on files */
    FILE *f = fopen("s.txt", "w");
    fprintf(f, "line %d\nline %s\n", 1, "two");
    fputs("third\n", f);
    fclose(f);
    f = fopen("s.txt", "r");
    while (fgets(buf, sizeof buf, f))
        printf("got: %s", buf);
    printf("eof %d\n", feof(f));
    fclose(f);
    f = fopen("s.txt", "a");
    fputs("appended\n", f);
    fclose(f);
    f = fopen("s.txt", "r");
    fseek(f, -9, SEEK_END);
    printf("tail: %s", fgets(buf, sizeof buf, f));
    fclose(f);
    FILE *nf = fopen("nope/x", "r");
    int ne = errno;
    printf("fopen missing: %p %s\n", (void *)nf, strerror(ne));
    unlink("s.txt");
    return 0;
}
