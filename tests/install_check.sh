#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The installed daemon works on its own: `meson install` into a scratch
# root, the build tree's prefilter object moved away (restored at the end),
# and the live AF_XDP case run with the installed daemon and the installed
# sample configuration.
#   install_check.sh BUILDDIR LIVE_CHECK WORKDIR
set -euo pipefail
build=$(realpath "$1") live=$2 work=$(realpath -m "$3")
rm -rf "$work"; mkdir -p "$work"
obj="$build/ebpf/pf_xsk.bpf.o"
restore() { [ ! -f "$work/pf_xsk.bpf.o.aside" ] || mv "$work/pf_xsk.bpf.o.aside" "$obj"; }
trap restore EXIT
DESTDIR="$work/root" meson install -C "$build" --no-rebuild --quiet > "$work/install.log"
prefix=$(meson introspect "$build" --buildoptions |
    python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
sysconfdir=$(meson introspect "$build" --buildoptions |
    python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "sysconfdir"))')
case $sysconfdir in /*) ;; *) sysconfdir="$prefix/$sysconfdir" ;; esac
bin="$work/root$prefix/bin/tapcensus"
conf="$work/root$sysconfdir/tapcensus/tapcensus.yaml"
for f in "$bin" "$conf" "$(dirname "$conf")/orgs.csv"; do
    [ -f "$f" ] || { echo "FAIL install: no $f"; exit 1; }
done
mv "$obj" "$work/pf_xsk.bpf.o.aside"
"$live" "$bin" "$conf" "$work/live"
