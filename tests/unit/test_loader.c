/* Multiboot loader: images are built in memory (tests/cli/mkelf.h), written to /tmp, loaded into a
 * plain RAM buffer, and the result is read back byte by byte as a guest would see it. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu/loader.h"
#include "tests/cli/mkelf.h"

#define RAM_SIZE (64u * 1024 * 1024)
#define MAX_TEMPS 8

static uint8_t *ram;
static char temps[MAX_TEMPS][64];
static int ntemps;
static char err[512];

static void setup(void)
{
    ram = malloc(RAM_SIZE);
    ck_assert_ptr_nonnull(ram);
    memset(ram, 0xAA, RAM_SIZE);   /* so zeroed bss is visible */
    ntemps = 0;
    err[0] = 0;
}

static void teardown(void)
{
    for (int i = 0; i < ntemps; i++)
        unlink(temps[i]);
    free(ram);
}

static const char *write_temp(const void *data, size_t len)
{
    ck_assert_int_lt(ntemps, MAX_TEMPS);
    char *path = temps[ntemps++];
    strcpy(path, "/tmp/vx86-loader-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
    return path;
}

static const char *write_image(const mkelf_spec *spec, size_t truncate_to)
{
    static uint8_t buf[16384];
    size_t n = mkelf_build(spec, buf, sizeof buf);
    ck_assert_uint_gt(n, 0);
    if (truncate_to && truncate_to < n)
        n = truncate_to;
    return write_temp(buf, n);
}

static uint32_t r32(uint32_t addr)
{
    return (uint32_t)ram[addr] | (uint32_t)ram[addr + 1] << 8 | (uint32_t)ram[addr + 2] << 16 |
           (uint32_t)ram[addr + 3] << 24;
}

static const uint8_t CODE[] = { 0xFA, 0xF4, 0xEB, 0xFD, 1, 2, 3, 4 };   /* cli; hlt; jmp $-1 */
static const uint8_t DATA[] = "data segment";

/* A typical kernel: code at 1 MiB with a bss tail, data at 2 MiB. */
static mkelf_spec good_spec(void)
{
    mkelf_spec s = { .entry = 0x100000, .nseg = 2 };
    s.seg[0] = (mkelf_segment){ .paddr = 0x100000, .data = CODE, .filesz = sizeof CODE, .memsz = 0x1800 };
    s.seg[1] = (mkelf_segment){ .paddr = 0x200000, .data = DATA, .filesz = sizeof DATA, .memsz = sizeof DATA };
    return s;
}

static bool load(const char *kernel, const char *cmdline, machine_config *cfg, loader_boot *boot)
{
    cfg->kernel = kernel;
    cfg->cmdline = cmdline;
    cfg->memory_bytes = RAM_SIZE;
    return loader_load_multiboot(ram, RAM_SIZE, cfg, boot, err, sizeof err);
}

/* Load an image expected to fail and check the message names the file and the problem. */
static void expect_failure(const mkelf_spec *spec, size_t truncate_to, const char *fragment)
{
    const char *path = write_image(spec, truncate_to);
    machine_config cfg = { 0 };
    loader_boot boot;
    ck_assert_msg(!load(path, NULL, &cfg, &boot), "load of a bad image succeeded");
    ck_assert_msg(strncmp(err, path, strlen(path)) == 0, "message does not start with the path: %s", err);
    ck_assert_msg(strstr(err, fragment) != NULL, "message '%s' lacks '%s'", err, fragment);
    ck_assert_ptr_null(strchr(err, '\n'));
}

START_TEST(segments_land_at_paddr_and_bss_is_zeroed)
{
    mkelf_spec s = good_spec();
    machine_config cfg = { 0 };
    loader_boot boot;
    ck_assert_msg(load(write_image(&s, 0), NULL, &cfg, &boot), "%s", err);
    ck_assert_mem_eq(ram + 0x100000, CODE, sizeof CODE);
    for (uint32_t a = 0x100000 + sizeof CODE; a < 0x101800; a++)
        ck_assert_msg(ram[a] == 0, "bss byte at 0x%x not zero", a);
    ck_assert_uint_eq(ram[0x101800], 0xAA);   /* nothing written past memsz */
    ck_assert_mem_eq(ram + 0x200000, DATA, sizeof DATA);
    ck_assert_uint_eq(boot.entry, 0x100000);
    ck_assert_uint_eq(boot.kernel_start, 0x100000);
    ck_assert_uint_eq(boot.kernel_end, 0x200000 + sizeof DATA);
    ck_assert_uint_eq(boot.mbi_addr, LOADER_MBI_ADDR);
}
END_TEST

START_TEST(info_memory_cmdline_and_mmap)
{
    mkelf_spec s = good_spec();
    const char *path = write_image(&s, 0);
    machine_config cfg = { 0 };
    loader_boot boot;
    ck_assert_msg(load(path, "console=ttyS0 init=/bin/sh", &cfg, &boot), "%s", err);
    uint32_t mbi = boot.mbi_addr;
    uint32_t flags = r32(mbi);
    ck_assert_uint_eq(flags & 0x1, 0x1);     /* mem */
    ck_assert_uint_eq(flags & 0x4, 0x4);     /* cmdline */
    ck_assert_uint_eq(flags & 0x8, 0x8);     /* mods */
    ck_assert_uint_eq(flags & 0x40, 0x40);   /* mmap */
    ck_assert_uint_eq(r32(mbi + 4), 639);
    ck_assert_uint_eq(r32(mbi + 8), (RAM_SIZE - 0x100000) / 1024);
    char expect[128];
    snprintf(expect, sizeof expect, "%s console=ttyS0 init=/bin/sh", path);
    ck_assert_str_eq((const char *)ram + r32(mbi + 16), expect);
    ck_assert_uint_eq(r32(mbi + 20), 0);

    uint32_t mm = r32(mbi + 48), len = r32(mbi + 44);
    ck_assert_uint_eq(len, 4 * 24);
    static const struct { uint64_t base, len; uint32_t type; } want[] = {
        { 0, 0x9FC00, 1 }, { 0x9FC00, 0x400, 2 }, { 0xF0000, 0x10000, 2 }, { 0x100000, RAM_SIZE - 0x100000, 1 },
    };
    uint32_t at = mm;
    for (int i = 0; i < 4; i++) {
        ck_assert_uint_eq(r32(at), 20);
        uint64_t base = r32(at + 4) | (uint64_t)r32(at + 8) << 32;
        uint64_t length = r32(at + 12) | (uint64_t)r32(at + 16) << 32;
        ck_assert_uint_eq(base, want[i].base);
        ck_assert_uint_eq(length, want[i].len);
        ck_assert_uint_eq(r32(at + 20), want[i].type);
        at += r32(at) + 4;   /* how a guest walks the map */
    }
    /* The info area stays in low memory, clear of the kernel. */
    ck_assert_uint_lt(boot.info_end, 0x9FC00);
    ck_assert_uint_ge(mm, LOADER_MBI_ADDR);
    ck_assert_uint_lt(r32(mbi + 16), boot.info_end);
}
END_TEST

START_TEST(cmdline_is_path_alone_without_args)
{
    mkelf_spec s = good_spec();
    const char *path = write_image(&s, 0);
    machine_config cfg = { 0 };
    loader_boot boot;
    ck_assert_msg(load(path, "", &cfg, &boot), "%s", err);
    ck_assert_str_eq((const char *)ram + r32(boot.mbi_addr + 16), path);
    ck_assert_msg(load(path, NULL, &cfg, &boot), "%s", err);
    ck_assert_str_eq((const char *)ram + r32(boot.mbi_addr + 16), path);
}
END_TEST

START_TEST(modules_page_aligned_after_kernel)
{
    mkelf_spec s = good_spec();
    const char *kernel = write_image(&s, 0);
    static const char m1[] = "first module contents";
    uint8_t m2[5000];
    for (size_t i = 0; i < sizeof m2; i++)
        m2[i] = (uint8_t)(i * 7);
    const char *p1 = write_temp(m1, sizeof m1 - 1);
    const char *p2 = write_temp(m2, sizeof m2);
    machine_config cfg = { .module_count = 2 };
    cfg.modules[0] = (machine_module){ .path = p1, .args = "root=/ with spaces" };
    cfg.modules[1] = (machine_module){ .path = p2, .args = NULL };
    loader_boot boot;
    ck_assert_msg(load(kernel, NULL, &cfg, &boot), "%s", err);
    uint32_t mbi = boot.mbi_addr;
    ck_assert_uint_eq(r32(mbi + 20), 2);
    uint32_t mods = r32(mbi + 24);
    uint32_t start1 = r32(mods), end1 = r32(mods + 4);
    uint32_t start2 = r32(mods + 16), end2 = r32(mods + 20);
    ck_assert_uint_eq(start1, 0x201000);   /* first page after the kernel end 0x20000d */
    ck_assert_uint_eq(end1, start1 + sizeof m1 - 1);
    ck_assert_uint_eq(start2 % 4096, 0);
    ck_assert_uint_ge(start2, end1);
    ck_assert_uint_eq(end2, start2 + sizeof m2);
    ck_assert_mem_eq(ram + start1, m1, sizeof m1 - 1);
    ck_assert_mem_eq(ram + start2, m2, sizeof m2);
    char expect[128];
    snprintf(expect, sizeof expect, "%s root=/ with spaces", p1);
    ck_assert_str_eq((const char *)ram + r32(mods + 8), expect);
    ck_assert_str_eq((const char *)ram + r32(mods + 24), p2);
    ck_assert_uint_eq(boot.modules_end, end2);
}
END_TEST

START_TEST(higher_half_entry_is_translated)
{
    mkelf_spec s = good_spec();
    s.seg[0].vaddr = 0xC0100000;
    s.entry = 0xC0100002;
    machine_config cfg = { 0 };
    loader_boot boot;
    ck_assert_msg(load(write_image(&s, 0), NULL, &cfg, &boot), "%s", err);
    ck_assert_uint_eq(boot.entry, 0x100002);
    ck_assert_mem_eq(ram + 0x100000, CODE, sizeof CODE);
}
END_TEST

START_TEST(aout_kludge_uses_header_addresses)
{
    /* The file is loaded from offset 0 at 0x100000: the header (file offset 0x100) is at 0x100100. */
    mkelf_spec s = good_spec();
    s.mb_flags = 1u << 16;
    s.kl_header_addr = 0x100100;
    s.kl_load_addr = 0x100000;
    s.kl_load_end = 0x100210;
    s.kl_bss_end = 0x103000;
    s.kl_entry = 0x100200;
    static uint8_t image[16384];
    size_t n = mkelf_build(&s, image, sizeof image);
    const char *path = write_temp(image, n);
    machine_config cfg = { 0 };
    loader_boot boot;
    ck_assert_msg(load(path, NULL, &cfg, &boot), "%s", err);
    ck_assert_uint_eq(boot.entry, 0x100200);
    ck_assert_mem_eq(ram + 0x100000, image, 0x210);
    ck_assert_uint_eq(ram[0x100210], 0);
    ck_assert_uint_eq(ram[0x102FFF], 0);
    ck_assert_uint_eq(ram[0x103000], 0xAA);
    ck_assert_uint_eq(boot.kernel_end, 0x103000);
    ck_assert_uint_eq(ram[0x200000], 0xAA);   /* ELF program headers ignored */
}
END_TEST

START_TEST(rejects_truncated_files)
{
    mkelf_spec s = good_spec();
    expect_failure(&s, 40, "no multiboot header in the first 8 KiB");
    expect_failure(&s, MKELF_DATA_OFFSET + 4, "segment 0 data (offset 0x200, size 8) beyond end of file");
}
END_TEST

START_TEST(rejects_wrong_class_machine_and_type)
{
    mkelf_spec s = good_spec();
    s.elf_class = 2;
    expect_failure(&s, 0, "ELF class 64 not supported: need ELF32 i386");
    s = good_spec();
    s.machine = 62;
    expect_failure(&s, 0, "ELF machine 62 (x86-64) not supported");
    s = good_spec();
    s.type = 3;
    expect_failure(&s, 0, "ELF type 3 (shared object or PIE) not supported");
}
END_TEST

START_TEST(rejects_phdr_table_outside_file)
{
    mkelf_spec s = good_spec();
    s.phoff_override = 0xFFFFFFF0;
    expect_failure(&s, 0, "program header table (offset 0xfffffff0, 2 entries) beyond end of file");
}
END_TEST

START_TEST(rejects_segments_outside_ram_or_in_reserved_areas)
{
    mkelf_spec s = good_spec();
    s.seg[1].paddr = RAM_SIZE - 4;
    expect_failure(&s, 0, "segment at 0x3fffffc (size 13) outside RAM (64 MiB)");
    s = good_spec();
    s.seg[1].paddr = 0xFFFFFFF8;
    expect_failure(&s, 0, "outside RAM (64 MiB)");
    s = good_spec();
    s.seg[1].paddr = LOADER_MBI_ADDR;
    expect_failure(&s, 0, "overlaps the multiboot info area");
    s = good_spec();
    s.seg[1].paddr = 0xB8000;
    expect_failure(&s, 0, "overlaps the VGA/BIOS hole");
    s = good_spec();
    s.seg[0].memsz = 4;
    expect_failure(&s, 0, "segment 0: file size 8 larger than memory size 4");
    s = good_spec();
    s.entry = 0x500000;
    expect_failure(&s, 0, "entry point 0x500000 is outside the loaded segments");
}
END_TEST

START_TEST(rejects_missing_or_broken_multiboot_header)
{
    mkelf_spec s = good_spec();
    s.no_mb_header = true;
    expect_failure(&s, 0, "no multiboot header in the first 8 KiB");
    s = good_spec();
    s.bad_checksum = true;
    expect_failure(&s, 0, "multiboot header at offset 0x100 has a bad checksum");
}
END_TEST

START_TEST(rejects_missing_and_non_elf_files)
{
    machine_config cfg = { 0 };
    loader_boot boot;
    ck_assert(!load("/tmp/vx86-no-such-image.elf", NULL, &cfg, &boot));
    ck_assert_str_eq(err, "/tmp/vx86-no-such-image.elf: cannot open: No such file or directory");
    const char *text = write_temp("hello, I am a text file\n", 24);
    ck_assert(!load(text, NULL, &cfg, &boot));
    ck_assert_msg(strstr(err, ": not an ELF file") != NULL, "%s", err);
    ck_assert(!load("/tmp", NULL, &cfg, &boot));
    ck_assert_str_eq(err, "/tmp: not a regular file");
}
END_TEST

START_TEST(rejects_missing_or_oversized_module)
{
    mkelf_spec s = good_spec();
    const char *kernel = write_image(&s, 0);
    machine_config cfg = { .module_count = 1 };
    cfg.modules[0].path = "/tmp/vx86-no-such-module.bin";
    loader_boot boot;
    ck_assert(!load(kernel, NULL, &cfg, &boot));
    ck_assert_str_eq(err, "/tmp/vx86-no-such-module.bin: cannot open: No such file or directory");

    /* In 2 MiB of RAM a 1.5 MiB module cannot go after a kernel ending at 0x20000d. */
    s.seg[1].paddr = 0x180000;
    kernel = write_image(&s, 0);
    size_t big = 0x180000;
    uint8_t *blob = calloc(1, big);
    cfg.modules[0].path = write_temp(blob, big);
    free(blob);
    cfg.kernel = kernel;
    ck_assert(!loader_load_multiboot(ram, 2u * 1024 * 1024, &cfg, &boot, err, sizeof err));
    ck_assert_msg(strstr(err, "module (1572864 bytes) does not fit in RAM (2 MiB) at 0x181000"), "%s", err);
}
END_TEST

START_TEST(symbols_by_name_and_address)
{
    mkelf_spec s = good_spec();
    s.nsym = 4;
    s.sym[0] = (mkelf_symbol){ "kmain", 0x100010, 0x20, 2 };
    s.sym[1] = (mkelf_symbol){ "_start", 0x100000, 0, 0 };
    s.sym[2] = (mkelf_symbol){ "counter", 0x200000, 4, 1 };
    s.sym[3] = (mkelf_symbol){ "helper", 0x100030, 0x10, 2 };
    loader_symbols syms;
    ck_assert_msg(loader_symbols_load(write_image(&s, 0), &syms, err, sizeof err), "%s", err);
    ck_assert_uint_eq(syms.count, 4);
    const loader_symbol *k = loader_sym_lookup_name(&syms, "kmain");
    ck_assert_ptr_nonnull(k);
    ck_assert_uint_eq(k->addr, 0x100010);
    ck_assert(k->is_function);
    ck_assert_ptr_null(loader_sym_lookup_name(&syms, "nothing"));
    char buf[64];
    ck_assert(loader_sym_lookup_addr(&syms, 0x100014, buf, sizeof buf));
    ck_assert_str_eq(buf, "kmain+0x4");
    ck_assert(loader_sym_lookup_addr(&syms, 0x100010, buf, sizeof buf));
    ck_assert_str_eq(buf, "kmain");
    ck_assert(loader_sym_lookup_addr(&syms, 0x10000c, buf, sizeof buf));   /* label without size */
    ck_assert_str_eq(buf, "_start+0xc");
    ck_assert(!loader_sym_lookup_addr(&syms, 0x100040, buf, sizeof buf));  /* past helper's end */
    ck_assert_str_eq(buf, "");
    ck_assert(!loader_sym_lookup_addr(&syms, 0x1000, buf, sizeof buf));
    uint32_t off = 99;
    const loader_symbol *c = loader_sym_find_addr(&syms, 0x200003, &off);
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->name, "counter");
    ck_assert_uint_eq(off, 3);
    loader_symbols_free(&syms);
    ck_assert_uint_eq(syms.count, 0);
}
END_TEST

START_TEST(symbols_missing_table_or_bad_file)
{
    mkelf_spec s = good_spec();
    loader_symbols syms;
    ck_assert(loader_symbols_load(write_image(&s, 0), &syms, err, sizeof err));
    ck_assert_uint_eq(syms.count, 0);
    char buf[16];
    ck_assert(!loader_sym_lookup_addr(&syms, 0x100000, buf, sizeof buf));
    ck_assert_ptr_null(loader_sym_lookup_name(&syms, "x"));
    loader_symbols_free(&syms);
    const char *text = write_temp("not elf at all", 14);
    ck_assert(!loader_symbols_load(text, &syms, err, sizeof err));
    ck_assert_msg(strstr(err, "not an ELF file"), "%s", err);
}
END_TEST

/* Random damage to a good image (with symbols) must end in a clean load or a one-line message. */
START_TEST(damaged_images_never_crash)
{
    mkelf_spec s = good_spec();
    s.nsym = 2;
    s.sym[0] = (mkelf_symbol){ "kmain", 0x100010, 0x20, 2 };
    s.sym[1] = (mkelf_symbol){ "counter", 0x200000, 4, 1 };
    static uint8_t good[16384], bad[16384];
    size_t n = mkelf_build(&s, good, sizeof good);
    ck_assert_uint_gt(n, 0);
    const char *path = write_temp(good, n);
    uint32_t rng = 12345;
    int loaded = 0;
    for (int iter = 0; iter < 3000; iter++) {
        memcpy(bad, good, n);
        size_t len = n;
        int hits = 1 + (int)((rng = rng * 1103515245u + 12345u) >> 16) % 4;
        for (int h = 0; h < hits; h++) {
            rng = rng * 1103515245u + 12345u;
            /* Mostly the headers, where the offsets and sizes live; sometimes anywhere. */
            size_t at = (rng >> 8) % (iter % 3 ? 0x120 : len);
            rng = rng * 1103515245u + 12345u;
            bad[at] = (uint8_t)(rng >> 13);
        }
        if (iter % 7 == 0)
            len = (rng >> 4) % n;
        FILE *f = fopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(bad, 1, len, f), len);
        fclose(f);
        machine_config cfg = { 0 };
        loader_boot boot;
        err[0] = 0;
        if (load(path, "x", &cfg, &boot)) {
            loaded++;
            ck_assert_uint_lt(boot.entry, RAM_SIZE);
            ck_assert_uint_le(boot.kernel_end, RAM_SIZE);
        } else {
            ck_assert_msg(strncmp(err, path, strlen(path)) == 0 && strlen(err) > strlen(path) + 2, "%s", err);
            ck_assert_ptr_null(strchr(err, '\n'));
        }
        loader_symbols syms;
        if (loader_symbols_load(path, &syms, err, sizeof err)) {
            char buf[64];
            for (size_t i = 0; i < syms.count; i++)
                loader_sym_lookup_addr(&syms, syms.syms[i].addr, buf, sizeof buf);
            loader_symbols_free(&syms);
        }
    }
    ck_assert_int_gt(loaded, 0);   /* some damage is harmless: the test did reach the copy code */
}
END_TEST

static Suite *loader_suite(void)
{
    Suite *s = suite_create("loader");
    TCase *tc = tcase_create("multiboot");
    tcase_set_timeout(tc, 120);   /* the damaged-image loop writes 3,000 files: slow under ASan */
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, segments_land_at_paddr_and_bss_is_zeroed);
    tcase_add_test(tc, info_memory_cmdline_and_mmap);
    tcase_add_test(tc, cmdline_is_path_alone_without_args);
    tcase_add_test(tc, modules_page_aligned_after_kernel);
    tcase_add_test(tc, higher_half_entry_is_translated);
    tcase_add_test(tc, aout_kludge_uses_header_addresses);
    tcase_add_test(tc, rejects_truncated_files);
    tcase_add_test(tc, rejects_wrong_class_machine_and_type);
    tcase_add_test(tc, rejects_phdr_table_outside_file);
    tcase_add_test(tc, rejects_segments_outside_ram_or_in_reserved_areas);
    tcase_add_test(tc, rejects_missing_or_broken_multiboot_header);
    tcase_add_test(tc, rejects_missing_and_non_elf_files);
    tcase_add_test(tc, rejects_missing_or_oversized_module);
    tcase_add_test(tc, damaged_images_never_crash);
    suite_add_tcase(s, tc);
    TCase *sy = tcase_create("symbols");
    tcase_add_checked_fixture(sy, setup, teardown);
    tcase_add_test(sy, symbols_by_name_and_address);
    tcase_add_test(sy, symbols_missing_table_or_bad_file);
    suite_add_tcase(s, sy);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(loader_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
