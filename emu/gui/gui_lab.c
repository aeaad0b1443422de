/* The lab screen of `vx86 lab FILE --gui`: a lab_ui (emu/lua/lab_ui.h) in the SDL2 window. The
 * lab pane (in the VGA console's place) holds the lab's transcript: its text, the pictures it
 * shows (in place, as the text walk-through has them), the questions and how each answer went;
 * the answer is typed on its last line. The other panes show the machine the lab drives, and the
 * window's controls work on it while the lab waits (F5 run/pause, F10 step, F9 step back), as the
 * TUI's lab screen (emu/tui/tui_lab.c) does. The lab engine calls ask and pause, which run the
 * window's frames until the learner answers or goes on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/gui/gui_internal.h"
#include "emu/lua/lab_ui.h"

typedef struct gui_lab {
    lab_ui base;                 /* first: the engine holds a lab_ui * */
    gui g;
    gui_lab_pane pane;
    int cap;
    char title[120];
    char input[256];
    bool done;                   /* the answer was submitted / the learner went on */
    bool last;
    int step, step_count;
    double score, max_score;
    lab_ui_machine lm;
    bool have_lm;
    size_t serial_synced;
} gui_lab;

static gui_lab *from_ui(lab_ui *ui) { return (gui_lab *)ui; }

static void add_line(gui_lab *lab, const char *p, size_t n)
{
    if (lab->pane.count == lab->cap) {
        int cap = lab->cap ? lab->cap * 2 : 256;
        char **l = realloc(lab->pane.lines, sizeof *l * (size_t)cap);
        if (!l)
            return;
        lab->pane.lines = l;
        lab->cap = cap;
    }
    char *t = malloc(n + 1);
    if (!t)
        return;
    for (size_t k = 0; k < n; k++)
        t[k] = p[k] == '\t' ? ' ' : p[k];   /* ctx.print separates with tabs */
    t[n] = 0;
    lab->pane.lines[lab->pane.count++] = t;
}

/* One transcript line per text line (a final newline ends the last line, no empty one). */
static void add_text(gui_lab *lab, const char *text)
{
    const char *p = text;
    do {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        add_line(lab, p, n);
        p += n + (nl ? 1 : 0);
        if (!nl)
            break;
    } while (*p);
    lab->pane.scroll = 0;
}

static void set_header(gui_lab *lab)
{
    if (lab->step)
        snprintf(lab->pane.header, sizeof lab->pane.header, "%.90s  |  step %d/%d  |  score %g/%g", lab->title, lab->step,
                 lab->step_count, lab->score, lab->max_score);
    else
        snprintf(lab->pane.header, sizeof lab->pane.header, "%s", lab->title);
}

/* ---- the window's hooks: keys first to the lab, then the machine the lab drives ---- */

static bool lab_key(void *ctx, gui *g, const SDL_Event *e)
{
    gui_lab *lab = ctx;
    int page = gui_pane_rect(GUI_PANE_VGA).h / PIC_LINE_PX - 2;
    if (e->type == SDL_MOUSEWHEEL) {
        lab->pane.scroll += e->wheel.y * 3;
        if (lab->pane.scroll < 0)
            lab->pane.scroll = 0;
        return true;
    }
    if (e->type == SDL_TEXTINPUT) {   /* typing is for the answer, never the lab's machine */
        size_t len = strlen(lab->input), add = strlen(e->text.text);
        if (lab->pane.asking && len + add < sizeof lab->input)
            memcpy(lab->input + len, e->text.text, add + 1);
        lab->pane.scroll = 0;
        return true;
    }
    if (e->type != SDL_KEYDOWN)
        return false;
    SDL_Keycode k = e->key.keysym.sym;
    bool ctrl = (e->key.keysym.mod & KMOD_CTRL) != 0;
    switch (k) {
    case SDLK_ESCAPE: g->leave = true; return true;
    case SDLK_RETURN: case SDLK_KP_ENTER:
        if (lab->pane.asking && !lab->input[0])
            snprintf(g->v.message, sizeof g->v.message, "type an answer first");
        else if (lab->pane.asking || lab->pane.pausing)
            lab->done = true;
        return true;
    case SDLK_BACKSPACE:
        if (lab->input[0])
            lab->input[strlen(lab->input) - 1] = 0;
        return true;
    case SDLK_PAGEUP: lab->pane.scroll += page; return true;
    case SDLK_PAGEDOWN:
        lab->pane.scroll = lab->pane.scroll > page ? lab->pane.scroll - page : 0;
        return true;
    case SDLK_u:
        if (ctrl)
            lab->input[0] = 0;
        return ctrl;
    default: return !(k == SDLK_F5 || k == SDLK_F9 || k == SDLK_F10);   /* the machine's controls */
    }
}

/* The machine the lab drives now: it may have been closed or replaced by the lab's code, and its
 * serial output grows (or rewinds after a snapshot restore). */
static void lab_sync(void *ctx, gui *g)
{
    gui_lab *lab = ctx;
    machine *m = lab->have_lm ? lab->lm.get(lab->lm.ctx) : NULL;
    if (m != g->v.m) {
        g->v.m = m;
        g->v.running = g->v.ended = false;
        tui_serial_free(&g->serial);
        lab->serial_synced = 0;
        gui_track_history(g);
    }
    if (!m)
        return;
    size_t len;
    const char *serial = lab->lm.serial(lab->lm.ctx, &len);
    if (len < lab->serial_synced) {
        tui_serial_free(&g->serial);
        lab->serial_synced = 0;
    }
    for (size_t k = lab->serial_synced; k < len; k++)
        tui_serial_put(&g->serial, (uint8_t)serial[k]);
    lab->serial_synced = len;
}

/* Frames until the learner answers, goes on or closes the window. */
static void wait_for_learner(gui_lab *lab)
{
    lab->done = false;
    lab->g.v.message[0] = 0;
    while (!lab->done && gui_frame(&lab->g))
        ;
}

/* ---- the lab_ui operations ---- */

static void ui_say(lab_ui *ui, const char *text) { add_text(from_ui(ui), text); }

static void ui_step(lab_ui *ui, int index, int count, const char *title)
{
    gui_lab *lab = from_ui(ui);
    char head[512];
    snprintf(head, sizeof head, "== Step %d/%d: %s ==", index, count, title);
    add_text(lab, "");
    add_text(lab, head);
    lab->step = index;
    lab->step_count = count;
    set_header(lab);
}

static void ui_picture(lab_ui *ui, const char *title, const char *text)
{
    gui_lab *lab = from_ui(ui);
    char head[256];
    snprintf(head, sizeof head, "-- %s --", title);
    add_text(lab, head);
    add_text(lab, text);
}

static void ui_machine(lab_ui *ui, const lab_ui_machine *m)
{
    gui_lab *lab = from_ui(ui);
    lab->have_lm = m != NULL;
    if (m)
        lab->lm = *m;
    lab_sync(lab, &lab->g);
}

static bool ui_ask(lab_ui *ui, const char *id, const char *text, double points, char *answer, size_t cap)
{
    gui_lab *lab = from_ui(ui);
    char line[1024];
    snprintf(line, sizeof line, "Q %s (%g point%s): %s", id, points, points == 1 ? "" : "s", text ? text : "");
    add_text(lab, "");
    add_text(lab, line);
    lab->input[0] = 0;
    lab->pane.asking = true;
    wait_for_learner(lab);
    lab->pane.asking = false;
    if (lab->g.leave)
        return false;
    snprintf(answer, cap, "%s", lab->input);
    snprintf(line, sizeof line, "> %s", lab->input);
    add_text(lab, line);
    return true;
}

static void ui_feedback(lab_ui *ui, bool answered, bool correct, const char *expected, double score, double max)
{
    gui_lab *lab = from_ui(ui);
    char line[512];
    lab->score = score;
    lab->max_score = max;
    if (!answered)
        snprintf(line, sizeof line, "  (no answer) the answer is %s", expected);
    else if (correct)
        snprintf(line, sizeof line, "  correct");
    else
        snprintf(line, sizeof line, "  not quite: the answer is %s", expected);
    add_text(lab, line);
    set_header(lab);
}

static void ui_pause(lab_ui *ui, bool last)
{
    gui_lab *lab = from_ui(ui);
    lab->last = last;
    lab->pane.pausing = true;
    if (last)
        add_text(lab, "(end of the lab: Enter or closing the window quits)");
    wait_for_learner(lab);
    lab->pane.pausing = false;
}

static bool ui_quit_requested(lab_ui *ui) { return from_ui(ui)->g.leave && !from_ui(ui)->last; }

static void ui_destroy(lab_ui *ui)
{
    gui_lab *lab = from_ui(ui);
    gui_release(&lab->g);
    tui_serial_free(&lab->g.serial);
    for (int k = 0; k < lab->pane.count; k++)
        free(lab->pane.lines[k]);
    free(lab->pane.lines);
    free(lab);
}

static const lab_ui_ops GUI_LAB_OPS = { ui_say, ui_step, ui_picture, ui_machine, ui_ask,
                                        ui_feedback, ui_pause, ui_quit_requested, ui_destroy };

lab_ui *gui_lab_ui_create(const char *title)
{
    gui_lab *lab = calloc(1, sizeof *lab);
    if (!lab)
        return NULL;
    lab->base.ops = &GUI_LAB_OPS;
    lab->base.routes_pictures = false;   /* the pictures stay in place in the transcript */
    lab->base.pauses = true;
    snprintf(lab->title, sizeof lab->title, "%s", title);
    set_header(lab);
    gui *g = &lab->g;
    g->v.serial = &g->serial;
    g->v.lab = &lab->pane;
    g->v.speed = 1.0;
    g->history = true;
    g->mode = (gui_mode){ lab, lab_key, lab_sync };
    lab->pane.input = lab->input;
    if (!gui_resources(g, NULL) || !gui_window_open(g, "vx86 lab")) {
        gui_release(g);
        free(lab);
        return NULL;
    }
    return &lab->base;
}
