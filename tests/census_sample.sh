# SPDX-License-Identifier: BSD-3-Clause
# A sample census in a throwaway database (sourced by report_check.sh and
# setup.sh demo): census_sample TAPCENSUS TC_CENSUS CONFIG WORKDIR starts a
# PostgreSQL cluster in WORKDIR/pg (pg_cluster.sh; the caller stops it with
# pg_stop), applies config/census.sql, makes the roles tap_a, tap_b, tap_c
# (census_tap) and analyst (census_reader), has tc_census write eight months
# of three taps' traffic and the report's tables as they must come out
# (WORKDIR/gen), and replays each tap's capture through its own tapcensus
# process on the capture's clock, pushing to the database.
# census_tap_yaml CONFIG ORGS KEYFILE TAP DATABASE EAL_PREFIX: CONFIG as tap
# TAP's (its organisations, the vendors' catalogue from the source tree, a
# DPDK file prefix of its own) with a census section pushing every second.
census_tap_yaml() {
    local root
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    sed -e "s|^organisations:.*|organisations: $2|" \
        -e "s|--file-prefix\", \"tapcensus\"|--file-prefix\", \"$6\"|" \
        -e "s|include: vendors/|include: $root/config/vendors/|" "$1"
    printf 'census:\n  tap: %s\n  key_file: %s\n  database: "%s"\n  interval: 1\n' "$4" "$3" "$5"
}

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
        census_tap_yaml "$conf" "$work/gen/orgs.csv" "$work/census.key" "tap_$t" \
            "host=$PGHOST port=$PGPORT dbname=postgres user=tap_$t" "sample$$$t" \
            > "$work/tap_$t.yaml"
        timeout 180 "$tc" -c "$work/tap_$t.yaml" --pcap "$work/gen/tap$i.pcap" \
            -o "$work/tap_$t.prom" --no-summary > /dev/null 2> "$work/tap_$t.err" ||
            { echo "census_sample: tap_$t: tapcensus exited $?"; cat "$work/tap_$t.err"; return 1; }
        i=$((i + 1))
    done
}

# census_rollups_same: the rollups as the triggers kept them (census.sql)
# equal the rollups made again from the taps' rows; prints what differs
# (table and rows) and fails, else prints nothing.  Run as the owner.
census_rollups_same() {
    psql -qAt -v ON_ERROR_STOP=1 <<'SQL'
CREATE TEMP TABLE kept_day AS SELECT day, org_id, vendor, sketch::text AS s FROM census.org_day_sketch;
CREATE TEMP TABLE kept_month AS SELECT month, org_id, vendor, sketch::text AS s FROM census.org_month_sketch;
CREATE TEMP TABLE kept_tap AS SELECT * FROM census.tap_day;
CREATE TEMP TABLE kept_sday AS SELECT * FROM census.org_day_sessions;
CREATE TEMP TABLE kept_smonth AS SELECT * FROM census.org_month_sessions;
SELECT census.rebuild_rollups();
CREATE TEMP VIEW differ AS
    SELECT 'org_day_sketch' AS t, count(*) AS n FROM ((SELECT * FROM kept_day EXCEPT SELECT day, org_id, vendor, sketch::text FROM census.org_day_sketch)
        UNION ALL (SELECT day, org_id, vendor, sketch::text FROM census.org_day_sketch EXCEPT SELECT * FROM kept_day)) x
    UNION ALL SELECT 'org_month_sketch', count(*) FROM ((SELECT * FROM kept_month EXCEPT SELECT month, org_id, vendor, sketch::text FROM census.org_month_sketch)
        UNION ALL (SELECT month, org_id, vendor, sketch::text FROM census.org_month_sketch EXCEPT SELECT * FROM kept_month)) x
    UNION ALL SELECT 'tap_day', count(*) FROM ((SELECT * FROM kept_tap EXCEPT SELECT * FROM census.tap_day)
        UNION ALL (SELECT * FROM census.tap_day EXCEPT SELECT * FROM kept_tap)) x
    UNION ALL SELECT 'org_day_sessions', count(*) FROM ((SELECT * FROM kept_sday EXCEPT SELECT * FROM census.org_day_sessions)
        UNION ALL (SELECT * FROM census.org_day_sessions EXCEPT SELECT * FROM kept_sday)) x
    UNION ALL SELECT 'org_month_sessions', count(*) FROM ((SELECT * FROM kept_smonth EXCEPT SELECT * FROM census.org_month_sessions)
        UNION ALL (SELECT * FROM census.org_month_sessions EXCEPT SELECT * FROM kept_smonth)) x;
SELECT t || ': ' || n || ' rows differ from the rebuild' FROM differ WHERE n > 0;
SELECT CASE WHEN (SELECT count(*) FROM census.org_day_sketch) = 0 THEN 'the rollups are empty' END;
SQL
}
