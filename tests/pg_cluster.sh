# SPDX-License-Identifier: BSD-3-Clause
# A throwaway PostgreSQL 15 cluster for a test (sourced): pg_start DIR
# creates and starts one in DIR (initdb as the postgres user when run as
# root, a Unix socket in DIR, no TCP), sets PGHOST and PGUSER; pg_stop
# stops it, pg_resume starts it again.  The caller removes DIR.
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
pg_start() {
    local dir=$1 as=()
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$dir"
        as=(runuser -u postgres --)
    fi
    "${as[@]}" "$PGBIN/initdb" -D "$dir/data" -A trust -U tapcensus > "$dir/initdb.log" 2>&1 ||
        { echo "pg_start: initdb failed:"; cat "$dir/initdb.log"; return 1; }
    "${as[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -o "-k $dir -c listen_addresses=''" \
        -l "$dir/log" -w -t 60 start > /dev/null ||
        { echo "pg_start: the server did not start:"; cat "$dir/log"; return 1; }
    PG_DIR=$dir PG_AS=("${as[@]}")
    export PGHOST=$dir PGUSER=tapcensus PGDATABASE=postgres
}
pg_resume() { # the stopped cluster again
    "${PG_AS[@]}" "$PGBIN/pg_ctl" -D "$PG_DIR/data" -o "-k $PG_DIR -c listen_addresses=''" \
        -l "$PG_DIR/log" -w -t 60 start > /dev/null
}
pg_stop() {
    [ -n "${PG_DIR:-}" ] || return 0
    "${PG_AS[@]}" "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop > /dev/null 2>&1 || true
}
