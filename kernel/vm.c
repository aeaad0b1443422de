/* vm.c: page tables. The kernel's directory maps all RAM at KERNBASE with 4 MiB pages (PSE);
 * every process directory shares those kernel entries and adds its own 4 KiB user pages
 * below KERNBASE. fork copies no user page: both directories map each page read-only with
 * PTE_COW, and the first write (a #PF with P and W set, SDM 3A §4.7) copies it, or just makes
 * it writable again when the writer is the last one holding it. */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "kernel/uapi/errno.h"

__attribute__((aligned(4096))) static uint32_t kpgdir[1024];
#define KPDX PDX(KERNBASE)

void vm_init(void)
{
    for (uint32_t pa = 0; pa < mem_end_pa && pa < KERN_DIRECT_MAX; pa += PAGE_SIZE_4M)
        kpgdir[PDX(KERNBASE + pa)] = pa | PTE_P | PTE_W | PTE_PS;
    lcr3(V2P(kpgdir));
}

uint32_t *vm_new_pgdir(int owner)
{
    uint32_t pa = frame_alloc(FRAME_PGTABLE, owner);
    if (!pa)
        return NULL;
    uint32_t *pd = P2V(pa);
    memcpy(pd + KPDX, kpgdir + KPDX, (1024 - KPDX) * 4);
    return pd;
}

/* The PTE for va, allocating its page table when create; NULL if absent or out of memory. */
static uint32_t *walk(uint32_t *pgdir, uint32_t va, int create, int owner)
{
    uint32_t *pde = &pgdir[PDX(va)];
    if (!(*pde & PTE_P)) {
        if (!create)
            return NULL;
        uint32_t pa = frame_alloc(FRAME_PGTABLE, owner);
        if (!pa)
            return NULL;
        *pde = pa | PTE_P | PTE_W | PTE_U;
    }
    return (uint32_t *)P2V(*pde & PTE_ADDR) + PTX(va);
}

int vm_alloc_range(uint32_t *pgdir, uint32_t start, uint32_t end, uint32_t perm, int owner)
{
    for (uint32_t va = PGROUNDDOWN(start); va < end; va += PAGE_SIZE) {
        uint32_t *pte = walk(pgdir, va, 1, owner);
        if (!pte)
            return -ENOMEM;
        if (*pte & PTE_P)
            continue;
        uint32_t pa = frame_alloc(FRAME_USER, owner);
        if (!pa)
            return -ENOMEM;
        *pte = pa | perm | PTE_P | PTE_U;
    }
    return 0;
}

void vm_dealloc_range(uint32_t *pgdir, uint32_t start, uint32_t end)
{
    for (uint32_t va = PGROUNDUP(start); va < end && va >= start; va += PAGE_SIZE) {
        uint32_t *pte = walk(pgdir, va, 0, 0);
        if (!pte) {
            va = (va & ~(PAGE_SIZE_4M - 1)) + PAGE_SIZE_4M - PAGE_SIZE;   /* skip the empty table */
            continue;
        }
        if (*pte & PTE_P) {
            frame_unref(*pte & PTE_ADDR);
            *pte = 0;
            if (pgdir == current->pgdir)
                invlpg(va);
        }
    }
}

void vm_free(uint32_t *pgdir)
{
    for (uint32_t i = 0; i < KPDX; i++) {
        if (!(pgdir[i] & PTE_P))
            continue;
        uint32_t *pt = P2V(pgdir[i] & PTE_ADDR);
        for (int j = 0; j < 1024; j++)
            if (pt[j] & PTE_P)
                frame_unref(pt[j] & PTE_ADDR);
        frame_unref(pgdir[i] & PTE_ADDR);
    }
    frame_unref(V2P(pgdir));
}

int vm_fork_cow(uint32_t *child, uint32_t *parent, int owner)
{
    for (uint32_t i = 0; i < KPDX; i++) {
        if (!(parent[i] & PTE_P))
            continue;
        uint32_t *ppt = P2V(parent[i] & PTE_ADDR);
        uint32_t ptpa = frame_alloc(FRAME_PGTABLE, owner);
        if (!ptpa)
            return -ENOMEM;
        child[i] = ptpa | PTE_P | PTE_W | PTE_U;
        uint32_t *cpt = P2V(ptpa);
        for (int j = 0; j < 1024; j++) {
            if (!(ppt[j] & PTE_P))
                continue;
            if (ppt[j] & (PTE_W | PTE_COW)) {
                ppt[j] = (ppt[j] & ~PTE_W) | PTE_COW;
                frame_counters.cow_shared++;
            }
            cpt[j] = ppt[j];
            frame_ref(ppt[j] & PTE_ADDR);
        }
    }
    if (current->pgdir == parent)
        lcr3(V2P(parent));                 /* the parent's PTEs lost W: flush its TLB */
    return 0;
}

static int in_demand_zone(struct proc *p, uint32_t va)
{
    if (va >= USTACK_TOP - USTACK_MAX && va < USTACK_TOP)
        return 1;
    return va >= p->brk_start && va < p->brk;
}

/* Make user page va usable for the access: demand-zero, or break copy-on-write for a write. */
static uint32_t *fault_in(struct proc *p, uint32_t va, int write)
{
    if (va >= KERNBASE)
        return NULL;
    uint32_t *pte = walk(p->pgdir, va, 0, 0);
    if (!pte || !(*pte & PTE_P)) {
        if (!in_demand_zone(p, va))
            return NULL;
        if (vm_alloc_range(p->pgdir, va, va + 1, PTE_W, p->pid) < 0)
            return NULL;
        p->minflt++;
        return walk(p->pgdir, va, 0, 0);
    }
    if (!(*pte & PTE_U))
        return NULL;
    if (write && !(*pte & PTE_W)) {
        if (!(*pte & PTE_COW))
            return NULL;
        uint32_t old = *pte & PTE_ADDR;
        if (frame_of(old)->ref == 1) {
            *pte = (*pte | PTE_W) & ~PTE_COW;  /* the last sharer keeps the frame */
        } else {
            uint32_t pa = frame_alloc(FRAME_USER, p->pid);
            if (!pa)
                return NULL;
            memcpy(P2V(pa), P2V(old), PAGE_SIZE);
            *pte = pa | (*pte & (PAGE_SIZE - 1) & ~PTE_COW) | PTE_W;
            frame_unref(old);
            p->cow_copies++;
            frame_counters.cow_copies++;
        }
        p->minflt++;
        if (p == current)
            invlpg(PGROUNDDOWN(va));
    }
    return pte;
}

int vm_fault(struct proc *p, uint32_t va, uint32_t err)
{
    return fault_in(p, va, (err & PF_W) != 0) ? 0 : -EFAULT;
}

uint32_t vm_user_pa(struct proc *p, uint32_t va, int write)
{
    uint32_t *pte = fault_in(p, va, write);
    return pte ? (*pte & PTE_ADDR) | (va & (PAGE_SIZE - 1)) : 0;
}

uint32_t vm_user_pages(uint32_t *pgdir)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < KPDX; i++) {
        if (!(pgdir[i] & PTE_P))
            continue;
        uint32_t *pt = P2V(pgdir[i] & PTE_ADDR);
        for (int j = 0; j < 1024; j++)
            n += (pt[j] & PTE_P) != 0;
    }
    return n;
}

void vm_switch(struct proc *p)
{
    tss_set_kstack((uint32_t)p->kstack + KSTACK_SIZE);
    lcr3(V2P(p->pgdir ? p->pgdir : kpgdir));
}
