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

typedef enum gui_button_id { GUI_BTN_RUN, GUI_BTN_STEP, GUI_BTN_BACK, GUI_BTN_INPUT, GUI_BTN_COUNT } gui_button_id;
SDL_Rect gui_button_rect(int b);

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
int picture_main(int argc, char **argv);

#endif
