# The toy OS's user space (kernel/user): the C library, the programs, the root file system image.
#   build/os/user/libc.a, crt0.o       the C library (kernel/user/lib, headers kernel/user/include)
#   build/os/user/NAME.elf             one per kernel/user/bin/NAME.c or kernel/user/bin/NAME/*.c
#   build/os/initrd.img                cpio "newc": /bin/*, /sbin/init, /etc (+ OS_ROOTFS_EXTRA: other fragments' files)
#   make check-os-user                 parity programs (glibc vs ours under qemu-i386) + sh/utility tests
# scripts/os-cc reads the flags below (make os-user-print-flags), so the two never disagree.

OS_BUILD     := $(BUILD)/os
OSU_BUILD    := $(OS_BUILD)/user
OSU_OBJ      := $(OSU_BUILD)/obj
OSU_CC       ?= clang
OSU_LD       ?= ld.lld
OSU_OPT      ?= -O2
# Our include directory first: its limits.h adds PATH_MAX and include_next's the compiler's.
OSU_CFLAGS    = --target=i386-unknown-none-elf -march=i686 -mgeneral-regs-only \
                -ffreestanding -fno-pic -fno-stack-protector -ffunction-sections -fdata-sections \
                -fno-asynchronous-unwind-tables -fno-unwind-tables \
                -nostdinc -isystem kernel/user/include -isystem $(GUEST_RESOURCE_INC) \
                -std=gnu11 -Wall -Wextra -Werror
OSU_LDSCRIPT := kernel/user/user.ld
OSU_LDFLAGS  := -m elf_i386 -static -nostdlib --no-undefined --gc-sections -T $(OSU_LDSCRIPT)

OSU_LIB_SRCS := $(wildcard kernel/user/lib/*.c) kernel/lib/div64.c $(filter-out kernel/user/lib/crt0.S,$(wildcard kernel/user/lib/*.S))
OSU_CRT0     := $(OSU_OBJ)/kernel/user/lib/crt0.o
OSU_LIB      := $(OSU_BUILD)/libc.a
OSU_DEPS     := $(OSU_CRT0) $(OSU_LIB) $(OSU_LDSCRIPT)

OSU_MULTI    := $(notdir $(patsubst %/,%,$(wildcard kernel/user/bin/*/)))
OSU_PROGS    := $(basename $(notdir $(wildcard kernel/user/bin/*.c))) $(OSU_MULTI)
OSU_ELFS     := $(OSU_PROGS:%=$(OSU_BUILD)/%.elf) $(OSU_BUILD)/vm.elf
OSU_PROGS    += vm
OS_INITRD    := $(OS_BUILD)/initrd.img

# The repository root is on every toy-OS program's include path, for the headers it shares with
# the kernel (kernel/uapi/*.h, arch/svm.h, arch/multiboot.h, hyperv/vm/snapshot.h).
$(OSU_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(OSU_CC) $(OSU_CFLAGS) $(OSU_OPT) -I. -MMD -MP -c $< -o $@

$(OSU_OBJ)/%.o: %.S
	@mkdir -p $(dir $@)
	$(OSU_CC) $(OSU_CFLAGS) -MMD -MP -c $< -o $@

$(OSU_LIB): $(patsubst %,$(OSU_OBJ)/%.o,$(basename $(OSU_LIB_SRCS)))
	@rm -f $@; ar rcs $@ $^

$(OSU_BUILD)/%.elf: $(OSU_OBJ)/kernel/user/bin/%.o $(OSU_DEPS)
	$(OSU_LD) $(OSU_LDFLAGS) -o $@ $(OSU_CRT0) $< $(OSU_LIB)

# A program of several files lives in its own folder (kernel/user/bin/sh/*.c -> sh.elf).
define osu_multi_rule
$(OSU_BUILD)/$(1).elf: $(patsubst %.c,$(OSU_OBJ)/%.o,$(wildcard kernel/user/bin/$(1)/*.c)) $(OSU_DEPS)
	$$(OSU_LD) $$(OSU_LDFLAGS) -o $$@ $$(OSU_CRT0) $(patsubst %.c,$(OSU_OBJ)/%.o,$(wildcard kernel/user/bin/$(1)/*.c)) $$(OSU_LIB)
endef
$(foreach p,$(OSU_MULTI),$(eval $(call osu_multi_rule,$(p))))

# vm, the hypervisor's user-space VMM (hyperv/vm), several files.
$(OSU_BUILD)/vm.elf: $(patsubst %.c,$(OSU_OBJ)/%.o,$(wildcard hyperv/vm/*.c)) $(OSU_DEPS)
	$(OSU_LD) $(OSU_LDFLAGS) -o $@ $(OSU_CRT0) $(filter-out $(OSU_CRT0),$(filter %.o,$^)) $(OSU_LIB)

# The root file system. Every file gets mtime 0 and owner root so the image is byte-for-byte
# reproducible (the OS's determinism test boots it).
OS_ROOTFS := $(OS_BUILD)/rootfs
$(OS_INITRD): $(OSU_ELFS) $(wildcard kernel/user/etc/*) mk/user.mk
	@rm -rf $(OS_ROOTFS) && mkdir -p $(OS_ROOTFS)/bin $(OS_ROOTFS)/sbin $(OS_ROOTFS)/etc \
	    $(OS_ROOTFS)/dev $(OS_ROOTFS)/proc $(OS_ROOTFS)/tmp
	@for p in $(filter-out init,$(OSU_PROGS)); do cp $(OSU_BUILD)/$$p.elf $(OS_ROOTFS)/bin/$$p; done
	@cp $(OSU_BUILD)/test.elf '$(OS_ROOTFS)/bin/['
	@cp $(OSU_BUILD)/init.elf $(OS_ROOTFS)/sbin/init
	@cp kernel/user/etc/* $(OS_ROOTFS)/etc/
	@chmod 755 $(OS_ROOTFS)/bin/* $(OS_ROOTFS)/sbin/*; chmod 644 $(OS_ROOTFS)/etc/*; chmod 1777 $(OS_ROOTFS)/tmp
	$(OS_ROOTFS_EXTRA)
	@find $(OS_ROOTFS) -exec touch -h -d @0 {} +
	@cd $(OS_ROOTFS) && find . -mindepth 1 | LC_ALL=C sort | \
	    cpio --quiet -o -H newc --owner=0:0 --reproducible > $(abspath $@).tmp && mv $(abspath $@).tmp $(abspath $@)
	@echo "initrd: $@ ($$(stat -c %s $@) bytes, $(words $(OSU_PROGS)) programs)"

.PHONY: os-user os-user-print-flags check-os-user
os-user: $(OSU_ELFS) $(OS_INITRD)
all: os-user

os-user-print-flags: $(OSU_DEPS)
	@echo "OSU_CC=$(OSU_CC)"
	@echo "OSU_CFLAGS=$(OSU_CFLAGS)"
	@echo "OSU_LD=$(OSU_LD)"
	@echo "OSU_LDFLAGS=$(OSU_LDFLAGS)"
	@echo "OSU_CRT0=$(OSU_CRT0)"
	@echo "OSU_LIB=$(OSU_LIB)"

check-os-user: os-user $(OSK_ELF) $(VX86)
	@tests/os/user/run.sh
