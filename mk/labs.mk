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
#   make check-labs   run.sh, grading.sh and cmp-vs-gnu.sh (layers' /lab/cmp against GNU cmp) ("lab-tests: ...", "grading-tests: ..."); check-all runs
#                     check-curriculum and check-sweep beside it, so they share the two cores
#   make check-curriculum  only tests/labs/curriculum.sh (LABS="a b" for some labs)
#   make check-sweep       only tests/labs/sweep.sh
# Reuses mk/guest.mk ($(GUEST_OBJ)/%.o, guest_link, GUEST_IMAGE_DEPS); nested-paging links the
# hypervisor library (GUEST_SVM_OBJS: kernel/lib/svm, header vx/svm.h).

# One set of rules for every lab (labs/<lab>/, found, not listed):
#   labs/<lab>/guest/*.c  bare vx86 guests (the lab boots them, or runs them as VMs inside the toy
#                         OS), linked with the runtime; a lab in LAB_SVM_LABS also with the
#                         hypervisor library (kernel/lib/svm, header vx/svm.h)
#   labs/<lab>/os/*.c     programs for the toy OS, linked like kernel/user's programs against its
#                         C library (compiled by mk/user.mk's $(BUILD)/os/user/obj/%.o rule)
# both into build/guest/labs/<lab>/<prog>.elf. mk/user.mk is read after this fragment, so the
# prerequisites name its files by their paths.
LAB_DIRS        := $(patsubst labs/%/lab.lua,%,$(wildcard labs/*/lab.lua))
LAB_GUEST_SRCS  := $(wildcard labs/*/guest/*.c)
LAB_GUEST_IMAGES := $(foreach s,$(LAB_GUEST_SRCS),$(GUEST_BUILD)/labs/$(word 2,$(subst /, ,$(s)))/$(basename $(notdir $(s))).elf)
LAB_SVM_OBJS    := $(GUEST_SVM_OBJS)
LAB_SVM_LABS    := nested-paging
LAB_OS_SRCS     := $(wildcard labs/*/os/*.c)
LAB_OS_OBJS     := $(LAB_OS_SRCS:%.c=$(BUILD)/os/user/obj/%.o)
LAB_OSU_DEPS    := $(BUILD)/os/user/obj/kernel/user/lib/crt0.o $(BUILD)/os/user/libc.a kernel/user/user.ld

define lab_rules
$$(GUEST_BUILD)/labs/$(1)/%.elf: $$(GUEST_OBJ)/labs/$(1)/guest/%.o $(if $(filter $(1),$(LAB_SVM_LABS)),$$(LAB_SVM_OBJS)) $$(GUEST_IMAGE_DEPS)
	$$(call guest_link,$$< $(if $(filter $(1),$(LAB_SVM_LABS)),$$(LAB_SVM_OBJS)))
LAB_OS_ELFS_$(1) := $$(patsubst labs/$(1)/os/%.c,$$(GUEST_BUILD)/labs/$(1)/%.elf,$$(wildcard labs/$(1)/os/*.c))
$$(LAB_OS_ELFS_$(1)): $$(GUEST_BUILD)/labs/$(1)/%.elf: $$(BUILD)/os/user/obj/labs/$(1)/os/%.o $$(LAB_OSU_DEPS)
	@mkdir -p $$(dir $$@)
	$$(OSU_LD) $$(OSU_LDFLAGS) -o $$@ $$(OSU_CRT0) $$< $$(OSU_LIB)
labs: $$(LAB_OS_ELFS_$(1))
endef
$(foreach l,$(LAB_DIRS),$(eval $(call lab_rules,$(l))))
-include $(LAB_OS_OBJS:.o=.d)

.SECONDARY: $(LAB_GUEST_SRCS:%.c=$(GUEST_OBJ)/%.o) $(LAB_SVM_OBJS) $(LAB_OS_OBJS)

.PHONY: labs check-labs check-curriculum check-sweep
labs: $(LAB_GUEST_IMAGES) os       # most labs boot the toy OS (build/os)
guest: $(LAB_GUEST_IMAGES)
all: labs

check-labs: labs $(VX86) $(VX86_SAN)
	tests/labs/run.sh
	tests/labs/grading.sh
	tests/labs/cmp-vs-gnu.sh

check-sweep: labs $(VX86)
	tests/labs/sweep.sh

check-curriculum: labs $(VX86)
	tests/labs/curriculum.sh
