# Fupin: the two commands a newcomer needs are `make demo` and `make test`.
BUILD_DIR ?= build
DB ?= sqlite:fupin.db
LISTEN ?= 127.0.0.1:8080

.PHONY: setup build demo test bench bench-routing bench-reports bench-web clean

setup:
	@scripts/setup

build:
	@scripts/build

demo: setup build
	@LISTEN="$(LISTEN)" scripts/demo "$(DB)"

test: setup build
	@scripts/test

bench: setup build
	@bench/run.sh
	@bench/http.sh
	@DATABASE=postgres bench/http.sh
	@bench/orders.sh
	@DATABASE=postgres bench/orders.sh

# Solver quality on the public benchmark instances (BENCH_SECONDS per instance; long: not part of `make bench`).
BENCH_SECONDS ?= 10
bench-routing: setup build
	@bench/routing.sh $(BENCH_SECONDS)

# Every report for the whole prefecture at REPORT_SCALE, on SQLite and PostgreSQL.
REPORT_SCALE ?= 1
bench-reports: setup build
	@bench/reports.sh $(REPORT_SCALE)

# The web UI's page weight and slow-3G load time per entry page (Chromium).
bench-web: setup build
	@bench/web.sh

clean:
	rm -rf $(BUILD_DIR)
