/* The task pane: table and Gantt strip, from the trace. */
#include "emu/tui/view_tasks.h"

#include <inttypes.h>
#include <string.h>

#include "emu/gantt.h"
#include "emu/trace.h"

void tui_view_tasks(tui_view *v, machine *m, int rows, int cols)
{
    const trace *t = machine_trace(m);
    task_table tt;
    task_table_init(&tt);
    uint64_t now = machine_cycles(m);
    if (t && !task_table_from_trace(&tt, t, now)) {
        task_table_free(&tt);
        tui_view_clear(v, "Tasks");
        tui_line_put(tui_view_line(v), TUI_HL_FAULT, "(out of memory)");
        return;
    }
    tui_view_tasks_table(v, &tt, now, rows, cols);
    task_table_free(&tt);
}

void tui_view_tasks_table(tui_view *v, const task_table *tt, uint64_t now, int rows, int cols)
{
    tui_view_clear(v, "Tasks (%zu%s)", tt->count, tt->partial ? ", trace wrapped: older tasks lost" : "");
    if (tt->count == 0) {
        tui_line_put(tui_view_line(v), TUI_HL_DIM, "(no task records yet: the guest sends them through the trace probe)");
        return;
    }
    if (rows > TUI_VIEW_LINES)
        rows = TUI_VIEW_LINES;
    /* Header + a line per task + a blank + a strip per task + the scale line. */
    size_t shown = tt->count, first = 0;
    if (rows >= 4 && 2 * shown + 3 > (size_t)rows) {
        shown = (size_t)(rows - 3) / 2;
        if (shown == 0)
            shown = 1;
        first = tt->count - shown;
    }
    uint64_t start = tt->first, span = now > start ? now - start : 1;
    tui_line_put(tui_view_line(v), TUI_HL_LABEL, "  PID  PPID STATE     CPU%%  NAME");
    for (size_t i = first; i < tt->count; i++) {
        const task_info *t = &tt->tasks[i];
        tui_line *l = tui_view_line(v);
        tui_hl hl = t->on_cpu ? TUI_HL_CURRENT : t->exited ? TUI_HL_DIM : TUI_HL_NORMAL;
        unsigned pct10 = (unsigned)(t->run_cycles * 1000 / span);
        char pid[24];
        if (t->vm)
            snprintf(pid, sizeof pid, "%u:%u", t->vm, t->pid);
        else
            snprintf(pid, sizeof pid, "%u", t->pid);
        tui_line_put(l, hl, "%5s %5u %-9s %3u.%u  %s", pid, t->ppid, task_state_name(t->state), pct10 / 10, pct10 % 10,
                     t->name[0] ? t->name : "?");
    }
    gantt g;
    if (!gantt_from_tasks(&g, tt)) {
        gantt_free(&g);
        return;
    }
    g.end = now > g.start ? now : g.start;
    tui_view_line(v);
    int columns = cols - 9;   /* "PPPPP |" + strip + "|" */
    if (columns > TUI_LINE_BYTES - 16)
        columns = TUI_LINE_BYTES - 16;
    if (columns < 8)
        columns = 8;
    char strip[TUI_LINE_BYTES];
    for (size_t i = first; i < g.count; i++) {
        const gantt_row *r = &g.rows[i];
        for (int c = 0; c < columns; c++)
            strip[c] = gantt_cell(&g, r, c, columns);
        strip[columns] = '\0';
        tui_line *l = tui_view_line(v);
        tui_line_put(l, TUI_HL_NORMAL, "%5u |", r->pid);
        tui_line_put(l, tt->tasks[i].on_cpu ? TUI_HL_CURRENT : TUI_HL_GOOD, "%s", strip);
        tui_line_put(l, TUI_HL_NORMAL, "|");
    }
    tui_line_put(tui_view_line(v), TUI_HL_DIM, "      %" PRIu64 "..%" PRIu64 " cycles (#: ran most of a column)", g.start,
                 g.end);
    gantt_free(&g);
}
