/* Architectural facts of the i686 processor that vx86 models, defined once and included by the
 * emulator (cpu/, emu/), by guest code (kernel/, hyperv/, containers/, tests/guest/) and by tests.
 * Freestanding: macros, enums and one inline function (PDX/PTX want <stdint.h>), so it compiles
 * hosted and in the guest.
 * Source: Intel SDM vol. 3A (ch. 2 control registers and EFLAGS, ch. 4 paging, ch. 6 exceptions)
 * and AMD APM vol. 2 (EFER and the SVM MSRs). */
#ifndef VX86_ARCH_X86_H
#define VX86_ARCH_X86_H

/* General registers in their ModRM.reg encoding order, segment registers in their Sreg
 * encoding order (SDM vol. 2A §2.1.5, tables 2-2 and 3-6 "Sreg"). */
enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI };
enum { S_ES, S_CS, S_SS, S_DS, S_FS, S_GS };

/* EFLAGS (SDM 3A §2.3) */
#define F_CF 0x0001u
#define F_PF 0x0004u
#define F_AF 0x0010u
#define F_ZF 0x0040u
#define F_SF 0x0080u
#define F_TF 0x0100u
#define F_IF 0x0200u
#define F_DF 0x0400u
#define F_OF 0x0800u
#define F_IOPL 0x3000u
#define F_NT 0x4000u
#define F_RF 0x10000u
#define F_VM 0x20000u
#define F_AC 0x40000u
#define F_ID 0x200000u
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

/* CR0 and CR4 (SDM 3A §2.5) */
#define CR0_PE 0x00000001u
#define CR0_MP 0x00000002u
#define CR0_EM 0x00000004u
#define CR0_TS 0x00000008u
#define CR0_ET 0x00000010u
#define CR0_NE 0x00000020u
#define CR0_WP 0x00010000u
#define CR0_AM 0x00040000u
#define CR0_NW 0x20000000u
#define CR0_CD 0x40000000u
#define CR0_PG 0x80000000u
#define CR4_VME 0x00000001u
#define CR4_PVI 0x00000002u
#define CR4_TSD 0x00000004u     /* RDTSC is privileged */
#define CR4_DE 0x00000008u
#define CR4_PSE 0x00000010u
#define CR4_PAE 0x00000020u
#define CR4_MCE 0x00000040u
#define CR4_PGE 0x00000080u
#define CR4_PCE 0x00000100u

/* CPUID leaf 1 ECX bit 31: "hypervisor present", reserved for hypervisors to set for their
 * guests (AMD CPUID specification #25481; Intel leaves it 0 on bare metal). */
#define CPUID_1_ECX_HYPERVISOR (1u << 31)

/* MSRs and EFER (APM vol. 2 §3.1.7, §15.30) */
#define MSR_TSC 0x10u
#define MSR_SYSENTER_CS 0x174u      /* then SYSENTER_ESP 0x175, SYSENTER_EIP 0x176 */
#define MSR_EFER 0xC0000080u
#define MSR_VM_CR 0xC0010114u
#define MSR_VM_HSAVE_PA 0xC0010117u
#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)
#define EFER_NXE (1u << 11)
#define EFER_SVME (1u << 12)

/* 32-bit paging entries, PDE and PTE alike (SDM 3A §4.3, tables 4-4 to 4-6) */
#define PTE_P 0x001u     /* present */
#define PTE_W 0x002u     /* writable */
#define PTE_U 0x004u     /* user */
#define PTE_PWT 0x008u
#define PTE_PCD 0x010u
#define PTE_A 0x020u     /* accessed */
#define PTE_D 0x040u     /* dirty (PTEs and 4 MiB PDEs) */
#define PTE_PS 0x080u    /* PDE: maps a 4 MiB page (needs CR4.PSE) */
#define PTE_G 0x100u     /* global (needs CR4.PGE) */
#define PTE_ADDR 0xFFFFF000u
#define PDE_ADDR_4M 0xFFC00000u
#define PAGE_SIZE 4096u
#define PAGE_SIZE_4M 0x400000u
#define PDX(va) (((uint32_t)(va) >> 22) & 0x3FFu)   /* page-directory index */
#define PTX(va) (((uint32_t)(va) >> 12) & 0x3FFu)   /* page-table index */

/* #PF error code (SDM 3A §4.7) */
#define PF_P 0x01u       /* 0: not present, 1: protection violation */
#define PF_W 0x02u       /* write access */
#define PF_U 0x04u       /* from CPL 3 */
#define PF_RSVD 0x08u
#define PF_I 0x10u       /* instruction fetch */

/* Segment descriptor access byte (SDM 3A §3.4.5) */
#define SEG_P 0x80u
#define SEG_DPL(d) ((unsigned)(d) << 5)
#define SEG_S 0x10u              /* code/data (1) or system (0) */
#define SEG_CODE 0x08u
#define SEG_RW 0x02u             /* code: readable; data: writable */
#define SEG_TYPE_TSS32 0x9u      /* available 32-bit TSS */
#define SEG_TYPE_INTGATE32 0xEu
#define SEG_TYPE_TRAPGATE32 0xFu
#define SEG_TYPE_CALLGATE32 0xCu

/* Exception vectors with their mnemonics (SDM 3A table 6-1). X(vector, enum name, "#XX" text). */
#define X86_EXCEPTIONS(X) \
    X(0, EXC_DE, "#DE") X(1, EXC_DB, "#DB") X(2, EXC_NMI, "NMI") X(3, EXC_BP, "#BP") \
    X(4, EXC_OF, "#OF") X(5, EXC_BR, "#BR") X(6, EXC_UD, "#UD") X(7, EXC_NM, "#NM") \
    X(8, EXC_DF, "#DF") X(10, EXC_TS, "#TS") X(11, EXC_NP, "#NP") X(12, EXC_SS, "#SS") \
    X(13, EXC_GP, "#GP") X(14, EXC_PF, "#PF") X(16, EXC_MF, "#MF") X(17, EXC_AC, "#AC") \
    X(18, EXC_MC, "#MC") X(19, EXC_XF, "#XF")

#define X86_EXC_ENUM_(v, name, text) name = v,
enum { X86_EXCEPTIONS(X86_EXC_ENUM_) };
#undef X86_EXC_ENUM_

/* "#GP" for 13, NULL for vectors that are not architectural exceptions. */
static inline const char *x86_exception_name(unsigned vector) {
#define X86_EXC_CASE_(v, name, text) case v: return text;
    switch (vector) { X86_EXCEPTIONS(X86_EXC_CASE_) default: return 0; }
#undef X86_EXC_CASE_
}

#endif
