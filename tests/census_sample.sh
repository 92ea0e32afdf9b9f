# SPDX-License-Identifier: BSD-3-Clause
# A sample census in a throwaway database (sourced by report_check.sh and
# setup.sh demo): census_sample TAPCENSUS TC_CENSUS CONFIG WORKDIR starts a
# PostgreSQL cluster in WORKDIR/pg (pg_cluster.sh; the caller stops it with
# pg_stop), applies config/census.sql, makes the roles tap_a, tap_b, tap_c
# (census_tap) and analyst (census_reader), has tc_census write eight months
# of three taps' traffic and the report's tables as they must come out
# (WORKDIR/gen), and replays each tap's capture through its own tapcensus
# process on the capture's clock, pushing to the database.
census_sample() {
    local tc=$1 gen=$2 conf=$3 work=$4 i=0 t
    local root
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    . "$root/tests/pg_cluster.sh"
    pg_start "$work/pg" || return 1
    PGOPTIONS="-c client_min_messages=warning" psql -q -v ON_ERROR_STOP=1 \
        -f "$root/config/census.sql" > /dev/null || return 1
    for t in tap_a tap_b tap_c; do
        psql -q -v ON_ERROR_STOP=1 -c "CREATE ROLE $t LOGIN IN ROLE census_tap" || return 1
    done
    psql -q -v ON_ERROR_STOP=1 -c "CREATE ROLE analyst LOGIN IN ROLE census_reader" || return 1
    "$gen" "$work/gen" --seed 7 > /dev/null || return 1
    printf '00112233445566778899aabbccddeeff\n' > "$work/census.key"
    chmod 600 "$work/census.key"
    for t in a b c; do
        sed -e "s|^organisations:.*|organisations: $work/gen/orgs.csv|" \
            -e "s|--file-prefix\", \"tapcensus\"|--file-prefix\", \"sample$$$t\"|" \
            -e "s|include: vendors/|include: $root/config/vendors/|" "$conf" > "$work/tap_$t.yaml"
        printf 'census:\n  tap: tap_%s\n  key_file: %s\n  database: "%s"\n  interval: 1\n' \
            "$t" "$work/census.key" "host=$PGHOST port=$PGPORT dbname=postgres user=tap_$t" \
            >> "$work/tap_$t.yaml"
        timeout 180 "$tc" -c "$work/tap_$t.yaml" --pcap "$work/gen/tap$i.pcap" \
            -o "$work/tap_$t.prom" --no-summary > /dev/null 2> "$work/tap_$t.err" ||
            { echo "census_sample: tap_$t: tapcensus exited $?"; cat "$work/tap_$t.err"; return 1; }
        i=$((i + 1))
    done
}
