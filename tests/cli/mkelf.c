/* mkelf KIND OUT: writes a tiny Multiboot v1 image for the CLI tests (tests/cli/run-cli-tests.sh).
 * The guest programs are a few hand-assembled i386 instructions loaded at 1 MiB; they also boot
 * on QEMU (-kernel), which is how their encodings were checked. */
#define _DEFAULT_SOURCE                     /* mkstemp, for mkelf.h's mkelf_write_temp, under -std=c11 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/cli/mkelf.h"

#define LOAD_ADDR 0x100000u

/* jmp $ */
static const uint8_t LOOP[] = { 0xEB, 0xFE };
/* cli; hlt; jmp back to hlt */
static const uint8_t HALT[] = { 0xFA, 0xF4, 0xEB, 0xFD };
/* Print the NUL-terminated message at LOAD_ADDR+32 on COM1, then write 3 to the debug-exit port
 * (vx86 and QEMU exit with status 7). */
static const uint8_t HELLO[52] = {
    0x66, 0xBA, 0xF8, 0x03,             /* 0:  mov dx, 0x3f8 */
    0xBE, 0x20, 0x00, 0x10, 0x00,       /* 4:  mov esi, 0x100020 */
    0xAC,                               /* 9:  lodsb */
    0x84, 0xC0,                         /* 10: test al, al */
    0x74, 0x03,                         /* 12: jz 17 */
    0xEE,                               /* 14: out dx, al */
    0xEB, 0xF8,                         /* 15: jmp 9 */
    0xB0, 0x03,                         /* 17: mov al, 3 */
    0xE6, 0xF4,                         /* 19: out 0xf4, al */
    0xFA, 0xF4, 0xEB, 0xFD,             /* 21: cli; hlt; jmp 22 */
    [32] = 'h', 'e', 'l', 'l', 'o', ' ', 'f', 'r', 'o', 'm', ' ', 'g', 'u', 'e', 's', 't', '\n',
};
/* Print the multiboot command line (EBX->cmdline) and a newline on COM1, then debug-exit 1
 * (status 3). */
static const uint8_t CMDLINE[] = {
    0x8B, 0x73, 0x10,                   /* 0:  mov esi, [ebx+16] */
    0x66, 0xBA, 0xF8, 0x03,             /* 3:  mov dx, 0x3f8 */
    0xAC,                               /* 7:  lodsb */
    0x84, 0xC0,                         /* 8:  test al, al */
    0x74, 0x03,                         /* 10: jz 15 */
    0xEE,                               /* 12: out dx, al */
    0xEB, 0xF8,                         /* 13: jmp 7 */
    0xB0, 0x0A, 0xEE,                   /* 15: mov al, 10; out dx, al */
    0xB0, 0x01, 0xE6, 0xF4,             /* 18: mov al, 1; out 0xf4, al */
    0xFA, 0xF4, 0xEB, 0xFD,             /* 22: cli; hlt; jmp 23 */
};
/* Write '.' to the 0xE9 console and a newline to COM1 (stdout: "the guest runs"), then write CR3
 * forever (each write is a trace event). */
static const uint8_t SPIN[] = {
    0xB0, 0x2E, 0xE6, 0xE9,             /* 0:  mov al, '.'; out 0xe9, al */
    0x66, 0xBA, 0xF8, 0x03,             /* 4:  mov dx, 0x3f8 */
    0xB0, 0x0A, 0xEE,                   /* 8:  mov al, 10; out dx, al */
    0x0F, 0x22, 0xD8,                   /* 11: mov cr3, eax */
    0xEB, 0xFB,                         /* 14: jmp 11 */
};
/* Load an empty IDT, then int3: #GP, #DF, triple fault. */
static const uint8_t TRIPLE[16] = {
    0x0F, 0x01, 0x1D, 0x08, 0x00, 0x10, 0x00,   /* 0: lidt [0x100008] (6 zero bytes) */
    0xCC,                                       /* 7: int3 */
    [8] = 0, 0, 0, 0, 0, 0,
};

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: mkelf loop|halt|hello|cmdline|spin|triple|elf64|truncated|nombheader OUT\n");
        return 2;
    }
    const char *kind = argv[1];
    mkelf_spec s = { .entry = LOAD_ADDR, .nseg = 1 };
    s.seg[0].paddr = LOAD_ADDR;
    const uint8_t *code = LOOP;
    size_t len = sizeof LOOP, truncate_to = 0;
    if (strcmp(kind, "halt") == 0)
        code = HALT, len = sizeof HALT;
    else if (strcmp(kind, "hello") == 0)
        code = HELLO, len = sizeof HELLO;
    else if (strcmp(kind, "cmdline") == 0)
        code = CMDLINE, len = sizeof CMDLINE;
    else if (strcmp(kind, "spin") == 0)
        code = SPIN, len = sizeof SPIN;
    else if (strcmp(kind, "triple") == 0)
        code = TRIPLE, len = sizeof TRIPLE;
    else if (strcmp(kind, "elf64") == 0)
        s.elf_class = 2;
    else if (strcmp(kind, "truncated") == 0)
        truncate_to = MKELF_DATA_OFFSET + 1;
    else if (strcmp(kind, "nombheader") == 0)
        s.no_mb_header = true;
    else if (strcmp(kind, "loop") != 0) {
        fprintf(stderr, "mkelf: unknown kind '%s'\n", kind);
        return 2;
    }
    s.seg[0].data = code;
    s.seg[0].filesz = (uint32_t)len;
    s.seg[0].memsz = (uint32_t)len;

    static uint8_t image[8192];
    size_t n = mkelf_build(&s, image, sizeof image);
    if (n == 0) {
        fprintf(stderr, "mkelf: image does not fit\n");
        return 1;
    }
    if (truncate_to)
        n = truncate_to;
    FILE *f = fopen(argv[2], "wb");
    if (!f || fwrite(image, 1, n, f) != n || fclose(f) != 0) {
        perror(argv[2]);
        return 1;
    }
    return 0;
}
