# The TUI's end-to-end tests (tests/tui/): `make check-tui` drives the ncurses front end inside
# tmux through a small driver that calls tui_main directly (so they do not depend on main.c),
# with a guest that echoes the serial console, and (--gdb) real gdb against the TUI. Then the lab
# screen: `vx86 lab labs/paging/lab.lua` on a terminal (tests/tui/run-lab-tmux.sh).
TUI_DRIVER     := $(BUILD)/tests/tui-driver
TUI_ECHO_GUEST := $(GUEST_BUILD)/tui/echo.elf

$(TUI_DRIVER): tests/tui/tui_driver.c $(BUILD)/libvx86.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $^ $(HOST_LIBS)

$(TUI_ECHO_GUEST): $(GUEST_OBJ)/tests/tui/echo.o $(GUEST_IMAGE_DEPS)
	$(call guest_link,$(GUEST_OBJ)/tests/tui/echo.o)

.PHONY: check-tui
check-tui: $(TUI_DRIVER) $(TUI_ECHO_GUEST) $(GUEST_BUILD)/suite/sort-O0.elf $(VX86) $(GUEST_BUILD)/labs/paging/paging.elf
	@tests/tui/run-tmux.sh $(TUI_DRIVER) $(GUEST_BUILD)/suite/sort-O0.elf $(TUI_ECHO_GUEST)
	@tests/tui/run-lab-tmux.sh $(VX86)
