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
