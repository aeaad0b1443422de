# The README tour (README.md "A short tour"): the example guest programs it runs and its test.
#   make examples     build/examples/NAME.elf from examples/NAME.c, linked with the guest runtime;
#                     `make` (all) builds them
#   make check-tour   tests/cli/tour.sh: every tour line runs and shows what the README says
# Uses mk/guest.mk's variables while parsing, so it must be included after it.

EXAMPLES_DIR    := examples
EXAMPLE_NAMES   := $(basename $(notdir $(wildcard $(EXAMPLES_DIR)/*.c)))
EXAMPLE_IMAGES  := $(EXAMPLE_NAMES:%=$(BUILD)/examples/%.elf)

# The examples and the runtime's fault handler include the hardware facts as "arch/x86.h".
$(GUEST_OBJ)/$(EXAMPLES_DIR)/%.o: GUEST_CFLAGS += -I.
$(GUEST_OBJ)/kernel/lib/fault.o: GUEST_CFLAGS += -I.

$(BUILD)/examples/%.elf: $(GUEST_OBJ)/$(EXAMPLES_DIR)/%.o $(GUEST_IMAGE_DEPS)
	$(call guest_link,$<)

.SECONDARY: $(EXAMPLE_NAMES:%=$(GUEST_OBJ)/$(EXAMPLES_DIR)/%.o)

.PHONY: examples check-tour
examples: $(EXAMPLE_IMAGES)
all: examples

check-tour: all
	@tests/cli/tour.sh
