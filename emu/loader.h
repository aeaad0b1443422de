/* Multiboot v1 loader: puts a kernel, its modules and the multiboot information into guest RAM the
 * way QEMU's -kernel does, and reads ELF symbols for the debugger.
 *
 * Guest physical layout it produces (see emu/README.md):
 *   0x00009000  multiboot info (LOADER_MBI_ADDR), then the memory map, the module list and the
 *               strings (command line, module strings, boot loader name), below 0x9FC00
 *   kernel      ELF PT_LOAD segments at their p_paddr (or the a.out-kludge header addresses)
 *   modules     each page-aligned, from the first page after max(kernel end, 1 MiB)
 *
 * Error messages are one line, "PATH: problem" (the caller adds the "vx86: " prefix). */
#ifndef VX86_LOADER_H
#define VX86_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/multiboot.h"
#include "emu/machine.h"

#define LOADER_MBI_ADDR      0x9000u   /* multiboot info structure */
#define LOADER_INFO_LIMIT    0x9FC00u  /* info, map, module list and strings end below this */
#define LOADER_HEADER_SEARCH ((uint32_t)MULTIBOOT_HEADER_SEARCH)     /* arch/multiboot.h */
#define LOADER_BOOT_MAGIC    ((uint32_t)MULTIBOOT_BOOTLOADER_MAGIC)

typedef struct loader_boot {
    uint32_t entry;         /* physical entry point: EIP at boot */
    uint32_t mbi_addr;      /* physical address of the multiboot info: EBX at boot */
    uint32_t kernel_start;  /* lowest physical byte the kernel occupies */
    uint32_t kernel_end;    /* first physical byte after the kernel (bss included) */
    uint32_t info_end;      /* first byte after the multiboot info area */
    uint32_t modules_end;   /* first byte after the last module (== kernel_end if none) */
} loader_boot;

/* Load cfg->kernel and cfg->modules into ram (ram_size bytes of guest physical memory from 0) and
 * build the multiboot info. Returns false with a one-line message in err on any bad input. */
bool loader_load_multiboot(uint8_t *ram, uint32_t ram_size, const machine_config *cfg,
                           loader_boot *out, char *err, size_t errlen);

/* ---- symbols (for the debugger and the TUI's disassembly) ---- */

typedef struct loader_symbol {
    uint32_t addr;
    uint32_t size;          /* 0 for labels without a size */
    bool is_function;
    const char *name;       /* points into loader_symbols' string storage */
} loader_symbol;

typedef struct loader_symbols {
    loader_symbol *syms;    /* sorted by address, then by name */
    size_t count;
    char *names;            /* owned storage for all names */
    loader_symbol **by_name;/* the same symbols sorted by name */
} loader_symbols;

/* Read the function and object symbols of an ELF32 file's .symtab. A file without a symbol table
 * gives an empty table and true; an unreadable or malformed file gives false and a message. */
bool loader_symbols_load(const char *path, loader_symbols *out, char *err, size_t errlen);
void loader_symbols_free(loader_symbols *syms);

/* The symbol with this exact name, or NULL. */
const loader_symbol *loader_sym_lookup_name(const loader_symbols *syms, const char *name);
/* The symbol covering addr (inside [addr, addr+size), or the nearest label of size 0 below it),
 * or NULL. *offset receives addr - symbol address when offset is not NULL. */
const loader_symbol *loader_sym_find_addr(const loader_symbols *syms, uint32_t addr,
                                          uint32_t *offset);
/* Formats addr as "name" or "name+0x1f" into buf; false (buf = "") if no symbol covers it. */
bool loader_sym_lookup_addr(const loader_symbols *syms, uint32_t addr, char *buf, size_t buflen);

#endif
