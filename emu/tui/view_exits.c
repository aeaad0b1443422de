/* The VM exits pane: per VM the exit histogram with cycles (emu/trace_vms.h). */
#include "emu/tui/view_visible.h"

#include <stdlib.h>

void tui_view_exits_table(tui_view *v, const vm_table *vt, int rows)
{
    uint32_t exits = 0;
    for (size_t i = 0; i < vt->count; i++)
        exits += vt->vms[i].exits;
    tui_view_clear(v, "VM exits (%zu VM%s, %u exits%s)", vt->count, vt->count == 1 ? "" : "s", exits,
                   vt->partial ? ", trace wrapped" : "");
    char *text = vm_exits_text(vt);
    if (!text) {
        tui_line_put(tui_view_line(v), TUI_HL_FAULT, "(out of memory)");
        return;
    }
    tui_view_put_text(v, text, rows);
    free(text);
}

void tui_view_exits(tui_view *v, machine *m, int rows)
{
    vm_table vt;
    vm_table_init(&vt);
    if (!vm_table_from_trace(&vt, machine_trace(m), machine_cycles(m))) {
        vm_table_free(&vt);
        tui_view_clear(v, "VM exits");
        tui_line_put(tui_view_line(v), TUI_HL_FAULT, "(out of memory)");
        return;
    }
    tui_view_exits_table(v, &vt, rows);
    vm_table_free(&vt);
}
