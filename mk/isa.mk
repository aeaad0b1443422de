# Guest ISA tests: instructions that do not exist in 64-bit mode (so the host cannot be the
# oracle) run as guest programs on vx86 and on QEMU, and the outputs must agree.
#   make check-isa      build tests/guest/isa/*.c into build/guest/isa/*.elf and compare
# Reuses the guest toolchain rules of mk/guest.mk ($(GUEST_OBJ)/%.o, guest_link).

ISA_SRCS   := $(wildcard tests/guest/isa/*.c)
ISA_IMAGES := $(ISA_SRCS:tests/guest/isa/%.c=$(BUILD)/guest/isa/%.elf)

$(BUILD)/guest/isa/%.elf: $(BUILD)/guest/obj/tests/guest/isa/%.o $(GUEST_IMAGE_DEPS)
	$(call guest_link,$<)

.PHONY: check-isa isa-images
isa-images: $(ISA_IMAGES)

check-isa: $(ISA_IMAGES) $(VX86)
	tests/guest/isa/run.sh $(ISA_IMAGES)
.PRECIOUS: $(BUILD)/guest/obj/tests/guest/isa/%.o
