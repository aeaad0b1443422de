/* A tiny hypervisor library for guest programs that run VMs (the SVM guest tests, the
 * nested-paging lab): a minimal flat guest in a VMCB, IOPM/MSRPM pages, the svm_run world-switch
 * stub, host paging and nested page tables, host exception catching, and exit printing with the
 * masks that make vx86, QEMU and Bochs comparable (tests/guest/svm/README.md). Host and guests
 * share one flat address space (physical = virtual), so a guest's code is simply a snippet in
 * this image (SVM_GUEST). The VMCB layout and exit codes are arch/svm.h's (AMD APM vol. 2,
 * appendices B and C). Built from kernel/lib/svm/. */
#ifndef VX_SVM_H
#define VX_SVM_H

#include "vxlib.h"
#include "vx/io.h"
#include "arch/svm.h"
#include "arch/x86.h"

/* VMCB offsets, intercept bits, exit codes and EVENTINJ fields: arch/svm.h. EXITCODE is compared
 * by its low 32 bits (QEMU zero-extends the -1 of VMEXIT_INVALID): */
#define SVM_EXIT_INVALID_LO ((uint32_t)SVM_EXIT_INVALID)

/* Flat segments in VMCB attrib format: descriptor byte 5 in bits 7:0, byte 6's high nibble in 11:8. */
#define ATTR_CODE32   0x0C9B
#define ATTR_DATA32   0x0C93
#define ATTR_CODE32_3 0x0CFB   /* DPL 3 */
#define ATTR_DATA32_3 0x0CF3
/* Host GDT selectors (svm_host_init loads this GDT; guests share it for IDT gates). */
#define SEL_CODE   0x08
#define SEL_DATA   0x10
#define SEL_CODE3  0x1B
#define SEL_DATA3  0x23

typedef uint8_t svm_vmcb[4096];

/* The registers VMRUN/#VMEXIT do not switch: svm_run swaps them (APM vol. 2 §15.5.1). */
typedef struct {
    uint32_t ebx, ecx, edx, esi, edi, ebp;
} svm_gprs;

/* Guest code: a snippet in the host image, named NAME with NAME_end after it (AT&T syntax). */
#define SVM_GUEST(name, body)                                                             \
    extern char name[], name##_end[];                                                     \
    __asm__(".pushsection .text\n.balign 16\n.globl " #name "\n" #name ":\n" body "\n"    \
            ".globl " #name "_end\n" #name "_end:\n.popsection\n")

/* ---- VMCB field access ---- */
static inline uint8_t vmcb_r8(const svm_vmcb *v, unsigned off) { return (*v)[off]; }
static inline uint16_t vmcb_r16(const svm_vmcb *v, unsigned off) { return *(const uint16_t *)&(*v)[off]; }
static inline uint32_t vmcb_r32(const svm_vmcb *v, unsigned off) { return *(const uint32_t *)&(*v)[off]; }
static inline uint64_t vmcb_r64(const svm_vmcb *v, unsigned off) { return *(const uint64_t *)&(*v)[off]; }
static inline void vmcb_w8(svm_vmcb *v, unsigned off, uint8_t x) { (*v)[off] = x; }
static inline void vmcb_w16(svm_vmcb *v, unsigned off, uint16_t x) { *(uint16_t *)&(*v)[off] = x; }
static inline void vmcb_w32(svm_vmcb *v, unsigned off, uint32_t x) { *(uint32_t *)&(*v)[off] = x; }
static inline void vmcb_w64(svm_vmcb *v, unsigned off, uint64_t x) { *(uint64_t *)&(*v)[off] = x; }
void vmcb_set_seg(svm_vmcb *v, unsigned off, uint16_t sel, uint16_t attrib, uint32_t limit, uint32_t base);

/* ---- host side ---- */
/* Load our GDT and IDT (host exceptions: svm_fault_skip), mask the PIC, set EFER.SVME and
 * VM_HSAVE_PA. */
void svm_host_init(void);
/* Turn on host paging: identity map of the low 256 MiB with 4 MiB pages (CR4.PSE, CR0.PG).
 * Needed before nested paging (QEMU has no nested paging without it; Bochs and vx86 refuse NP
 * without host paging with VMEXIT_INVALID). */
void svm_host_paging_on(void);
uint64_t svm_rdmsr(uint32_t msr);
void svm_wrmsr(uint32_t msr, uint64_t value);

/* Host exception catching: while svm_fault_skip is non-zero, a host exception is recorded in
 * svm_fault_vector / svm_fault_error (-1 if none) and execution resumes svm_fault_skip bytes after
 * the faulting instruction; otherwise it panics. */
extern volatile uint32_t svm_fault_skip;
extern volatile int svm_fault_vector;
extern volatile uint32_t svm_fault_error;
/* IRQ0 (vector 0x20, the PIC remapped to 0x20) counts here and EOIs the PIC. */
extern volatile uint32_t svm_timer_ticks;
void svm_pic_init(uint8_t mask);   /* remap the 8259s to 0x20/0x28, masks as given (bit 0 = IRQ0) */
void svm_pit_periodic(uint16_t divisor);

/* ---- guests ---- */
/* A fresh VMCB for a flat 32-bit ring-0 guest starting at entry with the given stack top:
 * intercepts VMRUN (mandatory), VMMCALL, HLT and SHUTDOWN; ASID 1; the library's IOPM/MSRPM
 * (all clear); RFLAGS = 0x202; GDTR = the host GDT; IDTR = guest_idt (empty until svm_guest_gate). */
void svm_guest_init(svm_vmcb *v, const void *entry, void *stack_top);
/* Make the guest ring 3 (CPL and the segments' DPL; VMCB CPL = SS.DPL, as the references expect). */
void svm_guest_ring3(svm_vmcb *v);
/* Point guest IDT vector vec at handler (32-bit interrupt gate, ring-0 code, DPL 3). */
void svm_guest_gate(int vec, const void *handler);
extern uint64_t svm_guest_idt[256];
extern uint8_t svm_iopm[3 * 4096];
extern uint8_t svm_msrpm[2 * 4096];
void svm_iopm_set(uint32_t port);        /* ports up to 0x10007 (the third page) */
void svm_msrpm_set(uint32_t msr, bool read, bool write);
void svm_maps_clear(void);

/* Run the guest until the next #VMEXIT. */
void svm_run(svm_vmcb *v, svm_gprs *g);
/* Advance the guest's RIP by n bytes (the subset has no NRIP: the caller knows the length). */
void svm_skip(svm_vmcb *v, uint32_t n);

/* Print "NAME: exit=... info1=... info2=... rip=..." with the comparison masks: EXITCODE low 32
 * bits; IOIO EXITINFO1 bits 7-12 cleared; EXITINFO2 left out for non-#PF exceptions;
 * EXITINTINFO printed only when valid (not on SHUTDOWN or VMEXIT_INVALID); rip (and IOIO EXITINFO2) relative to base. */
void svm_report(const char *name, const svm_vmcb *v, const void *base);

/* ---- nested paging (2-level legacy format, entries as arch/x86.h's PTE_*) ---- */
/* Identity-map guest-physical [0, 256 MiB) with 4 MiB pages (P|W|U|PS) into pd. */
void npt_map_4m(uint32_t *pd);
/* Map the 4 MiB region containing gpa with 4 KiB pages: the page table pt (1024 entries) identity
 * maps it with flags; returns &pt[index of gpa] so a test can edit one entry. */
uint32_t *npt_split_4k(uint32_t *pd, uint32_t *pt, uint32_t gpa, uint32_t flags);
/* Turn nested paging on for a VMCB with root pd. */
void npt_enable(svm_vmcb *v, uint32_t *pd);

/* Print the end line and return 0 (main's value). */
int svm_done(const char *test);

#endif
