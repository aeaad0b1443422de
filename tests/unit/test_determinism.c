/* Looking at the machine never changes it: page walks for a debugger, linear reads, a gdb memory
 * read or register read, in an SVM guest with nested paging (the 2-D walk), leave virtual time,
 * the instruction count, A/D bits, the TLB and every other bit of machine state exactly as they
 * were, and the run that follows is the run that would have happened without looking.
 *
 * The state is compared through the snapshot (emu/snapshot.c): it holds registers, RAM (so every
 * A/D bit), devices, timers, and the TLB and decoded-page bookkeeping that decide cycle counts. */
#include <check.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/svm.h"
#include "arch/x86.h"
#include "cpu/cpu.h"
#include "emu/gdb/gdbstub.h"
#include "emu/lua/vxlua.h"
#include "emu/machine.h"
#include "tests/cli/mkelf.h"

#define RAM_SIZE (16u * 1024 * 1024)
#define BASE 0x100000u
#define HOST_PD 0x200000u      /* host page directory: two 4 MiB identity pages */
#define VMCB_PA 0x201000u
#define HSAVE_PA 0x202000u
#define NPT_PD 0x210000u       /* nested page directory and one nested page table */
#define NPT_PT 0x211000u
#define GUEST_HPA 0x400000u    /* guest-physical 0 lives at host-physical 4 MiB */
#define GUEST_PD 0x1000u       /* guest-physical addresses of the guest's own tables */
#define GUEST_PT 0x2000u
#define GUEST_CODE 0x3000u
#define GUEST_DATA 0x5000u
#define GUEST_STACK 0x8000u
#define LOOKS 100

/* The host, assembled from (as --32; objcopy -O binary), loaded and started at BASE:
 *   mov $MSR_EFER,%ecx; rdmsr; or $EFER_SVME,%eax; wrmsr
 *   mov $MSR_VM_HSAVE_PA,%ecx; mov $HSAVE_PA,%eax; xor %edx,%edx; wrmsr
 *   mov $HOST_PD,%eax; mov %eax,%cr3; cr4 |= PSE; cr0 |= PG
 *   mov $VMCB_PA,%eax; vmrun; hlt
 * The tables and the VMCB are written by setup() below. */
static const uint8_t HOST[] = {
    0xb9, 0x80, 0x00, 0x00, 0xc0, 0x0f, 0x32, 0x0d, 0x00, 0x10, 0x00, 0x00, 0x0f, 0x30, 0xb9, 0x17,
    0x01, 0x01, 0xc0, 0xb8, 0x00, 0x20, 0x20, 0x00, 0x31, 0xd2, 0x0f, 0x30, 0xb8, 0x00, 0x00, 0x20,
    0x00, 0x0f, 0x22, 0xd8, 0x0f, 0x20, 0xe0, 0x83, 0xc8, 0x10, 0x0f, 0x22, 0xe0, 0x0f, 0x20, 0xc0,
    0x0d, 0x00, 0x00, 0x00, 0x80, 0x0f, 0x22, 0xc0, 0xb8, 0x00, 0x10, 0x20, 0x00, 0x0f, 0x01, 0xd8,
    0xf4,
};
/* The guest at GUEST_CODE: 1: incl GUEST_DATA; jmp 1b */
static const uint8_t GUEST[] = { 0xff, 0x05, 0x00, 0x50, 0x00, 0x00, 0xeb, 0xf8 };

static char image_path[64];
static char err[512];

static void setup(void) {
    mkelf_spec s = { .entry = BASE, .nseg = 1 };
    s.seg[0] = (mkelf_segment){ .paddr = BASE, .data = HOST, .filesz = sizeof HOST, .memsz = sizeof HOST };
    strcpy(image_path, "/tmp/vx86-detimg-XXXXXX");
    ck_assert_int_eq(mkelf_write_temp(&s, image_path), 0);
}

static void teardown(void) { unlink(image_path); }

static void no_serial(void *ctx, uint8_t byte) {
    (void)ctx;
    (void)byte;
}

static void put32(machine *m, uint32_t pa, uint32_t v) { ck_assert(machine_write_phys(m, pa, &v, 4)); }
static void put64(machine *m, uint32_t pa, uint64_t v) { ck_assert(machine_write_phys(m, pa, &v, 8)); }

static void put_seg(machine *m, uint32_t at, uint16_t sel, uint16_t attr) {
    uint16_t sa[2] = { sel, attr };
    ck_assert(machine_write_phys(m, at + VMCB_SEG_SEL, sa, 4));
    put32(m, at + VMCB_SEG_LIMIT, 0xFFFFFFFFu);
    put64(m, at + VMCB_SEG_BASE, 0);
}

/* A machine running the nested-paging guest: host paging on, 4 KiB nested pages (two nested
 * references per guest-physical address), 4 KiB guest pages, so one guest translation is a
 * 2-D walk of eight references. */
static machine *nested_guest(void) {
    machine_config cfg = { .kernel = image_path, .memory_bytes = RAM_SIZE, .serial_out = no_serial };
    machine *m = machine_create(&cfg, err, sizeof err);
    ck_assert_msg(m != NULL, "machine_create: %s", err);
    put32(m, HOST_PD, 0 | PTE_PS | PTE_W | PTE_P);
    put32(m, HOST_PD + 4, PAGE_SIZE_4M | PTE_PS | PTE_W | PTE_P);
    put32(m, NPT_PD, NPT_PT | PTE_U | PTE_W | PTE_P);
    for (uint32_t k = 0; k < 1024; k++) {
        put32(m, NPT_PT + 4 * k, (GUEST_HPA + k * PAGE_SIZE) | PTE_U | PTE_W | PTE_P);
        put32(m, GUEST_HPA + GUEST_PT + 4 * k, (k * PAGE_SIZE) | PTE_U | PTE_W | PTE_P);
    }
    put32(m, GUEST_HPA + GUEST_PD, GUEST_PT | PTE_U | PTE_W | PTE_P);
    ck_assert(machine_write_phys(m, GUEST_HPA + GUEST_CODE, GUEST, sizeof GUEST));

    put32(m, VMCB_PA + VMCB_VEC4, V4_VMRUN);
    put32(m, VMCB_PA + VMCB_ASID, 1);
    put64(m, VMCB_PA + VMCB_NP_ENABLE, 1);
    put64(m, VMCB_PA + VMCB_N_CR3, NPT_PD);
    put_seg(m, VMCB_PA + VMCB_CS, 0x08, 0xC9B);
    put_seg(m, VMCB_PA + VMCB_SS, 0x10, 0xC93);
    put_seg(m, VMCB_PA + VMCB_DS, 0x10, 0xC93);
    put_seg(m, VMCB_PA + VMCB_ES, 0x10, 0xC93);
    put64(m, VMCB_PA + VMCB_EFER, EFER_SVME);
    put64(m, VMCB_PA + VMCB_CR0, CR0_PE | CR0_PG);
    put64(m, VMCB_PA + VMCB_CR3, GUEST_PD);
    put64(m, VMCB_PA + VMCB_RFLAGS, 2);
    put64(m, VMCB_PA + VMCB_RIP, GUEST_CODE);
    put64(m, VMCB_PA + VMCB_RSP, GUEST_STACK);
    return m;
}

/* Run into the guest and on for a while; it must be looping there with nested paging. */
static machine *running_guest(void) {
    machine *m = nested_guest();
    ck_assert_int_eq(machine_run(m, 200000), MACHINE_STOP_LIMIT);
    machine_regs r;
    machine_get_regs(m, &r);
    ck_assert_msg(r.guest_mode, "the host did not enter its guest (eip 0x%x)", r.eip);
    ck_assert_uint_ge(r.eip, GUEST_CODE);
    ck_assert_uint_lt(r.eip, GUEST_CODE + sizeof GUEST);
    uint32_t counter = 0;
    ck_assert(machine_read_phys(m, GUEST_HPA + GUEST_DATA, &counter, 4));
    ck_assert_uint_gt(counter, 1000);
    return m;
}

typedef struct state {
    uint64_t cycles, icount;
    uint8_t *snap;
    size_t len;
} state;

static state take_state(machine *m) {
    state s = { machine_cycles(m), machine_instructions(m), NULL, 0 };
    ck_assert_msg(machine_snapshot_to_buffer(m, &s.snap, &s.len, err, sizeof err), "%s", err);
    return s;
}

static void assert_same_state(const state *a, const state *b, const char *what) {
    ck_assert_msg(a->cycles == b->cycles, "%s changed the cycle count: %llu -> %llu", what,
                  (unsigned long long)a->cycles, (unsigned long long)b->cycles);
    ck_assert_msg(a->icount == b->icount, "%s changed the instruction count", what);
    ck_assert_msg(a->len == b->len && memcmp(a->snap, b->snap, a->len) == 0, "%s changed the machine state", what);
}

static void free_state(state *s) { free(s->snap); }

START_TEST(translate_is_free_in_a_nested_guest) {
    machine *m = running_guest();
    state before = take_state(m);
    for (int k = 0; k < LOOKS; k++) {
        machine_walk w;
        ck_assert(machine_translate(m, GUEST_DATA + 4 * (uint32_t)k, k & 1, &w));
        ck_assert(w.ok && w.nested && w.paging);
        ck_assert_uint_eq(w.paddr, GUEST_HPA + GUEST_DATA + 4 * (uint32_t)k);
        int nested_steps = 0;
        for (int s = 0; s < w.step_count; s++) nested_steps += w.steps[s].nested;
        ck_assert_int_eq(w.step_count, 8);   /* 2 guest references, 3 x 2 nested ones */
        ck_assert_int_eq(nested_steps, 6);
    }
    state after = take_state(m);
    assert_same_state(&before, &after, "machine_translate");
    free_state(&after);
    /* A page the guest never touched: its A bit must stay clear after the look. */
    machine_walk w;
    ck_assert(machine_translate(m, 0x300000, true, &w));
    uint32_t pte = 0;
    ck_assert(machine_read_phys(m, GUEST_HPA + GUEST_PT + 4 * 0x300, &pte, 4));
    ck_assert_uint_eq(pte & (PTE_A | PTE_D), 0);
    after = take_state(m);
    assert_same_state(&before, &after, "machine_translate of an untouched page");
    free_state(&after);
    free_state(&before);
    machine_destroy(m);
}
END_TEST

START_TEST(read_linear_is_free_in_a_nested_guest) {
    machine *m = running_guest();
    state before = take_state(m);
    for (int k = 0; k < LOOKS; k++) {
        uint8_t code[sizeof GUEST];
        ck_assert(machine_read_linear(m, GUEST_CODE, code, sizeof code));
        ck_assert_mem_eq(code, GUEST, sizeof GUEST);
        uint8_t page_cross[16];
        ck_assert(machine_read_linear(m, GUEST_DATA - 8, page_cross, sizeof page_cross));
        machine_walk w;
        ck_assert(machine_translate_vm(m, VMCB_PA, GUEST_CODE, false, &w));
        ck_assert_uint_eq(w.paddr, GUEST_HPA + GUEST_CODE);
    }
    state after = take_state(m);
    assert_same_state(&before, &after, "machine_read_linear");
    free_state(&after);
    free_state(&before);
    machine_destroy(m);
}
END_TEST

/* The strongest form: a machine that was looked at runs on exactly like its twin that was not. */
START_TEST(looking_does_not_change_the_run) {
    machine *looked = running_guest(), *twin = running_guest();
    for (int round = 0; round < 5; round++) {
        for (int k = 0; k < LOOKS; k++) {
            machine_walk w;
            uint32_t v;
            machine_translate(looked, GUEST_CODE, false, &w);
            machine_read_linear(looked, GUEST_DATA, &v, 4);
        }
        ck_assert_int_eq(machine_run(looked, 12345), MACHINE_STOP_LIMIT);
        ck_assert_int_eq(machine_run(twin, 12345), MACHINE_STOP_LIMIT);
        state a = take_state(looked), b = take_state(twin);
        assert_same_state(&a, &b, "looking, then running");
        free_state(&a);
        free_state(&b);
    }
    machine_destroy(looked);
    machine_destroy(twin);
}
END_TEST

/* ---- the same through the GDB stub: memory and register reads ---- */

static void drop_output(void *ctx, const void *bytes, size_t len) {
    (void)ctx;
    (void)bytes;
    (void)len;
}

static void send_pkt(gdbstub *g, const char *body) {
    unsigned sum = 0;
    for (const char *p = body; *p; p++) sum += (unsigned char)*p;
    char frame[128];
    snprintf(frame, sizeof frame, "$%s#%02x", body, sum & 0xff);
    gdbstub_input(g, frame, strlen(frame));
}

START_TEST(gdb_reads_are_free_in_a_nested_guest) {
    machine *m = running_guest();
    gdbstub *g = gdbstub_create(m, drop_output, NULL, NULL);
    ck_assert_ptr_nonnull(g);
    state before = take_state(m);
    for (int k = 0; k < LOOKS; k++) {
        send_pkt(g, "m3000,8");     /* guest code, through the 2-D walk */
        send_pkt(g, "m4ffc,8");     /* across a page boundary */
        send_pkt(g, "g");
        send_pkt(g, "?");
    }
    ck_assert_int_eq(gdbstub_get_state(g), GDBSTUB_STOPPED);
    state after = take_state(m);
    assert_same_state(&before, &after, "gdb reads");
    free_state(&after);
    free_state(&before);
    gdbstub_destroy(g);
    machine_destroy(m);
}
END_TEST

/* ---- and through Lua, as a lab's step or a TUI `:` command reads it ---- */

START_TEST(lua_reads_are_free_in_a_nested_guest) {
    machine *m = running_guest();
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    luaL_requiref(L, "vx", luaopen_vx, 1);
    lua_pop(L, 1);
    vxlua_push_borrowed_machine(L, m);
    lua_setglobal(L, "m");
    state before = take_state(m);
    static const char script[] =
        "local refs = 0\n"
        "for i = 1, 100 do\n"
        "  local w = m:translate(0x5000 + 4 * i, true)\n"
        "  assert(#w.steps == 8, 'a 2-D walk of 8 references')\n"
        "  refs = refs + #w.steps\n"
        "  assert(#m:read(0x3000, 8) == 8)\n"
        "  m:read32(0x4ffe)\n"
        "  m:regs()\n"
        "end\n"
        "return refs\n";
    ck_assert_msg(luaL_dostring(L, script) == LUA_OK, "%s", lua_tostring(L, -1));
    ck_assert_int_eq(lua_tointeger(L, -1), 800);
    state after = take_state(m);
    assert_same_state(&before, &after, "Lua m:translate/m:read");
    free_state(&after);
    free_state(&before);
    lua_close(L);
    machine_destroy(m);
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("determinism");
    TCase *t = tcase_create("looking");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, translate_is_free_in_a_nested_guest);
    tcase_add_test(t, read_linear_is_free_in_a_nested_guest);
    tcase_add_test(t, looking_does_not_change_the_run);
    tcase_add_test(t, gdb_reads_are_free_in_a_nested_guest);
    tcase_add_test(t, lua_reads_are_free_in_a_nested_guest);
    suite_add_tcase(s, t);
    return s;
}

int main(void) {
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
