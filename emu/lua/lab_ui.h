/* The lab runner's user interface: what `vx86 lab` shows and asks, independent of how. The lab
 * engine (lab_engine.c, lab.c) calls these; lab_ui_text.c prints plain text (the `--text`
 * walk-through, the only one tests script), emu/tui/tui_lab.c draws the ncurses lab screen. The
 * engine never knows which one it talks to: the front end registers its screen below. */
#ifndef VX86_LAB_UI_H
#define VX86_LAB_UI_H

#include <stdbool.h>
#include <stddef.h>

struct machine;

/* The machine a lab currently drives, read through getters each time: the lab may close it or
 * replace it, and its serial buffer moves as it grows. ctx is the lab's "vx.machine". */
typedef struct lab_ui_machine {
    void *ctx;
    struct machine *(*get)(void *ctx);                   /* NULL once closed */
    const char *(*serial)(void *ctx, size_t *len);       /* COM1 output so far */
} lab_ui_machine;

typedef struct lab_ui lab_ui;

typedef struct lab_ui_ops {
    /* Narrative text (may hold several lines). */
    void (*say)(lab_ui *ui, const char *text);
    /* Step `index` of `count` begins. */
    void (*step)(lab_ui *ui, int index, int count, const char *title);
    /* A vx.show picture (page walk, page table, events); only called when routes_pictures. */
    void (*picture)(lab_ui *ui, const char *title, const char *text);
    /* The machine the lab drives now (NULL: none yet). Called after every piece of lab code. */
    void (*machine)(lab_ui *ui, const lab_ui_machine *m);
    /* Ask a question: false when there is no answer (end of input, or the learner quit). */
    bool (*ask)(lab_ui *ui, const char *id, const char *text, double points, char *answer, size_t cap);
    /* How the last question went; answered is false after ask returned false. */
    void (*feedback)(lab_ui *ui, bool answered, bool correct, const char *expected, double score, double max);
    /* Between steps (also after the last one, with last set): wait for the learner. */
    void (*pause)(lab_ui *ui, bool last);
    /* The learner asked to stop the lab. */
    bool (*quit_requested)(lab_ui *ui);
    void (*destroy)(lab_ui *ui);
} lab_ui_ops;

struct lab_ui {
    const lab_ui_ops *ops;
    bool routes_pictures;   /* vx.show.* output goes to ops->picture instead of into the text */
    bool pauses;            /* the engine calls ops->pause between steps */
};

/* Plain text on stdout, answers read from stdin; solve prefixes narrative lines with "# ". */
lab_ui *lab_ui_text_create(bool solve, bool pause);

/* The lab screen of a front end, for `vx86 lab` on a terminal: the front end registers its
 * factory (emu/main.c wires the TUI's), so the lab engine depends on no front end. NULL from
 * the factory (or none registered) falls back to plain text. */
typedef lab_ui *(*lab_ui_terminal_factory)(const char *title);
void lab_set_terminal_ui(lab_ui_terminal_factory factory);
/* The same for `vx86 lab --gui` (emu/main.c wires the SDL2 window's, emu/gui/gui_lab.c). NULL
 * from the factory: no window could open (it printed why); the lab does not start (status 2). */
void lab_set_window_ui(lab_ui_terminal_factory factory);

#endif
