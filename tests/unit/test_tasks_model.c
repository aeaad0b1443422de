/* The task table fold (emu/trace_tasks.c) and the Gantt view model with its text and SVG
 * renderers (emu/gantt.c), on hand-made records with known answers. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/gantt.h"
#include "emu/trace.h"
#include "emu/trace_tasks.h"
#include "emu/tui/view_tasks.h"

static vx86_probe_task_create make_create(uint32_t pid, uint32_t ppid, const char *name)
{
    vx86_probe_task_create c;
    memset(&c, 0, sizeof c);
    c.pid = pid;
    c.parent_pid = ppid;
    c.ns_pid = pid;
    c.pid_ns = c.mnt_ns = c.uts_ns = c.ipc_ns = c.cgroup = 1;
    memcpy(c.name, name, strnlen(name, sizeof c.name));
    return c;
}

static const trace_context CTX = { 0, 0, 0, 0, 0 };

START_TEST(fold_spans_states_and_totals)
{
    task_table tt;
    task_table_init(&tt);
    vx86_probe_task_create a = make_create(1, 0, "init"), b = make_create(2, 1, "sh");
    task_table_create(&tt, 10, 0, &a);
    task_table_create(&tt, 20, 0, &b);
    task_table_switch(&tt, 100, 0, 0, 1, VX86_PROBE_TASK_RUNNABLE);
    task_table_switch(&tt, 300, 0, 1, 2, VX86_PROBE_TASK_SLEEPING);
    task_table_exit(&tt, 450, 0, 2, 7);
    task_table_switch(&tt, 500, 0, 2, 1, VX86_PROBE_TASK_ZOMBIE);
    task_table_close(&tt, 600);

    ck_assert_uint_eq(tt.count, 2);   /* pid 0, the boot context, is never named: no task */
    const task_info *t1 = task_table_find(&tt, 0, 1), *t2 = task_table_find(&tt, 0, 2);
    ck_assert_ptr_nonnull(t1);
    ck_assert_ptr_nonnull(t2);
    ck_assert_str_eq(t1->name, "init");
    ck_assert_uint_eq(t1->span_count, 2);
    ck_assert_uint_eq(t1->spans[0].start, 100);
    ck_assert_uint_eq(t1->spans[0].end, 300);
    ck_assert_uint_eq(t1->spans[1].start, 500);
    ck_assert_uint_eq(t1->spans[1].end, 600);
    ck_assert_uint_eq(t1->run_cycles, 300);
    ck_assert_uint_eq(t1->slices, 2);
    ck_assert_str_eq(task_state_name(t1->state), "running");
    ck_assert(t1->on_cpu);

    ck_assert_uint_eq(t2->ppid, 1);
    ck_assert_uint_eq(t2->span_count, 1);
    ck_assert_uint_eq(t2->run_cycles, 200);
    ck_assert(t2->exited);
    ck_assert_uint_eq(t2->exited_at, 450);
    ck_assert_int_eq(t2->status, 7);
    ck_assert_str_eq(task_state_name(t2->state), "zombie");
    ck_assert_uint_eq(t2->created, 20);
    ck_assert_uint_eq(tt.first, 10);
    ck_assert_uint_eq(tt.last, 600);
    task_table_free(&tt);
}
END_TEST

START_TEST(sleeping_and_unknown_states)
{
    task_table tt;
    task_table_init(&tt);
    task_table_switch(&tt, 5, 0, 0, 3, 0);
    task_table_switch(&tt, 9, 0, 3, 4, VX86_PROBE_TASK_SLEEPING);
    task_table_close(&tt, 9);
    ck_assert_str_eq(task_state_name(task_table_find(&tt, 0, 3)->state), "sleeping");
    ck_assert_str_eq(task_state_name(task_table_find(&tt, 0, 4)->state), "running");
    ck_assert_str_eq(task_table_find(&tt, 0, 4)->name, "");   /* only switches named it */
    ck_assert(!task_table_find(&tt, 0, 4)->created_seen);
    ck_assert_str_eq(task_state_name(99), "?");
    task_table_free(&tt);
}
END_TEST

/* A record the guest sent short: missing trailing fields read as zero. */
START_TEST(short_payloads_read_as_zero)
{
    task_table tt;
    task_table_init(&tt);
    uint8_t p[8] = { 9, 0, 0, 0, 4, 0, 0, 0 };   /* pid 9, parent 4, nothing else */
    task_table_record(&tt, 50, 0, TRACE_TASK_CREATE, p, sizeof p);
    uint8_t s[4] = { 0, 0, 0, 0 };                /* prev 0, next missing = 0 */
    task_table_record(&tt, 60, 0, TRACE_SWITCH, s, sizeof s);
    ck_assert_uint_eq(tt.count, 2);
    const task_info *t = task_table_find(&tt, 0, 9);
    ck_assert_uint_eq(t->ppid, 4);
    ck_assert_uint_eq(t->cgroup, 0);
    ck_assert_str_eq(t->name, "");
    ck_assert(task_table_find(&tt, 0, 0)->on_cpu);
    task_table_free(&tt);
}
END_TEST

/* Each VM has its own CPU and its own pids; a create from inside a VM (task vm 0) takes the
 * record's VM tag. */
START_TEST(vms_are_separate)
{
    task_table tt;
    task_table_init(&tt);
    vx86_probe_task_create a = make_create(1, 0, "host-init"), b = make_create(1, 0, "guest-init");
    task_table_create(&tt, 1, 0, &a);
    task_table_create(&tt, 2, 3, &b);
    task_table_switch(&tt, 10, 0, 0, 1, 0);
    task_table_switch(&tt, 20, 3, 0, 1, 0);
    task_table_close(&tt, 40);
    ck_assert_uint_eq(tt.count, 2);
    ck_assert_str_eq(tt.tasks[0].name, "host-init");   /* sorted by (vm, pid) */
    ck_assert_uint_eq(tt.tasks[1].vm, 3);
    ck_assert_str_eq(tt.tasks[1].name, "guest-init");
    ck_assert_uint_eq(tt.tasks[0].run_cycles, 30);
    ck_assert_uint_eq(tt.tasks[1].run_cycles, 20);
    task_table_free(&tt);
}
END_TEST

/* A switch whose prev is not the task running (a record was lost) still stops that task. */
START_TEST(one_task_on_a_cpu_at_a_time)
{
    task_table tt;
    task_table_init(&tt);
    task_table_switch(&tt, 10, 0, 0, 1, 0);
    task_table_switch(&tt, 30, 0, 7, 2, 0);
    task_table_close(&tt, 50);
    ck_assert(!task_table_find(&tt, 0, 1)->on_cpu);
    ck_assert_uint_eq(task_table_find(&tt, 0, 1)->run_cycles, 20);
    ck_assert_uint_eq(task_table_find(&tt, 0, 2)->run_cycles, 20);
    ck_assert_ptr_null(task_table_find(&tt, 0, 7));
    task_table_free(&tt);
}
END_TEST

static void push_switch(trace *t, uint64_t cycle, uint32_t prev, uint32_t next)
{
    vx86_probe_switch s = { prev, next, VX86_PROBE_TASK_RUNNABLE };
    trace_push_probe(t, cycle, &CTX, VX86_PROBE_KIND_SWITCH, (const uint8_t *)&s, sizeof s);
}

static void push_create(trace *t, uint64_t cycle, uint32_t pid, const char *name)
{
    vx86_probe_task_create c = make_create(pid, 1, name);
    trace_push_probe(t, cycle, &CTX, VX86_PROBE_KIND_TASK_CREATE, (const uint8_t *)&c, sizeof c);
}

/* After a snapshot restore the trace holds the abandoned run's later events too: only the
 * current timeline counts. */
START_TEST(from_trace_follows_the_current_timeline)
{
    trace *t = trace_create(64, 1000000000ull);
    push_create(t, 10, 1, "one");
    push_create(t, 20, 2, "two");
    push_switch(t, 100, 0, 1);
    push_switch(t, 300, 1, 2);      /* abandoned: the machine was restored to cycle 150 */
    push_create(t, 320, 5, "five"); /* abandoned */
    push_switch(t, 200, 1, 3);      /* the run since the restore */
    task_table tt;
    task_table_init(&tt);
    ck_assert(task_table_from_trace(&tt, t, 250));
    ck_assert_uint_eq(tt.count, 3);   /* one, two, three; not five */
    ck_assert_uint_eq(task_table_find(&tt, 0, 1)->run_cycles, 100);
    ck_assert_uint_eq(task_table_find(&tt, 0, 2)->span_count, 0);
    ck_assert_uint_eq(task_table_find(&tt, 0, 3)->run_cycles, 50);
    ck_assert_ptr_null(task_table_find(&tt, 0, 5));
    task_table_free(&tt);

    /* As of cycle 150 (right after the restore, nothing run yet): the events above 150 wait. */
    task_table_init(&tt);
    ck_assert(task_table_from_trace(&tt, t, 150));
    ck_assert_uint_eq(task_table_find(&tt, 0, 1)->run_cycles, 50);
    ck_assert(task_table_find(&tt, 0, 1)->on_cpu);
    ck_assert_ptr_null(task_table_find(&tt, 0, 3));
    task_table_free(&tt);

    ck_assert(!tt.partial);
    /* now 0: up to the newest event */
    task_table_init(&tt);
    ck_assert(task_table_from_trace(&tt, t, 0));
    ck_assert_uint_eq(tt.last, 200);
    ck_assert_uint_eq(task_table_find(&tt, 0, 3)->run_cycles, 0);
    task_table_free(&tt);
    trace_destroy(t);
}
END_TEST

static void small_gantt(gantt *g)
{
    gantt_init(g, 0, 100);
    gantt_row *a = gantt_add_row(g, 0, 1, "init");
    gantt_add_span(g, a, 0, 50);
    gantt_row *b = gantt_add_row(g, 0, 2, "sh");
    gantt_add_span(g, b, 50, 75);
    gantt_add_span(g, b, 96, 130);   /* clipped to the chart: [96, 100) */
    gantt_add_span(g, b, 140, 150);  /* outside: dropped */
    gantt_row *c = gantt_add_row(g, 4, 1, "vcpu");
    (void)c;
}

/* A trace that dropped its oldest events says the table may be partial. */
START_TEST(wrapped_trace_is_partial)
{
    trace *t = trace_create(2, 1000000000ull);
    push_create(t, 10, 1, "one");
    push_switch(t, 20, 0, 1);
    push_switch(t, 30, 1, 0);
    task_table tt;
    task_table_init(&tt);
    ck_assert(task_table_from_trace(&tt, t, 40));
    ck_assert(tt.partial);
    ck_assert_str_eq(task_table_find(&tt, 0, 1)->name, "");   /* its create record was dropped */
    ck_assert_uint_eq(task_table_find(&tt, 0, 1)->run_cycles, 10);
    static tui_view v;
    tui_view_tasks_table(&v, &tt, 40, 20, 40);
    ck_assert_str_eq(v.title, "Tasks (2, trace wrapped: older tasks lost)");
    task_table_free(&tt);
    trace_destroy(t);
}
END_TEST

START_TEST(gantt_model_clips_and_sums)
{
    gantt g;
    small_gantt(&g);
    ck_assert_uint_eq(g.count, 3);
    ck_assert_str_eq(g.rows[0].label, "1 init");
    ck_assert_str_eq(g.rows[2].label, "vm4:1 vcpu");
    ck_assert_uint_eq(g.rows[1].count, 2);
    ck_assert_uint_eq(g.rows[1].spans[1].start, 96);
    ck_assert_uint_eq(g.rows[1].spans[1].end, 100);
    ck_assert_uint_eq(g.rows[1].total, 29);
    /* Column 7 of 10 is [70, 80): 5 of 10 cycles run is "at least half". Column 9 has 4. */
    ck_assert_int_eq(gantt_cell(&g, &g.rows[1], 7, 10), '#');
    ck_assert_int_eq(gantt_cell(&g, &g.rows[1], 9, 10), '+');
    ck_assert_int_eq(gantt_cell(&g, &g.rows[1], 8, 10), ' ');
    gantt_row *unnamed = gantt_add_row(&g, 0, 9, NULL);
    ck_assert_str_eq(unnamed->label, "9");
    gantt_free(&g);
}
END_TEST

START_TEST(gantt_text_is_exact)
{
    gantt g;
    small_gantt(&g);
    char *text = gantt_text(&g, 10);
    ck_assert_str_eq(text,
                     "cycles 0..100 (100), one column = 10 cycles\n"
                     "1 init     |#####     | 50 cycles 50.0%\n"
                     "2 sh       |     ### +| 29 cycles 29.0%\n"
                     "vm4:1 vcpu |          | 0 cycles 0.0%\n"
                     "           +|---------+\n"
                     "           0        100\n"
                     "legend: '#' running at least half of a column, '+' running less, ' ' not running\n");
    free(text);
    /* Columns that do not divide the range: 3 columns of 100 cycles are [0,33) [33,66) [66,100). */
    text = gantt_text(&g, 3);   /* clamped to 8 */
    ck_assert_ptr_nonnull(strstr(text, "one column = 13 cycles\n"));
    free(text);
    gantt_free(&g);
}
END_TEST

/* No tasks at all: a heading, the ruler and the legend (the ruler once read past its end). */
START_TEST(gantt_text_of_nothing)
{
    gantt g;
    gantt_init(&g, 5, 5);
    char *text = gantt_text(&g, 8);
    ck_assert_str_eq(text,
                     "cycles 5..5 (0), one column = 1 cycles\n"
                     "     +|-------+\n"
                     "     5        5\n"
                     "legend: '#' running at least half of a column, '+' running less, ' ' not running\n");
    free(text);
    gantt_free(&g);
}
END_TEST

/* The TUI pane: header, a line per task (running CURRENT, exited DIM), strips, scale; and when
 * the pane is short, the newest tasks. */
START_TEST(tui_task_pane)
{
    task_table tt;
    task_table_init(&tt);
    vx86_probe_task_create a = make_create(1, 0, "init"), b = make_create(2, 1, "sh");
    task_table_create(&tt, 0, 0, &a);
    task_table_create(&tt, 0, 0, &b);
    task_table_switch(&tt, 0, 0, 0, 1, 0);
    task_table_switch(&tt, 50, 0, 1, 2, VX86_PROBE_TASK_SLEEPING);
    task_table_exit(&tt, 80, 0, 2, 0);
    task_table_switch(&tt, 80, 0, 2, 1, VX86_PROBE_TASK_ZOMBIE);
    task_table_close(&tt, 100);
    static tui_view v;
    tui_view_tasks_table(&v, &tt, 100, 20, 19);   /* 19 columns: a strip of 10 */
    ck_assert_str_eq(v.title, "Tasks (2)");
    ck_assert_int_eq(v.count, 7);
    ck_assert_str_eq(v.lines[0].text, "  PID  PPID STATE     CPU%  NAME");
    ck_assert_str_eq(v.lines[1].text, "    1     0 running    70.0  init");
    ck_assert_str_eq(v.lines[2].text, "    2     1 zombie     30.0  sh");
    ck_assert_int_eq(tui_line_hl_at(&v.lines[1], 0), TUI_HL_CURRENT);
    ck_assert_int_eq(tui_line_hl_at(&v.lines[2], 0), TUI_HL_DIM);
    ck_assert_str_eq(v.lines[3].text, "");
    ck_assert_str_eq(v.lines[4].text, "    1 |#####   ##|");
    ck_assert_str_eq(v.lines[5].text, "    2 |     ###  |");
    ck_assert_int_eq(tui_line_hl_at(&v.lines[5], 7), TUI_HL_GOOD);
    ck_assert_str_eq(v.lines[6].text, "      0..100 cycles (#: ran most of a column)");
    tui_view_tasks_table(&v, &tt, 100, 5, 19);    /* room for one task: the newest */
    ck_assert_int_eq(v.count, 5);
    ck_assert_ptr_nonnull(strstr(v.lines[1].text, " sh"));
    ck_assert_str_eq(v.lines[3].text, "    2 |     ###  |");
    task_table_free(&tt);
    task_table_init(&tt);
    tui_view_tasks_table(&v, &tt, 0, 20, 40);
    ck_assert_int_eq(v.count, 1);
    ck_assert_int_eq(tui_line_hl_at(&v.lines[0], 0), TUI_HL_DIM);
}
END_TEST

START_TEST(gantt_of_a_task_table)
{
    task_table tt;
    task_table_init(&tt);
    vx86_probe_task_create a = make_create(1, 0, "init");
    task_table_create(&tt, 0, 0, &a);
    task_table_switch(&tt, 20, 0, 0, 1, 0);
    task_table_close(&tt, 120);
    gantt g;
    ck_assert(gantt_from_tasks(&g, &tt));
    ck_assert_uint_eq(g.start, 0);
    ck_assert_uint_eq(g.end, 120);
    ck_assert_uint_eq(g.rows[0].total, 100);
    gantt_free(&g);
    task_table_free(&tt);
}
END_TEST

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

START_TEST(gantt_svg_shape)
{
    gantt g;
    small_gantt(&g);
    gantt_row *odd = gantt_add_row(&g, 0, 5, "a<&\"b");
    gantt_add_span(&g, odd, 10, 20);
    char *svg = gantt_svg(&g, 420);
    ck_assert_msg(strncmp(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44) == 0, "%s", svg);
    ck_assert_ptr_nonnull(strstr(svg, "width=\"420\""));
    ck_assert_int_eq(count(svg, "<g class=\"task\""), 4);
    ck_assert_int_eq(count(svg, "<title>"), 4);   /* one per span: 1 + 2 + 0 + 1 */
    ck_assert_ptr_nonnull(strstr(svg, "5 a&lt;&amp;&quot;b"));
    ck_assert_ptr_null(strstr(svg, "a<&"));
    /* The span [0, 50) of 100 cycles on a 230-pixel plot (420 - 170 - 20) starts at the plot's
     * left edge and is half of it wide. */
    ck_assert_msg(strstr(svg, "<rect x=\"170.00\" y=\"30\" width=\"115.00\" height=\"16\" fill=\"#0072B2\"><title>1 init: "
                              "cycles 0..50 (50)</title></rect>") != NULL, "%s", svg);
    ck_assert(svg[strlen(svg) - 1] == '\n' && strstr(svg, "</svg>\n"));
    free(svg);
    gantt_free(&g);
}
END_TEST

static char *chrome_of(const trace *t)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    bool first = true;
    ck_assert(trace_tasks_write_chrome(t, 1000000000ull, f, &first));
    fclose(f);
    return buf;
}

START_TEST(chrome_tracks_per_task)
{
    trace *t = trace_create(64, 1000000000ull);
    push_create(t, 10, 1, "init");
    push_switch(t, 1000, 0, 1);
    push_switch(t, 3500, 1, 2);
    push_switch(t, 4000, 2, 1);
    char *text = chrome_of(t);
    ck_assert_ptr_nonnull(strstr(text, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":0,\"tid\":1,\"args\":{\"name\":\"1 init\"}}"));
    ck_assert_ptr_nonnull(strstr(text, "{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":0,\"tid\":2,\"args\":{\"sort_index\":2}}"));
    ck_assert_msg(strstr(text, "{\"name\":\"1 init\",\"cat\":\"task\",\"ph\":\"X\",\"pid\":0,\"tid\":1,\"ts\":1.000,\"dur\":2.500,"
                               "\"args\":{\"pid\":1,\"ppid\":1,\"ns_pid\":1,\"cgroup\":1,\"vm\":0,\"start_cycle\":1000,"
                               "\"cycles\":2500,\"slice\":1}}") != NULL, "%s", text);
    ck_assert_ptr_nonnull(strstr(text, "{\"name\":\"2 \",\"cat\":\"task\",\"ph\":\"X\",\"pid\":0,\"tid\":2,\"ts\":3.500,\"dur\":0.500,"));
    /* The last span ends at the last event: zero long here. */
    ck_assert_ptr_nonnull(strstr(text, "\"ts\":4.000,\"dur\":0.000,"));
    ck_assert_int_eq(text[0], '\n');   /* first event: no comma */
    ck_assert_int_eq(count(text, ",\n{"), count(text, "\n{") - 1);
    free(text);
    trace_destroy(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tasks-model");
    TCase *tc = tcase_create("model");
    tcase_add_test(tc, fold_spans_states_and_totals);
    tcase_add_test(tc, sleeping_and_unknown_states);
    tcase_add_test(tc, short_payloads_read_as_zero);
    tcase_add_test(tc, vms_are_separate);
    tcase_add_test(tc, one_task_on_a_cpu_at_a_time);
    tcase_add_test(tc, from_trace_follows_the_current_timeline);
    tcase_add_test(tc, wrapped_trace_is_partial);
    tcase_add_test(tc, gantt_model_clips_and_sums);
    tcase_add_test(tc, gantt_text_is_exact);
    tcase_add_test(tc, gantt_text_of_nothing);
    tcase_add_test(tc, tui_task_pane);
    tcase_add_test(tc, gantt_of_a_task_table);
    tcase_add_test(tc, gantt_svg_shape);
    tcase_add_test(tc, chrome_tracks_per_task);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
