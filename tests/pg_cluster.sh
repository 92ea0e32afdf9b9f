# SPDX-License-Identifier: BSD-3-Clause
# A throwaway PostgreSQL 15 cluster for a test (sourced): pg_start DIR [tls]
# creates and starts one in DIR (initdb as the postgres user when run as
# root, a Unix socket in DIR), sets PGHOST, PGPORT and PGUSER; with tls it
# also listens on 127.0.0.1 (PG_TLS_PORT) for TLS only, with a server
# certificate for 127.0.0.1 from a CA made here (PG_TLS_CA).  pg_stop
# stops it, pg_resume starts it again.  The caller removes DIR.
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
pg_start() {
    local dir=$1 tls=${2:-} as=() port
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$dir"
        as=(runuser -u postgres --)
    fi
    "${as[@]}" "$PGBIN/initdb" -D "$dir/data" -A trust -U tapcensus > "$dir/initdb.log" 2>&1 ||
        { echo "pg_start: initdb failed:"; cat "$dir/initdb.log"; return 1; }
    port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    PG_OPTS="-k $dir -c port=$port -c listen_addresses=''"
    if [ "$tls" = tls ]; then
        mkdir -p "$dir/tls"
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=census-test-ca \
            -keyout "$dir/tls/ca.key" -out "$dir/tls/ca.pem" 2> /dev/null
        openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
            -keyout "$dir/tls/server.key" -out "$dir/tls/server.csr" 2> /dev/null
        printf 'subjectAltName=IP:127.0.0.1\n' > "$dir/tls/ext"
        openssl x509 -req -in "$dir/tls/server.csr" -CA "$dir/tls/ca.pem" -CAkey "$dir/tls/ca.key" \
            -CAcreateserial -days 2 -extfile "$dir/tls/ext" -out "$dir/tls/server.pem" 2> /dev/null
        chmod 600 "$dir/tls/server.key"
        [ ${#as[@]} -eq 0 ] || chown -R postgres "$dir/tls"
        # TCP for TLS only: a plain connection is refused.
        printf 'local all all trust\nhostssl all all 127.0.0.1/32 trust\n' > "$dir/data/pg_hba.conf"
        PG_OPTS="-k $dir -c port=$port -c listen_addresses=127.0.0.1 -c ssl=on"
        PG_OPTS+=" -c ssl_cert_file=$dir/tls/server.pem -c ssl_key_file=$dir/tls/server.key"
        export PG_TLS_PORT=$port PG_TLS_CA=$dir/tls/ca.pem
    fi
    PG_DIR=$dir PG_AS=("${as[@]}")
    pg_resume || { echo "pg_start: the server did not start:"; cat "$dir/log"; return 1; }
    export PGHOST=$dir PGPORT=$port PGUSER=tapcensus PGDATABASE=postgres
}
pg_resume() { # the stopped cluster again
    "${PG_AS[@]}" "$PGBIN/pg_ctl" -D "$PG_DIR/data" -o "$PG_OPTS" -l "$PG_DIR/log" -w -t 60 \
        start > /dev/null
}
pg_stop() {
    [ -n "${PG_DIR:-}" ] || return 0
    "${PG_AS[@]}" "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop > /dev/null 2>&1 || true
}
