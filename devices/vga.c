/* VGA text-mode registers and rendering. Register facts from the IBM VGA Technical Reference;
 * the CP437 table is the standard IBM PC character set. */
#include "devices/vga.h"

#include <string.h>

#include "devices/devsnap.h"

#define VGA_SNAP_VERSION 1


static const uint16_t cp437[256] = {
    0x0020, 0x263A, 0x263B, 0x2665, 0x2666, 0x2663, 0x2660, 0x2022,
    0x25D8, 0x25CB, 0x25D9, 0x2642, 0x2640, 0x266A, 0x266B, 0x263C,
    0x25BA, 0x25C4, 0x2195, 0x203C, 0x00B6, 0x00A7, 0x25AC, 0x21A8,
    0x2191, 0x2193, 0x2192, 0x2190, 0x221F, 0x2194, 0x25B2, 0x25BC,
    /* 0x20-0x7E are ASCII, filled in below the table by cp437_lookup */
    [0x7F] = 0x2302,
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7,
    0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,
    0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9,
    0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192,
    0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA,
    0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
    0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,
    0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,
    0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,
    0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B,
    0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
    0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4,
    0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6, 0x03B5, 0x2229,
    0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248,
    0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
};

uint32_t vga_cp437_to_unicode(uint8_t ch)
{
    if (ch >= 0x20 && ch < 0x7F) return ch;
    return cp437[ch];
}

static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    out[0] = (char)(0xE0 | cp >> 12);
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

void vga_init(vga *d, const dev_host *host, const uint8_t *text_ram)
{
    memset(d, 0, sizeof *d);
    d->host = host;
    d->text = text_ram;
    d->misc = 0x67;                 /* colour I/O at 0x3Dx, as mode 3 leaves it */
    d->dac_mask = 0xFF;
    /* Mode 3 cursor: an underline on scan lines 13-14 of a 16-line cell. */
    d->crtc[CRTC_CURSOR_START] = 0x0D;
    d->crtc[CRTC_CURSOR_END] = 0x0E;
    d->crtc[0x09] = 0x0F;           /* maximum scan line: 16-line characters */
}

static uint16_t start_address(const vga *d)
{
    return (uint16_t)(d->crtc[CRTC_START_HI] << 8 | d->crtc[CRTC_START_LO]);
}

bool vga_cursor(const vga *d, int *row, int *col)
{
    uint16_t loc = (uint16_t)(d->crtc[CRTC_CURSOR_HI] << 8 | d->crtc[CRTC_CURSOR_LO]);
    int rel = (int)loc - (int)start_address(d);
    *row = rel >= 0 ? rel / VGA_COLS : -1;
    *col = rel >= 0 ? rel % VGA_COLS : -1;
    return !(d->crtc[CRTC_CURSOR_START] & CURSOR_OFF) && rel >= 0 && *row < VGA_ROWS;
}

void vga_cell(const vga *d, int row, int col, uint8_t *ch, uint8_t *attr)
{
    if (row < 0 || row >= VGA_ROWS || col < 0 || col >= VGA_COLS || !d->text) {
        *ch = ' ';
        *attr = 0x07;
        return;
    }
    /* The start address counts character cells; the window wraps at 32 KiB. */
    uint32_t off = ((uint32_t)start_address(d) + (uint32_t)(row * VGA_COLS + col)) * 2 % VGA_TEXT_BYTES;
    *ch = d->text[off];
    *attr = d->text[off + 1];
}

size_t vga_render_line(const vga *d, int row, bool trim, char *buf, size_t cap)
{
    char line[VGA_LINE_MAX];
    size_t len = 0, keep = 0;
    for (int col = 0; col < VGA_COLS; col++) {
        uint8_t ch, attr;
        vga_cell(d, row, col, &ch, &attr);
        len += utf8_encode(vga_cp437_to_unicode(ch), line + len);
        if (ch != ' ' && ch != 0 && ch != 0xFF) keep = len;
    }
    if (trim) len = keep;
    if (cap == 0) return 0;
    if (len >= cap) len = cap - 1;
    memcpy(buf, line, len);
    buf[len] = 0;
    return len;
}

size_t vga_render_text(const vga *d, bool trim, char *buf, size_t cap)
{
    size_t len = 0;
    if (cap == 0) return 0;
    buf[0] = 0;
    for (int row = 0; row < VGA_ROWS; row++) {
        char line[VGA_LINE_MAX];
        size_t n = vga_render_line(d, row, trim, line, sizeof line);
        if (len + n + 1 >= cap) break;
        memcpy(buf + len, line, n);
        len += n;
        buf[len++] = '\n';
        buf[len] = 0;
    }
    return len;
}

static uint8_t vga_read_byte(vga *d, uint16_t port)
{
    switch (port) {
    case VGA_CRTC_INDEX: return d->crtc_index;
    case VGA_CRTC_DATA: return d->crtc_index < VGA_CRTC_REGS ? d->crtc[d->crtc_index] : 0xFF;
    case VGA_INPUT_STATUS:
        /* Alternate between "in retrace" (bits 0 and 3) and "displaying" on every read so both
         * halves of the usual wait-for-retrace loop finish, without depending on time. */
        d->attr_flip = false;
        d->status_phase ^= 1;
        return d->status_phase ? 0x09 : 0x00;
    case VGA_ATTR_INDEX: return d->attr_index;
    case VGA_ATTR_READ: return d->attr_index < sizeof d->attr ? d->attr[d->attr_index] : 0xFF;
    case VGA_MISC_WRITE: return 0x10;        /* input status 0: switch sense */
    case VGA_SEQ_INDEX: return d->seq_index;
    case VGA_SEQ_DATA: return d->seq_index < sizeof d->seq ? d->seq[d->seq_index] : 0xFF;
    case VGA_DAC_MASK: return d->dac_mask;
    case VGA_DAC_READ: return 0x00;        /* DAC state: in write mode */
    case VGA_DAC_WRITE: return d->dac_write;
    case VGA_DAC_DATA: {
        uint8_t v = d->dac[d->dac_read * 3 + d->dac_component];
        if (++d->dac_component == 3) {
            d->dac_component = 0;
            d->dac_read++;
        }
        return v;
    }
    case VGA_MISC_READ: return d->misc;
    case VGA_GC_INDEX: return d->gc_index;
    case VGA_GC_DATA: return d->gc_index < sizeof d->gc ? d->gc[d->gc_index] : 0xFF;
    default: return 0xFF;
    }
}

static void vga_write_byte(vga *d, uint16_t port, uint8_t v)
{
    switch (port) {
    case VGA_CRTC_INDEX: d->crtc_index = v; break;
    case VGA_CRTC_DATA:
        if (d->crtc_index < VGA_CRTC_REGS) d->crtc[d->crtc_index] = v;
        break;
    case VGA_ATTR_INDEX:
        if (!d->attr_flip) d->attr_index = v & 0x3F;
        else if ((d->attr_index & 0x1F) < sizeof d->attr) d->attr[d->attr_index & 0x1F] = v;
        d->attr_flip = !d->attr_flip;
        break;
    case VGA_MISC_WRITE: d->misc = v; break;
    case VGA_SEQ_INDEX: d->seq_index = v; break;
    case VGA_SEQ_DATA:
        if (d->seq_index < sizeof d->seq) d->seq[d->seq_index] = v;
        break;
    case VGA_DAC_MASK: d->dac_mask = v; break;
    case VGA_DAC_READ: d->dac_read = v; d->dac_component = 0; break;
    case VGA_DAC_WRITE: d->dac_write = v; d->dac_component = 0; break;
    case VGA_DAC_DATA:
        d->dac[d->dac_write * 3 + d->dac_component] = v & 0x3F;
        if (++d->dac_component == 3) {
            d->dac_component = 0;
            d->dac_write++;
        }
        break;
    case VGA_GC_INDEX: d->gc_index = v; break;
    case VGA_GC_DATA:
        if (d->gc_index < sizeof d->gc) d->gc[d->gc_index] = v;
        break;
    default: break;
    }
}

uint32_t vga_io_read(vga *d, uint16_t port, int size)
{
    uint32_t v = 0;
    for (int i = 0; i < size && i < 4; i++)
        v |= (uint32_t)vga_read_byte(d, (uint16_t)(port + i)) << (8 * i);
    return v;
}

/* A 16-bit write to an index port sets index and data at once (out dx, ax), as on real cards. */
void vga_io_write(vga *d, uint16_t port, int size, uint32_t value)
{
    for (int i = 0; i < size && i < 4; i++)
        vga_write_byte(d, (uint16_t)(port + i), (uint8_t)(value >> (8 * i)));
}

size_t vga_save(const vga *d, uint8_t *buf, size_t cap)
{
    devsnap_writer w = { buf, cap, 0 };
    devsnap_put_u8(&w, VGA_SNAP_VERSION);
    devsnap_put_u8(&w, d->crtc_index);
    devsnap_put_bytes(&w, d->crtc, sizeof d->crtc);
    devsnap_put_u8(&w, d->seq_index);
    devsnap_put_bytes(&w, d->seq, sizeof d->seq);
    devsnap_put_u8(&w, d->gc_index);
    devsnap_put_bytes(&w, d->gc, sizeof d->gc);
    devsnap_put_u8(&w, d->attr_index);
    devsnap_put_bytes(&w, d->attr, sizeof d->attr);
    devsnap_put_u8(&w, d->attr_flip);
    devsnap_put_u8(&w, d->misc);
    devsnap_put_u8(&w, d->dac_mask);
    devsnap_put_u8(&w, d->dac_read);
    devsnap_put_u8(&w, d->dac_write);
    devsnap_put_u8(&w, d->dac_component);
    devsnap_put_bytes(&w, d->dac, sizeof d->dac);
    devsnap_put_u8(&w, d->status_phase);
    return devsnap_finish(&w);
}

bool vga_load(vga *d, const uint8_t *buf, size_t len)
{
    devsnap_reader r = { buf, len, 0, true };
    if (devsnap_get_u8(&r) != VGA_SNAP_VERSION) return false;
    vga s = *d;
    s.crtc_index = devsnap_get_u8(&r);
    devsnap_get_bytes(&r, s.crtc, sizeof s.crtc);
    s.seq_index = devsnap_get_u8(&r);
    devsnap_get_bytes(&r, s.seq, sizeof s.seq);
    s.gc_index = devsnap_get_u8(&r);
    devsnap_get_bytes(&r, s.gc, sizeof s.gc);
    s.attr_index = devsnap_get_u8(&r);
    devsnap_get_bytes(&r, s.attr, sizeof s.attr);
    s.attr_flip = devsnap_get_u8(&r);
    s.misc = devsnap_get_u8(&r);
    s.dac_mask = devsnap_get_u8(&r);
    s.dac_read = devsnap_get_u8(&r);
    s.dac_write = devsnap_get_u8(&r);
    s.dac_component = devsnap_get_u8(&r);
    devsnap_get_bytes(&r, s.dac, sizeof s.dac);
    s.status_phase = devsnap_get_u8(&r) & 1;
    if (!devsnap_done(&r) || s.dac_component > 2) return false;
    *d = s;
    return true;
}
