/* The overhead lab's bare image. `compute N`: the loop of ../loop.h, N iterations, timed with
 * RDTSC -- run bare on vx86 and as a VM under the toy OS's `vm run`. `uart B` / `pv B`: B bytes
 * of text through COM1 (one port write per byte, plus the driver's status read; each an exit in a
 * VM) or through the paravirtual console (VMMCALL, one exit per buffer; VM only), timed the same
 * way. Prints one line the lab parses. */
#include "vxlib.h"
#include "kernel/uapi/vm.h"
#include "../loop.h"

static char text[16384];

static uint32_t arg(const char *name, uint32_t dflt)
{
    const char *s = strstr(vx_cmdline_args(), name);
    return s ? (uint32_t)strtoul(s + strlen(name), NULL, 10) : dflt;
}

int main(void)
{
    uint32_t n = arg("compute=", 0), uart = arg("uart=", 0), pv = arg("pv=", 0);
    if (n) {
        uint64_t c;
        uint32_t x = compute_loop(n, &c);
        printf("compute: %u iterations %llu cycles x=%#x\n", (unsigned)n, (unsigned long long)c, (unsigned)x);
    }
    uint32_t bytes = uart ? uart : pv;
    if (bytes > sizeof text)
        bytes = sizeof text;
    for (uint32_t i = 0; i < bytes; i++)
        text[i] = i % 64 == 63 ? '\n' : 'a' + i % 26;
    if (uart) {
        uint64_t t0 = loop_rdtsc();
        for (uint32_t i = 0; i < bytes; i++)
            putchar(text[i]);
        printf("\nconsole: uart %u bytes %llu cycles\n", (unsigned)bytes, (unsigned long long)(loop_rdtsc() - t0));
    } else if (pv) {
        uint64_t t0 = loop_rdtsc();
        uint32_t done = 0;
        while (done < bytes) {
            uint32_t k;
            __asm__ volatile("vmmcall" : "=a"(k) : "a"(VM_HC_CONSOLE_WRITE), "b"(text + done), "c"(bytes - done) : "memory");
            if (k == 0 || k == 0xFFFFFFFFu)
                return 3;
            done += k;
        }
        printf("\nconsole: pv %u bytes %llu cycles\n", (unsigned)bytes, (unsigned long long)(loop_rdtsc() - t0));
    }
    return 0;
}
