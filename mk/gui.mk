# The SDL2 window and the pictures (emu/gui, emu/pictures): tests/gui.
#   make check-gui   the picture models' unit tests (also under ASan/UBSan), then
#                    tests/gui/run-gui-tests.sh: offscreen screenshots, `vx86 picture` SVGs checked
#                    with xmllint and rendered with rsvg-convert, and the window under Xvfb
#                    compared with the offscreen render.
# Uses $(VX86), the libraries and flags of the top Makefile, and the guest images of guest.mk,
# labs.mk (the nested-paging lab's guest), tasks.mk, tour.mk (paths only: tour.mk comes later), os.mk
# (the toy OS) and hyperv.mk (a spinning guest for the toy OS's VM).

GUI_TEST      := $(BUILD)/tests/gui/test_pictures
GUI_TEST_SAN  := $(BUILD)/tests-san/gui/test_pictures
GUI_PNGCMP    := $(BUILD)/tests/gui/pngcmp
GUI_XCLOSE    := $(BUILD)/tests/gui/xclose

$(GUI_TEST): tests/gui/test_pictures.c $(BUILD)/libvx86.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $^ $(CHECK_LIBS) $(HOST_LIBS)

$(GUI_TEST_SAN): tests/gui/test_pictures.c $(BUILD)/libvx86-san.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(SAN_FLAGS) -o $@ $^ $(CHECK_LIBS) $(HOST_LIBS)

$(GUI_PNGCMP): tests/gui/pngcmp.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $< $(HOST_LIBS)

$(GUI_XCLOSE): tests/gui/xclose.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $< $(shell pkg-config --libs x11 2>/dev/null)

.PHONY: check-gui
check-gui: $(VX86) $(GUI_TEST) $(GUI_TEST_SAN) $(GUI_PNGCMP) $(GUI_XCLOSE) $(TASKS_IMAGE) $(BUILD)/examples/hypervisor.elf $(BUILD)/examples/hello.elf \
           $(BUILD)/examples/pagefault.elf $(GUEST_BUILD)/labs/nested-paging/npt.elf os $(GUEST_BUILD)/hyperv/clijmp.elf
	@echo "== $(GUI_TEST)"; $(GUI_TEST)
	@echo "== $(GUI_TEST_SAN) (asan/ubsan)"; $(GUI_TEST_SAN)
	tests/gui/run-gui-tests.sh

# The guest with a known VGA screen (tests/gui/vga_screen.c), built like the tour's examples.
GUI_VGA_IMAGE := $(GUEST_BUILD)/gui/vga_screen.elf
$(GUEST_OBJ)/tests/gui/%.o: GUEST_CFLAGS += -I.
$(GUI_VGA_IMAGE): $(GUEST_OBJ)/tests/gui/vga_screen.o $(GUEST_IMAGE_DEPS)
	$(call guest_link,$<)
.SECONDARY: $(GUEST_OBJ)/tests/gui/vga_screen.o
guest: $(GUI_VGA_IMAGE)
check-gui: $(GUI_VGA_IMAGE)
