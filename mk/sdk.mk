# The SDK beyond the build: vendoring's package list, make install / uninstall (static and
# shared libacg, libacg_cli, headers, pkg-config files, the CMake package, man pages, the
# runtime's sources for acg-gen --vendor) and make docs. Included by the Makefile.

# Vendored folders name the runtime's pkg-config packages (the Makefile's, less libyaml,
# which only the generator reads).
RUNTIME_PKGS := $(filter-out yaml-0.1,$(PKGS))
$(BUILD)/generator/vendor.o: ALL_CFLAGS += -DACG_RUNTIME_PKGS='"$(RUNTIME_PKGS)"'
$(BUILD)/generator/vendor.o: Makefile mk/sdk.mk

PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man

ABI         := $(shell sed -n 's/^.define ACG_RUNTIME_ABI \([0-9][0-9]*\).*/\1/p' runtime/include/acg_runtime.h)
ACG_VERSION := $(shell sed -n 's/^.define ACG_VERSION "\(.*\)"/\1/p' runtime/include/acg_runtime.h)
SONAME      := libacg.so.$(ABI)

# The shared library: the runtime again, position-independent, in a folder of its own.
PIC_OBJ := $(RUNTIME_SRC:%.c=$(BUILD)/pic/%.o)
$(BUILD)/pic/%.o: %.c | $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fPIC -c $< -o $@
$(BUILD)/$(SONAME): $(PIC_OBJ)
	$(CC) -shared -Wl,-soname,$(SONAME) $(CFLAGS) $(LDFLAGS) $^ -o $@ \
	    $$(pkg-config --libs $(RUNTIME_PKGS)) -lpthread -lm

.PHONY: install uninstall docs

# scripts/install.sh fills packaging/*.in with these folders and copies everything.
INSTALL_ENV = PREFIX='$(PREFIX)' DESTDIR='$(DESTDIR)' BINDIR='$(BINDIR)' LIBDIR='$(LIBDIR)' \
    INCLUDEDIR='$(INCLUDEDIR)' DATADIR='$(DATADIR)' MANDIR='$(MANDIR)' SONAME='$(SONAME)' \
    ABI='$(ABI)' VERSION='$(ACG_VERSION)' REQUIRES='$(RUNTIME_PKGS)' BUILD='$(BUILD)' \
    PROGRAMS='$(CLI_BIN)'

install: $(GEN) $(CLI_BIN) $(RUNTIME_LIB) $(CLI_LIB) $(BUILD)/$(SONAME)
	@$(INSTALL_ENV) scripts/install.sh install

uninstall:
	@$(INSTALL_ENV) scripts/install.sh uninstall

# API documentation: Doxygen over the runtime's public headers, the CLI's and a generated
# header, warnings as errors; the entry page is $(BUILD)/docs/html/index.html.
docs: $(GEN)
	@scripts/deps.sh docs
	@BUILD=$(BUILD) scripts/docs.sh
