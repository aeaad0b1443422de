# vx86 top-level build. Host code: cpu/ devices/ emu/ -> build/vx86.
# Guest code and test/bench rules live in mk/*.mk fragments (one owner each).
#   make          build vx86 and the bundled guest images
#   make demo     build everything and run the default demo
#   make check    build and run every test (host unit tests, sanitizer build, guest suites)
#   make bench    measure guest MIPS (vx86, and QEMU/Bochs where installed)

CC       ?= cc
BUILD    := build
PKGS     := libelf capstone ncursesw lua5.4 jansson sdl2 SDL2_ttf SDL2_image zlib
CFLAGS_COMMON := -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -g -I. \
                 $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
CFLAGS   ?= -O2
HOST_CFLAGS := $(CFLAGS_COMMON) $(CFLAGS)
HOST_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
SAN_FLAGS   := -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
CHECK_LIBS  := $(shell pkg-config --libs check 2>/dev/null)

HOST_SRCS := $(wildcard cpu/*.c devices/*.c emu/*.c emu/*/*.c)
LIB_SRCS  := $(filter-out emu/main.c,$(HOST_SRCS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)

LIB_OBJS     := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
SAN_LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/san/%.o)
UNIT_BINS    := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
SAN_UNIT_BINS:= $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests-san/%)

VX86     := $(BUILD)/vx86
VX86_SAN := $(BUILD)/vx86-san

.PHONY: all demo check check-all check-make check-unit check-san bench clean deps
all: $(VX86) guest

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(SAN_FLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libvx86.a: $(LIB_OBJS)
	@rm -f $@; ar rcs $@ $^

$(BUILD)/libvx86-san.a: $(SAN_LIB_OBJS)
	@rm -f $@; ar rcs $@ $^

$(VX86): $(BUILD)/obj/emu/main.o $(BUILD)/libvx86.a
	$(CC) $(HOST_CFLAGS) -o $@ $^ $(HOST_LIBS)

$(VX86_SAN): $(BUILD)/san/emu/main.o $(BUILD)/libvx86-san.a
	$(CC) $(CFLAGS_COMMON) $(SAN_FLAGS) -o $@ $^ $(HOST_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libvx86.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $^ $(CHECK_LIBS) $(HOST_LIBS)

$(BUILD)/tests-san/%: tests/unit/%.c $(BUILD)/libvx86-san.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(SAN_FLAGS) -o $@ $^ $(CHECK_LIBS) $(HOST_LIBS)

deps:
	@scripts/install-deps.sh --check-or-install

# demo and check install missing packages first, then build in a fresh make so that the
# pkg-config flags above are read after the packages exist (a fresh machine has none).
demo: deps
	@$(MAKE) --no-print-directory $(if $(filter -j%,$(MAKEFLAGS)),,-j2) all
	$(VX86)

# Host unit tests (Check) in the optimised build, then again under ASan/UBSan.
check-unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; CK_FORK=yes $$t; done

# The build itself: no fragment uses a variable before the fragment that defines it is read.
check-make:
	@tests/make-order.sh

check-san: $(SAN_UNIT_BINS) $(VX86_SAN)
	@set -e; for t in $(SAN_UNIT_BINS); do echo "== $$t (asan/ubsan)"; $$t; done

# The suites are independent: two at a time (CI has 2 cores) unless the caller chose a -j.
check: deps
	@$(MAKE) --no-print-directory $(if $(filter -j%,$(MAKEFLAGS)),,-j2) check-all

check-all: all check-make check-unit check-san check-guest check-cli check-isa check-sys check-timing \
           check-snapshot check-svm check-gdb check-tui check-labs check-tasks check-visible check-gui check-tour check-os-user check-os check-containers \
           check-hyperv check-curriculum check-sweep
	@echo "all test suites passed"

clean:
	rm -rf $(BUILD)

# The fragments, in the order they are read: a fragment may use, in its targets and
# prerequisites, the variables of those before it (guest.mk's toolchain, sys.mk's SYS_LIB_OBJS,
# timing.mk's TIMING_IMAGES ...). Reading them alphabetically made check-snapshot's prerequisites
# depend on what happened to be defined (36 checks from a clean tree, 54 later). Every file in
# mk/ must be listed here.
MK_FRAGMENTS := guest sys svm timing snapshot isa cli gdb tui labs tasks visible gui tour os user os-fs containers hyperv bench replay
MK_UNLISTED  := $(filter-out $(MK_FRAGMENTS:%=mk/%.mk),$(wildcard mk/*.mk))
$(if $(MK_UNLISTED),$(error Makefile: $(MK_UNLISTED) not in MK_FRAGMENTS (list it where its variables are defined)))
include $(MK_FRAGMENTS:%=mk/%.mk)
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
