/* TUI view models: pure functions from machine state to lines of text with highlight spans.
 * The ncurses front end (tui.c) only draws them; `vx86 tui --dump-screen` prints them as plain
 * text, and the unit tests read them directly, so the UI logic is testable without a terminal. */
#ifndef VX86_TUI_VIEWS_H
#define VX86_TUI_VIEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "emu/machine.h"

#define TUI_LINE_BYTES 256      /* one line of UTF-8 text, NUL included */
#define TUI_SPANS_PER_LINE 16
#define TUI_VIEW_LINES 128

/* What a piece of text means; the front end maps each to a colour. */
typedef enum tui_hl {
    TUI_HL_NORMAL,
    TUI_HL_CHANGED,      /* changed since the last stop */
    TUI_HL_CURRENT,      /* the instruction at EIP, the VGA cursor */
    TUI_HL_BREAKPOINT,
    TUI_HL_SYMBOL,
    TUI_HL_ADDRESS,
    TUI_HL_DIM,          /* clear flags, padding, "not mapped" */
    TUI_HL_FAULT,        /* a page fault, an unknown value */
    TUI_HL_GOOD,         /* a successful translation */
    TUI_HL_LABEL,        /* field names */
    TUI_HL_COUNT
} tui_hl;

typedef struct tui_span {
    uint16_t start, len;    /* bytes of tui_line.text */
    uint8_t hl;             /* tui_hl */
} tui_span;

typedef struct tui_line {
    char text[TUI_LINE_BYTES];
    uint16_t len;
    uint8_t span_count;
    tui_span spans[TUI_SPANS_PER_LINE];
} tui_line;

typedef struct tui_view {
    char title[96];
    int count;
    tui_line lines[TUI_VIEW_LINES];
} tui_view;

/* ---- building and reading views ---- */
void tui_view_clear(tui_view *v, const char *title_fmt, ...) __attribute__((format(printf, 2, 3)));
/* Start a new line (NULL when the view is full: later appends to NULL are ignored). */
tui_line *tui_view_line(tui_view *v);
/* Append formatted text to a line; a non-normal hl records a span over it. */
void tui_line_put(tui_line *l, tui_hl hl, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* First line containing needle at or after line `from`, or -1. */
int tui_view_find(const tui_view *v, const char *needle, int from);
/* The highlight of byte `at` of a line (TUI_HL_NORMAL outside every span). */
tui_hl tui_line_hl_at(const tui_line *l, size_t at);
/* The highlight of the first occurrence of needle in line `line`, or -1 if it is not there. */
int tui_view_hl_of(const tui_view *v, int line, const char *needle);
/* Plain text: "== title ==" then the lines. */
void tui_view_write(const tui_view *v, FILE *out);

/* ---- serial console scrollback ---- */
typedef struct tui_serial {
    char *buf;               /* raw output bytes, the most recent TUI_SERIAL_KEEP at most */
    size_t len, cap;
    uint64_t total;          /* bytes ever received */
} tui_serial;
#define TUI_SERIAL_KEEP (64u * 1024)
/* A machine_config.serial_out sink: ctx is a tui_serial. */
void tui_serial_put(void *ctx, uint8_t byte);
void tui_serial_free(tui_serial *s);

/* ---- the panes ---- */
/* Registers, flags, segments, control registers; fields that differ from *prev are CHANGED
 * (prev may be NULL: nothing is highlighted). */
void tui_view_regs(tui_view *v, const machine_regs *cur, const machine_regs *prev);
/* `rows` lines of disassembly around `focus` (usually EIP), with symbol labels, "name+off" per
 * instruction and the current instruction (eip) and breakpoints marked. */
void tui_view_disasm(tui_view *v, machine *m, uint32_t focus, uint32_t eip, const uint32_t *breakpoints,
                     int breakpoint_count, int rows);
/* Hex + ASCII from linear address addr; `follow` names the register followed (may be NULL);
 * bytes that differ from `prev` (prev_len bytes from prev_addr; prev may be NULL) are CHANGED. */
void tui_view_memory(tui_view *v, machine *m, uint32_t addr, int rows, int bytes_per_line, const char *follow,
                     const uint8_t *prev, uint32_t prev_addr, size_t prev_len);
/* Dwords from ESP up, with symbol names for values that point into code. */
void tui_view_stack(tui_view *v, machine *m, const machine_regs *r, int rows);
void tui_view_serial(tui_view *v, const tui_serial *s, int rows);
void tui_view_vga(tui_view *v, machine *m);
/* Every step of the walk of `lin`: with the CPU's paging state when vmcb is 0, else with the
 * guest paging state saved in that VMCB (the 2-D walk when it has nested paging). */
void tui_view_walk(tui_view *v, machine *m, uint32_t lin, uint32_t vmcb);
/* The VMCB at physical address vmcb decoded: intercepts by name, exit code and info, guest state,
 * nested paging. vmcb 0 says no VMCB is in use. */
void tui_view_vmcb(tui_view *v, machine *m, uint32_t vmcb);
/* The last `rows` events of the trace, newest last. */
void tui_view_events(tui_view *v, machine *m, int rows);

/* Parse an address: a number (hex with 0x, or bare hex), a symbol, "sym+off", or a register name
 * (its value). Returns false with a one-line reason in err. */
bool tui_parse_address(machine *m, const char *text, uint32_t *out, char *err, size_t errlen);

#endif
