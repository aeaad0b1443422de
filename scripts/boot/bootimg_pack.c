/* bootimg_pack: host tool behind scripts/mkbootimg. Lays out a bootable disk image from the
 * stage 1 and stage 2 binaries, a Multiboot v1 kernel and optional modules (layout in
 * bootparams.h) and pads it to a 1.44 MB floppy or a 16-head, 63-sector hard disk.
 *
 * usage: bootimg_pack STAGE1.bin STAGE2.bin KERNEL KERNEL-NAME OUT.img floppy|hdd CMDLINE
 *                     [MODULE STRING]...
 * KERNEL-NAME is what error messages call the kernel (mkbootimg packs a stripped copy). */
#include <errno.h>
#include <stdint.h>

#include "arch/multiboot.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootparams.h"

#define FLOPPY_BYTES       1474560u
#define HDD_CYLINDER_BYTES (16u * 63u * BOOT_SECTOR_SIZE)
#define ELF_SEARCH_BYTES   8192u

typedef struct file_bytes {
    const char *path;
    uint8_t *data;
    size_t size;
} file_bytes;

static void die(const char *path, const char *problem)
{
    fprintf(stderr, "mkbootimg: %s: %s\n", path, problem);
    exit(1);
}

static file_bytes read_file(const char *path)
{
    file_bytes f = {path, NULL, 0};
    FILE *in = fopen(path, "rb");
    if (in == NULL)
        die(path, strerror(errno));
    size_t capacity = 0;
    for (;;) {
        if (f.size == capacity) {
            capacity = capacity ? capacity * 2 : 65536;
            f.data = realloc(f.data, capacity);
            if (f.data == NULL)
                die(path, "out of memory");
        }
        size_t got = fread(f.data + f.size, 1, capacity - f.size, in);
        if (got == 0)
            break;
        f.size += got;
    }
    if (ferror(in))
        die(path, "read error");
    fclose(in);
    return f;
}

static uint32_t read_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Catch a wrong file here, with its name, rather than as a hang inside the emulator. */
static void check_kernel(const file_bytes *k)
{
    size_t limit = k->size < ELF_SEARCH_BYTES ? k->size : ELF_SEARCH_BYTES;
    for (size_t off = 0; off + 12 <= limit; off += 4) {
        uint32_t magic = read_u32(k->data + off);
        uint32_t flags = read_u32(k->data + off + 4);
        uint32_t checksum = read_u32(k->data + off + 8);
        if (magic != MULTIBOOT_HEADER_MAGIC || (uint32_t)(magic + flags + checksum) != 0)
            continue;
        if (flags & (1u << 16))
            return;               /* a.out kludge: the header carries the load addresses */
        if (k->size < 52 || memcmp(k->data, "\177ELF", 4) != 0 || k->data[4] != 1 ||
            k->data[18] != 3)
            die(k->path, "has a Multiboot header but is not an ELF32 i386 file");
        return;
    }
    die(k->path, "no Multiboot v1 header in the first 8 KiB (is it a multiboot kernel?)");
}

static size_t sectors_for(size_t bytes)
{
    return (bytes + BOOT_SECTOR_SIZE - 1) / BOOT_SECTOR_SIZE;
}

/* Append s to the strings area; returns its offset. */
static uint32_t add_string(struct bootparams *bp, size_t *used, const char *s, const char *what)
{
    size_t len = strlen(s) + 1;
    if (*used + len > BOOT_STRINGS_SIZE)
        die(what, "command line and module strings exceed 383 bytes in total");
    memcpy(bp->strings + *used, s, len);
    uint32_t at = (uint32_t)*used;
    *used += len;
    return at;
}

int main(int argc, char **argv)
{
    if (argc < 8 || (argc - 8) % 2 != 0) {
        fprintf(stderr, "usage: bootimg_pack STAGE1 STAGE2 KERNEL KERNEL-NAME OUT floppy|hdd "
                        "CMDLINE [MODULE STRING]...\n");
        return 2;
    }
    const char *out_path = argv[5];
    const char *kind = argv[6];
    int is_floppy = strcmp(kind, "floppy") == 0;
    if (!is_floppy && strcmp(kind, "hdd") != 0)
        die(kind, "image kind must be floppy or hdd");
    size_t module_count = (size_t)(argc - 8) / 2;
    if (module_count > BOOT_MAX_MODULES)
        die(argv[8], "too many modules (at most 8)");

    file_bytes stage1 = read_file(argv[1]);
    file_bytes stage2 = read_file(argv[2]);
    file_bytes kernel = read_file(argv[3]);
    kernel.path = argv[4];
    if (stage1.size != BOOT_SECTOR_SIZE || stage1.data[510] != 0x55 || stage1.data[511] != 0xAA)
        die(stage1.path, "not a 512-byte boot sector ending in 55 AA");
    check_kernel(&kernel);

    /* Where each file starts, in sectors from LBA 0. */
    struct bootparams bp;
    memset(&bp, 0, sizeof bp);
    size_t strings_used = 0;
    size_t lba = 2 + sectors_for(stage2.size);
    size_t kernel_lba = lba;
    lba += sectors_for(kernel.size);
    bp.magic = BOOTPARAMS_MAGIC;
    bp.kernel_addr = (uint32_t)(BOOT_LOAD_ADDR + (kernel_lba - 1) * BOOT_SECTOR_SIZE);
    bp.kernel_size = (uint32_t)kernel.size;
    bp.cmdline = add_string(&bp, &strings_used, argv[7], "--cmdline");
    bp.module_count = (uint32_t)module_count;

    file_bytes modules[BOOT_MAX_MODULES];
    size_t module_lba[BOOT_MAX_MODULES];
    for (size_t i = 0; i < module_count; i++) {
        modules[i] = read_file(argv[8 + 2 * i]);
        module_lba[i] = lba;
        lba += sectors_for(modules[i].size);
        bp.modules[i].addr = (uint32_t)(BOOT_LOAD_ADDR + (module_lba[i] - 1) * BOOT_SECTOR_SIZE);
        bp.modules[i].size = (uint32_t)modules[i].size;
        bp.modules[i].string = add_string(&bp, &strings_used, argv[9 + 2 * i], modules[i].path);
    }

    size_t loaded_end = BOOT_LOAD_ADDR + (lba - 1) * BOOT_SECTOR_SIZE;
    if (loaded_end > BOOT_LOAD_LIMIT) {
        char why[160];
        snprintf(why, sizeof why,
                 "stage 2 + kernel + modules take %zu KiB; the real-mode loader has room "
                 "for %u KiB",
                 (loaded_end - BOOT_LOAD_ADDR) / 1024, (BOOT_LOAD_LIMIT - BOOT_LOAD_ADDR) / 1024);
        die(kernel.path, why);
    }

    size_t image_bytes = lba * BOOT_SECTOR_SIZE;
    if (is_floppy)
        image_bytes = FLOPPY_BYTES;
    else
        image_bytes = (image_bytes + HDD_CYLINDER_BYTES - 1) / HDD_CYLINDER_BYTES *
                      HDD_CYLINDER_BYTES;

    uint8_t *image = calloc(1, image_bytes);
    if (image == NULL)
        die(out_path, "out of memory");
    memcpy(image, stage1.data, BOOT_SECTOR_SIZE);
    uint16_t load_count = (uint16_t)(lba - 1);
    image[BOOT_LOAD_COUNT_OFFSET] = (uint8_t)load_count;
    image[BOOT_LOAD_COUNT_OFFSET + 1] = (uint8_t)(load_count >> 8);
    /* The struct is written in host byte order and read by an x86 guest: insist on little endian. */
    const uint16_t probe = 1;
    if (*(const uint8_t *)&probe != 1)
        die(out_path, "bootimg_pack must run on a little-endian host");
    memcpy(image + BOOT_SECTOR_SIZE, &bp, sizeof bp);
    memcpy(image + 2 * BOOT_SECTOR_SIZE, stage2.data, stage2.size);
    memcpy(image + kernel_lba * BOOT_SECTOR_SIZE, kernel.data, kernel.size);
    for (size_t i = 0; i < module_count; i++)
        memcpy(image + module_lba[i] * BOOT_SECTOR_SIZE, modules[i].data, modules[i].size);

    FILE *out = fopen(out_path, "wb");
    if (out == NULL)
        die(out_path, strerror(errno));
    if (fwrite(image, 1, image_bytes, out) != image_bytes || fclose(out) != 0)
        die(out_path, "write error");
    return 0;
}
