/* main.c: boot. kmain reads the Multiboot information (Multiboot 0.6.96 §3.3), sets up memory,
 * traps, the console and the file systems, turns modules into files, starts pid 1 and becomes
 * the idle task.
 *
 * Command line (QEMU -append, vx86 --cmdline): cmd=REST (the rest of the line: init runs
 * /bin/sh -c REST, the console shows only what it prints, and the machine powers off with its
 * status), quiet, verbose, init=PATH, hz=N (20..1000), mem=SIZE[K|M|G] (at least 4 MiB beyond
 * the kernel and modules), labbug=1 (turns on the isolation lab's planted security hole,
 * kernel/labbug.c: never on a machine that matters), snapshot=ready (in a VM of our hypervisor:
 * ask the VMM for a snapshot when the console is first read and blocks, kernel/paravirt.c). */
#include "kernel/kernel.h"
#include "kernel/fs.h"
#include "kernel/proc.h"
#include "containers/cgroup.h"
#include "kernel/vm.h"
#include "kernel/labbug.h"
#include "devices/debugport.h"

#define MB_BOOT_MAGIC 0x2BADB002u
#define MBI_MEM     (1u << 0)
#define MBI_CMDLINE (1u << 2)
#define MBI_MODS    (1u << 3)
#define MAX_MODULES 16
#define CMDLINE_MAX 1024
#define MIN_MEM     (4u << 20)

struct mb_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
};
struct mb_module { uint32_t start, end, string, reserved; };

extern char __kernel_end[];
static char cmdline[CMDLINE_MAX];           /* split into words in place by parse_cmdline */
static char cmdline_shown[CMDLINE_MAX];     /* as given, for the log */
static struct { uint32_t start, end; char string[256]; } modules[MAX_MODULES];
static uint32_t nmodules;
static const char *opt_cmd, *opt_init = "/sbin/init";
static int opt_verbose;

_Noreturn void machine_poweroff(int status)
{
    cli();
    outl(DEBUGPORT_EXIT, (uint32_t)status);   /* QEMU isa-debug-exit / vx86: exit (status<<1)|1 */
    for (;;)
        __asm__ volatile("hlt");
}

static uint32_t parse_uint(const char *s, const char **end)
{
    uint32_t v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (uint32_t)(*s++ - '0');
    *end = s;
    return v;
}

/* Split the command line in place: options are space-separated words; cmd= takes the rest. */
static uint32_t parse_cmdline(void)
{
    uint32_t mem_limit = 0;
    char *s = cmdline;
    while (*s && *s != ' ')                /* the first word is the image path */
        s++;
    while (*s) {
        while (*s == ' ')
            *s++ = 0;
        if (!*s)
            break;
        if (strncmp(s, "cmd=", 4) == 0) {
            opt_cmd = s + 4;
            break;
        }
        char *w = s;
        while (*s && *s != ' ')
            s++;
        if (*s)
            *s++ = 0;
        const char *e;
        if (strcmp(w, "quiet") == 0)
            printk_console = 0;
        else if (strcmp(w, "verbose") == 0)
            opt_verbose = 1;
        else if (strcmp(w, "labbug=1") == 0)
            labbug_enabled = 1;
        else if (strcmp(w, "snapshot=ready") == 0)
            paravirt_snapshot_ready = 1;
        else if (strncmp(w, "init=", 5) == 0)
            opt_init = w + 5;
        else if (strncmp(w, "hz=", 3) == 0) {
            uint32_t v = parse_uint(w + 3, &e);
            if (v >= 20 && v <= 1000)           /* the PIT divisor must fit 16 bits */
                hz = v;
        } else if (strncmp(w, "mem=", 4) == 0) {
            uint32_t v = parse_uint(w + 4, &e);
            uint32_t mul = *e == 'G' || *e == 'g' ? 1u << 30 : *e == 'K' || *e == 'k' ? 1u << 10 : 1u << 20;
            mem_limit = v > 0xFFFFFFFFu / mul ? 0xFFFFFFFFu : v * mul;
        }
    }
    if (opt_cmd)
        printk_console = 0;
    return mem_limit;
}

static void read_multiboot(uint32_t magic, uint32_t mbi_pa, uint32_t *mem_end, uint32_t *used_end)
{
    if (magic != MB_BOOT_MAGIC)
        panic("not started by a Multiboot loader (magic %x)", magic);
    const struct mb_info *mbi = P2V(mbi_pa);
    *used_end = V2P(__kernel_end);
    *mem_end = (mbi->flags & MBI_MEM) ? (mbi->mem_upper + 1024) * 1024 : 16u << 20;
    if (mbi->flags & MBI_CMDLINE)
        strlcpy(cmdline, P2V(mbi->cmdline), sizeof cmdline);
    memcpy(cmdline_shown, cmdline, sizeof cmdline);
    if (mbi->flags & MBI_MODS) {
        const struct mb_module *m = P2V(mbi->mods_addr);
        for (uint32_t i = 0; i < mbi->mods_count && nmodules < MAX_MODULES; i++) {
            modules[nmodules].start = m[i].start;
            modules[nmodules].end = m[i].end;
            strlcpy(modules[nmodules].string, m[i].string ? P2V(m[i].string) : "", sizeof modules[0].string);
            if (m[i].end > *used_end)
                *used_end = m[i].end;
            nmodules++;
        }
    }
}

/* A module string is "FILE ARGS": with an absolute path as the first argument the module
 * becomes that file (executable); otherwise the first such module is the initramfs. */
static void load_modules(void)
{
    int have_initramfs = 0;
    for (uint32_t i = 0; i < nmodules; i++) {
        const char *s = modules[i].string, *data = P2V(modules[i].start);
        uint32_t len = modules[i].end - modules[i].start;
        while (*s && *s != ' ') s++;
        while (*s == ' ') s++;
        if (*s == '/') {
            char path[256];
            uint32_t n = 0;
            while (s[n] && s[n] != ' ' && n < sizeof path - 1) { path[n] = s[n]; n++; }
            path[n] = 0;
            int r = fs_create_file(path, data, len, 0100755);
            printk("module %s: %u bytes%s\n", path, len, r < 0 ? " (could not be created)" : "");
        } else if (!have_initramfs) {
            int r = initramfs_unpack(data, len);
            if (r < 0)
                printk("initramfs: error %d\n", r);
            else
                printk("initramfs: %u bytes unpacked\n", len);
            have_initramfs = 1;
        }
    }
}

void kmain(uint32_t magic, uint32_t mbi_pa)
{
    uint32_t mem_end, used_end;
    read_multiboot(magic, mbi_pa, &mem_end, &used_end);
    uint32_t mem_limit = parse_cmdline();
    /* mem= may shrink RAM, but not below the kernel, the modules and MIN_MEM for the rest. */
    if (mem_limit && mem_limit < mem_end)
        mem_end = mem_limit > used_end + MIN_MEM ? mem_limit : mem_limit > MIN_MEM ? used_end + MIN_MEM : mem_end;
    if (mem_end > KERN_DIRECT_MAX)
        mem_end = KERN_DIRECT_MAX;
    frame_init(used_end, mem_end);
    vm_init();
    trap_init();
    console_init();
    trace_init();
    printk("vx86 toy OS: %u MiB, %u frames free, hz %u\n", mem_end >> 20, frame_counters.free, hz);
    if (opt_verbose)
        printk("command line: %s\n", cmdline_shown);
    if (labbug_enabled)
        klog("labbug=1: system call %d and port 0x3F5 write any kernel address (kernel/labbug.c, hyperv/labvenom.c) -- planted holes\n", LABBUG_NR);
    cgroup_init();
    proc_init();
    sched_init();
    fs_init();
    cgroupfs_init();                       /* cgroup2 mounted at /sys/fs/cgroup */
    load_modules();

    /* init runs `/bin/sh -c REST` for cmd= (it reaps orphans meanwhile) and powers off with
     * its status; init=/bin/sh works too, since a shell takes -c. */
    static char *argv[4];
    argv[0] = (char *)opt_init;
    if (opt_cmd) {
        argv[1] = "-c";
        argv[2] = (char *)opt_cmd;
    }
    proc_userinit(opt_init, argv);
    /* The idle task: wait for an interrupt; run whoever became runnable. */
    for (;;) {
        cli();
        if (need_resched)
            schedule();
        else
            __asm__ volatile("sti; hlt");  /* STI's one-instruction shadow: no wakeup is lost */
    }
}
