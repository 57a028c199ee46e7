# Fupin: the two commands a newcomer needs are `make demo` and `make test`.
BUILD_DIR ?= build
DB ?= sqlite:fupin.db

.PHONY: setup build demo test bench clean

setup:
	@scripts/setup

build:
	@scripts/build

demo: setup build
	@scripts/demo "$(DB)"

test: setup build
	@scripts/test

bench: setup build
	@bench/run.sh

clean:
	rm -rf $(BUILD_DIR)
