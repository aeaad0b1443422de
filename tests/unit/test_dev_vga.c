/* VGA text mode: CRTC cursor and start address, 0x3DA toggling and the attribute flip-flop,
 * DAC auto-increment, UTF-8 rendering with CP437, snapshots. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/vga.h"
#include "tests/unit/fake_host.h"

static fake_host host;
static vga v;
static uint8_t ram[VGA_TEXT_BYTES];

static void outb(uint16_t port, uint8_t val) { vga_io_write(&v, port, 1, val); }
static uint8_t inb(uint16_t port) { return (uint8_t)vga_io_read(&v, port, 1); }

static void put(int row, int col, const char *s)
{
    for (; *s; s++, col++) {
        ram[(row * 80 + col) * 2] = (uint8_t)*s;
        ram[(row * 80 + col) * 2 + 1] = 0x07;
    }
}

static void setup(void)
{
    fake_host_init(&host, 1000000);
    for (size_t i = 0; i < sizeof ram; i += 2) {
        ram[i] = ' ';
        ram[i + 1] = 0x07;
    }
    vga_init(&v, &host.host, ram);
}

static void set_cursor(uint16_t pos)
{
    outb(0x3D4, 0x0E);
    outb(0x3D5, (uint8_t)(pos >> 8));
    outb(0x3D4, 0x0F);
    outb(0x3D5, (uint8_t)pos);
}

START_TEST(cursor_location)
{
    int row, col;
    ck_assert(vga_cursor(&v, &row, &col));
    ck_assert_int_eq(row, 0);
    ck_assert_int_eq(col, 0);
    set_cursor(2 * 80 + 17);
    ck_assert(vga_cursor(&v, &row, &col));
    ck_assert_int_eq(row, 2);
    ck_assert_int_eq(col, 17);
    outb(0x3D4, 0x0E);
    ck_assert_uint_eq(inb(0x3D4), 0x0E);
    ck_assert_uint_eq(inb(0x3D5), 0x00);
    outb(0x3D4, 0x0F);
    ck_assert_uint_eq(inb(0x3D5), 2 * 80 + 17);
    /* 16-bit OUT writes index and data together. */
    vga_io_write(&v, 0x3D4, 2, 0x010E);
    ck_assert(vga_cursor(&v, &row, &col));
    ck_assert_int_eq(row * 80 + col, 0x100 + 2 * 80 + 17);
}
END_TEST

START_TEST(cursor_shape_and_disable)
{
    int row, col;
    outb(0x3D4, 0x0A);
    ck_assert_uint_eq(inb(0x3D5), 0x0D);
    outb(0x3D5, 0x20);                          /* cursor off */
    ck_assert(!vga_cursor(&v, &row, &col));
    outb(0x3D5, 0x0E);
    outb(0x3D4, 0x0B);
    outb(0x3D5, 0x0F);
    ck_assert(vga_cursor(&v, &row, &col));
    ck_assert_uint_eq(v.crtc[0x0B], 0x0F);
    set_cursor(80 * 25);                        /* just below the screen */
    ck_assert(!vga_cursor(&v, &row, &col));
}
END_TEST

START_TEST(render_text_lines)
{
    put(0, 0, "Hello, world");
    put(24, 75, "end");
    char line[VGA_LINE_MAX];
    ck_assert_uint_eq(vga_render_line(&v, 0, true, line, sizeof line), 12);
    ck_assert_str_eq(line, "Hello, world");
    ck_assert_uint_eq(vga_render_line(&v, 0, false, line, sizeof line), 80);
    ck_assert_uint_eq(vga_render_line(&v, 1, true, line, sizeof line), 0);
    ck_assert_str_eq(line, "");
    static char screen[VGA_ROWS * VGA_LINE_MAX];
    size_t n = vga_render_text(&v, true, screen, sizeof screen);
    ck_assert_uint_eq(n, strlen(screen));
    ck_assert(strncmp(screen, "Hello, world\n\n", 14) == 0);
    ck_assert(strstr(screen, "\n                                                                           end\n") != NULL);
    size_t lines = 0;
    for (size_t i = 0; i < n; i++) lines += screen[i] == '\n';
    ck_assert_uint_eq(lines, 25);
    /* A small buffer truncates at a line boundary, always NUL-terminated. */
    char small[20];
    n = vga_render_text(&v, true, small, sizeof small);
    ck_assert_str_eq(small, "Hello, world\n\n\n\n\n\n\n");
    ck_assert_uint_eq(n, 19);
}
END_TEST

START_TEST(cp437_box_drawing)
{
    ram[0] = 0xC9; ram[2] = 0xCD; ram[4] = 0xBB;   /* ╔═╗ */
    ram[6] = 0xB0; ram[8] = 0xDB; ram[10] = 0x01;  /* ░█☺ */
    ram[12] = 0x82; ram[14] = 0x00;                /* é, NUL as a space */
    ram[16] = 'x';
    char line[VGA_LINE_MAX];
    vga_render_line(&v, 0, true, line, sizeof line);
    ck_assert_str_eq(line, "\u2554\u2550\u2557\u2591\u2588\u263A\u00E9 x");
    ck_assert_uint_eq(vga_cp437_to_unicode(0xB3), 0x2502);
    ck_assert_uint_eq(vga_cp437_to_unicode(0xC4), 0x2500);
    ck_assert_uint_eq(vga_cp437_to_unicode(0x7F), 0x2302);
    ck_assert_uint_eq(vga_cp437_to_unicode('A'), 'A');
    ck_assert_uint_eq(vga_cp437_to_unicode(0xE1), 0x00DF);
    ck_assert_uint_eq(vga_cp437_to_unicode(0xFF), 0x00A0);
    /* Every glyph is non-zero and renders to valid UTF-8 within the line bound. */
    for (int c = 0; c < 256; c++) ck_assert_uint_ne(vga_cp437_to_unicode((uint8_t)c), 0);
    for (int i = 0; i < 80; i++) ram[i * 2] = 0xDB;
    ck_assert_uint_eq(vga_render_line(&v, 0, false, line, sizeof line), 240);
}
END_TEST

START_TEST(start_address_scrolls)
{
    put(1, 0, "second row");
    outb(0x3D4, 0x0C);
    outb(0x3D5, 0x00);
    outb(0x3D4, 0x0D);
    outb(0x3D5, 80);                            /* start one row down */
    char line[VGA_LINE_MAX];
    vga_render_line(&v, 0, true, line, sizeof line);
    ck_assert_str_eq(line, "second row");
    uint8_t ch, attr;
    vga_cell(&v, 0, 0, &ch, &attr);
    ck_assert_uint_eq(ch, 's');
    ck_assert_uint_eq(attr, 0x07);
    set_cursor(80 + 5);
    int row, col;
    ck_assert(vga_cursor(&v, &row, &col));
    ck_assert_int_eq(row, 0);
    ck_assert_int_eq(col, 5);
    /* The window wraps at 32 KiB instead of reading past it. */
    outb(0x3D4, 0x0C);
    outb(0x3D5, 0x3F);
    outb(0x3D4, 0x0D);
    outb(0x3D5, 0xFF);
    vga_cell(&v, 24, 79, &ch, &attr);
    vga_cell(&v, -1, 0, &ch, &attr);
    ck_assert_uint_eq(ch, ' ');
}
END_TEST

START_TEST(input_status_toggles_and_resets_flipflop)
{
    uint8_t a = inb(0x3DA), b = inb(0x3DA);
    ck_assert_uint_eq((a ^ b) & 0x08, 0x08);
    ck_assert_uint_eq((a ^ b) & 0x01, 0x01);
    /* Attribute controller: index then data; 0x3DA read puts it back to index. */
    outb(0x3C0, 0x10);
    outb(0x3C0, 0x0C);
    ck_assert_uint_eq(v.attr[0x10], 0x0C);
    outb(0x3C0, 0x11);
    (void)inb(0x3DA);
    outb(0x3C0, 0x12);                          /* treated as an index again */
    outb(0x3C0, 0x0F);
    ck_assert_uint_eq(v.attr[0x12], 0x0F);
    ck_assert_uint_eq(v.attr[0x11], 0x00);
    outb(0x3C0, 0x12);
    ck_assert_uint_eq(inb(0x3C1), 0x0F);
}
END_TEST

START_TEST(dac_and_misc)
{
    outb(0x3C8, 5);
    outb(0x3C9, 0x3F); outb(0x3C9, 0x20); outb(0x3C9, 0x10);
    outb(0x3C9, 0x01);                          /* auto-increments into entry 6 */
    outb(0x3C7, 5);
    ck_assert_uint_eq(inb(0x3C9), 0x3F);
    ck_assert_uint_eq(inb(0x3C9), 0x20);
    ck_assert_uint_eq(inb(0x3C9), 0x10);
    ck_assert_uint_eq(inb(0x3C9), 0x01);
    ck_assert_uint_eq(inb(0x3CC) & 0x01, 0x01); /* colour I/O addresses */
    outb(0x3C4, 0x02); outb(0x3C5, 0x03);
    ck_assert_uint_eq(inb(0x3C5), 0x03);
    outb(0x3CE, 0x06); outb(0x3CF, 0x0E);
    ck_assert_uint_eq(inb(0x3CF), 0x0E);
    outb(0x3D4, 0x40);
    ck_assert_uint_eq(inb(0x3D5), 0xFF);        /* beyond the CRTC registers */
}
END_TEST

START_TEST(snapshot_roundtrip)
{
    set_cursor(1234);
    outb(0x3C8, 9); outb(0x3C9, 0x11);
    outb(0x3C0, 0x10);                          /* flip-flop now expects data */
    uint8_t buf[1024];
    size_t n = vga_save(&v, buf, sizeof buf);
    ck_assert_uint_le(n, sizeof buf);
    vga w;
    vga_init(&w, &host.host, ram);
    ck_assert(vga_load(&w, buf, n));
    int r1, c1, r2, c2;
    ck_assert_int_eq(vga_cursor(&w, &r1, &c1), vga_cursor(&v, &r2, &c2));
    ck_assert_int_eq(r1, r2);
    ck_assert_int_eq(c1, c2);
    vga_io_write(&w, 0x3C0, 1, 0x0A);
    outb(0x3C0, 0x0A);
    ck_assert_uint_eq(w.attr[0x10], v.attr[0x10]);
    ck_assert_uint_eq(vga_io_read(&w, 0x3DA, 1), inb(0x3DA));
    ck_assert(!vga_load(&w, buf, n - 1));
}
END_TEST

START_TEST(garbage_never_crashes)
{
    srand(5);
    char screen[VGA_ROWS * VGA_LINE_MAX];
    for (int i = 0; i < 50000; i++) {
        uint16_t port = (uint16_t)(0x3C0 + rand() % 0x20);
        if (rand() % 2) outb(port, (uint8_t)rand());
        else (void)inb(port);
        if (rand() % 64 == 0) ram[rand() % sizeof ram] = (uint8_t)rand();
        if (i % 1000 == 0) {
            int row, col;
            vga_cursor(&v, &row, &col);
            vga_render_text(&v, i % 2000 == 0, screen, sizeof screen);
        }
    }
}
END_TEST

static Suite *vga_suite(void)
{
    Suite *s = suite_create("vga");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, cursor_location);
    tcase_add_test(tc, cursor_shape_and_disable);
    tcase_add_test(tc, render_text_lines);
    tcase_add_test(tc, cp437_box_drawing);
    tcase_add_test(tc, start_address_scrolls);
    tcase_add_test(tc, input_status_toggles_and_resets_flipflop);
    tcase_add_test(tc, dac_and_misc);
    tcase_add_test(tc, snapshot_roundtrip);
    tcase_add_test(tc, garbage_never_crashes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(vga_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
