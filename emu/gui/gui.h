/* vx86 gui (an SDL2 window over the machine) and vx86 picture (one diagram as SVG, text or PNG). */
#ifndef VX86_GUI_H
#define VX86_GUI_H

#include <SDL.h>
#include <SDL_ttf.h>

#include "emu/gui/draw.h"
#include "emu/machine.h"
#include "emu/tui/views.h"

/* The window's layout: one canvas of GUI_W x GUI_H pixels (scaled to the window's size). */
#define GUI_W 1280
#define GUI_H 840
#define GUI_BAR_H 28        /* the control bar on top */
#define GUI_TITLE_H 16      /* each pane's title strip */

typedef enum gui_pane_id {
    GUI_PANE_VGA, GUI_PANE_SERIAL, GUI_PANE_MEMMAP, GUI_PANE_PAGETABLE, GUI_PANE_WALK, GUI_PANE_EXITS,
    GUI_PANE_GANTT, GUI_PANE_NAMESPACES, GUI_PANE_CGROUPS, GUI_PANE_COUNT
} gui_pane_id;

/* Where pane p's content sits on the canvas (its title strip is just above). */
SDL_Rect gui_pane_rect(int p);
const char *gui_pane_title(int p);
struct gui_view;
/* Where pane p sits for this view: `os --gui` and `lab --gui` arrange the panes differently. */
SDL_Rect gui_view_pane_rect(const struct gui_view *v, int p);

typedef enum gui_button_id { GUI_BTN_RUN, GUI_BTN_STEP, GUI_BTN_BACK, GUI_BTN_INPUT, GUI_BTN_COUNT } gui_button_id;
SDL_Rect gui_button_rect(int b);

/* The lab pane of `vx86 lab --gui` (gui_lab.c): the lab's transcript (narrative, pictures in
 * place, questions, feedback) and the answer being typed. It takes the VGA console's place. */
typedef struct gui_lab_pane {
    char header[160];               /* title, step, score */
    char **lines;                   /* the transcript, one entry per line */
    int count;
    int scroll;                     /* rows scrolled up from the newest */
    bool asking, pausing;
    const char *input;              /* the answer typed so far (while asking) */
} gui_lab_pane;

/* The state one frame draws from. */
typedef struct gui_view {
    machine *m;
    uint32_t ram_bytes;
    const tui_serial *serial;
    bool running, ended, keyboard_input;
    bool back_available;            /* a step-back hook exists (reverse execution) */
    double speed;                   /* virtual seconds per wall second; 0 = as fast as it goes */
    uint32_t walk_addr;
    bool walk_set;
    bool os;                        /* `vx86 os --gui`: the serial console is the toy OS's terminal */
    const gui_lab_pane *lab;        /* `vx86 lab --gui`: the lab pane instead of the VGA console */
    char message[160];
} gui_view;

/* Draw the whole window onto canvas (GUI_W x GUI_H). font: the UI font; vga: the console font. */
void gui_render(SDL_Surface *canvas, const gui_view *v, TTF_Font *font, const gui_font *vga);

/* Build the machine of `vx86 run` options (with --serial-input, --keys, --input-after queued),
 * COM1 going to serial and, with echo, to stdout too; NULL with the message printed and the
 * exit status in *rc. */
#include "emu/cli.h"
machine *gui_boot(const cli_run_options *opts, tui_serial *serial, bool echo, int *rc);

int gui_main(int argc, char **argv);
/* `vx86 os --gui`: argv holds the toy OS's kernel, its --module initrd and the user's options
 * (emu/main.c finds the images). The window's serial console is the toy OS's terminal; Ctrl-]
 * or closing the window leaves. */
int gui_os_main(int argc, char **argv);
/* `vx86 lab FILE --gui`: the lab screen in the window (gui_lab.c); NULL (with one line on stderr)
 * when there is no display. Registered with lab_set_window_ui by emu/main.c. */
struct lab_ui;
struct lab_ui *gui_lab_ui_create(const char *title);
int picture_main(int argc, char **argv);

#endif
