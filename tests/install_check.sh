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
# The census report is installed beside the daemon, runnable, and reads the
# installed configuration's report.events (refusing only the database).
report="$work/root$prefix/bin/tapcensus-report"
[ -x "$report" ] || { echo "FAIL install: no runnable $report"; exit 1; }
rc=0
"$report" --db "host=$work/nosocket dbname=none" --from 2024-04-01 --to 2024-11-30 \
    --period-a 2024-04-01:2024-04-30 --period-b 2024-11-01:2024-11-30 --config "$conf" \
    --out "$work/report" > /dev/null 2> "$work/report.err" || rc=$?
[ "$rc" = 1 ] && grep -q "tapcensus-report: census database: " "$work/report.err" ||
    { echo "FAIL the installed report: exit $rc: $(cat "$work/report.err")"; exit 1; }
mv "$obj" "$work/pf_xsk.bpf.o.aside"
"$live" "$bin" "$conf" "$work/live"
