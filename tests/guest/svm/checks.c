/* svm-reference: qemu
 * VMRUN consistency checks (APM vol. 2 §15.5.1; the subset's list is in cpu/README.md): each
 * failing VMCB gives VMEXIT_INVALID (EXITCODE -1; low 32 bits compared, QEMU zero-extends) and
 * the host continues after VMRUN with its own registers. One case per check, in the order vx86
 * makes them; run.sh also asserts, from the trace, which check fired for each case.
 * Lines starting with "~" are compared on vx86 only: checks QEMU 7.2 does not make (it runs the
 * guest instead), and vx86-only rejections of a 32-bit CPU without long mode or PAE.
 * Nested paging's checks (host paging off, an invalid G_PAT) are in npt.c (Bochs reference). */
#include "vx/svm.h"

static svm_vmcb vmcb __attribute__((aligned(4096)));
static uint8_t stack[4096] __attribute__((aligned(16)));

SVM_GUEST(g_ok, "vmmcall\n 1: jmp 1b");

enum { C_VMRUN_CLEAR, C_ASID0, C_SVME0, C_CD0_NW1, C_CR0_HIGH, C_DR6_HIGH, C_DR7_HIGH, C_EFER_RESERVED, C_EFER_LME_PG,
       C_EFER_LME, C_CR4_HIGH, C_CR4_RESERVED, C_CR4_PAE, C_INJ_TYPE1, C_INJ_TYPE5, C_INJ_TYPE6, C_INJ_TYPE7, C_INJ_EXC_NMI,
       C_INJ_EXC_32, C_IOPM_HIGH, C_MSRPM_HIGH, C_NP_SEV, C_VALID };

static void check(const char *name, int which)
{
    svm_guest_init(&vmcb, g_ok, stack + sizeof stack);
    switch (which) {
    case C_VMRUN_CLEAR: vmcb_w32(&vmcb, VMCB_VEC4, V4_VMMCALL); break;
    case C_ASID0: vmcb_w32(&vmcb, VMCB_ASID, 0); break;
    case C_SVME0: vmcb_w64(&vmcb, VMCB_EFER, 0); break;
    case C_CD0_NW1: vmcb_w64(&vmcb, VMCB_CR0, CR0_NW | CR0_ET | CR0_PE); break;
    case C_CR0_HIGH: vmcb_w64(&vmcb, VMCB_CR0, (1ull << 32) | CR0_ET | CR0_PE); break;
    case C_DR6_HIGH: vmcb_w64(&vmcb, VMCB_DR6, (1ull << 32) | 0xFFFF0FF0u); break;
    case C_DR7_HIGH: vmcb_w64(&vmcb, VMCB_DR7, (1ull << 32) | 0x400); break;
    case C_EFER_RESERVED: vmcb_w64(&vmcb, VMCB_EFER, (1ull << 16) | EFER_SVME); break;
    case C_EFER_LME_PG:   /* long mode with paging but without PAE: invalid on every CPU */
        vmcb_w64(&vmcb, VMCB_EFER, EFER_LME | EFER_SVME);
        vmcb_w64(&vmcb, VMCB_CR0, CR0_PG | CR0_ET | CR0_PE);
        break;
    case C_EFER_LME: vmcb_w64(&vmcb, VMCB_EFER, EFER_LME | EFER_SVME); break;
    case C_CR4_HIGH: vmcb_w64(&vmcb, VMCB_CR4, 1ull << 32); break;
    case C_CR4_RESERVED: vmcb_w64(&vmcb, VMCB_CR4, 1u << 15); break;
    case C_CR4_PAE: vmcb_w64(&vmcb, VMCB_CR4, CR4_PAE); break;
    case C_IOPM_HIGH: vmcb_w64(&vmcb, VMCB_IOPM, 0xFFFFF000u); break;      /* 12 KiB from there pass 4 GiB */
    case C_MSRPM_HIGH: vmcb_w64(&vmcb, VMCB_MSRPM, 0xFFFFF000u); break;    /* 8 KiB */
    case C_NP_SEV: vmcb_w64(&vmcb, VMCB_NP_ENABLE, 1u << 1); break;       /* SEV without nested paging */
    case C_INJ_TYPE1: vmcb_w32(&vmcb, VMCB_EVENTINJ, EVT_V | EVT_TYPE(1) | 0x20); break;
    case C_INJ_TYPE5: vmcb_w32(&vmcb, VMCB_EVENTINJ, EVT_V | EVT_TYPE(5) | 0x20); break;
    case C_INJ_TYPE6: vmcb_w32(&vmcb, VMCB_EVENTINJ, EVT_V | EVT_TYPE(6) | 0x20); break;
    case C_INJ_TYPE7: vmcb_w32(&vmcb, VMCB_EVENTINJ, EVT_V | EVT_TYPE(7) | 0x20); break;
    case C_INJ_EXC_NMI: vmcb_w32(&vmcb, VMCB_EVENTINJ, EVT_V | EVT_TYPE(EVT_EXC) | 2); break;
    case C_INJ_EXC_32: vmcb_w32(&vmcb, VMCB_EVENTINJ, EVT_V | EVT_TYPE(EVT_EXC) | 32); break;
    default: break;
    }
    svm_gprs g = { 0xB0, 0xC0, 0xD0, 0x51, 0xD1, 0xB9 };
    svm_run(&vmcb, &g);
    svm_report(name, &vmcb, g_ok);
    if (g.ebx != 0xB0 || g.ecx != 0xC0 || g.edx != 0xD0 || g.esi != 0x51 || g.edi != 0xD1 || g.ebp != 0xB9)
        printf("%s: registers changed\n", name);
}

int main(void)
{
    svm_host_init();
    check("valid", C_VALID);
    check("vmrun_intercept_clear", C_VMRUN_CLEAR);
    check("asid_0", C_ASID0);
    check("efer_svme_0", C_SVME0);
    check("cr0_cd0_nw1", C_CD0_NW1);
    check("cr0_high", C_CR0_HIGH);
    check("dr6_high", C_DR6_HIGH);
    check("dr7_high", C_DR7_HIGH);
    check("efer_reserved", C_EFER_RESERVED);
    check("efer_lme_paging", C_EFER_LME_PG);
    check("~efer_lme", C_EFER_LME);        /* QEMU: long mode is legal until CR0.PG; vx86 has none */
    check("cr4_high", C_CR4_HIGH);
    check("cr4_reserved", C_CR4_RESERVED);
    check("~cr4_pae", C_CR4_PAE);          /* QEMU has PAE; vx86 does not */
    check("eventinj_type1", C_INJ_TYPE1);
    check("eventinj_type5", C_INJ_TYPE5);
    check("eventinj_type6", C_INJ_TYPE6);
    check("eventinj_type7", C_INJ_TYPE7);
    check("eventinj_exception_2", C_INJ_EXC_NMI);
    check("eventinj_exception_32", C_INJ_EXC_32);
    check("~iopm_beyond_4g", C_IOPM_HIGH);     /* QEMU: 40 physical address bits */
    check("~msrpm_beyond_4g", C_MSRPM_HIGH);
    check("~np_sev", C_NP_SEV);                /* QEMU 7.2 does not check the SEV bits */
    check("valid_again", C_VALID);
    return svm_done("checks");
}
