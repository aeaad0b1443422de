# Snapshot tests: `make check-snapshot` runs tests/snapshot/run.sh against the optimised vx86 on the
# bundled guest images (determinism, snapshot at N + restore == straight run, damaged files).
# The unit test tests/unit/test_snapshot.c runs with check-unit and check-san like every unit test.
# Uses the timer-driven images of mk/timing.mk (TIMING_IMAGES: timing.mk is read first, see
# MK_FRAGMENTS in the top Makefile); run.sh fails when any image it needs is missing.
.PHONY: check-snapshot
check-snapshot: guest $(TIMING_IMAGES) $(VX86)
	@tests/snapshot/run.sh $(VX86)
