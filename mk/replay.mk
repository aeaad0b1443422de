# Reverse execution (emu/replay.c). tests/unit/test_replay.c runs with check-unit and check-san like
# every unit test; it steps back and forward on the project's guest images, so those are built
# before it runs (order-only: a rebuilt image does not relink the test).
REPLAY_TEST_IMAGES := $(SUITE_IMAGES) $(EXAMPLE_IMAGES) $(TASKS_IMAGE) $(GUEST_DEMO)
$(BUILD)/tests/test_replay $(BUILD)/tests-san/test_replay: | $(REPLAY_TEST_IMAGES)

# `make check-replay`: just this test, both builds.
.PHONY: check-replay
check-replay: $(BUILD)/tests/test_replay $(BUILD)/tests-san/test_replay
	$(BUILD)/tests/test_replay
	$(BUILD)/tests-san/test_replay

# `make bench-replay`: the host cost of one step back at 1e6, 1e8 and 1e9 cycles into a long run
# (the bench image, twice its rounds), for several checkpoint intervals. Measures; not in check.
REPLAY_BENCH := $(BUILD)/tests/bench-replay
$(REPLAY_BENCH): tests/replay/bench-replay.c $(BUILD)/libvx86.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ $^ $(HOST_LIBS)
.PHONY: bench-replay
bench-replay: $(REPLAY_BENCH) $(BENCH_ELF)
	$(REPLAY_BENCH) $(BENCH_ELF) rounds=$(REPLAY_BENCH_ROUNDS)
REPLAY_BENCH_ROUNDS ?= 1200
