# SPDX-License-Identifier: BSD-3-Clause
# Sourced by test scripts that keep a replay up with --linger and read its
# live exposition (metrics.port 0: the port is the one tapcensus prints).

# LINGER_BASE (default http://127.0.0.1) and LINGER_CURL (extra curl
# options: a CA file, credentials) say how to reach a TLS or auth listener.
LINGER_BASE=${LINGER_BASE:-http://127.0.0.1}

# linger_port STDERR_FILE: the port tapcensus printed, waiting 30 s at most.
linger_port() {
    local p
    for _ in $(seq 300); do
        p=$(sed -n 's|.*metrics on https\{0,1\}://127.0.0.1:\([0-9]*\)/metrics.*|\1|p' "$1")
        if [ -n "$p" ]; then echo "$p"; return 0; fi
        sleep 0.1
    done
    return 1
}

# linger_metric PORT SAMPLE: the sample's value, empty when there is none.
linger_metric() {
    curl -sf "${LINGER_CURL[@]}" "$LINGER_BASE:$1/metrics" | awk -v m="$2" '$1==m {print $2}' || true
}
