/* vm.h: physical frames (frame.c) and page tables (vm.c). */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include <stdint.h>

struct proc;

/* ---- frame.c: every physical frame has a reference count and an owner ---- */
enum frame_kind {
    FRAME_FREE, FRAME_RESERVED,            /* below the allocator: BIOS, kernel image, modules */
    FRAME_KERNEL,                          /* kernel heap, kernel stacks */
    FRAME_PGTABLE,                         /* a process's page directory or page table */
    FRAME_USER,                            /* a process's page (shared copy-on-write when ref > 1) */
    FRAME_VM,                              /* a VM's guest memory and nested tables (hyperv/), owner = the VMM
                                              * pid, so a cgroup charges it through that pid */
    FRAME_KINDS
};
struct frame {
    uint16_t ref;
    uint8_t kind;                          /* enum frame_kind */
    uint8_t memcg;                         /* cgroup charged (containers/cgroup.h index), 0 = none */
    int32_t owner;                         /* pid that allocated it (0 = the kernel) */
};
struct frame_stats {
    uint32_t total, free;
    uint32_t by_kind[FRAME_KINDS];
    uint32_t cow_copies;                   /* pages copied on a write fault since boot */
    uint32_t cow_shared;                   /* pages shared by fork since boot */
};
void frame_init(uint32_t first_free_pa, uint32_t mem_end);
uint32_t frame_alloc(int kind, int owner); /* physical address of a zeroed frame, 0 when none */
void frame_ref(uint32_t pa);
void frame_unref(uint32_t pa);             /* frees it when the count reaches 0 */
struct frame *frame_of(uint32_t pa);
void frame_get_stats(struct frame_stats *s);
extern struct frame_stats frame_counters;  /* cow counters, updated by vm.c */
extern uint32_t mem_end_pa;

/* ---- vm.c ---- */
#define PTE_COW 0x200u                     /* software bit (AVL): read-only until a write copies */
void vm_init(void);
uint32_t *vm_new_pgdir(int owner);         /* kernel half filled in; NULL when out of memory */
void vm_free(uint32_t *pgdir);             /* user pages, page tables and the directory */
int vm_alloc_range(uint32_t *pgdir, uint32_t start, uint32_t end, uint32_t perm, int owner);
void vm_dealloc_range(uint32_t *pgdir, uint32_t start, uint32_t end);
int vm_fork_cow(uint32_t *child, uint32_t *parent, int owner);   /* 0 or -ENOMEM */
int vm_fault(struct proc *p, uint32_t va, uint32_t err);         /* 0 handled, -EFAULT */
/* The physical address behind user va for an access (demand-zero and COW done), or 0. */
uint32_t vm_user_pa(struct proc *p, uint32_t va, int write);
void vm_switch(struct proc *p);            /* CR3 and the TSS stack for p */
uint32_t vm_user_pages(uint32_t *pgdir);   /* present user pages, for /proc/PID/status */

#endif
