/* Shared between tui.c (the terminal, keys, run loop, `vx86 tui`) and tui_lab.c (the lab screen
 * of `vx86 lab`). Not a public header: front ends use tui.h. */
#ifndef VX86_TUI_INTERNAL_H
#define VX86_TUI_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "emu/gdb/gdbstub.h"
#include "emu/tui/session.h"

typedef struct pane_box {
    int y, x, h, w;
} pane_box;

/* The screen's slots. `vx86 tui` uses the first five; the lab screen uses LAB, PICTURES, REGS,
 * DISASM and CONSOLE (whose tabs then include the stack and the info panes). A slot with h == 0
 * is not on the screen. */
enum { SLOT_DISASM, SLOT_CONSOLE, SLOT_REGS, SLOT_STACK, SLOT_INFO, SLOT_LAB, SLOT_PICTURES, SLOT_COUNT };

typedef struct tui_lab tui_lab;

typedef struct tui {
    tui_session s;
    bool have_session;          /* false on the lab screen until the lab boots a machine */
    tui_lab *lab;               /* the lab screen's state, NULL for `vx86 tui` */
    int focus;                  /* slot */
    int tab[SLOT_COUNT];        /* the visible tab of tabbed slots */
    bool zoom;
    bool narrow;                /* `vx86 tui` below TUI_WIDE_COLS: disassembly over registers + tabs */
    bool serial_typing;         /* keys go to the guest's UART */
    bool quit;
    bool loop_done;             /* ends tui_run_loop without quitting (the lab got its answer) */
    uint64_t slice_cycles;      /* cycles per run slice, tuned to ~10 ms of host time */
    pane_box slots[SLOT_COUNT];
    char *output;               /* multi-line output of the last ':' command, shown until a key */
    gdbstub_server *gdb;        /* --gdb: gdb may connect while the TUI shows the machine */
    gdbstub_state gdb_state;    /* the last poll's state, WAITING when no debugger */
} tui;

/* The terminal: curses on (raw keys, colours) and off. */
void tui_term_start(void);
void tui_term_end(void);
void tui_draw(tui *t);
/* Keys and runs until t->quit or t->loop_done. */
void tui_run_loop(tui *t);

/* ---- the lab screen (tui_lab.c), called by tui.c ---- */
/* Follow the lab's current machine and copy its new serial output into the session. */
void tui_lab_sync(tui *t);
/* Lines of the lab pane or the pictures pane for a box of rows x cols. */
const tui_view *tui_lab_render(tui *t, int slot, int rows, int cols);
/* A key for the lab screen first: true when it took it. */
bool tui_lab_key(tui *t, int ch);
/* The header and key-line texts of the lab screen. */
void tui_lab_header(tui *t, char *buf, size_t cap);
const char *tui_lab_keys(tui *t);

#endif
