/* Runs the TUI without emu/main.c: `tui-driver IMAGE [options]` is `vx86 tui IMAGE [options]`. */
#include "emu/tui/tui.h"

int main(int argc, char **argv) { return tui_main(argc - 1, argv + 1); }
