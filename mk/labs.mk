# Labs (labs/<lab>/lab.lua) and the guest programs they boot (labs/<lab>/guest/*.c), plus the lab
# tests (tests/labs): scripted `vx86 lab --text` runs, grading with reference / partial /
# malformed answers, output-format validation, sandbox limits and byte-identical determinism.
#   make labs         build build/guest/labs/<lab>/<prog>.elf and the test driver
#   make check-labs   run tests/labs/run.sh (prints "lab-tests: N passed, M failed")
# Reuses mk/guest.mk ($(GUEST_OBJ)/%.o, guest_link, GUEST_IMAGE_DEPS); nested-paging links the
# hypervisor library (GUEST_SVM_OBJS: kernel/lib/svm, header vx/svm.h).

LAB_GUEST_SRCS  := $(wildcard labs/*/guest/*.c)
LAB_GUEST_IMAGES := $(foreach s,$(LAB_GUEST_SRCS),$(GUEST_BUILD)/labs/$(word 2,$(subst /, ,$(s)))/$(basename $(notdir $(s))).elf)
LAB_SVM_OBJS    := $(GUEST_SVM_OBJS)
LAB_DRIVER      := $(BUILD)/tests/labs/vx86-lab

$(GUEST_BUILD)/labs/paging/%.elf: $(GUEST_OBJ)/labs/paging/guest/%.o $(GUEST_IMAGE_DEPS)
	$(call guest_link,$<)

$(GUEST_BUILD)/labs/nested-paging/%.elf: $(GUEST_OBJ)/labs/nested-paging/guest/%.o $(LAB_SVM_OBJS) $(GUEST_IMAGE_DEPS)
	$(call guest_link,$< $(LAB_SVM_OBJS))

.SECONDARY: $(LAB_GUEST_SRCS:%.c=$(GUEST_OBJ)/%.o) $(LAB_SVM_OBJS)

# tests/labs/run.sh takes `lab ...` / `grade ...` from this driver by default: it calls the same
# entry points (lab_main, grade_main) as `vx86 lab` / `vx86 grade`, which emu/main.c dispatches,
# without the rest of main.c. With VX86_LAB=build/vx86 the tests run the real binary.
$(LAB_DRIVER): tests/labs/driver.c $(BUILD)/libvx86.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $^ $(HOST_LIBS)

.PHONY: labs check-labs
labs: $(LAB_GUEST_IMAGES) $(LAB_DRIVER)
guest: $(LAB_GUEST_IMAGES)

check-labs: labs
	tests/labs/run.sh
