# One entry point: build, regenerate, test, demo, bench. Everything builds into $(BUILD)/;
# only `make regen` writes outside it (into generated/).

BUILD   ?= build
CC      ?= cc
WERROR  ?= -Werror
CFLAGS  ?= -O2 -g
LDFLAGS ?=
PYTHON  ?= python3

# Debian packages: a target that needs a missing one installs it first (scripts/deps.sh).
# pkg-config runs on first use, inside a recipe, so it sees what that step installed.
DEPS_MISSING := $(shell scripts/deps.sh --missing build)
DEPS         := $(if $(strip $(DEPS_MISSING)),deps)
PKGS    := yaml-0.1 libcurl libcrypto libpcre2-8 zlib inih expat
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(shell pkg-config --cflags $(PKGS)))$(PKG_CFLAGS)
PKG_LIBS   = $(eval PKG_LIBS := $$(shell pkg-config --libs $(PKGS)) -lpthread -lm)$(PKG_LIBS)

WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wundef -Wformat=2 -Wstrict-prototypes \
           -Wmissing-prototypes
INCLUDES := -Iruntime/include -Iruntime/internal -Icli/include
# A section per function and object, so that a program links only the runtime code it
# reaches; programs link with PROGRAM_LDFLAGS (scripts/program_ldflags.sh says what each is).
SECTIONS := -ffunction-sections -fdata-sections
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(CFLAGS) $(WERROR) $(WARN) $(SECTIONS) -MMD -MP \
             $(INCLUDES) $(PKG_CFLAGS)
PROGRAM_LDFLAGS = $(eval PROGRAM_LDFLAGS := $$(shell scripts/program_ldflags.sh $(CC)))$(PROGRAM_LDFLAGS)

# The runtime's modules, each in its own folder, in dependency order: a module includes
# only the public headers of the modules before it (make lint checks).
MODULES     := common shape json xml cbor jmespath auth http endpoints protocol client
RUNTIME_SRC := $(foreach m,$(MODULES),$(sort $(wildcard runtime/$(m)/*.c)))
RUNTIME_OBJ := $(RUNTIME_SRC:%.c=$(BUILD)/%.o)
RUNTIME_LIB := $(BUILD)/libacg.a
CLI_SRC     := $(sort $(wildcard cli/*.c))
CLI_LIB     := $(BUILD)/libacg_cli.a

GEN_SRC     := $(sort $(wildcard generator/*.c))
TEMPLATES   := $(sort $(wildcard templates/*.tmpl))
GEN_OBJ     := $(GEN_SRC:%.c=$(BUILD)/%.o) $(BUILD)/generator/templates_embedded.o
GEN_LIB_OBJ := $(filter-out $(BUILD)/generator/main.o,$(GEN_OBJ))
GEN         := $(BUILD)/bin/acg-gen

# The bindings manifest: every checked-in service, its model and operations (acg.yaml).
BINDINGS    := acg.yaml
# The checked-in Personalize model and the program built from its bindings.
MODEL_DIR   := models/personalize/2018-05-22
MODEL       := $(MODEL_DIR)/service-2.yaml
SERVICE     := personalize
GENERATED   := generated/$(SERVICE)
GEN_C       := $(sort $(wildcard $(GENERATED)/*.c))
GEN_SDK_OBJ := $(filter-out %_main.o,$(GEN_C:%.c=$(BUILD)/%.o))
CLI_BIN     := $(BUILD)/bin/$(SERVICE)

TEST_RUNTIME_SRC   := $(sort $(wildcard tests/runtime/test_*.c))
TEST_GENERATOR_SRC := $(sort $(wildcard tests/generator/test_*.c))
TEST_GENERATED_SRC := $(sort $(wildcard tests/generated/test_*.c))
TEST_CLI_SRC       := $(sort $(wildcard tests/cli/test_*.c))
TEST_SUPPORT_SRC   := $(sort $(wildcard tests/support/*.c))
TEST_SUPPORT_OBJ   := $(TEST_SUPPORT_SRC:%.c=$(BUILD)/%.o)
TEST_BINS := $(TEST_RUNTIME_SRC:%.c=$(BUILD)/%) $(TEST_GENERATOR_SRC:%.c=$(BUILD)/%) \
             $(TEST_GENERATED_SRC:%.c=$(BUILD)/%) $(TEST_CLI_SRC:%.c=$(BUILD)/%)

.PHONY: all deps regen golden check-generated test test-scale demo cli bench fuzz asan \
        tsan valgrind clean lint check-setup

all: $(GEN) $(BUILD)/bin/sigv4 $(CLI_BIN)

deps:
	@scripts/deps.sh build

$(BUILD)/%.o: %.c | $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(RUNTIME_LIB): $(RUNTIME_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(CLI_LIB): $(CLI_SRC:%.c=$(BUILD)/%.o)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# acg-gen carries its templates, so it runs from any folder (--templates DIR overrides).
$(BUILD)/bin/embed: tools/embed.c | $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $< -o $@
$(BUILD)/generator/templates_embedded.c: $(TEMPLATES) $(BUILD)/bin/embed
	@mkdir -p $(@D)
	$(BUILD)/bin/embed gen_embedded_templates $(TEMPLATES) > $@.tmp && mv $@.tmp $@
$(BUILD)/generator/templates_embedded.o: $(BUILD)/generator/templates_embedded.c
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c $< -o $@

$(GEN): $(GEN_OBJ) $(RUNTIME_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(PKG_LIBS)

$(BUILD)/bin/sigv4: $(BUILD)/tools/sigv4.o $(BUILD)/tools/rawreq.o $(RUNTIME_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(PKG_LIBS)
$(BUILD)/tools/%.o: ALL_CFLAGS += -Itools

$(CLI_BIN): $(GEN_C:%.c=$(BUILD)/%.o) $(CLI_LIB) $(RUNTIME_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PROGRAM_LDFLAGS) $(LDFLAGS) $^ -o $@ $(PKG_LIBS)

# Generated code sees only the public headers, as it does when vendored.
$(BUILD)/generated/%.o: INCLUDES := -Iruntime/include -Icli/include -Igenerated/$(SERVICE)

# Tests: each test_*.c is one binary; runtime tests link the runtime, generator tests the
# generator's stages, generated tests the generated service and the runtime.
$(BUILD)/tests/runtime/%: $(BUILD)/tests/runtime/%.o $(TEST_SUPPORT_OBJ) $(BUILD)/tools/rawreq.o \
		$(CLI_LIB) $(RUNTIME_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(PKG_LIBS)
$(BUILD)/tests/cli/%: $(BUILD)/tests/cli/%.o $(TEST_SUPPORT_OBJ) $(CLI_LIB) $(RUNTIME_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(PKG_LIBS)
$(BUILD)/tests/generator/%: $(BUILD)/tests/generator/%.o $(TEST_SUPPORT_OBJ) $(GEN_LIB_OBJ) $(RUNTIME_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(PKG_LIBS)
$(BUILD)/tests/generated/%: $(BUILD)/tests/generated/%.o $(TEST_SUPPORT_OBJ) $(GEN_SDK_OBJ) \
		$(RUNTIME_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(PKG_LIBS)
$(BUILD)/tests/%.o: ALL_CFLAGS += -Itests -Itools -Igenerated/$(SERVICE) -Igenerator -I$(TINY)

# The tiny all-shapes model's golden output is compiled and tested like a service.
TINY     := tests/fixtures/golden/tiny
TINY_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(filter-out $(TINY)/tiny_main.c,$(wildcard $(TINY)/*.c)))
$(BUILD)/$(TINY)/%.o: ALL_CFLAGS += -I$(TINY)
$(BUILD)/tests/generated/test_tiny_%: $(BUILD)/tests/generated/test_tiny_%.o $(TEST_SUPPORT_OBJ) \
		$(TINY_OBJ) $(RUNTIME_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(PKG_LIBS)

PARTITIONS := runtime/endpoints/acg_partitions.c

regen: $(GEN)
	$(GEN) --manifest $(BINDINGS)
	$(PYTHON) tools/gen_partitions.py > $(PARTITIONS)

# Refreshes the generator's golden files from the tiny all-shapes model.
golden: $(GEN)
	rm -rf tests/fixtures/golden/tiny
	$(GEN) --model tests/fixtures/models/tiny/service-2.yaml --out tests/fixtures/golden/tiny

check-generated: $(GEN)
	$(GEN) --manifest $(BINDINGS) --check
	@$(PYTHON) tools/gen_partitions.py | cmp -s - $(PARTITIONS) || \
		{ echo "$(PARTITIONS) would change; run make regen"; exit 1; }

# Builds the command-line program for any supported model:
#   make cli MODEL=/abs/service-2.json.gz CLI=/abs/bin/name
cli: $(GEN) $(RUNTIME_LIB) $(CLI_LIB)
	@test -n "$(CLI)" || { echo "usage: make cli MODEL=/abs/service-2.json CLI=/abs/path/binary"; exit 2; }
	CC="$(CC)" CFLAGS="$(CFLAGS)" LDFLAGS="$(PROGRAM_LDFLAGS) $(LDFLAGS)" scripts/build_cli.sh "$(MODEL)" "$(CLI)" "$(BUILD)"

test: all check-generated $(TEST_BINS)
	@scripts/deps.sh test
	@BUILD=$(BUILD) PYTHON=$(PYTHON) CC="$(CC)" CFLAGS="$(CFLAGS)" LDFLAGS="$(LDFLAGS)" tests/run.sh

test-scale: $(GEN) $(RUNTIME_LIB) $(CLI_LIB)
	@scripts/deps.sh test
	@BUILD=$(BUILD) tests/scale.sh

demo: all
	@BUILD=$(BUILD) scripts/demo.sh

# A fresh machine: removes a build package, then `make demo` in a scratch clone.
check-setup:
	@scripts/check_setup.sh

asan:
	@scripts/deps.sh build test
	$(MAKE) BUILD=build-asan CC=clang CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" LDFLAGS="-fsanitize=address,undefined" test

# The thread stress test (tests/generated/test_threads.c), the asynchronous calls' test and
# the other suites that share a client, a credentials provider or a pattern between threads,
# under ThreadSanitizer: any report fails them. TSan's runtime cannot map its shadow memory
# under the kernel's widest address randomisation, so the tests run with it off (setarch -R).
TSAN_OPTIONS ?= halt_on_error=1 exitcode=66 second_deadlock_stack=1
TSAN_TESTS := build-tsan/tests/generated/test_threads build-tsan/tests/generated/test_async \
              build-tsan/tests/runtime/test_credentials build-tsan/tests/runtime/test_client_loopback \
              build-tsan/tests/runtime/test_validate
tsan:
	@scripts/deps.sh build test
	$(MAKE) BUILD=build-tsan CC=clang CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=thread" LDFLAGS="-fsanitize=thread" $(TSAN_TESTS)
	for t in $(TSAN_TESTS); do TSAN_OPTIONS="$(TSAN_OPTIONS)" setarch "$$(uname -m)" -R $$t || exit 1; done

valgrind: all $(TEST_BINS)
	@scripts/deps.sh test
	@BUILD=$(BUILD) VALGRIND=1 PYTHON=$(PYTHON) SUITES="$(SUITES)" tests/run.sh

fuzz: $(GEN)
	@scripts/deps.sh build test
	@BUILD=build-fuzz GEN=$(GEN) FUZZ_SECONDS=$(or $(FUZZ_SECONDS),10) tests/fuzz/run.sh

bench:
	@scripts/deps.sh build test bench
	@bench/run.sh

lint:
	@scripts/deps.sh build lint
	@mkdir -p $(BUILD)
	@BUILD=$(BUILD) scripts/lint.sh

clean:
	rm -rf build build-asan build-tsan build-fuzz build-memcheck build-bench

# Install, uninstall, docs and vendoring's package list.
include mk/sdk.mk

# Keep intermediate objects so a second make does no work.
.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
