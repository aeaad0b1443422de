/* A picture as a display list: rectangles, lines and text in pixel coordinates. Every diagram's
 * view model lays itself out into a scene once (the files of emu/pictures); the SVG writer here and the SDL
 * renderer (emu/gui/draw.c) only draw scenes, so no picture is drawn twice by hand. */
#ifndef VX86_PIC_SCENE_H
#define VX86_PIC_SCENE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PIC_NONE 0xFF000000u           /* no fill / no stroke (colours are 0xRRGGBB) */
#define PIC_TEXT_BYTES 96
#define PIC_FONT_PX 12                 /* text is one size: a line is PIC_LINE_PX high */
#define PIC_LINE_PX 16
#define PIC_CHAR_PX 7                  /* width of a monospace character at PIC_FONT_PX */

typedef enum pic_item_kind { PIC_RECT, PIC_LINE, PIC_TEXT } pic_item_kind;
typedef enum pic_align { PIC_LEFT, PIC_MIDDLE, PIC_RIGHT } pic_align;

typedef struct pic_item {
    uint8_t kind;                       /* pic_item_kind */
    uint8_t align;                      /* text: pic_align around x */
    int x, y, w, h;                     /* rect: the box; line: from (x,y) to (x+w,y+h); text: x and
                                         * the top of its line (PIC_LINE_PX high) */
    uint32_t fill;                      /* rect fill, text colour */
    uint32_t stroke;                    /* rect outline, line colour */
    char text[PIC_TEXT_BYTES];          /* text: the string (UTF-8); rect: a tooltip, may be "" */
} pic_item;

typedef struct pic_scene {
    int width, height;
    uint32_t background;
    char title[PIC_TEXT_BYTES];
    pic_item *items;
    size_t count, cap;
    bool failed;                        /* out of memory: items are missing */
} pic_scene;

void pic_scene_init(pic_scene *s, int width, int height, const char *title);
void pic_scene_free(pic_scene *s);
void pic_rect(pic_scene *s, int x, int y, int w, int h, uint32_t fill, uint32_t stroke, const char *tip);
void pic_line(pic_scene *s, int x1, int y1, int x2, int y2, uint32_t colour);
void pic_text(pic_scene *s, int x, int y, pic_align align, uint32_t colour, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Every text item, one per line, in order (what the unit tests compare with the text form). */
char *pic_scene_strings(const pic_scene *s);
/* SVG 1.1 of the scene; malloc'd, NULL if out of memory. */
char *pic_scene_svg(const pic_scene *s);
/* Write the SVG to path; false with "PATH: reason" in err. */
bool pic_scene_write_svg(const pic_scene *s, const char *path, char *err, size_t errlen);

/* A growing string (the text and SVG writers share it). */
typedef struct pic_buf {
    char *s;
    size_t len, cap;
    bool failed;
} pic_buf;
void pic_printf(pic_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The string (never NULL unless out of memory; then the buffer is freed). */
char *pic_finish(pic_buf *b);

#endif
