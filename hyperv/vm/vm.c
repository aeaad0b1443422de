/* vm: the user-space VMM of the toy OS's hypervisor, as kvmtool is for KVM. It opens /dev/vm,
 * gives the VM its memory, loads a Multiboot image (and its modules) into it with its own
 * Multiboot loader, sets the registers a Multiboot loader hands over, then runs the vCPU and
 * copies the guest's console to standard output.
 *
 *   vm run [--npt|--shadow] [--memory SIZE] [--lazy|--share] [--timeout MS] [--stats]
 *          [--snapshot FILE] [--module FILE[,ARGS]]... IMAGE [ARGS]
 *          --lazy: demand-zero RAM (VM_MEM_LAZY), a frame at a page's first touch;
 *          --share: --lazy, and the image's and modules' pages mapped copy-on-write from
 *          their files (VM_MAP_FILE) instead of copied in -- the XIP/DAX kernel, Kata's VM
 *          templates
 *          --snapshot: saved when the guest makes the VM_HC_SNAPSHOT hypercall -- the VM then
 *          runs on -- or ends by the debug-exit port (snapshot.c)
 *   vm restore [--snapshot OUT] [--genid N] [--stats] [--timeout MS] FILE   (snapshot.c)
 *   vm start -d --name NAME [run options] IMAGE [ARGS]     in the background (lkvm run -d)
 *   vm list | vm stop VM | vm console VM | vm stats VM     VM: a name or an id (lkvm list/stop/stat)
 *
 * The rendezvous is the kernel's registry (hyperv/dev.c): /proc/vms lists every VM with its id,
 * name, owner pid and state; VM_ATTACH on another open of /dev/vm gives a handle on a VM by id,
 * for its stats and its console (a 4 KiB ring kept by the kernel). stop sends SIGTERM to the VM's
 * vm process, whose exit frees the VM. kvmtool does the same with a UNIX socket per instance
 * (~/.lkvm/NAME.sock) that list scans and stop/stat talk to.
 *
 * Exit status: the guest's debug-exit value (low 8 bits); 0 when it halts for good; 124 timed
 * out; 125 triple fault; 126 access beyond its memory; 127 an exit the hypervisor does not
 * handle (VMRUN in the guest ...); 137 a --lazy page past memory.max (or no frame left).
 * vm's own errors: 1 no such VM, 2 bad usage, 3 bad image,
 * 4 the VM could not be made (no /dev/vm, not enough memory or memory.max, a name in use),
 * 5 the VM failed while running. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "arch/multiboot.h"
#include "arch/svm.h"
#include "kernel/uapi/vm.h"
#include "hyperv/vm/snapshot.h"

#define EX_NOVM 1
#define EX_USAGE 2
#define EX_IMAGE 3
#define EX_CREATE 4
#define EX_RUN 5
#define EX_STOPPED 130                     /* Ctrl-] at vm run's console, as a shell's ^C */
#define MBI_ADDR   0x9000u                 /* the info block, its modules and strings: below 640 KiB */
#define MAX_MODULES 8

struct elf32_ehdr { uint8_t ident[16]; uint16_t type, machine; uint32_t version, entry, phoff, shoff, flags;
                    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx; };
struct elf32_phdr { uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align; };

#define DETACH_KEY 0x1D                    /* Ctrl-]: leaves vm console, as vx86 os and telnet */

static int vmfd;
static uint32_t mem_size = 16u << 20;
static struct vm_create vc = { VM_MODE_NPT, 0, "" };
static const char *mods[MAX_MODULES];
static int nmods, stats;
static uint32_t mem_flags;                   /* VM_MEM_LAZY (--lazy, --share) */
static int share;                            /* --share: VM_MAP_FILE the image's whole pages */
static const char *image;
static const char *snapshot;                 /* --snapshot FILE: saved at VM_HC_SNAPSHOT or a debug-exit end (snapshot.c) */
static char args[256];

/* The console raw while attached (vm run, vm console), as QEMU's -nographic makes its tty:
 * no line editing, no echo (the guest echoes), ^C and CR go to the guest; output keeps OPOST.
 * Not for a job started with & (it ignores SIGINT: POSIX, without job control), whose tty is the
 * shell's. Restored at exit. */
static struct termios saved_tty;
static int tty_is_raw;
static void tty_restore(void)
{
    if (tty_is_raw)
        tcsetattr(0, TCSANOW, &saved_tty);
    tty_is_raw = 0;
}

static void tty_raw(void)
{
    struct sigaction old;
    struct termios t;
    if (sigaction(SIGINT, NULL, &old) < 0 || old.sa_handler == SIG_IGN || tcgetattr(0, &saved_tty) < 0)
        return;
    t = saved_tty;
    t.c_lflag &= ~(unsigned)(ICANON | ECHO | ECHOE | ISIG);
    t.c_iflag &= ~(unsigned)ICRNL;
    if (tcsetattr(0, TCSANOW, &t) == 0) {
        tty_is_raw = 1;
        atexit(tty_restore);
    }
}

static void die(int status, const char *what, const char *problem)
{
    tty_restore();
    fprintf(stderr, "vm: %s: %s\n", what, problem);
    exit(status);
}

/* The console's input side: a child blocks reading standard input and hands each byte to the
 * virtual UART (it shares the VM's open file), so the vCPU loop never waits for typing. It ends
 * with status 1 at Ctrl-] (the parent's SIGCHLD handler notes it: VCPU_RUN and VM_CONSOLE_READ
 * return EINTR), 0 at the end of its input. */
static volatile sig_atomic_t child_done;
static void on_chld(int sig) { (void)sig; child_done = 1; }

static pid_t start_feeder(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_chld;
    sigaction(SIGCHLD, &sa, NULL);
    pid_t feeder = fork();
    if (feeder == 0) {
        char c;
        while (read(0, &c, 1) == 1) {
            if (c == DETACH_KEY)
                _exit(1);
            while (ioctl(vmfd, VM_CONSOLE_INPUT, &c) == 0)
                usleep(1000);
        }
        _exit(0);
    }
    return feeder;
}

/* After a SIGCHLD: 1 if the feeder has gone because Ctrl-] was typed. */
static int detach_typed(pid_t feeder)
{
    int st;
    child_done = 0;
    return feeder > 0 && waitpid(feeder, &st, WNOHANG) == feeder && WIFEXITED(st) && WEXITSTATUS(st) == 1;
}

static void usage(const char *why)
{
    fprintf(stderr, "vm: %s\nusage: vm run [--npt|--shadow] [--memory SIZE] [--lazy|--share] [--timeout MS] "
                    "[--stats] [--snapshot FILE] [--module FILE[,ARGS]]... IMAGE [ARGS]\n"
                    "       vm restore [--snapshot OUT] [--genid N] [--stats] [--timeout MS] FILE\n"
                    "       vm start -d --name NAME [run options] IMAGE [ARGS]\n"
                    "       vm list | vm stop VM | vm console VM | vm stats VM\n", why);
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
    if (gpa >= mem_size || len > mem_size - gpa)
        die(EX_IMAGE, what, "does not fit in the VM's memory (see --memory)");
    if (ioctl(vmfd, VM_WRITE_MEMORY, &c) < 0)
        die(errno == ENOMEM ? EX_CREATE : EX_IMAGE, what, errno == ENOMEM ? "no memory for the guest's pages (memory.max?)"
                                                                        : "does not fit in the VM's memory (see --memory)");
}

/* n bytes of the image at file offset off into buf; dies when the file is shorter. */
static void read_at(int fd, uint32_t off, void *buf, uint32_t n, const char *path)
{
    char *c = buf;
    if (lseek(fd, (off_t)off, SEEK_SET) != (off_t)off)
        die(EX_IMAGE, path, "a segment lies beyond the end of the file");
    while (n) {
        ssize_t r = read(fd, c, n);
        if (r <= 0)
            die(EX_IMAGE, path, r < 0 ? strerror(errno) : "a segment lies beyond the end of the file");
        c += r, n -= (uint32_t)r;
    }
}

/* Copy n bytes of the image file from offset off to guest-physical gpa, a page at a time (vm
 * streams the image: its own memory stays small whatever the image's size). */
static void put_from(int fd, uint32_t off, uint32_t gpa, uint32_t n, const char *path)
{
    static char page[4096];
    while (n) {
        uint32_t c = n < sizeof page ? n : (uint32_t)sizeof page;
        read_at(fd, off, page, c, path);
        put(gpa, page, c, path);
        off += c, gpa += c, n -= c;
    }
}

/* --share: one PT_LOAD segment's file bytes [off, off + n) for [gpa, gpa + n). The whole pages
 * whose file page lines up with the guest page (offset = address mod 4 KiB, as the linker lays
 * out a segment aligned to pages) are mapped from the file copy-on-write (VM_MAP_FILE); the
 * partial pages at either edge are copied (the rest of such a page stays demand zero, as .bss). */
static void put_shared(int fd, uint32_t off, uint32_t gpa, uint32_t n, const char *path)
{
    uint32_t first = (gpa + 4095) & ~4095u, last = (gpa + n) & ~4095u;
    if ((gpa & 4095) != (off & 4095) || first >= last) {
        put_from(fd, off, gpa, n, path);
        return;
    }
    put_from(fd, off, gpa, first - gpa, path);
    struct vm_map_file mf = { fd, off + (first - gpa), first, last - first };
    if (ioctl(vmfd, VM_MAP_FILE, &mf) < 0)
        die(EX_IMAGE, path, errno == EINVAL ? "cannot be shared (not on a ramfs/tmpfs file system)" : strerror(errno));
    put_from(fd, off + (last - gpa), last, gpa + n - last, path);
}

/* The Multiboot v1 loader (Multiboot 0.6.96 §3.1): an ELF32 image with the header in its
 * first 8 KiB; PT_LOAD segments at their physical addresses, copied from the file (or with
 * --share mapped from it). Returns the entry point. */
static uint32_t load_image(const char *path, uint32_t *end)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        die(EX_IMAGE, path, strerror(errno));
    static char head[MULTIBOOT_HEADER_SEARCH];
    off_t flen = lseek(fd, 0, SEEK_END);
    uint32_t len = flen < 0 ? 0 : (uint32_t)flen, hlen = len < sizeof head ? len : (uint32_t)sizeof head;
    read_at(fd, 0, head, hlen, path);
    struct elf32_ehdr eh;
    memcpy(&eh, head, sizeof eh);
    if (len < sizeof eh || memcmp(eh.ident, "\177ELF", 4) || eh.ident[4] != 1 || eh.machine != 3)
        die(EX_IMAGE, path, "not an ELF32 i386 image");
    int found = 0;
    for (uint32_t off = 0; off + 12 <= hlen; off += 4) {
        uint32_t h[3];
        memcpy(h, head + off, sizeof h);
        if (h[0] == MULTIBOOT_HEADER_MAGIC && h[0] + h[1] + h[2] == 0) {
            if (h[1] & MULTIBOOT_AOUT_KLUDGE)
                die(EX_IMAGE, path, "Multiboot a.out kludge images are not supported");
            found = 1;
            break;
        }
    }
    if (!found)
        die(EX_IMAGE, path, "no Multiboot header in the first 8 KiB");
    if (eh.phoff > len || (uint64_t)eh.phnum * sizeof(struct elf32_phdr) > len - eh.phoff)
        die(EX_IMAGE, path, "program headers beyond the end of the file");
    *end = 0;
    for (int i = 0; i < eh.phnum; i++) {
        struct elf32_phdr ph;
        read_at(fd, eh.phoff + (uint32_t)i * sizeof ph, &ph, sizeof ph, path);
        if (ph.type != 1)
            continue;
        if (ph.offset > len || ph.filesz > len - ph.offset || ph.filesz > ph.memsz)
            die(EX_IMAGE, path, "a segment lies beyond the end of the file");
        if ((uint64_t)ph.paddr + ph.memsz > mem_size)
            die(EX_IMAGE, path, "does not fit in the VM's memory (see --memory)");
        if (share)
            put_shared(fd, ph.offset, ph.paddr, ph.filesz, path);
        else
            put_from(fd, ph.offset, ph.paddr, ph.filesz, path);
        if (ph.paddr + ph.memsz > *end)
            *end = ph.paddr + ph.memsz;
    }
    close(fd);                                   /* the VM holds the pages it maps */
    return eh.entry;
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

static void print_stats(FILE *to)
{
    struct vm_stats s;
    if (ioctl(vmfd, VM_GET_STATS, &s) < 0)
        die(EX_NOVM, "VM_GET_STATS", strerror(errno));
    fprintf(to, "vm %u: %llu runs, %llu guest cycles\n", s.vm, (unsigned long long)s.runs,
            (unsigned long long)s.guest_cycles);
    for (uint32_t i = 0; i < s.nslots; i++)
        if (s.slot[i].count)
            fprintf(to, "  %-9s %8u exits %10llu cycles %6llu per exit\n",
                    s.slot[i].code == 0xFFFFFFFFu ? "other" : svm_exit_name(s.slot[i].code), s.slot[i].count,
                    (unsigned long long)s.slot[i].cycles,
                    (unsigned long long)(s.slot[i].cycles / s.slot[i].count));
    if (s.shadow_fills || s.shadow_hits || s.shadow_misses)
        fprintf(to, "  shadow: %u fills, %u first writes, %u #PF injected, CR3 cache %u hits %u misses\n",
                s.shadow_fills, s.shadow_dirty, s.shadow_injected, s.shadow_hits, s.shadow_misses);
    vm_print_mem_stats(to, &s, mem_flags != 0);
}

/* The options of run (and of start, with -d and --name), then IMAGE [ARGS]. */
static void parse_run(int argc, char **argv, int start)
{
    int i = 1, detach = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (start && !strcmp(a, "-d"))
            detach = 1;
        else if (start && !strcmp(a, "--name") && i + 1 < argc) {
            const char *n = argv[++i];
            if (!*n || strlen(n) >= VM_NAME_LEN || strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(n) ||
                (n[0] >= '0' && n[0] <= '9'))
                usage("--name wants 1 to 15 of a-z 0-9 - _, not starting with a digit");
            strcpy(vc.name, n);
        } else if (!strcmp(a, "--npt"))
            vc.mode = VM_MODE_NPT;
        else if (!strcmp(a, "--shadow"))
            vc.mode = VM_MODE_SHADOW;
        else if (!strcmp(a, "--stats"))
            stats = 1;
        else if (!strcmp(a, "--lazy"))
            mem_flags |= VM_MEM_LAZY;
        else if (!strcmp(a, "--share"))
            mem_flags |= VM_MEM_LAZY, share = 1;
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
    if (mem_flags && vc.mode == VM_MODE_SHADOW)
        usage("--lazy and --share need nested paging: shadow paging maps every page at creation");
    if (start && (!detach || !vc.name[0]))
        usage("vm start wants -d and --name NAME");
    if (i >= argc)
        usage("no image to run");
    image = argv[i++];
    for (; i < argc; i++) {
        if (strlen(args) + strlen(argv[i]) + 2 > sizeof args)
            usage("guest arguments too long");
        if (*args)
            strcat(args, " ");
        strcat(args, argv[i]);
    }
}

/* After VM_SET_MEMORY's ENOMEM: is it the memory.max of vm's own cgroup (cgroups(7))? */
static void memory_max_message(void)
{
    char path[200] = "/sys/fs/cgroup", line[160], max[32] = "";
    FILE *f = fopen("/proc/self/cgroup", "r");
    if (f && fgets(line, sizeof line, f) && !strncmp(line, "0::/", 4)) {
        line[strcspn(line, "\n")] = 0;
        snprintf(path, sizeof path, "/sys/fs/cgroup%s/memory.max", strcmp(line + 3, "/") ? line + 3 : "");
        FILE *m = fopen(path, "r");
        if (m && fgets(max, sizeof max, m) && strncmp(max, "max", 3)) {
            max[strcspn(max, "\n")] = 0;
            fprintf(stderr, "vm: VM_SET_MEMORY: %u KiB of guest memory do not fit under %s (%s)\n",
                    (unsigned)(mem_size >> 10), path, max);
            exit(EX_CREATE);
        }
        if (m)
            fclose(m);
    }
    if (f)
        fclose(f);
    die(EX_CREATE, "VM_SET_MEMORY", "not enough host memory for the guest (or a memory.max above vm's cgroup)");
}

/* VM_CREATE ... VCPU_SET_REGS: the VM with its image loaded, ready to run. Returns its id. */
static int make_vm(void)
{
    if ((vmfd = open("/dev/vm", O_RDWR)) < 0)
        die(EX_CREATE, "/dev/vm", strerror(errno));
    int id = ioctl(vmfd, VM_CREATE, &vc);
    if (id < 0 && errno == EEXIST)
        die(EX_CREATE, vc.name, "a VM of that name exists already");
    if (id < 0)
        die(EX_CREATE, "VM_CREATE", errno == EINVAL ? "unknown paging mode"
                                    : errno == ENODEV ? "this CPU has no SVM (AMD-V)" : strerror(errno));
    struct vm_memory m = { mem_size, mem_flags };
    if (ioctl(vmfd, VM_SET_MEMORY, &m) < 0) {
        if (errno == ENOMEM)
            memory_max_message();
        die(EX_CREATE, "VM_SET_MEMORY", strerror(errno));
    }

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
        if (share) {                             /* page aligned at both ends: mapped, the tail copied */
            int fd = open(path, O_RDONLY);
            off_t flen = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);
            if (fd < 0 || flen < 0)
                die(EX_IMAGE, path, strerror(errno));
            len = (uint32_t)flen;
            if ((uint64_t)at + len > mem_size)
                die(EX_IMAGE, path, "does not fit in the VM's memory (see --memory)");
            put_shared(fd, 0, at, len, path);
            close(fd);
        } else {
            char *data = read_file(path, &len);
            put(at, data, len, path);
            free(data);
        }
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
    return id;
}

/* The vCPU loop (kvmtool's kvm_cpu__start): run, copy console output, until the VM ends.
 * Detached (vm start), the output is left in the kernel's ring for vm console. */
static int run_vcpu(int detached, pid_t feeder)
{
    static struct vm_run run;
    int saved = 0;                         /* at VM_HC_SNAPSHOT: the end does not save again */
    for (;;) {
        int e = ioctl(vmfd, VCPU_RUN, &run);
        if (run.out_len && !detached)
            write(1, run.out, run.out_len);
        if (e < 0 && errno != EINTR)
            die(EX_RUN, "VCPU_RUN", strerror(errno));
        if (run.exit_reason == VM_EXIT_END)
            break;
        if (run.exit_reason == VM_EXIT_SNAPSHOT && snapshot && !saved) {
            saved = 1;                     /* once, at the guest's VM_HC_SNAPSHOT; it runs on */
            if (vc.mode == VM_MODE_SHADOW)  /* its CR0/CR3/CR4 are shadow.c's (uapi/vm.h) */
                fprintf(stderr, "vm: %s: not saved: a shadow-paging VM's control registers cannot be read "
                                "(VCPU_GET_SREGS); run it with --npt\n", snapshot);
            else if (vm_snapshot_save(vmfd, mem_size, snapshot))
                return EX_RUN;
        }
        if (child_done && detach_typed(feeder)) {
            tty_restore();
            fprintf(stderr, "\nvm: stopped by Ctrl-]\n");
            return EX_STOPPED;
        }
    }
    if (!detached && (run.end == VM_END_SHUTDOWN || run.end == VM_END_BAD_ACCESS ||
                      run.end == VM_END_UNHANDLED || run.end == VM_END_TIMEOUT || run.end == VM_END_OOM)) {
        const char *why = run.end == VM_END_SHUTDOWN ? "triple fault (shutdown)"
                        : run.end == VM_END_BAD_ACCESS ? "access beyond guest memory"
                        : run.end == VM_END_OOM ? "out of memory: a page of lazy RAM past memory.max"
                        : run.end == VM_END_TIMEOUT ? "timed out" : "unhandled exit";
        fprintf(stderr, "vm: guest stopped: %s (exit %s, info1 %#x, info2 %#x, rip %#x)\n", why,
                svm_exit_name(run.hw_exit == 0xFFFFFFFFu ? SVM_EXIT_INVALID : run.hw_exit),
                run.info1, run.info2, run.rip);
    }
    if (snapshot && !saved && run.end == VM_END_DEBUG_EXIT && vm_snapshot_save(vmfd, mem_size, snapshot))
        return EX_RUN;
    return (int)run.status;
}

/* The console loop of vm run and vm restore: raw tty, the feeder, the vCPU until the VM ends. */
static int run_attached(void)
{
    tty_raw();
    pid_t feeder = start_feeder();
    int status = run_vcpu(0, feeder);
    tty_restore();
    if (feeder > 0) {
        kill(feeder, SIGKILL);
        waitpid(feeder, NULL, 0);
    }
    if (stats)
        print_stats(stderr);
    return status;
}

int vm_run_attached(int fd, uint32_t mem, const char *snapshot_out, int want_stats)
{
    vmfd = fd, mem_size = mem, snapshot = snapshot_out, stats = want_stats;
    mem_flags = VM_MEM_LAZY;               /* a restore's RAM: demand zero under its mapped file */
    return run_attached();
}

static int vm_run(int argc, char **argv)
{
    parse_run(argc, argv, 0);
    make_vm();
    return run_attached();
}

/* vm start puts each VM's vm process in /sys/fs/cgroup/vm/NAME (made if need be; one made
 * beforehand keeps its limits), with cpu, memory and pids enabled down to it: then cpu.max,
 * memory.max and pids.max apply to the VM as to a container (ctr's /sys/fs/cgroup/ctr/NAME).
 * libvirt does the same with machine.slice/machine-qemu-N-NAME.scope. */
#define VM_CGROUP "/sys/fs/cgroup/vm"
static void cg_write(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0 || write(fd, text, strlen(text)) < 0)
        die(EX_CREATE, path, strerror(errno));
    close(fd);
}

static void join_cgroup(const char *name)
{
    char path[96], pid[16];
    cg_write("/sys/fs/cgroup/cgroup.subtree_control", "+cpu +memory +pids");
    if (mkdir(VM_CGROUP, 0755) < 0 && errno != EEXIST)
        die(EX_CREATE, VM_CGROUP, strerror(errno));
    cg_write(VM_CGROUP "/cgroup.subtree_control", "+cpu +memory +pids");
    snprintf(path, sizeof path, VM_CGROUP "/%s", name);
    if (mkdir(path, 0755) < 0 && errno != EEXIST)
        die(EX_CREATE, path, strerror(errno));
    snprintf(path, sizeof path, VM_CGROUP "/%s/cgroup.procs", name);
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    cg_write(path, pid);
}

/* vm start -d: a child makes and runs the VM in its own process group (the shell's Ctrl-C is
 * not for it); it tells the parent the VM's id through a pipe once the VM is made, so every
 * error at creation still comes out of vm start with its status. (lkvm run -d daemonizes.) */
static int vm_start(int argc, char **argv)
{
    parse_run(argc, argv, 1);
    int p[2];
    if (pipe(p) < 0)
        die(EX_CREATE, "pipe", strerror(errno));
    pid_t child = fork();
    if (child < 0)
        die(EX_CREATE, "fork", strerror(errno));
    if (child == 0) {
        close(p[0]);
        setpgid(0, 0);
        join_cgroup(vc.name);
        int id = make_vm(), nul = open("/dev/null", O_RDONLY);
        if (nul >= 0)
            dup2(nul, 0);
        write(p[1], &id, sizeof id);
        close(p[1]);
        _exit(run_vcpu(1, 0));
    }
    close(p[1]);
    int id = 0, st = 0;
    if (read(p[0], &id, sizeof id) != sizeof id) {
        waitpid(child, &st, 0);                 /* it said why on stderr */
        return WIFEXITED(st) ? WEXITSTATUS(st) : EX_CREATE;
    }
    printf("%s: vm %d, pid %d\n", vc.name, id, (int)child);
    return 0;
}

/* ---- the registry: /proc/vms, one "vm ID pid PID ..." line per VM, then its exit lines ---- */
struct vminfo { int id, pid; unsigned mem_kb, runs, exits, status; char mode[8], state[12], name[VM_NAME_LEN]; };

/* The value after " key " in a /proc/vms line ("" if none). */
static const char *field(const char *line, const char *key)
{
    char k[16];
    snprintf(k, sizeof k, " %s ", key);
    const char *at = strstr(line, k);
    return at ? at + strlen(k) : "";
}

/* Fills v with the VM called `what` (a name or an id); all VMs go to each() when it is set. */
static int find_vm(const char *what, struct vminfo *v, void (*each)(struct vminfo *))
{
    FILE *f = fopen("/proc/vms", "r");
    char line[256];
    int found = 0;
    if (!f)
        die(EX_NOVM, "/proc/vms", strerror(errno));
    while (!found && fgets(line, sizeof line, f)) {
        if (strncmp(line, "vm ", 3))
            continue;                           /* an exit line */
        line[strcspn(line, "\n")] = 0;
        v->id = atoi(line + 3);
        v->pid = atoi(field(line, "pid"));
        v->mem_kb = (unsigned)atoi(field(line, "memory"));
        v->status = (unsigned)atoi(field(line, "status"));
        v->runs = (unsigned)atoi(field(line, "runs"));
        v->exits = (unsigned)atoi(field(line, "exits"));
        snprintf(v->mode, sizeof v->mode, "%.*s", (int)strcspn(field(line, "mode"), " "), field(line, "mode"));
        snprintf(v->state, sizeof v->state, "%.*s", (int)strcspn(field(line, "state"), " "), field(line, "state"));
        snprintf(v->name, sizeof v->name, "%s", field(line, "name"));
        if (each)
            each(v);
        else if (!strcmp(v->name, what) || atoi(what) == v->id)
            found = 1;
    }
    fclose(f);
    return found;
}

static void list_one(struct vminfo *v)
{
    char st[20];
    snprintf(st, sizeof st, strcmp(v->state, "ended") ? "%s" : "%s(%u)", v->state, v->status);
    printf("%-3d %-15s %5d %7uK %-6s %-10s %8u\n", v->id, v->name, v->pid, v->mem_kb, v->mode, st, v->exits);
}

/* The VM named by argv[1], with a handle on it (VM_ATTACH) in vmfd. */
static struct vminfo attach(int argc, char **argv, const char *cmd)
{
    struct vminfo v;
    char why[48];
    snprintf(why, sizeof why, "usage: vm %s VM", cmd);
    if (argc != 2)
        usage(why);
    if (!find_vm(argv[1], &v, NULL))
        die(EX_NOVM, argv[1], "no such VM (vm list shows them)");
    if ((vmfd = open("/dev/vm", O_RDWR)) < 0 || ioctl(vmfd, VM_ATTACH, v.id) < 0)
        die(EX_NOVM, argv[1], strerror(errno));
    return v;
}

static int vm_stop(int argc, char **argv)
{
    struct vminfo v = attach(argc, argv, "stop"), w;
    if (kill(v.pid, SIGTERM) < 0)
        die(EX_NOVM, argv[1], strerror(errno));
    while (find_vm(argv[1], &w, NULL) && w.id == v.id)
        usleep(10000);                          /* until its vm has gone and freed it */
    char path[96];
    snprintf(path, sizeof path, VM_CGROUP "/%s", v.name);
    rmdir(path);                                /* vm start's cgroup, now empty (or not: then kept) */
    return 0;
}

/* vm console: the ring's bytes to stdout, stdin to the virtual UART (as in vm run) until
 * Ctrl-] or the VM's end. The ring first gives what it kept (up to 4 KiB), as a serial
 * console's scrollback. */
static int vm_console(int argc, char **argv)
{
    struct vminfo v = attach(argc, argv, "console");
    fprintf(stderr, "vm: console of %s (vm %d); Ctrl-] detaches\n", v.name, v.id);
    tty_raw();
    pid_t feeder = start_feeder();
    char buf[512];
    struct vm_console_read cr = { (uint32_t)(uintptr_t)buf, sizeof buf };
    int n, detached = 0;
    while (!(detached = child_done && detach_typed(feeder)) &&
           ((n = ioctl(vmfd, VM_CONSOLE_READ, &cr)) > 0 || (n < 0 && errno == EINTR)))
        if (n > 0)
            write(1, buf, (size_t)n);
    tty_restore();
    if (!detached)
        fprintf(stderr, "\nvm: %s has ended\n", v.name);
    else
        fprintf(stderr, "\nvm: detached from %s\n", v.name);
    kill(feeder, SIGKILL);
    waitpid(feeder, NULL, 0);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage("no command");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        printf("vm: the toy OS's virtual machine monitor (as kvmtool is for KVM)\n"
               "  run IMAGE      make a VM, load the Multiboot IMAGE, run it on this console (Ctrl-] stops)\n"
               "  start -d       the same in the background, under /sys/fs/cgroup/vm/NAME\n"
               "  list           the VMs (/proc/vms)      stats VM   exits and cycles per exit code\n"
               "  console VM     attach (Ctrl-] detaches) stop VM    end it\n"
               "  restore FILE   a new VM from a snapshot of vm run --snapshot\n"
               "usage: vm run [--npt|--shadow] [--memory SIZE] [--lazy|--share] [--timeout MS] [--stats] [--snapshot FILE] "
               "[--module FILE[,ARGS]]... IMAGE [ARGS]\n"
               "       vm restore [--snapshot OUT] [--genid N] [--stats] [--timeout MS] FILE\n"
               "       vm start -d --name NAME [run options] IMAGE [ARGS]\n"
               "       vm list | vm stop VM | vm console VM | vm stats VM\n"
               "  --lazy          demand-zero RAM (a frame at a page's first touch), as a KVM guest's\n"
               "  --share         --lazy, and the image's and modules' pages mapped copy-on-write\n"
               "  --snapshot FILE save the VM at its snapshot hypercall (a toy OS booted with\n"
               "                  snapshot=ready, at its prompt) or its debug-exit end\n"
               "Exit status: the guest's debug-exit value; 124 timed out, 125 triple fault, 126 access\n"
               "beyond its memory, 127 an unhandled exit, 137 a --lazy page past memory.max; vm's own:\n"
               "1 no such VM, 2 usage, 3 bad image or snapshot, 4 the VM could not be made, 5 it failed\n"
               "while running.\n");
        return 0;
    }
    if (!strcmp(argv[1], "run"))
        return vm_run(argc - 1, argv + 1);
    if (!strcmp(argv[1], "restore"))
        return vm_restore(argc - 1, argv + 1);
    if (!strcmp(argv[1], "start"))
        return vm_start(argc - 1, argv + 1);
    if (!strcmp(argv[1], "list")) {
        struct vminfo v;
        if (argc != 2)
            usage("usage: vm list");
        printf("ID  NAME              PID  MEMORY MODE   STATE         EXITS\n");
        find_vm("", &v, list_one);
        return 0;
    }
    if (!strcmp(argv[1], "stop"))
        return vm_stop(argc - 1, argv + 1);
    if (!strcmp(argv[1], "console"))
        return vm_console(argc - 1, argv + 1);
    if (!strcmp(argv[1], "stats")) {
        attach(argc - 1, argv + 1, "stats");
        print_stats(stdout);
        return 0;
    }
    fprintf(stderr, "vm: unknown command %s\n", argv[1]);
    usage("commands: run, restore, start, list, stop, console, stats (vm --help)");
    return EX_USAGE;
}
