/* One frame of the window: the control bar, the VGA console, the serial console and the live
 * panes, each pane a picture from emu/pictures drawn by draw.c. Used by the window and by
 * --screenshot alike, so both give the same pixels. */
#include <stdio.h>
#include <stdlib.h>

#include "emu/gui/gui.h"
#include "emu/trace_tasks.h"

#define BG      0xD8DCE0u
#define TITLE   0x30404Cu
#define GAP 8

static const char *const TITLES[GUI_PANE_COUNT] = {
    "VGA console", "serial console (COM1)", "physical memory", "page tables", "page walk",
    "VM exits", "scheduling timeline", "namespaces", "cgroups",
};

const char *gui_pane_title(int p)
{
    return p >= 0 && p < GUI_PANE_COUNT ? TITLES[p] : "";
}

SDL_Rect gui_pane_rect(int p)
{
    const int top = GUI_BAR_H + GUI_TITLE_H + 4;                       /* first row's content */
    const int row2 = top + 400 + GAP + GUI_TITLE_H;                    /* second row */
    const int pw = (GUI_W - 5 * GAP) / 4, ph = (GUI_H - row2 - GAP - GUI_TITLE_H - GAP) / 2;
    const int row3 = row2 + ph + GAP + GUI_TITLE_H;
    switch (p) {
    case GUI_PANE_VGA: return (SDL_Rect){ GAP, top, 640, 400 };
    case GUI_PANE_SERIAL: return (SDL_Rect){ 2 * GAP + 640, top, GUI_W - 3 * GAP - 640, 400 };
    case GUI_PANE_MEMMAP: case GUI_PANE_PAGETABLE: case GUI_PANE_WALK: case GUI_PANE_EXITS: {
        int i = p - GUI_PANE_MEMMAP;
        return (SDL_Rect){ GAP + i * (pw + GAP), row2, pw, ph };
    }
    case GUI_PANE_GANTT: return (SDL_Rect){ GAP, row3, 2 * pw + GAP, ph };
    case GUI_PANE_NAMESPACES: return (SDL_Rect){ GAP + 2 * (pw + GAP), row3, pw, ph };
    case GUI_PANE_CGROUPS: return (SDL_Rect){ GAP + 3 * (pw + GAP), row3, pw, ph };
    default: return (SDL_Rect){ 0, 0, 0, 0 };
    }
}

SDL_Rect gui_button_rect(int b)
{
    static const int X[] = { GAP, GAP + 110, GAP + 220, GAP + 350 }, W[] = { 102, 102, 122, 150 };
    return (SDL_Rect){ X[b], 4, W[b], GUI_BAR_H - 8 };
}

/* The control bar is a scene too: buttons are rectangles with a label. */
static void bar_scene(pic_scene *s, const gui_view *v)
{
    pic_scene_init(s, GUI_W, GUI_BAR_H, "controls");
    s->background = TITLE;
    static const char *const LABEL[GUI_BTN_COUNT] = { NULL, "F10 step", "F9 step back", NULL };
    for (int b = 0; b < GUI_BTN_COUNT; b++) {
        SDL_Rect r = gui_button_rect(b);
        bool off = (b == GUI_BTN_STEP && (v->running || v->ended)) || (b == GUI_BTN_BACK && !v->back_available);
        pic_rect(s, r.x, r.y, r.w, r.h, off ? 0x5A6670 : 0xE8ECEF, 0x101820, NULL);
        uint32_t ink = off ? 0x9AA4AC : 0x101820;
        int tx = r.x + r.w / 2, ty = r.y + (r.h - PIC_LINE_PX) / 2;
        if (b == GUI_BTN_RUN)
            pic_text(s, tx, ty, PIC_MIDDLE, ink, "%s", v->running ? "F5 pause" : "F5 run");
        else if (b == GUI_BTN_INPUT)
            pic_text(s, tx, ty, PIC_MIDDLE, ink, "F2 keys to: %s", v->keyboard_input ? "keyboard" : "serial");
        else
            pic_text(s, tx, ty, PIC_MIDDLE, ink, "%s", LABEL[b]);
    }
    uint64_t cyc = machine_cycles(v->m), cps = machine_cycles_per_second(v->m);
    char speed[32];
    if (v->speed > 0)
        snprintf(speed, sizeof speed, "x%g", v->speed);
    else
        snprintf(speed, sizeof speed, "max speed");
    pic_text(s, GUI_W - GAP, (GUI_BAR_H - PIC_LINE_PX) / 2, PIC_RIGHT, 0xFFFFFF, "%s  cycle %llu  t=%llu.%06llu s  %s",
             v->ended ? "ended" : v->running ? "running" : "paused", (unsigned long long)cyc,
             (unsigned long long)(cyc / cps), (unsigned long long)(cyc % cps * 1000000 / cps), speed);
    if (v->message[0])
        pic_text(s, 520, (GUI_BAR_H - PIC_LINE_PX) / 2, PIC_LEFT, 0xFFE08A, "%.60s", v->message);
}

static void serial_scene(pic_scene *s, const tui_serial *serial, int w, int h)
{
    pic_scene_init(s, w, h, "serial console");
    s->background = 0x101418;
    static tui_view view;   /* big: kept off the stack */
    tui_view_serial(&view, serial, h / PIC_LINE_PX);
    if (view.count == 0 || (view.count == 1 && view.lines[0].len == 0))
        pic_text(s, 4, 0, PIC_LEFT, 0x8A949C, "(nothing on COM1 yet)");
    for (int i = 0; i < view.count; i++)
        pic_text(s, 4, i * PIC_LINE_PX, PIC_LEFT, 0xD0F0D0, "%.*s", (int)sizeof s->items[0].text - 1,
                 view.lines[i].text);
}

/* The pane's picture, laid out for its rectangle. */
static void pane_scene(int p, const gui_view *v, pic_scene *s, SDL_Rect r)
{
    static const int KIND[GUI_PANE_COUNT] = {
        [GUI_PANE_MEMMAP] = PIC_KIND_MEMMAP, [GUI_PANE_PAGETABLE] = PIC_KIND_PAGETABLE, [GUI_PANE_WALK] = PIC_KIND_WALK,
        [GUI_PANE_EXITS] = PIC_KIND_EXITS, [GUI_PANE_GANTT] = PIC_KIND_GANTT,
        [GUI_PANE_NAMESPACES] = PIC_KIND_NAMESPACES, [GUI_PANE_CGROUPS] = PIC_KIND_CGROUPS,
    };
    if (p == GUI_PANE_SERIAL) {
        serial_scene(s, v->serial, r.w, r.h);
        return;
    }
    pic_source src = { .m = v->m, .ram_bytes = v->ram_bytes, .walk_addr = v->walk_addr, .walk_set = v->walk_set };
    if (!pic_build(KIND[p], &src, s, r.w, r.h, NULL)) {
        pic_scene_free(s);
        pic_scene_init(s, r.w, r.h, "");
        pic_text(s, 4, 0, PIC_LEFT, 0xC00000, "out of memory drawing this pane");
    }
}

void gui_render(SDL_Surface *canvas, const gui_view *v, TTF_Font *font, const gui_font *vga)
{
    gui_fill(canvas, 0, 0, GUI_W, GUI_H, BG);
    pic_scene s;
    bar_scene(&s, v);
    gui_draw_scene(canvas, 0, 0, &s, font);
    pic_scene_free(&s);
    for (int p = 0; p < GUI_PANE_COUNT; p++) {
        SDL_Rect r = gui_pane_rect(p);
        pic_scene_init(&s, r.w, GUI_TITLE_H, "title");
        s.background = TITLE;
        pic_text(&s, 4, 0, PIC_LEFT, 0xFFFFFF, "%s", gui_pane_title(p));
        gui_draw_scene(canvas, r.x, r.y - GUI_TITLE_H, &s, font);
        pic_scene_free(&s);
        if (p == GUI_PANE_VGA) {
            pic_console c;
            pic_console_from_machine(&c, v->m);
            gui_draw_console(canvas, r.x, r.y, &c, vga);
            bool blank = true;
            for (int i = 0; i < MACHINE_VGA_ROWS * MACHINE_VGA_COLS && blank; i++)
                blank = c.ch[i / MACHINE_VGA_COLS][i % MACHINE_VGA_COLS] <= ' ';
            if (blank) {   /* a black screen looks broken: say where the output went */
                pic_scene_init(&s, r.w, 3 * PIC_LINE_PX, "");
                s.background = PIC_NONE;
                pic_text(&s, r.w / 2, 0, PIC_MIDDLE, 0xA0A8B0, "the guest has written nothing on the VGA screen yet");
                pic_text(&s, r.w / 2, 2 * PIC_LINE_PX, PIC_MIDDLE, 0xA0A8B0, "(its output so far is on the serial console)");
                gui_draw_scene(canvas, r.x, r.y + r.h / 2 - PIC_LINE_PX, &s, font);
                pic_scene_free(&s);
            }
            continue;
        }
        pane_scene(p, v, &s, r);
        gui_draw_scene(canvas, r.x, r.y, &s, font);
        pic_scene_free(&s);
    }
}
