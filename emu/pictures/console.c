/* The VGA text screen as a view model: the cells the guest wrote at 0xB8000 and the cursor. */
#include <stdlib.h>
#include <string.h>

#include "devices/vga.h"          /* CP437 -> Unicode, the text buffer's address */
#include "emu/pictures/pictures.h"

const uint32_t pic_vga_palette[16] = {
    0x000000, 0x0000AA, 0x00AA00, 0x00AAAA, 0xAA0000, 0xAA00AA, 0xAA5500, 0xAAAAAA,
    0x555555, 0x5555FF, 0x55FF55, 0x55FFFF, 0xFF5555, 0xFF55FF, 0xFFFF55, 0xFFFFFF,
};

void pic_console_from_machine(pic_console *c, machine *m)
{
    uint8_t raw[MACHINE_VGA_ROWS * MACHINE_VGA_COLS * 2];
    if (!machine_read_phys(m, VGA_TEXT_ADDR, raw, sizeof raw))
        memset(raw, 0, sizeof raw);
    for (int r = 0; r < MACHINE_VGA_ROWS; r++)
        for (int k = 0; k < MACHINE_VGA_COLS; k++) {
            c->ch[r][k] = raw[(r * MACHINE_VGA_COLS + k) * 2];
            c->attr[r][k] = raw[(r * MACHINE_VGA_COLS + k) * 2 + 1];
        }
    char text[MACHINE_VGA_TEXT_MAX];
    machine_vga_text(m, text, sizeof text, &c->cur_row, &c->cur_col);
}

static void put_utf8(pic_buf *b, uint32_t u)
{
    if (u < 0x80) pic_printf(b, "%c", (char)u);
    else if (u < 0x800) pic_printf(b, "%c%c", (char)(0xC0 | u >> 6), (char)(0x80 | (u & 0x3F)));
    else pic_printf(b, "%c%c%c", (char)(0xE0 | u >> 12), (char)(0x80 | ((u >> 6) & 0x3F)), (char)(0x80 | (u & 0x3F)));
}

static int row_end(const pic_console *c, int r)
{
    int end = MACHINE_VGA_COLS;
    while (end > 0 && (c->ch[r][end - 1] == ' ' || c->ch[r][end - 1] == 0))
        end--;
    return end;
}

char *pic_console_text(const pic_console *c)
{
    pic_buf b = { 0 };
    for (int r = 0; r < MACHINE_VGA_ROWS; r++) {
        int end = row_end(c, r);
        for (int k = 0; k < end; k++)
            put_utf8(&b, vga_cp437_to_unicode(c->ch[r][k]));
        pic_printf(&b, "\n");
    }
    return pic_finish(&b);
}

void pic_console_scene(const pic_console *c, pic_scene *s)
{
    pic_scene_init(s, MACHINE_VGA_COLS * PIC_CELL_W, MACHINE_VGA_ROWS * PIC_CELL_H, "VGA text console");
    s->background = pic_vga_palette[0];
    for (int r = 0; r < MACHINE_VGA_ROWS; r++) {
        int y = r * PIC_CELL_H;
        /* Backgrounds: one rectangle per run of a colour other than black. */
        for (int k = 0; k < MACHINE_VGA_COLS;) {
            int bg = (c->attr[r][k] >> 4) & 7, e = k;
            while (e < MACHINE_VGA_COLS && ((c->attr[r][e] >> 4) & 7) == bg)
                e++;
            if (bg)
                pic_rect(s, k * PIC_CELL_W, y, (e - k) * PIC_CELL_W, PIC_CELL_H, pic_vga_palette[bg], PIC_NONE, NULL);
            k = e;
        }
        /* Text: one item per run of a foreground colour, blanks between runs skipped. */
        int end = row_end(c, r);
        for (int k = 0; k < end;) {
            if (c->ch[r][k] == ' ' || c->ch[r][k] == 0) {
                k++;
                continue;
            }
            int fg = c->attr[r][k] & 15, e = k;
            pic_buf run = { 0 };
            while (e < end && (c->attr[r][e] & 15) == fg && e - k < PIC_TEXT_BYTES / 3 - 1) {
                put_utf8(&run, vga_cp437_to_unicode(c->ch[r][e]));
                e++;
            }
            char *t = pic_finish(&run);
            if (t)
                pic_text(s, k * PIC_CELL_W, y, PIC_LEFT, pic_vga_palette[fg], "%s", t);
            free(t);
            k = e;
        }
    }
    if (c->cur_row >= 0 && c->cur_col >= 0)
        pic_rect(s, c->cur_col * PIC_CELL_W, c->cur_row * PIC_CELL_H + PIC_CELL_H - 2, PIC_CELL_W, 2,
                 pic_vga_palette[c->attr[c->cur_row][c->cur_col] & 15], PIC_NONE, "cursor");
}
