/* snapshot.c: VM snapshots for the toy OS's VMM, as Firecracker's snapshot/restore over KVM.
 *
 *   vm run --snapshot FILE IMAGE ...   when the guest makes the VM_HC_SNAPSHOT hypercall (the VM
 *                                      then runs on) or ends by the debug-exit port, save it to FILE
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
 * A booted OS freezes itself with the VM_HC_SNAPSHOT hypercall instead (the toy OS's
 * `snapshot=ready`, at its shell's first prompt): vm saves the VM and runs it on. A restore of
 * such a snapshot answers the hypercall with the generation ID in EAX (1 unless --genid says),
 * where the original got 0: the guest learns it is a clone.
 *
 * What is saved: guest RAM, struct vm_regs (the GPRs, EIP, EFLAGS) and the vCPU state of
 * vcpu_state.c (segment and control registers, descriptor tables, the PICs, PIT and UART), so a
 * restored VM resumes a booted OS with paging and interrupts on. A shadow-paging VM has no
 * vCPU state to give (VCPU_GET_SREGS refuses it): its snapshot restores only a guest in
 * VCPU_CREATE's state, flat 32-bit protected mode with paging off.
 *
 * File "VMSNAP2": a 4096-byte header page (struct vm_snap_header, snapshot.h, zero-padded: the
 * registers and state_len bytes of vCPU state), then each guest page that is not all zeros at
 * file offset 4096 + gpa (lseek past the others: holes, which ramfs keeps as holes, so the file
 * costs the saved pages only). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "kernel/uapi/vm.h"
#include "hyperv/vm/snapshot.h"
#include "hyperv/vm/vcpu_state.h"

#define EX_USAGE 2
#define EX_IMAGE 3
#define EX_CREATE 4
#define EX_RUN 5
#define PAGE 4096u

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
    memcpy(head.h.magic, VM_SNAP_MAGIC, sizeof VM_SNAP_MAGIC);
    head.h.mem_size = mem_size;
    if (ioctl(vmfd, VCPU_GET_REGS, &head.h.regs) < 0)
        return fail(EX_RUN, "VCPU_GET_REGS", strerror(errno));
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return fail(EX_RUN, path, strerror(errno));
    static uint8_t state[VCPU_STATE_MAX];
    int state_len = vcpu_state_save(vmfd, state, sizeof state);
    if (state_len < 0)
        return EX_RUN;
    static uint32_t page[PAGE / 4];
    uint32_t saved = 0;
    head.h.state_len = (uint32_t)state_len;
    memcpy(head.h.vcpu_state, state, (size_t)state_len);
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
    fprintf(stderr, "vm: snapshot %s: %u of %u pages, eip %#x%s\n", path, saved, mem_size / PAGE, head.h.regs.eip,
            state_len ? "" : " (no vCPU state: shadow paging)");
    return 0;
}

int vm_restore(int argc, char **argv)
{
    int stats = 0, i = 1, genid = 0;
    uint32_t gen = 1;
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
    if (read_all(fd, &h, sizeof h) || memcmp(h.magic, VM_SNAP_MAGIC, sizeof VM_SNAP_MAGIC) || h.mem_size == 0 || h.mem_size % PAGE ||
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
    uint32_t n = h.state_len;
    if (n > sizeof h.vcpu_state)
        return fail(EX_IMAGE, path, "the vCPU state is longer than its room in the header");
    if (genid || (n && vcpu_state_in_snapshot_call(h.vcpu_state, n)))
        r.eax = gen;                       /* the hypercall's answer in a clone: its generation ID */
    if (ioctl(vmfd, VCPU_CREATE, 0) < 0 || ioctl(vmfd, VCPU_SET_REGS, &r) < 0)
        return fail(EX_CREATE, "VCPU_CREATE", strerror(errno));
    if (n && vcpu_state_load(vmfd, h.vcpu_state, n, path) < 0)
        return EX_IMAGE;
    return vm_run_attached(vmfd, h.mem_size, out, stats);
}
