/* SVM world-switch microbenchmark: a guest that does nothing but VMMCALL, and a host that resumes
 * it, N times. `make bench` divides host time by N to report the host cost of one VMRUN + #VMEXIT
 * round trip, and the guest prints the virtual cycles the cost model charged for one.
 * The multiboot command line may carry "trips=N" (default 100000). */
#include <vxlib.h>

#include "arch/svm.h"
#include "arch/x86.h"

static uint8_t vmcb[4096] __attribute__((aligned(4096)));
static uint8_t hsave[4096] __attribute__((aligned(4096)));
static uint8_t guest_stack[4096] __attribute__((aligned(16)));

/* The guest: VMMCALL, then jump back to it. The host steps RIP over the 3-byte VMMCALL. */
extern char guest_loop[];
__asm__(".text\n.globl guest_loop\nguest_loop:\n  vmmcall\n  jmp guest_loop\n");

static void wr16(uint32_t off, uint16_t v) { memcpy(vmcb + off, &v, 2); }
static void wr32(uint32_t off, uint32_t v) { memcpy(vmcb + off, &v, 4); }
static void wr64(uint32_t off, uint64_t v) { memcpy(vmcb + off, &v, 8); }
static uint32_t rd32(uint32_t off) { uint32_t v; memcpy(&v, vmcb + off, 4); return v; }

static void wrmsr(uint32_t msr, uint64_t v) {
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static uint64_t rdmsr(uint32_t msr) {
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static void flat_segment(uint32_t off, uint16_t sel, uint16_t attr) {
    wr16(off, sel);
    wr16(off + 2, attr);
    wr32(off + 4, 0xFFFFFFFFu);
    wr64(off + 8, 0);
}

static uint32_t parse_trips(void) {
    const char *s = vx_cmdline();
    const char *p = s ? strstr(s, "trips=") : NULL;
    if (!p) return 100000;
    uint32_t n = 0;
    for (p += 6; *p >= '0' && *p <= '9'; p++) n = n * 10 + (uint32_t)(*p - '0');
    return n;
}

int main(void) {
    uint32_t trips = parse_trips();
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, (uint32_t)hsave);
    memset(vmcb, 0, sizeof vmcb);
    wr32(VMCB_VEC4, V4_VMRUN | V4_VMMCALL);   /* VMRUN is required */
    wr32(VMCB_ASID, 1);
    flat_segment(VMCB_ES, 0x10, 0x0C93);
    flat_segment(VMCB_CS, 0x08, 0x0C9B);
    flat_segment(VMCB_SS, 0x10, 0x0C93);
    flat_segment(VMCB_DS, 0x10, 0x0C93);
    wr64(VMCB_EFER, EFER_SVME);
    wr64(VMCB_CR0, CR0_PE | CR0_ET);
    wr64(VMCB_RFLAGS, 0x2);               /* the reserved bit 1 only */
    wr64(VMCB_RIP, (uint32_t)guest_loop);
    wr64(VMCB_RSP, (uint32_t)(guest_stack + sizeof guest_stack));
    uint32_t exits = 0;
    uint64_t t0 = rdtsc();
    for (uint32_t k = 0; k < trips; k++) {
        __asm__ volatile("vmrun %%eax" : : "a"((uint32_t)vmcb) : "memory");
        if (rd32(VMCB_EXITCODE) != SVM_EXIT_VMMCALL) break;
        exits++;
        wr32(VMCB_RIP, rd32(VMCB_RIP) + 3);  /* over the VMMCALL: no NRIP in this SVM subset */
    }
    uint64_t t1 = rdtsc();
    printf("svm round trips: %u\n", exits);
    printf("cycles per round trip: %u\n", exits ? (uint32_t)((t1 - t0) / exits) : 0);
    return exits == trips ? 0 : 1;
}
