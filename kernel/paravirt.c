/* paravirt.c: the toy OS as a guest of a hypervisor that is its own kind (hyperv/): the one
 * place it asks for something by VMMCALL rather than by a device.
 *
 * snapshot=ready on the command line: the first time a task blocks reading the console (the
 * shell waiting at its prompt: the booted system is "ready"), the kernel makes the
 * VM_HC_SNAPSHOT hypercall. The VMM (`vm run --snapshot FILE`) saves the VM there and runs it
 * on; the call returns 0. A VM restored from that file returns from the same call with its VM
 * generation ID (`vm restore --genid N`, 1 by default): the kernel learns it is a clone and
 * says so, as Linux's vmgenid driver reseeds its RNG when the ID changes (VMGenID).
 * Only under a hypervisor: CPUID leaf 1 ECX bit 31, which hyperv/vcpu.c sets for its guests
 * (on a bare CPU VMMCALL is #UD); without it the option is ignored with one log line. */
#include "kernel/kernel.h"
#include "kernel/uapi/vm.h"
#include "arch/x86.h"

int paravirt_snapshot_ready;               /* snapshot=ready (main.c) */
uint32_t paravirt_generation;              /* 0: the original; N: a clone restored as N */

static int under_hypervisor(void)
{
    uint32_t a = 1, b, c = 0, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return (c & CPUID_1_ECX_HYPERVISOR) != 0;
}

void paravirt_ready_point(void)
{
    static int done;
    if (!paravirt_snapshot_ready || done)
        return;
    done = 1;
    if (!under_hypervisor()) {
        klog("snapshot=ready: no hypervisor (CPUID.1:ECX bit 31 clear): ignored\n");
        return;
    }
    uint32_t r;
    __asm__ volatile("vmmcall" : "=a"(r) : "a"(VM_HC_SNAPSHOT) : "memory");
    paravirt_generation = r;
    if (r)
        printk("vm generation id %u: restored from a snapshot\n", r);
}
