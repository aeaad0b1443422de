/* fs_random: a seeded random walk of file operations (mkdir rmdir unlink rename open read write
 * lseek dup2 close pipe chdir stat access) over a few short names in the scratch directory; each
 * step prints its result or errno, and the end prints the tree it left. Linux and the toy OS must
 * agree step for step. No path climbs above the starting directory ("x/.." only). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STEPS 1500
#define SLOTS 4

static unsigned seed = 12345;
static unsigned rnd(unsigned n) { seed = seed * 1103515245u + 12345u; return (seed >> 8) % n; }

static const char *const names[] = { "a", "b", "a/b", "a/c", "b/a", "a/b/c", "a/../b", "./a", "a/",
                                     "b/", ".", "c", "c/a" };
#define NNAMES (int)(sizeof names / sizeof names[0])

static int slot[SLOTS] = { -1, -1, -1, -1 };
static int fd_of(int i) { return slot[i] < 0 ? 99 : slot[i]; }

static void drop(int i)
{
    if (slot[i] >= 0)
        close(slot[i]);
    slot[i] = -1;
}

/* Lines "path type size" for the tree under dir, appended to lines[n...]. Each directory is read
 * whole and closed before going down (random walks build deep trees). */
static int list(const char *dir, char **lines, int n, int max)
{
    DIR *d = opendir(dir);
    if (!d)
        return n;
    char *kids[64];
    int nkids = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && nkids < 64)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            kids[nkids++] = strdup(e->d_name);
    closedir(d);
    for (int i = 0; i < nkids; i++) {
        char path[1024], line[1100];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, kids[i]);
        free(kids[i]);
        if (stat(path, &st) < 0 || n >= max)
            continue;
        snprintf(line, sizeof line, "%s %s %ld", path, S_ISDIR(st.st_mode) ? "dir" : "file",
                 S_ISDIR(st.st_mode) ? 0L : (long)st.st_size);
        lines[n++] = strdup(line);
        if (S_ISDIR(st.st_mode))
            n = list(path, lines, n, max);
    }
    return n;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void)
{
    static const char *const texts[] = { "x", "hello", "0123456789" };
    static const int flags[] = { O_RDONLY, O_WRONLY | O_CREAT, O_RDWR | O_CREAT, O_RDWR | O_APPEND,
                                 O_WRONLY | O_CREAT | O_TRUNC, O_RDONLY | O_DIRECTORY,
                                 O_RDWR | O_CREAT | O_EXCL };
    char buf[32], home[256];
    signal(SIGPIPE, SIG_IGN);      /* a write to a pipe without readers is EPIPE here */
    if (!getcwd(home, sizeof home)) {
        perror("fs_random: getcwd");
        return 1;
    }
    for (int i = 0; i < STEPS; i++) {
        const char *p = names[rnd(NNAMES)], *q = names[rnd(NNAMES)];
        int s = (int)rnd(SLOTS), t = (int)rnd(SLOTS);
        long r;
        errno = 0;
        switch (rnd(14)) {
        case 0: r = mkdir(p, 0755); break;
        case 1: r = rmdir(p); break;
        case 2: r = unlink(p); break;
        case 3: r = rename(p, q); break;
        case 4:
            drop(s);
            r = slot[s] = open(p, flags[rnd(7)], 0644);
            r = r < 0 ? -1 : 0;
            break;
        case 5:
            r = read(fd_of(s), buf, rnd(20));
            if (r > 0)
                printf("%d data %.*s\n", i, (int)r, buf);
            break;
        case 6: {
            const char *text = texts[rnd(3)];
            r = write(fd_of(s), text, strlen(text));
            break;
        }
        case 7: {                  /* not on directories: their offsets are the file system's own */
            struct stat st;
            long off = (long)rnd(30) - 5;
            int whence = (int)rnd(3);
            if (fstat(fd_of(s), &st) == 0 && S_ISDIR(st.st_mode))
                continue;
            r = lseek(fd_of(s), off, whence);
            break;
        }
        case 8:
            r = dup2(fd_of(s), slot[t] >= 0 ? slot[t] : 10 + t);
            if (r >= 0)
                slot[t] = (int)r;
            r = r < 0 ? -1 : 0;
            break;
        case 9: r = close(fd_of(s)); slot[s] = -1; break;
        case 10: {
            int fds[2];
            if (s == t)
                continue;
            drop(s);
            drop(t);
            r = pipe(fds);
            if (r == 0) {
                fcntl(fds[0], F_SETFL, O_NONBLOCK);
                fcntl(fds[1], F_SETFL, O_NONBLOCK);
                slot[s] = fds[0];
                slot[t] = fds[1];
            }
            break;
        }
        case 11: {
            struct stat st;
            r = stat(p, &st);
            if (r == 0)
                r = S_ISDIR(st.st_mode) ? 1000000 : (long)st.st_size;
            break;
        }
        case 12: r = access(p, (int)rnd(8)); break;
        default: r = rnd(4) ? 0 : chdir(p); break;
        }
        printf("%d %ld %d\n", i, r, r < 0 ? errno : 0);
    }
    for (int i = 0; i < SLOTS; i++)
        drop(i);
    static char *lines[1024];
    if (chdir(home) < 0) {
        perror("fs_random: chdir back");
        return 1;
    }
    int n = list(".", lines, 0, 1024);
    qsort(lines, (size_t)n, sizeof lines[0], cmp);
    for (int i = 0; i < n; i++)
        printf("%s\n", lines[i]);
    return 0;
}
