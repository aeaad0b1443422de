/* The TUI's Namespaces, Cgroups and VM exits panes: each draws the same view model
 * and text renderer as vx.show.namespaces / vx.show.cgroups / vx.show.exits (emu/trace_ns.h,
 * trace_cgroups.h, trace_vms.h), line by line, headings and bars highlighted. Pure functions to a
 * tui_view, like the other panes of views.h. One file each: view_ns.c, view_cgroups.c,
 * view_exits.c. */
#ifndef VX86_TUI_VIEW_VISIBLE_H
#define VX86_TUI_VIEW_VISIBLE_H

#include "emu/machine.h"
#include "emu/trace_cgroups.h"
#include "emu/trace_ns.h"
#include "emu/trace_vms.h"
#include "emu/tui/views.h"

/* The panes for the machine as of its current cycle (rows lines at most). */
void tui_view_ns(tui_view *v, machine *m, int rows);
void tui_view_cgroups(tui_view *v, machine *m, int rows);
void tui_view_exits(tui_view *v, machine *m, int rows);
/* The same from finished tables. */
void tui_view_ns_table(tui_view *v, const ns_table *nt, int rows);
void tui_view_cgroups_table(tui_view *v, const cg_table *ct, int rows);
void tui_view_exits_table(tui_view *v, const vm_table *vt, int rows);
/* Put text (lines split at '\n') into v, at most rows lines: lines starting with one of the
 * heading prefixes in LABEL, '#' bars in GOOD, "oom"/"throttle" lines in FAULT. */
void tui_view_put_text(tui_view *v, const char *text, int rows);

#endif
