/* The SDL renderer of pictures: scenes (emu/pictures/scene.h) and the VGA console onto an
 * SDL_Surface in software, so the window and the offscreen screenshot are the same pixels. */
#ifndef VX86_GUI_DRAW_H
#define VX86_GUI_DRAW_H

#include <stdbool.h>
#include <SDL.h>
#include <SDL_ttf.h>

#include "emu/gui/font.h"
#include "emu/pictures/pictures.h"

#define GUI_TTF_DEFAULT "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"

/* A canvas: 32-bit XRGB pixels. NULL (with SDL_GetError) on failure. */
SDL_Surface *gui_canvas(int width, int height);
uint32_t gui_pixel(SDL_Surface *s, int x, int y);    /* 0xRRGGBB */
void gui_fill(SDL_Surface *s, int x, int y, int w, int h, uint32_t rgb);
/* The scene with its origin at (ox, oy), clipped to its width x height. font may be NULL
 * (text is then left out: the unit tests check shapes). */
void gui_draw_scene(SDL_Surface *dst, int ox, int oy, const pic_scene *sc, TTF_Font *font);
/* The console's cells as the VGA draws them: 8x16 glyphs, foreground and background colours,
 * the cursor as an underline (scan lines 14-15) in the cell's foreground colour. */
void gui_draw_console(SDL_Surface *dst, int ox, int oy, const pic_console *c, const gui_font *font);
/* Write the canvas as PNG; false with "PATH: reason" in err. */
bool gui_save_png(SDL_Surface *s, const char *path, char *err, size_t errlen);

#endif
