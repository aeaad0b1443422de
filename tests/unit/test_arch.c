/* The facts of arch/: the exception and SVM exit name tables, the derived intercept exit codes,
 * the page-index macros, and arch/le.h's byte images (field loads/stores and the bounded stream),
 * checked against the manuals' numbers and against each other. The CPU's own names
 * (cpu_svm_exit_name) must be these. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "arch/le.h"
#include "arch/svm.h"
#include "arch/x86.h"
#include "cpu/cpu.h"

START_TEST(exception_names)
{
    /* SDM vol. 3A table 6-1 */
    ck_assert_str_eq(x86_exception_name(0), "#DE");
    ck_assert_str_eq(x86_exception_name(2), "NMI");
    ck_assert_str_eq(x86_exception_name(8), "#DF");
    ck_assert_str_eq(x86_exception_name(13), "#GP");
    ck_assert_str_eq(x86_exception_name(14), "#PF");
    ck_assert_str_eq(x86_exception_name(19), "#XF");
    ck_assert_ptr_null(x86_exception_name(9));    /* reserved since the 486 */
    ck_assert_ptr_null(x86_exception_name(15));
    ck_assert_ptr_null(x86_exception_name(32));
    ck_assert_ptr_null(x86_exception_name(0x80));
    ck_assert_int_eq(EXC_PF, 14);
    ck_assert_int_eq(EXC_GP, 13);
}
END_TEST

START_TEST(svm_exit_names_and_codes)
{
    /* APM vol. 2 appendix C */
    ck_assert_str_eq(svm_exit_name(0x72), "cpuid");
    ck_assert_str_eq(svm_exit_name(0x7B), "ioio");
    ck_assert_str_eq(svm_exit_name(0x400), "npf");
    ck_assert_str_eq(svm_exit_name(SVM_EXIT_EXC(EXC_PF)), "#PF");
    ck_assert_str_eq(svm_exit_name(SVM_EXIT_EXC(9)), "exception");
    ck_assert_str_eq(svm_exit_name(SVM_EXIT_INVALID), "invalid");
    ck_assert_str_eq(svm_exit_name(0x3FF), "unknown");
    ck_assert_uint_eq(SVM_EXIT_VEC3(V3_BIT_CPUID), SVM_EXIT_CPUID);
    ck_assert_uint_eq(SVM_EXIT_VEC3(V3_BIT_HLT), SVM_EXIT_HLT);
    ck_assert_uint_eq(SVM_EXIT_VEC3(V3_BIT_IOIO), SVM_EXIT_IOIO);
    ck_assert_uint_eq(SVM_EXIT_VEC3(V3_BIT_SHUTDOWN), SVM_EXIT_SHUTDOWN);
    ck_assert_uint_eq(SVM_EXIT_VEC4(V4_BIT_VMMCALL), SVM_EXIT_VMMCALL);
    ck_assert_uint_eq(SVM_EXIT_VEC4(V4_BIT_WBINVD), SVM_EXIT_WBINVD);
    ck_assert_uint_eq(SVM_EXIT_CR_WRITE(3), SVM_EXIT_CR3_WRITE);
    /* every intercept bit of vectors 3 and 4 names its exit (the TUI's VMCB pane relies on it) */
    for (unsigned b = 0; b < 32; b++) ck_assert(svm_exit_known(SVM_EXIT_VEC3(b)));
    for (unsigned b = 0; b < 15; b++) ck_assert(svm_exit_known(SVM_EXIT_VEC4(b)));
    ck_assert_str_eq(svm_exit_name(SVM_EXIT_VEC3(V3_BIT_INTN)), "swint");
    ck_assert(!svm_exit_known(SVM_EXIT_EXC(EXC_PF)));
    /* every code in the table has its name, and the CPU reports the same names */
#define CHECK_EXIT_(code, name, text) \
    ck_assert_str_eq(svm_exit_name(code), text); \
    ck_assert_str_eq(cpu_svm_exit_name(code), text);
    SVM_EXITS(CHECK_EXIT_)
#undef CHECK_EXIT_
    ck_assert_str_eq(cpu_svm_exit_name(SVM_EXIT_EXC(EXC_UD)), "#UD");
}
END_TEST

START_TEST(vmcb_layout)
{
    /* APM vol. 2 tables B-1 and B-2: a few anchors and the segment-record spacing */
    ck_assert_uint_eq(VMCB_EXITCODE, 0x70);
    ck_assert_uint_eq(VMCB_EVENTINJ, 0xA8);
    ck_assert_uint_eq(VMCB_RIP, 0x578);
    ck_assert_uint_eq(VMCB_RAX, 0x5F8);
    ck_assert_uint_eq(VMCB_CS - VMCB_ES, 16);
    ck_assert_uint_eq(VMCB_TR - VMCB_ES, 9 * 16);
    ck_assert_uint_eq(IOIO_PORT(0x03F80011u), 0x3F8);
}
END_TEST

START_TEST(page_indices)
{
    ck_assert_uint_eq(PDX(0xC0801234u), 0x302);
    ck_assert_uint_eq(PTX(0xC0801234u), 0x001);
    ck_assert_uint_eq(PDX(0xFFFFFFFFu), 1023);
    ck_assert_uint_eq(PTE_P | PTE_W | PTE_U | PTE_PS, 0x87);
}
END_TEST

START_TEST(le_fields)
{
    uint8_t b[8];
    le64_store(b, 0x0123456789ABCDEFull);
    static const uint8_t want[8] = { 0xEF, 0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01 };
    ck_assert_mem_eq(b, want, 8);
    ck_assert_uint_eq(le16_load(b), 0xCDEF);
    ck_assert_uint_eq(le32_load(b + 4), 0x01234567);
    ck_assert_uint_eq(le64_load(b), 0x0123456789ABCDEFull);
    ck_assert_uint_eq(le_load_n(b, 3), 0xABCDEF);
    le_store_n(b, 0x112233, 3);
    ck_assert_uint_eq(le32_load(b), 0x89112233);
    le32_store(b, 0xDEADBEEF);
    le16_store(b + 4, 0x55AA);
    ck_assert_uint_eq(le64_load(b), 0x012355AADEADBEEFull);
}
END_TEST

START_TEST(le_stream)
{
    /* The writer measures without a buffer and stores only what fits. */
    le_writer m = { NULL, 0, 0 };
    le_put8(&m, 1);
    le_put16(&m, 2);
    le_put32(&m, 3);
    le_put64(&m, 4);
    ck_assert_uint_eq(m.pos, 15);
    uint8_t buf[16];
    memset(buf, 0xEE, sizeof buf);
    le_writer w = { buf, 4, 0 };
    le_put32(&w, 0x11223344);
    le_put32(&w, 0x55667788);   /* no room: counted, not stored */
    ck_assert_uint_eq(w.pos, 8);
    ck_assert_uint_eq(le32_load(buf), 0x11223344);
    ck_assert_uint_eq(buf[4], 0xEE);

    le_reader r = { buf, 4, 0, true };
    ck_assert_uint_eq(le_get16(&r), 0x3344);
    ck_assert(!le_done(&r));
    ck_assert_uint_eq(le_get16(&r), 0x1122);
    ck_assert(le_done(&r));
    ck_assert_uint_eq(le_get32(&r), 0);   /* past the end: zeros, and ok turns false */
    ck_assert(!r.ok);
    ck_assert(!le_done(&r));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("arch");
    TCase *tc = tcase_create("facts");
    tcase_add_test(tc, exception_names);
    tcase_add_test(tc, svm_exit_names_and_codes);
    tcase_add_test(tc, vmcb_layout);
    tcase_add_test(tc, page_indices);
    tcase_add_test(tc, le_fields);
    tcase_add_test(tc, le_stream);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
