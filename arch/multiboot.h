/* Multiboot v1, the boot protocol of the machine (Multiboot Specification 0.6.96, sections 3.1-3.3):
 * the header an image carries, the magic in EAX and the information structure in EBX that a
 * loader such as QEMU's -kernel or vx86's (emu/loader.c) hands over. One definition for the
 * loader, the guest runtime's entry (kernel/lib/entry.S) and guest C. Freestanding; the constants
 * have no C suffixes and the structures are hidden from the assembler, so entry.S includes it. */
#ifndef VX86_ARCH_MULTIBOOT_H
#define VX86_ARCH_MULTIBOOT_H

#define MULTIBOOT_HEADER_MAGIC     0x1BADB002   /* in the image's header */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002   /* in EAX at the entry point */
#define MULTIBOOT_HEADER_SEARCH    8192         /* the header lies 4-byte aligned in the first 8 KiB */

/* Header flags (what the image asks of the loader). */
#define MULTIBOOT_PAGE_ALIGN   (1 << 0)    /* modules on 4 KiB boundaries */
#define MULTIBOOT_MEMORY_INFO  (1 << 1)    /* mem_lower/mem_upper (and the memory map) */
#define MULTIBOOT_AOUT_KLUDGE  (1 << 16)   /* the header carries the load addresses */

/* Bits of multiboot_info.flags saying which fields are valid. */
#define MULTIBOOT_INFO_MEMORY  (1 << 0)
#define MULTIBOOT_INFO_BOOTDEV (1 << 1)
#define MULTIBOOT_INFO_CMDLINE (1 << 2)
#define MULTIBOOT_INFO_MODS    (1 << 3)
#define MULTIBOOT_INFO_MMAP    (1 << 6)
#define MULTIBOOT_INFO_LOADER_NAME (1 << 9)

#ifndef __ASSEMBLER__
#include <stdint.h>

struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower;       /* KiB below 1 MiB */
    uint32_t mem_upper;       /* KiB above 1 MiB, up to the first hole */
    uint32_t boot_device;
    uint32_t cmdline;         /* physical address of a NUL-terminated string */
    uint32_t mods_count;
    uint32_t mods_addr;       /* physical address of mods_count multiboot_module entries */
    uint32_t syms[4];
    uint32_t mmap_length;
    uint32_t mmap_addr;
};

struct multiboot_module {
    uint32_t mod_start;
    uint32_t mod_end;         /* one past the last byte */
    uint32_t string;          /* physical address of "path args" */
    uint32_t reserved;
};

/* mmap entries are variable-sized: `size` does not count itself. */
struct multiboot_mmap_entry {
    uint32_t size;
    uint32_t addr_low, addr_high;
    uint32_t len_low, len_high;
    uint32_t type;            /* 1 = available RAM */
} __attribute__((packed));

#endif /* __ASSEMBLER__ */
#endif
