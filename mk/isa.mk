# Guest ISA tests: instructions that do not exist in 64-bit mode (so the host cannot be the
# oracle) run as guest programs on vx86 and on QEMU, and the outputs must agree.
#   make check-isa      build tests/guest/isa/*.c into build/guest/isa/*.elf and compare
# Reuses the guest toolchain rules of mk/guest.mk ($(GUEST_OBJ)/%.o, guest_link, GUEST_IMAGE_DEPS).

ISA_SRCS   := $(wildcard tests/guest/isa/*.c)
ISA_OBJS   := $(ISA_SRCS:%.c=$(BUILD)/guest/obj/%.o)
ISA_IMAGES := $(ISA_SRCS:tests/guest/isa/%.c=$(BUILD)/guest/isa/%.elf)

$(BUILD)/guest/isa/%.elf: $(BUILD)/guest/obj/tests/guest/isa/%.o $(GUEST_IMAGE_DEPS)
	$(call guest_link,$<)

# keep the objects (make would delete them as intermediates and rebuild them every time)
.SECONDARY: $(ISA_OBJS)

.PHONY: check-isa isa-images
isa-images: $(ISA_IMAGES)

check-isa: $(ISA_IMAGES) $(VX86)
	tests/guest/isa/run.sh $(ISA_IMAGES)
