/* Multiboot v1 loader, following QEMU's -kernel (hw/i386/multiboot.c behaviour as documented in
 * the Multiboot 0.6.96 specification). The ELF parser is our own and bounds-checks every offset,
 * because images come from students' build trees and may be anything. */
#include "emu/loader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arch/le.h"
#include "arch/multiboot.h"

#define MB_HEADER_MAGIC   ((uint32_t)MULTIBOOT_HEADER_MAGIC)   /* arch/multiboot.h */
#define MB_FLAG_AOUT_KLUDGE ((uint32_t)MULTIBOOT_AOUT_KLUDGE)

/* Multiboot info flags (Multiboot 0.6.96, section 3.3). */
#define MBI_MEM        ((uint32_t)MULTIBOOT_INFO_MEMORY)
#define MBI_BOOTDEV    ((uint32_t)MULTIBOOT_INFO_BOOTDEV)
#define MBI_CMDLINE    ((uint32_t)MULTIBOOT_INFO_CMDLINE)
#define MBI_MODS       ((uint32_t)MULTIBOOT_INFO_MODS)
#define MBI_MMAP       ((uint32_t)MULTIBOOT_INFO_MMAP)
#define MBI_LOADER     ((uint32_t)MULTIBOOT_INFO_LOADER_NAME)

/* Byte offsets of multiboot info fields. */
enum {
    MBI_OFF_FLAGS = 0, MBI_OFF_MEM_LOWER = 4, MBI_OFF_MEM_UPPER = 8, MBI_OFF_BOOT_DEVICE = 12,
    MBI_OFF_CMDLINE = 16, MBI_OFF_MODS_COUNT = 20, MBI_OFF_MODS_ADDR = 24,
    MBI_OFF_MMAP_LENGTH = 44, MBI_OFF_MMAP_ADDR = 48, MBI_OFF_LOADER_NAME = 64,
    MBI_SIZE = 128,          /* the structure is 116 bytes with framebuffer fields; keep it zeroed */
};

/* Where the pieces of the info area go: fixed slots, so a student can find them in a memory dump. */
#define INFO_MMAP_ADDR    (LOADER_MBI_ADDR + 0x80u)
#define INFO_MMAP_ENTRIES 4u
#define INFO_MMAP_ENTRY   24u          /* size field (4) + base (8) + length (8) + type (4) */
#define INFO_MODS_ADDR    (LOADER_MBI_ADDR + 0x100u)
#define INFO_MOD_ENTRY    16u          /* mod_start, mod_end, string, reserved */
#define INFO_STRINGS_ADDR (LOADER_MBI_ADDR + 0x200u)

#define BOOT_DEVICE_NONE  0x8000FFFFu  /* "first BIOS disk, no partition", as QEMU reports */
#define LOW_MEM_KIB       639u   /* usable conventional memory ends at 0x9FC00, as on QEMU */
#define HOLE_START        0xA0000u     /* VGA memory and BIOS area: not for loading */
#define HIGH_MEM_START    0x100000u
#define PAGE_SIZE         4096u
#define MAX_FILE_BYTES    (1u << 30)

/* ELF32 constants (System V ABI, i386 supplement). */
enum {
    ELF_EHDR_SIZE = 52, ELF_PHDR_SIZE = 32, ELF_SHDR_SIZE = 40, ELF_SYM_SIZE = 16,
    EI_CLASS = 4, EI_DATA = 5, ELFCLASS32 = 1, ELFCLASS64 = 2, ELFDATA2LSB = 1,
    ET_EXEC = 2, EM_386 = 3, EM_X86_64 = 62, PT_LOAD = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3,
    STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2, SHN_UNDEF = 0, SHN_LORESERVE = 0xff00,
};

typedef struct file_buf {
    const char *path;
    uint8_t *data;
    size_t size;
} file_buf;

static bool fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
    if (err && errlen) {
        int n = snprintf(err, errlen, "%s: ", path);
        if (n >= 0 && (size_t)n < errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return false;
}

/* True if [off, off+len) lies inside a buffer of `size` bytes (no overflow for any inputs). */
static bool in_bounds(uint64_t off, uint64_t len, uint64_t size) { return off <= size && len <= size - off; }

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen && blen && a < b + blen && b < a + alen;
}

static uint64_t page_align(uint64_t v) { return (v + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1); }

/* "64 MiB" or "1536 KiB": RAM sizes as people say them. */
static const char *ram_text(uint32_t bytes, char *buf, size_t len)
{
    if (bytes % (1024u * 1024u) == 0)
        snprintf(buf, len, "%u MiB", bytes / (1024u * 1024u));
    else
        snprintf(buf, len, "%u KiB", bytes / 1024u);
    return buf;
}

static bool read_file(const char *path, file_buf *out, char *err, size_t errlen)
{
    out->path = path;
    out->data = NULL;
    out->size = 0;
    struct stat st;
    if (stat(path, &st) != 0)
        return fail(err, errlen, path, "cannot open: %s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        return fail(err, errlen, path, "not a regular file");
    if ((uint64_t)st.st_size > MAX_FILE_BYTES)
        return fail(err, errlen, path, "file too large (%lld bytes)", (long long)st.st_size);
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(err, errlen, path, "cannot open: %s", strerror(errno));
    size_t size = (size_t)st.st_size;
    uint8_t *data = malloc(size ? size : 1);
    if (!data) {
        fclose(f);
        return fail(err, errlen, path, "out of memory reading %zu bytes", size);
    }
    size_t got = fread(data, 1, size, f);
    bool bad = ferror(f) || got != size;
    fclose(f);
    if (bad) {
        free(data);
        return fail(err, errlen, path, "read error");
    }
    out->data = data;
    out->size = size;
    return true;
}

static bool is_elf(const file_buf *f)
{
    return f->size >= 4 && memcmp(f->data, "\177ELF", 4) == 0;
}

/* The multiboot header: 4-byte aligned, in the first 8 KiB, magic + flags + checksum == 0.
 * Returns its offset, or -1; *bad_checksum_at reports a magic whose checksum did not match. */
static long find_multiboot_header(const file_buf *f, long *bad_checksum_at)
{
    *bad_checksum_at = -1;
    size_t limit = f->size < LOADER_HEADER_SEARCH ? f->size : LOADER_HEADER_SEARCH;
    for (size_t off = 0; off + 12 <= limit; off += 4) {
        if (le32_load(f->data + off) != MB_HEADER_MAGIC)
            continue;
        uint32_t flags = le32_load(f->data + off + 4), sum = le32_load(f->data + off + 8);
        if ((uint32_t)(MB_HEADER_MAGIC + flags + sum) == 0)
            return (long)off;
        if (*bad_checksum_at < 0)
            *bad_checksum_at = (long)off;
    }
    return -1;
}

/* Where the kernel may not go: the info area we are about to write, and the VGA/BIOS hole. */
static bool check_placement(const file_buf *f, uint64_t addr, uint64_t len, uint32_t ram_size,
                            uint32_t info_end, const char *what, char *err, size_t errlen)
{
    char rt[32];
    if (!in_bounds(addr, len, ram_size))
        return fail(err, errlen, f->path, "%s at 0x%llx (size %llu) outside RAM (%s)", what,
                    (unsigned long long)addr, (unsigned long long)len, ram_text(ram_size, rt, sizeof rt));
    if (ranges_overlap(addr, len, LOADER_MBI_ADDR, info_end - LOADER_MBI_ADDR))
        return fail(err, errlen, f->path,
                    "%s at 0x%llx (size %llu) overlaps the multiboot info area 0x%x-0x%x", what,
                    (unsigned long long)addr, (unsigned long long)len, LOADER_MBI_ADDR, info_end - 1);
    if (ranges_overlap(addr, len, HOLE_START, HIGH_MEM_START - HOLE_START))
        return fail(err, errlen, f->path,
                    "%s at 0x%llx (size %llu) overlaps the VGA/BIOS hole 0xa0000-0xfffff", what,
                    (unsigned long long)addr, (unsigned long long)len);
    return true;
}

/* Flag 16 ("a.out kludge"): the header says where the file goes, whatever its format. */
static bool load_with_header_addresses(const file_buf *f, size_t hdr, uint8_t *ram, uint32_t ram_size,
                                       uint32_t info_end, loader_boot *out, char *err, size_t errlen)
{
    if (!in_bounds(hdr, 32, f->size))
        return fail(err, errlen, f->path, "multiboot header truncated: load address fields missing");
    uint32_t header_addr = le32_load(f->data + hdr + 12), load_addr = le32_load(f->data + hdr + 16);
    uint32_t load_end = le32_load(f->data + hdr + 20), bss_end = le32_load(f->data + hdr + 24);
    uint32_t entry = le32_load(f->data + hdr + 28);
    if (load_addr > header_addr || header_addr - load_addr > hdr)
        return fail(err, errlen, f->path,
                    "multiboot header_addr 0x%x and load_addr 0x%x do not match the header's file offset 0x%zx",
                    header_addr, load_addr, hdr);
    uint64_t file_off = hdr - (header_addr - load_addr);
    uint64_t load_size;
    if (load_end == 0)
        load_size = f->size - file_off;
    else if (load_end < load_addr)
        return fail(err, errlen, f->path, "multiboot load_end_addr 0x%x is below load_addr 0x%x",
                    load_end, load_addr);
    else
        load_size = load_end - load_addr;
    if (!in_bounds(file_off, load_size, f->size))
        return fail(err, errlen, f->path,
                    "multiboot load range (offset 0x%llx, size %llu) beyond end of file (%zu bytes)",
                    (unsigned long long)file_off, (unsigned long long)load_size, f->size);
    uint64_t mem_size = load_size;
    if (bss_end != 0) {
        if (bss_end < load_addr + load_size)
            return fail(err, errlen, f->path, "multiboot bss_end_addr 0x%x is below the loaded end 0x%llx",
                        bss_end, (unsigned long long)(load_addr + load_size));
        mem_size = bss_end - load_addr;
    }
    if (mem_size == 0)
        return fail(err, errlen, f->path, "multiboot header describes an empty kernel");
    if (!check_placement(f, load_addr, mem_size, ram_size, info_end, "kernel", err, errlen))
        return false;
    if (entry < load_addr || entry >= load_addr + mem_size)
        return fail(err, errlen, f->path, "entry point 0x%x is outside the loaded kernel 0x%x-0x%llx",
                    entry, load_addr, (unsigned long long)(load_addr + mem_size - 1));
    memcpy(ram + load_addr, f->data + file_off, load_size);
    memset(ram + load_addr + load_size, 0, mem_size - load_size);
    out->entry = entry;
    out->kernel_start = load_addr;
    out->kernel_end = (uint32_t)(load_addr + mem_size);
    return true;
}

static const char *elf_type_name(uint16_t type)
{
    switch (type) {
    case 1: return "relocatable object";
    case 3: return "shared object or PIE";
    case 4: return "core dump";
    default: return "unknown type";
    }
}

/* The checks every ELF32 i386 file must pass, for loading and for symbols alike. */
static bool check_elf_ident(const file_buf *f, char *err, size_t errlen)
{
    if (!is_elf(f))
        return fail(err, errlen, f->path, "not an ELF file");
    if (f->size < ELF_EHDR_SIZE)
        return fail(err, errlen, f->path, "truncated ELF header (%zu bytes, need %d)", f->size,
                    ELF_EHDR_SIZE);
    uint8_t cls = f->data[EI_CLASS];
    if (cls != ELFCLASS32)
        return fail(err, errlen, f->path, "ELF class %d not supported: need ELF32 i386",
                    cls == ELFCLASS64 ? 64 : cls);
    if (f->data[EI_DATA] != ELFDATA2LSB)
        return fail(err, errlen, f->path, "big-endian ELF not supported: need ELF32 i386");
    uint16_t machine = le16_load(f->data + 18);
    if (machine != EM_386)
        return fail(err, errlen, f->path, "ELF machine %u%s not supported: need i386 (3)", machine,
                    machine == EM_X86_64 ? " (x86-64)" : "");
    return true;
}

static bool load_elf_segments(const file_buf *f, uint8_t *ram, uint32_t ram_size, uint32_t info_end,
                              loader_boot *out, char *err, size_t errlen)
{
    if (!check_elf_ident(f, err, errlen))
        return false;
    const uint8_t *eh = f->data;
    uint16_t type = le16_load(eh + 16);
    if (type != ET_EXEC)
        return fail(err, errlen, f->path, "ELF type %u (%s) not supported: need an executable (ET_EXEC)",
                    type, elf_type_name(type));
    uint32_t entry = le32_load(eh + 24), phoff = le32_load(eh + 28);
    uint16_t phentsize = le16_load(eh + 42), phnum = le16_load(eh + 44);
    if (phnum == 0)
        return fail(err, errlen, f->path, "ELF has no program headers");
    if (phentsize < ELF_PHDR_SIZE)
        return fail(err, errlen, f->path, "ELF program header size %u too small (need %d)", phentsize,
                    ELF_PHDR_SIZE);
    if (!in_bounds(phoff, (uint64_t)phnum * phentsize, f->size))
        return fail(err, errlen, f->path,
                    "program header table (offset 0x%x, %u entries) beyond end of file (%zu bytes)", phoff,
                    phnum, f->size);

    /* Check every segment before writing any, so a bad image leaves RAM untouched. */
    uint64_t lo = UINT64_MAX, hi = 0;
    bool entry_physical = false;
    uint64_t entry_translated = 0;
    bool entry_virtual = false;
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < phnum; i++) {
            const uint8_t *ph = eh + phoff + (size_t)i * phentsize;
            if (le32_load(ph) != PT_LOAD)
                continue;
            uint32_t off = le32_load(ph + 4), vaddr = le32_load(ph + 8), paddr = le32_load(ph + 12);
            uint32_t filesz = le32_load(ph + 16), memsz = le32_load(ph + 20);
            if (memsz == 0)
                continue;
            if (pass == 1) {
                memcpy(ram + paddr, eh + off, filesz);
                memset(ram + paddr + filesz, 0, memsz - filesz);
                continue;
            }
            if (filesz > memsz)
                return fail(err, errlen, f->path, "segment %u: file size %u larger than memory size %u", i,
                            filesz, memsz);
            if (!in_bounds(off, filesz, f->size))
                return fail(err, errlen, f->path,
                            "segment %u data (offset 0x%x, size %u) beyond end of file (%zu bytes)", i, off,
                            filesz, f->size);
            if (!check_placement(f, paddr, memsz, ram_size, info_end, "segment", err, errlen))
                return false;
            lo = paddr < lo ? paddr : lo;
            hi = (uint64_t)paddr + memsz > hi ? (uint64_t)paddr + memsz : hi;
            if (entry >= paddr && entry - paddr < memsz)
                entry_physical = true;
            else if (entry >= vaddr && entry - vaddr < memsz && !entry_virtual) {
                /* A higher-half kernel links its entry at the virtual address. */
                entry_virtual = true;
                entry_translated = (uint64_t)paddr + (entry - vaddr);
            }
        }
        if (pass == 0) {
            if (hi == 0)
                return fail(err, errlen, f->path, "ELF has no loadable segments");
            if (!entry_physical && !entry_virtual)
                return fail(err, errlen, f->path, "entry point 0x%x is outside the loaded segments", entry);
        }
    }
    out->entry = entry_physical ? entry : (uint32_t)entry_translated;
    out->kernel_start = (uint32_t)lo;
    out->kernel_end = (uint32_t)hi;
    return true;
}

/* "path" or "path args": the multiboot command line and module strings, as QEMU builds them. */
static size_t joined_length(const char *path, const char *args)
{
    return strlen(path) + (args && *args ? 1 + strlen(args) : 0) + 1;
}

static uint32_t put_joined(uint8_t *ram, uint32_t at, const char *path, const char *args)
{
    size_t n = strlen(path);
    memcpy(ram + at, path, n);
    if (args && *args) {
        ram[at + n++] = ' ';
        memcpy(ram + at + n, args, strlen(args));
        n += strlen(args);
    }
    ram[at + n] = 0;
    return (uint32_t)(at + n + 1);
}

static const char LOADER_NAME[] = "vx86";

static void write_mmap_entry(uint8_t *p, uint64_t base, uint64_t len, uint32_t type)
{
    le32_store(p, 20);          /* size of the rest of the entry; the field itself is not counted */
    le64_store(p + 4, base);
    le64_store(p + 12, len);
    le32_store(p + 20, type);
}

bool loader_load_multiboot(uint8_t *ram, uint32_t ram_size, const machine_config *cfg,
                           loader_boot *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (err && errlen)
        err[0] = 0;
    const char *kpath = cfg->kernel ? cfg->kernel : "(no image)";
    char rt[32];
    if (!cfg->kernel)
        return fail(err, errlen, kpath, "no kernel image given");
    if (ram_size < 2u * 1024 * 1024)
        return fail(err, errlen, kpath, "RAM size %s too small: need at least 2 MiB",
                    ram_text(ram_size, rt, sizeof rt));
    if (cfg->module_count < 0 || cfg->module_count > MACHINE_MAX_MODULES)
        return fail(err, errlen, kpath, "%d modules given: at most %d supported", cfg->module_count,
                    MACHINE_MAX_MODULES);

    /* Size the info area first: the kernel must not overlap it. */
    uint64_t strings = joined_length(cfg->kernel, cfg->cmdline) + sizeof LOADER_NAME;
    for (int i = 0; i < cfg->module_count; i++) {
        if (!cfg->modules[i].path)
            return fail(err, errlen, kpath, "module %d has no path", i + 1);
        strings += joined_length(cfg->modules[i].path, cfg->modules[i].args);
    }
    if (INFO_STRINGS_ADDR + strings > LOADER_INFO_LIMIT)
        return fail(err, errlen, kpath, "command line and module strings too long (%llu bytes)",
                    (unsigned long long)strings);
    uint32_t info_end = (uint32_t)(INFO_STRINGS_ADDR + strings);

    file_buf kernel;
    if (!read_file(cfg->kernel, &kernel, err, errlen))
        return false;
    long bad_sum_at;
    long hdr = find_multiboot_header(&kernel, &bad_sum_at);
    bool ok;
    if (hdr < 0) {
        if (!is_elf(&kernel))
            ok = fail(err, errlen, kpath, "not an ELF file (and no multiboot header in the first 8 KiB)");
        else if (bad_sum_at >= 0)
            ok = fail(err, errlen, kpath, "multiboot header at offset 0x%lx has a bad checksum", bad_sum_at);
        else
            ok = fail(err, errlen, kpath, "no multiboot header in the first 8 KiB");
    } else if (le32_load(kernel.data + hdr + 4) & MB_FLAG_AOUT_KLUDGE) {
        ok = load_with_header_addresses(&kernel, (size_t)hdr, ram, ram_size, info_end, out, err, errlen);
    } else {
        ok = load_elf_segments(&kernel, ram, ram_size, info_end, out, err, errlen);
    }
    free(kernel.data);
    if (!ok)
        return false;

    /* Modules: page-aligned one after another, above the kernel and never in low memory. */
    uint64_t cursor = page_align(out->kernel_end > HIGH_MEM_START ? out->kernel_end : HIGH_MEM_START);
    uint32_t string_at = INFO_STRINGS_ADDR;
    uint32_t cmdline_addr = string_at;
    string_at = put_joined(ram, string_at, cfg->kernel, cfg->cmdline);
    uint32_t loader_name_addr = string_at;
    memcpy(ram + string_at, LOADER_NAME, sizeof LOADER_NAME);
    string_at += sizeof LOADER_NAME;
    out->modules_end = out->kernel_end;
    for (int i = 0; i < cfg->module_count; i++) {
        const machine_module *mod = &cfg->modules[i];
        file_buf data;
        if (!read_file(mod->path, &data, err, errlen))
            return false;
        if (!in_bounds(cursor, data.size, ram_size)) {
            fail(err, errlen, mod->path, "module (%zu bytes) does not fit in RAM (%s) at 0x%llx", data.size,
                 ram_text(ram_size, rt, sizeof rt), (unsigned long long)cursor);
            free(data.data);
            return false;
        }
        memcpy(ram + cursor, data.data, data.size);
        free(data.data);
        uint8_t *entry = ram + INFO_MODS_ADDR + (uint32_t)i * INFO_MOD_ENTRY;
        le32_store(entry, (uint32_t)cursor);
        le32_store(entry + 4, (uint32_t)(cursor + data.size));
        le32_store(entry + 8, string_at);
        le32_store(entry + 12, 0);
        string_at = put_joined(ram, string_at, mod->path, mod->args);
        out->modules_end = (uint32_t)(cursor + data.size);
        cursor = page_align(cursor + data.size);
    }

    /* The memory map QEMU's BIOS reports (e820), in multiboot form. */
    uint8_t *mm = ram + INFO_MMAP_ADDR;
    write_mmap_entry(mm, 0, 0x9FC00, 1);
    write_mmap_entry(mm + INFO_MMAP_ENTRY, 0x9FC00, 0x400, 2);
    write_mmap_entry(mm + 2 * INFO_MMAP_ENTRY, 0xF0000, 0x10000, 2);
    write_mmap_entry(mm + 3 * INFO_MMAP_ENTRY, HIGH_MEM_START, ram_size - HIGH_MEM_START, 1);

    uint8_t *mbi = ram + LOADER_MBI_ADDR;
    memset(mbi, 0, MBI_SIZE);
    le32_store(mbi + MBI_OFF_FLAGS, MBI_MEM | MBI_BOOTDEV | MBI_CMDLINE | MBI_MODS | MBI_MMAP | MBI_LOADER);
    le32_store(mbi + MBI_OFF_MEM_LOWER, LOW_MEM_KIB);
    le32_store(mbi + MBI_OFF_MEM_UPPER, (ram_size - HIGH_MEM_START) / 1024u);
    le32_store(mbi + MBI_OFF_BOOT_DEVICE, BOOT_DEVICE_NONE);
    le32_store(mbi + MBI_OFF_CMDLINE, cmdline_addr);
    le32_store(mbi + MBI_OFF_MODS_COUNT, (uint32_t)cfg->module_count);
    le32_store(mbi + MBI_OFF_MODS_ADDR, INFO_MODS_ADDR);
    le32_store(mbi + MBI_OFF_MMAP_LENGTH, INFO_MMAP_ENTRIES * INFO_MMAP_ENTRY);
    le32_store(mbi + MBI_OFF_MMAP_ADDR, INFO_MMAP_ADDR);
    le32_store(mbi + MBI_OFF_LOADER_NAME, loader_name_addr);

    out->mbi_addr = LOADER_MBI_ADDR;
    out->info_end = info_end;
    return true;
}

/* ---------------------------------------------------------------- symbols */

static int cmp_sym_addr(const void *a, const void *b)
{
    const loader_symbol *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    /* Sized symbols first at one address, so they win over bare labels. */
    if ((x->size == 0) != (y->size == 0))
        return x->size == 0 ? 1 : -1;
    return strcmp(x->name, y->name);
}

static int cmp_sym_name(const void *a, const void *b)
{
    const loader_symbol *x = *(const loader_symbol *const *)a, *y = *(const loader_symbol *const *)b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

void loader_symbols_free(loader_symbols *syms)
{
    if (!syms)
        return;
    free(syms->syms);
    free(syms->names);
    free(syms->by_name);
    memset(syms, 0, sizeof *syms);
}

static bool symbols_from_elf(const file_buf *f, loader_symbols *out, char *err, size_t errlen)
{
    if (!check_elf_ident(f, err, errlen))
        return false;
    const uint8_t *eh = f->data;
    uint32_t shoff = le32_load(eh + 32);
    uint16_t shentsize = le16_load(eh + 46), shnum = le16_load(eh + 48);
    if (shoff == 0 || shnum == 0)
        return true;   /* stripped: no sections, no symbols */
    if (shentsize < ELF_SHDR_SIZE)
        return fail(err, errlen, f->path, "ELF section header size %u too small (need %d)", shentsize,
                    ELF_SHDR_SIZE);
    if (!in_bounds(shoff, (uint64_t)shnum * shentsize, f->size))
        return fail(err, errlen, f->path,
                    "section header table (offset 0x%x, %u entries) beyond end of file (%zu bytes)", shoff,
                    shnum, f->size);
    const uint8_t *symtab = NULL;
    for (unsigned i = 0; i < shnum; i++) {
        const uint8_t *sh = eh + shoff + (size_t)i * shentsize;
        if (le32_load(sh + 4) == SHT_SYMTAB) {
            symtab = sh;
            break;
        }
    }
    if (!symtab)
        return true;
    uint32_t sym_off = le32_load(symtab + 16), sym_size = le32_load(symtab + 20), link = le32_load(symtab + 24);
    uint32_t entsize = le32_load(symtab + 36);
    if (entsize < ELF_SYM_SIZE)
        entsize = ELF_SYM_SIZE;
    if (!in_bounds(sym_off, sym_size, f->size))
        return fail(err, errlen, f->path, "symbol table (offset 0x%x, size %u) beyond end of file", sym_off,
                    sym_size);
    if (link >= shnum)
        return fail(err, errlen, f->path, "symbol table links to missing section %u", link);
    const uint8_t *strsh = eh + shoff + (size_t)link * shentsize;
    uint32_t str_off = le32_load(strsh + 16), str_size = le32_load(strsh + 20);
    if (le32_load(strsh + 4) != SHT_STRTAB || !in_bounds(str_off, str_size, f->size))
        return fail(err, errlen, f->path, "symbol string table (section %u) missing or beyond end of file",
                    link);
    const char *strs = (const char *)eh + str_off;

    size_t n = sym_size / entsize, kept = 0, name_bytes = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t name_at = 0;
        kept = 0;
        for (size_t i = 0; i < n; i++) {
            const uint8_t *s = eh + sym_off + i * entsize;
            uint32_t name = le32_load(s), value = le32_load(s + 4), size = le32_load(s + 8);
            uint8_t kind = s[12] & 0xf;
            uint16_t shndx = le16_load(s + 14);
            if (kind != STT_FUNC && kind != STT_OBJECT && kind != STT_NOTYPE)
                continue;
            if (shndx == SHN_UNDEF || shndx >= SHN_LORESERVE || name == 0 || name >= str_size)
                continue;
            size_t len = strnlen(strs + name, str_size - name);
            if (len == str_size - name)
                continue;   /* unterminated name: skip it rather than read past the table */
            if (pass == 1) {
                memcpy(out->names + name_at, strs + name, len + 1);
                out->syms[kept] = (loader_symbol){ .addr = value, .size = size, .is_function = kind == STT_FUNC,
                                                   .name = out->names + name_at };
            } else {
                name_bytes += len + 1;
            }
            name_at += len + 1;
            kept++;
        }
        if (pass == 0) {
            if (kept == 0)
                return true;
            out->syms = calloc(kept, sizeof *out->syms);
            out->names = malloc(name_bytes);
            out->by_name = calloc(kept, sizeof *out->by_name);
            if (!out->syms || !out->names || !out->by_name) {
                loader_symbols_free(out);
                return fail(err, errlen, f->path, "out of memory reading %zu symbols", kept);
            }
        }
    }
    out->count = kept;
    qsort(out->syms, kept, sizeof *out->syms, cmp_sym_addr);
    for (size_t i = 0; i < kept; i++)
        out->by_name[i] = &out->syms[i];
    qsort(out->by_name, kept, sizeof *out->by_name, cmp_sym_name);
    return true;
}

bool loader_symbols_load(const char *path, loader_symbols *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    file_buf f;
    if (!read_file(path, &f, err, errlen))
        return false;
    bool ok = symbols_from_elf(&f, out, err, errlen);
    free(f.data);
    return ok;
}

const loader_symbol *loader_sym_lookup_name(const loader_symbols *syms, const char *name)
{
    size_t lo = 0, hi = syms->count;
    while (lo < hi) {   /* lower bound: the first of equal names, the lowest address */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(syms->by_name[mid]->name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < syms->count && strcmp(syms->by_name[lo]->name, name) == 0)
        return syms->by_name[lo];
    return NULL;
}

const loader_symbol *loader_sym_find_addr(const loader_symbols *syms, uint32_t addr, uint32_t *offset)
{
    size_t lo = 0, hi = syms->count;
    while (lo < hi) {   /* first symbol above addr */
        size_t mid = lo + (hi - lo) / 2;
        if (syms->syms[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    /* Among the symbols at the nearest address below, sized ones sort first. */
    uint32_t at = syms->syms[lo - 1].addr;
    size_t first = lo - 1;
    while (first > 0 && syms->syms[first - 1].addr == at)
        first--;
    const loader_symbol *s = &syms->syms[first];
    if (s->size != 0 && addr - s->addr >= s->size)
        return NULL;
    if (offset)
        *offset = addr - s->addr;
    return s;
}

bool loader_sym_lookup_addr(const loader_symbols *syms, uint32_t addr, char *buf, size_t buflen)
{
    uint32_t off = 0;
    const loader_symbol *s = loader_sym_find_addr(syms, addr, &off);
    if (buflen)
        buf[0] = 0;
    if (!s)
        return false;
    if (off)
        snprintf(buf, buflen, "%s+0x%x", s->name, off);
    else
        snprintf(buf, buflen, "%s", s->name);
    return true;
}
