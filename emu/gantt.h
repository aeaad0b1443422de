/* The scheduling Gantt chart as a view model: plain data (a cycle range and, per task, a label
 * and a list of [start, end) running spans) with renderers over it. Text and SVG are here; the
 * TUI strip draws the same model, and an SDL renderer needs nothing else. Lua builds it from
 * m:events{...} or a task table (vx.gantt, vx.show.gantt, vx.export.svg). */
#ifndef VX86_GANTT_H
#define VX86_GANTT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emu/trace_tasks.h"

#define GANTT_LABEL_BYTES 40

typedef struct gantt_row {
    char label[GANTT_LABEL_BYTES];   /* "PID NAME", or "vmV:PID NAME" inside a VM */
    uint32_t vm, pid;
    task_span *spans;                /* in cycle order, not overlapping */
    size_t count, cap;
    uint64_t total;                  /* cycles in spans, clipped to [start, end) */
} gantt_row;

typedef struct gantt {
    uint64_t start, end;             /* the cycles the chart covers, [start, end) */
    gantt_row *rows;
    size_t count, cap;
    bool failed;                     /* out of memory */
} gantt;

void gantt_init(gantt *g, uint64_t start, uint64_t end);
void gantt_free(gantt *g);
/* A row; NULL if out of memory. label may be NULL: "PID NAME" is made from name (may be NULL). */
gantt_row *gantt_add_row(gantt *g, uint32_t vm, uint32_t pid, const char *name);
/* A span of a row, clipped to the chart's range (spans outside it are dropped). */
void gantt_add_span(gantt *g, gantt_row *r, uint64_t start, uint64_t end);
/* One row per task of the table (in its (vm, pid) order), every span; the range is
 * [first record, last record or now] of the table. */
bool gantt_from_tasks(gantt *g, const task_table *tt);

/* Text: a heading with the range and the cycles per column, a strip per task of `columns`
 * characters ('#' ran at least half of the column, '+' ran less, ' ' did not run) with its
 * running cycles and share, a ruler with the cycle scale and a legend. malloc'd, NULL if out of
 * memory. columns is clamped to 8..400. */
char *gantt_text(const gantt *g, int columns);
/* One column's mark for a row: '#', '+' or ' ' (what gantt_text draws; the TUI uses it too). */
char gantt_cell(const gantt *g, const gantt_row *r, int column, int columns);
/* SVG 1.1: a labelled bar per task, a rectangle per span (with a <title> tooltip), a cycle axis
 * with five ticks and a legend. width_px is clamped to 320..4000. malloc'd, NULL if out of memory. */
char *gantt_svg(const gantt *g, int width_px);

#endif
