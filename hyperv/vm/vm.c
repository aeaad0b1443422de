/* vm: the user-space VMM of the toy OS's hypervisor, as kvmtool is for KVM. It opens /dev/vm,
 * gives the VM its memory, loads a Multiboot image (and its modules) into it with its own
 * Multiboot loader, sets the registers a Multiboot loader hands over, then runs the vCPU and
 * copies the guest's console to standard output.
 *
 *   vm run [--npt|--shadow] [--memory SIZE] [--timeout MS] [--stats]
 *          [--module FILE[,ARGS]]... IMAGE [ARGS]
 *
 * Exit status: the guest's debug-exit value (low 8 bits); 0 when it halts for good; 124 timed
 * out; 125 triple fault; 126 access beyond its memory; 127 an exit the hypervisor does not
 * handle (VMRUN in the guest ...). vm's own errors: 2 bad usage, 3 bad image, 4 the VM could
 * not be made (no /dev/vm, not enough memory), 5 the VM failed while running. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "arch/multiboot.h"
#include "arch/svm.h"
#include "kernel/uapi/vm.h"
#include "hyperv/vm/snapshot.h"

#define EX_USAGE 2
#define EX_IMAGE 3
#define EX_CREATE 4
#define EX_RUN 5
#define MBI_ADDR   0x9000u                 /* the info block, its modules and strings: below 640 KiB */
#define MAX_MODULES 8

struct elf32_ehdr { uint8_t ident[16]; uint16_t type, machine; uint32_t version, entry, phoff, shoff, flags;
                    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx; };
struct elf32_phdr { uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align; };

static int vmfd;
static uint32_t mem_size = 16u << 20;

static void die(int status, const char *what, const char *problem)
{
    fprintf(stderr, "vm: %s: %s\n", what, problem);
    exit(status);
}

static void usage(const char *why)
{
    fprintf(stderr, "vm: %s\nusage: vm run [--npt|--shadow] [--memory SIZE] [--timeout MS] [--stats] "
                    "[--module FILE[,ARGS]]... IMAGE [ARGS]\n", why);
    exit(EX_USAGE);
}

static char *read_file(const char *path, uint32_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        die(EX_IMAGE, path, strerror(errno));
    uint32_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (n == cap && !(buf = realloc(buf, cap *= 2)))
            die(EX_IMAGE, path, "out of memory");
        if (!buf)
            die(EX_IMAGE, path, "out of memory");
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0)
            die(EX_IMAGE, path, strerror(errno));
        if (r == 0)
            break;
        n += (uint32_t)r;
    }
    close(fd);
    *len = n;
    return buf;
}

static void put(uint32_t gpa, const void *p, uint32_t len, const char *what)
{
    struct vm_copy c = { gpa, len, (uint32_t)(uintptr_t)p };
    if (gpa >= mem_size || len > mem_size - gpa || ioctl(vmfd, VM_WRITE_MEMORY, &c) < 0)
        die(EX_IMAGE, what, "does not fit in the VM's memory (see --memory)");
}

/* The Multiboot v1 loader (Multiboot 0.6.96 §3.1): an ELF32 image with the header in its
 * first 8 KiB; PT_LOAD segments at their physical addresses. Returns the entry point. */
static uint32_t load_image(const char *path, uint32_t *end)
{
    uint32_t len;
    char *img = read_file(path, &len);
    struct elf32_ehdr *eh = (void *)img;
    if (len < sizeof *eh || memcmp(eh->ident, "\177ELF", 4) || eh->ident[4] != 1 || eh->machine != 3)
        die(EX_IMAGE, path, "not an ELF32 i386 image");
    int found = 0;
    for (uint32_t off = 0; off + 12 <= len && off < MULTIBOOT_HEADER_SEARCH; off += 4) {
        uint32_t *h = (uint32_t *)(img + off);
        if (h[0] == MULTIBOOT_HEADER_MAGIC && h[0] + h[1] + h[2] == 0) {
            if (h[1] & MULTIBOOT_AOUT_KLUDGE)
                die(EX_IMAGE, path, "Multiboot a.out kludge images are not supported");
            found = 1;
            break;
        }
    }
    if (!found)
        die(EX_IMAGE, path, "no Multiboot header in the first 8 KiB");
    if (eh->phoff > len || (uint64_t)eh->phnum * sizeof(struct elf32_phdr) > len - eh->phoff)
        die(EX_IMAGE, path, "program headers beyond the end of the file");
    *end = 0;
    for (int i = 0; i < eh->phnum; i++) {
        struct elf32_phdr *ph = (void *)(img + eh->phoff + i * sizeof *ph);
        if (ph->type != 1)
            continue;
        if (ph->offset > len || ph->filesz > len - ph->offset || ph->filesz > ph->memsz)
            die(EX_IMAGE, path, "a segment lies beyond the end of the file");
        if ((uint64_t)ph->paddr + ph->memsz > mem_size)
            die(EX_IMAGE, path, "does not fit in the VM's memory (see --memory)");
        put(ph->paddr, img + ph->offset, ph->filesz, path);
        if (ph->paddr + ph->memsz > *end)
            *end = ph->paddr + ph->memsz;
    }
    free(img);
    return eh->entry;
}

/* "path" or "path args", as QEMU and vx86 build the command line and module strings. */
static uint32_t put_string(uint32_t *at, const char *a, const char *b)
{
    char buf[512];
    int n = snprintf(buf, sizeof buf, b && *b ? "%s %s" : "%s", a, b);
    if (n < 0 || n >= (int)sizeof buf)
        usage("command line or module string too long");
    uint32_t where = *at;
    put(where, buf, (uint32_t)n + 1, "strings");
    *at += (uint32_t)n + 1;
    return where;
}

static void print_stats(void)
{
    struct vm_stats s;
    if (ioctl(vmfd, VM_GET_STATS, &s) < 0)
        return;
    fprintf(stderr, "vm %u: %llu runs, %llu guest cycles\n", s.vm, (unsigned long long)s.runs,
            (unsigned long long)s.guest_cycles);
    for (uint32_t i = 0; i < s.nslots; i++)
        if (s.slot[i].count)
            fprintf(stderr, "  %-9s %8u exits %10llu cycles %6llu per exit\n",
                    s.slot[i].code == 0xFFFFFFFFu ? "other" : svm_exit_name(s.slot[i].code), s.slot[i].count,
                    (unsigned long long)s.slot[i].cycles,
                    (unsigned long long)(s.slot[i].cycles / s.slot[i].count));
}

static int vm_run(int argc, char **argv)
{
    struct vm_create vc = { VM_MODE_NPT, 0 };
    const char *mods[MAX_MODULES];
    int nmods = 0, stats = 0, i = 1;
    const char *snapshot = NULL;                    /* --snapshot FILE (snapshot.c) */
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--npt"))
            vc.mode = VM_MODE_NPT;
        else if (!strcmp(a, "--shadow"))
            vc.mode = VM_MODE_SHADOW;
        else if (!strcmp(a, "--stats"))
            stats = 1;
        else if (!strcmp(a, "--snapshot") && i + 1 < argc)
            snapshot = argv[++i];
        else if ((!strcmp(a, "--memory") || !strcmp(a, "--timeout") || !strcmp(a, "--module")) && i + 1 < argc) {
            const char *v = argv[++i];
            if (!strcmp(a, "--module")) {
                if (nmods == MAX_MODULES)
                    usage("too many --module options (at most 8)");
                mods[nmods++] = v;
                continue;
            }
            char *e;
            unsigned long n = strtoul(v, &e, 10);
            if (!strcmp(a, "--timeout")) {
                if (e == v || *e)
                    usage("--timeout wants milliseconds");
                vc.timeout_ms = (uint32_t)n;
                continue;
            }
            unsigned long mul = *e == 'K' || *e == 'k' ? 1024 : *e == 'M' || *e == 'm' ? 1u << 20 : *e == 0 ? 1 : 0;
            if (e == v || !mul || (*e && e[1]) || n == 0 || n > VM_MAX_MEMORY / mul || (n * mul) % 4096 || n * mul < (2u << 20))
                usage("--memory wants a size of 2M to 256M in whole 4 KiB pages (K or M suffix)");
            mem_size = (uint32_t)(n * mul);
        } else {
            fprintf(stderr, "vm: unknown option %s\n", a);
            usage("see the usage line");
        }
    }
    if (i >= argc)
        usage("no image to run");
    const char *image = argv[i++];
    char args[256] = "";
    for (; i < argc; i++) {
        if (strlen(args) + strlen(argv[i]) + 2 > sizeof args)
            usage("guest arguments too long");
        if (*args)
            strcat(args, " ");
        strcat(args, argv[i]);
    }

    if ((vmfd = open("/dev/vm", O_RDWR)) < 0)
        die(EX_CREATE, "/dev/vm", strerror(errno));
    if (ioctl(vmfd, VM_CREATE, &vc) < 0)
        die(EX_CREATE, "VM_CREATE", errno == EINVAL ? "unknown paging mode"
                                    : errno == ENODEV ? "this CPU has no SVM (AMD-V)" : strerror(errno));
    struct vm_memory m = { mem_size };
    if (ioctl(vmfd, VM_SET_MEMORY, &m) < 0)
        die(EX_CREATE, "VM_SET_MEMORY", errno == ENOMEM ? "not enough host memory for the guest" : strerror(errno));

    uint32_t end, entry = load_image(image, &end);
    struct multiboot_info mbi;
    struct multiboot_module mm[MAX_MODULES];
    memset(&mbi, 0, sizeof mbi);
    uint32_t strings = MBI_ADDR + 0x200;
    mbi.flags = MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MODS;
    mbi.mem_lower = 639;
    mbi.mem_upper = (mem_size >> 10) - 1024;
    mbi.cmdline = put_string(&strings, image, args);
    uint32_t at = (end + 4095) & ~4095u;
    for (int k = 0; k < nmods; k++) {
        char path[256];
        strncpy(path, mods[k], sizeof path - 1);
        path[sizeof path - 1] = 0;
        char *comma = strchr(path, ',');
        if (comma)
            *comma++ = 0;
        uint32_t len;
        char *data = read_file(path, &len);
        put(at, data, len, path);
        free(data);
        mm[k].mod_start = at;
        mm[k].mod_end = at + len;
        mm[k].string = put_string(&strings, path, comma);
        mm[k].reserved = 0;
        at = (at + len + 4095) & ~4095u;
    }
    mbi.mods_count = (uint32_t)nmods;
    mbi.mods_addr = MBI_ADDR + 0x100;
    if (nmods)
        put(mbi.mods_addr, mm, (uint32_t)(nmods * sizeof mm[0]), "modules");
    put(MBI_ADDR, &mbi, sizeof mbi, "multiboot info");

    if (ioctl(vmfd, VCPU_CREATE, 0) < 0)
        die(EX_CREATE, "VCPU_CREATE", strerror(errno));
    struct vm_regs r = { 0 };
    r.eax = MULTIBOOT_BOOTLOADER_MAGIC;
    r.ebx = MBI_ADDR;
    r.eip = entry;
    r.eflags = 0x2;
    if (ioctl(vmfd, VCPU_SET_REGS, &r) < 0)
        die(EX_CREATE, "VCPU_SET_REGS", strerror(errno));

    /* The console's input side: a child blocks reading standard input and hands each byte to
     * the virtual UART (it shares the VM's open file), so the vCPU loop never waits for typing. */
    pid_t feeder = fork();
    if (feeder == 0) {
        char c;
        while (read(0, &c, 1) == 1)
            while (ioctl(vmfd, VM_CONSOLE_INPUT, &c) == 0)
                sched_yield();
        _exit(0);
    }
    static struct vm_run run;
    for (;;) {
        int e = ioctl(vmfd, VCPU_RUN, &run);
        if (run.out_len)
            write(1, run.out, run.out_len);
        if (e < 0 && errno != EINTR)
            die(EX_RUN, "VCPU_RUN", strerror(errno));
        if (run.exit_reason == VM_EXIT_END)
            break;
    }
    if (run.end == VM_END_SHUTDOWN || run.end == VM_END_BAD_ACCESS || run.end == VM_END_UNHANDLED ||
        run.end == VM_END_TIMEOUT) {
        const char *why = run.end == VM_END_SHUTDOWN ? "triple fault (shutdown)"
                        : run.end == VM_END_BAD_ACCESS ? "access beyond guest memory"
                        : run.end == VM_END_TIMEOUT ? "timed out" : "unhandled exit";
        fprintf(stderr, "vm: guest stopped: %s (exit %s, info1 %#x, info2 %#x, rip %#x)\n", why,
                svm_exit_name(run.hw_exit == 0xFFFFFFFFu ? SVM_EXIT_INVALID : run.hw_exit),
                run.info1, run.info2, run.rip);
    }
    if (feeder > 0) {
        kill(feeder, SIGKILL);
        waitpid(feeder, NULL, 0);
    }
    if (stats)
        print_stats();
    if (snapshot && run.end == VM_END_DEBUG_EXIT && vm_snapshot_save(vmfd, mem_size, snapshot))
        return EX_RUN;
    return (int)run.status;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage("no command");
    if (!strcmp(argv[1], "run"))
        return vm_run(argc - 1, argv + 1);
    if (!strcmp(argv[1], "restore"))
        return vm_restore(argc - 1, argv + 1);
    fprintf(stderr, "vm: unknown command %s\n", argv[1]);
    usage("commands: run");
    return EX_USAGE;
}
