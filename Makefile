# The two commands a user needs: `make run` and `make test`.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
LISTEN ?= 127.0.0.1:8080
DATA_DIR ?= ./data
JOBS ?= $(shell nproc)
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60

.PHONY: deps configure build run test bench chaos fuzz format clean

deps:
	@./scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DMAILMARK_WERROR=ON >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	./$(BUILD_DIR)/mailmark serve --listen $(LISTEN) --data-dir $(DATA_DIR)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

bench: build
	./scripts/bench.sh $(BUILD_DIR)

# The crash campaign (docs/reliability.md): 50,000 contacts x 2 send steps, kill -9 at 50 random
# moments. CHAOS_SEED=<n> replays a run; the small version runs in `make test`.
CHAOS_CONTACTS ?= 50000
CHAOS_KILLS ?= 50
CHAOS_SEED ?=
chaos: build
	MAILMARK_CHAOS_CONTACTS=$(CHAOS_CONTACTS) MAILMARK_CHAOS_SEND_STEPS=2 \
	MAILMARK_CHAOS_KILLS=$(CHAOS_KILLS) MAILMARK_CHAOS_CHUNK=1000 MAILMARK_CHAOS_SEED=$(CHAOS_SEED) \
	nice -n 10 ./$(BUILD_DIR)/tests/chaos_test

# libFuzzer targets (clang, ASan + UBSan) in their own build folder, each run FUZZ_SECONDS
# (FUZZ_TARGETS="csv render" for some only); `make test` replays their corpora.
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) JOBS=$(JOBS) ./scripts/fuzz.sh $(FUZZ_BUILD_DIR)

format:
	@find src tests -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
