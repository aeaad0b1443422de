# Containers and VMs made visible: the namespace tree, the cgroup tree
# and the VM exit histogram rebuilt from the trace, their text / SVG pictures and TUI panes, checked
# against a bare-metal guest that sends the records the toy OS's container and hypervisor code
# send and runs two real SVM guests (tests/guest/visible).
#   make check-visible   build the guest and the Lua test driver, run tests/guest/visible/run.sh,
#                        then the Lua tests again under ASan/UBSan
# The models' own unit tests (tests/unit/test_visible_*.c) run with check-unit / check-san.
# Reuses mk/guest.mk ($(GUEST_OBJ)/%.o, guest_link, GUEST_SVM_OBJS) and mk/tui.mk ($(TUI_DRIVER)).

VISIBLE_DIR    := tests/guest/visible
VISIBLE_IMAGE  := $(GUEST_BUILD)/visible/visible.elf
VISIBLE_DRIVER := $(BUILD)/tests/visible-lua
VISIBLE_DRIVER_SAN := $(BUILD)/tests-san/visible-lua

# The guest includes devices/probe_abi.h from the repository root.
$(GUEST_OBJ)/$(VISIBLE_DIR)/%.o: GUEST_CFLAGS += -I.

$(VISIBLE_IMAGE): $(GUEST_OBJ)/$(VISIBLE_DIR)/visible.o $(GUEST_SVM_OBJS) $(GUEST_IMAGE_DEPS)
	$(call guest_link,$< $(GUEST_SVM_OBJS))

.SECONDARY: $(GUEST_OBJ)/$(VISIBLE_DIR)/visible.o

$(VISIBLE_DRIVER): $(VISIBLE_DIR)/test_visible_lua.c $(BUILD)/libvx86.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $^ $(CHECK_LIBS) $(HOST_LIBS)

$(VISIBLE_DRIVER_SAN): $(VISIBLE_DIR)/test_visible_lua.c $(BUILD)/libvx86-san.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(SAN_FLAGS) -o $@ $^ $(CHECK_LIBS) $(HOST_LIBS)

guest: $(VISIBLE_IMAGE)

.PHONY: check-visible
check-visible: $(VISIBLE_IMAGE) $(VISIBLE_DRIVER) $(VISIBLE_DRIVER_SAN) $(VX86) $(TUI_DRIVER)
	$(VISIBLE_DIR)/run.sh
	@echo "== $(VISIBLE_DRIVER_SAN) (asan/ubsan)"; $(VISIBLE_DRIVER_SAN) $(VISIBLE_IMAGE)
