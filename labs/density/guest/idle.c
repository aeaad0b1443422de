/* The density lab's VM: a service that touches `kib=W` KiB of its memory (its working set), says
 * "idle N: ready" through the paravirtual console (one VMMCALL: the VMM prints it at once), then
 * sleeps for good with interrupts on: it unmasks COM1's receive interrupt, so the hypervisor's HLT
 * handler sleeps the vCPU task a host tick at a time (hyperv/vcpu.c exit_hlt) instead of ending
 * the VM. The lab starts it with stdin from /dev/null, so no byte, hence no interrupt, ever comes
 * (and the guest needs no IDT). Ports: the 8259A's IMR (0x21), the 16550's IER (COM1 + 1). */
#include "vxlib.h"
#include "kernel/uapi/vm.h"

#define PIC1_IMR  0x21
#define COM1_IER  0x3F9
#define IER_RDA   0x01              /* interrupt on received data */
#define IRQ_COM1  4
#define MAX_KIB   512

static volatile uint8_t work[MAX_KIB * 1024] __attribute__((aligned(4096)));

static uint32_t arg(const char *name, uint32_t dflt)
{
    const char *s = strstr(vx_cmdline_args(), name);
    return s ? (uint32_t)strtoul(s + strlen(name), NULL, 10) : dflt;
}

static void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }

int main(void)
{
    uint32_t id = arg("id=", 0), kib = arg("kib=", 0);
    if (kib > MAX_KIB)
        kib = MAX_KIB;
    for (uint32_t i = 0; i < kib * 1024; i += 4096)
        work[i] = (uint8_t)(i >> 12);
    static char line[40];
    snprintf(line, sizeof line, "idle %u: ready\n", (unsigned)id);
    uint32_t r;
    __asm__ volatile("vmmcall" : "=a"(r) : "a"(VM_HC_CONSOLE_WRITE), "b"(line), "c"(strlen(line)) : "memory");
    outb(COM1_IER, IER_RDA);
    outb(PIC1_IMR, (uint8_t)~(1u << IRQ_COM1));
    for (;;)
        __asm__ volatile("sti; hlt");
}
