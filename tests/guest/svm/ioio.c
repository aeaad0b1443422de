/* svm-reference: qemu
 * IOIO intercepts through the IOPM (APM vol. 2 §15.10.2): EXITINFO1 type/size/string/rep/port bits
 * (address-size and segment bits 7-12 masked: QEMU leaves them 0), EXITINFO2 = the next RIP.
 * An access of size s checks bits p..p+s-1: only the port whose bit is set must catch 1/2/4-byte
 * accesses that cover it, at a byte boundary of the map and at the top of the port space,
 * where a 4-byte access reads the third IOPM page. */
#include "vx/svm.h"

static svm_vmcb vmcb __attribute__((aligned(4096)));
static uint8_t stack[4096] __attribute__((aligned(16)));
static uint8_t buffer[16];

/* DX = port (set by the host in EDX), one access, then VMMCALL. */
SVM_GUEST(g_outb, "outb %al, %dx\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_outw, "outw %ax, %dx\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_outl, "outl %eax, %dx\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_inb, "inb %dx, %al\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_inw, "inw %dx, %ax\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_inl, "inl %dx, %eax\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_out_imm, "outb %al, $0xe9\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_in_imm, "inw $0x71, %ax\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_rep_outsb, "cld\n rep outsb\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_insw, "cld\n insw\n vmmcall\n 1: jmp 1b");

static void io(const char *name, const char *entry, uint32_t port)
{
    svm_guest_init(&vmcb, entry, stack + sizeof stack);
    vmcb_w32(&vmcb, VMCB_VEC3, vmcb_r32(&vmcb, VMCB_VEC3) | V3_IOIO);
    svm_gprs g = { 0, 2, port, (uint32_t)(uintptr_t)buffer, (uint32_t)(uintptr_t)buffer, 0 };
    svm_run(&vmcb, &g);
    printf("port %#x ", (unsigned)port);
    svm_report(name, &vmcb, entry);
}

int main(void)
{
    svm_host_init();
    /* Port 0x2F9 alone: byte 0x5F bit 1 (no device there on any of the machines). */
    svm_maps_clear();
    svm_iopm_set(0x2F9);
    io("outb", g_outb, 0x2F9);
    io("outb", g_outb, 0x2F8);          /* not covered: runs, next exit is the VMMCALL */
    io("outb", g_outb, 0x2FA);
    io("outw", g_outw, 0x2F8);          /* covers 0x2F8-0x2F9 */
    io("outw", g_outw, 0x2F9);
    io("outw", g_outw, 0x2F7);          /* 0x2F7-0x2F8: no */
    io("outl", g_outl, 0x2F6);          /* 0x2F6-0x2F9 */
    io("outl", g_outl, 0x2F5);          /* 0x2F5-0x2F8: no */
    io("inb", g_inb, 0x2F9);
    io("inw", g_inw, 0x2F8);
    io("inl", g_inl, 0x2F9);
    /* A map byte boundary: port 0x2F8 is bit 0 of byte 0x5F; 0x2F7 is bit 7 of byte 0x5E. */
    svm_maps_clear();
    svm_iopm_set(0x2F8);
    io("outw", g_outw, 0x2F7);          /* straddles bytes 0x5E/0x5F */
    io("inl", g_inl, 0x2F5);
    io("inl", g_inl, 0x2F4);            /* 0x2F4-0x2F7: no */
    /* The top of the port space: 0xFFFF is the last bit of page 2; a 4-byte access at 0xFFFD
     * covers 0xFFFD-0x10000, and bit 0x10000 lives in the third page. */
    svm_maps_clear();
    svm_iopm_set(0x10000);
    io("inb", g_inb, 0xFFFF);           /* no */
    io("inw", g_inw, 0xFFFF);           /* 0xFFFF-0x10000 */
    io("inl", g_inl, 0xFFFD);
    io("inl", g_inl, 0xFFFC);           /* 0xFFFC-0xFFFF: no */
    svm_maps_clear();
    svm_iopm_set(0xFFFF);
    io("inb", g_inb, 0xFFFF);
    io("outl", g_outl, 0xFFFC);
    /* Immediate forms, string and REP forms. */
    svm_maps_clear();
    svm_iopm_set(0xE9);
    svm_iopm_set(0x71);
    svm_iopm_set(0x2F9);
    io("out_imm", g_out_imm, 0xE9);
    io("in_imm", g_in_imm, 0x71);
    io("rep_outsb", g_rep_outsb, 0x2F9);
    io("insw", g_insw, 0x2F9);
    /* IOIO_PROT clear: the map is not consulted */
    svm_guest_init(&vmcb, g_outb, stack + sizeof stack);
    svm_gprs g = { 0, 0, 0x2F9, 0, 0, 0 };
    svm_run(&vmcb, &g);
    svm_report("outb_no_ioio_prot", &vmcb, g_outb);
    svm_maps_clear();
    return svm_done("ioio");
}
