/* Layout shared by the image packer (host, bootimg_pack.c) and stage 2 (guest, stage2.c).
 *
 * Disk image, in 512-byte sectors:
 *   LBA 0            stage 1 boot sector (stage1.S); the word at BOOT_LOAD_COUNT_OFFSET says how
 *                    many sectors follow it that stage 1 must read
 *   LBA 1            struct bootparams (this file)
 *   LBA 2 ...        stage 2 (stage2_entry.S + stage2.c), then the kernel ELF, then the modules,
 *                    each starting on a sector boundary
 * Stage 1 reads LBA 1 onwards to BOOT_LOAD_ADDR, so a byte at image offset X (X >= 512) lands at
 * physical address BOOT_LOAD_ADDR + X - 512. Everything must fit below BOOT_LOAD_LIMIT, the start
 * of the BIOS extended data area, because real-mode BIOS reads reach only the first MiB. */
#ifndef BOOTPARAMS_H
#define BOOTPARAMS_H

#define BOOT_SECTOR_SIZE        512
#define BOOT_LOAD_ADDR          0x7E00
#define BOOT_STAGE2_ADDR        0x8000
#define BOOT_LOAD_LIMIT         0x9F000
#define BOOT_LOAD_COUNT_OFFSET  508        /* u16 in the boot sector, before the 0x55 0xAA */
#define BOOTPARAMS_MAGIC        0x544F4256 /* "VBOT" */
#define BOOT_MAX_MODULES        8
#define BOOT_STRINGS_SIZE       384

#ifndef __ASSEMBLER__
#include <stdint.h>

/* One multiboot module as packed in the image. Addresses are where stage 1 left the bytes. */
struct bootparams_module {
    uint32_t addr;
    uint32_t size;
    uint32_t string;          /* offset into bootparams.strings */
};

struct bootparams {
    uint32_t magic;
    uint32_t kernel_addr;     /* where stage 1 left the kernel file */
    uint32_t kernel_size;
    uint32_t cmdline;         /* offset into strings */
    uint32_t module_count;
    struct bootparams_module modules[BOOT_MAX_MODULES];
    char strings[BOOT_STRINGS_SIZE]; /* NUL-terminated strings: the command line, module strings */
};

_Static_assert(sizeof(struct bootparams) <= BOOT_SECTOR_SIZE, "bootparams must fit one sector");
#endif

#endif
