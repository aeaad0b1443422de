# The toy OS's hypervisor (hyperv/: kernel side in build/os/kernel.elf via mk/os.mk, the VMM
# hyperv/vm in the initrd via mk/user.mk) and its tests.
#   make check-hyperv   tests/hyperv/run.sh: bare-versus-VM parity of the guest suite images,
#                       the hostile guests (tests/hyperv/guests), vm's bad-input statuses;
#                       tests/hyperv/shadow.sh: the same parity and hostile guests under shadow
#                       paging, the toy OS with a container in a shadow-paging VM, and the
#                       hypervisor on QEMU (shadow) and Bochs (nested paging)
#                       tests/hyperv/vmctl.sh: vm start/list/stats/stop/console, VMs under
#                       cgroups beside containers, a container in a VM, vms.lua (m:vms())
#                       tests/hyperv/cow.sh: demand-zero RAM (vm run --lazy), VM_MAP_FILE and
#                       copy on write (tests/hyperv/os/mapfile.c), snapshot clones sharing
#                       pages, memory.max with lazy RAM, frames balancing (make check-hyperv-cow)
#                       tests/hyperv/restore.lua: a booted toy OS snapshotted at its prompt
#                       (snapshot=ready) and restored twice; bad snapshot files
HV_GUEST_NAMES := $(basename $(notdir $(wildcard tests/hyperv/guests/*.c)))
HV_GUESTS      := $(HV_GUEST_NAMES:%=$(GUEST_BUILD)/hyperv/%.elf)

$(GUEST_BUILD)/hyperv/%.o: tests/hyperv/guests/%.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -I. -O2 -MMD -MP -c $< -o $@
$(GUEST_BUILD)/hyperv/%.elf: $(GUEST_BUILD)/hyperv/%.o $(GUEST_IMAGE_DEPS)
	$(call guest_link,$<)
.SECONDARY: $(HV_GUESTS:.elf=.o)
-include $(HV_GUESTS:.elf=.d)

# Toy-OS programs of the tests (tests/hyperv/os/*.c: mapfile for cow.sh, hcuser for restore.sh),
# given to the OS as modules; compiled by mk/user.mk's rule for every toy-OS program.
HV_OS_PROGS := $(patsubst tests/hyperv/os/%.c,$(GUEST_BUILD)/hyperv/os/%.elf,$(wildcard tests/hyperv/os/*.c))
$(GUEST_BUILD)/hyperv/os/%.elf: $(OSU_OBJ)/tests/hyperv/os/%.o $(OSU_DEPS)
	@mkdir -p $(dir $@)
	$(OSU_LD) $(OSU_LDFLAGS) -o $@ $(OSU_CRT0) $< $(OSU_LIB)
hyperv-guests: $(HV_OS_PROGS)

.PHONY: check-hyperv check-hyperv-cow hyperv-guests
hyperv-guests: $(HV_GUESTS)
HV_PARITY_SYS  := $(addprefix $(GUEST_BUILD)/,sys/paging_ad.elf sys/paging_pf.elf sys/rings.elf sys/callgate.elf timing/paging_trace.elf sys/pic_pit.elf)
check-hyperv: os guest $(HV_GUESTS) $(HV_OS_PROGS) $(HV_PARITY_SYS) $(VX86)
	@s=0; tests/hyperv/run.sh || s=1; tests/hyperv/shadow.sh || s=1; tests/hyperv/vmctl.sh || s=1; \
	 tests/hyperv/cow.sh || s=1; tests/hyperv/restore.sh || s=1; exit $$s
# The copy-on-write and demand-zero memory alone (also part of check-hyperv).
check-hyperv-cow: os $(HV_GUESTS) $(HV_OS_PROGS) $(VX86)
	@tests/hyperv/cow.sh

