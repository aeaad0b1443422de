/* `vx86 tui`: the ncurses front end. It owns only the terminal: layout, colours, keys and the
 * run loop's pacing; every pane's content comes from the session's view models (session.h). */
#include "emu/tui/tui.h"

#define NCURSES_WIDECHAR 1   /* the WACS_ line-drawing characters, drawn as UTF-8 */
#include <curses.h>
#include <inttypes.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "emu/cli.h"
#include "emu/loader.h"
#include "emu/tui/session.h"
#include "emu/tui/tui_internal.h"

static const tui_command_hook *command_hook;

void tui_set_command_hook(const tui_command_hook *hook) { command_hook = hook; }

/* ---- layout ---- */

/* Bottom-left and bottom-right hold one of several panes (tabs); on the lab screen the machine's
 * bottom-right slot holds all the smaller panes. */
static const tui_pane CONSOLE_TABS[] = { TUI_PANE_SERIAL, TUI_PANE_VGA };
static const tui_pane INFO_TABS[] = { TUI_PANE_MEMORY, TUI_PANE_WALK, TUI_PANE_VMCB, TUI_PANE_EVENTS, TUI_PANE_TASKS,
                                     TUI_PANE_NS, TUI_PANE_CGROUPS, TUI_PANE_EXITS };
/* A narrow terminal has one tabbed pane beside the registers: everything but those two. */
static const tui_pane NARROW_TABS[] = { TUI_PANE_SERIAL, TUI_PANE_STACK, TUI_PANE_MEMORY, TUI_PANE_WALK,
                                        TUI_PANE_VMCB,   TUI_PANE_EVENTS, TUI_PANE_TASKS, TUI_PANE_VGA,
                                        TUI_PANE_NS,     TUI_PANE_CGROUPS, TUI_PANE_EXITS };
static const tui_pane LAB_MACHINE_TABS[] = { TUI_PANE_SERIAL, TUI_PANE_STACK, TUI_PANE_MEMORY, TUI_PANE_WALK,
                                             TUI_PANE_VMCB, TUI_PANE_EVENTS, TUI_PANE_VGA, TUI_PANE_TASKS };
#define COUNT_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Focus order (Tab) of each screen. */
static const int TUI_ORDER[] = { SLOT_DISASM, SLOT_CONSOLE, SLOT_REGS, SLOT_STACK, SLOT_INFO };
static const int LAB_ORDER[] = { SLOT_LAB, SLOT_PICTURES, SLOT_REGS, SLOT_DISASM, SLOT_CONSOLE };

static const char *const PANE_NAMES[TUI_PANE_COUNT] = {
    "Disassembly", "Registers", "Stack", "Memory", "Serial", "VGA", "Page walk", "VMCB", "Events", "Tasks",
    "Namespaces", "Cgroups", "VM exits",
};

static const tui_pane *slot_tabs(const tui *t, int slot, int *n) {
    if (slot == SLOT_CONSOLE && t->lab) return *n = COUNT_OF(LAB_MACHINE_TABS), LAB_MACHINE_TABS;
    if (slot == SLOT_CONSOLE && t->narrow) return *n = COUNT_OF(NARROW_TABS), NARROW_TABS;
    if (slot == SLOT_CONSOLE) return *n = COUNT_OF(CONSOLE_TABS), CONSOLE_TABS;
    if (slot == SLOT_INFO && !t->lab && !t->narrow) return *n = COUNT_OF(INFO_TABS), INFO_TABS;
    return *n = 0, NULL;
}

/* The machine pane a slot shows; TUI_PANE_COUNT for the lab's own panes. */
static tui_pane slot_pane(const tui *t, int slot) {
    int n;
    const tui_pane *tabs = slot_tabs(t, slot, &n);
    if (tabs) return tabs[t->tab[slot] % n];
    switch (slot) {
    case SLOT_DISASM: return TUI_PANE_DISASM;
    case SLOT_REGS: return TUI_PANE_REGS;
    case SLOT_STACK: return TUI_PANE_STACK;
    default: return TUI_PANE_COUNT;
    }
}

static void focus_step(tui *t, int dir) {
    const int *order = t->lab ? LAB_ORDER : TUI_ORDER;
    int n = t->lab ? COUNT_OF(LAB_ORDER) : COUNT_OF(TUI_ORDER), at = 0;
    for (int k = 0; k < n; k++)
        if (order[k] == t->focus) at = k;
    /* skip the slots the current layout leaves off the screen */
    for (int k = 0; k < n; k++) {
        at = (at + n + dir) % n;
        if (t->slots[order[at]].h > 0) break;
    }
    t->focus = order[at];
}

/* Widths: the registers pane needs 36 columns (its flags line plus the frame); a disassembly line
 * with its symbol label, bytes and operands needs about 84. From TUI_WIDE_COLS on, the machine state
 * goes in a column on the right and the disassembly gets everything else; below it the
 * disassembly takes the full width over the registers and one tabbed pane (80x24 works). */
#define TUI_WIDE_COLS  132
#define RIGHT_COLUMN_W 48
#define REGS_W         36
#define REGS_H         14   /* the registers view's 12 lines and the frame */

/* The lab screen: lab text top left, pictures below it, the machine on the right. */
static void layout_lab(tui *t, int rows, int cols) {
    int top = 1, body = rows - 3;
    int right_w = cols >= 120 ? RIGHT_COLUMN_W : REGS_W, left_w = cols - right_w;
    int lab_h = body * 58 / 100;
    int regs_h = 14;
    int disasm_h = (body - regs_h) / 2;
    memset(t->slots, 0, sizeof t->slots);
    t->slots[SLOT_LAB] = (pane_box){ top, 0, lab_h, left_w };
    t->slots[SLOT_PICTURES] = (pane_box){ top + lab_h, 0, body - lab_h, left_w };
    t->slots[SLOT_REGS] = (pane_box){ top, left_w, regs_h, right_w };
    t->slots[SLOT_DISASM] = (pane_box){ top + regs_h, left_w, disasm_h, right_w };
    t->slots[SLOT_CONSOLE] = (pane_box){ top + regs_h + disasm_h, left_w, body - regs_h - disasm_h, right_w };
    if (t->zoom) {
        pane_box z = { top, 0, body, cols };
        memset(t->slots, 0, sizeof t->slots);
        t->slots[t->focus] = z;
    }
}

/* Body rows 1..H-3; the header is row 0, the message and key lines are H-2 and H-1. */
static void layout(tui *t, int rows, int cols) {
    if (t->lab) {
        layout_lab(t, rows, cols);
        return;
    }
    int top = 1, body = rows - 3;
    memset(t->slots, 0, sizeof t->slots);
    bool narrow = cols < TUI_WIDE_COLS;
    if (narrow != t->narrow) {   /* the tabs change meaning: show the first of each */
        t->narrow = narrow;
        t->tab[SLOT_CONSOLE] = t->tab[SLOT_INFO] = 0;
        if (t->focus == SLOT_STACK || t->focus == SLOT_INFO) t->focus = narrow ? SLOT_CONSOLE : t->focus;
    }
    if (narrow) {
        int bottom_h = body * 45 / 100 < REGS_H ? REGS_H : body * 45 / 100;
        if (bottom_h > body - 5) bottom_h = body - 5;   /* at least three instructions */
        int disasm_h = body - bottom_h;
        t->slots[SLOT_DISASM] = (pane_box){ top, 0, disasm_h, cols };
        t->slots[SLOT_REGS] = (pane_box){ top + disasm_h, 0, bottom_h, REGS_W };
        t->slots[SLOT_CONSOLE] = (pane_box){ top + disasm_h, REGS_W, bottom_h, cols - REGS_W };
    } else {
        int right_w = RIGHT_COLUMN_W, left_w = cols - right_w;
        int disasm_h = body * 55 / 100;
        int stack_h = (body - REGS_H) * 2 / 5;
        if (stack_h < 5) stack_h = 5;
        t->slots[SLOT_DISASM] = (pane_box){ top, 0, disasm_h, left_w };
        t->slots[SLOT_CONSOLE] = (pane_box){ top + disasm_h, 0, body - disasm_h, left_w };
        t->slots[SLOT_REGS] = (pane_box){ top, left_w, REGS_H, right_w };
        t->slots[SLOT_STACK] = (pane_box){ top + REGS_H, left_w, stack_h, right_w };
        t->slots[SLOT_INFO] = (pane_box){ top + REGS_H + stack_h, left_w, body - REGS_H - stack_h, right_w };
    }
    if (t->zoom)
        for (int k = 0; k < SLOT_COUNT; k++)
            if (k == t->focus) t->slots[k] = (pane_box){ top, 0, body, cols };
}

/* ---- colours ---- */

enum { PAIR_BORDER = TUI_HL_COUNT + 1, PAIR_FOCUS, PAIR_BAR, PAIR_KEY, PAIR_ERROR };

static attr_t hl_attr[TUI_HL_COUNT];

static void init_colours(void) {
    for (int k = 0; k < TUI_HL_COUNT; k++) hl_attr[k] = A_NORMAL;
    hl_attr[TUI_HL_CHANGED] = A_REVERSE | A_BOLD;
    hl_attr[TUI_HL_CURRENT] = A_BOLD;
    hl_attr[TUI_HL_BREAKPOINT] = A_BOLD;
    hl_attr[TUI_HL_DIM] = A_DIM;
    hl_attr[TUI_HL_LABEL] = A_BOLD;
    hl_attr[TUI_HL_FAULT] = A_BOLD;
    if (!has_colors()) return;
    start_color();
    use_default_colors();
    init_pair(TUI_HL_CHANGED + 1, COLOR_BLACK, COLOR_YELLOW);
    init_pair(TUI_HL_CURRENT + 1, COLOR_GREEN, -1);
    init_pair(TUI_HL_BREAKPOINT + 1, COLOR_RED, -1);
    init_pair(TUI_HL_SYMBOL + 1, COLOR_CYAN, -1);
    init_pair(TUI_HL_ADDRESS + 1, COLOR_BLUE, -1);
    init_pair(TUI_HL_FAULT + 1, COLOR_RED, -1);
    init_pair(TUI_HL_GOOD + 1, COLOR_GREEN, -1);
    init_pair(TUI_HL_LABEL + 1, COLOR_YELLOW, -1);
    init_pair(PAIR_BORDER, COLOR_BLUE, -1);
    init_pair(PAIR_FOCUS, COLOR_CYAN, -1);
    init_pair(PAIR_BAR, COLOR_BLACK, COLOR_CYAN);
    init_pair(PAIR_KEY, COLOR_BLACK, COLOR_WHITE);
    init_pair(PAIR_ERROR, COLOR_WHITE, COLOR_RED);
    hl_attr[TUI_HL_CHANGED] = COLOR_PAIR(TUI_HL_CHANGED + 1) | A_BOLD;
    hl_attr[TUI_HL_CURRENT] = COLOR_PAIR(TUI_HL_CURRENT + 1) | A_BOLD;
    hl_attr[TUI_HL_BREAKPOINT] = COLOR_PAIR(TUI_HL_BREAKPOINT + 1) | A_BOLD;
    hl_attr[TUI_HL_SYMBOL] = COLOR_PAIR(TUI_HL_SYMBOL + 1);
    hl_attr[TUI_HL_ADDRESS] = COLOR_PAIR(TUI_HL_ADDRESS + 1) | A_BOLD;
    hl_attr[TUI_HL_FAULT] = COLOR_PAIR(TUI_HL_FAULT + 1) | A_BOLD;
    hl_attr[TUI_HL_GOOD] = COLOR_PAIR(TUI_HL_GOOD + 1) | A_BOLD;
    hl_attr[TUI_HL_LABEL] = COLOR_PAIR(TUI_HL_LABEL + 1);
}

/* ---- drawing ---- */

/* Bytes of the first `cols` characters of UTF-8 text (every character one column wide). */
static size_t utf8_prefix(const char *p, size_t len, int cols, int *used) {
    size_t b = 0;
    int c = 0;
    while (b < len && c < cols) {
        b++;
        while (b < len && ((unsigned char)p[b] & 0xC0) == 0x80) b++;
        c++;
    }
    *used = c;
    return b;
}

/* Draw text at (y, x), at most *room columns, advancing x and shrinking room. */
static void put_text(int y, int *x, int *room, const char *p, size_t len, attr_t attr) {
    if (*room <= 0 || len == 0) return;
    int used;
    size_t bytes = utf8_prefix(p, len, *room, &used);
    attron(attr);
    mvaddnstr(y, *x, p, (int)bytes);
    attroff(attr);
    *x += used;
    *room -= used;
}

static void draw_line(int y, int x, int width, const tui_line *l) {
    int room = width;
    size_t at = 0;
    for (int k = 0; k <= l->span_count; k++) {
        size_t start = k < l->span_count ? l->spans[k].start : l->len;
        if (start > at) put_text(y, &x, &room, l->text + at, start - at, A_NORMAL);
        if (k == l->span_count) break;
        put_text(y, &x, &room, l->text + start, l->spans[k].len, hl_attr[l->spans[k].hl]);
        at = start + l->spans[k].len;
    }
}

static void draw_frame(const pane_box *b, bool focused) {
    attr_t a = focused ? (COLOR_PAIR(PAIR_FOCUS) | A_BOLD) : COLOR_PAIR(PAIR_BORDER);
    attron(a);
    mvhline_set(b->y, b->x + 1, WACS_HLINE, b->w - 2);
    mvhline_set(b->y + b->h - 1, b->x + 1, WACS_HLINE, b->w - 2);
    mvvline_set(b->y + 1, b->x, WACS_VLINE, b->h - 2);
    mvvline_set(b->y + 1, b->x + b->w - 1, WACS_VLINE, b->h - 2);
    mvadd_wch(b->y, b->x, WACS_ULCORNER);
    mvadd_wch(b->y, b->x + b->w - 1, WACS_URCORNER);
    mvadd_wch(b->y + b->h - 1, b->x, WACS_LLCORNER);
    mvadd_wch(b->y + b->h - 1, b->x + b->w - 1, WACS_LRCORNER);
    attroff(a);
}

/* The title: the pane's view title, and for tabbed slots the other tabs' names dimmed. */
static void draw_title(tui *t, int slot, const tui_view *v) {
    const pane_box *b = &t->slots[slot];
    int x = b->x + 2, room = b->w - 4;
    int ntabs;
    const tui_pane *tabs = slot_tabs(t, slot, &ntabs);
    int active = ntabs ? t->tab[slot] % ntabs : 0;
    attr_t title_attr = slot == t->focus ? (COLOR_PAIR(PAIR_BAR) | A_BOLD) : A_BOLD;
    char buf[160];
    if (!tabs) {
        snprintf(buf, sizeof buf, " %s ", v->title);
        put_text(b->y, &x, &room, buf, strlen(buf), title_attr);
        return;
    }
    for (int k = 0; k < ntabs; k++) {
        if (k == active) {
            snprintf(buf, sizeof buf, " %s ", v->title);
            put_text(b->y, &x, &room, buf, strlen(buf), title_attr);
        } else {
            snprintf(buf, sizeof buf, " %d:%s ", (int)tabs[k] + 1, PANE_NAMES[tabs[k]]);
            put_text(b->y, &x, &room, buf, strlen(buf), A_DIM);
        }
    }
}

static void draw_slot(tui *t, int slot) {
    const pane_box *b = &t->slots[slot];
    if (b->h < 3 || b->w < 4) return;
    int rows = b->h - 2, cols = b->w - 2;
    tui_pane pane = slot_pane(t, slot);
    const tui_view *v;
    static tui_view empty;
    if (pane == TUI_PANE_COUNT) {
        v = tui_lab_render(t, slot, rows, cols);
    } else if (!t->have_session) {   /* the lab has not booted its machine yet */
        tui_view_clear(&empty, "%s", PANE_NAMES[pane]);
        tui_line_put(tui_view_line(&empty), TUI_HL_DIM, "(no machine yet)");
        v = &empty;
    } else {
        v = tui_session_render(&t->s, pane, rows, cols);
    }
    draw_frame(b, slot == t->focus);
    draw_title(t, slot, v);
    int first = 0;
    /* Serial and events are tails: show their newest lines when they overflow. */
    if ((pane == TUI_PANE_SERIAL || pane == TUI_PANE_EVENTS) && v->count > rows) first = v->count - rows;
    for (int k = 0; k < rows && first + k < v->count; k++) draw_line(b->y + 1 + k, b->x + 1, cols, &v->lines[first + k]);
    if (pane == TUI_PANE_SERIAL && t->serial_typing) {
        const char *tag = " typing to the guest: Esc ends ";
        int x = b->x + b->w - 2 - (int)strlen(tag), room = (int)strlen(tag);
        put_text(b->y + b->h - 1, &x, &room, tag, strlen(tag), COLOR_PAIR(PAIR_ERROR) | A_BOLD);
    }
}

static const char KEYS_LINE[] =
    " s step  S back  n next  c cont  C rev-cont  f finish  r run N  b break  w watch  g goto  m mem  p walk  i type  : cmd  ? help  q quit";

/* "stopped at main (0x...)", or how gdb has the machine. */
static void describe_state(tui *t, char *buf, size_t cap) {
    tui_session *s = &t->s;
    if (!t->have_session) {
        snprintf(buf, cap, "no machine yet");
        return;
    }
    machine_regs r;
    machine_get_regs(s->m, &r);
    char where[128];
    tui_session_describe(s, r.eip, where, sizeof where);
    machine_history_info h;
    machine_history_get(s->m, &h);
    const char *state = s->ended ? "ended" : s->running ? (s->idle ? "running (idle)" : "running")
                                 : h.in_past ? "stopped in the past" : "stopped";
    if (t->gdb_state == GDBSTUB_RUNNING) state = "gdb: running";
    else if (t->gdb_state == GDBSTUB_STOPPED) state = "gdb: stopped";
    snprintf(buf, cap, "%s at %s", state, where);
}

static const char *keys_line(tui *t);

static void draw_bars(tui *t, int rows, int cols) {
    tui_session *s = &t->s;
    char head[640], state[200], gdb[48] = "";
    describe_state(t, state, sizeof state);
    if (t->gdb) snprintf(gdb, sizeof gdb, "  |  gdb :%d", gdbstub_server_port(t->gdb));
    if (t->lab) {
        char lab[200];
        tui_lab_header(t, lab, sizeof lab);
        snprintf(head, sizeof head, " vx86 lab  %s  |  machine %s", lab, state);
    } else {
        machine_regs r;
        machine_get_regs(s->m, &r);
        const char *image = machine_kernel_path(s->m);
        const char *base = image ? strrchr(image, '/') : NULL;
        snprintf(head, sizeof head, " vx86 tui  %s  |  %s  |  cycles %" PRIu64 "  insns %" PRIu64 "  bp %d%s",
                 base ? base + 1 : image ? image : "?", state, r.cycles, r.instructions, s->bp_count, gdb);
    }
    attron(COLOR_PAIR(PAIR_BAR) | A_BOLD);
    mvhline(0, 0, ' ', cols);
    attroff(COLOR_PAIR(PAIR_BAR) | A_BOLD);
    int x = 0, room = cols;
    put_text(0, &x, &room, head, strlen(head), COLOR_PAIR(PAIR_BAR) | A_BOLD);
    move(rows - 2, 0);
    clrtoeol();
    x = 0, room = cols;
    put_text(rows - 2, &x, &room, " ", 1, A_NORMAL);
    put_text(rows - 2, &x, &room, s->message, strlen(s->message), A_BOLD);
    attron(COLOR_PAIR(PAIR_KEY));
    mvhline(rows - 1, 0, ' ', cols);
    attroff(COLOR_PAIR(PAIR_KEY));
    x = 0, room = cols;
    const char *keys = keys_line(t);
    put_text(rows - 1, &x, &room, keys, strlen(keys), COLOR_PAIR(PAIR_KEY));
}

static const char *keys_line(tui *t) {
    if (t->lab) return tui_lab_keys(t);
    if (t->gdb_state == GDBSTUB_STOPPED || t->gdb_state == GDBSTUB_RUNNING)
        return " gdb drives the machine (detach it to step here)  Tab focus  1-9 panes  z zoom  m mem  p walk  ? help  q quit";
    return KEYS_LINE;
}

/* A pane_box in the middle of the screen with lines of text (help, command output). */
static void draw_popup(const char *title, const char *text, int rows, int cols) {
    int n = 1, widest = (int)strlen(title) + 4;
    for (const char *p = text; *p; p++) n += *p == '\n';
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        int len = e ? (int)(e - p) : (int)strlen(p);
        if (len > widest) widest = len;
        p = e ? e + 1 : p + len;
    }
    int h = n + 4, w = widest + 4;
    if (h > rows - 2) h = rows - 2;
    if (w > cols - 2) w = cols - 2;
    pane_box b = { (rows - h) / 2, (cols - w) / 2, h, w };
    for (int y = 0; y < h; y++) mvhline(b.y + y, b.x, ' ', w);
    draw_frame(&b, true);
    int x = b.x + 2, room = w - 4;
    char t[96];
    snprintf(t, sizeof t, " %s ", title);
    put_text(b.y, &x, &room, t, strlen(t), COLOR_PAIR(PAIR_BAR) | A_BOLD);
    int y = b.y + 2;
    for (const char *p = text; *p && y < b.y + h - 1; y++) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        x = b.x + 2, room = w - 4;
        put_text(y, &x, &room, p, len, A_NORMAL);
        p = e ? e + 1 : p + len;
    }
}

static bool too_small(int rows, int cols) {
    if (rows >= TUI_MIN_ROWS && cols >= TUI_MIN_COLS) return false;
    erase();
    char msg[96];
    snprintf(msg, sizeof msg, "terminal too small (need %dx%d, have %dx%d)", TUI_MIN_COLS, TUI_MIN_ROWS, cols, rows);
    int len = (int)strlen(msg);
    int x = len < cols ? (cols - len) / 2 : 0;
    attron(A_BOLD);
    mvaddnstr(rows / 2, x, msg, cols);
    attroff(A_BOLD);
    if (rows > 2) mvaddnstr(rows / 2 + 1, x, "resize the window, or press q to quit", cols);
    refresh();
    return true;
}

static const char HELP_TEXT[] =
    "s  step one instruction          n  step over a call\n"
    "c  continue                      f  finish (run to the caller)\n"
    "S  step back one instruction     C  reverse continue (back to the\n"
    "                                    previous breakpoint/watchpoint hit)\n"
    "r  run N cycles                  any key stops a run\n"
    "b  toggle breakpoint (addr/sym)  w  watchpoint: ADDR [LEN] [r|w|rw]\n"
    "g  go to address/symbol          e  disassembly follows EIP again\n"
    "m  memory at addr/sym/register   p  page walk of an address\n"
    "i  type into the serial console (Esc ends)\n"
    "Tab/S-Tab  focus next/prev pane  1-9  show pane (1 disasm 2 regs 3 stack\n"
    "z  zoom the focused pane            4 mem 5 serial 6 vga 7 walk 8 vmcb 9 events)\n"
    "[ ]  previous/next tab           Up/Down/PgUp/PgDn  scroll memory/disasm\n"
    ":  command line (:help lists commands; Lua when built in)\n"
    "q  quit                          Ctrl-L  redraw\n"
    "\n"
    "Highlighted in reverse yellow: what changed since the last stop.\n"
    "With --gdb, gdb drives the machine while it is attached; keys then only change the view.";

static const char LAB_HELP_TEXT[] =
    "The lab screen: the lab's text and questions (Lab), its pictures (Pictures),\n"
    "and the machine the lab drives (Registers, Disassembly, and the tabs below).\n"
    "\n"
    "In the Lab pane: type the answer, Enter submits; Enter also goes on to the\n"
    "next step. Up/Down/PgUp/PgDn scroll it (the Pictures pane too). Esc or Tab\n"
    "leaves it; in the other panes the debugger keys work:\n"
    "s step  n next  c cont  f finish  r run N  b break  w watch  g goto\n"
    "m memory  p page walk  i type to COM1  : Lua/command line  z zoom  [ ] tabs\n"
    "1-9 show a machine pane (1 disasm 2 regs 3 stack 4 mem 5 serial 6 vga\n"
    "7 walk 8 vmcb 9 events)   q quit (outside the Lab pane)   Ctrl-Q quit anywhere\n"
    "\n"
    "Running or stepping the machine here changes what the lab sees next.";

static void draw(tui *t) {
    int rows, cols;
    if (t->lab) tui_lab_sync(t);
    getmaxyx(stdscr, rows, cols);
    if (too_small(rows, cols)) return;
    erase();
    layout(t, rows, cols);
    for (int k = 0; k < SLOT_COUNT; k++)
        if (!t->zoom || k == t->focus) draw_slot(t, k);
    draw_bars(t, rows, cols);
    if (t->output) draw_popup("output (any key closes)", t->output, rows, cols);
    refresh();
}

/* ---- input ---- */

/* Read a line at the bottom of the screen; false on Esc. */
static bool prompt(tui *t, const char *question, char *buf, size_t cap) {
    int rows, cols;
    size_t len = 0;
    buf[0] = 0;
    curs_set(1);
    timeout(-1);
    for (;;) {
        getmaxyx(stdscr, rows, cols);
        if (too_small(rows, cols)) {
            int ch = getch();
            if (ch == 27) break;
            continue;
        }
        move(rows - 2, 0);
        clrtoeol();
        attron(A_BOLD);
        mvaddnstr(rows - 2, 1, question, cols - 2);
        attroff(A_BOLD);
        addch(' ');
        addnstr(buf, cols - 4 - (int)strlen(question));
        refresh();
        int ch = getch();
        if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
            curs_set(0);
            return true;
        }
        if (ch == 27 || ch == 3 || ch == 7) break;   /* Esc, Ctrl-C, Ctrl-G */
        if (ch == KEY_RESIZE) {
            draw(t);
            continue;
        }
        if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len > 0) buf[--len] = 0;
        else if (ch == 21) buf[len = 0] = 0;   /* Ctrl-U */
        else if (ch >= 0x20 && ch < 0x7F && len + 1 < cap) buf[len++] = (char)ch, buf[len] = 0;
    }
    curs_set(0);
    snprintf(t->s.message, sizeof t->s.message, "cancelled");
    return false;
}

static void set_output(tui *t, const char *out) {
    free(t->output);
    t->output = NULL;
    if (!out[0]) return;
    if (!strchr(out, '\n')) {
        snprintf(t->s.message, sizeof t->s.message, "%s", out);
        return;
    }
    t->output = strdup(out);
}

static void focus_pane(tui *t, tui_pane p) {
    for (int slot = 0; slot < SLOT_COUNT; slot++) {
        int n;
        const tui_pane *tabs = slot_tabs(t, slot, &n);
        for (int k = 0; k < n; k++)
            if (tabs[k] == p) t->tab[slot] = k, t->focus = slot;
    }
    if (p == TUI_PANE_DISASM) t->focus = SLOT_DISASM;
    if (p == TUI_PANE_REGS) t->focus = SLOT_REGS;
    if (p == TUI_PANE_STACK && !t->lab && !t->narrow) t->focus = SLOT_STACK;
}

static bool ask_address(tui *t, const char *question, uint32_t *addr) {
    char buf[128], err[160];
    if (!prompt(t, question, buf, sizeof buf)) return false;
    if (!tui_parse_address(t->s.m, buf, addr, err, sizeof err)) {
        snprintf(t->s.message, sizeof t->s.message, "%s", err);
        return false;
    }
    return true;
}

/* Address of the disassembly row before/after the focus, from the last rendered view. */
static uint32_t disasm_neighbour(tui *t, int dir) {
    tui_session *s = &t->s;
    uint32_t focus = s->disasm_follow ? s->regs.eip : s->disasm_focus;
    const tui_view *v = &s->views[TUI_PANE_DISASM];
    uint32_t addrs[TUI_VIEW_LINES];
    int n = 0, at = -1;
    for (int k = 0; k < v->count; k++) {
        char *end;
        unsigned long a = strtoul(v->lines[k].text + 4, &end, 16);
        if (v->lines[k].len < 12 || end != v->lines[k].text + 12) continue;   /* a label line */
        if (a == focus) at = n;
        addrs[n++] = (uint32_t)a;
    }
    if (at < 0) return focus;
    int to = at + dir;
    if (to < 0 || to >= n) return dir < 0 ? focus - 1 : focus + 1;
    return addrs[to];
}

static void scroll_pane(tui *t, int lines) {
    tui_session *s = &t->s;
    tui_pane p = slot_pane(t, t->focus);
    if (p == TUI_PANE_MEMORY) {
        s->mem_follow[0] = 0;
        s->mem_addr += (uint32_t)(lines * 16);
    } else if (p == TUI_PANE_DISASM) {
        uint32_t a = s->disasm_follow ? s->regs.eip : s->disasm_focus;
        for (int k = 0; k < abs(lines); k++) {
            s->disasm_focus = a;
            s->disasm_follow = false;
            a = disasm_neighbour(t, lines < 0 ? -1 : 1);
        }
        s->disasm_focus = a;
        s->disasm_follow = false;
    } else if (p == TUI_PANE_STACK || p == TUI_PANE_REGS) {
        /* nothing to scroll */
    }
}

/* Keys that only change what is shown: they work while the machine runs, while gdb drives it,
 * and before the lab has a machine. */
static bool is_view_key(int ch) {
    return ch == '\t' || ch == KEY_BTAB || (ch >= '1' && ch <= '9') || ch == 'z' || ch == '[' || ch == ']' ||
           ch == 'q' || ch == '?' || ch == KEY_RESIZE || ch == 12 || ch == KEY_UP || ch == KEY_DOWN ||
           ch == KEY_PPAGE || ch == KEY_NPAGE;
}

static void handle_key(tui *t, int ch) {
    tui_session *s = &t->s;
    char buf[256];
    uint32_t addr;
    if (t->output) {   /* a key closes the output popup */
        free(t->output);
        t->output = NULL;
        return;
    }
    if (t->lab && !t->serial_typing && tui_lab_key(t, ch)) return;
    if (!t->have_session && !is_view_key(ch)) {
        snprintf(s->message, sizeof s->message, "the lab has not booted a machine yet");
        return;
    }
    bool gdb_owns = t->gdb_state == GDBSTUB_STOPPED || t->gdb_state == GDBSTUB_RUNNING;
    if (gdb_owns && !is_view_key(ch) && ch != 'g' && ch != 'e' && ch != 'm' && ch != 'p' && ch != 17) {
        snprintf(s->message, sizeof s->message, "gdb drives the machine: detach it (gdb: detach) to use this key here");
        return;
    }
    if (t->serial_typing) {
        if (ch == 27) {
            t->serial_typing = false;
            snprintf(s->message, sizeof s->message, "serial typing ended");
            return;
        }
        uint8_t byte;
        if (ch == '\n' || ch == KEY_ENTER) byte = '\r';
        else if (ch == KEY_BACKSPACE) byte = 0x7F;
        else if (ch >= 0 && ch < 0x100) byte = (uint8_t)ch;
        else return;
        machine_serial_input(s->m, &byte, 1);
        return;
    }
    if (s->running) {
        /* Keys that only change the view keep the machine running; any other key stops it. */
        bool view_key = ch == '\t' || ch == KEY_BTAB || (ch >= '1' && ch <= '9') || ch == 'z' || ch == '[' ||
                        ch == ']' || ch == 'i' || ch == 'q' || ch == KEY_RESIZE || ch == 12 || ch == 17;
        if (!view_key) {
            tui_session_interrupt(s);
            return;
        }
    }
    switch (ch) {
    case 'q':
    case 17: t->quit = true; break;   /* Ctrl-Q */
    case 's': tui_session_step(s); break;
    case 'S': tui_session_step_back(s); break;
    case 'C': tui_session_reverse_continue(s); break;
    case 'n': tui_session_start(s, TUI_RUN_STEP_OVER, 0); break;
    case 'c': tui_session_start(s, TUI_RUN_CONTINUE, 0); break;
    case 'f': tui_session_start(s, TUI_RUN_FINISH, 0); break;
    case 'r': {
        char err[160];
        uint64_t n;
        if (!prompt(t, "run how many cycles?", buf, sizeof buf)) break;
        if (!cli_parse_count(buf, &n, err, sizeof err)) snprintf(s->message, sizeof s->message, "%s", err);
        else tui_session_start(s, TUI_RUN_CYCLES, n);
        break;
    }
    case 'b': {
        bool set;
        if (!ask_address(t, "toggle breakpoint at (address or symbol):", &addr)) break;
        char where[128];
        tui_session_describe(s, addr, where, sizeof where);
        if (!tui_session_toggle_breakpoint(s, addr, &set)) snprintf(s->message, sizeof s->message, "too many breakpoints");
        else snprintf(s->message, sizeof s->message, "breakpoint %s %s", set ? "set at" : "removed from", where);
        break;
    }
    case 'w': {
        char out[512];
        if (!prompt(t, "watch ADDR [LEN] [r|w|rw]:", buf, sizeof buf)) break;
        char line[300];
        snprintf(line, sizeof line, "watch %s", buf);
        tui_session_command(s, line, out, sizeof out);
        set_output(t, out);
        break;
    }
    case 'g':
        if (!ask_address(t, "go to (address or symbol):", &addr)) break;
        if (slot_pane(t, t->focus) == TUI_PANE_MEMORY) {
            s->mem_addr = addr;
            s->mem_follow[0] = 0;
        } else {
            s->disasm_focus = addr;
            s->disasm_follow = false;
            focus_pane(t, TUI_PANE_DISASM);
        }
        snprintf(s->message, sizeof s->message, "showing %#" PRIx32 " (e: back to EIP)", addr);
        break;
    case 'e': s->disasm_follow = true; break;
    case 'm': {
        if (!prompt(t, "memory at (address, symbol, or a register to follow):", buf, sizeof buf)) break;
        uint64_t v;
        char *name = buf + (buf[0] == '$');
        char err[160];
        if (machine_get_reg(s->m, name, &v) && strlen(name) < sizeof s->mem_follow) {
            snprintf(s->mem_follow, sizeof s->mem_follow, "%s", name);
            s->mem_addr = (uint32_t)v & ~0xFu;
        } else if (tui_parse_address(s->m, buf, &addr, err, sizeof err)) {
            s->mem_follow[0] = 0;
            s->mem_addr = addr;
        } else {
            snprintf(s->message, sizeof s->message, "%s", err);
            break;
        }
        focus_pane(t, TUI_PANE_MEMORY);
        break;
    }
    case 'p':
        if (!prompt(t, "page walk of (address, symbol or register; empty = EIP):", buf, sizeof buf)) break;
        if (!buf[0]) {
            s->walk_follow_eip = true;
        } else {
            char err[160];
            if (!tui_parse_address(s->m, buf, &addr, err, sizeof err)) {
                snprintf(s->message, sizeof s->message, "%s", err);
                break;
            }
            s->walk_addr = addr;
            s->walk_follow_eip = false;
        }
        focus_pane(t, TUI_PANE_WALK);
        break;
    case 'i':
        t->serial_typing = true;
        focus_pane(t, TUI_PANE_SERIAL);
        snprintf(s->message, sizeof s->message, "typing goes to the guest's COM1; Esc ends");
        break;
    case ':': {
        char out[4096];
        if (!prompt(t, ":", buf, sizeof buf) || !buf[0]) break;
        tui_session_command(s, buf, out, sizeof out);
        set_output(t, out);
        break;
    }
    case '?': t->output = strdup(t->lab ? LAB_HELP_TEXT : HELP_TEXT); break;
    case '\t': focus_step(t, 1); break;
    case KEY_BTAB: focus_step(t, -1); break;
    case 'z': t->zoom = !t->zoom; break;
    case '[':
    case ']': {
        int n;
        slot_tabs(t, t->focus, &n);
        if (n) t->tab[t->focus] = (t->tab[t->focus] % n + n + (ch == ']' ? 1 : -1)) % n;
        break;
    }
    case KEY_UP: scroll_pane(t, -1); break;
    case KEY_DOWN: scroll_pane(t, 1); break;
    case KEY_PPAGE: scroll_pane(t, -8); break;
    case KEY_NPAGE: scroll_pane(t, 8); break;
    case 12: clearok(stdscr, TRUE); break;   /* Ctrl-L */
    case KEY_RESIZE: break;
    default:
        if (ch >= '1' && ch <= '9') focus_pane(t, (tui_pane)(ch - '1'));
        break;
    }
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One slice of a TUI run (continue, step over ...), tuned towards 10 ms so keys are answered
 * quickly at any guest speed. */
static void run_slice(tui *t) {
    double t0 = now_ms();
    bool still = tui_session_slice(&t->s, t->slice_cycles);
    double took = now_ms() - t0;
    if (still && !t->s.idle) {
        if (took < 5 && t->slice_cycles < (1ull << 32)) t->slice_cycles *= 2;
        else if (took > 20 && t->slice_cycles > 10000) t->slice_cycles /= 2;
    }
}

/* What a gdbstub_poll result means for the screen; true when it changed something to show. */
static bool gdb_update(tui *t, gdbstub_state st) {
    tui_session *s = &t->s;
    gdbstub_state was = t->gdb_state;
    bool owned_before = was == GDBSTUB_STOPPED || was == GDBSTUB_RUNNING;
    char where[128];
    if (st == GDBSTUB_WAITING) return false;
    if ((st == GDBSTUB_STOPPED || st == GDBSTUB_RUNNING) && !owned_before) {
        if (s->running) tui_session_interrupt(s);   /* gdb takes the machine over */
        t->serial_typing = false;
        snprintf(s->message, sizeof s->message, "gdb connected: it drives the machine now");
    }
    if (st == GDBSTUB_STOPPED) {
        machine_regs r;
        machine_get_regs(s->m, &r);
        t->gdb_state = st;
        if (r.eip == s->regs.eip && r.cycles == s->regs.cycles && was == GDBSTUB_STOPPED) return false;
        tui_session_stopped(s);
        tui_session_describe(s, r.eip, where, sizeof where);
        snprintf(s->message, sizeof s->message, "gdb: stopped at %s", where);
        return true;
    }
    if (st == GDBSTUB_RUNNING) {
        t->gdb_state = st;
        return was != GDBSTUB_RUNNING;
    }
    /* DETACHED, KILLED, ENDED: the session is over, the TUI has the machine again. */
    t->gdb_state = GDBSTUB_WAITING;
    tui_session_stopped(s);
    tui_session_describe(s, s->regs.eip, where, sizeof where);
    if (st == GDBSTUB_DETACHED) {
        snprintf(s->message, sizeof s->message, "gdb detached at %s; the keys drive the machine again", where);
    } else if (st == GDBSTUB_KILLED) {
        s->ended = true;
        snprintf(s->message, sizeof s->message, "gdb killed the guest at %s", where);
    } else {
        s->ended = true;
        snprintf(s->message, sizeof s->message, "the guest ended under gdb (%s)", where);
    }
    return true;
}

/* The run loop with a gdb server: the socket is polled between keys (at most 20 ms apart), gdb's
 * runs go in its slices, the TUI's own runs in ours while no debugger is attached. */
static void run_loop_gdb(tui *t) {
    double next_draw = 0;
    draw(t);
    timeout(0);
    while (!t->quit && !t->loop_done) {
        bool busy = t->s.running || t->gdb_state == GDBSTUB_RUNNING;
        bool changed = gdb_update(t, gdbstub_poll(t->gdb, busy ? 0 : 20));
        if (t->gdb_state == GDBSTUB_WAITING && t->s.running) {
            run_slice(t);
            if (!t->s.running) changed = true;
            else if (t->s.idle) napms(10);
        }
        int ch = getch();
        if (ch != ERR) {
            handle_key(t, ch);
            timeout(0);   /* a prompt may have changed it */
            changed = true;
        }
        if (changed || now_ms() >= next_draw) {
            draw(t);
            next_draw = now_ms() + 150;
        }
    }
}

/* The run loop: slices of ~10 ms of host time, a redraw about 6 times a second, keys in between. */
void tui_run_loop(tui *t) {
    if (t->gdb) {
        run_loop_gdb(t);
        return;
    }
    draw(t);
    while (!t->quit && !t->loop_done) {
        if (!t->s.running) {
            timeout(-1);
            int ch = getch();
            if (ch != ERR) handle_key(t, ch);
            draw(t);
            continue;
        }
        double frame_end = now_ms() + 150;
        timeout(0);
        while (t->s.running && now_ms() < frame_end) {
            run_slice(t);
            int ch = getch();
            if (ch != ERR) {
                handle_key(t, ch);
                break;
            }
            if (t->s.idle) napms(10);   /* the guest sleeps until input: don't spin */
        }
        draw(t);
    }
}

void tui_draw(tui *t) { draw(t); }

void tui_term_start(void) {
    setlocale(LC_ALL, "");
    initscr();
    raw();   /* Ctrl-C arrives as a key (it stops a run) instead of killing the terminal state */
    noecho();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    init_colours();
}

void tui_term_end(void) { endwin(); }

/* ---- entry point ---- */

static const char TUI_USAGE[] =
    "usage: vx86 tui IMAGE [run options] [--dump-screen [--until-symbol NAME] [--steps N] [--walk ADDR]]\n"
    "  an ncurses debugger for IMAGE (press ? inside for the keys); the run options are those of\n"
    "  `vx86 run` (--cmdline, --module, --memory, --costs, --trace-size ...).\n"
    "  --dump-screen       print every pane as plain text and exit (no terminal needed)\n"
    "  --until-symbol NAME first run to the breakpoint NAME (with --dump-screen)\n"
    "  --steps N           then step N instructions (with --dump-screen)\n"
    "  --walk ADDR         the page-walk pane shows ADDR instead of EIP\n"
    "  --gdb PORT          also let gdb connect on 127.0.0.1:PORT (0 = any free port; shown in the\n"
    "                      header): gdb IMAGE -ex 'target remote :PORT'. While gdb is attached it\n"
    "                      drives the machine and the TUI shows every stop.\n";

typedef struct tui_args {
    bool dump;
    const char *until_symbol, *walk;
    uint64_t steps;
} tui_args;

/* Take the TUI's own options out of argv; the rest are `vx86 run` options. */
static int split_args(int argc, char **argv, tui_args *ta, char **rest, int *nrest) {
    *nrest = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *names[] = { "--until-symbol", "--steps", "--walk" };
        int which = -1;
        const char *val = NULL;
        for (int k = 0; k < 3; k++) {
            size_t n = strlen(names[k]);
            if (!strncmp(a, names[k], n) && (a[n] == 0 || a[n] == '=')) {
                which = k;
                if (a[n] == '=') val = a + n + 1;
                else if (i + 1 < argc) val = argv[++i];
                else {
                    fprintf(stderr, "vx86 tui: %s needs a value\n", names[k]);
                    return CLI_EXIT_USAGE;
                }
            }
        }
        if (!strcmp(a, "--dump-screen")) {
            ta->dump = true;
        } else if (which == 0) {
            ta->until_symbol = val;
        } else if (which == 1) {
            char err[160];
            if (!cli_parse_count(val, &ta->steps, err, sizeof err)) {
                fprintf(stderr, "vx86 tui: --steps: %s\n", err);
                return CLI_EXIT_USAGE;
            }
        } else if (which == 2) {
            ta->walk = val;
        } else {
            rest[(*nrest)++] = argv[i];
        }
    }
    return 0;
}

static int dump_screen(tui_session *s, const tui_args *ta, uint64_t max_cycles) {
    if (ta->until_symbol) {
        uint32_t addr;
        char err[160];
        if (!tui_parse_address(s->m, ta->until_symbol, &addr, err, sizeof err)) {
            fprintf(stderr, "vx86 tui: --until-symbol: %s\n", err);
            return CLI_EXIT_USAGE;
        }
        bool set;
        tui_session_toggle_breakpoint(s, addr, &set);
        tui_session_start(s, TUI_RUN_CYCLES, max_cycles ? max_cycles : 10000000000ull);
        while (tui_session_slice(s, 10000000)) {
            if (s->idle) break;   /* asleep waiting for input that never comes */
        }
        if (s->running) tui_session_interrupt(s);
    }
    for (uint64_t k = 0; k < ta->steps && !s->ended; k++) tui_session_step(s);
    if (ta->walk) {
        char err[160];
        if (!tui_parse_address(s->m, ta->walk, &s->walk_addr, err, sizeof err)) {
            fprintf(stderr, "vx86 tui: --walk: %s\n", err);
            return CLI_EXIT_USAGE;
        }
        s->walk_follow_eip = false;
    }
    tui_session_dump(s, stdout);
    return 0;
}

int tui_main(int argc, char **argv) {
    tui_args ta = { 0 };
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;
    if (!rest) return CLI_EXIT_INTERNAL;
    int rc = split_args(argc, argv, &ta, rest, &nrest);
    if (rc) {
        free(rest);
        return rc;
    }
    if (nrest == 0) {
        /* what a new user types first: say what is missing and how to go on */
        fprintf(stderr, "vx86 tui: needs an IMAGE to debug, e.g. 'vx86 tui build/examples/pagefault.elf'\n"
                        "Try 'vx86 tui --help'.\n");
        free(rest);
        return CLI_EXIT_USAGE;
    }
    cli_run_options opts;
    char err[512];
    rc = cli_parse_run(nrest, rest, &opts, err, sizeof err);
    free(rest);
    if (rc || opts.help) {
        if (rc) fprintf(stderr, "vx86 tui: %s\n", err);
        fputs(TUI_USAGE, rc ? stderr : stdout);
        cli_run_options_free(&opts);
        return rc ? rc : 0;
    }
    machine_config cfg = { 0 };
    cfg.kernel = opts.image;
    cfg.cmdline = opts.cmdline;
    cfg.module_count = opts.module_count;
    memcpy(cfg.modules, opts.modules, sizeof cfg.modules);
    cfg.memory_bytes = opts.memory_bytes;
    cfg.trace_capacity = (size_t)opts.trace_size;
    tui t;
    memset(&t, 0, sizeof t);
    if (!tui_session_open(&t.s, &cfg, command_hook, err, sizeof err)) {
        fprintf(stderr, "vx86: %s\n", err);
        cli_run_options_free(&opts);
        return CLI_EXIT_IMAGE;
    }
    if (opts.costs_file && !machine_load_costs(t.s.m, opts.costs_file, err, sizeof err)) {
        fprintf(stderr, "vx86: %s\n", err);
        tui_session_close(&t.s);
        cli_run_options_free(&opts);
        return CLI_EXIT_USAGE;
    }
    /* Only now, so that a bad image or option is reported as such first. */
    if (!ta.dump && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
        fprintf(stderr, "vx86 tui: needs a terminal (use --dump-screen for plain text)\n");
        tui_session_close(&t.s);
        cli_run_options_free(&opts);
        return CLI_EXIT_USAGE;
    }
    /* Before curses takes the terminal, so the port message can go to stderr (a script may read it). */
    if (!ta.dump && opts.gdb_port >= 0) {
        t.gdb = gdbstub_server_open(t.s.m, opts.gdb_port, stderr);
        if (!t.gdb) {
            tui_session_close(&t.s);
            cli_run_options_free(&opts);
            return CLI_EXIT_USAGE;
        }
        t.gdb_state = GDBSTUB_WAITING;
        snprintf(t.s.message, sizeof t.s.message, "stopped at entry; gdb may connect on 127.0.0.1:%d; press ? for help",
                 gdbstub_server_port(t.gdb));
    }
    t.have_session = true;
    if (ta.dump) {
        rc = dump_screen(&t.s, &ta, opts.max_cycles);
    } else {
        tui_term_start();
        t.slice_cycles = 1000000;
        t.focus = SLOT_DISASM;
        tui_run_loop(&t);
        tui_term_end();
        free(t.output);
        rc = 0;
    }
    if (t.gdb) gdbstub_server_close(t.gdb);
    tui_session_close(&t.s);
    cli_run_options_free(&opts);
    return rc;
}
