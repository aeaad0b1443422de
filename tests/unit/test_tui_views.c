/* The TUI's view models (emu/tui/views.h, session.h): their text and highlights, without a terminal. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/svm.h"
#include "cpu/cpu.h"
#include "emu/machine.h"
#include "emu/tui/session.h"
#include "emu/tui/views.h"
#include "tests/cli/mkelf.h"

#define BASE 0x100000u
#define HELPER (BASE + 0x20)
#define PAGE_DIR 0x200000u
#define PAGE_TABLE 0x201000u
#define VMCB_ADDR 0x300000u

/* start:  mov eax, 0x12345678 ; inc ebx ; mov esp, 0x90000 ; call helper ; hlt ; nop...
 * helper: ret */
static const uint8_t GUEST[] = {
    0xB8, 0x78, 0x56, 0x34, 0x12, 0x43, 0xBC, 0x00, 0x00, 0x09, 0x00, 0xE8, 0x10, 0x00, 0x00, 0x00,
    0xF4, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,
    0xC3,
};

static char image_path[64];
static char err[512];
static tui_view *view;
static machine *m;

static void setup(void) {
    mkelf_spec s = { .entry = BASE, .nseg = 1, .nsym = 2 };
    s.seg[0] = (mkelf_segment){ .paddr = BASE, .data = GUEST, .filesz = sizeof GUEST, .memsz = sizeof GUEST };
    s.sym[0] = (mkelf_symbol){ "start", BASE, 0x20, 2 };
    s.sym[1] = (mkelf_symbol){ "helper", HELPER, 1, 2 };
    strcpy(image_path, "/tmp/vx86-tuiimg-XXXXXX");
    ck_assert_int_eq(mkelf_write_temp(&s, image_path), 0);
    machine_config cfg = { 0 };
    cfg.kernel = image_path;
    cfg.memory_bytes = 8u << 20;
    cfg.serial_out = tui_serial_put;   /* any sink: nothing is printed */
    static tui_serial sink;
    cfg.serial_ctx = &sink;
    m = machine_create(&cfg, err, sizeof err);
    ck_assert_msg(m != NULL, "machine_create: %s", err);
    view = calloc(1, sizeof *view);
}

static void teardown(void) {
    machine_destroy(m);
    free(view);
    unlink(image_path);
}

static int must_find(const char *needle) {
    int line = tui_view_find(view, needle, 0);
    ck_assert_msg(line >= 0, "'%s' not in view '%s'", needle, view->title);
    return line;
}

START_TEST(registers_highlight_what_changed) {
    machine_regs before, after;
    machine_get_regs(m, &before);
    ck_assert_int_eq(machine_step(m), MACHINE_STOP_LIMIT);   /* mov eax, 0x12345678 */
    machine_get_regs(m, &after);
    tui_view_regs(view, &after, &before);
    int line = must_find("EAX 12345678");
    ck_assert_int_eq(tui_view_hl_of(view, line, "12345678"), TUI_HL_CHANGED);
    ck_assert_int_eq(tui_view_hl_of(view, line, "EAX"), TUI_HL_LABEL);
    /* EBX did not change in this step. */
    char ebx[16];
    snprintf(ebx, sizeof ebx, "EBX %08x", after.gpr[R_EBX]);
    line = must_find(ebx);
    ck_assert_int_eq(tui_view_hl_of(view, line, ebx + 4), TUI_HL_NORMAL);
    line = must_find("EIP 00100005");
    ck_assert_int_eq(tui_view_hl_of(view, line, "00100005"), TUI_HL_CHANGED);

    /* Next step: inc ebx changes EBX, and EAX is no longer highlighted. */
    before = after;
    machine_step(m);
    machine_get_regs(m, &after);
    tui_view_regs(view, &after, &before);
    line = must_find("EAX 12345678");
    ck_assert_int_eq(tui_view_hl_of(view, line, "12345678"), TUI_HL_NORMAL);
    snprintf(ebx, sizeof ebx, "EBX %08x", after.gpr[R_EBX]);
    line = must_find(ebx);
    ck_assert_int_eq(tui_view_hl_of(view, line, ebx + 4), TUI_HL_CHANGED);

    /* Without a previous stop nothing is highlighted. */
    tui_view_regs(view, &after, NULL);
    line = must_find("EAX 12345678");
    ck_assert_int_eq(tui_view_hl_of(view, line, "12345678"), TUI_HL_NORMAL);
}
END_TEST

START_TEST(flags_by_name_with_changes) {
    machine_regs a = { 0 }, b = { 0 };
    a.eflags = 0x002;
    b.eflags = 0x002 | F_ZF | F_CF;
    tui_view_regs(view, &b, &a);
    int line = must_find("CF");
    ck_assert_int_eq(tui_view_hl_of(view, line, "ZF"), TUI_HL_CHANGED);
    ck_assert_int_eq(tui_view_hl_of(view, line, "CF"), TUI_HL_CHANGED);
    ck_assert_int_eq(tui_view_hl_of(view, line, "sf"), TUI_HL_DIM);   /* clear: lower case, dim */
    ck_assert_int_ge(tui_view_find(view, "EFL 00000043", 0), 0);
}
END_TEST

START_TEST(disassembly_shows_symbols_and_marks) {
    uint32_t bp = BASE + 5;
    tui_view_disasm(view, m, BASE, BASE, &bp, 1, 30);
    ck_assert_str_eq(view->title, "Disassembly - start");
    int label = must_find("start:");
    ck_assert_int_eq(tui_view_hl_of(view, label, "start:"), TUI_HL_SYMBOL);
    int cur = must_find("=> 00100000 <start>");
    ck_assert_int_eq(cur, label + 1);
    ck_assert_ptr_nonnull(strstr(view->lines[cur].text, "mov    eax, 0x12345678"));
    ck_assert_int_eq(tui_view_hl_of(view, cur, "=>"), TUI_HL_CURRENT);
    int brk = must_find("00100005 <start+0x5>");
    ck_assert_int_eq(view->lines[brk].text[0], '*');
    ck_assert_int_eq(tui_line_hl_at(&view->lines[brk], 0), TUI_HL_BREAKPOINT);
    ck_assert_ptr_nonnull(strstr(view->lines[brk].text, "inc    ebx"));
    int call = must_find("call   0x100020 <helper>");
    ck_assert_int_eq(tui_view_hl_of(view, call, "<helper>"), TUI_HL_SYMBOL);
    must_find("helper:");
    must_find("00100020 <helper>");

    /* Focused in the middle of a function: decoding starts at the symbol, so earlier lines show. */
    tui_view_disasm(view, m, BASE + 6, BASE + 6, NULL, 0, 12);
    must_find("00100000 <start>");
    must_find("=> 00100006 <start+0x6>");
}
END_TEST

/* Identity-map the image's page through a hand-built directory and table, and turn paging on. */
static void enable_paging(void) {
    uint32_t pde = PAGE_TABLE | 0x3, pte = BASE | 0x3;
    ck_assert(machine_write_phys(m, PAGE_DIR, &pde, 4));
    ck_assert(machine_write_phys(m, PAGE_TABLE + 0x100 * 4, &pte, 4));
    /* machine_set_reg does not take control registers: set them as a test may, on the cpu. */
    cpu *c = machine_cpu(m);
    c->cr3 = PAGE_DIR;
    c->cr0 |= CR0_PG;
    cpu_flush_tlb(c);
}

START_TEST(page_walk_of_a_mapped_address) {
    enable_paging();
    tui_view_walk(view, m, BASE + 0x123, 0);
    ck_assert_str_eq(view->title, "Page walk 0x00100123");
    must_find("CR3 0x00200000");
    int pde = must_find("PDE[0] @0x00200000 = 0x00201003");
    ck_assert_ptr_nonnull(strstr(view->lines[pde].text, " P W"));
    must_find("PTE[256] @0x00201400 = 0x00100003");
    int res = must_find("=> phys 0x00100123");
    ck_assert_int_eq(tui_view_hl_of(view, res, "=> phys"), TUI_HL_GOOD);
    must_find("4 KiB page");
    ck_assert_int_lt(tui_view_find(view, "#PF", 0), 0);
}
END_TEST

START_TEST(page_walk_of_unmapped_addresses) {
    enable_paging();
    /* The table exists but its entry is empty. */
    tui_view_walk(view, m, 0x300000, 0);
    must_find("PDE[0] @0x00200000 = 0x00201003");
    int pte = must_find("PTE[768] @0x00201c00 = 0x00000000");
    ck_assert_int_eq(tui_view_hl_of(view, pte, "not present"), TUI_HL_FAULT);
    int fault = must_find("#PF error 0: not present, read, supervisor");
    ck_assert_int_eq(tui_view_hl_of(view, fault, "#PF"), TUI_HL_FAULT);
    ck_assert_int_lt(tui_view_find(view, "=> phys", 0), 0);
    /* No table at all: the walk stops at the directory. */
    tui_view_walk(view, m, 0x00C00000, 0);
    must_find("PDE[3] @0x0020000c = 0x00000000 not present");
    ck_assert_int_lt(tui_view_find(view, "PTE[", 0), 0);
    must_find("#PF error 0: not present");
}
END_TEST

START_TEST(page_walk_without_paging) {
    tui_view_walk(view, m, 0x1234, 0);
    must_find("paging off: linear = physical");
    must_find("=> phys 0x00001234");
}
END_TEST

static void put(uint32_t off, uint64_t value, size_t size) {
    ck_assert(machine_write_phys(m, VMCB_ADDR + off, &value, size));
}

START_TEST(vmcb_decodes_intercepts_and_exit_info) {
    put(VMCB_CR_READ, 0x0009, 2);                   /* CR0 and CR3 reads */
    put(VMCB_CR_WRITE, 0x0008, 2);                  /* CR3 writes */
    put(VMCB_EXC, (1u << EXC_PF) | (1u << EXC_GP), 4);
    put(VMCB_VEC3, V3_CPUID | V3_HLT | V3_IOIO, 4);
    put(VMCB_VEC4, V4_VMRUN | V4_VMMCALL, 4);
    put(VMCB_ASID, 1, 4);
    put(VMCB_EXITCODE, SVM_EXIT_CPUID, 8);
    put(VMCB_EXITINFO1, 0x11, 8);
    put(VMCB_EXITINFO2, 0x22, 8);
    put(VMCB_NP_ENABLE, 1, 8);
    put(VMCB_N_CR3, 0x400000, 8);
    put(VMCB_RIP, 0x1234, 8);
    put(VMCB_CR3, 0x5000, 8);
    tui_view_vmcb(view, m, VMCB_ADDR);
    ck_assert_str_eq(view->title, "VMCB 00300000");
    int l = must_find("CR read");
    ck_assert_ptr_nonnull(strstr(view->lines[l].text, "cr0 cr3"));
    l = must_find("CR write");
    ck_assert_ptr_nonnull(strstr(view->lines[l].text, "cr3"));
    ck_assert_ptr_null(strstr(view->lines[l].text, "cr0"));
    l = must_find("except");
    ck_assert_ptr_nonnull(strstr(view->lines[l].text, "#GP #PF"));
    l = must_find("insn");
    ck_assert_ptr_nonnull(strstr(view->lines[l].text, "cpuid hlt ioio"));
    l = must_find("svm insn");
    ck_assert_ptr_nonnull(strstr(view->lines[l].text, "vmrun vmmcall"));
    l = must_find("EXITCODE 0x72 cpuid");
    ck_assert_int_eq(tui_view_hl_of(view, l, "0x72"), TUI_HL_CHANGED);
    must_find("INFO1 0x11  INFO2 0x22");
    must_find("ASID 1");
    must_find("NP on  N_CR3 00400000");
    must_find("guest RIP 00001234");
    must_find("CR3 00005000");

    put(VMCB_EXITCODE, SVM_EXIT_NPF, 8);
    tui_view_vmcb(view, m, VMCB_ADDR);
    must_find("EXITCODE 0x400 npf");

    tui_view_vmcb(view, m, 0);
    must_find("no VMCB in use");
}
END_TEST

START_TEST(serial_scrollback_shows_the_last_lines) {
    tui_serial s = { 0 };
    const char *text = "one\ntwo\r\nthree\nfour";
    for (const char *p = text; *p; p++) tui_serial_put(&s, (uint8_t)*p);
    tui_view_serial(view, &s, 2);
    ck_assert_int_eq(view->count, 2);
    ck_assert_str_eq(view->lines[0].text, "three");
    ck_assert_str_eq(view->lines[1].text, "four");
    tui_serial_put(&s, '\n');
    tui_view_serial(view, &s, 3);
    ck_assert_int_eq(view->count, 3);
    ck_assert_str_eq(view->lines[0].text, "two");   /* the '\r' is dropped */
    ck_assert_str_eq(view->lines[2].text, "four");
    tui_serial_free(&s);
    tui_view_serial(view, &s, 3);
    must_find("(no output yet)");
}
END_TEST

START_TEST(memory_hex_and_ascii) {
    const char hello[] = "Hello, vx86!";
    ck_assert(machine_write_phys(m, 0x5000, hello, sizeof hello));
    tui_view_memory(view, m, 0x5000, 2, 16, NULL, NULL, 0, 0);
    int l = must_find("00005000  48 65 6c 6c 6f 2c 20 76  78 38 36 21 00");
    ck_assert_ptr_nonnull(strstr(view->lines[l].text, "Hello, vx86!...."));
    /* A byte that differs from the last stop's copy is highlighted. */
    uint8_t prev[16];
    memcpy(prev, hello, 12);
    prev[0] = 'J';
    tui_view_memory(view, m, 0x5000, 1, 16, "esi", prev, 0x5000, 12);
    ck_assert_str_eq(view->title, "Memory 00005000 (follows esi)");
    ck_assert_int_eq(tui_view_hl_of(view, 0, " 48"), TUI_HL_CHANGED);
    ck_assert_int_eq(tui_view_hl_of(view, 0, " 65"), TUI_HL_NORMAL);
}
END_TEST

START_TEST(addresses_parse_as_symbols_registers_and_numbers) {
    uint32_t a;
    ck_assert(tui_parse_address(m, "helper", &a, err, sizeof err));
    ck_assert_uint_eq(a, HELPER);
    ck_assert(tui_parse_address(m, "start+0x6", &a, err, sizeof err));
    ck_assert_uint_eq(a, BASE + 6);
    ck_assert(tui_parse_address(m, "0x1000", &a, err, sizeof err));
    ck_assert_uint_eq(a, 0x1000);
    ck_assert(tui_parse_address(m, "$eip", &a, err, sizeof err));
    ck_assert_uint_eq(a, BASE);
    ck_assert(!tui_parse_address(m, "no_such_thing", &a, err, sizeof err));
    ck_assert_str_eq(err, "'no_such_thing' is not an address, symbol or register");
}
END_TEST

START_TEST(session_breakpoint_continue_and_step_over) {
    tui_session s;
    machine_config cfg = { 0 };
    cfg.kernel = image_path;
    cfg.memory_bytes = 8u << 20;
    ck_assert_msg(tui_session_open(&s, &cfg, NULL, err, sizeof err), "%s", err);
    char out[1024];
    tui_session_command(&s, "break start+0xb", out, sizeof out);
    ck_assert_str_eq(out, "breakpoint set at start+0xb (0x10000b)");
    tui_session_start(&s, TUI_RUN_CONTINUE, 0);
    while (tui_session_slice(&s, 1000)) {}
    ck_assert_str_eq(s.message, "breakpoint at start+0xb (0x10000b)");
    ck_assert_uint_eq(s.regs.eip, BASE + 0xB);
    ck_assert_uint_eq(s.prev.eip, BASE);   /* the previous stop, for highlighting */
    /* Step over the call: stops after it, at the hlt. */
    tui_session_start(&s, TUI_RUN_STEP_OVER, 0);
    while (tui_session_slice(&s, 1000)) {}
    ck_assert_uint_eq(s.regs.eip, BASE + 0x10);
    ck_assert_uint_eq(s.regs.gpr[R_ESP], 0x90000);
    ck_assert_str_eq(s.message, "stepped over to start+0x10 (0x100010)");
    tui_session_command(&s, "info break", out, sizeof out);
    ck_assert_str_eq(out, "1: start+0xb (0x10000b)");
    tui_session_command(&s, "delete start+0xb", out, sizeof out);
    ck_assert_str_eq(out, "breakpoint removed from start+0xb (0x10000b)");
    tui_session_command(&s, "frobnicate", out, sizeof out);
    ck_assert_str_eq(out, "unknown command 'frobnicate' (try :help)");
    /* Every pane renders as text. */
    char *dump = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&dump, &len);
    tui_session_dump(&s, f);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(dump, "== Registers =="));
    ck_assert_ptr_nonnull(strstr(dump, "== Disassembly - start+0x10 =="));
    ck_assert_ptr_nonnull(strstr(dump, "== Page walk 0x00100010 =="));
    ck_assert_ptr_nonnull(strstr(dump, "== VMCB =="));
    free(dump);
    tui_session_close(&s);
}
END_TEST

static Suite *tui_suite(void) {
    Suite *s = suite_create("tui_views");
    TCase *t = tcase_create("views");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, registers_highlight_what_changed);
    tcase_add_test(t, flags_by_name_with_changes);
    tcase_add_test(t, disassembly_shows_symbols_and_marks);
    tcase_add_test(t, page_walk_of_a_mapped_address);
    tcase_add_test(t, page_walk_of_unmapped_addresses);
    tcase_add_test(t, page_walk_without_paging);
    tcase_add_test(t, vmcb_decodes_intercepts_and_exit_info);
    tcase_add_test(t, serial_scrollback_shows_the_last_lines);
    tcase_add_test(t, memory_hex_and_ascii);
    tcase_add_test(t, addresses_parse_as_symbols_registers_and_numbers);
    tcase_add_test(t, session_breakpoint_continue_and_step_over);
    suite_add_tcase(s, t);
    return s;
}

int main(void) {
    SRunner *r = srunner_create(tui_suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
