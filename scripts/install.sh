#!/bin/sh
# make install / make uninstall: what the SDK puts under PREFIX (staged under DESTDIR).
#   scripts/install.sh install|uninstall   (the Makefile sets the folders in the environment)
#
#   BINDIR            acg-gen and the generated programs
#   LIBDIR            libacg.a, libacg.so.ABI (+ libacg.so), libacg_cli.a,
#                     pkgconfig/acg.pc, pkgconfig/acg_cli.pc, cmake/acg/*.cmake
#   INCLUDEDIR/acg    the public headers: runtime/include and cli/include, one tree
#   MANDIR/man1       acg-gen.1, acg-cli.1 and one page per program
#   DATADIR/acg       the runtime's and the CLI's sources and LICENSE, for acg-gen --vendor
set -e
: "${BUILD:?}" "${PREFIX:?}" "${BINDIR:?}" "${LIBDIR:?}" "${INCLUDEDIR:?}" "${DATADIR:?}" \
  "${MANDIR:?}" "${SONAME:?}" "${VERSION:?}" "${ABI:?}" "${REQUIRES:?}"
D=${DESTDIR:-}

# packaging/NAME.in with the folders and versions filled in, to $2.
fill() {
    sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@LIBDIR@|$LIBDIR|g" -e "s|@INCLUDEDIR@|$INCLUDEDIR|g" \
        -e "s|@BINDIR@|$BINDIR|g" -e "s|@VERSION@|$VERSION|g" -e "s|@ABI@|$ABI|g" \
        -e "s|@VERSION_MAJOR@|${VERSION%%.*}|g" -e "s|@REQUIRES@|$REQUIRES|g" \
        "packaging/$1.in" > "$2"
    chmod 644 "$2"
}

# Copies the .h (and with sources, .c) files under folder $1 to $2, keeping the tree.
copy_tree() {
    (cd "$1" && find . -type f \( -name '*.h' ${3:+-o -name '*.c'} \) | sort) | while read -r f; do
        install -D -m 644 "$1/$f" "$2/$f"
    done
}

install_all() {
    install -d "$D$BINDIR" "$D$LIBDIR/pkgconfig" "$D$LIBDIR/cmake/acg" "$D$MANDIR/man1" \
        "$D$INCLUDEDIR/acg" "$D$DATADIR/acg"
    install -m 755 "$BUILD/bin/acg-gen" "$D$BINDIR/acg-gen"
    install -m 644 "$BUILD/libacg.a" "$BUILD/libacg_cli.a" "$D$LIBDIR/"
    install -m 755 "$BUILD/$SONAME" "$D$LIBDIR/$SONAME"
    ln -sf "$SONAME" "$D$LIBDIR/libacg.so"
    fill acg.pc "$D$LIBDIR/pkgconfig/acg.pc"
    fill acg_cli.pc "$D$LIBDIR/pkgconfig/acg_cli.pc"
    fill acgConfig.cmake "$D$LIBDIR/cmake/acg/acgConfig.cmake"
    fill acgConfigVersion.cmake "$D$LIBDIR/cmake/acg/acgConfigVersion.cmake"
    copy_tree runtime/include "$D$INCLUDEDIR/acg"
    copy_tree cli/include "$D$INCLUDEDIR/acg"
    copy_tree runtime "$D$DATADIR/acg/runtime" sources
    copy_tree cli "$D$DATADIR/acg/cli" sources
    install -m 644 LICENSE "$D$DATADIR/acg/LICENSE"
    install -m 644 man/acg-gen.1 man/acg-cli.1 "$D$MANDIR/man1/"
    for p in $PROGRAMS; do
        name=$(basename "$p")
        install -m 755 "$p" "$D$BINDIR/$name"
        printf '.so man1/acg-cli.1\n' > "$D$MANDIR/man1/$name.1"
    done
    echo "installed acg under $D$PREFIX"
}

uninstall_all() {
    rm -f "$D$BINDIR/acg-gen" "$D$LIBDIR/libacg.a" "$D$LIBDIR/libacg_cli.a" \
        "$D$LIBDIR/$SONAME" "$D$LIBDIR/libacg.so" "$D$LIBDIR/pkgconfig/acg.pc" \
        "$D$LIBDIR/pkgconfig/acg_cli.pc" "$D$MANDIR/man1/acg-gen.1" "$D$MANDIR/man1/acg-cli.1"
    for p in $PROGRAMS; do
        rm -f "$D$BINDIR/$(basename "$p")" "$D$MANDIR/man1/$(basename "$p").1"
    done
    rm -rf "$D$LIBDIR/cmake/acg" "$D$INCLUDEDIR/acg" "$D$DATADIR/acg"
    # Folders the install created and left empty go too; others' files keep theirs.
    for dir in "$D$LIBDIR/pkgconfig" "$D$LIBDIR/cmake" "$D$MANDIR/man1" "$D$MANDIR" \
               "$D$BINDIR" "$D$LIBDIR" "$D$INCLUDEDIR" "$D$DATADIR"; do
        rmdir "$dir" 2>/dev/null || true
    done
    echo "removed acg from $D$PREFIX"
}

case ${1:-} in
install) install_all ;;
uninstall) uninstall_all ;;
*) echo "usage: scripts/install.sh install|uninstall" >&2; exit 2 ;;
esac
