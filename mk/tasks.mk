# Tasks made visible: the task table rebuilt from the trace, the Gantt chart (text,
# SVG, TUI strip), the Chrome export's task tracks, checked against a bare-metal guest that runs
# fake tasks round robin on the PIT and sends the records a kernel sends (tests/guest/tasks).
#   make check-tasks   build the guest and the Lua test driver, run tests/guest/tasks/run.sh, then
#                      the Lua tests again under ASan/UBSan
# The model's own unit tests (tests/unit/test_tasks_model.c) run with check-unit / check-san.
# Reuses mk/guest.mk ($(GUEST_OBJ)/%.o, guest_link) and the sys library of mk/sys.mk.

TASKS_DIR    := tests/guest/tasks
TASKS_IMAGE  := $(GUEST_BUILD)/tasks/tasks.elf
TASKS_DRIVER := $(BUILD)/tests/tasks-lua
TASKS_DRIVER_SAN := $(BUILD)/tests-san/tasks-lua

# The guest includes devices/probe_abi.h from the repository root.
$(GUEST_OBJ)/$(TASKS_DIR)/%.o: GUEST_CFLAGS += -I.

$(TASKS_IMAGE): $(GUEST_OBJ)/$(TASKS_DIR)/tasks.o $(SYS_LIB_OBJS) $(GUEST_IMAGE_DEPS)
	$(call guest_link,$< $(SYS_LIB_OBJS))

.SECONDARY: $(GUEST_OBJ)/$(TASKS_DIR)/tasks.o

$(TASKS_DRIVER): $(TASKS_DIR)/test_tasks_lua.c $(BUILD)/libvx86.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $^ $(CHECK_LIBS) $(HOST_LIBS)

$(TASKS_DRIVER_SAN): $(TASKS_DIR)/test_tasks_lua.c $(BUILD)/libvx86-san.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(SAN_FLAGS) -o $@ $^ $(CHECK_LIBS) $(HOST_LIBS)

guest: $(TASKS_IMAGE)

.PHONY: check-tasks
check-tasks: $(TASKS_IMAGE) $(TASKS_DRIVER) $(TASKS_DRIVER_SAN) $(VX86) $(TUI_DRIVER)
	$(TASKS_DIR)/run.sh
	@echo "== $(TASKS_DRIVER_SAN) (asan/ubsan)"; $(TASKS_DRIVER_SAN) $(TASKS_IMAGE)
