/* paging.h: what the shadow-vs-nested workloads share (tlb.c, cr3.c): the command line's
 * `name=N` arguments, guest RAM's first 16 MiB identity-mapped with 4 MiB pages (CR4.PSE), the
 * workload's pages at WORK_VA, and a marker line sent through the paravirtual console (one
 * VMMCALL, kernel/uapi/vm.h) so the lab can stop while the VM's tables are live. Bits from
 * arch/x86.h (Intel SDM vol. 3 §4.3, 32-bit paging). */
#ifndef LAB_SVN_PAGING_H
#define LAB_SVN_PAGING_H
#include "vxlib.h"
#include "arch/x86.h"
#include "kernel/uapi/vm.h"

#define WORK_VA   0x40000000u          /* PDE 256: the pages the workloads touch */
#define FRAMES_PA 0x00800000u          /* the frames they map: from 8 MiB of guest RAM (4 MiB aligned) */

static inline uint32_t arg(const char *name, uint32_t dflt)
{
    const char *s = strstr(vx_cmdline_args(), name);
    return s ? (uint32_t)strtoul(s + strlen(name), NULL, 10) : dflt;
}

static inline uint32_t rd_cr0(void) { uint32_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline void wr_cr0(uint32_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline void wr_cr3(uint32_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline uint32_t rd_cr4(void) { uint32_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void wr_cr4(uint32_t v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }

/* A page directory: identity 4 MiB pages for [0, 16 MiB) (this program, its stack). */
static inline void make_pd(uint32_t *pd)
{
    for (uint32_t i = 0; i < 4; i++)
        pd[i] = (i << 22) | PTE_PS | PTE_P | PTE_W;
}

static inline void paging_on(uint32_t *pd)
{
    wr_cr4(rd_cr4() | CR4_PSE);
    wr_cr3((uint32_t)(uintptr_t)pd);
    wr_cr0(rd_cr0() | CR0_PG | CR0_WP);
}

/* One paravirtual console write: the VMM prints it at once, while this VM waits in the host. */
static inline void marker(const char *s)
{
    uint32_t r;
    __asm__ volatile("vmmcall" : "=a"(r) : "a"(VM_HC_CONSOLE_WRITE), "b"(s), "c"(strlen(s)) : "memory");
}
#endif
