/* snapdiff A B: compare two `vm` snapshots (hyperv/vm/snapshot.c) page by page -- what a
 * hypervisor's dirty-page log would report between them. A page missing from a snapshot is all
 * zeros (snapshots keep only non-zero pages). Prints one line:
 *   snapdiff: A N pages, B M pages, K differ
 * Exit 0, or 2 with a message when a file is not a snapshot. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE 4096u
#define END_MARK 0xFFFFFFFFu
#define MAX_PAGES 4096                       /* 16 MiB of non-zero guest pages */

struct snap { uint32_t n, gpa[MAX_PAGES]; uint8_t *data; };

static int read_all(int fd, void *p, uint32_t n)
{
    char *c = p;
    while (n) {
        ssize_t r = read(fd, c, n);
        if (r <= 0)
            return -1;
        c += r, n -= (uint32_t)r;
    }
    return 0;
}

static void load(const char *path, struct snap *s)
{
    int fd = open(path, O_RDONLY);
    char magic[8];
    uint32_t mem, regs[10];
    if (fd < 0 || read_all(fd, magic, 8) || memcmp(magic, "VMSNAP1", 8) || read_all(fd, &mem, 4) || read_all(fd, regs, sizeof regs)) {
        fprintf(stderr, "snapdiff: %s: not a vm snapshot\n", path);
        exit(2);
    }
    s->data = malloc(MAX_PAGES * PAGE / 4);
    uint32_t cap = MAX_PAGES / 4;
    for (s->n = 0;; s->n++) {
        uint32_t gpa;
        if (read_all(fd, &gpa, 4)) {
            fprintf(stderr, "snapdiff: %s: truncated\n", path);
            exit(2);
        }
        if (gpa == END_MARK)
            break;
        if (s->n == cap && (cap *= 2, !(s->data = realloc(s->data, cap * PAGE)))) {
            fprintf(stderr, "snapdiff: %s: out of memory\n", path);
            exit(2);
        }
        if (s->n >= MAX_PAGES || !s->data || read_all(fd, s->data + s->n * PAGE, PAGE)) {
            fprintf(stderr, "snapdiff: %s: too many or truncated pages\n", path);
            exit(2);
        }
        s->gpa[s->n] = gpa;
    }
    close(fd);
}

static const uint8_t *find(const struct snap *s, uint32_t gpa)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (s->gpa[i] == gpa)
            return s->data + i * PAGE;
    return NULL;
}

static struct snap a, b;

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: snapdiff A B\n");
        return 2;
    }
    load(argv[1], &a);
    load(argv[2], &b);
    uint32_t differ = 0;
    for (uint32_t i = 0; i < a.n; i++) {            /* pages of A: missing or changed in B */
        const uint8_t *q = find(&b, a.gpa[i]);
        if (!q || memcmp(q, a.data + i * PAGE, PAGE))
            differ++;
    }
    for (uint32_t i = 0; i < b.n; i++)              /* pages only B has */
        if (!find(&a, b.gpa[i]))
            differ++;
    printf("snapdiff: A %u pages, B %u pages, %u differ\n", (unsigned)a.n, (unsigned)b.n, (unsigned)differ);
    return 0;
}
