# Shell tests of the vx86 program (tests/cli/): `make check-cli` runs them against the optimised
# binary and again against the ASan/UBSan build.
.PHONY: check-cli
check-cli: all $(VX86_SAN)          # the default demo boots the toy OS; the examples
	@tests/cli/run-cli-tests.sh $(VX86)
	@echo "== cli tests (asan/ubsan)"
	@tests/cli/run-cli-tests.sh $(VX86_SAN)
