/* Scenes: a display list built by the view models, drawn by SVG (here) and SDL (emu/gui/draw.c). */
#include "emu/pictures/scene.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pic_printf(pic_buf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = true;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *pic_finish(pic_buf *b)
{
    if (b->failed) {
        free(b->s);
        return NULL;
    }
    if (!b->s)
        pic_printf(b, "%s", "");
    return b->s;
}

void pic_scene_init(pic_scene *s, int width, int height, const char *title)
{
    memset(s, 0, sizeof *s);
    s->width = width;
    s->height = height;
    s->background = 0xFFFFFF;
    snprintf(s->title, sizeof s->title, "%s", title ? title : "");
}

void pic_scene_free(pic_scene *s)
{
    free(s->items);
    s->items = NULL;
    s->count = s->cap = 0;
}

static pic_item *push(pic_scene *s, pic_item_kind kind)
{
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        pic_item *items = realloc(s->items, cap * sizeof *items);
        if (!items) {
            s->failed = true;
            return NULL;
        }
        s->items = items;
        s->cap = cap;
    }
    pic_item *it = &s->items[s->count++];
    memset(it, 0, sizeof *it);
    it->kind = (uint8_t)kind;
    it->fill = it->stroke = PIC_NONE;
    return it;
}

void pic_rect(pic_scene *s, int x, int y, int w, int h, uint32_t fill, uint32_t stroke, const char *tip)
{
    pic_item *it = push(s, PIC_RECT);
    if (!it)
        return;
    it->x = x, it->y = y, it->w = w, it->h = h;
    it->fill = fill;
    it->stroke = stroke;
    snprintf(it->text, sizeof it->text, "%s", tip ? tip : "");
}

void pic_line(pic_scene *s, int x1, int y1, int x2, int y2, uint32_t colour)
{
    pic_item *it = push(s, PIC_LINE);
    if (!it)
        return;
    it->x = x1, it->y = y1, it->w = x2 - x1, it->h = y2 - y1;
    it->stroke = colour;
}

void pic_text(pic_scene *s, int x, int y, pic_align align, uint32_t colour, const char *fmt, ...)
{
    pic_item *it = push(s, PIC_TEXT);
    if (!it)
        return;
    it->x = x, it->y = y, it->h = PIC_LINE_PX;
    it->align = (uint8_t)align;
    it->fill = colour;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(it->text, sizeof it->text, fmt, ap);
    va_end(ap);
    it->w = (int)strlen(it->text) * PIC_CHAR_PX;
}

char *pic_scene_strings(const pic_scene *s)
{
    pic_buf b = { 0 };
    for (size_t i = 0; i < s->count; i++)
        if (s->items[i].kind == PIC_TEXT)
            pic_printf(&b, "%s\n", s->items[i].text);
    return pic_finish(&b);
}

static void xml(pic_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '<') pic_printf(b, "&lt;");
        else if (c == '>') pic_printf(b, "&gt;");
        else if (c == '&') pic_printf(b, "&amp;");
        else if (c == '"') pic_printf(b, "&quot;");
        else if (c < 0x20 || c == 0x7F) pic_printf(b, "?");   /* guest bytes: keep the XML valid */
        else pic_printf(b, "%c", c);                          /* UTF-8 passes through */
    }
}

static void colour(pic_buf *b, const char *attr, uint32_t c)
{
    if (c == PIC_NONE)
        pic_printf(b, " %s=\"none\"", attr);
    else
        pic_printf(b, " %s=\"#%06x\"", attr, (unsigned)(c & 0xFFFFFF));
}

char *pic_scene_svg(const pic_scene *s)
{
    pic_buf b = { 0 };
    pic_printf(&b,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
               "font-family=\"DejaVu Sans Mono, monospace\" font-size=\"%d\">\n<title>",
               s->width, s->height, PIC_FONT_PX);
    xml(&b, s->title);
    pic_printf(&b, "</title>\n<rect width=\"%d\" height=\"%d\"", s->width, s->height);
    colour(&b, "fill", s->background);
    pic_printf(&b, "/>\n");
    static const char *const ANCHOR[] = { "start", "middle", "end" };
    for (size_t i = 0; i < s->count; i++) {
        const pic_item *it = &s->items[i];
        switch (it->kind) {
        case PIC_RECT:
            pic_printf(&b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"", it->x, it->y, it->w, it->h);
            colour(&b, "fill", it->fill);
            if (it->stroke != PIC_NONE)
                colour(&b, "stroke", it->stroke);
            if (it->text[0]) {
                pic_printf(&b, "><title>");
                xml(&b, it->text);
                pic_printf(&b, "</title></rect>\n");
            } else {
                pic_printf(&b, "/>\n");
            }
            break;
        case PIC_LINE:
            pic_printf(&b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"", it->x, it->y, it->x + it->w,
                       it->y + it->h);
            colour(&b, "stroke", it->stroke);
            pic_printf(&b, "/>\n");
            break;
        case PIC_TEXT:
            /* y is the top of the line; the baseline sits 3 pixels above its bottom. */
            pic_printf(&b, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\"", it->x, it->y + PIC_LINE_PX - 4,
                       ANCHOR[it->align % 3]);
            colour(&b, "fill", it->fill);
            pic_printf(&b, " xml:space=\"preserve\">");
            xml(&b, it->text);
            pic_printf(&b, "</text>\n");
            break;
        }
    }
    pic_printf(&b, "</svg>\n");
    return pic_finish(&b);
}

bool pic_scene_write_svg(const pic_scene *s, const char *path, char *err, size_t errlen)
{
    char *svg = pic_scene_svg(s);
    if (!svg) {
        snprintf(err, errlen, "%s: out of memory", path);
        return false;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        free(svg);
        return false;
    }
    size_t n = strlen(svg);
    bool ok = fwrite(svg, 1, n, f) == n;
    ok = fclose(f) == 0 && ok;
    free(svg);
    if (!ok)
        snprintf(err, errlen, "%s: write error: %s", path, strerror(errno));
    return ok;
}
