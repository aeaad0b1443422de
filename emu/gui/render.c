/* One frame of the window: the control bar, the VGA console, the serial console and the live
 * panes, each pane a picture from emu/pictures drawn by draw.c. Used by the window and by
 * --screenshot alike, so both give the same pixels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/gui/gui.h"
#include "emu/trace_tasks.h"

#define BG      0xD8DCE0u
#define TITLE   0x30404Cu
#define GAP 8

static const char *const TITLES[GUI_PANE_COUNT] = {
    "VGA console", "serial console (COM1)", "physical memory", "page tables", "page walk",
    "VM exits", "scheduling timeline", "namespaces", "cgroups",
};

const char *gui_pane_title(int p)
{
    return p >= 0 && p < GUI_PANE_COUNT ? TITLES[p] : "";
}

SDL_Rect gui_pane_rect(int p)
{
    const int top = GUI_BAR_H + GUI_TITLE_H + 4;                       /* first row's content */
    const int row2 = top + 400 + GAP + GUI_TITLE_H;                    /* second row */
    const int pw = (GUI_W - 5 * GAP) / 4, ph = (GUI_H - row2 - GAP - GUI_TITLE_H - GAP) / 2;
    const int row3 = row2 + ph + GAP + GUI_TITLE_H;
    switch (p) {
    case GUI_PANE_VGA: return (SDL_Rect){ GAP, top, 640, 400 };
    case GUI_PANE_SERIAL: return (SDL_Rect){ 2 * GAP + 640, top, GUI_W - 3 * GAP - 640, 400 };
    case GUI_PANE_MEMMAP: case GUI_PANE_PAGETABLE: case GUI_PANE_WALK: case GUI_PANE_EXITS: {
        int i = p - GUI_PANE_MEMMAP;
        return (SDL_Rect){ GAP + i * (pw + GAP), row2, pw, ph };
    }
    case GUI_PANE_GANTT: return (SDL_Rect){ GAP, row3, 2 * pw + GAP, ph };
    case GUI_PANE_NAMESPACES: return (SDL_Rect){ GAP + 2 * (pw + GAP), row3, pw, ph };
    case GUI_PANE_CGROUPS: return (SDL_Rect){ GAP + 3 * (pw + GAP), row3, pw, ph };
    default: return (SDL_Rect){ 0, 0, 0, 0 };
    }
}

/* Where pane p sits in the view's mode. `vx86 os --gui`: the toy OS's console (COM1) is the
 * terminal the student types in, so it takes the big left slot; its VGA screen repeats the same
 * text (the kernel prints to both), so it shrinks to the small slot, as text; the memory map,
 * read from the kernel's frame table, gets the big right slot with a cell per frame. `vx86 lab
 * --gui`: the lab pane takes the VGA console's slot (lab machines print on COM1). */
SDL_Rect gui_view_pane_rect(const gui_view *v, int p)
{
    if (v && v->os) {
        if (p == GUI_PANE_SERIAL) return gui_pane_rect(GUI_PANE_VGA);
        if (p == GUI_PANE_MEMMAP) return gui_pane_rect(GUI_PANE_SERIAL);
        if (p == GUI_PANE_VGA) return gui_pane_rect(GUI_PANE_MEMMAP);
    }
    return gui_pane_rect(p);
}

static const char *view_pane_title(const gui_view *v, int p)
{
    if (v->os && p == GUI_PANE_SERIAL) return "the toy OS's console (COM1): type here, Ctrl-] leaves";
    if (v->os && p == GUI_PANE_VGA) return "VGA console (as text)";
    if (v->lab && p == GUI_PANE_VGA) return v->lab->header;
    return gui_pane_title(p);
}

SDL_Rect gui_button_rect(int b)
{
    static const int X[] = { GAP, GAP + 110, GAP + 220, GAP + 350 }, W[] = { 102, 102, 122, 150 };
    return (SDL_Rect){ X[b], 4, W[b], GUI_BAR_H - 8 };
}

/* The control bar is a scene too: buttons are rectangles with a label. */
static void bar_scene(pic_scene *s, const gui_view *v)
{
    pic_scene_init(s, GUI_W, GUI_BAR_H, "controls");
    s->background = TITLE;
    static const char *const LABEL[GUI_BTN_COUNT] = { NULL, "F10 step", "F9 step back", NULL };
    for (int b = 0; b < GUI_BTN_COUNT; b++) {
        SDL_Rect r = gui_button_rect(b);
        bool off = (b == GUI_BTN_STEP && (v->running || v->ended)) || (b == GUI_BTN_BACK && !v->back_available);
        pic_rect(s, r.x, r.y, r.w, r.h, off ? 0x5A6670 : 0xE8ECEF, 0x101820, NULL);
        uint32_t ink = off ? 0x9AA4AC : 0x101820;
        int tx = r.x + r.w / 2, ty = r.y + (r.h - PIC_LINE_PX) / 2;
        if (b == GUI_BTN_RUN)
            pic_text(s, tx, ty, PIC_MIDDLE, ink, "%s", v->running ? "F5 pause" : "F5 run");
        else if (b == GUI_BTN_INPUT)
            pic_text(s, tx, ty, PIC_MIDDLE, ink, "F2 keys to: %s", v->keyboard_input ? "keyboard" : "serial");
        else
            pic_text(s, tx, ty, PIC_MIDDLE, ink, "%s", LABEL[b]);
    }
    uint64_t cyc = machine_cycles(v->m), cps = machine_cycles_per_second(v->m);
    char speed[32];
    if (v->speed > 0)
        snprintf(speed, sizeof speed, "x%g", v->speed);
    else
        snprintf(speed, sizeof speed, "max speed");
    pic_text(s, GUI_W - GAP, (GUI_BAR_H - PIC_LINE_PX) / 2, PIC_RIGHT, 0xFFFFFF, "%s  cycle %llu  t=%llu.%06llu s  %s",
             v->ended ? "ended" : v->running ? "running" : "paused", (unsigned long long)cyc,
             (unsigned long long)(cyc / cps), (unsigned long long)(cyc % cps * 1000000 / cps), speed);
    if (v->message[0])
        pic_text(s, 520, (GUI_BAR_H - PIC_LINE_PX) / 2, PIC_LEFT, 0xFFE08A, "%.60s", v->message);
}

/* COM1's bytes as a terminal shows them (the toy OS's shell echoes, erases with "\b \b" and
 * ends lines with "\r\n"): '\r' goes to column 0, '\b' one left, '\t' to the next multiple of 8,
 * ESC [ ... sequences are dropped, other control bytes show as ^X; lines wrap at `cols`. The
 * last `rows` lines, and the cursor (on the last line). */
#define TERM_ROWS_MAX 64
#define TERM_COLS_MAX (PIC_TEXT_BYTES - 1)
typedef struct term_screen {
    char line[TERM_ROWS_MAX][TERM_COLS_MAX + 1];
    int len[TERM_ROWS_MAX];
    int first, count;               /* a ring of the newest lines; the last is the cursor's */
    int col;
} term_screen;

static char *term_cur(term_screen *t) { return t->line[(t->first + t->count - 1) % TERM_ROWS_MAX]; }
static int *term_len(term_screen *t) { return &t->len[(t->first + t->count - 1) % TERM_ROWS_MAX]; }

static void term_newline(term_screen *t)
{
    if (t->count == TERM_ROWS_MAX)
        t->first = (t->first + 1) % TERM_ROWS_MAX;
    else
        t->count++;
    *term_len(t) = 0;
    term_cur(t)[0] = 0;
    t->col = 0;
}

static void term_put(term_screen *t, int cols, char c)
{
    if (t->col >= cols)
        term_newline(t);
    char *l = term_cur(t);
    int *len = term_len(t);
    while (*len < t->col)
        l[(*len)++] = ' ';
    l[t->col++] = c;
    if (t->col > *len)
        *len = t->col;
    l[*len] = 0;
}

static void term_feed(term_screen *t, const tui_serial *serial, int rows, int cols)
{
    if (cols > TERM_COLS_MAX) cols = TERM_COLS_MAX;
    if (rows > TERM_ROWS_MAX) rows = TERM_ROWS_MAX;
    memset(t, 0, sizeof *t);
    t->count = 1;
    size_t start = serial->len;
    for (int lines = 0; start > 0; start--)      /* from the start of the last `rows` lines */
        if (serial->buf[start - 1] == '\n' && ++lines > rows)
            break;
    int esc = 0;                                 /* 1 after ESC, 2 inside ESC [ */
    for (size_t i = start; i < serial->len; i++) {
        unsigned char c = (unsigned char)serial->buf[i];
        if (esc == 1) {
            esc = c == '[' ? 2 : 0;
            continue;
        }
        if (esc == 2) {
            if (c >= 0x40 && c <= 0x7E)
                esc = 0;
            continue;
        }
        if (c == 0x1B) esc = 1;
        else if (c == '\n') term_newline(t);
        else if (c == '\r') t->col = 0;
        else if (c == '\b') t->col -= t->col > 0;
        else if (c == '\t') do term_put(t, cols, ' '); while (t->col % 8 && t->col < cols);
        else if (c < 0x20 || c == 0x7F) {
            term_put(t, cols, '^');
            term_put(t, cols, c == 0x7F ? '?' : (char)(c + '@'));
        } else if (c < 0x80) term_put(t, cols, (char)c);
        else term_put(t, cols, '?');             /* the pane's font is ASCII; UTF-8 is rare on COM1 */
    }
}

static void serial_scene(pic_scene *s, const gui_view *v, int w, int h)
{
    pic_scene_init(s, w, h, "serial console");
    s->background = 0x101418;
    static term_screen t;   /* big: kept off the stack */
    int rows = h / PIC_LINE_PX, cols = (w - 8) / PIC_CHAR_PX;
    term_feed(&t, v->serial, rows, cols);
    if (v->serial->len == 0)
        pic_text(s, 4, 0, PIC_LEFT, 0x8A949C, "(nothing on COM1 yet)");
    int shown = t.count < rows ? t.count : rows, skip = t.count - shown;
    for (int i = 0; i < shown; i++) {
        int k = (t.first + skip + i) % TERM_ROWS_MAX;
        if (t.len[k])
            pic_text(s, 4, i * PIC_LINE_PX, PIC_LEFT, 0xD0F0D0, "%s", t.line[k]);
    }
    /* The cursor where the next byte goes, while typing reaches COM1 (not the PS/2 keyboard). */
    if (!v->ended && !v->lab && !v->keyboard_input && v->serial->len && shown > 0)
        pic_rect(s, 4 + t.col * PIC_CHAR_PX, (shown - 1) * PIC_LINE_PX + 13, PIC_CHAR_PX, 2, 0xD0F0D0, PIC_NONE, NULL);
}

/* The pane's picture, laid out for its rectangle. */
static void pane_scene(int p, const gui_view *v, pic_scene *s, SDL_Rect r)
{
    static const int KIND[GUI_PANE_COUNT] = {
        [GUI_PANE_MEMMAP] = PIC_KIND_MEMMAP, [GUI_PANE_PAGETABLE] = PIC_KIND_PAGETABLE, [GUI_PANE_WALK] = PIC_KIND_WALK,
        [GUI_PANE_EXITS] = PIC_KIND_EXITS, [GUI_PANE_GANTT] = PIC_KIND_GANTT,
        [GUI_PANE_NAMESPACES] = PIC_KIND_NAMESPACES, [GUI_PANE_CGROUPS] = PIC_KIND_CGROUPS,
    };
    if (p == GUI_PANE_SERIAL) {
        serial_scene(s, v, r.w, r.h);
        return;
    }
    pic_source src = { .m = v->m, .ram_bytes = v->ram_bytes, .walk_addr = v->walk_addr, .walk_set = v->walk_set };
    if (!pic_build(KIND[p], &src, s, r.w, r.h, NULL)) {
        pic_scene_free(s);
        pic_scene_init(s, r.w, r.h, "");
        pic_text(s, 4, 0, PIC_LEFT, 0xC00000, "out of memory drawing this pane");
    }
}

/* The VGA screen as text in a small pane: the rows up to the cursor (the newest output). */
static void vga_text_scene(pic_scene *s, machine *m, int w, int h)
{
    pic_scene_init(s, w, h, "VGA console");
    s->background = 0x000000;
    pic_console c;
    pic_console_from_machine(&c, m);
    int last = c.cur_row;   /* the cursor's row, or the last written one if that is further down */
    for (int r = MACHINE_VGA_ROWS - 1; r > last; r--)
        for (int k = 0; k < MACHINE_VGA_COLS; k++)
            if (c.ch[r][k] > ' ') {
                last = r;
                break;
            }
    if (last < 0)
        last = 0;
    int rows = h / PIC_LINE_PX, cols = (w - 8) / PIC_CHAR_PX;
    int first = last + 1 - rows < 0 ? 0 : last + 1 - rows;
    for (int r = first; r <= last; r++) {
        char line[MACHINE_VGA_COLS + 1];
        int n = 0;
        for (int k = 0; k < MACHINE_VGA_COLS && k < cols; k++)
            line[n++] = c.ch[r][k] >= 0x20 && c.ch[r][k] < 0x7F ? (char)c.ch[r][k] : c.ch[r][k] ? '.' : ' ';
        while (n > 0 && line[n - 1] == ' ')
            n--;
        line[n] = 0;
        if (n)
            pic_text(s, 4, (r - first) * PIC_LINE_PX, PIC_LEFT, 0xC0C0C0, "%s", line);
    }
}

/* The lab's transcript, word-wrapped to the pane, newest at the bottom, and the answer being
 * typed on the last line. */
static void lab_scene(pic_scene *s, const gui_lab_pane *lab, int w, int h)
{
    pic_scene_init(s, w, h, "lab");
    s->background = 0xFBFBF8;
    int cols = (w - 8) / PIC_CHAR_PX, rows = h / PIC_LINE_PX;
    if (cols > PIC_TEXT_BYTES - 1) cols = PIC_TEXT_BYTES - 1;
    int text_rows = rows - (lab->asking || lab->pausing ? 1 : 0);
    /* Wrap from the newest line back until the pane (plus the scroll) is full. */
    static struct { const char *p; int len; uint32_t colour; } row[512];
    int want = text_rows + lab->scroll, n = 0;
    for (int i = lab->count - 1; i >= 0 && n < want && n < 512; i--) {
        const char *line = lab->lines[i];
        uint32_t colour = PIC_INK;
        if (strncmp(line, "Q ", 2) == 0) colour = 0x0050A0;
        else if (strncmp(line, "== Step", 7) == 0 || strncmp(line, "-- Step", 7) == 0) colour = 0x7A3E00;
        else if (strncmp(line, "  correct", 9) == 0) colour = 0x007A3D;
        else if (strncmp(line, "  not quite", 11) == 0 || strncmp(line, "  (no answer)", 13) == 0) colour = 0xB00020;
        /* the pieces of this line, first to last, then pushed newest-first */
        int len = (int)strlen(line), pieces = 0;
        int piece_off[64], piece_len[64];
        int off = 0;
        do {
            int take = len - off;
            if (take > cols) {
                take = cols;
                while (take > 0 && line[off + take] != ' ') take--;
                if (take == 0) take = cols;
            }
            if (pieces < 64) piece_off[pieces] = off, piece_len[pieces++] = take;
            off += take;
            while (off < len && line[off] == ' ') off++;
        } while (off < len);
        for (int k = pieces - 1; k >= 0 && n < want && n < 512; k--)
            row[n].p = line + piece_off[k], row[n].len = piece_len[k], row[n].colour = colour, n++;
    }
    int skip = lab->scroll < n ? lab->scroll : n;
    int shown = n - skip < text_rows ? n - skip : text_rows;
    for (int i = 0; i < shown; i++) {
        int k = skip + shown - 1 - i;   /* oldest shown at the top */
        if (row[k].len)
            pic_text(s, 4, i * PIC_LINE_PX, PIC_LEFT, row[k].colour, "%.*s", row[k].len, row[k].p);
    }
    if (lab->asking) {
        int len = (int)strlen(lab->input), room = cols - 4;
        const char *p = lab->input + (len > room ? len - room : 0);
        pic_rect(s, 0, (rows - 1) * PIC_LINE_PX, w, PIC_LINE_PX, 0xFFF4C0, PIC_NONE, NULL);
        pic_text(s, 4, (rows - 1) * PIC_LINE_PX, PIC_LEFT, 0x0050A0, "> %s", p);
        pic_rect(s, 4 + (2 + (int)strlen(p)) * PIC_CHAR_PX, (rows - 1) * PIC_LINE_PX + 13, PIC_CHAR_PX, 2, PIC_INK,
                 PIC_NONE, NULL);
    } else if (lab->pausing) {
        pic_rect(s, 0, (rows - 1) * PIC_LINE_PX, w, PIC_LINE_PX, 0xE4ECF4, PIC_NONE, NULL);
        pic_text(s, 4, (rows - 1) * PIC_LINE_PX, PIC_LEFT, 0x0050A0, "Enter: go on    PageUp/PageDown: scroll    Esc: quit");
    }
}

void gui_render(SDL_Surface *canvas, const gui_view *v, TTF_Font *font, const gui_font *vga)
{
    gui_fill(canvas, 0, 0, GUI_W, GUI_H, BG);
    pic_scene s;
    bar_scene(&s, v);
    gui_draw_scene(canvas, 0, 0, &s, font);
    pic_scene_free(&s);
    for (int p = 0; p < GUI_PANE_COUNT; p++) {
        SDL_Rect r = gui_view_pane_rect(v, p);
        pic_scene_init(&s, r.w, GUI_TITLE_H, "title");
        s.background = TITLE;
        pic_text(&s, 4, 0, PIC_LEFT, 0xFFFFFF, "%s", view_pane_title(v, p));
        gui_draw_scene(canvas, r.x, r.y - GUI_TITLE_H, &s, font);
        pic_scene_free(&s);
        if (p == GUI_PANE_VGA && v->lab) {
            lab_scene(&s, v->lab, r.w, r.h);
            gui_draw_scene(canvas, r.x, r.y, &s, font);
            pic_scene_free(&s);
            continue;
        }
        if (!v->m) {   /* a lab before it boots its machine */
            pic_scene_init(&s, r.w, r.h, "");
            pic_text(&s, 4, 0, PIC_LEFT, PIC_DIM, "(the lab has no machine yet)");
            gui_draw_scene(canvas, r.x, r.y, &s, font);
            pic_scene_free(&s);
            continue;
        }
        if (p == GUI_PANE_VGA && v->os) {
            vga_text_scene(&s, v->m, r.w, r.h);
            gui_draw_scene(canvas, r.x, r.y, &s, font);
            pic_scene_free(&s);
            continue;
        }
        if (p == GUI_PANE_VGA) {
            pic_console c;
            pic_console_from_machine(&c, v->m);
            gui_draw_console(canvas, r.x, r.y, &c, vga);
            bool blank = true;
            for (int i = 0; i < MACHINE_VGA_ROWS * MACHINE_VGA_COLS && blank; i++)
                blank = c.ch[i / MACHINE_VGA_COLS][i % MACHINE_VGA_COLS] <= ' ';
            if (blank) {   /* a black screen looks broken: say where the output went */
                pic_scene_init(&s, r.w, 3 * PIC_LINE_PX, "");
                s.background = PIC_NONE;
                pic_text(&s, r.w / 2, 0, PIC_MIDDLE, 0xA0A8B0, "the guest has written nothing on the VGA screen yet");
                pic_text(&s, r.w / 2, 2 * PIC_LINE_PX, PIC_MIDDLE, 0xA0A8B0, "(its output so far is on the serial console)");
                gui_draw_scene(canvas, r.x, r.y + r.h / 2 - PIC_LINE_PX, &s, font);
                pic_scene_free(&s);
            }
            continue;
        }
        pane_scene(p, v, &s, r);
        gui_draw_scene(canvas, r.x, r.y, &s, font);
        pic_scene_free(&s);
    }
}
