/* paging.h: the little paging setup the shadow-paging workloads share (tlbmiss.c, cr3churn.c):
 * guest RAM's first 16 MiB identity-mapped with 4 MiB pages (CR4.PSE), and 4 KiB pages under
 * WORK_VA, mapped by the caller. Bits from arch/x86.h. */
#ifndef HV_GUEST_PAGING_H
#define HV_GUEST_PAGING_H
#include "vxlib.h"
#include "arch/x86.h"

#define WORK_VA   0x40000000u          /* PDE 256: the 4 KiB pages the workloads touch */
#define FRAMES_PA 0x00800000u          /* the frames they map: 8 MiB .. 12 MiB of guest RAM */

static inline void wr_cr0(uint32_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline uint32_t rd_cr0(void) { uint32_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline void wr_cr3(uint32_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void wr_cr4(uint32_t v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }
static inline uint32_t rd_cr4(void) { uint32_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void invlpg(uint32_t va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }

/* A page directory: identity 4 MiB pages for [0, 16 MiB) and page table pt at WORK_VA. */
static inline void make_pd(uint32_t *pd, uint32_t *pt)
{
    for (uint32_t i = 0; i < 4; i++)
        pd[i] = (i << 22) | PTE_PS | PTE_P | PTE_W;
    pd[PDX(WORK_VA)] = (uint32_t)(uintptr_t)pt | PTE_P | PTE_W;
}

static inline void paging_on(uint32_t *pd)
{
    wr_cr4(rd_cr4() | CR4_PSE);
    wr_cr3((uint32_t)(uintptr_t)pd);
    wr_cr0(rd_cr0() | CR0_PG | CR0_WP);
}
#endif
