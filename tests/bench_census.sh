#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The census benchmark (not a test): a throwaway PostgreSQL 15 cluster
# (pg_cluster.sh, TLS on 127.0.0.1 as well) with config/census.sql, filled
# by bench_census through the taps' own sketch and push code at the study's
# size (22,000 organisations, about 7 M clients a month, eight months, ten
# taps with overlapping clients; its options scale it), then tapcensus-report
# over the last month and over all months, reading the rollups (every tap)
# and reading the taps' rows (--taps naming all ten: no rollup), the two
# reports' tables compared.  Prints the push's rows a second (Unix socket,
# TLS), the database's size and its size per organisation-day, and each
# report's time and peak resident memory.  The cluster lives under
# TAPCENSUS_BENCH_DIR (default /var/tmp; the study's size needs about
# 25 GB) and is removed at the end.
#   tests/bench_census.sh BUILD_DIR [bench_census options: --taps N --orgs N
#                                    --clients N --months N]
set -euo pipefail
build=$(realpath "$1")
shift
root=$(cd "$(dirname "$0")/.." && pwd)
months=8 taps=10
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case ${args[$i]} in
    --months) months=${args[$((i + 1))]} ;;
    --taps) taps=${args[$((i + 1))]} ;;
    esac
done
work=$(mktemp -d "${TAPCENSUS_BENCH_DIR:-/var/tmp}/tapcensus-census-bench.XXXXXX")
chmod 755 "$work" # the cluster runs as postgres when started by root
. "$root/tests/pg_cluster.sh"
trap 'pg_stop; rm -rf "$work"' EXIT
pg_start "$work/pg" tls > /dev/null
# A census server's settings (docs/census.md): the memory to cache the
# rollups, checkpoints spaced for bulk pushes.
PG_OPTS+=" -c shared_buffers=2GB -c max_wal_size=16GB -c checkpoint_timeout=30min -c work_mem=64MB"
pg_stop
pg_resume
q() { psql -qAt -v ON_ERROR_STOP=1 -c "$1"; }
PGOPTIONS="-c client_min_messages=warning" psql -q -v ON_ERROR_STOP=1 \
    -f "$root/config/census.sql" > /dev/null
for ((t = 0; t < taps; t++)); do
    q "CREATE ROLE $(printf 'tap_%02d' "$t") LOGIN IN ROLE census_tap"
done
q "CREATE ROLE analyst LOGIN IN ROLE census_reader"

"$build/tests/bench_census" --db "host=$PGHOST port=$PGPORT dbname=postgres" \
    --tls-db "host=127.0.0.1 port=$PG_TLS_PORT dbname=postgres sslmode=verify-full sslrootcert=$PG_TLS_CA" \
    "$@"
t0=$(date +%s.%N)
q "VACUUM ANALYZE"
printf 'VACUUM ANALYZE after the load: %.1f s\n' "$(echo "$(date +%s.%N) - $t0" | bc)"

size() { q "SELECT pg_size_pretty($1::bigint)"; }
db=$(q "SELECT pg_database_size(current_database())")
raw=$(q "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid WHERE i.inhparent IN ('census.client_sketch'::regclass, 'census.sessions'::regclass)")
roll=$(q "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c LEFT JOIN pg_inherits i ON i.inhrelid = c.oid WHERE c.oid IN ('census.org_month_sketch'::regclass, 'census.org_month_sessions'::regclass, 'census.tap_day'::regclass) OR i.inhparent IN ('census.org_day_sketch'::regclass, 'census.org_day_sessions'::regclass)")
read -r sk ss od om <<< "$(q "SELECT (SELECT count(*) FROM census.client_sketch), (SELECT count(*) FROM census.sessions), (SELECT count(*) FROM census.org_day_sketch), (SELECT count(*) FROM census.org_month_sketch)" | tr '|' ' ')"
echo "database: $(size "$db") ($sk sketch rows, $ss session rows; the taps' rows $(size "$raw"), the rollups $(size "$roll"): $od organisation-days, $om organisation-months)"
echo "database size per organisation-day: $(size "$db / $od") (the taps' rows $(size "$raw / $od"), the rollups $(size "$roll / $od"))"

last=$(date -u -d "2024-04-01 + $months months - 1 day" +%F)
first_of_last=$(date -u -d "2024-04-01 + $((months - 1)) months" +%F)
mid=$(date -u -d "$first_of_last + 14 days" +%F)
after_mid=$(date -u -d "$first_of_last + 15 days" +%F)
all_taps=$(for ((t = 0; t < taps; t++)); do printf 'tap_%02d,' "$t"; done)
report() { # NAME then the report's options
    local name=$1
    shift
    /usr/bin/time -f '%e %M' -o "$work/$name.time" "$root/control/tapcensus-report" \
        --db "host=$PGHOST port=$PGPORT dbname=postgres user=analyst" --country US \
        --out "$work/$name" "$@" > /dev/null
    read -r s kib < "$work/$name.time"
    printf '  %s: %s s, peak resident memory %d MiB\n' "$name" "$s" $((kib / 1024))
}
echo "report over one month ($first_of_last to $last):"
one=(--from "$first_of_last" --to "$last" --period-a "$first_of_last:$mid" --period-b "$after_mid:$last")
report month-rollups "${one[@]}"
report month-taps-rows "${one[@]}" --taps "${all_taps%,}"
echo "report over $months months (2024-04-01 to $last):"
all=(--from 2024-04-01 --to "$last" --period-a 2024-04-01:2024-04-30 --period-b "$first_of_last:$last")
report all-rollups "${all[@]}"
report all-taps-rows "${all[@]}" --taps "${all_taps%,}"
for span in month all; do
    same=yes
    for f in "$work/$span-rollups"/*.csv; do
        cmp -s "$f" "$work/$span-taps-rows/$(basename "$f")" || same="no ($(basename "$f") differs)"
    done
    echo "the $span reports with and without rollups have the same tables: $same"
done
echo "world, last month: $(awk -F, '$2 == "world" {v = $3 " organisations, " $4 " clients"} END {print v}' "$work/all-rollups/1-monthly.csv")"
