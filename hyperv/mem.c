/* mem.c: guest memory. Guest RAM [0, size) is made of host frames of kind FRAME_VM whose owner
 * is the VMM's pid, so the frame table (and later the VMM's cgroup) sees and charges them, as a
 * container's pages are charged. The nested page tables (APM vol. 2 §15.25) map each guest-
 * physical page to its frame; in the subset they have the host's format, 2-level 32-bit, and
 * every entry needs U=1 because nested walks are user accesses (cpu/README.md). With shadow
 * paging (shadow.c) the same table is the guest-physical -> host map the shadow entries are
 * built through (KVM's memslots), and the CPU walks it as the identity shadow while the guest
 * runs with paging off. Everything is allocated at VM_SET_MEMORY: a VM that cannot have its
 * memory fails at creation, not later. */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "hyperv/hv.h"

#define NPT_FLAGS (PTE_P | PTE_W | PTE_U)

/* The page table covering gpa, or NULL. */
static uint32_t *npt_table(struct vm *vm, uint32_t gpa)
{
    uint32_t pde = vm->npt[PDX(gpa)];
    return (pde & PTE_P) ? P2V(pde & ~0xFFFu) : NULL;
}

uint8_t *hv_gpa_ptr(struct vm *vm, uint32_t gpa)
{
    if (!vm->npt || gpa >= vm->mem_size)
        return NULL;
    uint32_t *pt = npt_table(vm, gpa);
    if (!pt || !(pt[PTX(gpa)] & PTE_P))
        return NULL;
    return (uint8_t *)P2V(pt[PTX(gpa)] & ~0xFFFu) + (gpa & 0xFFFu);
}

void hv_mem_free(struct vm *vm)
{
    hv_shadow_free(vm);
    if (!vm->npt)
        return;
    for (uint32_t d = 0; d < 1024; d++) {
        uint32_t pde = vm->npt[d];
        if (!(pde & PTE_P))
            continue;
        uint32_t *pt = P2V(pde & ~0xFFFu);
        for (uint32_t t = 0; t < 1024; t++)
            if (pt[t] & PTE_P)
                frame_unref(pt[t] & ~0xFFFu);
        frame_unref(pde & ~0xFFFu);
    }
    frame_unref(V2P(vm->npt));
    vm->npt = NULL;
    vm->mem_size = 0;
}

int hv_mem_alloc(struct vm *vm, uint32_t size)
{
    uint32_t pd = frame_alloc(FRAME_VM, vm->owner);
    if (!pd)
        return -ENOMEM;
    vm->npt = P2V(pd);
    vm->mem_size = size;
    for (uint32_t gpa = 0; gpa < size; gpa += PAGE_SIZE) {
        if (!(vm->npt[PDX(gpa)] & PTE_P)) {
            uint32_t pt = frame_alloc(FRAME_VM, vm->owner);
            if (!pt)
                goto nomem;
            vm->npt[PDX(gpa)] = pt | NPT_FLAGS;
        }
        uint32_t page = frame_alloc(FRAME_VM, vm->owner);
        if (!page)
            goto nomem;
        npt_table(vm, gpa)[PTX(gpa)] = page | NPT_FLAGS;
        if ((gpa & 0xFFFFFu) == 0)
            cond_resched();
    }
    return 0;
nomem:
    hv_mem_free(vm);
    return -ENOMEM;
}

/* VM_WRITE_MEMORY / VM_READ_MEMORY: page by page through the kernel's direct map. */
int hv_copy_user(struct vm *vm, uint32_t gpa, uint32_t ubuf, uint32_t len, int to_guest)
{
    if (gpa >= vm->mem_size || len > vm->mem_size - gpa)
        return -EFAULT;
    while (len) {
        uint32_t chunk = PAGE_SIZE - (gpa & 0xFFFu);
        if (chunk > len)
            chunk = len;
        uint8_t *p = hv_gpa_ptr(vm, gpa);
        int r = to_guest ? copyin(p, ubuf, chunk) : copyout(ubuf, p, chunk);
        if (r < 0)
            return r;
        gpa += chunk, ubuf += chunk, len -= chunk;
    }
    return 0;
}
