/* The cost table: defaults, parsing, errors, the file format round trip, machine wiring. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "emu/costs.h"

static char err[256];

START_TEST(defaults_match_table_and_cpu)
{
    costs c;
    costs_defaults(&c);
    const costs_info *t = costs_table();
    for (int k = 0; k < COST_CLASS_COUNT; k++) {
        ck_assert_uint_eq(c.cycles[k], t[k].default_cycles);
        ck_assert_int_eq(costs_lookup(t[k].name), k);
        ck_assert(t[k].what && t[k].what[0]);
    }
    ck_assert_uint_eq(c.cycles[COST_BASIC], 1);
    ck_assert_uint_eq(c.cycles[COST_VMRUN] + c.cycles[COST_VMEXIT], 1400);
    ck_assert_int_eq(costs_lookup("mul"), COST_MUL);
    ck_assert_int_eq(costs_lookup("tlb_flush"), COST_TLB_FLUSH);
    ck_assert_int_eq(costs_lookup("nested_walk_ref"), COST_NESTED_WALK_REF);
    ck_assert_int_eq(costs_lookup("nope"), -1);
}
END_TEST

START_TEST(parse_overrides_and_comments)
{
    costs c;
    costs_defaults(&c);
    const char *text = "# a comment\n\n  basic=3\r\ndiv = 40   # trailing comment\n"
                       "exception = 0\npage_walk_ref = 7\nbasic = 4\n";
    ck_assert_msg(costs_parse(&c, text, "t.costs", err, sizeof err), "%s", err);
    ck_assert_uint_eq(c.cycles[COST_BASIC], 4);   /* the later line wins */
    ck_assert_uint_eq(c.cycles[COST_DIV], 40);
    ck_assert_uint_eq(c.cycles[COST_EXCEPTION], 0);
    ck_assert_uint_eq(c.cycles[COST_PAGE_WALK_REF], 7);
    ck_assert_uint_eq(c.cycles[COST_MUL], 1);     /* untouched */
    ck_assert(costs_parse(&c, "", "empty", err, sizeof err));
    ck_assert(costs_parse(&c, "mul = 2", "no-newline", err, sizeof err));
    ck_assert_uint_eq(c.cycles[COST_MUL], 2);
}
END_TEST

static void bad(const char *text, const char *want)
{
    costs c, before;
    costs_defaults(&c);
    before = c;
    ck_assert_msg(!costs_parse(&c, text, "f.costs", err, sizeof err), "accepted: %s", text);
    ck_assert_msg(strcmp(err, want) == 0, "for '%s': got '%s', want '%s'", text, err, want);
    ck_assert_msg(memcmp(&c, &before, sizeof c) == 0, "a failed parse changed the table");
}

START_TEST(parse_errors)
{
    bad("basic = 2\nfoo = 1\n", "f.costs:2: unknown cost 'foo'");
    bad("basic = 0\n", "f.costs:1: cost 'basic' = 0 out of range 1..255 (instruction classes cost at least 1 cycle)");
    bad("branch = 256\n", "f.costs:1: cost 'branch' = 256 out of range 1..255 (instruction classes cost at least 1 cycle)");
    bad("vmrun = 1000001\n", "f.costs:1: cost 'vmrun' = 1000001 out of range 0..1000000");
    bad("div = -1\n", "f.costs:1: cost 'div': '-1' is not a whole number of cycles");
    bad("div = 1.5\n", "f.costs:1: cost 'div': '1.5' is not a whole number of cycles");
    bad("div = 99999999999999999999999\n", "f.costs:1: cost 'div': '99999999999999999999999' is too large");
    bad("div =\n", "f.costs:1: cost 'div' has no value");
    bad("div 3\n", "f.costs:1: expected 'name = cycles'");
    bad("= 3\n", "f.costs:1: expected 'name = cycles'");
    bad("div = 3 4\n", "f.costs:1: unexpected text after the value of 'div'");
}
END_TEST

START_TEST(set_by_name)
{
    costs c;
    costs_defaults(&c);
    ck_assert(costs_set(&c, "io", 9, err, sizeof err));
    ck_assert_uint_eq(c.cycles[COST_IO], 9);
    ck_assert(!costs_set(&c, "io", 0, err, sizeof err));
    ck_assert(!costs_set(&c, "bogus", 1, err, sizeof err));
    ck_assert_str_eq(err, "unknown cost 'bogus'");
}
END_TEST

/* What costs_write prints parses back to the same table, and it is emu/costs.txt byte for byte. */
START_TEST(write_round_trip_and_default_file)
{
    costs c, back;
    costs_defaults(&c);
    c.cycles[COST_MUL] = 5;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    costs_write(f, &c);
    fclose(f);
    costs_defaults(&back);
    ck_assert_msg(costs_parse(&back, text, "mem", err, sizeof err), "%s", err);
    ck_assert(memcmp(&c, &back, sizeof c) == 0);
    free(text);

    costs_defaults(&c);
    f = open_memstream(&text, &len);
    costs_write(f, &c);
    fclose(f);
    FILE *file = fopen("emu/costs.txt", "rb");
    ck_assert_msg(file != NULL, "run from the repository root");
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, file);
    fclose(file);
    buf[n] = 0;
    ck_assert_msg(strcmp(buf, text) == 0, "emu/costs.txt differs from costs_write(defaults)");
    free(text);
    costs_defaults(&c);
    ck_assert(costs_load(&c, "emu/costs.txt", err, sizeof err));
    ck_assert(!costs_load(&c, "emu/no-such.costs", err, sizeof err));
    ck_assert_str_eq(err, "emu/no-such.costs: cannot open: No such file or directory");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("costs");
    TCase *tc = tcase_create("costs");
    tcase_add_test(tc, defaults_match_table_and_cpu);
    tcase_add_test(tc, parse_overrides_and_comments);
    tcase_add_test(tc, parse_errors);
    tcase_add_test(tc, set_by_name);
    tcase_add_test(tc, write_round_trip_and_default_file);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
