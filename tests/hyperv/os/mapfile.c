/* mapfile: VM_MAP_FILE, VM_MEM_LAZY and the resolver, checked from a toy-OS program through
 * /dev/vm's ioctls (tests/hyperv/cow.sh runs it). Two VMs map one 3-page ramfs file (page 1 a
 * hole) copy-on-write; reads through VM_READ_MEMORY must not allocate; a VM_WRITE_MEMORY to a
 * shared page must copy it for that VM only, changing neither the file nor the other VM; the
 * file truncated and unlinked while mapped keeps the VM's pages; bad arguments get their errno;
 * and MemFree (/proc/meminfo) is the same before the VMs and after they are closed.
 * Prints one line per failed check and "mapfile: N checks, F failed"; exits with F. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "kernel/uapi/vm.h"

#define PAGE 4096u
#define AT 0x10000u                          /* where the file is mapped in each VM */
static int checks, failed;
static char buf[PAGE];

static void check(int ok, const char *what)
{
    checks++;
    if (!ok) {
        failed++;
        printf("FAIL: %s (errno %d)\n", what, errno);
    }
}

static long memfree_kib(void)
{
    char line[128];
    long v = -1;
    FILE *f = fopen("/proc/meminfo", "r");
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "MemFree:", 8))
            v = strtol(line + 8, NULL, 10);
    if (f)
        fclose(f);
    return v;
}

static int vm_new(uint32_t mode, uint32_t flags)
{
    struct vm_create c = { mode, 0, "" };
    struct vm_memory m = { 1u << 20, flags };
    int fd = open("/dev/vm", O_RDWR);
    if (fd < 0 || ioctl(fd, VM_CREATE, &c) < 0 || ioctl(fd, VM_SET_MEMORY, &m) < 0)
        return -1;
    return fd;
}

static int map(int vm, int fd, uint32_t off, uint32_t gpa, uint32_t len)
{
    struct vm_map_file mf = { fd, off, gpa, len };
    return ioctl(vm, VM_MAP_FILE, &mf);
}

/* The first byte of guest page gpa, by VM_READ_MEMORY (all of the page read into buf). */
static int peek(int vm, uint32_t gpa)
{
    struct vm_copy c = { gpa, PAGE, (uint32_t)(uintptr_t)buf };
    return ioctl(vm, VM_READ_MEMORY, &c) < 0 ? -1 : (unsigned char)buf[0];
}

static int poke(int vm, uint32_t gpa, char v)
{
    struct vm_copy c = { gpa, 1, (uint32_t)(uintptr_t)&v };
    return ioctl(vm, VM_WRITE_MEMORY, &c);
}

static struct vm_stats st(int vm)
{
    struct vm_stats s;
    memset(&s, 0, sizeof s);
    ioctl(vm, VM_GET_STATS, &s);
    return s;
}

static int file_byte(const char *path, uint32_t off)
{
    unsigned char c = 0;
    int fd = open(path, O_RDONLY);
    int r = fd >= 0 && lseek(fd, (off_t)off, SEEK_SET) == (off_t)off && read(fd, &c, 1) == 1 ? c : -1;
    close(fd);
    return r;
}

int main(void)
{
    const char *path = "/tmp/mapfile.img";
    int w = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);   /* warm the kernel heap's small */
    write(w, buf, 1);                                        /* blocks once, so MemFree can balance */
    close(w);
    unlink(path);
    long free0 = memfree_kib();
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    memset(buf, 'A', PAGE);
    write(fd, buf, PAGE);
    lseek(fd, 2 * PAGE, SEEK_SET);             /* page 1: a hole */
    memset(buf, 'C', PAGE);
    write(fd, buf, PAGE);

    int a = vm_new(VM_MODE_NPT, VM_MEM_LAZY), b = vm_new(VM_MODE_NPT, VM_MEM_LAZY);
    check(a >= 0 && b >= 0, "two lazy VMs");
    check(map(a, fd, 0, AT, 3 * PAGE) == 0 && map(b, fd, 0, AT, 3 * PAGE) == 0, "VM_MAP_FILE in both");
    struct vm_stats s = st(a);
    check(s.mem_shared == 2 && s.mem_pages == 0 && s.mem_zeroed == 0 && s.mem_cow == 0,
          "after the map: 2 pages shared (the hole is not), none private");
    check(peek(a, AT) == 'A' && peek(a, AT + PAGE) == 0 && peek(a, AT + 2 * PAGE) == 'C' && peek(a, 0x80000) == 0,
          "reads: the file's pages, zeros in the hole and in untouched RAM");
    s = st(a);
    check(s.mem_pages == 0 && s.mem_zeroed == 0, "reads allocate nothing");

    check(poke(a, AT, 'x') == 0, "VM_WRITE_MEMORY to a shared page");
    s = st(a);
    check(s.mem_cow == 1 && s.mem_shared == 1 && s.mem_pages == 1, "that write copied the page: 1 cow, 1 still shared");
    check(peek(a, AT) == 'x' && buf[1] == 'A', "the writer sees its byte and the rest of the copy");
    check(peek(b, AT) == 'A', "the other VM still sees the file's byte");
    check(file_byte(path, 0) == 'A', "the file is unchanged");
    check(poke(a, AT + PAGE, 'h') == 0 && st(a).mem_zeroed == 1 && peek(a, AT + PAGE) == 'h',
          "a write into the hole: demand zero");

    /* The file truncated, then unlinked, while mapped: the VMs keep its pages. */
    int t = open(path, O_WRONLY | O_TRUNC);
    check(t >= 0 && map(a, t, 0, AT, PAGE) < 0 && errno == EACCES, "a write-only file: EACCES");
    close(t);
    check(peek(b, AT + 2 * PAGE) == 'C' && peek(b, AT) == 'A', "truncated: the VM keeps the pages it mapped");
    check(unlink(path) == 0 && peek(a, AT + 2 * PAGE) == 'C', "unlinked: still there");

    /* Bad arguments. */
    int pm = open("/proc/meminfo", O_RDONLY);
    check(map(a, pm, 0, AT, PAGE) < 0 && errno == EINVAL, "a /proc file: EINVAL");
    close(pm);
    check(map(a, fd, 1, AT, PAGE) < 0 && errno == EINVAL, "an unaligned offset: EINVAL");
    check(map(a, fd, 0, (1u << 20) - PAGE, 2 * PAGE) < 0 && errno == EINVAL, "beyond guest RAM: EINVAL");
    check(map(a, fd, 0, AT, 0) < 0 && errno == EINVAL, "zero length: EINVAL");
    check(map(a, 99, 0, AT, PAGE) < 0 && errno == EBADF, "a closed fd: EBADF");
    check(vm_new(VM_MODE_SHADOW, VM_MEM_LAZY) < 0 && errno == EINVAL, "lazy memory under shadow paging: EINVAL");
    struct vm_memory bad = { 1u << 20, 0x80 };
    int c = open("/dev/vm", O_RDWR);
    struct vm_create vc = { VM_MODE_NPT, 0, "" };
    check(ioctl(c, VM_CREATE, &vc) >= 0 && ioctl(c, VM_SET_MEMORY, &bad) < 0 && errno == EINVAL, "an unknown flag: EINVAL");
    close(c);

    close(fd);
    close(a);
    close(b);
    long free1 = memfree_kib();
    check(free0 > 0 && free0 == free1, "MemFree before the file and VMs = after (every frame given back)");
    printf("mapfile: MemFree %ld kB before, %ld kB after\n", free0, free1);
    printf("mapfile: %d checks, %d failed\n", checks, failed);
    return failed;
}
