# Virtual time and trace tests (tests/guest/timing): a PIT-driven guest whose tick count must
# follow the cost table, and a paging guest whose page faults and CR3 writes must appear in
# `vx86 run --trace` / `--trace-chrome` output.
#   make check-timing      build the images and run tests/guest/timing/run.sh
# The guests use the system library of tests/guest/sys (SYS_LIB_OBJS from mk/sys.mk).

TIMING_DIR    := tests/guest/timing
TIMING_IMAGES := $(patsubst $(TIMING_DIR)/%.c,$(GUEST_BUILD)/timing/%.elf,$(wildcard $(TIMING_DIR)/*.c))
# The sys suite's page-fault test, checked through the trace as well.
TIMING_SYS_PF := $(GUEST_BUILD)/sys/paging_pf.elf

$(GUEST_BUILD)/timing/%.elf: $(GUEST_OBJ)/$(TIMING_DIR)/%.o $(SYS_LIB_OBJS) $(GUEST_IMAGE_DEPS)
	$(call guest_link,$< $(SYS_LIB_OBJS))

# Keep the objects (make would delete them as intermediates): their .d files track headers.
.SECONDARY: $(patsubst %.c,$(GUEST_OBJ)/%.o,$(wildcard $(TIMING_DIR)/*.c))

.PHONY: check-timing timing-images
timing-images: $(TIMING_IMAGES)

check-timing: $(TIMING_IMAGES) $(TIMING_SYS_PF) $(VX86)
	$(TIMING_DIR)/run.sh
