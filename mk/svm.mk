# SVM guest tests: each tests/guest/svm/*.c is a host ("toy hypervisor") image linked with the
# small hypervisor library (kernel/lib/svm, GUEST_SVM_OBJS of mk/guest.mk) and the guest runtime.
#   make check-svm    build build/guest/svm/*.elf, compare vx86 with tests/guest/svm/expected,
#                     and with QEMU / Bochs where installed (tests/guest/svm/run.sh)
# Reuses the guest toolchain of mk/guest.mk ($(GUEST_OBJ)/%.o, guest_link, GUEST_IMAGE_DEPS).

SVM_DIR      := tests/guest/svm
SVM_SRCS     := $(wildcard $(SVM_DIR)/*.c)
SVM_IMAGES   := $(SVM_SRCS:$(SVM_DIR)/%.c=$(GUEST_BUILD)/svm/%.elf)
SVM_LIB_OBJS := $(GUEST_SVM_OBJS)

$(GUEST_BUILD)/svm/%.elf: $(GUEST_OBJ)/$(SVM_DIR)/%.o $(SVM_LIB_OBJS) $(GUEST_IMAGE_DEPS)
	$(call guest_link,$< $(SVM_LIB_OBJS))

.SECONDARY: $(SVM_SRCS:%.c=$(GUEST_OBJ)/%.o)

.PHONY: check-svm svm-images
svm-images: $(SVM_IMAGES)

check-svm: $(SVM_IMAGES) $(VX86)
	$(SVM_DIR)/run.sh
