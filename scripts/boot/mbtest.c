/* mbtest: the smallest Multiboot v1 kernel, for checking a boot path by itself (no kernel/lib).
 * It prints what the loader handed over (EAX, flags, memory, command line, modules, memory map)
 * on COM1 and the 0xE9 debug console, then ends the run: QEMU/vx86 through the debug-exit port
 * 0xF4, Bochs through its shutdown port 0x8900, anything else with CLI; HLT.
 * Build and use: see scripts/README-bochs.md. */
#include <stdint.h>

#include "arch/multiboot.h"
#define MB_HEADER_MAGIC MULTIBOOT_HEADER_MAGIC
#define MB_HEADER_FLAGS 0x00000003u

__attribute__((section(".multiboot"), used, aligned(4)))
static const uint32_t multiboot_header[3] = {
    MB_HEADER_MAGIC, MB_HEADER_FLAGS, (uint32_t)-(MB_HEADER_MAGIC + MB_HEADER_FLAGS)};

__attribute__((used, aligned(16))) static uint8_t stack[4096];

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void putc_both(char c)
{
    while ((inb(0x3FD) & 0x20) == 0)    /* COM1 LSR: transmit holding register empty */
        ;
    outb(0x3F8, (uint8_t)c);
    outb(0xE9, (uint8_t)c);
}

static void print(const char *s)
{
    while (*s)
        putc_both(*s++);
}

static void print_hex(uint32_t v)
{
    print("0x");
    for (int i = 28; i >= 0; i -= 4)
        putc_both("0123456789abcdef"[(v >> i) & 0xF]);
}

static void field(const char *name, uint32_t v)
{
    print(name);
    print("=");
    print_hex(v);
    print("\n");
}

void mbtest_main(uint32_t magic, const uint32_t *info);

void mbtest_main(uint32_t magic, const uint32_t *info)
{
    outb(0x3FB, 0x03);                  /* COM1 LCR: 8 data bits (Bochs keeps only 5 by default) */
    print("mbtest: hello\n");
    field("eax", magic);
    field("flags", info[0]);
    field("mem_lower", info[1]);
    field("mem_upper", info[2]);
    if (info[0] & (1u << 2)) {
        print("cmdline=[");
        print((const char *)(uintptr_t)info[4]);
        print("]\n");
    }
    if (info[0] & (1u << 3)) {
        field("mods_count", info[5]);
        const uint32_t *mod = (const uint32_t *)(uintptr_t)info[6];
        for (uint32_t i = 0; i < info[5]; i++, mod += 4) {
            field("mod_start", mod[0]);
            field("mod_end", mod[1]);
            print("mod_string=[");
            print((const char *)(uintptr_t)mod[2]);
            print("]\n");
            /* FNV-1a over the module's bytes, so a test can check they arrived intact. */
            uint32_t hash = 2166136261u;
            const uint8_t *p = (const uint8_t *)(uintptr_t)mod[0];
            const uint8_t *end = (const uint8_t *)(uintptr_t)mod[1];
            for (; p < end; p++)
                hash = (hash ^ *p) * 16777619u;
            field("mod_fnv1a", hash);
        }
    }
    if (info[0] & (1u << 6)) {
        const uint8_t *p = (const uint8_t *)(uintptr_t)info[12];
        const uint8_t *end = p + info[11];
        while (p < end) {
            const uint32_t *e = (const uint32_t *)p;
            print("mmap ");
            print_hex(e[2]);
            print_hex(e[1]);
            print(" len ");
            print_hex(e[4]);
            print_hex(e[3]);
            print(" type ");
            print_hex(e[5]);
            print("\n");
            p += e[0] + 4;
        }
    }
    print("mbtest: done\n");
    while ((inb(0x3FD) & 0x40) == 0)    /* LSR.TEMT: let the last byte leave before power-off */
        ;
    __asm__ volatile("outl %0, %1" : : "a"(0u), "Nd"((uint16_t)0xF4));
    for (const char *s = "Shutdown"; *s; s++)
        outb(0x8900, (uint8_t)*s);
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* Multiboot enters with ESP undefined: set our own stack before any C code runs. */
__asm__(".text\n.globl _start\n_start:\n"
        "  movl $stack + 4096, %esp\n"
        "  pushl %ebx\n  pushl %eax\n"
        "  call mbtest_main\n");
