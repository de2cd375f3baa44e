# One entry point: build, regenerate, test, demo, bench. Everything builds into $(BUILD)/;
# only `make regen` writes outside it (into generated/).

BUILD   ?= build
CC      ?= cc
WERROR  ?= -Werror
CFLAGS  ?= -O2 -g
LDFLAGS ?=
PYTHON  ?= python3

PKGS    := yaml-0.1 libcurl libcrypto libpcre2-8 zlib inih
WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wundef -Wformat=2 -Wstrict-prototypes \
           -Wmissing-prototypes
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
ALL_CFLAGS  = -std=c11 -D_POSIX_C_SOURCE=200809L $(CFLAGS) $(WERROR) $(WARN) -MMD -MP \
              -Iruntime/include $(PKG_CFLAGS)

RUNTIME_SRC := $(sort $(wildcard runtime/*.c runtime/json/*.c runtime/jmespath/*.c))
RUNTIME_OBJ := $(RUNTIME_SRC:%.c=$(BUILD)/%.o)
RUNTIME_LIB := $(BUILD)/libacg.a
# The output formatters of the command-line program (json, text, table, yaml).
CLI_LIB_SRC := $(sort $(wildcard cli/*.c))
CLI_LIB_OBJ := $(CLI_LIB_SRC:%.c=$(BUILD)/%.o)
CLI_LIB     := $(BUILD)/libacg_cli.a

GEN_SRC     := $(sort $(wildcard generator/*.c))
GEN_OBJ     := $(GEN_SRC:%.c=$(BUILD)/%.o)
GEN_LIB_OBJ := $(filter-out $(BUILD)/generator/main.o,$(GEN_OBJ))
GEN         := $(BUILD)/bin/acg-gen

# The checked-in Personalize model and the operations generated from it.
MODEL_DIR   := models/personalize/2018-05-22
MODEL       := $(MODEL_DIR)/service-2.yaml
SERVICE     := personalize
GENERATED   := generated/$(SERVICE)
GEN_C       := $(sort $(wildcard $(GENERATED)/*.c))
CLI_BIN     := $(BUILD)/bin/$(SERVICE)

TEST_RUNTIME_SRC   := $(sort $(wildcard tests/runtime/test_*.c))
TEST_GENERATOR_SRC := $(sort $(wildcard tests/generator/test_*.c))
TEST_GENERATED_SRC := $(sort $(wildcard tests/generated/test_*.c))
TEST_CLI_SRC       := $(sort $(wildcard tests/cli/test_*.c))
TEST_SUPPORT_SRC   := $(sort $(wildcard tests/support/*.c))
TEST_SUPPORT_OBJ   := $(TEST_SUPPORT_SRC:%.c=$(BUILD)/%.o)
TEST_BINS := $(TEST_RUNTIME_SRC:%.c=$(BUILD)/%) $(TEST_GENERATOR_SRC:%.c=$(BUILD)/%) \
             $(TEST_GENERATED_SRC:%.c=$(BUILD)/%) $(TEST_CLI_SRC:%.c=$(BUILD)/%)

.PHONY: all deps regen golden check-generated test test-scale demo cli bench fuzz asan valgrind clean lint

all: deps $(GEN) $(BUILD)/bin/sigv4 $(CLI_BIN) $(CLI_LIB)

deps:
	@tests/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(RUNTIME_LIB): $(RUNTIME_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(CLI_LIB): $(CLI_LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# Module folders see their private headers beside the runtime's.
$(BUILD)/runtime/json/%.o $(BUILD)/runtime/jmespath/%.o: ALL_CFLAGS += -Iruntime -Iruntime/json -Iruntime/jmespath
$(BUILD)/cli/%.o: ALL_CFLAGS += -Icli/include

$(GEN): $(GEN_OBJ) $(RUNTIME_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(PKG_LIBS)

$(BUILD)/bin/sigv4: $(BUILD)/tools/sigv4.o $(RUNTIME_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(PKG_LIBS)

$(CLI_BIN): $(GEN_C:%.c=$(BUILD)/%.o) $(RUNTIME_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(PKG_LIBS)

$(BUILD)/generated/%.o: ALL_CFLAGS += -Igenerated/$(SERVICE)

# Tests: each test_*.c is one binary; runtime tests link the runtime, generator tests the
# generator's stages, generated tests the generated service and the runtime.
$(BUILD)/tests/runtime/%: $(BUILD)/tests/runtime/%.o $(TEST_SUPPORT_OBJ) $(RUNTIME_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(PKG_LIBS)
$(BUILD)/tests/generator/%: $(BUILD)/tests/generator/%.o $(TEST_SUPPORT_OBJ) $(GEN_LIB_OBJ) $(RUNTIME_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(PKG_LIBS)
$(BUILD)/tests/generated/%: $(BUILD)/tests/generated/%.o $(TEST_SUPPORT_OBJ) \
		$(filter-out $(BUILD)/$(GENERATED)/$(SERVICE)_main.o,$(GEN_C:%.c=$(BUILD)/%.o)) $(RUNTIME_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(PKG_LIBS)
$(BUILD)/tests/cli/%: $(BUILD)/tests/cli/%.o $(TEST_SUPPORT_OBJ) $(CLI_LIB) $(RUNTIME_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(PKG_LIBS)
$(BUILD)/tests/%.o: ALL_CFLAGS += -Itests -Igenerated/$(SERVICE) -Igenerator -I$(TINY) -Icli/include

# The tiny all-shapes model's golden output is compiled and tested like a service.
TINY     := tests/fixtures/golden/tiny
TINY_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(filter-out $(TINY)/tiny_main.c,$(wildcard $(TINY)/*.c)))
$(BUILD)/$(TINY)/%.o: ALL_CFLAGS += -I$(TINY)
$(BUILD)/tests/generated/test_tiny_%: $(BUILD)/tests/generated/test_tiny_%.o $(TEST_SUPPORT_OBJ) $(TINY_OBJ) $(RUNTIME_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(PKG_LIBS)

regen: $(GEN)
	$(GEN) --model $(MODEL) --out $(GENERATED)

# Refreshes the generator's golden files from the tiny all-shapes model.
golden: $(GEN)
	rm -rf tests/fixtures/golden/tiny
	$(GEN) --model tests/fixtures/models/tiny/service-2.yaml --out tests/fixtures/golden/tiny

check-generated: $(GEN)
	$(GEN) --model $(MODEL) --out $(GENERATED) --check

# Builds the command-line program for any JSON-protocol model:
#   make cli MODEL=/abs/service-2.json.gz CLI=/abs/bin/name
cli: $(GEN) $(RUNTIME_LIB)
	@test -n "$(CLI)" || { echo "usage: make cli MODEL=/abs/service-2.json CLI=/abs/path/binary"; exit 2; }
	CC="$(CC)" CFLAGS="$(CFLAGS)" LDFLAGS="$(LDFLAGS)" tests/build_cli.sh "$(MODEL)" "$(CLI)" "$(BUILD)"

test: all check-generated $(TEST_BINS)
	@BUILD=$(BUILD) PYTHON=$(PYTHON) CC="$(CC)" CFLAGS="$(CFLAGS)" LDFLAGS="$(LDFLAGS)" tests/run.sh

test-scale: $(GEN) $(RUNTIME_LIB)
	@BUILD=$(BUILD) tests/scale.sh

demo: all
	@BUILD=$(BUILD) tests/demo.sh

asan:
	$(MAKE) BUILD=build-asan CC=clang CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" LDFLAGS="-fsanitize=address,undefined" test

valgrind: all $(TEST_BINS)
	@BUILD=$(BUILD) VALGRIND=1 PYTHON=$(PYTHON) tests/run.sh

fuzz:
	@BUILD=build-fuzz FUZZ_SECONDS=$(or $(FUZZ_SECONDS),10) tests/fuzz/run.sh

bench:
	@bench/run.sh

lint:
	@! grep -nE '\b(sprintf|strcpy|strcat|strtok|atoi|gmtime|localtime)\(' runtime/*.c runtime/*/*.c cli/*.c generator/*.c tools/*.c

clean:
	rm -rf build build-asan build-fuzz build-memcheck build-bench

# Keep intermediate objects so a second make does no work.
.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
