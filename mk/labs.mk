# Labs (labs/<lab>/lab.lua) and the guest programs they boot (labs/<lab>/guest/*.c), plus the lab
# tests (tests/labs):
#   tests/labs/run.sh      scripted `vx86 lab --text` runs, grading with reference / partial /
#                          malformed answers, output formats, sandbox limits, parallel grading
#   tests/labs/grading.sh  hostile answers and bad labs read by real consumers (prove, xmllint,
#                          xml.etree, strict-UTF-8 json), never losing a submission, answers
#                          notation, retries and --save, `vx86 lua`, and the determinism sweep
#                          (idle, both cores busy, the sanitizer build)
#   make labs         build build/guest/labs/<lab>/<prog>.elf
#   make check-labs   run both ("lab-tests: N passed, M failed", "grading-tests: ...")
# Reuses mk/guest.mk ($(GUEST_OBJ)/%.o, guest_link, GUEST_IMAGE_DEPS); nested-paging links the
# hypervisor library (GUEST_SVM_OBJS: kernel/lib/svm, header vx/svm.h).

LAB_GUEST_SRCS  := $(wildcard labs/*/guest/*.c)
LAB_GUEST_IMAGES := $(foreach s,$(LAB_GUEST_SRCS),$(GUEST_BUILD)/labs/$(word 2,$(subst /, ,$(s)))/$(basename $(notdir $(s))).elf)
LAB_SVM_OBJS    := $(GUEST_SVM_OBJS)

$(GUEST_BUILD)/labs/paging/%.elf: $(GUEST_OBJ)/labs/paging/guest/%.o $(GUEST_IMAGE_DEPS)
	$(call guest_link,$<)

$(GUEST_BUILD)/labs/nested-paging/%.elf: $(GUEST_OBJ)/labs/nested-paging/guest/%.o $(LAB_SVM_OBJS) $(GUEST_IMAGE_DEPS)
	$(call guest_link,$< $(LAB_SVM_OBJS))

.SECONDARY: $(LAB_GUEST_SRCS:%.c=$(GUEST_OBJ)/%.o) $(LAB_SVM_OBJS)

.PHONY: labs check-labs
labs: $(LAB_GUEST_IMAGES)
guest: $(LAB_GUEST_IMAGES)

check-labs: labs $(VX86) $(VX86_SAN)
	tests/labs/run.sh
	tests/labs/grading.sh

# Toy-OS programs of a lab (labs/<lab>/os/*.c), linked against the toy OS's C library like
# kernel/user's programs, into build/guest/labs/<lab>/<prog>.elf: $(call lab_os_progs,<lab>).
# The labs that use them also need the toy OS itself (build/os/kernel.elf, initrd.img).
# (mk/user.mk comes later: its variables are named by their values here.)
LAB_OSU_DEPS := $(BUILD)/os/user/obj/kernel/user/lib/crt0.o $(BUILD)/os/user/libc.a kernel/user/user.ld
define lab_os_progs
LAB_OS_ELFS_$(1) := $$(patsubst labs/$(1)/os/%.c,$$(GUEST_BUILD)/labs/$(1)/%.elf,$$(wildcard labs/$(1)/os/*.c))
$$(LAB_OS_ELFS_$(1)): $$(GUEST_BUILD)/labs/$(1)/%.elf: $$(BUILD)/os/user/obj/labs/$(1)/os/%.o $$(LAB_OSU_DEPS)
	@mkdir -p $$(dir $$@)
	$$(OSU_LD) $$(OSU_LDFLAGS) -o $$@ $$(OSU_CRT0) $$< $$(OSU_LIB)
labs: $$(LAB_OS_ELFS_$(1)) os
endef

# cpu-limits (lab 8): spin and bursty, run in containers under cpu.max / cpu.weight.
$(eval $(call lab_os_progs,cpu-limits))
$(GUEST_BUILD)/labs/cpu-limits/%.elf: $(GUEST_OBJ)/labs/cpu-limits/guest/%.o $(GUEST_IMAGE_DEPS)
	$(call guest_link,$<)

# memory-pids (lab 9): hog and forkbomb in containers; vmwait as a VM's guest.
$(eval $(call lab_os_progs,memory-pids))
$(GUEST_BUILD)/labs/memory-pids/%.elf: $(GUEST_OBJ)/labs/memory-pids/guest/%.o $(GUEST_IMAGE_DEPS)
	$(call guest_link,$<)

# namespaces (lab 11): unshare and pivot_root, the util-linux tools the toy OS lacks.
$(eval $(call lab_os_progs,namespaces))

# scheduling (the extra lab): spin with a nice value.
$(eval $(call lab_os_progs,scheduling))
