/* VGA text mode, 80x25. The character cells are ordinary guest RAM at 0xB8000 (the machine
 * hands vga_init a pointer to it); this device models the registers around them:
 * CRTC index/data 0x3D4/0x3D5 (start address, cursor shape and location), input status 1 at
 * 0x3DA, and just-enough storage for the attribute controller (0x3C0/0x3C1), miscellaneous
 * output (0x3C2/0x3CC), sequencer (0x3C4/0x3C5), DAC (0x3C6-0x3C9) and graphics controller
 * (0x3CE/0x3CF). Renders the screen as UTF-8 text with the CP437 glyphs mapped to Unicode. */
#ifndef VX86_VGA_H
#define VX86_VGA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/dev.h"
#include "devices/vga_abi.h"   /* text buffer, geometry, ports, CRTC registers */

#define VGA_CRTC_REGS   0x19
/* Longest rendered line: 80 cells of up to 3 UTF-8 bytes, a newline and a NUL. */
#define VGA_LINE_MAX    (VGA_COLS * 3 + 2)

typedef struct vga {
    const uint8_t *text;            /* VGA_TEXT_BYTES of guest RAM at 0xB8000 */
    uint8_t crtc_index, crtc[VGA_CRTC_REGS];
    uint8_t seq_index, seq[5];
    uint8_t gc_index, gc[9];
    uint8_t attr_index, attr[0x15];
    bool attr_flip;                 /* 0x3C0 expects data (true) or an index (false) */
    uint8_t misc;
    uint8_t dac_mask, dac_read, dac_write, dac_component;
    uint8_t dac[256 * 3];
    uint8_t status_phase;           /* toggled by each 0x3DA read to fake retrace */
    const dev_host *host;
} vga;

void vga_init(vga *d, const dev_host *host, const uint8_t *text_ram);
uint32_t vga_io_read(vga *d, uint16_t port, int size);
void vga_io_write(vga *d, uint16_t port, int size, uint32_t value);

/* Cursor cell; returns false if the cursor is switched off (CRTC 0x0A bit 5) or off screen. */
bool vga_cursor(const vga *d, int *row, int *col);
/* Character and attribute at a cell (honouring the CRTC start address). */
void vga_cell(const vga *d, int row, int col, uint8_t *ch, uint8_t *attr);
/* One row as UTF-8 (no newline), NUL-terminated; trailing blanks dropped when trim is set.
 * Returns the length written (excluding NUL); cap of VGA_LINE_MAX always suffices. */
size_t vga_render_line(const vga *d, int row, bool trim, char *buf, size_t cap);
/* The whole screen, one '\n'-terminated line per row; returns the length (truncates to cap). */
size_t vga_render_text(const vga *d, bool trim, char *buf, size_t cap);
/* Unicode code point for a CP437 byte (0 renders as a space). */
uint32_t vga_cp437_to_unicode(uint8_t ch);

/* Snapshot of the registers (not the text, which is guest RAM). */
size_t vga_save(const vga *d, uint8_t *buf, size_t cap);
bool vga_load(vga *d, const uint8_t *buf, size_t len);

#endif
