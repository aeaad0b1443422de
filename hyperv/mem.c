/* mem.c: guest memory. Guest RAM [0, size) is made of host frames of kind FRAME_VM whose owner
 * is the VMM's pid, so the frame table (and the VMM's cgroup) sees and charges them, as a
 * container's pages are charged. The nested page tables (APM vol. 2 §15.25) map each guest-
 * physical page to its frame; in the subset they have the host's format, 2-level 32-bit, and
 * every entry needs U=1 because nested walks are user accesses (cpu/README.md). With shadow
 * paging (shadow.c) the same table is the guest-physical -> host map the shadow entries are
 * built through (KVM's memslots), and the CPU walks it as the identity shadow while the guest
 * runs with paging off.
 *
 * Three kinds of nested PTE:
 *   not present           never touched (VM_MEM_LAZY): reads as zeros, the guest's first access
 *                         is a nested #NPF that gives it a zeroed frame (demand zero);
 *   P U W                 a private frame of the VM (FRAME_VM, charged);
 *   P U COW (W clear)     a page of a ramfs file mapped by VM_MAP_FILE, shared read-only with the
 *                         file and every other VM that mapped it (one frame_ref each); the first
 *                         write is an #NPF with the W bit that copies it to a private frame.
 * Eager memory (the default, QEMU's -mem-prealloc) fills every PTE at VM_SET_MEMORY, so a VM
 * that cannot have its memory fails at creation, not later.
 *
 * Every guest-physical lookup -- the #NPF exit, VM_READ/WRITE_MEMORY, the devices reading guest
 * buffers, shadow paging's walks -- goes through hv_gpa_frame, the one resolver. */
#include "kernel/kernel.h"
#include "kernel/fs.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "containers/cgroup.h"
#include "hyperv/hv.h"

#define NPT_FLAGS  (PTE_P | PTE_W | PTE_U)          /* a private page, and every table */
#define NPT_SHARED (PTE_P | PTE_U | PTE_COW)        /* a file's page: read-only until written */

/* What a read of a never-touched page sees. Never written: nothing maps it into a guest. */
static uint8_t zero_page[PAGE_SIZE] __attribute__((aligned(4096)));

/* Pages under memory.max that a lazy page may not take: left to the VMM process itself, which
 * is charged in the same cgroup and must still be able to fault in its stack and buffers to
 * report the VM's end -- without them the cgroup's OOM killer, not the VM's end, would have the
 * last word. (Eager memory is checked whole at VM_SET_MEMORY, without a reserve.) */
#define VMM_RESERVE 32

/* One frame for the VM (RAM or a nested table), charged to its VMM; 0 when it does not fit.
 * Checked before a frame is taken (mem_fits, containers/cgroup.c), so a VM never sets the OOM
 * killer on its own cgroup: a lazy page that does not fit ends the VM (VM_END_OOM). The caller is
 * the VMM (the vCPU task or its ioctls), whose pid owns the frames. Once the VM runs, a frame
 * must leave the VMM its reserve. */
static uint32_t vm_frame(struct vm *vm)
{
    return mem_fits(current, vm->has_vcpu ? 1 + VMM_RESERVE : 1) ? frame_alloc(FRAME_VM, vm->owner) : 0;
}

/* The nested PTE for gpa; with alloc, its page table is made if need be. NULL: no table. */
static uint32_t *npt_pte(struct vm *vm, uint32_t gpa, int alloc)
{
    uint32_t pde = vm->npt[PDX(gpa)];
    if (!(pde & PTE_P)) {
        uint32_t pt = alloc ? vm_frame(vm) : 0;
        if (!pt)
            return NULL;
        vm->npt[PDX(gpa)] = pde = pt | NPT_FLAGS;
    }
    return (uint32_t *)P2V(pde & PTE_ADDR) + PTX(gpa);
}

/* Drop what PTE *pte maps (one reference) and keep the counters. */
static void pte_drop(struct vm *vm, uint32_t *pte)
{
    if (!(*pte & PTE_P))
        return;
    if (*pte & PTE_COW)
        vm->stats.mem_shared--;
    else
        vm->stats.mem_pages--;
    frame_unref(*pte & PTE_ADDR);
    *pte = 0;
}

/* Make gpa accessible as the guest's access would: a not-present page gets a zeroed frame
 * (demand zero), a write to a shared page gets a private copy (copy on write) and drops the
 * file page. 0 done, 1 the page allowed the access already, -EFAULT beyond guest RAM, -ENOMEM
 * when no frame can be had. */
int hv_gpa_fault(struct vm *vm, uint32_t gpa, int write)
{
    if (!vm->npt || gpa >= vm->mem_size)
        return -EFAULT;
    uint32_t *pte = npt_pte(vm, gpa, 1);
    if (!pte)
        return -ENOMEM;
    if ((*pte & PTE_P) && (!write || (*pte & PTE_W)))
        return 1;
    uint32_t page = vm_frame(vm);                   /* zeroed by frame_alloc */
    if (!page)
        return -ENOMEM;
    if (*pte & PTE_P) {
        memcpy(P2V(page), P2V(*pte & PTE_ADDR), PAGE_SIZE);
        pte_drop(vm, pte);
        vm->stats.mem_cow++;
    } else {
        vm->stats.mem_zeroed++;
    }
    *pte = page | NPT_FLAGS;
    vm->stats.mem_pages++;
    return 0;
}

/* The resolver: the kernel address of gpa's byte as an access of the guest would see it. A
 * write makes the page the VM's own first (hv_gpa_fault); a read of a never-touched page sees
 * the zero page and allocates nothing; a read of a shared page sees the file's frame. NULL
 * beyond guest RAM, or for a write that could not have its page. */
uint8_t *hv_gpa_frame(struct vm *vm, uint32_t gpa, int write)
{
    if (!vm->npt || gpa >= vm->mem_size)
        return NULL;
    if (write && hv_gpa_fault(vm, gpa, 1) < 0)
        return NULL;
    uint32_t *pte = npt_pte(vm, gpa, 0);
    if (!pte || !(*pte & PTE_P))
        return zero_page + (gpa & 0xFFFu);
    return (uint8_t *)P2V(*pte & PTE_ADDR) + (gpa & 0xFFFu);
}

uint8_t *hv_gpa_ptr(struct vm *vm, uint32_t gpa) { return hv_gpa_frame(vm, gpa, 0); }

void hv_mem_free(struct vm *vm)
{
    hv_shadow_free(vm);
    if (!vm->npt)
        return;
    for (uint32_t d = 0; d < 1024; d++) {
        uint32_t pde = vm->npt[d];
        if (!(pde & PTE_P))
            continue;
        uint32_t *pt = P2V(pde & PTE_ADDR);
        for (uint32_t t = 0; t < 1024; t++)
            pte_drop(vm, &pt[t]);                  /* private or shared: one reference each */
        frame_unref(pde & PTE_ADDR);
    }
    frame_unref(V2P(vm->npt));
    vm->npt = NULL;
    vm->mem_size = 0;
}

int hv_mem_alloc(struct vm *vm, uint32_t size, uint32_t flags)
{
    uint32_t pd = vm_frame(vm);
    if (!pd)
        return -ENOMEM;
    vm->npt = P2V(pd);
    vm->mem_size = size;
    vm->mem_flags = flags;
    if (flags & VM_MEM_LAZY)
        return 0;                                  /* demand zero: the #NPF fills it */
    for (uint32_t gpa = 0; gpa < size; gpa += PAGE_SIZE) {
        uint32_t *pte = npt_pte(vm, gpa, 1);
        uint32_t page = pte ? vm_frame(vm) : 0;
        if (!page)
            goto nomem;
        *pte = page | NPT_FLAGS;
        vm->stats.mem_pages++;
        if ((gpa & 0xFFFFFu) == 0)
            cond_resched();
    }
    return 0;
nomem:
    hv_mem_free(vm);
    return -ENOMEM;
}

/* VM_MAP_FILE: the pages of ramfs file ip from byte offset, shared read-only at [gpa, gpa+len)
 * (mmap MAP_PRIVATE of a memory file). The file's pages are whole frames of the kernel heap
 * (kernel/ramfs.c), so a frame_ref keeps each alive after the file lets go of it. */
int hv_map_file(struct vm *vm, struct inode *ip, uint32_t offset, uint32_t gpa, uint32_t len)
{
    int err = 0;
    if (!vm->npt || vm->mode != VM_MODE_NPT || (offset | gpa | len) & 0xFFFu || len == 0 ||
        gpa >= vm->mem_size || len > vm->mem_size - gpa || len > 0xFFFFFFFFu - offset)
        return -EINVAL;
    ramfs_page(ip, 0, &err);
    if (err < 0)
        return err;                                /* not a ramfs regular file */
    for (uint32_t off = 0; off < len; off += PAGE_SIZE) {
        uint32_t *pte = npt_pte(vm, gpa + off, 1);
        if (!pte)
            return -ENOMEM;
        char *fp = ramfs_page(ip, (offset + off) / PAGE_SIZE, &err);
        if (!fp && (vm->mem_flags & VM_MEM_LAZY)) {
            pte_drop(vm, pte);                     /* a hole: demand zero */
        } else if (!fp) {
            if (!(*pte & PTE_P) || (*pte & PTE_COW)) {   /* eager RAM stays a private page */
                pte_drop(vm, pte);
                if (hv_gpa_fault(vm, gpa + off, 1) < 0)
                    return -ENOMEM;
                vm->stats.mem_zeroed--;            /* not a guest's touch */
            }
            memset(P2V(*pte & PTE_ADDR), 0, PAGE_SIZE);
        } else {
            uint32_t pa = V2P(fp);
            if ((*pte & PTE_ADDR) == pa && (*pte & PTE_P))
                continue;                          /* mapped twice: once is enough */
            pte_drop(vm, pte);
            frame_ref(pa);
            *pte = pa | NPT_SHARED;
            vm->stats.mem_shared++;
        }
        if ((off & 0xFFFFFu) == 0)
            cond_resched();
    }
    return 0;
}

/* VM_WRITE_MEMORY / VM_READ_MEMORY: page by page through the resolver, so a write allocates or
 * copies as the guest's own write would and a read of untouched memory allocates nothing. */
int hv_copy_user(struct vm *vm, uint32_t gpa, uint32_t ubuf, uint32_t len, int to_guest)
{
    if (gpa >= vm->mem_size || len > vm->mem_size - gpa)
        return -EFAULT;
    while (len) {
        uint32_t chunk = PAGE_SIZE - (gpa & 0xFFFu);
        if (chunk > len)
            chunk = len;
        uint8_t *p = hv_gpa_frame(vm, gpa, to_guest);
        if (!p)
            return -ENOMEM;
        int r = to_guest ? copyin(p, ubuf, chunk) : copyout(ubuf, p, chunk);
        if (r < 0)
            return r;
        gpa += chunk, ubuf += chunk, len -= chunk;
    }
    return 0;
}
