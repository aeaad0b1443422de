# `make bench`: guest MIPS of vx86 beside QEMU TCG and Bochs (scripts/bench.sh). Not part of
# `make check`: it measures, it does not test.
#   make bench BENCH_ARGS="--rounds 100 --repeat 3 --no-bochs"
#
# This fragment is read before mk/guest.mk (alphabetical order), so guest.mk's variables are only
# used where make expands them late: in recipes, never in targets or prerequisites.

BENCH_OBJ := $(BUILD)/guest/obj/tests/guest/bench/bench.o
BENCH_ELF := $(BUILD)/guest/bench/bench.elf
BENCH_ARGS ?=
SVMRT_OBJ := $(BUILD)/guest/obj/tests/guest/bench/svm_roundtrip.o
SVMRT_ELF := $(BUILD)/guest/bench/svm_roundtrip.elf
$(SVMRT_OBJ): GUEST_OPT := -O2

# Built by guest.mk's pattern rule for $(GUEST_OBJ)/%.o; always optimised like the runtime.
$(BENCH_OBJ): GUEST_OPT := -O2

.PHONY: bench bench-image
# The image is relinked every time (it takes milliseconds) because its runtime prerequisites
# come from guest.mk, which this fragment cannot name in a prerequisite list.
bench-image: $(BENCH_OBJ) $(SVMRT_OBJ)
	@$(MAKE) -s --no-print-directory $(filter-out %.ld,$(GUEST_IMAGE_DEPS))
	@mkdir -p $(dir $(BENCH_ELF))
	$(GUEST_LD) $(GUEST_LDFLAGS) -o $(BENCH_ELF) $(GUEST_CRT0) $(BENCH_OBJ) $(GUEST_LIB)
	$(GUEST_LD) $(GUEST_LDFLAGS) -o $(SVMRT_ELF) $(GUEST_CRT0) $(SVMRT_OBJ) $(GUEST_LIB)


bench: $(VX86) bench-image
	scripts/bench.sh --vx86 $(VX86) --image $(BENCH_ELF) $(BENCH_ARGS)
	scripts/bench-paging.sh $(VX86) $(BENCH_ELF)
	scripts/bench-svm.sh $(VX86) $(SVMRT_ELF)

# The Bochs boot path by itself: mkbootimg + run-bochs against QEMU's -kernel (not in `check`:
# it needs Bochs and takes about ten seconds).
.PHONY: bochs-boot-test
bochs-boot-test:
	scripts/boot/selftest.sh
