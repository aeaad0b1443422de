/* snapdiff A B: compare two `vm` snapshots (hyperv/vm/snapshot.c) page by page -- what a
 * hypervisor's dirty-page log would report between them. A page missing from a snapshot is all
 * zeros (snapshots keep only non-zero pages: the file has holes there). Prints one line:
 *   snapdiff: A N pages, B M pages, K differ
 * Exit 0, or 2 with a message when a file is not a snapshot. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "hyperv/vm/snapshot.h"

#define PAGE 4096u
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

static int all_zero(const uint8_t *p)
{
    for (uint32_t i = 0; i < PAGE; i++)
        if (p[i])
            return 0;
    return 1;
}

/* A snapshot file (hyperv/vm/snapshot.h): the header page, then guest page gpa at offset
 * VM_SNAP_HEADER + gpa; the pages the save skipped are holes, which read as zeros. */
static void load(const char *path, struct snap *s)
{
    int fd = open(path, O_RDONLY);
    static union { struct vm_snap_header h; uint8_t page[VM_SNAP_HEADER]; } head;
    static uint8_t page[PAGE];
    if (fd < 0 || read_all(fd, &head, VM_SNAP_HEADER) || memcmp(head.h.magic, VM_SNAP_MAGIC, sizeof VM_SNAP_MAGIC)) {
        fprintf(stderr, "snapdiff: %s: not a vm snapshot\n", path);
        exit(2);
    }
    uint32_t mem = head.h.mem_size;
    s->data = malloc(MAX_PAGES * PAGE / 4);
    uint32_t cap = MAX_PAGES / 4;
    s->n = 0;
    for (uint32_t gpa = 0; gpa < mem; gpa += PAGE) {
        memset(page, 0, PAGE);
        ssize_t r = 0, got = 0;
        while (got < (ssize_t)PAGE && (r = read(fd, page + got, PAGE - (uint32_t)got)) > 0)
            got += r;                                /* past the end of the file: zeros */
        if (all_zero(page))
            continue;
        if (s->n == cap && (cap *= 2, !(s->data = realloc(s->data, cap * PAGE)))) {
            fprintf(stderr, "snapdiff: %s: out of memory\n", path);
            exit(2);
        }
        if (s->n >= MAX_PAGES || !s->data) {
            fprintf(stderr, "snapdiff: %s: too many pages\n", path);
            exit(2);
        }
        memcpy(s->data + s->n * PAGE, page, PAGE);
        s->gpa[s->n++] = gpa;
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
