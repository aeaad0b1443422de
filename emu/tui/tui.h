/* `vx86 tui`: the ncurses debugger front end over the machine API (views.h holds the panes'
 * view models; this is the terminal around them). */
#ifndef VX86_TUI_H
#define VX86_TUI_H

#include <stdbool.h>
#include <stddef.h>

#include "emu/machine.h"

/* Minimum terminal size; smaller gets "terminal too small" instead of a broken layout. */
#define TUI_MIN_COLS 80
#define TUI_MIN_ROWS 24

/* A command line handler for ':' lines (the Lua `vx` module plugs in here: emu/lua/vxlua.h's
 * vxlua_command_create / vxlua_command / vxlua_command_destroy fit as they are). run() gets the
 * line and writes its output or its error (may be several lines) into out; it returns false on an
 * error. The built-in commands (break, delete, info break, watch, x, walk, regs, step, help) are
 * tried first; every other line goes to the hook. open() is called once the machine exists,
 * close() at exit. */
typedef bool (*tui_command_fn)(void *ctx, const char *line, char *out, size_t cap);
typedef struct tui_command_hook {
    void *(*open)(machine *m);
    tui_command_fn run;
    void (*close)(void *ctx);
} tui_command_hook;

/* Install the ':' hook before tui_main (NULL removes it). The struct must outlive tui_main. */
void tui_set_command_hook(const tui_command_hook *hook);

/* `vx86 tui IMAGE [run options] [--dump-screen [--until-symbol NAME] [--steps N] [--walk ADDR]]`:
 * argv[0] is the first argument after "tui". Returns the process exit status (emu/cli.h). */
int tui_main(int argc, char **argv);

/* The lab screen for `vx86 lab` on a terminal (emu/lua/lab_ui.h): the lab's text, questions and
 * answers in one pane, its vx.show pictures in another, the machine it drives in the rest. hook
 * serves ':' lines against that machine (may be NULL). NULL if the terminal cannot be used. */
struct lab_ui;
struct lab_ui *tui_lab_ui_create(const tui_command_hook *hook, const char *title);

#endif
