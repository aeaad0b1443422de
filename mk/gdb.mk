# The GDB stub's end-to-end tests (tests/gdb/): real gdb against a stand-in for
# `vx86 run --gdb PORT` (tests/gdb/driver.c, linked with libvx86.a) debugging a small guest with
# symbols. The driver is also built with ASan/UBSan and gets the malformed-input test.
# Uses mk/guest.mk's rules and variables (read before this fragment).
.PHONY: check-gdb gdb-image

GDB_TEST_DIR      := $(BUILD)/gdb
GDB_TEST_DRIVER   := $(GDB_TEST_DIR)/driver
GDB_TEST_DRIVER_SAN := $(GDB_TEST_DIR)/driver-san
GDB_TEST_RAWCLIENT := $(GDB_TEST_DIR)/rawclient
GDB_TEST_OBJ      := $(BUILD)/guest/obj/tests/gdb/target.o
GDB_TEST_IMAGE    := $(BUILD)/guest/gdb/target.elf

$(GDB_TEST_DRIVER): tests/gdb/driver.c $(BUILD)/libvx86.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $^ $(HOST_LIBS)

$(GDB_TEST_DRIVER_SAN): tests/gdb/driver.c $(BUILD)/libvx86-san.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(SAN_FLAGS) -o $@ $^ $(HOST_LIBS)

$(GDB_TEST_RAWCLIENT): tests/gdb/rawclient.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $<

# -O0: every variable lives in memory, so watchpoints and `print` see each change.
$(GDB_TEST_OBJ): GUEST_OPT := -O0
$(GDB_TEST_IMAGE): $(GDB_TEST_OBJ) $(GUEST_IMAGE_DEPS)
	$(call guest_link,$(GDB_TEST_OBJ))
.SECONDARY: $(GDB_TEST_OBJ)
gdb-image: $(GDB_TEST_IMAGE)

check-gdb: $(GDB_TEST_DRIVER) $(GDB_TEST_DRIVER_SAN) $(GDB_TEST_RAWCLIENT) gdb-image $(VX86)
	tests/gdb/run-gdb-tests.sh $(GDB_TEST_DRIVER) $(GDB_TEST_DRIVER_SAN) $(GDB_TEST_RAWCLIENT) $(GDB_TEST_IMAGE)
	tests/gdb/run-reverse-tests.sh $(VX86) $(GDB_TEST_IMAGE)
