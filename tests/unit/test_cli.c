/* vx86 command-line parsing: `vx86 run` options, memory sizes and cycle counts. */
#include <check.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "emu/cli.h"

static cli_run_options opts;
static char err[256];

/* Parse a NULL-terminated list of arguments (the words after "run"). */
#define PARSE(...) parse((const char *[]){ __VA_ARGS__, NULL })
static int parse(const char **words)
{
    int argc = 0;
    while (words[argc])
        argc++;
    cli_run_options_free(&opts);
    return cli_parse_run(argc, (char **)words, &opts, err, sizeof err);
}

static void teardown(void) { cli_run_options_free(&opts); }

START_TEST(image_alone_gets_defaults)
{
    ck_assert_int_eq(PARSE("k.elf"), 0);
    ck_assert_str_eq(opts.image, "k.elf");
    ck_assert_ptr_null(opts.cmdline);
    ck_assert_int_eq(opts.module_count, 0);
    ck_assert_uint_eq(opts.memory_bytes, 64u << 20);
    ck_assert_uint_eq(opts.max_cycles, 0);
    ck_assert(!opts.stats);
    ck_assert(!opts.help);
}
END_TEST

START_TEST(options_before_and_after_image)
{
    ck_assert_int_eq(PARSE("--stats", "--memory", "128M", "k.elf", "--cmdline", "a b c", "--max-cycles=5e6"), 0);
    ck_assert_str_eq(opts.image, "k.elf");
    ck_assert(opts.stats);
    ck_assert_uint_eq(opts.memory_bytes, 128u << 20);
    ck_assert_str_eq(opts.cmdline, "a b c");
    ck_assert_uint_eq(opts.max_cycles, 5000000);
    ck_assert_int_eq(PARSE("--", "--odd-name.elf"), 0);
    ck_assert_str_eq(opts.image, "--odd-name.elf");
}
END_TEST

START_TEST(modules_split_at_first_comma)
{
    ck_assert_int_eq(PARSE("--module", "a.img,root=/ x,y", "k.elf", "--module=b.img", "--module", "c.img,"), 0);
    ck_assert_int_eq(opts.module_count, 3);
    ck_assert_str_eq(opts.modules[0].path, "a.img");
    ck_assert_str_eq(opts.modules[0].args, "root=/ x,y");
    ck_assert_str_eq(opts.modules[1].path, "b.img");
    ck_assert_ptr_null(opts.modules[1].args);
    ck_assert_str_eq(opts.modules[2].path, "c.img");
    ck_assert_str_eq(opts.modules[2].args, "");
}
END_TEST

START_TEST(module_errors)
{
    ck_assert_int_eq(PARSE("k.elf", "--module", ",args"), CLI_EXIT_USAGE);
    ck_assert_str_eq(err, "--module needs a file name (--module FILE[,CMDLINE])");
    const char *many[2 * MACHINE_MAX_MODULES + 4];
    int n = 0;
    many[n++] = "k.elf";
    for (int i = 0; i <= MACHINE_MAX_MODULES; i++) {
        many[n++] = "--module";
        many[n++] = "m.bin";
    }
    many[n] = NULL;
    ck_assert_int_eq(parse(many), CLI_EXIT_USAGE);
    ck_assert_str_eq(err, "too many --module options (at most 16)");
}
END_TEST

START_TEST(usage_errors)
{
    ck_assert_int_eq(PARSE("k.elf", "--frobnicate"), CLI_EXIT_USAGE);
    ck_assert_str_eq(err, "unknown option '--frobnicate' for 'run'");
    ck_assert_int_eq(PARSE("k.elf", "-x"), CLI_EXIT_USAGE);
    ck_assert_str_eq(err, "unknown option '-x' for 'run'");
    ck_assert_int_eq(PARSE("k.elf", "--memory"), CLI_EXIT_USAGE);
    ck_assert_str_eq(err, "option '--memory' needs an argument");
    ck_assert_int_eq(PARSE("k.elf", "--stats=yes"), CLI_EXIT_USAGE);
    ck_assert_str_eq(err, "option '--stats' takes no argument");
    ck_assert_int_eq(PARSE("a.elf", "b.elf"), CLI_EXIT_USAGE);
    ck_assert_str_eq(err, "unexpected argument 'b.elf' (the image is already 'a.elf')");
    ck_assert_int_eq(PARSE("--stats"), CLI_EXIT_USAGE);
    ck_assert_str_eq(err, "'run' needs an IMAGE (vx86 run IMAGE [options])");
    ck_assert_int_eq(PARSE("k.elf", "--max-cycles", "0"), CLI_EXIT_USAGE);
    ck_assert_str_eq(err, "--max-cycles: must be at least 1");
    ck_assert_int_eq(PARSE("k.elf", "--max-cycles", "lots"), CLI_EXIT_USAGE);
    ck_assert_str_eq(err, "--max-cycles: 'lots' is not a number");
    ck_assert_int_eq(PARSE("k.elf", "--memory", "1M"), CLI_EXIT_USAGE);
    ck_assert_str_eq(err, "--memory: memory size '1M' out of range: must be between 2M and 3G");
    ck_assert_int_eq(PARSE("--help"), 0);
    ck_assert(opts.help);
}
END_TEST

static uint32_t mem(const char *text)
{
    uint32_t v = 0;
    ck_assert_msg(cli_parse_memory(text, &v, err, sizeof err), "%s: %s", text, err);
    return v;
}

static void bad_mem(const char *text, const char *fragment)
{
    uint32_t v = 12345;
    ck_assert_msg(!cli_parse_memory(text, &v, err, sizeof err), "'%s' accepted", text);
    ck_assert_msg(strstr(err, fragment), "'%s': %s", text, err);
    ck_assert_uint_eq(v, 12345);
}

START_TEST(memory_sizes)
{
    ck_assert_uint_eq(mem("64M"), 64u << 20);
    ck_assert_uint_eq(mem("64m"), 64u << 20);
    ck_assert_uint_eq(mem("64MiB"), 64u << 20);
    ck_assert_uint_eq(mem("64MB"), 64u << 20);
    ck_assert_uint_eq(mem("64"), 64u << 20);    /* bare number: MiB, like QEMU -m */
    ck_assert_uint_eq(mem("2048K"), 2u << 20);
    ck_assert_uint_eq(mem("2M"), 2u << 20);
    ck_assert_uint_eq(mem("1G"), 1u << 30);
    ck_assert_uint_eq(mem("3G"), 3u << 30);
    ck_assert_uint_eq(mem("3072M"), 3u << 30);
    ck_assert_uint_eq(mem("4194304B"), 4u << 20);
    bad_mem("2047K", "out of range");
    bad_mem("3073M", "out of range");
    bad_mem("4G", "out of range");
    bad_mem("99999999999999999999G", "bad memory size");
    bad_mem("18446744073709551615G", "out of range");
    bad_mem("", "bad memory size");
    bad_mem("M", "bad memory size");
    bad_mem("64X", "bad memory size");
    bad_mem("64M ", "bad memory size");
    bad_mem("-64M", "bad memory size");
    bad_mem("2049K", "not a multiple of 4K");
}
END_TEST

static uint64_t count(const char *text)
{
    uint64_t v = 0;
    ck_assert_msg(cli_parse_count(text, &v, err, sizeof err), "%s: %s", text, err);
    return v;
}

static void bad_count(const char *text, const char *fragment)
{
    uint64_t v = 7;
    ck_assert_msg(!cli_parse_count(text, &v, err, sizeof err), "'%s' accepted", text);
    ck_assert_msg(strstr(err, fragment), "'%s': %s", text, err);
    ck_assert_uint_eq(v, 7);
}

START_TEST(cycle_counts)
{
    ck_assert_uint_eq(count("0"), 0);
    ck_assert_uint_eq(count("1000"), 1000);
    ck_assert_uint_eq(count("5e6"), 5000000);
    ck_assert_uint_eq(count("1e9"), 1000000000);
    ck_assert_uint_eq(count("1E+3"), 1000);
    ck_assert_uint_eq(count("2.5e6"), 2500000);
    ck_assert_uint_eq(count("1.50e1"), 15);
    ck_assert_uint_eq(count("18446744073709551615"), UINT64_MAX);
    ck_assert_uint_eq(count("1e19"), 10000000000000000000ull);
    bad_count("18446744073709551616", "too large");
    bad_count("2e19", "too large");
    bad_count("1.5", "not a whole number");
    bad_count("1.25e1", "not a whole number");
    bad_count("", "not a number");
    bad_count("e6", "not a number");
    bad_count("5e", "bad exponent");
    bad_count("5e-3", "bad exponent");
    bad_count("12abc", "not a number");
    bad_count("-1", "not a number");
    bad_count("0x10", "not a number");
}
END_TEST

/* Outputs are checked before a run: a missing directory or a directory given as the file fail
 * with the path named; nothing is created by the check. */
START_TEST(output_paths)
{
    char dir[] = "/tmp/vx86-clitest-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/out.snap", dir);
    ck_assert(cli_check_output_path(path, err, sizeof err));
    ck_assert_int_ne(access(path, F_OK), 0);            /* the check created nothing */
    snprintf(path, sizeof path, "%s/missing/out.snap", dir);
    ck_assert(!cli_check_output_path(path, err, sizeof err));
    char want[256];
    snprintf(want, sizeof want, "%s: cannot write: No such file or directory", path);
    ck_assert_str_eq(err, want);
    ck_assert(!cli_check_output_path(dir, err, sizeof err));
    snprintf(want, sizeof want, "%s: cannot write: Is a directory", dir);
    ck_assert_str_eq(err, want);
    ck_assert(cli_check_output_path("relative.snap", err, sizeof err));   /* in the current directory */
    ck_assert(cli_check_output_path("/tmp/x.snap", err, sizeof err));
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("run");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, image_alone_gets_defaults);
    tcase_add_test(tc, options_before_and_after_image);
    tcase_add_test(tc, modules_split_at_first_comma);
    tcase_add_test(tc, module_errors);
    tcase_add_test(tc, usage_errors);
    tcase_add_test(tc, output_paths);
    suite_add_tcase(s, tc);
    TCase *nums = tcase_create("numbers");
    tcase_add_test(nums, memory_sizes);
    tcase_add_test(nums, cycle_counts);
    suite_add_tcase(s, nums);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
