/* The VGA console font: 256 glyphs of 8x16 pixels in code page 437 order, read at run time from a
 * Linux console font (PSF1 or PSF2, gzip'd or not) through its Unicode table, so that each CP437
 * byte shows the glyph the font gives its Unicode character (devices/vga.h's mapping). The
 * default is console-setup's Uni2-VGA16, the IBM VGA ROM font's shapes. */
#ifndef VX86_GUI_FONT_H
#define VX86_GUI_FONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUI_FONT_DEFAULT "/usr/share/consolefonts/Uni2-VGA16.psf.gz"
#define GUI_GLYPH_H 16

typedef struct gui_font {
    uint8_t glyph[256][GUI_GLYPH_H];   /* row bytes, bit 7 = the leftmost pixel */
    int missing;                       /* CP437 bytes the font has no glyph for (shown as '?') */
} gui_font;

/* Load path (NULL: GUI_FONT_DEFAULT). false with "PATH: reason" in err. */
bool gui_font_load(gui_font *f, const char *path, char *err, size_t errlen);

#endif
