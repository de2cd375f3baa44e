# The SDK beyond the build. Included by the Makefile.

# Vendored folders name the runtime's pkg-config packages (the Makefile's, less libyaml,
# which only the generator reads).
RUNTIME_PKGS := $(filter-out yaml-0.1,$(PKGS))
$(BUILD)/generator/vendor.o: ALL_CFLAGS += -DACG_RUNTIME_PKGS='"$(RUNTIME_PKGS)"'
$(BUILD)/generator/vendor.o: Makefile mk/sdk.mk
