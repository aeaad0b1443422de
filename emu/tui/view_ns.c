/* The Namespaces pane, and the text-to-lines helper the three container/VM panes share. */
#include "emu/tui/view_visible.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Does s[0..len) contain needle? */
static bool contains(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t k = 0; k + n <= len; k++)
        if (memcmp(s + k, needle, n) == 0)
            return true;
    return false;
}

void tui_view_put_text(tui_view *v, const char *text, int rows)
{
    if (rows > TUI_VIEW_LINES)
        rows = TUI_VIEW_LINES;
    int n = 0;
    for (const char *s = text; *s && n < rows; n++) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len > TUI_LINE_BYTES - 1)
            len = TUI_LINE_BYTES - 1;
        tui_line *l = tui_view_line(v);
        if (!l)
            break;
        tui_hl hl = TUI_HL_NORMAL;
        if (strncmp(s, "NS ", 3) == 0 || strncmp(s, "EXIT ", 5) == 0 || strncmp(s, "vm ", 3) == 0 ||
            strncmp(s, "namespaces of", 13) == 0 || strncmp(s, "cgroups of", 10) == 0)
            hl = TUI_HL_LABEL;
        else if (contains(s, len, "oom records") || contains(s, len, "throttle records"))
            hl = TUI_HL_FAULT;
        else if (strncmp(s, "no ", 3) == 0 || strncmp(s, "(", 1) == 0)
            hl = TUI_HL_DIM;
        /* A bar "[###...]" is drawn GOOD, the rest of the line as the line's highlight. */
        const char *bar = memchr(s, '[', len);
        const char *bar_end = bar ? memchr(bar, ']', len - (size_t)(bar - s)) : NULL;
        if (bar && bar_end && (bar[1] == '#' || bar[1] == '.') && hl == TUI_HL_NORMAL) {
            tui_line_put(l, hl, "%.*s", (int)(bar - s), s);
            tui_line_put(l, TUI_HL_GOOD, "%.*s", (int)(bar_end - bar + 1), bar);
            tui_line_put(l, hl, "%.*s", (int)(len - (size_t)(bar_end + 1 - s)), bar_end + 1);
        } else {
            tui_line_put(l, hl, "%.*s", (int)len, s);
        }
        s = e ? e + 1 : s + len;
    }
}

void tui_view_ns_table(tui_view *v, const ns_table *nt, int rows)
{
    tui_view_clear(v, "Namespaces (%zu%s)", nt->count, nt->partial ? ", trace wrapped" : "");
    char *text = ns_text(nt);
    if (!text) {
        tui_line_put(tui_view_line(v), TUI_HL_FAULT, "(out of memory)");
        return;
    }
    tui_view_put_text(v, text, rows);
    free(text);
}

void tui_view_ns(tui_view *v, machine *m, int rows)
{
    ns_table nt;
    ns_table_init(&nt);
    if (!ns_table_from_trace(&nt, machine_trace(m), machine_cycles(m))) {
        ns_table_free(&nt);
        tui_view_clear(v, "Namespaces");
        tui_line_put(tui_view_line(v), TUI_HL_FAULT, "(out of memory)");
        return;
    }
    tui_view_ns_table(v, &nt, rows);
    ns_table_free(&nt);
}
