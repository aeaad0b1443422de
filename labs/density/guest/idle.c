/* The density lab's VM: a service with a small "kernel" -- 384 KiB of read-only data it reads at
 * boot, as a kernel's text and read-only data are read -- that touches `kib=W` KiB of its memory
 * (its working set), says "idle N: ready" through the paravirtual console (one VMMCALL: the VMM
 * prints it at once), then sleeps for good with interrupts on: it unmasks COM1's receive
 * interrupt, so the hypervisor's HLT handler sleeps the vCPU task a host tick at a time
 * (hyperv/vcpu.c exit_hlt) instead of ending the VM. The lab starts it with stdin from /dev/null,
 * so no byte, hence no interrupt, ever comes (and the guest needs no IDT). Ports: the 8259A's IMR
 * (0x21), the 16550's IER (COM1 + 1).
 *
 * Memory (2 MiB of guest RAM, paging off): the image at 1 MiB (its read-only "kernel" in
 * .rodata, page aligned, so `vm run --share` can map those pages from the image file instead of
 * copying them), the working set at [1.5 MiB, 2 MiB) -- not an array in .bss, which the start-up
 * code zeroes whole (kernel/lib/entry.S): with demand-zero RAM only the pages it touches count. */
#include "vxlib.h"
#include "kernel/uapi/vm.h"

#define PIC1_IMR  0x21
#define COM1_IER  0x3F9
#define IER_RDA   0x01              /* interrupt on received data */
#define IRQ_COM1  4
#define MAX_KIB   512
#define WORK_BASE 0x180000u         /* the working set: [1.5 MiB, 2 MiB) */
#define KERNEL_KIB 384

/* The stand-in kernel: every word not zero (a copy has to carry it); volatile, so the compiler
 * keeps it and really reads it rather than folding the sum. */
static const volatile uint32_t kernel_ro[KERNEL_KIB / 4][1024] __attribute__((aligned(4096))) =
    { [0 ... KERNEL_KIB / 4 - 1] = { [0 ... 1023] = 0x0BADC0DEu } };

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
    uint32_t sum = 0;                         /* "boot": read the whole kernel */
    for (uint32_t p = 0; p < KERNEL_KIB / 4; p++)
        for (uint32_t i = 0; i < 1024; i += 64)
            sum += kernel_ro[p][i];
    volatile uint8_t *work = (volatile uint8_t *)WORK_BASE;
    for (uint32_t i = 0; i < kib * 1024; i += 4096)
        work[i] = (uint8_t)(i >> 12);
    static char line[48];
    snprintf(line, sizeof line, "idle %u: ready %x\n", (unsigned)id, (unsigned)sum);
    uint32_t r;
    __asm__ volatile("vmmcall" : "=a"(r) : "a"(VM_HC_CONSOLE_WRITE), "b"(line), "c"(strlen(line)) : "memory");
    outb(COM1_IER, IER_RDA);
    outb(PIC1_IMR, (uint8_t)~(1u << IRQ_COM1));
    for (;;)
        __asm__ volatile("sti; hlt");
}
