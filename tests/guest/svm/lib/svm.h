/* A tiny hypervisor library for the SVM guest tests: VMCB layout (AMD APM vol. 2, appendix B;
 * /work/shared/SVM.md §2), a minimal flat guest, IOPM/MSRPM pages, the svm_run world-switch stub,
 * host paging and nested page tables, host exception catching, and result printing with the
 * differential masks of SVM.md §3 applied. Host and guests share one flat address space
 * (physical = virtual), so a guest's code is simply a snippet in this image (SVM_GUEST). */
#ifndef SVM_TEST_H
#define SVM_TEST_H

#include "vxlib.h"
#include "vx/io.h"

/* ---- VMCB control area ---- */
#define VMCB_CR_READ      0x000   /* u16: bit n intercepts reads of CRn  -> exit 0x00+n */
#define VMCB_CR_WRITE     0x002   /* u16: bit n intercepts writes of CRn -> exit 0x10+n */
#define VMCB_EXC          0x008   /* u32: bit v intercepts exception v   -> exit 0x40+v */
#define VMCB_VEC3         0x00C   /* u32: table 2.5, exit 0x60+bit */
#define VMCB_VEC4         0x010   /* u32: table 2.5, exit 0x80+bit */
#define VMCB_IOPM         0x040
#define VMCB_MSRPM        0x048
#define VMCB_TSC_OFFSET   0x050
#define VMCB_ASID         0x058
#define VMCB_TLB_CONTROL  0x05C
#define VMCB_V_INTR       0x060   /* V_TPR 3:0, V_IRQ 8, PRIO 19:16, IGN_TPR 20, MASKING 24 */
#define VMCB_V_VECTOR     0x064
#define VMCB_INT_SHADOW   0x068
#define VMCB_EXITCODE     0x070
#define VMCB_EXITINFO1    0x078
#define VMCB_EXITINFO2    0x080
#define VMCB_EXITINTINFO  0x088
#define VMCB_NP_ENABLE    0x090
#define VMCB_EVENTINJ     0x0A8
#define VMCB_N_CR3        0x0B0
/* ---- VMCB state-save area: segment records are sel u16, attrib u16, limit u32, base u64 ---- */
#define VMCB_ES           0x400
#define VMCB_CS           0x410
#define VMCB_SS           0x420
#define VMCB_DS           0x430
#define VMCB_FS           0x440
#define VMCB_GS           0x450
#define VMCB_GDTR         0x460
#define VMCB_LDTR         0x470
#define VMCB_IDTR         0x480
#define VMCB_TR           0x490
#define VMCB_CPL          0x4CB
#define VMCB_EFER         0x4D0
#define VMCB_CR4          0x548
#define VMCB_CR3          0x550
#define VMCB_CR0          0x558
#define VMCB_DR7          0x560
#define VMCB_DR6          0x568
#define VMCB_RFLAGS       0x570
#define VMCB_RIP          0x578
#define VMCB_RSP          0x5D8
#define VMCB_RAX          0x5F8
#define VMCB_SYSENTER_CS  0x628
#define VMCB_CR2          0x640
#define VMCB_G_PAT        0x668

/* Intercept bits of VMCB_VEC3 / VMCB_VEC4 (SVM.md table 2.5). */
#define V3_INTR      (1u << 0)
#define V3_VINTR     (1u << 4)
#define V3_CPUID     (1u << 18)
#define V3_HLT       (1u << 24)
#define V3_INVLPG    (1u << 25)
#define V3_INVLPGA   (1u << 26)
#define V3_IOIO      (1u << 27)
#define V3_MSR       (1u << 28)
#define V3_SHUTDOWN  (1u << 31)
#define V4_VMRUN     (1u << 0)
#define V4_VMMCALL   (1u << 1)
#define V4_VMLOAD    (1u << 2)
#define V4_VMSAVE    (1u << 3)
#define V4_STGI      (1u << 4)
#define V4_CLGI      (1u << 5)

/* Exit codes (SVM.md §2.7). */
#define EXIT_EXC(v)   (0x40u + (v))
#define EXIT_INTR     0x60u
#define EXIT_VINTR    0x64u
#define EXIT_CPUID    0x72u
#define EXIT_HLT      0x78u
#define EXIT_IOIO     0x7Bu
#define EXIT_MSR      0x7Cu
#define EXIT_VMMCALL  0x81u
#define EXIT_NPF      0x400u
#define EXIT_INVALID  0xFFFFFFFFu   /* low 32 bits: QEMU zero-extends -1 (SVM.md §3) */

/* EVENTINJ / EXITINTINFO (SVM.md §2.7). */
#define EVT_V          (1u << 31)
#define EVT_EV         (1u << 11)
#define EVT_TYPE(t)    ((uint32_t)(t) << 8)
#define EVT_INTR       0
#define EVT_NMI        2
#define EVT_EXC        3
#define EVT_SOFT       4

#define MSR_EFER         0xC0000080u
#define MSR_VM_HSAVE_PA  0xC0010117u
#define EFER_SVME        (1u << 12)

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

/* The registers VMRUN/#VMEXIT do not switch: svm_run swaps them (SVM.md §2.6). */
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
 * Needed before nested paging (SVM.md §3). */
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
/* Make the guest ring 3 (CPL and the segments' DPL; SVM.md §3: VMCB CPL = SS.DPL). */
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
/* Advance the guest's RIP by n bytes (no NRIP: SVM.md §3). */
void svm_skip(svm_vmcb *v, uint32_t n);

/* Print "NAME: exit=... info1=... info2=... rip=..." with SVM.md §3's masks: EXITCODE low 32
 * bits; IOIO EXITINFO1 bits 7-12 cleared; EXITINFO2 left out for non-#PF exceptions;
 * EXITINTINFO printed only when valid (not on SHUTDOWN or VMEXIT_INVALID); rip (and IOIO EXITINFO2) relative to base. */
void svm_report(const char *name, const svm_vmcb *v, const void *base);

/* ---- nested paging (2-level legacy format, SVM.md §2.9) ---- */
#define PTE_P   0x001u
#define PTE_RW  0x002u
#define PTE_US  0x004u
#define PTE_PS  0x080u
/* Identity-map guest-physical [0, 256 MiB) with 4 MiB pages (P|RW|US|PS) into pd. */
void npt_map_4m(uint32_t *pd);
/* Map the 4 MiB region containing gpa with 4 KiB pages: the page table pt (1024 entries) identity
 * maps it with flags; returns &pt[index of gpa] so a test can edit one entry. */
uint32_t *npt_split_4k(uint32_t *pd, uint32_t *pt, uint32_t gpa, uint32_t flags);
/* Turn nested paging on for a VMCB with root pd. */
void npt_enable(svm_vmcb *v, uint32_t *pd);

/* Print the end line and return 0 (main's value). */
int svm_done(const char *test);

#endif
