/* The Cgroups pane: the cgroup tree with limits and usage bars (emu/trace_cgroups.h). */
#include "emu/tui/view_visible.h"

#include <stdlib.h>

void tui_view_cgroups_table(tui_view *v, const cg_table *ct, int rows)
{
    tui_view_clear(v, "Cgroups (%zu%s)", ct->count, ct->partial ? ", trace wrapped" : "");
    char *text = cg_text(ct);
    if (!text) {
        tui_line_put(tui_view_line(v), TUI_HL_FAULT, "(out of memory)");
        return;
    }
    tui_view_put_text(v, text, rows);
    free(text);
}

void tui_view_cgroups(tui_view *v, machine *m, int rows)
{
    cg_table ct;
    cg_table_init(&ct);
    if (!cg_table_from_trace(&ct, machine_trace(m), machine_cycles(m))) {
        cg_table_free(&ct);
        tui_view_clear(v, "Cgroups");
        tui_line_put(tui_view_line(v), TUI_HL_FAULT, "(out of memory)");
        return;
    }
    tui_view_cgroups_table(v, &ct, rows);
    cg_table_free(&ct);
}
