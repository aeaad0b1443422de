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
#   make check-labs   run all four ("lab-tests: ...", "grading-tests: ...", "curriculum-tests: ...",
#                     "sweep-tests: ...")
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

.SECONDARY: $(LAB_GUEST_SRCS:%.c=$(GUEST_OBJ)/%.o) $(LAB_SVM_OBJS)

.PHONY: labs check-labs check-curriculum check-sweep
labs: $(LAB_GUEST_IMAGES)
guest: $(LAB_GUEST_IMAGES)

check-labs: labs os $(VX86) $(VX86_SAN)
	tests/labs/run.sh
	tests/labs/grading.sh
	tests/labs/curriculum.sh
	tests/labs/sweep.sh

check-sweep: labs $(VX86)
	tests/labs/sweep.sh

check-curriculum: labs os $(VX86)
	tests/labs/curriculum.sh
