/* A TUI debugging session without the terminal: the machine, its serial scrollback, breakpoints
 * and watchpoints, the run state (continue / finish / step over / run N cycles), the ':' commands
 * and the per-pane view models. tui.c draws it; --dump-screen prints it; tests drive it. */
#ifndef VX86_TUI_SESSION_H
#define VX86_TUI_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "emu/machine.h"
#include "emu/tui/tui.h"
#include "emu/tui/views.h"

typedef enum tui_pane {
    TUI_PANE_DISASM, TUI_PANE_REGS, TUI_PANE_STACK, TUI_PANE_MEMORY, TUI_PANE_SERIAL, TUI_PANE_VGA,
    TUI_PANE_WALK, TUI_PANE_VMCB, TUI_PANE_EVENTS, TUI_PANE_TASKS, TUI_PANE_NS, TUI_PANE_CGROUPS, TUI_PANE_EXITS,
    TUI_PANE_COUNT
} tui_pane;

typedef enum tui_run_kind { TUI_RUN_CONTINUE, TUI_RUN_CYCLES, TUI_RUN_FINISH, TUI_RUN_STEP_OVER } tui_run_kind;

#define TUI_MAX_WATCHES MACHINE_MAX_WATCHPOINTS
#define TUI_MEM_SNAPSHOT 1024

typedef struct tui_session {
    machine *m;
    bool borrowed;                  /* someone else's machine (the lab's): never destroyed here */
    tui_serial serial;
    machine_regs regs, prev;        /* at this stop and at the one before: changes are highlighted */
    bool have_prev;
    uint32_t bps[MACHINE_MAX_BREAKPOINTS];
    int bp_count;
    struct { uint32_t addr, len; int kind; } watches[TUI_MAX_WATCHES];
    int watch_count;
    uint32_t disasm_focus;          /* the disassembly shows this address ... */
    bool disasm_follow;             /* ... or EIP when set */
    uint32_t mem_addr;
    char mem_follow[8];             /* register the memory pane follows, "" for a fixed address */
    uint8_t mem_prev[TUI_MEM_SNAPSHOT];   /* memory at the last stop, for change highlighting */
    uint32_t mem_prev_addr;
    size_t mem_prev_len;
    uint32_t walk_addr;
    bool walk_follow_eip;
    /* run state */
    bool running;
    bool idle;                      /* running, but the guest sleeps in HLT waiting for input */
    tui_run_kind run_kind;
    uint64_t run_left;              /* TUI_RUN_CYCLES */
    uint32_t temp_bp;               /* finish / step over */
    bool temp_bp_set, temp_bp_is_user;
    uint32_t finish_esp;            /* stop at temp_bp only with ESP >= this (not in a deeper call) */
    bool ended;                     /* exited or shut down: nothing more will run */
    char message[256];
    const tui_command_hook *hook;
    void *hook_ctx;
    tui_view *views;                /* TUI_PANE_COUNT of them */
} tui_session;

/* Build the machine (serial output captured) and the views. false with a one-line err. */
bool tui_session_open(tui_session *s, const machine_config *cfg, const tui_command_hook *hook, char *err,
                      size_t errlen);
void tui_session_close(tui_session *s);
/* A session over a machine someone else owns and feeds serial output to (the lab's): close leaves
 * the machine alone; the owner copies serial bytes in with tui_serial_put(&s->serial, ...). */
bool tui_session_attach(tui_session *s, machine *m, const tui_command_hook *hook, char *err, size_t errlen);

/* Record a stop: the registers and memory now become "this stop", the old ones "the last". */
void tui_session_stopped(tui_session *s);

/* One instruction (stepping off a breakpoint at EIP); records the stop. */
void tui_session_step(tui_session *s);
/* Reverse execution (emu/replay.c): back one instruction; back to the previous breakpoint or
 * watchpoint hit (or the start of the history). The message says where, and how far back. */
void tui_session_step_back(tui_session *s);
void tui_session_reverse_continue(tui_session *s);
/* Start running: continue, finish (to the caller), step over (a call), or `cycles` cycles. */
void tui_session_start(tui_session *s, tui_run_kind kind, uint64_t cycles);
/* Run at most `cycles` more; returns true while still running. On a stop it records it and
 * sets the message. */
bool tui_session_slice(tui_session *s, uint64_t cycles);
/* Stop a run (a key or Ctrl-C). */
void tui_session_interrupt(tui_session *s);

bool tui_session_toggle_breakpoint(tui_session *s, uint32_t addr, bool *now_set);
bool tui_session_add_watch(tui_session *s, uint32_t addr, uint32_t len, int kind);

/* A ':' command line: built-ins first, then the hook. Output (possibly several lines) in out. */
void tui_session_command(tui_session *s, const char *line, char *out, size_t cap);

/* Fill a pane's view model for a pane of rows x cols (text lines, not counting the border). */
tui_view *tui_session_render(tui_session *s, tui_pane pane, int rows, int cols);
/* Every pane as plain text (--dump-screen). */
void tui_session_dump(tui_session *s, FILE *out);

/* "main+0x1f (0x00100123)" or "0x00100123" for messages. */
void tui_session_describe(tui_session *s, uint32_t addr, char *buf, size_t cap);

#endif
