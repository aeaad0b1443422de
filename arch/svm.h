/* The SVM subset's data layouts, defined once for the emulator (cpu/svm.c), its front ends (the
 * TUI's VMCB pane, Lua, the trace), the toy OS's hypervisor (hyperv/) and the guest tests.
 * Source: AMD64 APM vol. 2, §15 and appendix B (VMCB layout), appendix C (exit codes).
 * Freestanding: macros, enums and inline functions (it needs <stdint.h>, which the guest
 * toolchain has too). */
#ifndef VX86_ARCH_SVM_H
#define VX86_ARCH_SVM_H

#include <stdint.h>

#include "arch/x86.h"

/* ---- VMCB control area (APM vol. 2, table B-1) ---- */
#define VMCB_CR_READ      0x000   /* u16: bit n intercepts reads of CRn  -> exit 0x00+n */
#define VMCB_CR_WRITE     0x002   /* u16: bit n intercepts writes of CRn -> exit 0x10+n */
#define VMCB_EXC          0x008   /* u32: bit v intercepts exception v   -> exit 0x40+v */
#define VMCB_VEC3         0x00C   /* u32: bit b                          -> exit 0x60+b */
#define VMCB_VEC4         0x010   /* u32: bit b                          -> exit 0x80+b */
#define VMCB_IOPM         0x040   /* u64: IOPM_BASE_PA (12 KiB) */
#define VMCB_MSRPM        0x048   /* u64: MSRPM_BASE_PA (8 KiB) */
#define VMCB_TSC_OFFSET   0x050
#define VMCB_ASID         0x058   /* u32 */
#define VMCB_TLB_CONTROL  0x05C   /* u8 */
#define VMCB_V_INTR       0x060   /* V_TPR 3:0, V_IRQ 8, V_INTR_PRIO 19:16, V_IGN_TPR 20, V_INTR_MASKING 24 */
#define VMCB_V_VECTOR     0x064
#define VMCB_INT_SHADOW   0x068
#define VMCB_EXITCODE     0x070   /* u64 */
#define VMCB_EXITINFO1    0x078
#define VMCB_EXITINFO2    0x080
#define VMCB_EXITINTINFO  0x088
#define VMCB_NP_ENABLE    0x090   /* bit 0: nested paging; bits 1-2: SEV, must be 0 */
#define VMCB_EVENTINJ     0x0A8
#define VMCB_N_CR3        0x0B0

/* ---- VMCB state-save area (APM vol. 2, table B-2). Segment records are
 *      selector u16, attrib u16, limit u32, base u64 (16 bytes). ---- */
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
#define VMCB_STAR         0x600
#define VMCB_LSTAR        0x608
#define VMCB_CSTAR        0x610
#define VMCB_SFMASK       0x618
#define VMCB_KGSBASE      0x620
#define VMCB_SYSENTER_CS  0x628
#define VMCB_CR2          0x640
#define VMCB_G_PAT        0x668
#define VMCB_SIZE         0x1000
#define VMCB_SEG_SEL      0x0     /* offsets inside a segment record */
#define VMCB_SEG_ATTR     0x2
#define VMCB_SEG_LIMIT    0x4
#define VMCB_SEG_BASE     0x8

/* ---- Intercept vectors 3 and 4: bit numbers (APM vol. 2, table B-1). The exit code of an
 *      intercept in vector 3 is 0x60 + bit, in vector 4 0x80 + bit. ---- */
#define V3_BIT_INTR      0
#define V3_BIT_NMI       1
#define V3_BIT_VINTR     4
#define V3_BIT_RDTSC     14
#define V3_BIT_PUSHF     16
#define V3_BIT_POPF      17
#define V3_BIT_CPUID     18
#define V3_BIT_IRET      20
#define V3_BIT_INTN      21
#define V3_BIT_INVD      22
#define V3_BIT_HLT       24
#define V3_BIT_INVLPG    25
#define V3_BIT_INVLPGA   26
#define V3_BIT_IOIO      27
#define V3_BIT_MSR       28
#define V3_BIT_SHUTDOWN  31
#define V4_BIT_VMRUN     0
#define V4_BIT_VMMCALL   1
#define V4_BIT_VMLOAD    2
#define V4_BIT_VMSAVE    3
#define V4_BIT_STGI      4
#define V4_BIT_CLGI      5
#define V4_BIT_WBINVD    9
#define V3_INTR      (1u << V3_BIT_INTR)
#define V3_VINTR     (1u << V3_BIT_VINTR)
#define V3_CPUID     (1u << V3_BIT_CPUID)
#define V3_HLT       (1u << V3_BIT_HLT)
#define V3_INVLPG    (1u << V3_BIT_INVLPG)
#define V3_INVLPGA   (1u << V3_BIT_INVLPGA)
#define V3_IOIO      (1u << V3_BIT_IOIO)
#define V3_MSR       (1u << V3_BIT_MSR)
#define V3_SHUTDOWN  (1u << V3_BIT_SHUTDOWN)
#define V4_VMRUN     (1u << V4_BIT_VMRUN)
#define V4_VMMCALL   (1u << V4_BIT_VMMCALL)
#define V4_VMLOAD    (1u << V4_BIT_VMLOAD)
#define V4_VMSAVE    (1u << V4_BIT_VMSAVE)
#define V4_STGI      (1u << V4_BIT_STGI)
#define V4_CLGI      (1u << V4_BIT_CLGI)
#define SVM_EXIT_VEC3(bit) (0x60u + (bit))
#define SVM_EXIT_VEC4(bit) (0x80u + (bit))

/* ---- Exit codes (APM vol. 2, appendix C), with the short names the trace and the tools use.
 *      X(code, enum name, "name"). 0x00-0x1F CR accesses and 0x40-0x5F exceptions are ranges:
 *      SVM_EXIT_CR_READ(n), SVM_EXIT_CR_WRITE(n), SVM_EXIT_EXC(v). Every intercept bit of vectors
 *      3 and 4 has its exit here, also those outside vx86's subset (SMI, RDPMC, MONITOR ...), so
 *      a VMCB's intercepts can be named bit by bit (the TUI's VMCB pane). ---- */
#define SVM_EXIT_CR_READ(n)  (0x00u + (n))
#define SVM_EXIT_CR_WRITE(n) (0x10u + (n))
#define SVM_EXIT_EXC(v)      (0x40u + (v))
#define SVM_EXITS(X) \
    X(0x00, SVM_EXIT_CR0_READ, "cr0_read") X(0x03, SVM_EXIT_CR3_READ, "cr3_read") \
    X(0x04, SVM_EXIT_CR4_READ, "cr4_read") X(0x10, SVM_EXIT_CR0_WRITE, "cr0_write") \
    X(0x13, SVM_EXIT_CR3_WRITE, "cr3_write") X(0x14, SVM_EXIT_CR4_WRITE, "cr4_write") \
    X(0x60, SVM_EXIT_INTR, "intr") X(0x61, SVM_EXIT_NMI, "nmi") X(0x62, SVM_EXIT_SMI, "smi") \
    X(0x63, SVM_EXIT_INIT, "init") X(0x64, SVM_EXIT_VINTR, "vintr") \
    X(0x65, SVM_EXIT_CR0_SEL_WRITE, "cr0_sel_write") X(0x66, SVM_EXIT_IDTR_READ, "idtr_read") \
    X(0x67, SVM_EXIT_GDTR_READ, "gdtr_read") X(0x68, SVM_EXIT_LDTR_READ, "ldtr_read") \
    X(0x69, SVM_EXIT_TR_READ, "tr_read") X(0x6A, SVM_EXIT_IDTR_WRITE, "idtr_write") \
    X(0x6B, SVM_EXIT_GDTR_WRITE, "gdtr_write") X(0x6C, SVM_EXIT_LDTR_WRITE, "ldtr_write") \
    X(0x6D, SVM_EXIT_TR_WRITE, "tr_write") X(0x6E, SVM_EXIT_RDTSC, "rdtsc") X(0x6F, SVM_EXIT_RDPMC, "rdpmc") \
    X(0x70, SVM_EXIT_PUSHF, "pushf") X(0x71, SVM_EXIT_POPF, "popf") X(0x72, SVM_EXIT_CPUID, "cpuid") \
    X(0x73, SVM_EXIT_RSM, "rsm") X(0x74, SVM_EXIT_IRET, "iret") X(0x75, SVM_EXIT_SWINT, "swint") \
    X(0x76, SVM_EXIT_INVD, "invd") X(0x77, SVM_EXIT_PAUSE, "pause") X(0x78, SVM_EXIT_HLT, "hlt") \
    X(0x79, SVM_EXIT_INVLPG, "invlpg") X(0x7A, SVM_EXIT_INVLPGA, "invlpga") X(0x7B, SVM_EXIT_IOIO, "ioio") \
    X(0x7C, SVM_EXIT_MSR, "msr") X(0x7D, SVM_EXIT_TASK_SWITCH, "task_switch") \
    X(0x7E, SVM_EXIT_FERR_FREEZE, "ferr_freeze") X(0x7F, SVM_EXIT_SHUTDOWN, "shutdown") \
    X(0x80, SVM_EXIT_VMRUN, "vmrun") X(0x81, SVM_EXIT_VMMCALL, "vmmcall") X(0x82, SVM_EXIT_VMLOAD, "vmload") \
    X(0x83, SVM_EXIT_VMSAVE, "vmsave") X(0x84, SVM_EXIT_STGI, "stgi") X(0x85, SVM_EXIT_CLGI, "clgi") \
    X(0x86, SVM_EXIT_SKINIT, "skinit") X(0x87, SVM_EXIT_RDTSCP, "rdtscp") X(0x88, SVM_EXIT_ICEBP, "icebp") \
    X(0x89, SVM_EXIT_WBINVD, "wbinvd") X(0x8A, SVM_EXIT_MONITOR, "monitor") X(0x8B, SVM_EXIT_MWAIT, "mwait") \
    X(0x8C, SVM_EXIT_MWAIT_COND, "mwait_cond") X(0x8D, SVM_EXIT_XSETBV, "xsetbv") \
    X(0x8E, SVM_EXIT_RDPRU, "rdpru") X(0x400, SVM_EXIT_NPF, "npf")
#define SVM_EXIT_ENUM_(code, name, text) name = code,
enum { SVM_EXITS(SVM_EXIT_ENUM_) };
#undef SVM_EXIT_ENUM_
#define SVM_EXIT_INVALID 0xFFFFFFFFFFFFFFFFull   /* VMRUN failed a consistency check */

/* Is code one of SVM_EXITS (not a CR or exception range, not INVALID)? */
static inline int svm_exit_known(uint64_t code) {
#define SVM_EXIT_KNOWN_(c, name, text) case c: return 1;
    switch (code) { SVM_EXITS(SVM_EXIT_KNOWN_) default: return 0; }
#undef SVM_EXIT_KNOWN_
}

/* "cpuid" for 0x72, the exception's name ("#PF") for 0x40 + vector, "invalid" for
 * SVM_EXIT_INVALID, "unknown" for codes outside the subset. */
static inline const char *svm_exit_name(uint64_t code) {
    if (code == SVM_EXIT_INVALID) return "invalid";
    if (code >= SVM_EXIT_EXC(0) && code < SVM_EXIT_EXC(32)) {
        const char *e = x86_exception_name((unsigned)(code - SVM_EXIT_EXC(0)));
        return e ? e : "exception";
    }
#define SVM_EXIT_CASE_(c, name, text) case c: return text;
    switch (code) { SVM_EXITS(SVM_EXIT_CASE_) default: return "unknown"; }
#undef SVM_EXIT_CASE_
}

/* ---- EVENTINJ and EXITINTINFO (APM vol. 2 §15.20) ---- */
#define EVT_VECTOR(v)  ((unsigned)(v) & 0xFFu)
#define EVT_TYPE(t)    ((unsigned)(t) << 8)
#define EVT_EV         (1u << 11)   /* error code valid */
#define EVT_V          (1u << 31)   /* valid */
#define EVT_INTR       0
#define EVT_NMI        2
#define EVT_EXC        3
#define EVT_SOFT       4

/* ---- IOIO exit: EXITINFO1 (APM vol. 2 §15.10.2) ---- */
#define IOIO_IN        (1u << 0)    /* 1 = IN, 0 = OUT */
#define IOIO_STR       (1u << 2)
#define IOIO_REP       (1u << 3)
#define IOIO_SZ8       (1u << 4)
#define IOIO_SZ16      (1u << 5)
#define IOIO_SZ32      (1u << 6)
#define IOIO_A16       (1u << 7)    /* address size of a string instruction */
#define IOIO_A32       (1u << 8)
#define IOIO_PORT(info1) (((unsigned)(info1) >> 16) & 0xFFFFu)

/* ---- Nested page fault: EXITINFO1 holds a #PF-style error code, EXITINFO2 the guest-physical
 *      address (APM vol. 2 §15.25.6) ---- */

/* ---- V_INTR fields (VMCB 0x060) ---- */
#define V_INTR_TPR_MASK  0xFu
#define V_INTR_IRQ       (1u << 8)
#define V_INTR_PRIO(p)   ((unsigned)(p) << 16)
#define V_INTR_IGN_TPR   (1u << 20)
#define V_INTR_MASKING   (1u << 24)

#endif
