/* The exit-anatomy lab's guest: it runs as a VM under the toy OS's `vm` (the lab boots the OS and
 * types `vm run /vm/exits.elf cpuid=N hcall=M`). It makes N CPUID exits -- handled inside the
 * toy OS's kernel, which answers from the host CPU and VMRUNs again (hyperv/vcpu.c, exit_cpuid)
 * -- then M one-byte paravirtual console writes (VMMCALL, kernel/uapi/vm.h VM_HC_CONSOLE_WRITE),
 * each of which the kernel hands to the user-space VMM: VCPU_RUN returns, `vm` write()s the byte
 * and calls VCPU_RUN again. Nothing else exits between them (its printf comes at the end).
 * Before each CPUID the loop reads one byte of each of `pages=P` pages and does `work=W` steps of
 * arithmetic: the guest's working set, walked again after every world switch's TLB flush, and
 * its own instructions. */
#include "vxlib.h"
#include "kernel/uapi/vm.h"

static uint32_t arg(const char *name, uint32_t dflt)
{
    const char *s = strstr(vx_cmdline_args(), name);
    return s ? (uint32_t)strtoul(s + strlen(name), NULL, 10) : dflt;
}

#define MAX_PAGES 16
static volatile uint8_t working_set[MAX_PAGES][4096] __attribute__((aligned(4096)));

int main(void)
{
    uint32_t n = arg("cpuid=", 100), m = arg("hcall=", 10), pages = arg("pages=", 0), work = arg("work=", 0);
    if (pages > MAX_PAGES)
        pages = MAX_PAGES;
    uint32_t sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t p = 0; p < pages; p++)
            sum += working_set[p][0];
        for (volatile uint32_t w = 0; w < work; w++)
            sum += w;
        uint32_t a = 0, b, c = 0, d;
        __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));   /* leaf 0: the vendor */
        sum += b;
    }
    static char dot = '.';
    for (uint32_t i = 0; i < m; i++) {
        uint32_t r;
        __asm__ volatile("vmmcall" : "=a"(r) : "a"(VM_HC_CONSOLE_WRITE), "b"(&dot), "c"(1) : "memory");
        if (r != 1)
            return 3;
    }
    printf("\nexits: done cpuid=%u hcall=%u vendor-sum=%#x\n", (unsigned)n, (unsigned)m, (unsigned)sum);
    return 0;
}
