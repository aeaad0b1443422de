# The toy OS kernel (kernel/*.c, kernel/*.S) -> build/os/kernel.elf, and its tests.
#   make os            build/os/kernel.elf and build/os/initrd.img (mk/user.mk builds the initrd)
#   make check-os      boot tests on vx86 and qemu-system-i386: cmd=, the scripted session,
#                      selftest, hostile programs, copy-on-write, determinism (tests/os/)
# Freestanding with the guest toolchain's flags (mk/guest.mk) plus the repository root on the
# include path ("kernel/...", "arch/x86.h", "devices/probe_abi.h"); its own linker script.

OSK_BUILD   := $(BUILD)/os
OSK_OBJ     := $(OSK_BUILD)/kobj
OSK_ELF     := $(OSK_BUILD)/kernel.elf
OSK_LDSCRIPT:= kernel/kernel.ld
OSK_SRCS    := $(filter-out kernel/demo.c,$(wildcard kernel/*.c)) $(wildcard kernel/*.S) kernel/lib/div64.c \
               $(wildcard containers/*.c) \
               $(wildcard hyperv/*.c) $(wildcard hyperv/*.S)
OSK_OBJS    := $(patsubst %,$(OSK_OBJ)/%.o,$(basename $(OSK_SRCS)))
OSK_CFLAGS   = $(GUEST_CFLAGS) -I. -O2 -fno-omit-frame-pointer

$(OSK_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(OSK_CFLAGS) -MMD -MP -c $< -o $@

$(OSK_OBJ)/%.o: %.S
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(OSK_CFLAGS) -MMD -MP -c $< -o $@

$(OSK_ELF): $(OSK_OBJS) $(OSK_LDSCRIPT)
	$(GUEST_LD) -m elf_i386 -static -nostdlib --no-undefined -T $(OSK_LDSCRIPT) -o $@ $(OSK_OBJS)

-include $(OSK_OBJS:.o=.d)

# Test programs for tests/os, built like kernel/user programs (mk/user.mk's flags, read when the
# recipe runs: that fragment is included after this one) and passed to the OS as modules.
OSK_TEST_PROGS := segv cowtest hostile forkbomb oom forkbench sigtest schedtest proctest msgtest
OSK_TEST_ELFS  := $(OSK_TEST_PROGS:%=$(OSK_BUILD)/test/%.elf)
$(OSK_BUILD)/test/%.elf: tests/os/progs/%.c $(OSK_BUILD)/user/libc.a $(OSK_BUILD)/user/obj/kernel/user/lib/crt0.o
	@mkdir -p $(dir $@)
	$(OSU_CC) $(OSU_CFLAGS) -O2 -c $< -o $@.o
	$(OSU_LD) $(OSU_LDFLAGS) -o $@ $(OSU_CRT0) $@.o $(OSU_LIB)

.PHONY: os check-os
os: $(OSK_ELF) $(BUILD)/os/initrd.img
all: os

check-os: os $(OSK_TEST_ELFS) $(VX86)
	tests/os/run.sh
