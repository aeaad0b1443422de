/* What gui.c shares with the lab screen (gui_lab.c): the window's state and one frame of its
 * event loop, so `vx86 lab --gui` runs the same window while the lab engine waits for an answer. */
#ifndef VX86_GUI_INTERNAL_H
#define VX86_GUI_INTERNAL_H

#include "emu/gui/gui.h"

typedef struct gui gui;

/* A front end inside the window (the lab screen): its keys come first, and it refreshes the
 * view (the machine the lab drives may change between frames). */
typedef struct gui_mode {
    void *ctx;
    bool (*key)(void *ctx, gui *g, const SDL_Event *e);   /* true: consumed */
    void (*sync)(void *ctx, gui *g);
} gui_mode;

struct gui {
    gui_view v;
    tui_serial serial;
    SDL_Surface *canvas, *prev;     /* the canvas drawn now, and as last shown */
    TTF_Font *font;
    gui_font vga;
    SDL_Window *win;
    bool full;                      /* send the whole canvas next time */
    bool was_running;
    bool leave;                     /* the learner closed the window (or left the OS) */
    bool history;                   /* step back is recorded on each machine shown */
    machine *history_on;            /* the machine history was last enabled on */
    double base_wall;               /* pacing: wall clock and cycle count at the last resume */
    uint64_t base_cycles;
    double run_s, draw_s, present_s;
    uint64_t frames, frame_limit;
    int exit_status;
    bool stats;                     /* --stats: also each step back's host time on stderr */
    gui_mode mode;
};

/* Open the window (title); false with "no display" printed. */
bool gui_window_open(gui *g, const char *title);
/* One frame: events, the guest's share of time, drawing, presenting; false once the window
 * was closed (or Ctrl-] in os mode, Esc elsewhere). */
bool gui_frame(gui *g);
/* Load the UI and console fonts and make the canvas; false with the message printed. */
bool gui_resources(gui *g, const char *console_font);
void gui_release(gui *g);
/* The machine g->v.m changed (or history should start on it): record from here for step back. */
void gui_track_history(gui *g);

#endif
