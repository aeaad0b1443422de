/* The lab screen of `vx86 lab` on a terminal: a lab_ui (emu/lua/lab_ui.h) drawn with the TUI.
 * The lab engine calls ask/pause, which run the TUI's own key loop until the learner submits an
 * answer or moves on; meanwhile every debugger key works on the machine the lab drives. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/lua/lab_ui.h"
#include "emu/tui/tui.h"
#include "emu/tui/tui_internal.h"

/* Text with one highlight per line: the lab's transcript and the pictures. */
typedef struct log_line {
    tui_hl hl;
    char *text;
} log_line;

typedef struct text_log {
    log_line *lines;
    int count, cap;
} text_log;

/* A log line's piece that fits the pane's width. */
typedef struct row {
    tui_hl hl;
    const char *p;
    int len;
} row;

struct tui_lab {
    lab_ui base;                 /* first: the engine holds a lab_ui * */
    tui t;
    const tui_command_hook *hook;
    char title[160];
    text_log log, pics;
    int step, step_count;
    double score, max_score;
    bool asking, pausing, last, finished;
    char question_id[64];
    char feedback[160];          /* how the last answer went, kept on the status line */
    char input[256];
    int log_scroll;              /* rows scrolled up from the newest */
    int pic_anchor;              /* first picture line of the current step: shown at the top */
    int pic_scroll;
    bool pic_anchor_pending;
    lab_ui_machine lm;
    bool have_lm;
    size_t serial_synced;        /* bytes of the lab machine's serial output copied into the session */
    tui_view lab_view, pic_view;
    row *wrapped;                /* the lab pane's rows, rebuilt on every draw */
    int wrapped_cap;
};

static tui_lab *from_ui(lab_ui *ui) { return (tui_lab *)ui; }

static void log_add_line(text_log *log, tui_hl hl, const char *p, size_t n) {
    if (log->count == log->cap) {
        int cap = log->cap ? log->cap * 2 : 256;
        log_line *l = realloc(log->lines, sizeof *l * (size_t)cap);
        if (!l) return;
        log->lines = l;
        log->cap = cap;
    }
    char *text = malloc(n + 1);
    if (!text) return;
    for (size_t k = 0; k < n; k++) text[k] = p[k] == '\t' ? ' ' : p[k];   /* ctx.print separates with tabs */
    text[n] = 0;
    log->lines[log->count++] = (log_line){ hl, text };
}

/* Append text, one log line per text line (a final newline ends the last line, no empty one). */
static void log_add(text_log *log, tui_hl hl, const char *text) {
    const char *p = text;
    do {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        log_add_line(log, hl, p, n);
        p += n + (nl ? 1 : 0);
        if (!nl) break;
    } while (*p);
}

static void log_free(text_log *log) {
    for (int k = 0; k < log->count; k++) free(log->lines[k].text);
    free(log->lines);
    *log = (text_log){ 0 };
}

/* ---- the machine the lab drives ---- */

void tui_lab_sync(tui *t) {
    tui_lab *lab = t->lab;
    machine *m = lab->have_lm ? lab->lm.get(lab->lm.ctx) : NULL;
    if (t->have_session && t->s.m != m) {   /* the lab closed or replaced it */
        tui_session_close(&t->s);
        t->have_session = false;
        t->serial_typing = false;
    }
    if (!t->have_session && m) {
        char err[256];
        if (!tui_session_attach(&t->s, m, lab->hook, err, sizeof err)) return;
        t->have_session = true;
        lab->serial_synced = 0;
        snprintf(t->s.message, sizeof t->s.message, "the panes on the right show the lab's machine");
    }
    if (!t->have_session) return;
    size_t len;
    const char *serial = lab->lm.serial(lab->lm.ctx, &len);
    if (len < lab->serial_synced) {   /* a snapshot restore rewound it */
        tui_serial_free(&t->s.serial);
        lab->serial_synced = 0;
    }
    for (size_t k = lab->serial_synced; k < len; k++) tui_serial_put(&t->s.serial, (uint8_t)serial[k]);
    lab->serial_synced = len;
}

/* ---- drawing ---- */

/* Word-wrap the log into rows of at most cols bytes (*rows grows as needed). */
static int wrap_log(const text_log *log, int cols, row **rows, int *cap) {
    int n = 0;
    for (int k = 0; k < log->count; k++) {
        const char *p = log->lines[k].text;
        int len = (int)strlen(p);
        do {
            int take = len;
            if (take > cols) {
                take = cols;
                while (take > 0 && p[take] != ' ') take--;
                if (take == 0) take = cols;
            }
            if (n == *cap) {
                int c = *cap ? *cap * 2 : 512;
                row *r = realloc(*rows, sizeof *r * (size_t)c);
                if (!r) return n;
                *rows = r;
                *cap = c;
            }
            (*rows)[n++] = (row){ log->lines[k].hl, p, take };
            p += take;
            len -= take;
            while (len > 0 && *p == ' ') p++, len--;   /* the break eats the spaces */
        } while (len > 0);
    }
    return n;
}

static void render_lab(tui_lab *lab, int rows, int cols) {
    tui_view *v = &lab->lab_view;
    if (lab->step)
        tui_view_clear(v, "Lab  step %d/%d  score %g/%g", lab->step, lab->step_count, lab->score, lab->max_score);
    else
        tui_view_clear(v, "Lab");
    if (cols > TUI_LINE_BYTES - 8) cols = TUI_LINE_BYTES - 8;
    int n = wrap_log(&lab->log, cols, &lab->wrapped, &lab->wrapped_cap);
    const row *wrapped = lab->wrapped;
    int text_rows = rows - (lab->asking ? 1 : 0);
    if (text_rows < 1) text_rows = 1;
    int max_scroll = n > text_rows ? n - text_rows : 0;
    if (lab->log_scroll > max_scroll) lab->log_scroll = max_scroll;
    if (lab->log_scroll < 0) lab->log_scroll = 0;
    int end = n - lab->log_scroll, start = end > text_rows ? end - text_rows : 0;
    for (int k = start; k < end; k++) tui_line_put(tui_view_line(v), wrapped[k].hl, "%.*s", wrapped[k].len, wrapped[k].p);
    if (lab->asking) {
        /* The answer input line; its tail when it is wider than the pane. */
        int len = (int)strlen(lab->input), room = cols - 4;
        const char *p = lab->input + (len > room ? len - room : 0);
        tui_line *l = tui_view_line(v);
        tui_line_put(l, TUI_HL_LABEL, "> ");
        tui_line_put(l, TUI_HL_NORMAL, "%s", p);
        tui_line_put(l, lab->t.focus == SLOT_LAB ? TUI_HL_CHANGED : TUI_HL_DIM, " ");
    }
}

static void render_pictures(tui_lab *lab, int rows, int cols) {
    tui_view *v = &lab->pic_view;
    tui_view_clear(v, "Pictures%s", lab->pics.count > rows ? " (Up/Down scroll)" : "");
    if (!lab->pics.count) {
        tui_line_put(tui_view_line(v), TUI_HL_DIM, "(the lab's vx.show pictures appear here: page walks,");
        tui_line_put(tui_view_line(v), TUI_HL_DIM, " page tables, events)");
        return;
    }
    if (cols > TUI_LINE_BYTES - 8) cols = TUI_LINE_BYTES - 8;
    int n = lab->pics.count;
    int start = lab->pic_anchor + lab->pic_scroll;
    if (start > n - rows) start = n - rows;   /* no empty rows below the last picture */
    if (start < 0) start = 0;
    lab->pic_scroll = start - lab->pic_anchor;
    for (int k = start; k < n && k < start + rows; k++)
        tui_line_put(tui_view_line(v), lab->pics.lines[k].hl, "%.*s", cols, lab->pics.lines[k].text);
}

const tui_view *tui_lab_render(tui *t, int slot, int rows, int cols) {
    if (slot == SLOT_PICTURES) {
        render_pictures(t->lab, rows, cols);
        return &t->lab->pic_view;
    }
    render_lab(t->lab, rows, cols);
    return &t->lab->lab_view;
}

void tui_lab_header(tui *t, char *buf, size_t cap) {
    tui_lab *lab = t->lab;
    if (lab->step)
        snprintf(buf, cap, "%s  |  step %d/%d  |  score %g/%g", lab->title, lab->step, lab->step_count, lab->score,
                 lab->max_score);
    else
        snprintf(buf, cap, "%s  |  starting", lab->title);
}

const char *tui_lab_keys(tui *t) {
    tui_lab *lab = t->lab;
    if (lab->asking && t->focus == SLOT_LAB)
        return " type your answer, Enter submits  |  Tab/Esc: machine panes  Up/Down scroll  ? help  Ctrl-Q quit";
    if (lab->asking)
        return " Enter: submit the answer  Tab: to the Lab pane  |  s step  c cont  b break  p walk  : cmd  ? help  q quit";
    if (lab->pausing && lab->last) return " end of the lab: Enter or q quits  |  Tab: panes  Up/Down scroll  ? help";
    if (lab->pausing)
        return " Enter: next step  |  Tab: panes  s step  c cont  b break  p walk  : cmd  ? help  q quit";
    return " working ...";
}

/* ---- keys ---- */

bool tui_lab_key(tui *t, int ch) {
    tui_lab *lab = t->lab;
    if (ch == 17) {   /* Ctrl-Q: quit from anywhere, the Lab pane included */
        t->quit = true;
        return true;
    }
    if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
        if (lab->asking && !lab->input[0]) {
            t->focus = SLOT_LAB;
            snprintf(t->s.message, sizeof t->s.message, "type an answer first (in the Lab pane)");
        } else if (lab->asking || lab->pausing) {
            t->loop_done = true;
            if (lab->pausing && lab->last) t->quit = true;
        }
        return true;
    }
    int *scroll = t->focus == SLOT_LAB ? &lab->log_scroll : t->focus == SLOT_PICTURES ? &lab->pic_scroll : NULL;
    int dir = t->focus == SLOT_LAB ? -1 : 1;   /* the lab pane counts rows up from the newest */
    if (scroll && (ch == KEY_UP || ch == KEY_DOWN || ch == KEY_PPAGE || ch == KEY_NPAGE)) {
        int d = ch == KEY_UP ? -1 : ch == KEY_DOWN ? 1 : ch == KEY_PPAGE ? -8 : 8;
        *scroll += d * dir;
        return true;
    }
    if (t->focus != SLOT_LAB) return false;
    if (ch == 27) {
        t->focus = SLOT_DISASM;
        return true;
    }
    if (!lab->asking) return false;
    size_t len = strlen(lab->input);
    if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
        if (len) lab->input[len - 1] = 0;
        return true;
    }
    if (ch == 21) {   /* Ctrl-U */
        lab->input[0] = 0;
        return true;
    }
    if (ch >= 0x20 && ch < 0x7F) {
        if (len + 1 < sizeof lab->input) lab->input[len] = (char)ch, lab->input[len + 1] = 0;
        lab->log_scroll = 0;
        return true;
    }
    return false;
}

/* ---- the lab_ui operations ---- */

static void ui_say(lab_ui *ui, const char *text) {
    tui_lab *lab = from_ui(ui);
    log_add(&lab->log, TUI_HL_NORMAL, text);
    lab->log_scroll = 0;
    tui_draw(&lab->t);   /* show progress while the lab's code runs */
}

static void ui_step(lab_ui *ui, int index, int count, const char *title) {
    tui_lab *lab = from_ui(ui);
    char head[512];
    snprintf(head, sizeof head, "== Step %d/%d: %s ==", index, count, title);
    log_add(&lab->log, TUI_HL_NORMAL, "");
    log_add(&lab->log, TUI_HL_LABEL, head);
    lab->step = index;
    lab->step_count = count;
    lab->log_scroll = 0;
    lab->pic_anchor_pending = true;
    tui_draw(&lab->t);
}

static void ui_picture(lab_ui *ui, const char *title, const char *text) {
    tui_lab *lab = from_ui(ui);
    char head[256];
    snprintf(head, sizeof head, "-- %s (step %d) --", title, lab->step);
    if (lab->pic_anchor_pending || !lab->pics.count) lab->pic_anchor = lab->pics.count;
    lab->pic_anchor_pending = false;
    lab->pic_scroll = 0;
    log_add(&lab->pics, TUI_HL_LABEL, head);
    log_add(&lab->pics, TUI_HL_NORMAL, text);
    tui_draw(&lab->t);
}

static void ui_machine(lab_ui *ui, const lab_ui_machine *m) {
    tui_lab *lab = from_ui(ui);
    lab->have_lm = m != NULL;
    if (m) lab->lm = *m;
    tui_lab_sync(&lab->t);
    /* The lab's code may have run it: that is a new stop to show. */
    if (lab->t.have_session && !lab->t.s.running) tui_session_stopped(&lab->t.s);
}

static bool ui_ask(lab_ui *ui, const char *id, const char *text, double points, char *answer, size_t cap) {
    tui_lab *lab = from_ui(ui);
    tui *t = &lab->t;
    char line[1024];
    snprintf(line, sizeof line, "Q %s (%g point%s): %s", id, points, points == 1 ? "" : "s", text ? text : "");
    log_add(&lab->log, TUI_HL_NORMAL, "");
    log_add(&lab->log, TUI_HL_CURRENT, line);
    snprintf(lab->question_id, sizeof lab->question_id, "%s", id);
    lab->input[0] = 0;
    lab->asking = true;
    lab->log_scroll = 0;
    t->focus = SLOT_LAB;
    if (t->zoom) t->zoom = false;
    snprintf(t->s.message, sizeof t->s.message, "question %s: type the answer in the Lab pane, Enter submits%s%s", id,
             lab->feedback[0] ? "  |  " : "", lab->feedback);
    t->loop_done = false;
    tui_run_loop(t);
    lab->asking = false;
    if (t->quit) return false;
    snprintf(answer, cap, "%s", lab->input);
    snprintf(line, sizeof line, "> %s", lab->input);
    log_add(&lab->log, TUI_HL_NORMAL, line);
    return true;
}

static void ui_feedback(lab_ui *ui, bool answered, bool correct, const char *expected, double score, double max) {
    tui_lab *lab = from_ui(ui);
    char line[512];
    lab->score = score;
    lab->max_score = max;
    if (!answered) snprintf(line, sizeof line, "  (no answer) the answer is %s", expected);
    else if (correct) snprintf(line, sizeof line, "  correct");
    else snprintf(line, sizeof line, "  not quite: the answer is %s", expected);
    log_add(&lab->log, correct ? TUI_HL_GOOD : TUI_HL_FAULT, line);
    snprintf(lab->feedback, sizeof lab->feedback, "%s: %s (score %g/%g)", lab->question_id,
             correct ? "correct" : "not quite", score, max);
    snprintf(lab->t.s.message, sizeof lab->t.s.message, "%s", lab->feedback);
    tui_draw(&lab->t);
}

static void ui_pause(lab_ui *ui, bool last) {
    tui_lab *lab = from_ui(ui);
    tui *t = &lab->t;
    lab->pausing = true;
    lab->last = last;
    if (last)
        snprintf(t->s.message, sizeof t->s.message, "end of the lab: score %g/%g; Enter or q quits", lab->score,
                 lab->max_score);
    else
        snprintf(t->s.message, sizeof t->s.message, "step %d of %d done: press Enter for the next step", lab->step,
                 lab->step_count);
    t->loop_done = false;
    tui_run_loop(t);
    lab->pausing = false;
}

static bool ui_quit_requested(lab_ui *ui) { return from_ui(ui)->t.quit && !from_ui(ui)->last; }

static void ui_destroy(lab_ui *ui) {
    tui_lab *lab = from_ui(ui);
    tui_term_end();
    if (lab->t.have_session) tui_session_close(&lab->t.s);
    free(lab->t.output);
    log_free(&lab->log);
    log_free(&lab->pics);
    free(lab->wrapped);
    free(lab);
}

static const lab_ui_ops TUI_LAB_OPS = { ui_say,  ui_step,  ui_picture,        ui_machine, ui_ask,
                                        ui_feedback, ui_pause, ui_quit_requested, ui_destroy };

lab_ui *tui_lab_ui_create(const tui_command_hook *hook, const char *title) {
    tui_lab *lab = calloc(1, sizeof *lab);
    if (!lab) return NULL;
    lab->base.ops = &TUI_LAB_OPS;
    lab->base.routes_pictures = true;
    lab->base.pauses = true;   /* each step stays on the screen until Enter */
    lab->hook = hook;
    snprintf(lab->title, sizeof lab->title, "%s", title);
    lab->t.lab = lab;
    lab->t.focus = SLOT_LAB;
    lab->t.slice_cycles = 1000000;
    tui_term_start();
    return &lab->base;
}
