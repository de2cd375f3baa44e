#!/bin/sh
# make docs: the API reference in $BUILD/docs/html (entry page index.html) from the
# runtime's and the CLI's public headers and the Personalize header generated fresh from
# acg.yaml. Any Doxygen warning fails the run, printed.
set -e
BUILD=${BUILD:-build}
out="$BUILD/docs"
rm -rf "$out"
mkdir -p "$out"
# The bindings as the generator writes them now (generated/ may wait for make regen).
"$BUILD/bin/acg-gen" --manifest acg.yaml --out-root "$out/bindings" >/dev/null
export ACG_DOCS_OUT="$out"
export ACG_DOCS_SERVICE="$out/bindings/generated/personalize/personalize.h"
export ACG_DOCS_STRIP="$out/bindings/generated/personalize"
export ACG_DOCS_FILTER=scripts/doxygen_filter.py
export ACG_DOCS_VERSION="$(sed -n 's/^.define ACG_VERSION "\(.*\)"/\1/p' runtime/include/acg_runtime.h)"
if ! doxygen docs/Doxyfile >"$out/doxygen.log" 2>&1 || [ -s "$out/warnings.log" ]; then
    cat "$out/doxygen.log" "$out/warnings.log" >&2
    echo "make docs: Doxygen reported the problems above" >&2
    exit 1
fi
echo "API reference: $out/html/index.html"
