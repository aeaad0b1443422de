/* The TUI's task pane: the task table rebuilt from the trace (emu/trace_tasks.h) and,
 * under it, a Gantt strip per task drawn from the same view model as vx.show.gantt (emu/gantt.h).
 * Pure functions to a tui_view, like the other panes of views.h. */
#ifndef VX86_TUI_VIEW_TASKS_H
#define VX86_TUI_VIEW_TASKS_H

#include "emu/machine.h"
#include "emu/trace_tasks.h"
#include "emu/tui/views.h"

/* The pane for the machine as of its current cycle, in rows x cols. */
void tui_view_tasks(tui_view *v, machine *m, int rows, int cols);
/* The same from a closed task table (task_table_close'd at `now`): a header, one line per task
 * (PID PPID STATE CPU% NAME, the running task CURRENT, exited ones DIM), then the strips
 * "PID |####  ++|" over [first record, now], as many tasks as fit in rows (the newest-created
 * stay when some must go). */
void tui_view_tasks_table(tui_view *v, const task_table *tt, uint64_t now, int rows, int cols);

#endif
