# `make bench`: guest MIPS of vx86 beside QEMU TCG and Bochs (scripts/bench.sh). Not part of
# `make check`: it measures, it does not test.
#   make bench BENCH_ARGS="--rounds 100 --repeat 3 --no-bochs"
# Uses mk/guest.mk's rules and variables (read before this fragment).

BENCH_OBJ := $(BUILD)/guest/obj/tests/guest/bench/bench.o
BENCH_ELF := $(BUILD)/guest/bench/bench.elf
BENCH_ARGS ?=
SVMRT_OBJ := $(BUILD)/guest/obj/tests/guest/bench/svm_roundtrip.o
SVMRT_ELF := $(BUILD)/guest/bench/svm_roundtrip.elf
$(SVMRT_OBJ): GUEST_OPT := -O2

# Built by guest.mk's pattern rule for $(GUEST_OBJ)/%.o; always optimised like the runtime.
$(BENCH_OBJ): GUEST_OPT := -O2

.PHONY: bench bench-image
$(BENCH_ELF): $(BENCH_OBJ) $(GUEST_IMAGE_DEPS)
	$(call guest_link,$(BENCH_OBJ))
$(SVMRT_ELF): $(SVMRT_OBJ) $(GUEST_IMAGE_DEPS)
	$(call guest_link,$(SVMRT_OBJ))
.SECONDARY: $(BENCH_OBJ) $(SVMRT_OBJ)
bench-image: $(BENCH_ELF) $(SVMRT_ELF)


bench: $(VX86) bench-image
	scripts/bench.sh --vx86 $(VX86) --image $(BENCH_ELF) $(BENCH_ARGS)
	scripts/bench-paging.sh $(VX86) $(BENCH_ELF)
	scripts/bench-svm.sh $(VX86) $(SVMRT_ELF)

# The Bochs boot path by itself: mkbootimg + run-bochs against QEMU's -kernel (not in `check`:
# it needs Bochs and takes about ten seconds).
.PHONY: bochs-boot-test
bochs-boot-test:
	scripts/boot/selftest.sh
