/* The picture view models (emu/pictures) and the SDL renderer (emu/gui/draw.c), offscreen: known
 * models drawn and checked pixel by pixel, and the text, SVG and SDL forms of one model compared. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/gui/draw.h"
#include "emu/pictures/pictures.h"
#include "emu/trace.h"
#include "kernel/vm.h"   /* the toy OS's frame kinds, as the kernel numbers them */

/* ---- console glyphs ---- */

/* The IBM VGA ROM font's 'H' and 'A' (8x16), as published in the IBM VGA Technical Reference and
 * reproduced in every VGA BIOS: the oracle for the glyphs drawn from the Debian console font. */
static const uint8_t VGA_H[16] = { 0x00, 0x00, 0xC6, 0xC6, 0xC6, 0xC6, 0xFE, 0xC6, 0xC6, 0xC6, 0xC6, 0xC6, 0, 0, 0, 0 };
static const uint8_t VGA_A[16] = { 0x00, 0x00, 0x10, 0x38, 0x6C, 0xC6, 0xC6, 0xFE, 0xC6, 0xC6, 0xC6, 0xC6, 0, 0, 0, 0 };

static void check_cell(SDL_Surface *c, int row, int col, const uint8_t glyph[16], uint32_t fg, uint32_t bg,
                       bool cursor)
{
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 8; x++) {
            bool on = (glyph[y] & (0x80 >> x)) || (cursor && y >= 14);
            uint32_t want = on ? fg : bg, got = gui_pixel(c, col * 8 + x, row * 16 + y);
            ck_assert_msg(got == want, "cell %d,%d pixel %d,%d: %06x, want %06x", row, col, x, y, got, want);
        }
}

START_TEST(console_glyphs_colours_and_cursor)
{
    static gui_font font;
    char err[256];
    ck_assert_msg(gui_font_load(&font, NULL, err, sizeof err), "%s", err);
    ck_assert_int_eq(font.missing, 0);
    pic_console con;
    memset(&con, 0, sizeof con);
    for (int r = 0; r < MACHINE_VGA_ROWS; r++)
        for (int k = 0; k < MACHINE_VGA_COLS; k++)
            con.ch[r][k] = ' ', con.attr[r][k] = 0x07;
    con.ch[0][0] = 'H', con.attr[0][0] = 0x1F;     /* bright white on blue */
    con.ch[0][1] = 'A', con.attr[0][1] = 0x4E;     /* yellow on red */
    con.ch[3][5] = 0xDB, con.attr[3][5] = 0x02;    /* CP437 full block, green */
    con.ch[24][79] = 'A', con.attr[24][79] = 0x70; /* black on light grey */
    con.ch[5][0] = 0xC9, con.attr[5][0] = 0x0E;    /* CP437 double-line corner, yellow */
    con.cur_row = 1, con.cur_col = 2;              /* on a blank cell, light grey */
    SDL_Surface *c = gui_canvas(640, 400);
    ck_assert_ptr_nonnull(c);
    gui_draw_console(c, 0, 0, &con, &font);
    static const uint8_t BLANK[16] = { 0 }, FULL[16] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                                         0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
    check_cell(c, 0, 0, VGA_H, 0xFFFFFF, 0x0000AA, false);
    check_cell(c, 0, 1, VGA_A, 0xFFFF55, 0xAA0000, false);
    check_cell(c, 3, 5, FULL, 0x00AA00, 0x000000, false);
    check_cell(c, 24, 79, VGA_A, 0x000000, 0xAAAAAA, false);
    static const uint8_t CORNER[16] = { 0, 0, 0, 0, 0, 0x3F, 0x30, 0x37, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36, 0x36 };
    check_cell(c, 5, 0, CORNER, 0xFFFF55, 0x000000, false);
    check_cell(c, 1, 2, BLANK, 0xAAAAAA, 0x000000, true);
    check_cell(c, 1, 3, BLANK, 0xAAAAAA, 0x000000, false);
    SDL_FreeSurface(c);
    /* the text form of the same model */
    char *t = pic_console_text(&con);
    ck_assert_ptr_nonnull(t);
    ck_assert(strncmp(t, "HA\n\n\n     \xe2\x96\x88\n", 13) == 0);
    free(t);
}
END_TEST

START_TEST(font_errors_are_one_line)
{
    static gui_font font;
    char err[256];
    ck_assert(!gui_font_load(&font, "/nonexistent/font.psf.gz", err, sizeof err));
    ck_assert(strstr(err, "/nonexistent/font.psf.gz: cannot read the console font") == err);
    ck_assert(!gui_font_load(&font, "/usr/share/consolefonts/Uni2-VGA8.psf.gz", err, sizeof err));
    ck_assert(strstr(err, "needs an 8x16 font (this one is 8x8") != NULL);
    ck_assert(!gui_font_load(&font, "/etc/passwd", err, sizeof err));
    ck_assert(strstr(err, "/etc/passwd: neither a PSF console font nor a VGA BIOS with an 8x16 font") == err);
    /* a PSF font through its Unicode table: the same 'H' */
    ck_assert_msg(gui_font_load(&font, "/usr/share/consolefonts/Uni2-VGA16.psf.gz", err, sizeof err), "%s", err);
    ck_assert(memcmp(font.glyph['H'], VGA_H, 16) == 0);
}
END_TEST

/* ---- memory map colours ---- */

START_TEST(memmap_colours_for_known_owners)
{
    pic_memmap mm;
    ck_assert(pic_memmap_init(&mm, 64));
    for (uint32_t f = 0; f < 64; f++)
        mm.owner[f] = (uint8_t)(f % PIC_OWNER_COUNT);
    pic_scene s;
    pic_memmap_scene(&mm, &s, 400, 300);
    pic_memmap_layout l;
    pic_memmap_layout_for(&mm, 400, 300, &l);
    ck_assert_int_eq(l.per_cell, 1);
    ck_assert_int_eq(l.cell, 16);
    SDL_Surface *c = gui_canvas(400, 300);
    gui_draw_scene(c, 0, 0, &s, NULL);
    for (uint32_t f = 0; f < 64; f++) {
        int x = l.x0 + (int)(f % (uint32_t)l.cols) * l.cell, y = l.y0 + (int)(f / (uint32_t)l.cols) * l.cell;
        /* the whole cell (less its 1-pixel gap) in the owner's colour */
        for (int dy = 0; dy < l.cell - 1; dy++)
            for (int dx = 0; dx < l.cell - 1; dx++)
                ck_assert_uint_eq(gui_pixel(c, x + dx, y + dy), pic_owner_colour[f % PIC_OWNER_COUNT]);
        ck_assert_uint_eq(gui_pixel(c, x + l.cell - 1, y), 0xFFFFFF);   /* the gap */
    }
    /* text form: one character per frame, the same owners */
    char *t = pic_memmap_text(&mm, 64);
    ck_assert(strstr(t, "0x00000000 |.KUPVCD.KUPVCD") != NULL);
    ck_assert(strstr(t, "K kernel 9,") != NULL);   /* frames 1, 8, ..., 57 */
    free(t);
    /* cells of several frames: the owner a reader must not miss wins */
    memset(mm.owner, PIC_OWNER_FREE, 64);
    mm.owner[4] = PIC_OWNER_USER;
    mm.owner[5] = mm.owner[6] = PIC_OWNER_KERNEL;
    mm.owner[12] = PIC_OWNER_PAGETABLE;
    memset(mm.owner + 16, PIC_OWNER_KERNEL, 8);
    ck_assert_int_eq(pic_memmap_cell_owner(&mm, 0, 8), PIC_OWNER_USER);
    ck_assert_int_eq(pic_memmap_cell_owner(&mm, 5, 2), PIC_OWNER_KERNEL);
    ck_assert_int_eq(pic_memmap_cell_owner(&mm, 8, 8), PIC_OWNER_PAGETABLE);
    ck_assert_int_eq(pic_memmap_cell_owner(&mm, 16, 8), PIC_OWNER_KERNEL);
    ck_assert_int_eq(pic_memmap_cell_owner(&mm, 24, 8), PIC_OWNER_FREE);
    SDL_FreeSurface(c);
    pic_scene_free(&s);
    pic_memmap_free(&mm);
}
END_TEST

/* The toy OS's frame table as the memory map reads it: each kind to its owner, a process's page
 * charged to a memory cgroup (a container's) to container; then a map of 16384 frames (the toy OS
 * with 64 MiB) in a big pane: 3-pixel cells without gaps, a frame each, drawn as runs along a row:
 * every frame's cell has its owner's colour, the text and the legend count the same frames, and
 * the scene has far fewer items than frames. */
START_TEST(memmap_from_a_frame_table)
{
    ck_assert_int_eq(pic_owner_of_frame(FRAME_FREE, 0), PIC_OWNER_FREE);
    ck_assert_int_eq(pic_owner_of_frame(FRAME_RESERVED, 0), PIC_OWNER_KERNEL);
    ck_assert_int_eq(pic_owner_of_frame(FRAME_KERNEL, 0), PIC_OWNER_KERNEL);
    ck_assert_int_eq(pic_owner_of_frame(FRAME_PGTABLE, 0), PIC_OWNER_PAGETABLE);
    ck_assert_int_eq(pic_owner_of_frame(FRAME_PGTABLE, 3), PIC_OWNER_PAGETABLE);
    ck_assert_int_eq(pic_owner_of_frame(FRAME_USER, 0), PIC_OWNER_USER);
    ck_assert_int_eq(pic_owner_of_frame(FRAME_USER, 3), PIC_OWNER_CONTAINER);
    ck_assert_int_eq(pic_owner_of_frame(FRAME_VM, 0), PIC_OWNER_VM);

    pic_memmap mm;
    ck_assert(pic_memmap_init(&mm, 16384));
    uint32_t want[PIC_OWNER_COUNT] = { 0 };
    for (uint32_t f = 0; f < mm.frames; f++) {
        /* runs of varying length, so rows hold several runs and runs cross rows */
        int kind = (int)((f / 37 + f / 1000) % FRAME_KINDS), memcg = (f / 101) % 2;
        mm.owner[f] = (uint8_t)pic_owner_of_frame(kind, memcg);
        want[mm.owner[f]]++;
    }
    pic_scene s;
    pic_memmap_scene(&mm, &s, 616, 400);
    pic_memmap_layout l;
    pic_memmap_layout_for(&mm, 616, 400, &l);
    ck_assert_int_eq(l.per_cell, 1);
    ck_assert_int_eq(l.cell, 3);
    ck_assert_uint_lt(s.count, mm.frames / 8);
    SDL_Surface *c = gui_canvas(616, 400);
    gui_draw_scene(c, 0, 0, &s, NULL);
    uint32_t counted[PIC_OWNER_COUNT] = { 0 };
    for (uint32_t f = 0; f < mm.frames; f++) {
        int x = l.x0 + (int)(f % (uint32_t)l.cols) * 3, y = l.y0 + (int)(f / (uint32_t)l.cols) * 3;
        for (int dy = 0; dy < 3; dy++)
            for (int dx = 0; dx < 3; dx++)
                ck_assert_uint_eq(gui_pixel(c, x + dx, y + dy), pic_owner_colour[mm.owner[f]]);
        counted[mm.owner[f]]++;
    }
    char *t = pic_memmap_text(&mm, 64);
    for (int o = 0; o < PIC_OWNER_COUNT; o++) {
        ck_assert_uint_eq(counted[o], want[o]);
        ck_assert_uint_eq(pic_memmap_count(&mm, o), want[o]);
        char item[64];
        snprintf(item, sizeof item, " %s %u", pic_owner_name(o), want[o]);
        ck_assert_msg(strstr(t, item) != NULL, "text lacks '%s'", item);
    }
    ck_assert_uint_gt(want[PIC_OWNER_CONTAINER], 0);
    free(t);
    /* the SVG of the same scene: each owner's cells (3 pixels high, w wide) cover 9 pixels a frame */
    char *svg = pic_scene_svg(&s);
    uint64_t area[PIC_OWNER_COUNT] = { 0 };
    for (const char *p = svg; (p = strstr(p, "<rect x=")) != NULL; p++) {
        int x, y, w, h;
        unsigned rgb;
        if (sscanf(p, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#%6x\"", &x, &y, &w, &h, &rgb) != 5 ||
            h != 3 || y < l.y0 || y >= l.y0 + l.rows * 3)
            continue;   /* the legend's swatches and the background */
        for (int o = 0; o < PIC_OWNER_COUNT; o++)
            if (rgb == pic_owner_colour[o])
                area[o] += (uint64_t)w * (uint64_t)h;
    }
    for (int o = 0; o < PIC_OWNER_COUNT; o++)
        ck_assert_msg(area[o] == 9ull * want[o], "svg: %s covers %llu pixels for %u frames", pic_owner_name(o),
                      (unsigned long long)area[o], want[o]);
    free(svg);
    SDL_FreeSurface(c);
    pic_scene_free(&s);
    pic_memmap_free(&mm);
}
END_TEST

/* ---- Gantt bars ---- */

static int count_colour_in_row(SDL_Surface *c, int y, uint32_t rgb)
{
    int n = 0;
    for (int x = 0; x < c->w; x++)
        n += gui_pixel(c, x, y) == rgb;
    return n;
}

START_TEST(gantt_bar_lengths_for_a_known_schedule)
{
    /* 0..1000 cycles; A runs [0,250) and [500,750), B [250,500), C [750,1000). */
    gantt g;
    gantt_init(&g, 0, 1000);
    gantt_row *a = gantt_add_row(&g, 0, 1, "a"), *b = gantt_add_row(&g, 0, 2, "b"), *cc = gantt_add_row(&g, 0, 3, "c");
    gantt_add_span(&g, a, 0, 250);
    gantt_add_span(&g, a, 500, 750);
    gantt_add_span(&g, b, 250, 500);
    gantt_add_span(&g, cc, 750, 1000);
    pic_gantt_layout l;
    pic_gantt_layout_for(&g, 0, 0, &l);
    int width = l.plot_x + 500 + 8;   /* a 500-pixel plot: one pixel per two cycles */
    pic_gantt_layout_for(&g, width, 200, &l);
    ck_assert_int_eq(l.plot_w, 500);
    pic_scene s;
    pic_gantt_scene(&g, &s, width, 200);
    SDL_Surface *c = gui_canvas(width, 200);
    gui_draw_scene(c, 0, 0, &s, NULL);
    int mid = l.bar_h / 2;
    ck_assert_int_eq(count_colour_in_row(c, l.top + 0 * l.row_h + mid, pic_gantt_colour(0)), 250);
    ck_assert_int_eq(count_colour_in_row(c, l.top + 1 * l.row_h + mid, pic_gantt_colour(1)), 125);
    ck_assert_int_eq(count_colour_in_row(c, l.top + 2 * l.row_h + mid, pic_gantt_colour(2)), 125);
    /* where: A's second span starts at pixel 250 of the plot; B fills 125..249 */
    ck_assert_uint_eq(gui_pixel(c, l.plot_x + 250, l.top + mid), pic_gantt_colour(0));
    ck_assert_uint_ne(gui_pixel(c, l.plot_x + 249, l.top + mid), pic_gantt_colour(0));
    ck_assert_uint_eq(gui_pixel(c, l.plot_x + 125, l.top + l.row_h + mid), pic_gantt_colour(1));
    ck_assert_uint_ne(gui_pixel(c, l.plot_x + 124, l.top + l.row_h + mid), pic_gantt_colour(1));
    /* the text form of the same model agrees: A ran half the time */
    char *t = gantt_text(&g, 20);
    ck_assert(strstr(t, "1 a  |#####     #####     | 500 cycles 50.0%") != NULL);
    free(t);
    SDL_FreeSurface(c);
    pic_scene_free(&s);
    gantt_free(&g);
}
END_TEST

/* ---- one model, three forms ---- */

START_TEST(exits_text_svg_and_sdl_agree)
{
    pic_exits e;
    pic_exits_init(&e);
    for (int i = 0; i < 144; i++) pic_exits_add(&e, 0x7B, 10);   /* IOIO */
    for (int i = 0; i < 6; i++) pic_exits_add(&e, 0x81, 10);     /* VMMCALL */
    for (int i = 0; i < 2; i++) pic_exits_add(&e, 0x78, 10);     /* HLT */
    pic_exits_sort(&e);
    char *text = pic_exits_text(&e, 40);
    pic_scene s;
    pic_exits_scene(&e, &s, 400, 0);
    char *strings = pic_scene_strings(&s), *svg = pic_scene_svg(&s);
    static const char *const LABELS[] = { "0x07b ioio", "0x081 vmmcall", "0x078 hlt", "VM exits: 152" };
    for (size_t i = 0; i < 4; i++) {
        ck_assert_msg(strstr(text, LABELS[i]) != NULL, "text lacks %s", LABELS[i]);
        ck_assert_msg(strstr(strings, LABELS[i]) != NULL, "scene lacks %s", LABELS[i]);
        ck_assert_msg(strstr(svg, LABELS[i]) != NULL, "svg lacks %s", LABELS[i]);
    }
    /* the order is the model's: most frequent first, in every form */
    ck_assert(strstr(text, "ioio") < strstr(text, "vmmcall") && strstr(text, "vmmcall") < strstr(text, "hlt"));
    ck_assert(strstr(svg, "ioio") < strstr(svg, "vmmcall") && strstr(svg, "vmmcall") < strstr(svg, "hlt"));
    /* the SDL form draws every bar of the scene at the scene's width */
    SDL_Surface *c = gui_canvas(s.width, s.height);
    gui_draw_scene(c, 0, 0, &s, NULL);
    int bars = 0;
    for (size_t i = 0; i < s.count; i++) {
        const pic_item *it = &s.items[i];
        if (it->kind != PIC_RECT)
            continue;
        bars++;
        ck_assert_int_eq(count_colour_in_row(c, it->y + it->h / 2, it->fill), it->w);
        char want[80];
        snprintf(want, sizeof want, "width=\"%d\"", it->w);
        ck_assert(strstr(svg, want) != NULL);
    }
    ck_assert_int_eq(bars, 3);
    ck_assert_int_eq(s.items[2].kind, PIC_RECT);
    SDL_FreeSurface(c);
    free(text);
    free(strings);
    free(svg);
    pic_scene_free(&s);
}
END_TEST

START_TEST(trees_from_the_trace_models)
{
    /* namespaces: the root PID namespace with init, a child one with a container's first task */
    ns_table nt;
    ns_table_init(&nt);
    ns_table_get(&nt, 0, VX86_PROBE_NS_PID, 1);
    ns_info *child = ns_table_get(&nt, 0, VX86_PROBE_NS_PID, 7);
    child->parent = 1;
    ns_table_add_member(&nt, 0, VX86_PROBE_NS_PID, 1, 1, 1, "init");
    ns_table_add_member(&nt, 0, VX86_PROBE_NS_PID, 7, 5, 1, "web");
    ns_info *uts = ns_table_get(&nt, 0, VX86_PROBE_NS_UTS, 3);
    snprintf(uts->hostname, sizeof uts->hostname, "box");
    ns_table_finish(&nt);
    pic_tree t;
    pic_tree_namespaces(&t, &nt);
    char *text = pic_tree_text(&t);
    ck_assert_msg(strstr(text, "  host\n    pid:[1] 1 task\n      1 init (pid 1 inside)\n"
                               "      pid:[7] 1 task\n        5 web (pid 1 inside)\n") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "uts:[3] 0 tasks, hostname box\n") != NULL, "%s", text);
    free(text);
    ns_table_free(&nt);
    /* cgroups: the root and a container's cgroup with a memory limit, drawn as a bar */
    cg_table ct;
    cg_table_init(&ct);
    cg_table_task(&ct, 0, 1, 1, "init");
    cg_table_task(&ct, 0, 5, 3, "web");
    vx86_probe_cgroup_stat st = { .cgroup = 3, .pids_current = 1, .pids_max = VX86_PROBE_CGROUP_MAX,
                                  .memory_current = 1024, .memory_max = 4096, .path = "/web" };
    cg_table_record(&ct, 10, 0, TRACE_CGROUP_STAT, (const uint8_t *)&st, sizeof st);
    vx86_probe_cgroup_stat root = { .cgroup = 1, .pids_max = VX86_PROBE_CGROUP_MAX,
                                    .memory_max = VX86_PROBE_CGROUP_MAX, .path = "/" };
    cg_table_record(&ct, 11, 0, TRACE_CGROUP_STAT, (const uint8_t *)&root, sizeof root);
    cg_table_finish(&ct);
    pic_tree_cgroups(&t, &ct);
    text = pic_tree_text(&t);
    ck_assert_msg(strstr(text, "  / (cgroup 1)\n    1 init\n") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "/web (cgroup 3), memory 1024 of 4096 bytes  [25.0%]\n") != NULL, "%s", text);
    pic_scene s;
    pic_tree_scene(&t, &s, 300, 0);
    char *strings = pic_scene_strings(&s);
    for (int i = 0; i < t.count; i++)
        ck_assert(strstr(strings, t.node[i].label) != NULL);
    int bars = 0;   /* one filled bar: a quarter of the 80-pixel bar for 1024 of 4096 bytes */
    for (size_t i = 0; i < s.count; i++)
        if (s.items[i].kind == PIC_RECT && s.items[i].fill == 0x009E73) {
            bars++;
            ck_assert_int_eq(s.items[i].w, 20);
        }
    ck_assert_int_eq(bars, 1);
    free(strings);
    free(text);
    pic_scene_free(&s);
    cg_table_free(&ct);
    /* nothing to show: every form says so */
    cg_table empty;
    cg_table_init(&empty);
    pic_tree_cgroups(&t, &empty);
    text = pic_tree_text(&t);
    ck_assert(strstr(text, "no cgroups reported yet") != NULL);
    free(text);
    cg_table_free(&empty);
}
END_TEST

START_TEST(svg_escapes_guest_text)
{
    pic_scene s;
    pic_scene_init(&s, 100, 50, "a<b & \"c\"");
    pic_text(&s, 0, 0, PIC_LEFT, 0, "x<y>&\x01z");
    char *svg = pic_scene_svg(&s);
    ck_assert(strstr(svg, "<title>a&lt;b &amp; &quot;c&quot;</title>") != NULL);
    ck_assert(strstr(svg, ">x&lt;y&gt;&amp;?z</text>") != NULL);
    free(svg);
    pic_scene_free(&s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pictures");
    TCase *tc = tcase_create("models and renderers");
    tcase_add_test(tc, console_glyphs_colours_and_cursor);
    tcase_add_test(tc, font_errors_are_one_line);
    tcase_add_test(tc, memmap_colours_for_known_owners);
    tcase_add_test(tc, memmap_from_a_frame_table);
    tcase_add_test(tc, gantt_bar_lengths_for_a_known_schedule);
    tcase_add_test(tc, exits_text_svg_and_sdl_agree);
    tcase_add_test(tc, trees_from_the_trace_models);
    tcase_add_test(tc, svg_escapes_guest_text);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
