/* Multiboot v1 structures (Multiboot Specification 0.6.96, section 3.3), as a loader such as
 * QEMU's -kernel or vx86 hands them to the image in EBX. Only the fields guests use are named. */
#ifndef VX_MULTIBOOT_H
#define VX_MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_HEADER_MAGIC     0x1BADB002u
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u

/* Bits of multiboot_info.flags saying which fields are valid. */
#define MULTIBOOT_INFO_MEMORY  (1u << 0)
#define MULTIBOOT_INFO_CMDLINE (1u << 2)
#define MULTIBOOT_INFO_MODS    (1u << 3)
#define MULTIBOOT_INFO_MMAP    (1u << 6)

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

#endif
