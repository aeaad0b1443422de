/* Result files whatever the student wrote: lab_text_clean makes any bytes valid, bounded UTF-8
 * (never cut inside a character), and every format written from hostile strings is read back by
 * a strict consumer: Jansson for the JSON formats, line rules for TAP, well-formedness basics for
 * JUnit (tests/labs/grading.sh adds prove, xmllint and python). */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "emu/lua/lab_report.h"

/* A strict UTF-8 check of our own (RFC 3629), independent of the code under test. */
static bool valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0 || (n == 1 && *p < 0xC2) || (n == 3 && *p > 0xF4)) return false;
        unsigned cp = n == 0 ? *p : *p & (0x3F >> n);
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80) return false;
            cp = cp << 6 | (p[i] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += n + 1;
    }
    return true;
}

START_TEST(clean_replaces_invalid_utf8)
{
    static const char *const BAD[] = { "\xff", "a\xc3", "\xe2\x82", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                       "\xf0\x9f\x98", "x\x01y\x1b[31m", "\xef\xbf\xbe" };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        char *c = lab_text_clean(BAD[i], 100);
        ck_assert_ptr_nonnull(c);
        ck_assert_msg(valid_utf8(c), "case %zu not valid UTF-8", i);
        ck_assert_ptr_nonnull(strstr(c, "\xef\xbf\xbd"));
        free(c);
    }
    char *c = lab_text_clean("caf\xc3\xa9 \xe2\x82\xac\n\tok", 100);   /* valid text is kept as is */
    ck_assert_str_eq(c, "caf\xc3\xa9 \xe2\x82\xac\n\tok");
    free(c);
}
END_TEST

START_TEST(clean_cuts_at_a_character_boundary)
{
    /* 10 euro signs (3 bytes each) cut at 8 bytes: two whole characters, never a piece. */
    char in[64] = "";
    for (int i = 0; i < 10; i++) strcat(in, "\xe2\x82\xac");
    char *c = lab_text_clean(in, 8);
    ck_assert(valid_utf8(c));
    ck_assert(strncmp(c, "\xe2\x82\xac\xe2\x82\xac [... 24 bytes cut]", 40) == 0);
    free(c);
}
END_TEST

static lab_report hostile(lab_question *qs)
{
    memset(qs, 0, 2 * sizeof *qs);
    qs[0].id = "a1\nok 99 - injected";
    qs[0].text = "what is \xff?";
    qs[0].output = "incorrect (answered \"</system-out>&\x01\xc3)";
    qs[0].max_points = 2;
    qs[1].id = "a2";
    qs[1].text = "t";
    qs[1].output = "correct";
    qs[1].points = qs[1].max_points = 1;
    lab_report r = { .lab = "lab", .version = "1\xe2", .submission = "sub\nmission", .seed = 7, .gradable = true,
                     .questions = qs, .count = 2 };
    return r;
}

START_TEST(json_formats_parse_strictly)
{
    lab_question qs[2];
    lab_report r = hostile(qs);
    const char *formats[] = { "gradescope", "prairielearn" };
    for (int i = 0; i < 2; i++) {
        size_t len;
        char *out = lab_report_render(&r, formats[i], &len);
        ck_assert_ptr_nonnull(out);
        ck_assert(valid_utf8(out));
        json_error_t e;
        json_t *j = json_loadb(out, len, JSON_REJECT_DUPLICATES, &e);
        ck_assert_msg(j != NULL, "%s: %s", formats[i], e.text);
        json_t *tests = json_object_get(j, "tests");
        ck_assert_int_eq((int)json_array_size(tests), 2);
        ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(json_array_get(tests, 0), "name")), "\n"));
        json_decref(j);
        free(out);
    }
    r.gradable = false;
    snprintf(r.message, sizeof r.message, "retry: \xfe");
    size_t len;
    char *out = lab_report_render(&r, "prairielearn", &len);
    json_t *j = json_loadb(out, len, 0, NULL);
    ck_assert_ptr_nonnull(j);
    ck_assert(json_is_false(json_object_get(j, "gradable")));
    json_decref(j);
    free(out);
}
END_TEST

START_TEST(tap_lines_cannot_be_injected)
{
    lab_question qs[2];
    lab_report r = hostile(qs);
    size_t len;
    char *out = lab_report_render(&r, "tap", &len);
    ck_assert(valid_utf8(out));
    int tests = 0;
    for (char *line = out; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, "ok ", 3) == 0 || strncmp(line, "not ok ", 7) == 0) tests++;
    ck_assert_int_eq(tests, 2);
    ck_assert_ptr_null(strstr(out, "\nok 99"));
    free(out);
}
END_TEST

START_TEST(junit_escapes_markup_and_controls)
{
    lab_question qs[2];
    lab_report r = hostile(qs);
    size_t len;
    char *out = lab_report_render(&r, "junit", &len);
    ck_assert(valid_utf8(out));
    ck_assert_ptr_null(strstr(out, "</system-out>&"));
    ck_assert_ptr_nonnull(strstr(out, "&lt;/system-out&gt;&amp;"));
    for (size_t i = 0; i < len; i++)   /* XML 1.0 §2.2: no C0 controls but tab and newline */
        ck_assert((unsigned char)out[i] >= 0x20 || out[i] == '\n' || out[i] == '\t');
    free(out);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lab_report");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, clean_replaces_invalid_utf8);
    tcase_add_test(tc, clean_cuts_at_a_character_boundary);
    tcase_add_test(tc, json_formats_parse_strictly);
    tcase_add_test(tc, tap_lines_cannot_be_injected);
    tcase_add_test(tc, junit_escapes_markup_and_controls);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
