#!/bin/sh
# Installs the Debian packages the build needs when any is missing (as root), or prints the
# exact install line and stops.
set -e
PKGS="libyaml-dev libjsmn-dev libcurl4-openssl-dev libssl-dev libpcre2-dev zlib1g-dev libinih-dev pkg-config gcc clang make python3-ruamel.yaml"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "installing:$missing"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
    echo "missing packages; run: sudo apt-get install -y$missing" >&2
    exit 1
fi
