/* snapshot.c: VM snapshots for the toy OS's VMM, as Firecracker's snapshot/restore over KVM.
 *
 *   vm run --snapshot FILE IMAGE ...   when the guest ends by the debug-exit port, save it to FILE
 *   vm restore [--stats] [--timeout MS] [--snapshot OUT] [--genid N] FILE
 *                                      a new VM from FILE, run from where the snapshot left it;
 *                                      --snapshot: save it again when it ends by the debug-exit
 *                                      port (so clones can be compared page by page);
 *                                      --genid N: hand the guest a VM generation ID in EAX
 *
 * The guest asks for its snapshot by writing the debug-exit port (its "ready, freeze me" point);
 * the VM has ended, but /dev/vm still lets the VMM read its memory and registers, and its RIP is
 * already past the OUT (IOIO continues at EXITINFO2).
 *
 * A restore is Firecracker's: the memory file is mapped, not read. The file's guest pages sit
 * at file offset 4096 + gpa, so a restore makes a VM of demand-zero RAM (VM_SET_MEMORY with
 * VM_MEM_LAZY) and maps the file over all of it copy-on-write (VM_MAP_FILE, as Firecracker's
 * mmap(MAP_PRIVATE) of the memory file under KVM_SET_USER_MEMORY_REGION): no page is copied
 * until the clone writes it, every clone of one snapshot shares the pages none of them wrote,
 * and the zero pages the save skipped are holes of the file, demand zero in the clone. `vm
 * restore --stats` counts the pages copied on write (the clone's divergence), demand-zeroed,
 * and still shared.
 *
 * The generation ID: every restore of one snapshot is a clone with the same memory -- the same
 * random-number state, the same keys. Real hypervisors give the guest a VM generation ID that
 * changes with each restore (Microsoft's VMGenID, an ACPI device Linux's vmgenid driver reads to
 * reseed its RNG). Here the restore puts it in EAX, the register the guest's OUT was made with,
 * so a guest that looks at EAX after its snapshot point learns it was restored and as which clone.
 *
 * What is saved is what /dev/vm exposes: guest RAM and struct vm_regs (the GPRs, EIP, EFLAGS).
 * The rest of the vCPU -- CR0/CR3/CR4, GDTR/IDTR, segment registers, the virtual PIC and UART --
 * has no ioctl yet (KVM_GET_SREGS would be its counterpart; the header keeps vcpu_state for it,
 * zero today), so a restored VM starts in the state VCPU_CREATE gives: flat 32-bit protected
 * mode, paging off. That restores a guest that stays in that state (a bare image with
 * interrupts off, as the labs' guests), not the toy OS.
 *
 * File "VMSNAP2": a 4096-byte header page (struct vm_snap_header, snapshot.h, zero-padded), then
 * each guest page that is not all zeros at file offset 4096 + gpa (lseek past the others: holes,
 * which ramfs keeps as holes, so the file costs the saved pages only). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "kernel/uapi/vm.h"
#include "hyperv/vm/snapshot.h"

#define EX_USAGE 2
#define EX_IMAGE 3
#define EX_CREATE 4
#define EX_RUN 5
#define PAGE 4096u
static const char MAGIC[8] = "VMSNAP2";

static int fail(int status, const char *what, const char *problem)
{
    fprintf(stderr, "vm: %s: %s\n", what, problem);
    return status;
}

static int write_all(int fd, const void *p, uint32_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w <= 0)
            return -1;
        c += w, n -= (uint32_t)w;
    }
    return 0;
}

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

static int all_zero(const uint32_t *w)
{
    for (uint32_t i = 0; i < PAGE / 4; i++)
        if (w[i])
            return 0;
    return 1;
}

void vm_print_mem_stats(FILE *to, const struct vm_stats *s, int always)
{
    if (always || s->mem_zeroed || s->mem_cow || s->mem_shared)
        fprintf(to, "  memory: %u pages private, %u demand-zeroed, %u copied on write, %u still shared with a file\n",
                s->mem_pages, s->mem_zeroed, s->mem_cow, s->mem_shared);
}

int vm_snapshot_save(int vmfd, uint32_t mem_size, const char *path)
{
    static union { struct vm_snap_header h; char page[VM_SNAP_HEADER]; } head;
    memset(&head, 0, sizeof head);
    memcpy(head.h.magic, MAGIC, sizeof MAGIC);
    head.h.mem_size = mem_size;
    if (ioctl(vmfd, VCPU_GET_REGS, &head.h.regs) < 0)
        return fail(EX_RUN, "VCPU_GET_REGS", strerror(errno));
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return fail(EX_RUN, path, strerror(errno));
    static uint32_t page[PAGE / 4];
    uint32_t saved = 0;
    int bad = write_all(fd, &head, VM_SNAP_HEADER);
    for (uint32_t gpa = 0; !bad && gpa < mem_size; gpa += PAGE) {
        struct vm_copy c = { gpa, PAGE, (uint32_t)(uintptr_t)page };
        if (ioctl(vmfd, VM_READ_MEMORY, &c) < 0) {
            close(fd);
            return fail(EX_RUN, "VM_READ_MEMORY", strerror(errno));
        }
        if (all_zero(page))
            continue;                      /* a hole: the clone's page is demand zero */
        bad = lseek(fd, (off_t)(VM_SNAP_HEADER + gpa), SEEK_SET) < 0 || write_all(fd, page, PAGE);
        saved++;
    }
    if (close(fd) < 0 || bad)
        return fail(EX_RUN, path, "cannot write the snapshot");
    fprintf(stderr, "vm: snapshot %s: %u of %u pages, eip %#x\n", path, saved, mem_size / PAGE, head.h.regs.eip);
    return 0;
}

int vm_restore(int argc, char **argv)
{
    int stats = 0, i = 1, genid = 0;
    uint32_t gen = 0;
    const char *out = NULL;
    struct vm_create vc = { VM_MODE_NPT, 0, "" };
    static const char USAGE[] = "usage: vm restore [--stats] [--timeout MS] [--snapshot OUT] [--genid N] FILE";
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--stats"))
            stats = 1;
        else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
            vc.timeout_ms = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--snapshot") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--genid") && i + 1 < argc)
            genid = 1, gen = (uint32_t)strtoul(argv[++i], NULL, 0);
        else {
            fprintf(stderr, "vm: %s: unknown option\n%s\n", argv[i], USAGE);
            return EX_USAGE;
        }
    }
    if (i + 1 != argc) {
        fprintf(stderr, "vm: restore wants one snapshot file\n%s\n", USAGE);
        return EX_USAGE;
    }
    const char *path = argv[i];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return fail(EX_IMAGE, path, strerror(errno));
    static struct vm_snap_header h;
    if (read_all(fd, &h, sizeof h) || memcmp(h.magic, MAGIC, 8) || h.mem_size == 0 || h.mem_size % PAGE ||
        h.mem_size > VM_MAX_MEMORY)
        return fail(EX_IMAGE, path, "not a vm snapshot (VMSNAP2)");
    struct vm_regs r = h.regs;
    int vmfd = open("/dev/vm", O_RDWR);
    if (vmfd < 0)
        return fail(EX_CREATE, "/dev/vm", strerror(errno));
    if (ioctl(vmfd, VM_CREATE, &vc) < 0)
        return fail(EX_CREATE, "VM_CREATE", strerror(errno));
    struct vm_memory m = { h.mem_size, VM_MEM_LAZY };
    if (ioctl(vmfd, VM_SET_MEMORY, &m) < 0)
        return fail(EX_CREATE, "VM_SET_MEMORY", errno == ENOMEM ? "not enough host memory for the guest" : strerror(errno));
    struct vm_map_file mf = { fd, VM_SNAP_HEADER, 0, h.mem_size };
    if (ioctl(vmfd, VM_MAP_FILE, &mf) < 0)
        return fail(EX_IMAGE, path, errno == EINVAL ? "cannot be mapped (not on a ramfs/tmpfs file system)" : strerror(errno));
    close(fd);                             /* the VM holds the pages it shares */
    if (genid)
        r.eax = gen;
    if (ioctl(vmfd, VCPU_CREATE, 0) < 0 || ioctl(vmfd, VCPU_SET_REGS, &r) < 0)
        return fail(EX_CREATE, "VCPU_CREATE", strerror(errno));
    static struct vm_run run;
    for (;;) {
        int e = ioctl(vmfd, VCPU_RUN, &run);
        if (run.out_len)
            write(1, run.out, run.out_len);
        if (e < 0 && errno != EINTR)
            return fail(EX_RUN, "VCPU_RUN", strerror(errno));
        if (run.exit_reason == VM_EXIT_END)
            break;
    }
    if (run.end != VM_END_DEBUG_EXIT && run.end != VM_END_HALT)
        fprintf(stderr, "vm: restored guest stopped: end %u (exit %#x, rip %#x)\n", run.end, run.hw_exit, run.rip);
    if (stats) {
        struct vm_stats s;
        if (ioctl(vmfd, VM_GET_STATS, &s) == 0) {
            fprintf(stderr, "vm %u: %llu runs, %llu guest cycles\n", s.vm, (unsigned long long)s.runs,
                    (unsigned long long)s.guest_cycles);
            vm_print_mem_stats(stderr, &s, 1);
        }
    }
    if (out && run.end == VM_END_DEBUG_EXIT && vm_snapshot_save(vmfd, h.mem_size, out))
        return EX_RUN;
    return (int)run.status;
}
