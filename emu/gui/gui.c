/* vx86 gui: the machine in an SDL2 window. The guest runs between frames, paced to the wall clock
 * at --speed virtual seconds per second; each frame draws gui_render's canvas and scales it to the
 * window. --screenshot draws the same canvas offscreen, with no display at all. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL_image.h>

#include "emu/cli.h"
#include "emu/costs.h"
#include "emu/gui/gui_internal.h"

static const char GUI_USAGE[] =
    "usage: vx86 gui IMAGE [run options] [--at CYCLES] [--screenshot FILE.png] [--speed X|max]\n"
    "                [--walk ADDR] [--frames N] [--console-font FILE.psf.gz]\n"
    "The machine in a window: the VGA console, the serial console, the virtual clock, run/pause/step\n"
    "and live pictures (memory map, page tables, page walk, VM exits, timeline, namespaces, cgroups).\n"
    "  --at CYCLES         run to this cycle first; the window then opens paused there\n"
    "  --screenshot FILE   draw the window offscreen at --at (no display needed), write a PNG, exit\n"
    "  --speed X           virtual seconds per wall-clock second (default 1: real time, as\n"
    "                      'run --realtime'); 'max' runs as fast as the host can\n"
    "  --walk ADDR         the page-walk pane's linear address (hex; default EIP)\n"
    "  --frames N          close after N frames (scripts and tests)\n"
    "  --console-font F    an 8x16 PSF console font (default " GUI_FONT_DEFAULT ")\n"
    "Keys: F5 run/pause, F10 step one instruction, F2 send typing to the serial port or the PS/2\n"
    "keyboard, F9 step back one instruction, Esc or closing the window quits. --stats prints frames\n"
    "per second at the end.\n"
    "Exit status: 0, 2 usage error or no display, 4 bad image, 10 internal error.\n";

typedef struct gui_args {
    const char *screenshot, *console_font;
    uint64_t at, frames;
    bool at_set;
    double speed;
    uint32_t walk;
    bool walk_set;
} gui_args;

static int split_args(int argc, char **argv, gui_args *ga, char **rest, int *nrest)
{
    *nrest = 0;
    ga->speed = 1.0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        static const char *const WITH_VALUE[] = { "--screenshot", "--at", "--speed", "--walk", "--frames",
                                                  "--console-font" };
        int which = -1;
        for (int k = 0; k < 6; k++)
            if (strcmp(a, WITH_VALUE[k]) == 0)
                which = k;
        if (which < 0) {
            rest[(*nrest)++] = argv[i];
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "vx86 gui: %s needs a value\n", a);
            return CLI_EXIT_USAGE;
        }
        const char *val = argv[++i];
        char err[160];
        char *end;
        switch (which) {
        case 0: ga->screenshot = val; break;
        case 1:
            if (!cli_parse_count(val, &ga->at, err, sizeof err)) {
                fprintf(stderr, "vx86 gui: --at: %s\n", err);
                return CLI_EXIT_USAGE;
            }
            ga->at_set = true;
            break;
        case 2:
            if (strcmp(val, "max") == 0) {
                ga->speed = 0;
                break;
            }
            errno = 0;
            ga->speed = strtod(val, &end);
            if (errno || *end || !(ga->speed > 0 && ga->speed <= 1000)) {
                fprintf(stderr, "vx86 gui: --speed: '%s' is not a number in (0, 1000] or 'max'\n", val);
                return CLI_EXIT_USAGE;
            }
            break;
        case 3: {
            errno = 0;
            unsigned long v = strtoul(val, &end, 16);
            if (errno || *end || !*val || v > 0xFFFFFFFFul) {
                fprintf(stderr, "vx86 gui: --walk: '%s' is not a 32-bit hex address\n", val);
                return CLI_EXIT_USAGE;
            }
            ga->walk = (uint32_t)v;
            ga->walk_set = true;
            break;
        }
        case 4:
            if (!cli_parse_count(val, &ga->frames, err, sizeof err)) {
                fprintf(stderr, "vx86 gui: --frames: %s\n", err);
                return CLI_EXIT_USAGE;
            }
            break;
        case 5: ga->console_font = val; break;
        }
    }
    return 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run the machine for up to `cycles`; a stop other than the limit ends or pauses the run. */
static void run_for(gui *g, uint64_t cycles)
{
    machine_stop st = machine_run(g->v.m, cycles);
    switch (st) {
    case MACHINE_STOP_LIMIT: return;
    case MACHINE_STOP_BREAK:
        g->v.running = false;
        snprintf(g->v.message, sizeof g->v.message, "stopped at a breakpoint");
        return;
    case MACHINE_STOP_EXIT:
        g->exit_status = machine_exit_status(g->v.m);
        snprintf(g->v.message, sizeof g->v.message, "the guest exited with status %d", g->exit_status);
        break;
    case MACHINE_STOP_HALTED: snprintf(g->v.message, sizeof g->v.message, "the guest halted"); break;
    case MACHINE_STOP_SHUTDOWN: snprintf(g->v.message, sizeof g->v.message, "triple fault: the machine shut down"); break;
    }
    g->v.running = false;
    g->v.ended = true;
}

/* Typing: to COM1's receiver (unbounded queue: nothing is lost however fast keys come) or the
 * PS/2 keyboard. After a step back, while recorded history replays, new input waits in the
 * machine until the replay reaches the present: what was typed stays where it was typed. */
static void send_text(gui *g, const char *text)
{
    if (g->v.ended || !g->v.m)
        return;
    if (g->v.keyboard_input)
        machine_type_keys(g->v.m, text);
    else
        machine_serial_input(g->v.m, (const uint8_t *)text, strlen(text));
}

static void step_one(gui *g)
{
    if (g->v.running || g->v.ended || !g->v.m)
        return;
    machine_stop st = machine_step(g->v.m);
    if (st != MACHINE_STOP_LIMIT && st != MACHINE_STOP_BREAK)
        run_for(g, 0);
    snprintf(g->v.message, sizeof g->v.message, "stepped one instruction");
}

/* Reverse execution (emu/replay.c): back one instruction by snapshot plus re-execution. */
static void step_back(gui *g)
{
    if (g->v.running || !g->v.back_available || !g->v.m)
        return;
    double t0 = now_seconds();
    uint64_t from = machine_cycles(g->v.m);
    machine_reverse r = machine_step_back(g->v.m, 1);
    double ms = (now_seconds() - t0) * 1e3;
    if (g->stats)
        fprintf(stderr, "step back from cycle %llu: %.1f ms\n", (unsigned long long)from, ms);
    switch (r) {
    case MACHINE_REVERSE_OK:
        g->v.ended = false;
        snprintf(g->v.message, sizeof g->v.message, "stepped back one instruction (%.0f ms)", ms);
        break;
    case MACHINE_REVERSE_BEGIN:
        snprintf(g->v.message, sizeof g->v.message, "at the start of history");
        break;
    default:
        snprintf(g->v.message, sizeof g->v.message, "cannot step back: %s", machine_history_error(g->v.m));
        break;
    }
}

static void press(gui *g, int button)
{
    switch (button) {
    case GUI_BTN_RUN:
        if (!g->v.ended && g->v.m) {
            g->v.running = !g->v.running;
            g->v.message[0] = 0;
        }
        break;
    case GUI_BTN_STEP: step_one(g); break;
    case GUI_BTN_BACK: step_back(g); break;
    case GUI_BTN_INPUT: g->v.keyboard_input = !g->v.keyboard_input; break;
    }
}

static bool handle_event(gui *g, const SDL_Event *e)
{
    if (e->type == SDL_QUIT)
        return false;
    if (g->mode.key && g->mode.key(g->mode.ctx, g, e))
        return !g->leave;
    switch (e->type) {
    case SDL_KEYDOWN: {
        SDL_Keycode k = e->key.keysym.sym;
        bool ctrl = (e->key.keysym.mod & KMOD_CTRL) != 0;
        if (g->v.os && ctrl && k == SDLK_RIGHTBRACKET) return false;   /* Ctrl-], as `vx86 os` on a terminal */
        if (k == SDLK_ESCAPE && !g->v.os) return false;
        if (k == SDLK_ESCAPE) send_text(g, "\x1b");                    /* the toy OS's terminal gets Esc */
        else if (k == SDLK_F5) press(g, GUI_BTN_RUN);
        else if (k == SDLK_F10) press(g, GUI_BTN_STEP);
        else if (k == SDLK_F9) press(g, GUI_BTN_BACK);
        else if (k == SDLK_F2) press(g, GUI_BTN_INPUT);
        else if (k == SDLK_RETURN || k == SDLK_KP_ENTER) send_text(g, "\n");
        else if (k == SDLK_BACKSPACE) send_text(g, "\b");
        else if (k == SDLK_TAB) send_text(g, "\t");
        else if (ctrl && k >= SDLK_a && k <= SDLK_z) {
            char c[2] = { (char)(k - SDLK_a + 1), 0 };
            send_text(g, c);
        }
        break;
    }
    case SDL_TEXTINPUT: send_text(g, e->text.text); break;
    case SDL_MOUSEBUTTONDOWN: {
        /* window pixels -> canvas pixels (the canvas is scaled to the window) */
        int ww, wh;
        SDL_GetWindowSize(g->win, &ww, &wh);
        SDL_Point p = { ww ? e->button.x * GUI_W / ww : 0, wh ? e->button.y * GUI_H / wh : 0 };
        for (int b = 0; b < GUI_BTN_COUNT; b++) {
            SDL_Rect r = gui_button_rect(b);
            if (SDL_PointInRect(&p, &r))
                press(g, b);
        }
        break;
    }
    }
    return true;
}

/* One frame's share of guest time: paced to the wall clock (virtual = speed x wall since the
 * last resume), never more than ~12 ms of host time so the window stays responsive; a guest
 * slower than real time does not try to catch up afterwards. */
static void run_frame(gui *g)
{
    double t0 = now_seconds();
    double cps = (double)machine_cycles_per_second(g->v.m);
    const uint64_t slice = 200000;
    while (g->v.running && now_seconds() - t0 < 0.012) {
        uint64_t cur = machine_cycles(g->v.m);
        uint64_t want = slice;
        if (g->v.speed > 0) {
            double target = (double)g->base_cycles + (now_seconds() - g->base_wall) * g->v.speed * cps;
            if ((double)cur >= target)
                break;
            if (target - (double)cur < (double)want)
                want = (uint64_t)(target - (double)cur) + 1;
        }
        run_for(g, want);
    }
    if (g->v.speed > 0) {
        double behind = (now_seconds() - g->base_wall) * g->v.speed * cps - (double)(machine_cycles(g->v.m) - g->base_cycles);
        if (behind > 0.05 * cps * g->v.speed) {   /* too slow: start pacing afresh from here */
            g->base_wall = now_seconds();
            g->base_cycles = machine_cycles(g->v.m);
        }
    }
}

/* Which rows of the canvas changed since the last frame, as bands of whole rows: the window
 * is sent only those (a running guest changes the clock and a few panes, not 4 MB of pixels). */
#define GUI_MAX_BANDS 16
static int changed_bands(SDL_Surface *now, SDL_Surface *before, SDL_Rect *bands)
{
    int n = 0;
    size_t row_bytes = (size_t)now->w * 4;
    for (int y = 0; y < now->h; y++) {
        const uint8_t *a = (const uint8_t *)now->pixels + (size_t)y * (size_t)now->pitch;
        const uint8_t *b = (const uint8_t *)before->pixels + (size_t)y * (size_t)before->pitch;
        if (memcmp(a, b, row_bytes) == 0)
            continue;
        if (n > 0 && bands[n - 1].y + bands[n - 1].h >= y - 8)   /* join bands a few rows apart */
            bands[n - 1].h = y + 1 - bands[n - 1].y;
        else if (n < GUI_MAX_BANDS)
            bands[n++] = (SDL_Rect){ 0, y, now->w, 1 };
        else
            bands[n - 1].h = y + 1 - bands[n - 1].y;
    }
    return n;
}

/* Show the canvas. The window surface is fetched each frame: a resize replaces it. At the
 * canvas's own size only the changed bands go to the window; scaled, all of it (and after a
 * resize or an expose, g->full is set by the event loop). */
static void present(gui *g)
{
    SDL_Surface *ws = SDL_GetWindowSurface(g->win);
    if (!ws)
        return;
    if (ws->w != GUI_W || ws->h != GUI_H) {
        SDL_BlitScaled(g->canvas, NULL, ws, NULL);
        SDL_UpdateWindowSurface(g->win);
        g->full = true;
        return;
    }
    if (!g->prev)
        g->prev = gui_canvas(GUI_W, GUI_H);
    SDL_Rect bands[GUI_MAX_BANDS];
    int n = g->full || !g->prev ? -1 : changed_bands(g->canvas, g->prev, bands);
    if (n < 0) {
        SDL_BlitSurface(g->canvas, NULL, ws, NULL);
        SDL_UpdateWindowSurface(g->win);
    } else if (n > 0) {
        for (int i = 0; i < n; i++) {
            SDL_Rect r = bands[i];
            SDL_BlitSurface(g->canvas, &r, ws, &r);
        }
        SDL_UpdateWindowSurfaceRects(g->win, bands, n);
    }
    if (g->prev)
        SDL_BlitSurface(g->canvas, NULL, g->prev, NULL);
    g->full = false;
}

void gui_track_history(gui *g)
{
    if (!g->history || !g->v.m) {
        g->v.back_available = false;
        return;
    }
    if (g->history_on != g->v.m) {
        char herr[160];
        g->history_on = g->v.m;
        /* A checkpoint costs a few ms of host time (emu/machine.h: about one RAM scan), so its
         * interval follows the pace: at 1 virtual second per second an idle toy OS passes 1e9
         * cycles a second, and the default 1e7 would mean 100 checkpoints a second (measured:
         * most of the frame time). A quarter of a paced second keeps them to ~4 a second;
         * stepping back re-executes at most that (~0.1 s for an idle guest, up to ~2.5 s for a
         * busy one at 1e8 cycles a second). Unpaced (--speed max), cycles track host time: the
         * default interval. */
        uint64_t interval = 0;
        double paced = g->v.speed * (double)machine_cycles_per_second(g->v.m) / 4;
        if (g->v.speed > 0 && paced > (double)MACHINE_HISTORY_INTERVAL)
            interval = (uint64_t)paced;
        if (!machine_history_enabled(g->v.m))
            machine_history_enable(g->v.m, interval, 0, herr, sizeof herr);
    }
    g->v.back_available = machine_history_enabled(g->v.m);
}

bool gui_window_open(gui *g, const char *title)
{
    bool have_display = getenv("DISPLAY") || getenv("WAYLAND_DISPLAY") || getenv("SDL_VIDEODRIVER");
    if (!have_display || (!SDL_WasInit(SDL_INIT_VIDEO) && SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) ||
        !(g->win = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, GUI_W, GUI_H,
                                    SDL_WINDOW_RESIZABLE | SDL_WINDOW_HIDDEN))) {
        if (strcmp(title, "vx86 lab") == 0)
            fprintf(stderr, "vx86 lab: no display: --gui needs X11 or Wayland (--text works anywhere)\n");
        else
            fprintf(stderr, "%s: no display: use --screenshot for headless pictures\n",
                    strcmp(title, "vx86") == 0 ? "vx86 gui" : title);
        return false;
    }
    /* The window surface first, then show it: SDL may replace the X window when it makes the
     * surface, and a window seen by a tool (xdotool, a screenshot) must be the one that stays. */
    SDL_GetWindowSurface(g->win);
    SDL_ShowWindow(g->win);
    SDL_StartTextInput();
    g->full = true;
    g->base_wall = now_seconds();
    g->base_cycles = g->v.m ? machine_cycles(g->v.m) : 0;
    g->was_running = g->v.running;
    return true;
}

bool gui_frame(gui *g)
{
    double frame_t0 = now_seconds();
    SDL_Event e;
    bool go = !g->leave;
    while (go && SDL_PollEvent(&e)) {
        go = handle_event(g, &e);
        if (e.type == SDL_WINDOWEVENT)   /* resized, exposed, shown: draw it all again */
            g->full = true;
    }
    if (!go)
        g->leave = true;
    if (g->mode.sync)
        g->mode.sync(g->mode.ctx, g);
    if (g->v.m && g->v.running && !g->was_running) {
        g->base_wall = now_seconds();
        g->base_cycles = machine_cycles(g->v.m);
    }
    g->was_running = g->v.running;
    if (g->v.m && g->v.running) {
        run_frame(g);
        fflush(stdout);   /* COM1's copy on stdout: a prompt without a newline shows too */
    }
    double t_run = now_seconds();
    gui_render(g->canvas, &g->v, g->font, &g->vga);
    double t_draw = now_seconds();
    present(g);
    g->run_s += t_run - frame_t0;
    g->draw_s += t_draw - t_run;
    g->present_s += now_seconds() - t_draw;
    g->frames++;
    if (g->frame_limit && g->frames >= g->frame_limit)
        g->leave = true;
    double spent = now_seconds() - frame_t0;
    if (spent < 1.0 / 60)
        SDL_Delay((Uint32)((1.0 / 60 - spent) * 1000));
    return !g->leave;
}

static int window_loop(gui *g, const char *title, bool paused, bool stats)
{
    g->v.running = !g->v.ended && !paused;
    if (!gui_window_open(g, title))
        return CLI_EXIT_USAGE;
    double start = now_seconds();
    uint64_t start_cycles = machine_cycles(g->v.m);
    while (gui_frame(g))
        ;
    double secs = now_seconds() - start;
    uint64_t frames = g->frames ? g->frames : 1;
    if (stats)
        fprintf(stderr, "frames: %llu\nseconds: %.3f\nfps: %.1f\ncycles: %llu\nat cycle: %llu\n"
                        "ms per frame: guest %.1f, drawing %.1f, presenting %.1f\n",
                (unsigned long long)g->frames, secs, secs > 0 ? (double)g->frames / secs : 0.0,
                (unsigned long long)(machine_cycles(g->v.m) - start_cycles),
                (unsigned long long)machine_cycles(g->v.m), g->run_s * 1e3 / (double)frames,
                g->draw_s * 1e3 / (double)frames, g->present_s * 1e3 / (double)frames);
    return 0;
}

bool gui_resources(gui *g, const char *console_font)
{
    char err[512];
    if (!gui_font_load(&g->vga, console_font, err, sizeof err)) {
        fprintf(stderr, "vx86 gui: %s\n", err);
        return false;
    }
    if ((!TTF_WasInit() && TTF_Init() != 0) || !(g->font = TTF_OpenFont(GUI_TTF_DEFAULT, PIC_FONT_PX)) ||
        !(g->canvas = gui_canvas(GUI_W, GUI_H))) {
        fprintf(stderr, "vx86 gui: %s: %s (install fonts-dejavu-core)\n", GUI_TTF_DEFAULT, SDL_GetError());
        return false;
    }
    return true;
}

void gui_release(gui *g)
{
    if (g->canvas)
        SDL_FreeSurface(g->canvas);
    if (g->prev)
        SDL_FreeSurface(g->prev);
    if (g->font)
        TTF_CloseFont(g->font);
    if (g->win)
        SDL_DestroyWindow(g->win);
    g->canvas = g->prev = NULL;
    g->font = NULL;
    g->win = NULL;
    if (TTF_WasInit())
        TTF_Quit();
    SDL_Quit();
}

/* COM1 to the serial pane and, as 'vx86 run' does, to stdout (line by line). */
static void serial_tee(void *ctx, uint8_t byte)
{
    tui_serial_put(ctx, byte);
    putchar(byte);
    if (byte == '\n')
        fflush(stdout);
}

machine *gui_boot(const cli_run_options *opts, tui_serial *serial, bool echo, int *rc)
{
    char err[512] = "";
    machine_config cfg = { 0 };
    cfg.kernel = opts->image;
    cfg.cmdline = opts->cmdline;
    cfg.module_count = opts->module_count;
    memcpy(cfg.modules, opts->modules, sizeof cfg.modules);
    cfg.memory_bytes = opts->memory_bytes;
    cfg.trace_capacity = (size_t)opts->trace_size;
    cfg.serial_out = echo ? serial_tee : tui_serial_put;
    cfg.serial_ctx = serial;
    costs table;
    costs_defaults(&table);
    if (opts->costs_file && !costs_load(&table, opts->costs_file, err, sizeof err)) {
        fprintf(stderr, "vx86: %s\n", err);
        *rc = CLI_EXIT_USAGE;
        return NULL;
    }
    cfg.costs = &table;
    machine *m = machine_create(&cfg, err, sizeof err);
    if (!m) {
        fprintf(stderr, "vx86: %s\n", err[0] ? err : "cannot create the machine");
        *rc = CLI_EXIT_IMAGE;
        return NULL;
    }
    if (opts->input_after)
        machine_input_gate(m, opts->input_after);
    if (opts->serial_input_file && !cli_queue_serial_input(m, opts->serial_input_file)) {
        machine_destroy(m);
        *rc = CLI_EXIT_USAGE;
        return NULL;
    }
    if (opts->keys)
        machine_type_keys(m, opts->keys);
    return m;
}

static const char OS_GUI_USAGE[] =
    "usage: vx86 os --gui [run options] [--speed X|max] [--at CYCLES] [--screenshot FILE.png]\n"
    "                     [--walk ADDR] [--frames N] [--console-font FILE.psf.gz]\n"
    "The toy OS in the window: its shell in the serial console pane (type there, as in 'vx86 os'\n"
    "on a terminal), the VGA console, run/pause/step/step back and the live pictures (memory map\n"
    "from the kernel's frame table, page tables, timeline, namespaces, cgroups, VM exits).\n"
    "  --speed X   virtual seconds per wall-clock second (default 1: real time, so the shell\n"
    "              answers as a terminal would; 0.1 slows the OS down tenfold to watch it;\n"
    "              'max' runs as fast as the host can)\n"
    "  other options as 'vx86 gui --help'\n"
    "Keys: typing goes to COM1 (F2: to the PS/2 keyboard instead); F5 run/pause, F10 step, F9 step\n"
    "back one instruction (what was typed is replayed, not lost); Ctrl-] or closing the window\n"
    "leaves (Esc goes to the OS).\n"
    "Exit status: 0, 2 usage error or no display, 4 image missing (run 'make os'), 10 internal error.\n";

/* `vx86 gui` and `vx86 os --gui`: options, the machine, then the window or --screenshot. */
static int gui_run(int argc, char **argv, bool os)
{
    gui_args ga = { 0 };
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;
    if (!rest)
        return CLI_EXIT_INTERNAL;
    int rc = split_args(argc, argv, &ga, rest, &nrest);
    if (rc) {
        free(rest);
        return rc;
    }
    if (nrest == 0) {
        fprintf(stderr, "vx86 gui: needs an IMAGE, e.g. 'vx86 gui build/examples/hello.elf'\nTry 'vx86 gui --help'.\n");
        free(rest);
        return CLI_EXIT_USAGE;
    }
    cli_run_options opts;
    char err[512];
    rc = cli_parse_run(nrest, rest, &opts, err, sizeof err);
    free(rest);
    if (rc || opts.help) {
        if (rc)
            fprintf(stderr, "vx86 %s: %s\n", os ? "os --gui" : "gui", err);
        fputs(os ? OS_GUI_USAGE : GUI_USAGE, rc ? stderr : stdout);
        cli_run_options_free(&opts);
        return rc;
    }
    if (opts.realtime && ga.speed == 0)
        ga.speed = 1.0;   /* --realtime is the default pace; it only undoes --speed max */
    if (ga.screenshot && !cli_check_output_path(ga.screenshot, err, sizeof err)) {
        fprintf(stderr, "vx86 gui: %s\n", err);
        cli_run_options_free(&opts);
        return CLI_EXIT_USAGE;
    }

    gui g;
    memset(&g, 0, sizeof g);
    if (!gui_font_load(&g.vga, ga.console_font, err, sizeof err)) {
        fprintf(stderr, "vx86 gui: %s\n", err);
        cli_run_options_free(&opts);
        return CLI_EXIT_USAGE;
    }
    machine *m = gui_boot(&opts, &g.serial, true, &rc);
    if (!m) {
        cli_run_options_free(&opts);
        return rc;
    }
    g.v.m = m;
    /* Record history from the start so F9 can step back (emu/replay.c); the offscreen render
     * records too, so it draws the same enabled button as the window. */
    g.v.speed = ga.speed;
    g.history = true;
    gui_track_history(&g);
    g.v.ram_bytes = opts.memory_bytes ? opts.memory_bytes : CLI_MEMORY_DEFAULT;
    g.v.serial = &g.serial;
    g.v.walk_addr = ga.walk;
    g.v.walk_set = ga.walk_set;
    g.v.os = os;
    g.frame_limit = ga.frames;
    g.stats = opts.stats;
    if (os)
        snprintf(g.v.message, sizeof g.v.message, "type in the serial console; Ctrl-] leaves");

    /* A window needs a display; say so before any work. SDL's dummy and offscreen drivers count
     * only when asked for by name (SDL_VIDEODRIVER). */
    rc = 0;
    bool have_display = getenv("DISPLAY") || getenv("WAYLAND_DISPLAY") || getenv("SDL_VIDEODRIVER");
    if (!ga.screenshot && (!have_display || SDL_Init(SDL_INIT_VIDEO) != 0)) {
        fprintf(stderr, "vx86 %s: no display: use --screenshot for headless pictures\n", os ? "os" : "gui");
        rc = CLI_EXIT_USAGE;
    } else if (!gui_resources(&g, ga.console_font)) {
        rc = CLI_EXIT_USAGE;
    }
    if (rc == 0 && ga.at_set) {
        g.v.running = true;
        while (g.v.running && machine_cycles(m) < ga.at) {
            uint64_t left = ga.at - machine_cycles(m);
            run_for(&g, left < (1u << 26) ? left : (1u << 26));
        }
        g.v.running = false;
    }
    if (rc == 0 && ga.screenshot) {
        gui_render(g.canvas, &g.v, g.font, &g.vga);
        if (!gui_save_png(g.canvas, ga.screenshot, err, sizeof err)) {
            fprintf(stderr, "vx86 gui: %s\n", err);
            rc = CLI_EXIT_USAGE;
        }
    } else if (rc == 0) {
        rc = window_loop(&g, os ? "vx86 os" : "vx86", ga.at_set, opts.stats);
    }
    gui_release(&g);
    machine_destroy(m);
    tui_serial_free(&g.serial);
    cli_run_options_free(&opts);
    return rc;
}

int gui_main(int argc, char **argv)
{
    return gui_run(argc, argv, false);
}

int gui_os_main(int argc, char **argv)
{
    return gui_run(argc, argv, true);
}
