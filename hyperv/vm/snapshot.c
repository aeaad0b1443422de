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
 * already past the OUT (IOIO continues at EXITINFO2). A restore makes a fresh VM of the same
 * size (VM_SET_MEMORY: new frames, zeroed), writes back only the pages that were not all zeros
 * (a fresh VM's RAM is zeros already: the snapshot is sparse, as a sparse file or Firecracker's
 * memory file), sets the registers and runs: the guest continues after its OUT.
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
 * File: "VMSNAP1\0", u32 mem_size, struct vm_regs, then (u32 gpa, 4096 bytes) per saved page,
 * then u32 0xFFFFFFFF, then u32 n and n bytes of vCPU state (n = 0: none; a file without the
 * two restores as one with n = 0). */
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
#define END_MARK 0xFFFFFFFFu
static const char MAGIC[8] = "VMSNAP1";

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

int vm_snapshot_save(int vmfd, uint32_t mem_size, const char *path)
{
    struct vm_regs r;
    if (ioctl(vmfd, VCPU_GET_REGS, &r) < 0)
        return fail(EX_RUN, "VCPU_GET_REGS", strerror(errno));
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return fail(EX_RUN, path, strerror(errno));
    static uint8_t state[VCPU_STATE_MAX];
    int state_len = vcpu_state_save(vmfd, state, sizeof state);
    if (state_len < 0)
        return EX_RUN;
    static uint32_t page[PAGE / 4];
    uint32_t saved = 0, end = END_MARK, n = (uint32_t)state_len;
    int bad = write_all(fd, MAGIC, sizeof MAGIC) || write_all(fd, &mem_size, 4) || write_all(fd, &r, sizeof r);
    for (uint32_t gpa = 0; !bad && gpa < mem_size; gpa += PAGE) {
        struct vm_copy c = { gpa, PAGE, (uint32_t)(uintptr_t)page };
        if (ioctl(vmfd, VM_READ_MEMORY, &c) < 0) {
            close(fd);
            return fail(EX_RUN, "VM_READ_MEMORY", strerror(errno));
        }
        if (all_zero(page))
            continue;
        bad = write_all(fd, &gpa, 4) || write_all(fd, page, PAGE);
        saved++;
    }
    bad = bad || write_all(fd, &end, 4) || write_all(fd, &n, 4) || write_all(fd, state, n);
    if (close(fd) < 0 || bad)
        return fail(EX_RUN, path, "cannot write the snapshot");
    fprintf(stderr, "vm: snapshot %s: %u of %u pages, eip %#x%s\n", path, saved, mem_size / PAGE, r.eip,
            n ? "" : " (no vCPU state: shadow paging)");
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
    char magic[8];
    uint32_t mem_size;
    struct vm_regs r;
    if (read_all(fd, magic, 8) || memcmp(magic, MAGIC, 8) || read_all(fd, &mem_size, 4) || read_all(fd, &r, sizeof r) ||
        mem_size == 0 || mem_size % PAGE || mem_size > VM_MAX_MEMORY)
        return fail(EX_IMAGE, path, "not a vm snapshot");
    int vmfd = open("/dev/vm", O_RDWR);
    if (vmfd < 0)
        return fail(EX_CREATE, "/dev/vm", strerror(errno));
    if (ioctl(vmfd, VM_CREATE, &vc) < 0)
        return fail(EX_CREATE, "VM_CREATE", strerror(errno));
    struct vm_memory m = { mem_size };
    if (ioctl(vmfd, VM_SET_MEMORY, &m) < 0)
        return fail(EX_CREATE, "VM_SET_MEMORY", errno == ENOMEM ? "not enough host memory for the guest" : strerror(errno));
    static uint32_t page[PAGE / 4];
    for (;;) {
        uint32_t gpa;
        if (read_all(fd, &gpa, 4))
            return fail(EX_IMAGE, path, "truncated");
        if (gpa == END_MARK)
            break;
        struct vm_copy c = { gpa, PAGE, (uint32_t)(uintptr_t)page };
        if (gpa % PAGE || gpa >= mem_size || read_all(fd, page, PAGE) || ioctl(vmfd, VM_WRITE_MEMORY, &c) < 0)
            return fail(EX_IMAGE, path, "a page is truncated or outside the VM's memory");
    }
    static uint8_t state[VCPU_STATE_MAX];
    uint32_t n = 0;
    ssize_t got = read(fd, &n, 4);         /* none at all: a file from before the vCPU state */
    if (got != 0 && (got != 4 || n > sizeof state || read_all(fd, state, n)))
        return fail(EX_IMAGE, path, "the vCPU state is truncated");
    close(fd);
    if (genid || (n && vcpu_state_in_snapshot_call(state, n)))
        r.eax = gen;                       /* the hypercall's answer in a clone: its generation ID */
    if (ioctl(vmfd, VCPU_CREATE, 0) < 0 || ioctl(vmfd, VCPU_SET_REGS, &r) < 0)
        return fail(EX_CREATE, "VCPU_CREATE", strerror(errno));
    if (n && vcpu_state_load(vmfd, state, n, path) < 0)
        return EX_IMAGE;
    return vm_run_attached(vmfd, mem_size, out, stats);
}
