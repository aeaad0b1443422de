/* vcpu_state.c: the part of a VM snapshot beyond guest RAM and struct vm_regs -- what a
 * resumed 32-bit OS needs and /dev/vm keeps in the VMCB and the in-kernel devices: segment
 * registers, GDTR/IDTR, CR0/CR2/CR3/CR4, the SYSENTER MSRs, DR6/DR7, the interrupt shadow
 * (VCPU_GET_SREGS), the 8259A pair, the 8254, the 16550 with its receive buffer and a pending
 * event (VM_GET_DEVICES). Firecracker saves the same through KVM_GET_SREGS, KVM_GET_IRQCHIP,
 * KVM_GET_PIT2, KVM_GET_VCPU_EVENTS and its own serial device's state.
 *
 * Blob: "VCS1", u32 length of the whole blob, struct vm_sregs, struct vm_devices (the uapi
 * structs as they are: the file is read by the same build of vm that wrote it; the length
 * catches a struct that changed). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include "kernel/uapi/vm.h"
#include "hyperv/vm/vcpu_state.h"

static const char MAGIC[4] = "VCS1";
struct blob {
    char magic[4];
    uint32_t len;
    struct vm_sregs sregs;
    struct vm_devices dev;
};
_Static_assert(sizeof(struct blob) <= VCPU_STATE_MAX, "the vCPU state fits the snapshot header's room");

int vcpu_state_save(int vmfd, void *buf, uint32_t size)
{
    struct blob b;
    memset(&b, 0, sizeof b);
    if (size < sizeof b) {
        fprintf(stderr, "vm: vCPU state: %u bytes do not hold it (%u)\n", (unsigned)size, (unsigned)sizeof b);
        return -1;
    }
    if (ioctl(vmfd, VCPU_GET_SREGS, &b.sregs) < 0) {
        if (errno == EINVAL)
            return 0;                      /* shadow paging: see uapi/vm.h */
        fprintf(stderr, "vm: VCPU_GET_SREGS: %s\n", strerror(errno));
        return -1;
    }
    if (ioctl(vmfd, VM_GET_DEVICES, &b.dev) < 0) {
        fprintf(stderr, "vm: VM_GET_DEVICES: %s\n", strerror(errno));
        return -1;
    }
    memcpy(b.magic, MAGIC, sizeof MAGIC);
    b.len = sizeof b;
    memcpy(buf, &b, sizeof b);
    return (int)sizeof b;
}

static int valid(const void *buf, uint32_t size)
{
    const struct blob *b = buf;
    return size == sizeof *b && !memcmp(b->magic, MAGIC, sizeof MAGIC) && b->len == sizeof *b;
}

int vcpu_state_load(int vmfd, const void *buf, uint32_t size, const char *what)
{
    struct blob b;
    if (!valid(buf, size)) {
        fprintf(stderr, "vm: %s: the vCPU state is not one this vm wrote (bad magic or length)\n", what);
        return -1;
    }
    memcpy(&b, buf, sizeof b);
    if (ioctl(vmfd, VCPU_SET_SREGS, &b.sregs) < 0) {
        fprintf(stderr, "vm: %s: VCPU_SET_SREGS refused the saved segment and control registers (%s)\n", what,
                strerror(errno));
        return -1;
    }
    b.dev.flags = 0;                       /* read-only: the new VM has made no hypercall */
    if (ioctl(vmfd, VM_SET_DEVICES, &b.dev) < 0) {
        fprintf(stderr, "vm: %s: VM_SET_DEVICES refused the saved PIC, PIT or UART state (%s)\n", what,
                strerror(errno));
        return -1;
    }
    return 0;
}

int vcpu_state_in_snapshot_call(const void *buf, uint32_t size)
{
    const struct blob *b = buf;
    return valid(buf, size) && (b->dev.flags & VM_DEV_SNAPSHOT_HC);
}

/* tests/hyperv/restore.lua writes snapshot files by hand with this layout (i386, no padding
 * beyond the natural alignment): keep the two in step. */
_Static_assert(sizeof(struct vm_sregs) == 160 && sizeof(struct vm_devices) == 312 && sizeof(struct blob) == 480,
               "the vCPU state's layout");
