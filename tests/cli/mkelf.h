/* Builds small Multiboot v1 ELF32 images in memory, good or deliberately broken, for the loader unit
 * tests (tests/unit/test_loader.c) and the CLI tests (tests/cli/mkelf.c). Header-only so both can
 * use it without a shared object file. Layout of an image:
 *   0x000 ELF header, 0x034 program headers, 0x100 multiboot header,
 *   0x200.. segment data (each 16-byte aligned), then the symbol table and section headers. */
#ifndef VX86_TESTS_MKELF_H
#define VX86_TESTS_MKELF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/multiboot.h"

#define MKELF_MAX_SEGS 4
#define MKELF_MAX_SYMS 8
#define MKELF_MB_OFFSET 0x100u
#define MKELF_DATA_OFFSET 0x200u

typedef struct mkelf_segment {
    uint32_t paddr, vaddr;      /* vaddr 0 means "same as paddr" */
    const uint8_t *data;
    uint32_t filesz, memsz;
} mkelf_segment;

typedef struct mkelf_symbol {
    const char *name;
    uint32_t value, size;
    uint8_t type;               /* 0 notype, 1 object, 2 func */
} mkelf_symbol;

typedef struct mkelf_spec {
    uint32_t entry;
    int nseg;
    mkelf_segment seg[MKELF_MAX_SEGS];
    int nsym;
    mkelf_symbol sym[MKELF_MAX_SYMS];
    /* Defaults (zero) give a good image; these break it on purpose. */
    uint8_t elf_class;          /* 0 = 1 (ELF32) */
    uint16_t machine;           /* 0 = 3 (i386) */
    uint16_t type;              /* 0 = 2 (ET_EXEC) */
    bool no_mb_header, bad_checksum;
    uint32_t mb_flags;          /* bit 16 set: also fill in the a.out-kludge addresses below */
    uint32_t kl_header_addr, kl_load_addr, kl_load_end, kl_bss_end, kl_entry;
    uint32_t phoff_override;    /* nonzero: e_phoff */
} mkelf_spec;

static inline void mkelf_w16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void mkelf_w32(uint8_t *p, uint32_t v)
{
    mkelf_w16(p, (uint16_t)v);
    mkelf_w16(p + 2, (uint16_t)(v >> 16));
}

/* Writes the image into buf (cap bytes); returns its size, or 0 if it does not fit. */
static inline size_t mkelf_build(const mkelf_spec *s, uint8_t *buf, size_t cap)
{
    size_t need = MKELF_DATA_OFFSET;
    for (int i = 0; i < s->nseg; i++)
        need += ((size_t)s->seg[i].filesz + 15) & ~(size_t)15;
    need += 64 + (size_t)(s->nsym + 1) * 16 + 256 + 3 * 40;
    if (need > cap || s->nseg > MKELF_MAX_SEGS || s->nsym > MKELF_MAX_SYMS)
        return 0;
    memset(buf, 0, need);

    uint8_t *eh = buf;
    memcpy(eh, "\177ELF", 4);
    eh[4] = s->elf_class ? s->elf_class : 1;
    eh[5] = 1;   /* little-endian */
    eh[6] = 1;   /* EV_CURRENT */
    mkelf_w16(eh + 16, s->type ? s->type : 2);
    mkelf_w16(eh + 18, s->machine ? s->machine : 3);
    mkelf_w32(eh + 20, 1);
    mkelf_w32(eh + 24, s->entry);
    mkelf_w32(eh + 28, s->phoff_override ? s->phoff_override : 52);
    mkelf_w16(eh + 40, 52);
    mkelf_w16(eh + 42, 32);
    mkelf_w16(eh + 44, (uint16_t)s->nseg);
    mkelf_w16(eh + 46, 40);

    if (!s->no_mb_header) {
        uint8_t *mb = buf + MKELF_MB_OFFSET;
        uint32_t magic = MULTIBOOT_HEADER_MAGIC, flags = s->mb_flags;
        mkelf_w32(mb, magic);
        mkelf_w32(mb + 4, flags);
        mkelf_w32(mb + 8, (uint32_t)(0u - magic - flags) + (s->bad_checksum ? 1u : 0u));
        mkelf_w32(mb + 12, s->kl_header_addr);
        mkelf_w32(mb + 16, s->kl_load_addr);
        mkelf_w32(mb + 20, s->kl_load_end);
        mkelf_w32(mb + 24, s->kl_bss_end);
        mkelf_w32(mb + 28, s->kl_entry);
    }

    size_t at = MKELF_DATA_OFFSET;
    for (int i = 0; i < s->nseg; i++) {
        const mkelf_segment *g = &s->seg[i];
        uint8_t *ph = buf + 52 + (size_t)i * 32;
        mkelf_w32(ph, 1);   /* PT_LOAD */
        mkelf_w32(ph + 4, (uint32_t)at);
        mkelf_w32(ph + 8, g->vaddr ? g->vaddr : g->paddr);
        mkelf_w32(ph + 12, g->paddr);
        mkelf_w32(ph + 16, g->filesz);
        mkelf_w32(ph + 20, g->memsz);
        mkelf_w32(ph + 24, 7);
        mkelf_w32(ph + 28, 16);
        if (g->data && g->filesz)
            memcpy(buf + at, g->data, g->filesz);
        at += ((size_t)g->filesz + 15) & ~(size_t)15;
    }

    if (s->nsym > 0) {
        /* .strtab */
        size_t str_off = at, str_len = 1;
        uint32_t name_at[MKELF_MAX_SYMS];
        for (int i = 0; i < s->nsym; i++) {
            size_t n = strlen(s->sym[i].name) + 1;
            if (str_len + n > 256)
                return 0;
            name_at[i] = (uint32_t)str_len;
            memcpy(buf + str_off + str_len, s->sym[i].name, n);
            str_len += n;
        }
        at = (str_off + 256 + 15) & ~(size_t)15;
        /* .symtab: entry 0 is the null symbol */
        size_t sym_off = at;
        for (int i = 0; i < s->nsym; i++) {
            uint8_t *e = buf + sym_off + (size_t)(i + 1) * 16;
            mkelf_w32(e, name_at[i]);
            mkelf_w32(e + 4, s->sym[i].value);
            mkelf_w32(e + 8, s->sym[i].size);
            e[12] = (uint8_t)(0x10 | s->sym[i].type);   /* STB_GLOBAL */
            mkelf_w16(e + 14, 1);                         /* some defined section */
        }
        at += (size_t)(s->nsym + 1) * 16;
        /* section headers: null, .symtab (link 2), .strtab */
        size_t sh_off = at;
        uint8_t *sh1 = buf + sh_off + 40, *sh2 = buf + sh_off + 80;
        mkelf_w32(sh1 + 4, 2);
        mkelf_w32(sh1 + 16, (uint32_t)sym_off);
        mkelf_w32(sh1 + 20, (uint32_t)(s->nsym + 1) * 16);
        mkelf_w32(sh1 + 24, 2);
        mkelf_w32(sh1 + 36, 16);
        mkelf_w32(sh2 + 4, 3);
        mkelf_w32(sh2 + 16, (uint32_t)str_off);
        mkelf_w32(sh2 + 20, (uint32_t)str_len);
        mkelf_w32(eh + 32, (uint32_t)sh_off);
        mkelf_w16(eh + 48, 3);
        at += 3 * 40;
    }
    return at;
}

/* Build s into a new temporary file named from tmpl ("/tmp/NAME-XXXXXX", completed in place by
 * mkstemp, POSIX: the includer defines _DEFAULT_SOURCE): the unit tests' guest image. 0, or -1 when it cannot be built or written. */
static inline int mkelf_write_temp(const mkelf_spec *s, char *tmpl)
{
    static uint8_t buf[8192];
    size_t n = mkelf_build(s, buf, sizeof buf);
    int fd = n ? mkstemp(tmpl) : -1;
    if (fd < 0)
        return -1;
    ssize_t w = write(fd, buf, n);
    return close(fd) == 0 && w == (ssize_t)n ? 0 : -1;
}

#endif
