/* The VGA console font: 256 glyphs of 8x16 pixels in code page 437 order, read at run time from
 *  - a VGA BIOS ROM image: the default is Debian's vgabios package (the LGPL Plex86/Bochs VGA
 *    BIOS), whose 8x16 table is the IBM VGA font, found in the image by three glyphs every VGA
 *    font has (NUL blank, 'A', 'H'); or
 *  - a Linux console font (PSF1 or PSF2, gzip'd or not) through its Unicode table, each CP437
 *    byte taking the glyph the font gives its Unicode character (devices/vga.h's mapping); such
 *    fonts lack some CP437 glyphs (Uni2-VGA16: 26, shown as '?', and the double-line box
 *    characters drawn single), so they are the fallback, not the default. */
#ifndef VX86_GUI_FONT_H
#define VX86_GUI_FONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUI_FONT_DEFAULT "/usr/share/vgabios/vgabios.bin"
#define GUI_GLYPH_H 16

typedef struct gui_font {
    uint8_t glyph[256][GUI_GLYPH_H];   /* row bytes, bit 7 = the leftmost pixel */
    int missing;                       /* CP437 bytes the font has no glyph for (shown as '?') */
} gui_font;

/* Load path (NULL: GUI_FONT_DEFAULT). false with "PATH: reason" in err. */
bool gui_font_load(gui_font *f, const char *path, char *err, size_t errlen);

#endif
