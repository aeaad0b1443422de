# Guest toolchain: freestanding C for the vx86 machine (i686 integer ISA, no FPU/SSE), linked
# into Multiboot v1 ELF32 images that boot on vx86 and on QEMU's -kernel alike.
#
# Reuse from other fragments:
#   $(GUEST_OBJ)/PATH.o      built from PATH.c or PATH.S by the pattern rules below (GUEST_OPT)
#   $(GUEST_IMAGE_DEPS)      what every image needs besides its own objects (runtime + script)
#   $(call guest_link,OBJS)  the recipe line that links OBJS with the runtime into $@
# so a one-file program is two lines, for example:
#   build/guest/bench/loop.elf: $(GUEST_OBJ)/tests/bench/loop.o $(GUEST_IMAGE_DEPS)
#   	$(call guest_link,$(GUEST_OBJ)/tests/bench/loop.o)
# Per-target flags work as usual: `X.o: GUEST_OPT := -O0`.

GUEST_CC      ?= clang
GUEST_LD      ?= ld.lld
GUEST_BUILD   := $(BUILD)/guest
GUEST_OBJ     := $(GUEST_BUILD)/obj
GUEST_OPT     ?= -O2
# Only the compiler's own freestanding headers (stdint.h, stdarg.h, limits.h ...) plus ours: the
# runtime's (kernel/lib/include) and, from the repository root, the facts host and guest share:
# "arch/x86.h", "arch/svm.h" and the devices' ABI headers ("devices/uart_abi.h", "devices/probe_abi.h").
# -nostdinc keeps the host's glibc headers out of guest code. The path is looked up on first
# use, not while make parses, because on a fresh machine `make check` installs clang (deps) later.
GUEST_RESOURCE_INC = $(eval GUEST_RESOURCE_INC := $$(shell $$(GUEST_CC) -print-resource-dir)/include)$(GUEST_RESOURCE_INC)
GUEST_CFLAGS   = --target=i386-unknown-none-elf -march=i686 -mgeneral-regs-only \
                 -ffreestanding -fno-pic -fno-stack-protector \
                 -fno-asynchronous-unwind-tables -fno-unwind-tables \
                 -nostdinc -isystem $(GUEST_RESOURCE_INC) -Ikernel/lib/include -I. \
                 -std=c11 -g -Wall -Wextra -Werror
GUEST_LDSCRIPT:= kernel/lib/link.ld
GUEST_LDFLAGS := -m elf_i386 -static -nostdlib --no-undefined -T $(GUEST_LDSCRIPT)

GUEST_LIB_SRCS := $(wildcard kernel/lib/*.c)
GUEST_CRT0     := $(GUEST_OBJ)/kernel/lib/entry.o
GUEST_LIB      := $(GUEST_BUILD)/libvx.a
GUEST_IMAGE_DEPS := $(GUEST_CRT0) $(GUEST_LIB) $(GUEST_LDSCRIPT)
# The hypervisor library (kernel/lib/svm, header vx/svm.h): programs that run VMs link these
# objects too (the SVM tests, the nested-paging lab).
GUEST_SVM_OBJS := $(GUEST_OBJ)/kernel/lib/svm/svm.o $(GUEST_OBJ)/kernel/lib/svm/svm_asm.o

# Link objects with the entry stub and the runtime into the multiboot image $@.
guest_link = @mkdir -p $(dir $@) && $(GUEST_LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_CRT0) $(1) $(GUEST_LIB)

$(GUEST_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_OPT) -MMD -MP -c $< -o $@

$(GUEST_OBJ)/%.o: %.S
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

# The runtime is always optimised, whatever level the program it serves is built at.
$(GUEST_LIB_SRCS:%.c=$(GUEST_OBJ)/%.o) $(GUEST_SVM_OBJS): GUEST_OPT := -O2
.SECONDARY: $(GUEST_SVM_OBJS)

$(GUEST_LIB): $(GUEST_LIB_SRCS:%.c=$(GUEST_OBJ)/%.o)
	@rm -f $@; ar rcs $@ $^

# ---- the demo shown by `vx86` with no arguments ----
GUEST_DEMO := $(GUEST_BUILD)/demo.elf
$(GUEST_DEMO): $(GUEST_OBJ)/kernel/demo.o $(GUEST_IMAGE_DEPS)
	$(call guest_link,$(GUEST_OBJ)/kernel/demo.o)

# ---- the guest program suite: each program at three optimisation levels, plus a native twin ----
SUITE_DIR     := tests/guest/progs
SUITE_NAMES   := $(basename $(notdir $(wildcard $(SUITE_DIR)/*.c)))
SUITE_OPTS    := O0 O2 Os
SUITE_IMAGES  := $(foreach o,$(SUITE_OPTS),$(SUITE_NAMES:%=$(GUEST_BUILD)/suite/%-$(o).elf))
SUITE_NATIVE  := $(SUITE_NAMES:%=$(GUEST_BUILD)/native/%)
SUITE_NATIVE_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -DSUITE_NATIVE

define suite_opt_rule
$(GUEST_BUILD)/suite/%-$(1).o: $(SUITE_DIR)/%.c
	@mkdir -p $$(dir $$@)
	$$(GUEST_CC) $$(GUEST_CFLAGS) -$(1) -MMD -MP -c $$< -o $$@
$(GUEST_BUILD)/suite/%-$(1).elf: $(GUEST_BUILD)/suite/%-$(1).o $$(GUEST_IMAGE_DEPS)
	$$(call guest_link,$$<)
endef
$(foreach o,$(SUITE_OPTS),$(eval $(call suite_opt_rule,$(o))))
# Keep the objects (make would delete them as intermediates): their .d files track headers.
.SECONDARY: $(SUITE_IMAGES:.elf=.o)

$(GUEST_BUILD)/native/%: $(SUITE_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(SUITE_NATIVE_CFLAGS) -MMD -MP -o $@ $<

.PHONY: guest check-guest
guest: $(GUEST_DEMO) $(SUITE_IMAGES) $(SUITE_NATIVE)

check-guest: guest $(VX86)
	tests/guest/run-suite.sh

# For scripts/guest-cc: the flags, one variable per line, so the script never repeats them.
.PHONY: guest-print-flags
guest-print-flags: $(GUEST_IMAGE_DEPS)
	@echo "GUEST_CC=$(GUEST_CC)"
	@echo "GUEST_CFLAGS=$(GUEST_CFLAGS) $(GUEST_OPT)"
	@echo "GUEST_LD=$(GUEST_LD)"
	@echo "GUEST_LDFLAGS=$(GUEST_LDFLAGS)"
	@echo "GUEST_CRT0=$(GUEST_CRT0)"
	@echo "GUEST_LIB=$(GUEST_LIB)"
