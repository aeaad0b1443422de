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

# shadow-vs-nested (lab 4): two bare guests (tlb, cr3) run as VMs of the toy OS under `vm run
# --npt` and `vm run --shadow`.
$(GUEST_BUILD)/labs/shadow-vs-nested/%.elf: $(GUEST_OBJ)/labs/shadow-vs-nested/guest/%.o $(GUEST_IMAGE_DEPS)
	$(call guest_link,$<)
labs: os

# density (lab 5): a bare guest run as idle VMs of the toy OS under one memory cgroup.
$(GUEST_BUILD)/labs/density/%.elf: $(GUEST_OBJ)/labs/density/guest/%.o $(GUEST_IMAGE_DEPS)
	$(call guest_link,$<)
LAB_DENSITY_OS := $(patsubst labs/density/os/%.c,$(GUEST_BUILD)/labs/density/%.elf,$(wildcard labs/density/os/*.c))
$(LAB_DENSITY_OS): $(GUEST_BUILD)/labs/density/%.elf: labs/density/os/%.c \
        $(BUILD)/os/user/libc.a $(BUILD)/os/user/obj/kernel/user/lib/crt0.o
	@mkdir -p $(GUEST_OBJ)/labs/density/os
	$(OSU_CC) $(OSU_CFLAGS) $(OSU_OPT) -c $< -o $(GUEST_OBJ)/labs/density/os/$*.o
	$(OSU_LD) $(OSU_LDFLAGS) -o $@ $(OSU_CRT0) $(GUEST_OBJ)/labs/density/os/$*.o $(OSU_LIB)
labs: $(LAB_DENSITY_OS)

.SECONDARY: $(LAB_GUEST_SRCS:%.c=$(GUEST_OBJ)/%.o) $(LAB_SVM_OBJS)

.PHONY: labs check-labs
labs: $(LAB_GUEST_IMAGES)
guest: $(LAB_GUEST_IMAGES)

check-labs: labs $(VX86) $(VX86_SAN)
	tests/labs/run.sh
	tests/labs/grading.sh
