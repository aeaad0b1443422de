# The toy OS's file layer, tested on the host (KERNEL-FS). tests/unit/test_os_fs.c is built by the
# top Makefile's unit-test rules like every tests/unit/test_*.c; these lines add the kernel files
# under test and the host stand-ins as extra sources, and put os_fs_host/ (its stand-in for
# kernel/kernel.h) first on the include path. It runs in check-unit and check-san;
# `make check-os-fs` runs it alone.
OSFS_SRCS := kernel/vfs.c kernel/mount.c kernel/file.c kernel/ramfs.c kernel/initramfs.c kernel/devfs.c \
             kernel/procfs.c kernel/pipe.c kernel/sys_file.c kernel/sys_path.c \
             tests/unit/os_fs_host/stub.c tests/unit/os_fs_host/ns_stub.c tests/unit/os_fs_host/linux_ref.c
OSFS_HDRS := kernel/fs.h kernel/proc.h kernel/vm.h kernel/uaccess.h kernel/syscall.h \
             $(wildcard kernel/uapi/*.h tests/unit/os_fs_host/*.h tests/unit/os_fs_host/kernel/*.h)

# The unit-test recipe compiles everything in $^, so headers cannot be prerequisites themselves:
# an empty object that is remade when one of them changes relinks the test instead.
OSFS_HDR_STAMP := $(BUILD)/os-fs/headers.o
$(OSFS_HDR_STAMP): $(OSFS_HDRS)
	@mkdir -p $(dir $@)
	$(CC) -c -x c /dev/null -o $@

$(BUILD)/tests/test_os_fs: $(OSFS_SRCS) $(OSFS_HDR_STAMP)
$(BUILD)/tests/test_os_fs: private HOST_CFLAGS := -Itests/unit/os_fs_host $(HOST_CFLAGS)
$(BUILD)/tests-san/test_os_fs: $(OSFS_SRCS) $(OSFS_HDR_STAMP)
$(BUILD)/tests-san/test_os_fs: private CFLAGS_COMMON := -Itests/unit/os_fs_host $(CFLAGS_COMMON)

.PHONY: check-os-fs
check-os-fs: $(BUILD)/tests/test_os_fs
	CK_FORK=yes $(BUILD)/tests/test_os_fs
