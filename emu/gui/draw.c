/* Software drawing of scenes and the console on SDL surfaces. */
#include "emu/gui/draw.h"

#include <SDL_image.h>
#include <stdio.h>
#include <stdlib.h>

SDL_Surface *gui_canvas(int width, int height)
{
    return SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_XRGB8888);
}

uint32_t gui_pixel(SDL_Surface *s, int x, int y)
{
    if (x < 0 || y < 0 || x >= s->w || y >= s->h)
        return 0;
    const uint32_t *row = (const uint32_t *)((const uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch);
    return row[x] & 0xFFFFFF;
}

void gui_fill(SDL_Surface *s, int x, int y, int w, int h, uint32_t rgb)
{
    SDL_Rect r = { x, y, w, h };
    SDL_FillRect(s, &r, SDL_MapRGB(s->format, (rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF));
}

static void plot(SDL_Surface *s, int x, int y, uint32_t rgb)
{
    SDL_Rect clip;
    SDL_GetClipRect(s, &clip);
    if (x < clip.x || y < clip.y || x >= clip.x + clip.w || y >= clip.y + clip.h)
        return;
    uint32_t *row = (uint32_t *)((uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch);
    row[x] = rgb;
}

/* Bresenham: one pixel per step of the longer axis. */
static void line(SDL_Surface *s, int x0, int y0, int x1, int y1, uint32_t rgb)
{
    int dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1, dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1, e = dx + dy;
    for (;;) {
        plot(s, x0, y0, rgb);
        if (x0 == x1 && y0 == y1)
            break;
        int e2 = 2 * e;
        if (e2 >= dy) { e += dy; x0 += sx; }
        if (e2 <= dx) { e += dx; y0 += sy; }
    }
}

static void text(SDL_Surface *dst, int x, int y, const pic_item *it, TTF_Font *font)
{
    SDL_Color c = { (it->fill >> 16) & 0xFF, (it->fill >> 8) & 0xFF, it->fill & 0xFF, 255 };
    SDL_Surface *t = TTF_RenderUTF8_Blended(font, it->text, c);
    if (!t)
        return;
    if (it->align == PIC_MIDDLE) x -= t->w / 2;
    else if (it->align == PIC_RIGHT) x -= t->w;
    SDL_Rect r = { x, y + (PIC_LINE_PX - t->h) / 2, t->w, t->h };
    SDL_BlitSurface(t, NULL, dst, &r);
    SDL_FreeSurface(t);
}

void gui_draw_scene(SDL_Surface *dst, int ox, int oy, const pic_scene *sc, TTF_Font *font)
{
    SDL_Rect old, clip = { ox, oy, sc->width, sc->height };
    SDL_GetClipRect(dst, &old);
    SDL_IntersectRect(&old, &clip, &clip);
    SDL_SetClipRect(dst, &clip);
    if (sc->background != PIC_NONE)
        gui_fill(dst, ox, oy, sc->width, sc->height, sc->background);
    SDL_LockSurface(dst);
    for (size_t i = 0; i < sc->count; i++) {
        const pic_item *it = &sc->items[i];
        int x = ox + it->x, y = oy + it->y;
        if (it->kind == PIC_RECT) {
            SDL_UnlockSurface(dst);
            if (it->fill != PIC_NONE)
                gui_fill(dst, x, y, it->w, it->h, it->fill);
            if (it->stroke != PIC_NONE && it->w > 0 && it->h > 0) {
                gui_fill(dst, x, y, it->w, 1, it->stroke);
                gui_fill(dst, x, y + it->h - 1, it->w, 1, it->stroke);
                gui_fill(dst, x, y, 1, it->h, it->stroke);
                gui_fill(dst, x + it->w - 1, y, 1, it->h, it->stroke);
            }
            SDL_LockSurface(dst);
        } else if (it->kind == PIC_LINE) {
            line(dst, x, y, x + it->w, y + it->h, it->stroke);
        } else if (font && it->text[0]) {
            SDL_UnlockSurface(dst);
            text(dst, x, y, it, font);
            SDL_LockSurface(dst);
        }
    }
    SDL_UnlockSurface(dst);
    SDL_SetClipRect(dst, &old);
}

void gui_draw_console(SDL_Surface *dst, int ox, int oy, const pic_console *c, const gui_font *font)
{
    SDL_Rect clip;
    SDL_GetClipRect(dst, &clip);
    SDL_LockSurface(dst);
    for (int r = 0; r < MACHINE_VGA_ROWS; r++)
        for (int k = 0; k < MACHINE_VGA_COLS; k++) {
            uint8_t a = c->attr[r][k];
            uint32_t fg = pic_vga_palette[a & 15], bg = pic_vga_palette[(a >> 4) & 7];
            const uint8_t *g = font->glyph[c->ch[r][k]];
            bool cursor = r == c->cur_row && k == c->cur_col;
            int x0 = ox + k * PIC_CELL_W;
            if (x0 < clip.x || x0 + PIC_CELL_W > clip.x + clip.w)
                continue;   /* cells are drawn whole or not at all */
            for (int y = 0; y < PIC_CELL_H; y++) {
                int py = oy + r * PIC_CELL_H + y;
                if (py < clip.y || py >= clip.y + clip.h)
                    continue;
                uint8_t bits = cursor && y >= PIC_CELL_H - 2 ? 0xFF : g[y];
                uint32_t *row = (uint32_t *)((uint8_t *)dst->pixels + (size_t)py * (size_t)dst->pitch) + x0;
                for (int x = 0; x < PIC_CELL_W; x++)
                    row[x] = (bits & (0x80 >> x)) ? fg : bg;
            }
        }
    SDL_UnlockSurface(dst);
}

bool gui_save_png(SDL_Surface *s, const char *path, char *err, size_t errlen)
{
    if (IMG_SavePNG(s, path) != 0) {
        snprintf(err, errlen, "%s: cannot write PNG: %s", path, IMG_GetError());
        return false;
    }
    return true;
}
