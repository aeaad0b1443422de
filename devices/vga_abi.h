/* VGA colour text mode as software sees it (IBM VGA technical reference): the text buffer, its
 * geometry, the I/O ports vx86's model decodes and the CRTC registers it implements. One
 * definition for the device model (devices/vga.c, emu/machine.c's port decoding) and for guest
 * code. Freestanding: macros only. */
#ifndef VX86_VGA_ABI_H
#define VX86_VGA_ABI_H

#define VGA_TEXT_ADDR   0xB8000u
#define VGA_TEXT_BYTES  0x8000u     /* the 32 KiB colour text window 0xB8000-0xBFFFF */
#define VGA_COLS        80
#define VGA_ROWS        25          /* cells: character byte, then attribute byte */

#define VGA_ATTR_INDEX  0x3C0       /* attribute controller: index/data flip-flop */
#define VGA_ATTR_READ   0x3C1
#define VGA_MISC_WRITE  0x3C2       /* read: input status 0 */
#define VGA_SEQ_INDEX   0x3C4
#define VGA_SEQ_DATA    0x3C5
#define VGA_DAC_MASK    0x3C6
#define VGA_DAC_READ    0x3C7       /* write: read index; read: DAC state */
#define VGA_DAC_WRITE   0x3C8
#define VGA_DAC_DATA    0x3C9
#define VGA_MISC_READ   0x3CC
#define VGA_GC_INDEX    0x3CE
#define VGA_GC_DATA     0x3CF
#define VGA_CRTC_INDEX  0x3D4
#define VGA_CRTC_DATA   0x3D5
#define VGA_INPUT_STATUS 0x3DA      /* read: input status 1 (resets the attribute flip-flop) */

/* CRTC registers (index written to VGA_CRTC_INDEX) */
#define CRTC_CURSOR_START 0x0A      /* bit 5: cursor off */
#define CRTC_CURSOR_END   0x0B
#define CRTC_START_HI     0x0C
#define CRTC_START_LO     0x0D
#define CRTC_CURSOR_HI    0x0E
#define CRTC_CURSOR_LO    0x0F
#define CURSOR_OFF        0x20

#endif
