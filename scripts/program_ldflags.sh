#!/bin/sh
# Prints the link flags a program built from the runtime's libraries gets:
#   --gc-sections          the runtime is compiled with a section per function and object
#                          (-ffunction-sections -fdata-sections), so a program keeps only
#                          the code it can reach;
#   -z pack-relative-relocs the descriptor tables are pointers, each a relative relocation
#                          of 24 bytes in .rela.dyn; packed (DT_RELR) they take a few bits
#                          each, and the loader applies them faster. Only when the linker
#                          and the C library both support it (binutils 2.38, glibc 2.36).
# Usage: scripts/program_ldflags.sh [CC]
CC=${1:-${CC:-cc}}
flags="-Wl,--gc-sections"
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'int main(void) { return 0; }\n' >"$probe/p.c"
if "$CC" "$probe/p.c" -Wl,--fatal-warnings -Wl,-z,pack-relative-relocs -o "$probe/p" \
        >/dev/null 2>&1 && "$probe/p"; then
    flags="$flags -Wl,-z,pack-relative-relocs"
fi
echo "$flags"
