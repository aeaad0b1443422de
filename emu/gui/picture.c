/* vx86 picture KIND IMAGE: one diagram of the machine at a cycle, as text, SVG or PNG. The three
 * forms come from one view model: text from the model, SVG and PNG from its scene. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/gui/gui.h"

static const char PICTURE_USAGE[] =
    "usage: vx86 picture KIND IMAGE [run options] [--at CYCLES] [--svg FILE] [--png FILE]\n"
    "                    [--width PX] [--walk ADDR]\n"
    "One diagram of the machine at cycle CYCLES (default: where the guest stops), as text on\n"
    "stdout, or as SVG / PNG files. KIND is one of:\n"
    "  console memmap pagetable walk gantt namespaces cgroups exits\n"
    "  --at CYCLES   run the guest to this cycle first (it may end sooner)\n"
    "  --svg FILE    write the picture as SVG 1.1\n"
    "  --png FILE    write it as PNG (drawn as the window draws it)\n"
    "  --width PX    the picture's width (default 640, 160..4000)\n"
    "  --walk ADDR   the walk picture's linear address (hex; default EIP)\n"
    "Exit status: 0, 2 usage error or unwritable output, 4 bad image, 10 internal error.\n";

int picture_main(int argc, char **argv)
{
    if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
        fputs(PICTURE_USAGE, stdout);
        return 0;
    }
    if (argc < 2) {
        fprintf(stderr, "vx86 picture: needs a KIND and an IMAGE, e.g. 'vx86 picture memmap build/examples/pagefault.elf'\n"
                        "Try 'vx86 picture --help'.\n");
        return CLI_EXIT_USAGE;
    }
    int kind = pic_kind_lookup(argv[0]);
    if (kind < 0) {
        fprintf(stderr, "vx86 picture: unknown picture '%s' (console memmap pagetable walk gantt namespaces cgroups "
                        "exits)\n", argv[0]);
        return CLI_EXIT_USAGE;
    }
    const char *svg = NULL, *png = NULL;
    uint64_t at = 0, width = 640;
    bool at_set = false;
    uint32_t walk = 0;
    bool walk_set = false;
    char **rest = calloc((size_t)argc, sizeof *rest);
    int nrest = 0;
    if (!rest)
        return CLI_EXIT_INTERNAL;
    char err[512];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool known = !strcmp(a, "--svg") || !strcmp(a, "--png") || !strcmp(a, "--at") || !strcmp(a, "--width") ||
                     !strcmp(a, "--walk");
        if (!known) {
            rest[nrest++] = argv[i];
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "vx86 picture: %s needs a value\n", a);
            free(rest);
            return CLI_EXIT_USAGE;
        }
        const char *v = argv[++i];
        bool ok = true;
        if (!strcmp(a, "--svg")) svg = v;
        else if (!strcmp(a, "--png")) png = v;
        else if (!strcmp(a, "--at")) ok = at_set = cli_parse_count(v, &at, err, sizeof err);
        else if (!strcmp(a, "--width")) {
            ok = cli_parse_count(v, &width, err, sizeof err);
            if (ok && (width < 160 || width > 4000)) {
                snprintf(err, sizeof err, "'%s' is outside 160..4000", v);
                ok = false;
            }
        } else {
            char *end;
            unsigned long x = strtoul(v, &end, 16);
            ok = *v && !*end && x <= 0xFFFFFFFFul;
            if (!ok) snprintf(err, sizeof err, "'%s' is not a 32-bit hex address", v);
            walk = (uint32_t)x;
            walk_set = true;
        }
        if (!ok) {
            fprintf(stderr, "vx86 picture: %s: %s\n", a, err);
            free(rest);
            return CLI_EXIT_USAGE;
        }
    }
    cli_run_options opts;
    int rc = cli_parse_run(nrest, rest, &opts, err, sizeof err);
    free(rest);
    if (rc) {
        fprintf(stderr, "vx86 picture: %s\n", err);
        cli_run_options_free(&opts);
        return rc;
    }
    const char *outs[] = { svg, png };
    for (int k = 0; k < 2; k++)
        if (outs[k] && !cli_check_output_path(outs[k], err, sizeof err)) {
            fprintf(stderr, "vx86 picture: %s\n", err);
            cli_run_options_free(&opts);
            return CLI_EXIT_USAGE;
        }
    tui_serial serial = { 0 };
    machine *m = gui_boot(&opts, &serial, false, &rc);
    if (!m) {
        cli_run_options_free(&opts);
        return rc;
    }
    /* To --at (or, without it, until the guest stops or --max-cycles / 1e10 cycles pass). */
    uint64_t limit = at_set ? at : opts.max_cycles ? opts.max_cycles : 10000000000ull;
    while (machine_cycles(m) < limit) {
        uint64_t left = limit - machine_cycles(m);
        if (machine_run(m, left < (1u << 28) ? left : (1u << 28)) != MACHINE_STOP_LIMIT)
            break;
    }
    pic_source src = { .m = m, .ram_bytes = opts.memory_bytes ? opts.memory_bytes : CLI_MEMORY_DEFAULT,
                       .walk_addr = walk, .walk_set = walk_set };
    pic_scene s;
    char *text = NULL;
    rc = 0;
    if (!pic_build(kind, &src, &s, (int)width, 0, &text)) {
        fprintf(stderr, "vx86 picture: out of memory\n");
        rc = CLI_EXIT_INTERNAL;
    } else {
        if (svg && !pic_scene_write_svg(&s, svg, err, sizeof err)) {
            fprintf(stderr, "vx86 picture: %s\n", err);
            rc = CLI_EXIT_USAGE;
        }
        if (png) {
            SDL_Surface *c = gui_canvas(s.width, s.height);
            TTF_Font *font = TTF_Init() == 0 ? TTF_OpenFont(GUI_TTF_DEFAULT, PIC_FONT_PX) : NULL;
            if (!c || !font) {
                fprintf(stderr, "vx86 picture: %s: %s\n", GUI_TTF_DEFAULT, SDL_GetError());
                rc = CLI_EXIT_USAGE;
            } else {
                gui_draw_scene(c, 0, 0, &s, font);
                if (!gui_save_png(c, png, err, sizeof err)) {
                    fprintf(stderr, "vx86 picture: %s\n", err);
                    rc = CLI_EXIT_USAGE;
                }
            }
            if (font) TTF_CloseFont(font);
            if (c) SDL_FreeSurface(c);
            TTF_Quit();
        }
        if (!svg && !png && text)
            fputs(text, stdout);
    }
    free(text);
    pic_scene_free(&s);
    machine_destroy(m);
    tui_serial_free(&serial);
    cli_run_options_free(&opts);
    return rc;
}
