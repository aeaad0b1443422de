/* What the pictures share (the Gantt chart, namespaces, cgroups, VM exits): a growing string for the
 * text and SVG renderers, XML escaping of guest bytes, a colour-blind-safe palette, and the walk
 * over a trace's current timeline that every model rebuilt from the trace makes. */
#ifndef VX86_VIS_TEXT_H
#define VX86_VIS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct trace;

typedef struct vis_buf {
    char *s;
    size_t len, cap;
    bool failed;            /* out of memory: vis_finish gives NULL */
} vis_buf;

void vis_printf(vis_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s as XML character data: <>&" escaped, bytes outside printable ASCII as '?' (guest bytes). */
void vis_xml(vis_buf *b, const char *s);
/* The string (malloc'd, "" when nothing was printed) or NULL after a failure. */
char *vis_finish(vis_buf *b);

/* v within [lo, hi]. */
static inline int vis_clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }
/* The width the SVG pictures draw at for a requested one: 320 to 4000 pixels. */
static inline int vis_svg_width(int width_px) { return vis_clamp(width_px, 320, 4000); }

/* A bar of `width` cells: '#' for the share used/limit, '.' for the rest ("[###.....]"). */
void vis_bar(vis_buf *b, uint64_t used, uint64_t limit, int width);

/* Okabe-Ito colours, one per series in turn. */
const char *vis_colour(size_t i);

/* The sequence numbers of the trace's events of kinds in `mask` on the current timeline as of
 * cycle `now` (0 = the newest event's), oldest first (as task_table_from_trace: walking back
 * from the newest event, an event counts only if its cycle is not above every later counted
 * one, nor above now; and, right after events of an abandoned run were skipped, not equal to
 * it either: that is the abandoned copy of the first event recorded after the restore). A run
 * abandoned before its events passed the restored run's first one cannot be told apart by
 * cycles and counts twice. *out is malloc'd (free it); false if out of memory. *partial says the
 * ring dropped older events. */
bool vis_timeline(const struct trace *t, uint64_t now, uint64_t mask, uint64_t **out, size_t *count,
                  bool *partial);

/* A NUL-padded string field of a payload into dst (size bytes + NUL). */
void vis_field_str(char *dst, size_t size, const uint8_t *p, size_t len, size_t off);
/* Little-endian fields; bytes past len read as zero. */
uint32_t vis_field32(const uint8_t *p, size_t len, size_t off);
uint64_t vis_field64(const uint8_t *p, size_t len, size_t off);

#endif
