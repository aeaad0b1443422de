/* The trace ring buffer: wrap and drop counting, payload ring, iteration with filters, kind
 * table, JSON Lines fields (addresses as hex strings, exceptions by name) and escaping, the
 * triple-fault chain, Chrome Trace Event shape (VM processes, guest-mode slices). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/trace.h"

static const trace_context CTX = { .cpl = 3, .cr3 = 0x1000 };

static void push_cpu(trace *t, uint64_t cycle, trace_kind kind, uint32_t vector)
{
    trace_event ev = { .cycle = cycle, .kind = (uint16_t)kind, .vector = vector };
    trace_push(t, &ev, &CTX, NULL, 0);
}

/* The whole output of a writer, as a string (free it). */
static char *capture(const trace *t, bool (*write)(const trace *, FILE *))
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert(write(t, f));
    fclose(f);
    return text;
}

START_TEST(kind_table_is_consistent)
{
    for (int k = 0; k < TRACE_KIND_COUNT; k++) {
        ck_assert_ptr_nonnull(trace_kind_name(k));
        ck_assert_ptr_nonnull(trace_kind_category(k));
        ck_assert_int_eq(trace_kind_lookup(trace_kind_name(k)), k);
    }
    ck_assert_ptr_null(trace_kind_name(TRACE_KIND_COUNT));
    ck_assert_int_eq(trace_kind_lookup("cr3_write"), TRACE_CR3_WRITE);
    ck_assert_int_eq(trace_kind_lookup("nope"), -1);
    ck_assert_int_eq(trace_kind_from_probe(VX86_PROBE_KIND_TASK_CREATE), TRACE_TASK_CREATE);
    ck_assert_int_eq(trace_kind_from_probe(VX86_PROBE_KIND_LAB_MARK), TRACE_LAB_MARK);
    ck_assert_int_eq(trace_kind_from_probe(VX86_PROBE_KIND_ERROR), TRACE_PROBE_ERROR);
    ck_assert_int_eq(trace_kind_from_probe(0x1234), TRACE_PROBE);
    /* Every probe kind of the ABI has its own trace kind. */
    for (uint16_t k = 1; k <= VX86_PROBE_KIND_LAST; k++)
        ck_assert_int_ne(trace_kind_from_probe(k), TRACE_PROBE);
}
END_TEST

START_TEST(ring_wraps_and_counts_drops)
{
    trace *t = trace_create(4, 0);
    ck_assert_uint_eq(trace_capacity(t), 4);
    for (uint32_t k = 0; k < 10; k++)
        push_cpu(t, 100 + k, TRACE_INTERRUPT, k);
    ck_assert_uint_eq(trace_count(t), 4);
    ck_assert_uint_eq(trace_total(t), 10);
    ck_assert_uint_eq(trace_dropped(t), 6);
    ck_assert_ptr_null(trace_get(t, 5));
    ck_assert_ptr_null(trace_get(t, 10));
    for (uint64_t seq = 6; seq < 10; seq++) {
        const trace_event *e = trace_get(t, seq);
        ck_assert_ptr_nonnull(e);
        ck_assert_uint_eq(e->seq, seq);
        ck_assert_uint_eq(e->vector, seq);
        ck_assert_uint_eq(e->cycle, 100 + seq);
        ck_assert_uint_eq(e->cpl, 3);
        ck_assert_uint_eq(e->cr3, 0x1000);
    }
    trace_clear(t);
    ck_assert_uint_eq(trace_count(t), 0);
    ck_assert_uint_eq(trace_total(t), 0);
    ck_assert_ptr_null(trace_get(t, 0));
    trace_destroy(t);
}
END_TEST

START_TEST(default_capacity_grows_lazily)
{
    trace *t = trace_create(0, 0);
    ck_assert_uint_eq(trace_capacity(t), TRACE_DEFAULT_CAPACITY);
    for (uint32_t k = 0; k < 5000; k++)
        push_cpu(t, k, TRACE_HALT, 0);
    ck_assert_uint_eq(trace_count(t), 5000);
    ck_assert_uint_eq(trace_dropped(t), 0);
    ck_assert_uint_eq(trace_get(t, 4999)->cycle, 4999);
    trace_destroy(t);
}
END_TEST

/* Payloads live in their own ring: old payloads are overwritten only together with their events. */
START_TEST(payloads_survive_wrap)
{
    trace *t = trace_create(8, 0);
    uint8_t rec[VX86_PROBE_MAX_PAYLOAD];
    for (uint32_t k = 0; k < 100; k++) {
        memset(rec, (int)k, sizeof rec);
        uint16_t len = (uint16_t)(k % 3 == 0 ? 0 : 1 + (k * 37) % VX86_PROBE_MAX_PAYLOAD);
        trace_push_probe(t, k, &CTX, VX86_PROBE_KIND_LAB_MARK, rec, len);
        if (k % 5 == 0)
            push_cpu(t, k, TRACE_HALT, 0);
        for (uint64_t seq = trace_total(t) - trace_count(t); seq < trace_total(t); seq++) {
            const trace_event *e = trace_get(t, seq);
            const uint8_t *p = trace_payload(t, e);
            for (uint16_t b = 0; b < e->length; b++)
                ck_assert_msg(p[b] == (uint8_t)e->cycle, "payload of seq %llu damaged", (unsigned long long)seq);
        }
    }
    ck_assert_uint_eq(trace_count(t) + trace_dropped(t), trace_total(t));
    /* Too long a payload is cut to the probe maximum. */
    uint8_t big[400] = { 0 };
    trace_event ev = { .cycle = 1000, .kind = TRACE_PROBE, .probe_kind = 0x77 };
    trace_push(t, &ev, &CTX, big, sizeof big);
    ck_assert_uint_eq(trace_get(t, trace_total(t) - 1)->length, VX86_PROBE_MAX_PAYLOAD);
    trace_destroy(t);
}
END_TEST

START_TEST(iterate_since_cycle_with_filter)
{
    trace *t = trace_create(16, 0);
    for (uint32_t k = 0; k < 12; k++)
        push_cpu(t, k * 10, k % 2 ? TRACE_EXCEPTION : TRACE_CR3_WRITE, k);
    trace_iter it;
    trace_iter_init(&it, t, 35, 0, TRACE_KIND_BIT(TRACE_EXCEPTION));
    uint32_t want[] = { 5, 7, 9, 11 };
    for (size_t k = 0; k < 4; k++) {
        const trace_event *e = trace_iter_next(&it);
        ck_assert_ptr_nonnull(e);
        ck_assert_uint_eq(e->vector, want[k]);
    }
    ck_assert_ptr_null(trace_iter_next(&it));
    /* New events show up in a live iterator. */
    push_cpu(t, 200, TRACE_EXCEPTION, 99);
    push_cpu(t, 210, TRACE_CR3_WRITE, 100);
    ck_assert_uint_eq(trace_iter_next(&it)->vector, 99);
    ck_assert_ptr_null(trace_iter_next(&it));
    /* since_seq, all kinds */
    trace_iter_init(&it, t, 0, 12, TRACE_ALL_KINDS);
    ck_assert_uint_eq(trace_iter_next(&it)->vector, 99);
    ck_assert_uint_eq(trace_iter_next(&it)->vector, 100);
    ck_assert_ptr_null(trace_iter_next(&it));
    /* An iterator left behind by dropped events resumes at the oldest kept. */
    trace_iter_init(&it, t, 0, 0, TRACE_ALL_KINDS);
    for (uint32_t k = 0; k < 20; k++)
        push_cpu(t, 300 + k, TRACE_HALT, 1000 + k);
    ck_assert_uint_eq(trace_iter_next(&it)->vector, 1004);
    trace_destroy(t);
}
END_TEST

START_TEST(jsonl_fields)
{
    trace *t = trace_create(16, 0);
    trace_event pf = { .cycle = 1234, .kind = TRACE_EXCEPTION, .vector = 14, .error = 6, .has_error = true,
                       .eip = 0x100000, .value = 0xdeadb000 };
    trace_push(t, &pf, &CTX, NULL, 0);
    trace_event cr3 = { .cycle = 1300, .kind = TRACE_CR3_WRITE, .eip = 5, .value = 0x2000 };
    trace_push(t, &cr3, &CTX, NULL, 0);
    char buf[1024];
    trace_event_json(t, trace_get(t, 0), buf, sizeof buf);
    ck_assert_str_eq(buf, "{\"seq\":0,\"cycle\":1234,\"kind\":\"exception\",\"cpl\":3,\"cr3\":\"0x1000\",\"guest_mode\":0,"
                          "\"asid\":0,\"vm\":0,\"task\":0,\"vector\":14,\"name\":\"#PF\",\"has_error\":true,\"error\":6,"
                          "\"eip\":\"0x100000\",\"cr2\":\"0xdeadb000\"}");
    trace_event_json(t, trace_get(t, 1), buf, sizeof buf);
    ck_assert_ptr_nonnull(strstr(buf, "\"kind\":\"cr3_write\""));
    ck_assert_ptr_nonnull(strstr(buf, "\"eip\":\"0x5\",\"value\":\"0x2000\"}"));
    /* snprintf-like: a short buffer is terminated and the needed length returned. */
    char small[10];
    size_t need = trace_event_json(t, trace_get(t, 0), small, sizeof small);
    ck_assert_uint_eq(need, trace_event_json(t, trace_get(t, 0), buf, sizeof buf));
    ck_assert_uint_eq(need, strlen(buf));
    ck_assert_uint_eq(strlen(small), 9);

    char *text = capture(t, trace_write_jsonl);
    ck_assert_ptr_nonnull(strstr(text, "{\"kind\":\"trace_info\""));
    ck_assert_ptr_nonnull(strstr(text, "\"events\":2,\"dropped\":0"));
    int lines = 0;
    for (char *p = text; *p; p++)
        lines += *p == '\n';
    ck_assert_int_eq(lines, 3);
    free(text);
    trace_destroy(t);
}
END_TEST

START_TEST(probe_records_decode_and_escape)
{
    trace *t = trace_create(16, 0);
    vx86_probe_task_create tc = { .pid = 7, .parent_pid = 1, .vm = 0 };
    memcpy(tc.name, "a\"b\\c\n\x01\xe9", 8);
    trace_push_probe(t, 10, &CTX, VX86_PROBE_KIND_TASK_CREATE, (const uint8_t *)&tc, sizeof tc);
    vx86_probe_switch sw = { .prev_pid = 1, .next_pid = 7, .prev_state = 2 };
    trace_push_probe(t, 20, &CTX, VX86_PROBE_KIND_SWITCH, (const uint8_t *)&sw, sizeof sw);
    push_cpu(t, 30, TRACE_SOFTINT, 0x80);
    /* A short payload: missing trailing fields read as zero. */
    uint32_t pid = 9;
    trace_push_probe(t, 40, &CTX, VX86_PROBE_KIND_TASK_EXIT, (const uint8_t *)&pid, 4);
    uint8_t odd[3] = { 0xab, 0x00, 0x01 };
    trace_push_probe(t, 50, &CTX, 0x4242, odd, 3);

    char buf[2048];
    trace_event_json(t, trace_get(t, 0), buf, sizeof buf);
    ck_assert_msg(strstr(buf, "\"data\":{\"pid\":7,\"parent_pid\":1,") != NULL, "%s", buf);
    ck_assert_msg(strstr(buf, "\"name\":\"a\\\"b\\\\c\\n\\u0001\\u00e9\"}") != NULL, "%s", buf);
    ck_assert_msg(strstr(buf, "\"probe_kind\":1") != NULL, "%s", buf);
    /* The switch event ran in the task before it; events after it carry the new task. */
    ck_assert_uint_eq(trace_get(t, 1)->task, 0);
    ck_assert_uint_eq(trace_get(t, 2)->task, 7);
    /* A switch inside a VM (a forwarded record tagged vm 1) leaves the host's task alone. */
    trace_context in_vm = CTX;
    in_vm.vm = 1;
    vx86_probe_switch inner = { .prev_pid = 1, .next_pid = 3, .prev_state = 2 };
    trace *t2 = trace_create(16, 0);
    trace_push_probe(t2, 10, &CTX, VX86_PROBE_KIND_SWITCH, (const uint8_t *)&sw, sizeof sw);
    trace_push_probe(t2, 20, &in_vm, VX86_PROBE_KIND_SWITCH, (const uint8_t *)&inner, sizeof inner);
    push_cpu(t2, 30, TRACE_SOFTINT, 0x80);
    ck_assert_uint_eq(trace_get(t2, 2)->task, 7);
    trace_destroy(t2);
    trace_event_json(t, trace_get(t, 3), buf, sizeof buf);
    ck_assert_msg(strstr(buf, "\"data\":{\"pid\":9,\"status\":0}") != NULL, "%s", buf);
    trace_event_json(t, trace_get(t, 4), buf, sizeof buf);
    ck_assert_msg(strstr(buf, "\"kind\":\"probe\"") && strstr(buf, "\"probe_kind\":16962,\"payload\":\"ab0001\""),
                  "%s", buf);
    trace_destroy(t);
}
END_TEST

START_TEST(chrome_shape)
{
    trace *t = trace_create(16, 1000000000ull);
    vx86_probe_task_create tc = { .pid = 7, .name = "init" };
    trace_push_probe(t, 1500, &CTX, VX86_PROBE_KIND_TASK_CREATE, (const uint8_t *)&tc, sizeof tc);
    vx86_probe_switch sw = { .prev_pid = 0, .next_pid = 7 };
    trace_push_probe(t, 2000, &CTX, VX86_PROBE_KIND_SWITCH, (const uint8_t *)&sw, sizeof sw);
    push_cpu(t, 1234567, TRACE_INTERRUPT, 32);
    char *text = capture(t, trace_write_chrome);
    ck_assert_msg(strncmp(text, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", 39) == 0, "%s", text);
    ck_assert_ptr_nonnull(strstr(text, "\"otherData\":{\"format\":\"vx86-trace\""));
    ck_assert_ptr_nonnull(strstr(text, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":0,\"tid\":0"));
    ck_assert_ptr_nonnull(strstr(text, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":0,\"tid\":7,\"args\":{\"name\":\"7 init\"}}"));
    /* The running span: from the switch (2000) to the last event (1234567). */
    ck_assert_msg(strstr(text, "{\"name\":\"7 init\",\"cat\":\"task\",\"ph\":\"X\",\"pid\":0,\"tid\":7,\"ts\":2.000,"
                               "\"dur\":1232.567,") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "{\"name\":\"interrupt\",\"cat\":\"cpu\",\"ph\":\"i\",\"s\":\"t\",\"ts\":1234.567,"
                               "\"pid\":0,\"tid\":7,\"args\":{\"seq\":2,\"cycle\":1234567,") != NULL, "%s", text);
    /* Balanced brackets and an even number of unescaped quotes: a cheap validity check here;
     * tests/guest/timing/run.sh parses real traces with Python's json module. */
    int depth = 0, quotes = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '\\') { p++; continue; }
        if (*p == '"') quotes++;
        if (quotes % 2) continue;
        depth += (*p == '{' || *p == '[') - (*p == '}' || *p == ']');
        ck_assert_int_ge(depth, 0);
    }
    ck_assert_int_eq(depth, 0);
    ck_assert_int_eq(quotes % 2, 0);
    free(text);
    /* Timestamps at another clock rate: 3 cycles at 3 GHz are one nanosecond. */
    trace *slow = trace_create(4, 3000000000ull);
    push_cpu(slow, 3000003, TRACE_HALT, 0);
    text = capture(slow, trace_write_chrome);
    ck_assert_msg(strstr(text, "\"ts\":1000.001,") != NULL, "%s", text);
    free(text);
    trace_destroy(slow);
    trace_destroy(t);
}
END_TEST

/* A page walk's steps: addresses in hex, every step complete however long its numbers. */
START_TEST(page_walk_steps)
{
    trace *t = trace_create(4, 0);
    uint8_t steps[24] = { 0 };
    steps[0] = 2;                                   /* level 2 (the PDE) */
    memcpy(steps + 4, &(uint32_t){ 0xfffff400 }, 4);
    memcpy(steps + 8, &(uint32_t){ 0xfffff003 }, 4);
    steps[12] = 1 | 0x10;                           /* level 1, nested */
    memcpy(steps + 16, &(uint32_t){ 0xfffffffc }, 4);
    memcpy(steps + 20, &(uint32_t){ 0xffffffff }, 4);
    trace_event w = { .cycle = 5, .kind = TRACE_PAGE_WALK, .vector = 1, .eip = 0x100627, .value = 0xdead0000,
                      .has_error = true, .error = 2 };
    trace_push(t, &w, &CTX, steps, sizeof steps);
    char buf[1024];
    trace_event_json(t, trace_get(t, 0), buf, sizeof buf);
    ck_assert_msg(strstr(buf, "\"eip\":\"0x100627\",\"linear\":\"0xdead0000\",\"access\":\"write\",\"user\":false,"
                              "\"error\":2,\"steps\":[{\"level\":2,\"nested\":false,\"entry\":\"0xfffff400\",\"value\":\"0xfffff003\"},"
                              "{\"level\":1,\"nested\":true,\"entry\":\"0xfffffffc\",\"value\":\"0xffffffff\"}]}") != NULL,
                  "%s", buf);
    trace_destroy(t);
}
END_TEST

/* Exception names: the architectural ones by mnemonic, reserved vectors by number. */
START_TEST(exception_names)
{
    trace *t = trace_create(16, 0);
    static const struct { uint32_t vector; const char *name; } CASES[] = {
        { 0, "#DE" }, { 6, "#UD" }, { 8, "#DF" }, { 13, "#GP" }, { 14, "#PF" }, { 15, "vector 15" },
    };
    char buf[1024], want[64];
    for (size_t k = 0; k < sizeof CASES / sizeof CASES[0]; k++) {
        trace_event ev = { .cycle = k, .kind = TRACE_EXCEPTION, .vector = CASES[k].vector, .eip = 0x1000a3 };
        trace_push(t, &ev, &CTX, NULL, 0);
        trace_event_json(t, trace_get(t, k), buf, sizeof buf);
        snprintf(want, sizeof want, "\"vector\":%u,\"name\":\"%s\"", (unsigned)CASES[k].vector, CASES[k].name);
        ck_assert_msg(strstr(buf, want) != NULL, "%s lacks %s", buf, want);
        ck_assert_msg(strstr(buf, "\"eip\":\"0x1000a3\"") != NULL, "%s", buf);
    }
    trace_destroy(t);
}
END_TEST

/* The chain of a triple fault, as the CPU reports it: the first exception, the #DF raised while
 * delivering it, then the triple fault, all at one EIP. */
START_TEST(triple_fault_chain)
{
    trace *t = trace_create(16, 0);
    char buf[160];
    ck_assert_uint_eq(trace_triple_fault_chain(t, NULL, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "");
    /* an earlier, handled exception elsewhere must not join the chain */
    trace_event pf = { .cycle = 1, .kind = TRACE_EXCEPTION, .vector = 14, .eip = 0x100050, .value = 0x4000 };
    trace_push(t, &pf, &CTX, NULL, 0);
    trace_event de = { .cycle = 10, .kind = TRACE_EXCEPTION, .vector = 0, .eip = 0x1000a3 };
    trace_event df = { .cycle = 20, .kind = TRACE_EXCEPTION, .vector = 8, .eip = 0x1000a3, .has_error = true };
    trace_event tf = { .cycle = 30, .kind = TRACE_TRIPLE_FAULT, .vector = 13, .eip = 0x1000a3, .has_error = true,
                       .error = 0x42 };
    trace_push(t, &de, &CTX, NULL, 0);
    trace_push(t, &df, &CTX, NULL, 0);
    trace_push(t, &tf, &CTX, NULL, 0);
    size_t n = trace_triple_fault_chain(t, NULL, buf, sizeof buf);
    ck_assert_str_eq(buf, "#DE at 0x1000a3 -> #DF -> triple fault");
    ck_assert_uint_eq(n, strlen(buf));
    /* the JSON event carries it too, and names the vector that could not be delivered */
    char json[1024];
    trace_event_json(t, trace_get(t, 3), json, sizeof json);
    ck_assert_msg(strstr(json, "\"vector\":13,\"name\":\"#GP\"") != NULL, "%s", json);
    ck_assert_msg(strstr(json, "\"chain\":\"#DE at 0x1000a3 -> #DF -> triple fault\"") != NULL, "%s", json);
    /* a #PF that starts a chain shows its address; a short buffer is cut like snprintf */
    trace_clear(t);
    pf.eip = 0x100077;
    df.eip = tf.eip = 0x100077;
    trace_push(t, &pf, &CTX, NULL, 0);
    trace_push(t, &df, &CTX, NULL, 0);
    trace_push(t, &tf, &CTX, NULL, 0);
    trace_triple_fault_chain(t, trace_get(t, 2), buf, sizeof buf);
    ck_assert_str_eq(buf, "#PF at 0x100077 (cr2=0x4000) -> #DF -> triple fault");
    char small[8];
    ck_assert_uint_eq(trace_triple_fault_chain(t, NULL, small, sizeof small), strlen(buf));
    ck_assert_str_eq(small, "#PF at ");
    /* with the exceptions dropped from the ring, the triple fault still says where */
    trace_clear(t);
    trace_push(t, &tf, &CTX, NULL, 0);
    trace_triple_fault_chain(t, NULL, buf, sizeof buf);
    ck_assert_str_eq(buf, "#GP at 0x100077 -> triple fault");
    trace_destroy(t);
}
END_TEST

/* VMRUN..#VMEXIT becomes a duration event on the VM's process, which gets a name. */
START_TEST(chrome_guest_slices)
{
    trace *t = trace_create(16, 1000000000ull);
    trace_context host = { .cpl = 0 }, guest = { .guest_mode = 1, .asid = 2, .vm = 2 };
    trace_event run = { .cycle = 1000, .kind = TRACE_VMRUN, .vector = 2, .eip = 0x100010, .value = 0x118000 };
    trace_push(t, &run, &guest, NULL, 0);
    trace_event exit = { .cycle = 3500, .kind = TRACE_VMEXIT, .vector = 2, .eip = 0x100013, .value = 0x118000 };
    trace_vmexit_data d = { .exitcode = 0x81, .guest_cycles = 2500 };
    trace_push(t, &exit, &host, &d, sizeof d);
    /* a second run of the same VM: named once only */
    run.cycle = 5000;
    exit.cycle = 5100;
    d.guest_cycles = 100;
    d.exitcode = 0x78;
    trace_push(t, &run, &guest, NULL, 0);
    trace_push(t, &exit, &host, &d, sizeof d);
    char *text = capture(t, trace_write_chrome);
    const char *name = "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":2,\"tid\":0,\"args\":{\"name\":\"VM (ASID 2)\"}}";
    const char *at = strstr(text, name);
    ck_assert_msg(at != NULL, "%s", text);
    ck_assert_ptr_null(strstr(at + 1, name));
    ck_assert_msg(strstr(text, "{\"name\":\"guest\",\"cat\":\"vm\",\"ph\":\"X\",\"pid\":2,\"tid\":0,\"ts\":1.000,"
                               "\"dur\":2.500,\"args\":{\"exit_name\":\"vmmcall\",\"exitcode\":129,\"cycles\":2500}}") != NULL,
                  "%s", text);
    ck_assert_msg(strstr(text, "\"ph\":\"X\",\"pid\":2,\"tid\":0,\"ts\":5.000,\"dur\":0.100,"
                               "\"args\":{\"exit_name\":\"hlt\"") != NULL, "%s", text);
    free(text);
    /* A guest that names its VM (vm_create probe record) keeps its name. */
    trace_clear(t);
    vx86_probe_vm_create vc = { .vm = 2, .asid = 2, .name = "web" };
    trace_push_probe(t, 10, &host, VX86_PROBE_KIND_VM_CREATE, (const uint8_t *)&vc, sizeof vc);
    run.cycle = 20;
    exit.cycle = 30;
    d.guest_cycles = 10;
    trace_push(t, &run, &guest, NULL, 0);
    trace_push(t, &exit, &host, &d, sizeof d);
    text = capture(t, trace_write_chrome);
    ck_assert_msg(strstr(text, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":2,\"tid\":0,\"args\":{\"name\":\"web\"}}") != NULL,
                  "%s", text);
    ck_assert_ptr_null(strstr(text, "VM (ASID 2)"));
    free(text);
    trace_destroy(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("trace");
    tcase_add_test(tc, kind_table_is_consistent);
    tcase_add_test(tc, ring_wraps_and_counts_drops);
    tcase_add_test(tc, default_capacity_grows_lazily);
    tcase_add_test(tc, payloads_survive_wrap);
    tcase_add_test(tc, iterate_since_cycle_with_filter);
    tcase_add_test(tc, jsonl_fields);
    tcase_add_test(tc, probe_records_decode_and_escape);
    tcase_add_test(tc, chrome_shape);
    tcase_add_test(tc, exception_names);
    tcase_add_test(tc, page_walk_steps);
    tcase_add_test(tc, triple_fault_chain);
    tcase_add_test(tc, chrome_guest_slices);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
