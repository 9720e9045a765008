# Local shortcuts; `make check` runs what CI runs.
.PHONY: check test bench
check:
	bash .ci/run
test:
	cargo test --locked
