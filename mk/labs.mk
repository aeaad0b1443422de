# Labs (labs/<lab>/lab.lua) and the guest programs they boot (labs/<lab>/guest/*.c), plus the lab
# tests (tests/labs):
#   tests/labs/run.sh      scripted `vx86 lab --text` runs, grading with reference / partial /
#                          malformed answers, output formats, sandbox limits, parallel grading
#   tests/labs/grading.sh  hostile answers and bad labs read by real consumers (prove, xmllint,
#                          xml.etree, strict-UTF-8 json), never losing a submission, answers
#                          notation, retries and --save, `vx86 lua`, and the determinism sweep
#                          (idle, both cores busy, the sanitizer build)
#   make labs         build build/guest/labs/<lab>/<prog>.elf
#   tests/labs/curriculum.sh  every labs/*/lab.lua (found, not listed), seeds 1-3: --solve exits
#                          0 (every check holds), solve/wrong/empty answers graded in all four
#                          formats, no answer revealed early, pictures render, README/HANDOUT
#   tests/labs/sweep.sh    grading at scale (scripts/sweep): GNU parallel, a Slurm job array on a
#                          single-node cluster the test starts (root), the Kubernetes Indexed Job
#                          manifest through a schema validator: the same result files, none lost
#   make check-labs   run.sh and grading.sh ("lab-tests: ...", "grading-tests: ..."); check-all runs
#                     check-curriculum and check-sweep beside it, so they share the two cores
#   make check-curriculum  only tests/labs/curriculum.sh (LABS="a b" for some labs)
#   make check-sweep       only tests/labs/sweep.sh
# Reuses mk/guest.mk ($(GUEST_OBJ)/%.o, guest_link, GUEST_IMAGE_DEPS); nested-paging links the
# hypervisor library (GUEST_SVM_OBJS: kernel/lib/svm, header vx/svm.h).

LAB_GUEST_SRCS  := $(wildcard labs/*/guest/*.c)
LAB_GUEST_IMAGES := $(foreach s,$(LAB_GUEST_SRCS),$(GUEST_BUILD)/labs/$(word 2,$(subst /, ,$(s)))/$(basename $(notdir $(s))).elf)
LAB_SVM_OBJS    := $(GUEST_SVM_OBJS)

$(GUEST_BUILD)/labs/paging/%.elf: $(GUEST_OBJ)/labs/paging/guest/%.o $(GUEST_IMAGE_DEPS)
	$(call guest_link,$<)

$(GUEST_BUILD)/labs/nested-paging/%.elf: $(GUEST_OBJ)/labs/nested-paging/guest/%.o $(LAB_SVM_OBJS) $(GUEST_IMAGE_DEPS)
	$(call guest_link,$< $(LAB_SVM_OBJS))

# exit-anatomy (lab 2): a bare guest run as a VM under the toy OS's `vm`.
$(GUEST_BUILD)/labs/exit-anatomy/%.elf: $(GUEST_OBJ)/labs/exit-anatomy/guest/%.o $(GUEST_IMAGE_DEPS)
	$(call guest_link,$<)

# overhead (lab 3): a bare guest (bare and as a VM) and a toy-OS program (in a container), both
# with labs/overhead/loop.h; the OS program with the toy OS's C library (mk/user.mk's flags; its
# paths written out here because user.mk is read after this fragment).
$(GUEST_BUILD)/labs/overhead/%.elf: $(GUEST_OBJ)/labs/overhead/guest/%.o $(GUEST_IMAGE_DEPS)
	$(call guest_link,$<)
LAB_OVERHEAD_OS := $(patsubst labs/overhead/os/%.c,$(GUEST_BUILD)/labs/overhead/%.elf,$(wildcard labs/overhead/os/*.c))
$(LAB_OVERHEAD_OS): $(GUEST_BUILD)/labs/overhead/%.elf: labs/overhead/os/%.c labs/overhead/loop.h \
        $(BUILD)/os/user/libc.a $(BUILD)/os/user/obj/kernel/user/lib/crt0.o
	@mkdir -p $(dir $@)
	@mkdir -p $(GUEST_OBJ)/labs/overhead/os
	$(OSU_CC) $(OSU_CFLAGS) $(OSU_OPT) -I. -c $< -o $(GUEST_OBJ)/labs/overhead/os/$*.o
	$(OSU_LD) $(OSU_LDFLAGS) -o $@ $(OSU_CRT0) $(GUEST_OBJ)/labs/overhead/os/$*.o $(OSU_LIB)
labs: $(LAB_OVERHEAD_OS)

# startup-race (lab 1): a bare guest run as a VM (cold, and restored from vm's snapshot).
$(GUEST_BUILD)/labs/startup-race/%.elf: $(GUEST_OBJ)/labs/startup-race/guest/%.o $(GUEST_IMAGE_DEPS)
	$(call guest_link,$<)

# snapshots (lab 12): a bare guest snapshotted and cloned by vm, and the toy-OS program snapdiff.
$(GUEST_BUILD)/labs/snapshots/%.elf: $(GUEST_OBJ)/labs/snapshots/guest/%.o $(GUEST_IMAGE_DEPS)
	$(call guest_link,$<)
LAB_SNAPSHOTS_OS := $(patsubst labs/snapshots/os/%.c,$(GUEST_BUILD)/labs/snapshots/%.elf,$(wildcard labs/snapshots/os/*.c))
$(LAB_SNAPSHOTS_OS): $(GUEST_BUILD)/labs/snapshots/%.elf: labs/snapshots/os/%.c \
        $(BUILD)/os/user/libc.a $(BUILD)/os/user/obj/kernel/user/lib/crt0.o
	@mkdir -p $(GUEST_OBJ)/labs/snapshots/os
	$(OSU_CC) $(OSU_CFLAGS) $(OSU_OPT) -c $< -o $(GUEST_OBJ)/labs/snapshots/os/$*.o
	$(OSU_LD) $(OSU_LDFLAGS) -o $@ $(OSU_CRT0) $(GUEST_OBJ)/labs/snapshots/os/$*.o $(OSU_LIB)
labs: $(LAB_SNAPSHOTS_OS)

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

.PHONY: labs check-labs check-curriculum check-sweep
labs: $(LAB_GUEST_IMAGES) os       # most labs boot the toy OS (build/os)
guest: $(LAB_GUEST_IMAGES)

check-labs: labs os $(VX86) $(VX86_SAN)
	tests/labs/run.sh
	tests/labs/grading.sh

check-sweep: labs $(VX86)
	tests/labs/sweep.sh

check-curriculum: labs os $(VX86)
	tests/labs/curriculum.sh
