/* Stage 2, protected-mode part: turn the kernel file that stage 1 left in low memory into the
 * machine state QEMU's -kernel hands a Multiboot v1 kernel (Multiboot Specification 0.6.96,
 * section 3.2): segments loaded at their physical addresses, modules page-aligned after the
 * kernel, a multiboot info block after them, then a jump to the entry with
 * EAX = 0x2BADB002, EBX = &info, paging and interrupts off, flat CS/DS (set by stage2_entry.S). */
#include <stddef.h>
#include <stdint.h>

#include "bootparams.h"

#define MB_HEADER_MAGIC   0x1BADB002u   /* arch/multiboot.h names it too; this boot loader keeps its own
                                         * Multiboot structures, whose field names differ */
#define MB_LOADER_MAGIC   0x2BADB002u
#define MB_SEARCH_BYTES   8192
#define MB_FLAG_AOUT_KLUDGE (1u << 16)

#define MBI_MEMORY   (1u << 0)
#define MBI_BOOTDEV  (1u << 1)
#define MBI_CMDLINE  (1u << 2)
#define MBI_MODS     (1u << 3)
#define MBI_MMAP     (1u << 6)
#define MBI_LOADER   (1u << 9)

#define PAGE_SIZE    4096u
#define ONE_MIB      0x100000u
#define E820_RAM     1

#define COM1_DATA    0x3F8
#define DEBUGCON     0xE9
#define BOCHS_SHUTDOWN_PORT 0x8900

/* Filled in by the real-mode code in stage2_entry.S. */
struct e820_entry {
    uint64_t base;
    uint64_t length;
    uint32_t type;
    uint32_t acpi_attributes;
} __attribute__((packed));

extern uint8_t stage2_boot_drive;
extern uint16_t stage2_mem_lower_kb;
extern uint16_t stage2_e820_count;
extern struct e820_entry stage2_e820_entries[];

struct multiboot_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr, drives_length, drives_addr, config_table;
    uint32_t boot_loader_name, apm_table;
    uint32_t vbe_control_info, vbe_mode_info;
    uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
};

struct multiboot_module {
    uint32_t mod_start, mod_end, string, reserved;
};

struct multiboot_mmap_entry {
    uint32_t size;            /* of the rest of the entry: 20 */
    uint64_t base, length;
    uint32_t type;
} __attribute__((packed));

struct elf32_header {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

#define PT_LOAD 1

static const char loader_name[] = "vx86 mkbootimg";

/* clang may turn loops into calls to these even in freestanding code. */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    while (n--)
        *d++ = (uint8_t)c;
    return dst;
}

static void copy_down_safe(uint32_t dst, uint32_t src, uint32_t n)
{
    /* Destinations lie above sources (checked by the callers), so copy from the top down. */
    uint8_t *d = (uint8_t *)(uintptr_t)dst;
    const uint8_t *s = (const uint8_t *)(uintptr_t)src;
    while (n--)
        d[n] = s[n];
}

static inline void outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static void print(const char *s)
{
    outb(COM1_DATA + 3, 0x03);          /* LCR: 8 data bits; Bochs starts with 5 */
    for (; *s != '\0'; s++) {
        outb(COM1_DATA, (uint8_t)*s);
        outb(DEBUGCON, (uint8_t)*s);
    }
}

static void print_hex(uint32_t value)
{
    char text[11] = "0x";
    for (int i = 0; i < 8; i++)
        text[2 + i] = "0123456789abcdef"[(value >> (28 - 4 * i)) & 0xF];
    text[10] = '\0';
    print(text);
}

/* A broken image cannot boot: say why, then end the run (Bochs) or stop (elsewhere). */
static __attribute__((noreturn)) void fail(const char *why, uint32_t value)
{
    print("mkbootimg: boot failed: ");
    print(why);
    print(" ");
    print_hex(value);
    print("\n");
    for (const char *s = "Shutdown"; *s != '\0'; s++)
        outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
    for (;;)
        __asm__ volatile("cli; hlt");
}

static uint32_t align_up(uint32_t value, uint32_t alignment)
{
    return (value + alignment - 1) & ~(alignment - 1);
}

/* End of the RAM block that holds 1 MiB, from E820; 0 if the BIOS gave no map. */
static uint32_t upper_ram_end(void)
{
    for (unsigned i = 0; i < stage2_e820_count; i++) {
        const struct e820_entry *e = &stage2_e820_entries[i];
        if (e->type == E820_RAM && e->base <= ONE_MIB && e->base + e->length > ONE_MIB) {
            uint64_t end = e->base + e->length;
            return end > 0xFFFFF000u ? 0xFFFFF000u : (uint32_t)end;
        }
    }
    return 0;
}

/* Loaded bytes must not land on the loader, the files it is reading from, or past RAM. */
static void check_destination(uint32_t start, uint32_t size, uint32_t ram_end)
{
    uint32_t end = start + size;
    if (end < start)
        fail("segment wraps around 4 GiB at", start);
    if (start < BOOT_LOAD_LIMIT && end > 0x500)
        fail("segment overlaps the loader's low memory at", start);
    if (ram_end != 0 && end > ram_end)
        fail("segment ends past the end of RAM at", end);
}

static const uint32_t *find_multiboot_header(const uint8_t *file, uint32_t size)
{
    uint32_t limit = size < MB_SEARCH_BYTES ? size : MB_SEARCH_BYTES;
    for (uint32_t off = 0; off + 12 <= limit; off += 4) {
        const uint32_t *h = (const uint32_t *)(file + off);
        if (h[0] == MB_HEADER_MAGIC && h[0] + h[1] + h[2] == 0)
            return h;
    }
    return NULL;
}

/* ELF32 executable: copy every PT_LOAD segment to p_paddr and zero the rest of its memsz. */
static uint32_t load_elf(const uint8_t *file, uint32_t size, uint32_t ram_end, uint32_t *image_end)
{
    const struct elf32_header *eh = (const struct elf32_header *)file;
    if (size < sizeof *eh || eh->ident[0] != 0x7F || eh->ident[1] != 'E' || eh->ident[2] != 'L' ||
        eh->ident[3] != 'F' || eh->ident[4] != 1 || eh->machine != 3)
        fail("kernel is not an ELF32 i386 file, size", size);
    if (eh->phentsize != sizeof(struct elf32_phdr) ||
        eh->phoff + (uint32_t)eh->phnum * sizeof(struct elf32_phdr) > size)
        fail("bad ELF program header table at", eh->phoff);
    const struct elf32_phdr *ph = (const struct elf32_phdr *)(file + eh->phoff);
    uint32_t entry = eh->entry;
    *image_end = 0;
    for (unsigned i = 0; i < eh->phnum; i++) {
        if (ph[i].type != PT_LOAD || ph[i].memsz == 0)
            continue;
        if (ph[i].filesz > ph[i].memsz || ph[i].offset + ph[i].filesz > size ||
            ph[i].offset + ph[i].filesz < ph[i].offset)
            fail("ELF segment outside the file at offset", ph[i].offset);
        check_destination(ph[i].paddr, ph[i].memsz, ram_end);
        uint8_t *dst = (uint8_t *)(uintptr_t)ph[i].paddr;
        memcpy(dst, file + ph[i].offset, ph[i].filesz);
        memset(dst + ph[i].filesz, 0, ph[i].memsz - ph[i].filesz);
        if (ph[i].paddr + ph[i].memsz > *image_end)
            *image_end = ph[i].paddr + ph[i].memsz;
        /* An entry given as a virtual address inside this segment runs at its physical twin. */
        if (ph[i].vaddr != ph[i].paddr && entry >= ph[i].vaddr && entry - ph[i].vaddr < ph[i].memsz)
            entry = entry - ph[i].vaddr + ph[i].paddr;
    }
    if (*image_end == 0)
        fail("ELF file has no PT_LOAD segment, phnum", eh->phnum);
    return entry;
}

/* Multiboot header with the a.out kludge (flags bit 16): the header gives the addresses. */
static uint32_t load_aout_kludge(const uint8_t *file, uint32_t size, const uint32_t *h,
                                 uint32_t ram_end, uint32_t *image_end)
{
    uint32_t header_addr = h[3], load_addr = h[4], load_end = h[5], bss_end = h[6], entry = h[7];
    uint32_t header_offset = (uint32_t)((const uint8_t *)h - file);
    if (load_addr > header_addr || header_addr - load_addr > header_offset)
        fail("multiboot header load_addr is inconsistent:", load_addr);
    uint32_t file_offset = header_offset - (header_addr - load_addr);
    uint32_t load_size = load_end != 0 ? load_end - load_addr : size - file_offset;
    if (file_offset + load_size > size || file_offset + load_size < file_offset)
        fail("multiboot load_end_addr is past the end of the file:", load_end);
    uint32_t end = bss_end > load_addr + load_size ? bss_end : load_addr + load_size;
    check_destination(load_addr, end - load_addr, ram_end);
    memcpy((void *)(uintptr_t)load_addr, file + file_offset, load_size);
    memset((void *)(uintptr_t)(load_addr + load_size), 0, end - load_addr - load_size);
    *image_end = end;
    return entry;
}

/* Bump allocator for what we place after the kernel. */
static uint32_t place(uint32_t *cursor, uint32_t size, uint32_t alignment, uint32_t ram_end)
{
    uint32_t at = align_up(*cursor, alignment);
    check_destination(at, size, ram_end);
    *cursor = at + size;
    return at;
}

static uint32_t place_string(uint32_t *cursor, const char *s, uint32_t ram_end)
{
    uint32_t len = 0;
    while (s[len] != '\0')
        len++;
    uint32_t at = place(cursor, len + 1, 1, ram_end);
    memcpy((void *)(uintptr_t)at, s, len + 1);
    return at;
}

void stage2_main(void) __attribute__((noreturn));

void stage2_main(void)
{
    const struct bootparams *bp = (const struct bootparams *)BOOT_LOAD_ADDR;
    if (bp->magic != BOOTPARAMS_MAGIC)
        fail("boot parameters sector has a bad magic:", bp->magic);

    uint32_t ram_end = upper_ram_end();
    const uint8_t *file = (const uint8_t *)(uintptr_t)bp->kernel_addr;
    const uint32_t *header = find_multiboot_header(file, bp->kernel_size);
    if (header == NULL)
        fail("no Multiboot v1 header in the kernel's first 8 KiB, size", bp->kernel_size);

    uint32_t image_end, entry;
    if (header[1] & MB_FLAG_AOUT_KLUDGE)
        entry = load_aout_kludge(file, bp->kernel_size, header, ram_end, &image_end);
    else
        entry = load_elf(file, bp->kernel_size, ram_end, &image_end);

    /* QEMU's order: modules page-aligned after the kernel, then the info block and strings. */
    uint32_t cursor = image_end;
    struct multiboot_module mods[BOOT_MAX_MODULES];
    for (unsigned i = 0; i < bp->module_count && i < BOOT_MAX_MODULES; i++) {
        const struct bootparams_module *m = &bp->modules[i];
        uint32_t at = place(&cursor, m->size, PAGE_SIZE, ram_end);
        copy_down_safe(at, m->addr, m->size);
        mods[i].mod_start = at;
        mods[i].mod_end = at + m->size;
        mods[i].reserved = 0;
    }

    uint32_t info_addr = place(&cursor, sizeof(struct multiboot_info), PAGE_SIZE, ram_end);
    struct multiboot_info *info = (struct multiboot_info *)(uintptr_t)info_addr;
    memset(info, 0, sizeof *info);
    info->flags = MBI_MEMORY | MBI_BOOTDEV | MBI_CMDLINE | MBI_MODS | MBI_LOADER;
    info->mem_lower = stage2_mem_lower_kb;
    info->mem_upper = ram_end > ONE_MIB ? (ram_end - ONE_MIB) / 1024 : 0;
    info->boot_device = ((uint32_t)stage2_boot_drive << 24) | 0x00FFFFFFu; /* no partition */
    info->cmdline = place_string(&cursor, bp->strings + bp->cmdline, ram_end);
    info->boot_loader_name = place_string(&cursor, loader_name, ram_end);

    info->mods_count = bp->module_count;
    info->mods_addr = place(&cursor, bp->module_count * sizeof(struct multiboot_module) + 1, 4,
                            ram_end);
    for (unsigned i = 0; i < bp->module_count; i++) {
        mods[i].string = place_string(&cursor, bp->strings + bp->modules[i].string, ram_end);
        ((struct multiboot_module *)(uintptr_t)info->mods_addr)[i] = mods[i];
    }

    if (stage2_e820_count > 0) {
        info->flags |= MBI_MMAP;
        info->mmap_length = stage2_e820_count * sizeof(struct multiboot_mmap_entry);
        info->mmap_addr = place(&cursor, info->mmap_length, 4, ram_end);
        struct multiboot_mmap_entry *out =
            (struct multiboot_mmap_entry *)(uintptr_t)info->mmap_addr;
        for (unsigned i = 0; i < stage2_e820_count; i++) {
            out[i].size = sizeof(struct multiboot_mmap_entry) - sizeof(uint32_t);
            out[i].base = stage2_e820_entries[i].base;
            out[i].length = stage2_e820_entries[i].length;
            out[i].type = stage2_e820_entries[i].type;
        }
    }

    __asm__ volatile("cli\n\tcld\n\tjmp *%2" : : "a"(MB_LOADER_MAGIC), "b"(info_addr), "r"(entry)
                     : "memory");
    __builtin_unreachable();
}
