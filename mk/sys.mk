# System-level guest tests: paging, protection, interrupts and devices, each a small program in
# tests/guest/sys linked with the sys library (tests/guest/sys/lib) and the guest runtime.
#   make check-sys      build build/guest/sys/*.elf, run them on vx86 (and QEMU where installed)
# Reuses the guest toolchain of mk/guest.mk ($(GUEST_OBJ)/%.o, guest_link, GUEST_IMAGE_DEPS).

SYS_DIR    := tests/guest/sys
SYS_SRCS   := $(wildcard $(SYS_DIR)/*.c)
SYS_IMAGES := $(SYS_SRCS:$(SYS_DIR)/%.c=$(GUEST_BUILD)/sys/%.elf)
SYS_LIB_OBJS := $(GUEST_OBJ)/$(SYS_DIR)/lib/sys.o $(GUEST_OBJ)/$(SYS_DIR)/lib/stubs.o

$(GUEST_BUILD)/sys/%.elf: $(GUEST_OBJ)/$(SYS_DIR)/%.o $(SYS_LIB_OBJS) $(GUEST_IMAGE_DEPS)
	$(call guest_link,$< $(SYS_LIB_OBJS))

# Keep the objects (make would delete them as intermediates): their .d files track headers.
.SECONDARY: $(SYS_LIB_OBJS) $(SYS_SRCS:%.c=$(GUEST_OBJ)/%.o)

.PHONY: check-sys sys-images
sys-images: $(SYS_IMAGES)

check-sys: $(SYS_IMAGES) $(VX86)
	$(SYS_DIR)/run.sh $(SYS_IMAGES)
