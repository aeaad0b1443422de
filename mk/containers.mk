# Containers (issue 11): the kernel side is compiled into kernel.elf by mk/os.mk (containers/*.c);
# this fragment builds the user side and the images, puts them into the initrd, and tests them.
#   build/os/user/ctr.elf          the container tool (containers/ctr/*.c, the C library of user.mk)
#   build/os/ctr-images/           the OCI-like image layout of containers/images/*/ (build.sh)
#   make check-containers          tests/containers/ (overlayfs, images, ctr)
# The initrd gets /bin/ctr and /var/lib/ctr/images through user.mk's OS_ROOTFS_EXTRA hook.

CTR_SRCS    := $(wildcard containers/ctr/*.c)
CTR_ELF     := $(OSU_BUILD)/ctr.elf
CTR_IMAGES  := $(OS_BUILD)/ctr-images
CTR_IMAGE_SRCS := $(shell find containers/images -type f 2>/dev/null)

$(CTR_ELF): $(patsubst %.c,$(OSU_OBJ)/%.o,$(CTR_SRCS)) $(OSU_DEPS)
	$(OSU_LD) $(OSU_LDFLAGS) -o $@ $(OSU_CRT0) $(patsubst %.c,$(OSU_OBJ)/%.o,$(CTR_SRCS)) $(OSU_LIB)

# The images: base carries the OS's programs, so it is rebuilt when they change.
$(CTR_IMAGES)/index.json: $(CTR_IMAGE_SRCS) $(filter-out $(OSU_BUILD)/init.elf,$(OSU_ELFS))
	containers/images/build.sh $(CTR_IMAGES) $(OSU_BUILD)

$(OS_INITRD): $(CTR_ELF) $(CTR_IMAGES)/index.json
OS_ROOTFS_EXTRA = @mkdir -p $(OS_ROOTFS)/var/lib/ctr/containers $(OS_ROOTFS)/var/lib/ctr/layers && \
    cp -r $(CTR_IMAGES) $(OS_ROOTFS)/var/lib/ctr/images && cp $(CTR_ELF) $(OS_ROOTFS)/bin/ctr && \
    chmod 755 $(OS_ROOTFS)/bin/ctr

.PHONY: ctr check-containers
ctr: $(CTR_ELF) $(CTR_IMAGES)/index.json
all: ctr

check-containers: os $(VX86)
	tests/containers/run.sh

# cgroup v2 (acceptance 2; CG): tests/containers/cgroup.sh boots the OS with cgtest as /bin/cgtest.
CG_TEST_ELF := $(OSK_BUILD)/test/cgtest.elf
$(CG_TEST_ELF): tests/containers/progs/cgtest.c $(OSK_BUILD)/user/libc.a $(OSK_BUILD)/user/obj/kernel/user/lib/crt0.o
	@mkdir -p $(dir $@)
	$(OSU_CC) $(OSU_CFLAGS) -O2 -c $< -o $@.o
	$(OSU_LD) $(OSU_LDFLAGS) -o $@ $(OSU_CRT0) $@.o $(OSU_LIB)
.PHONY: check-cgroup
check-cgroup: os $(VX86) $(CG_TEST_ELF)
	tests/containers/cgroup.sh
check-containers: $(CG_TEST_ELF)          # run.sh runs tests/containers/cgroup.sh among the others

# Namespaces against Linux (issue 11, acceptances 1 and 5): tests/os/linux-parity/*.c run as
# root natively (unshare/clone with namespace flags) and in the toy OS; outputs must be equal.
.PHONY: check-ns-parity
check-ns-parity: os $(VX86)
	tests/os/linux-parity/run.sh
check-containers: check-ns-parity
