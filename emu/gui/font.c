/* PSF console fonts (the Linux kbd formats: PSF1 and PSF2 with a Unicode table), gzip'd. */
#include "emu/gui/font.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "devices/vga.h"

#define FONT_MAX_BYTES (1u << 20)
#define PSF1_MAGIC0 0x36
#define PSF1_MAGIC1 0x04
#define PSF1_MODE512 0x01
#define PSF1_MODEHASTAB 0x06
#define PSF1_SEPARATOR 0xFFFF
#define PSF1_STARTSEQ 0xFFFE
#define PSF2_MAGIC 0x864AB572u
#define PSF2_HAS_UNICODE_TABLE 0x01
#define PSF2_SEPARATOR 0xFF
#define PSF2_STARTSEQ 0xFE

static uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

/* For each glyph, the Unicode characters it stands for: filled into map[u] = glyph for u < 65536. */
static void map_psf1(const uint8_t *tab, size_t len, unsigned glyphs, int32_t *map)
{
    size_t i = 0;
    for (unsigned g = 0; g < glyphs && i + 1 < len; g++) {
        bool seq = false;
        for (; i + 1 < len; i += 2) {
            unsigned u = tab[i] | tab[i + 1] << 8;
            if (u == PSF1_SEPARATOR) { i += 2; break; }
            if (u == PSF1_STARTSEQ) seq = true;
            else if (!seq && map[u] < 0) map[u] = (int32_t)g;
        }
    }
}

static void map_psf2(const uint8_t *tab, size_t len, unsigned glyphs, int32_t *map)
{
    size_t i = 0;
    for (unsigned g = 0; g < glyphs && i < len; g++) {
        bool seq = false;
        while (i < len) {
            uint8_t c = tab[i];
            if (c == PSF2_SEPARATOR) { i++; break; }
            if (c == PSF2_STARTSEQ) { seq = true; i++; continue; }
            /* one UTF-8 character */
            unsigned u, n;
            if (c < 0x80) u = c, n = 1;
            else if ((c & 0xE0) == 0xC0) u = c & 0x1F, n = 2;
            else if ((c & 0xF0) == 0xE0) u = c & 0x0F, n = 3;
            else u = c & 0x07, n = 4;
            for (unsigned k = 1; k < n && i + k < len; k++)
                u = u << 6 | (tab[i + k] & 0x3F);
            i += n;
            if (!seq && u < 65536 && map[u] < 0) map[u] = (int32_t)g;
        }
    }
}

/* A VGA BIOS keeps its 8x16 font as 256 x 16 bytes in CP437 order: find the table by glyphs
 * 0 (blank), 'A' and 'H' of the IBM VGA font. */
static bool rom_font(gui_font *f, const uint8_t *data, size_t len)
{
    static const uint8_t A[16] = { 0, 0, 0x10, 0x38, 0x6C, 0xC6, 0xC6, 0xFE, 0xC6, 0xC6, 0xC6, 0xC6, 0, 0, 0, 0 };
    static const uint8_t H[16] = { 0, 0, 0xC6, 0xC6, 0xC6, 0xC6, 0xFE, 0xC6, 0xC6, 0xC6, 0xC6, 0xC6, 0, 0, 0, 0 };
    static const uint8_t ZERO[16] = { 0 };
    for (size_t o = 0; o + 256 * GUI_GLYPH_H <= len; o++)
        if (!memcmp(data + o + 'A' * GUI_GLYPH_H, A, 16) && !memcmp(data + o + 'H' * GUI_GLYPH_H, H, 16) &&
            !memcmp(data + o, ZERO, 16)) {
            memcpy(f->glyph, data + o, sizeof f->glyph);
            return true;
        }
    return false;
}

bool gui_font_load(gui_font *f, const char *path, char *err, size_t errlen)
{
    if (!path)
        path = GUI_FONT_DEFAULT;
    memset(f, 0, sizeof *f);
    gzFile z = gzopen(path, "rb");
    if (!z) {
        snprintf(err, errlen, "%s: cannot read the console font: %s (install vgabios)", path,
                 strerror(errno ? errno : ENOENT));
        return false;
    }
    uint8_t *data = malloc(FONT_MAX_BYTES);
    int n = data ? gzread(z, data, FONT_MAX_BYTES) : -1;
    gzclose(z);
    if (n < 4) {
        snprintf(err, errlen, "%s: not a PSF console font (too short)", path);
        free(data);
        return false;
    }
    size_t len = (size_t)n;
    unsigned glyphs, charsize, height, width;
    size_t glyph_off;
    bool has_table;
    bool psf2 = len >= 32 && le32(data) == PSF2_MAGIC;
    if (data[0] == PSF1_MAGIC0 && data[1] == PSF1_MAGIC1) {
        glyphs = (data[2] & PSF1_MODE512) ? 512 : 256;
        charsize = height = data[3];
        width = 8;
        glyph_off = 4;
        has_table = (data[2] & PSF1_MODEHASTAB) != 0;
    } else if (psf2) {
        glyph_off = le32(data + 8);
        has_table = (le32(data + 12) & PSF2_HAS_UNICODE_TABLE) != 0;
        glyphs = le32(data + 16);
        charsize = le32(data + 20);
        height = le32(data + 24);
        width = le32(data + 28);
    } else if (rom_font(f, data, len)) {
        free(data);
        return true;
    } else {
        snprintf(err, errlen, "%s: neither a PSF console font nor a VGA BIOS with an 8x16 font", path);
        free(data);
        return false;
    }
    if (width != 8 || height != GUI_GLYPH_H || charsize != GUI_GLYPH_H || glyphs > 65536 ||
        glyph_off + (size_t)glyphs * charsize > len) {
        snprintf(err, errlen, "%s: the console needs an 8x16 font (this one is %ux%u, %u glyphs)", path, width, height,
                 glyphs);
        free(data);
        return false;
    }
    int32_t *map = malloc(65536 * sizeof *map);
    if (!map) {
        snprintf(err, errlen, "%s: out of memory", path);
        free(data);
        return false;
    }
    for (unsigned u = 0; u < 65536; u++)
        map[u] = -1;
    const uint8_t *tab = data + glyph_off + (size_t)glyphs * charsize;
    size_t tab_len = len - (glyph_off + (size_t)glyphs * charsize);
    if (has_table && psf2)
        map_psf2(tab, tab_len, glyphs, map);
    else if (has_table)
        map_psf1(tab, tab_len, glyphs, map);
    else
        for (unsigned u = 0; u < 256 && u < glyphs; u++)
            map[u] = (int32_t)u;   /* no table: assume the font is in CP437 order already */
    int32_t fallback = map['?'] >= 0 ? map['?'] : 0;
    for (int b = 0; b < 256; b++) {
        uint32_t u = b == 0 ? ' ' : vga_cp437_to_unicode((uint8_t)b);
        int32_t g = u < 65536 ? map[u] : -1;
        if (g < 0) {
            g = fallback;
            f->missing++;
        }
        memcpy(f->glyph[b], data + glyph_off + (size_t)g * charsize, GUI_GLYPH_H);
    }
    free(map);
    free(data);
    return true;
}
