# The two commands of the quick start are `make run` and `make test`; both
# install what is missing and build first.

BUILD_DIR ?= build
JOBS ?= $(shell nproc)
PRESET ?= release
CMAKE_ARGS ?=
IMS := $(BUILD_DIR)/cli/ims
PYTHON := /usr/bin/python3
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
PACKAGES := $(shell sed -e 's/\#.*//' cmake/debian-packages.txt)

# The demo: a detector-like series of 50 frames of 2048x2048 uint16 (400 MiB).
SAMPLE ?= sample/detector.npy
SAMPLE_OPTS ?= --opt mode=detector --opt frames=50 --opt rows=2048 --opt cols=2048 \
               --opt dtype=uint16 --opt seed=7

.PHONY: all deps configure build run test bench bench-build clean

all: build

## deps: install the Debian packages that are missing (nothing if none is)
deps:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: all $(words $(PACKAGES)) Debian packages present"; fi

configure: deps
	cmake --preset $(PRESET) $(CMAKE_ARGS)

## build: the library, the ims command, tests and benchmarks
build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

$(SAMPLE): | build
	@mkdir -p $(dir $(SAMPLE))
	$(IMS) convert --format random $(SAMPLE_OPTS) -o $(SAMPLE) -q

## run: the demo: a sample series, then its max, mean and median background
run: build $(SAMPLE)
	$(IMS) stats $(SAMPLE) --stat max,mean,median -o background.npz --report report.json
	@echo "wrote background.npz (members max, mean, median) and report.json"

## test: the whole test suite (C++ and Python interop) through ctest
test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

bench-build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target ims_benchmarks

## bench: Google Benchmark programs, then ims vs numpy and h5py on the same data
bench: build
	$(BUILD_DIR)/bench/bm_reduce --benchmark_counters_tabular=true
	$(BUILD_DIR)/bench/bm_codecs
	$(PYTHON) bench/compare_numpy.py --ims $(IMS)
	$(PYTHON) bench/compare_h5py.py --ims $(IMS)

clean:
	rm -rf $(BUILD_DIR)
