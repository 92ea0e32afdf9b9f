# SPDX-License-Identifier: BSD-3-Clause
# Sourced by test scripts that keep a replay up with --linger and read its
# live exposition (metrics.port 0: the port is the one tapcensus prints).

# linger_port STDERR_FILE: the port tapcensus printed, waiting 30 s at most.
linger_port() {
    local p
    for _ in $(seq 300); do
        p=$(sed -n 's|.*metrics on http://127.0.0.1:\([0-9]*\)/metrics|\1|p' "$1")
        if [ -n "$p" ]; then echo "$p"; return 0; fi
        sleep 0.1
    done
    return 1
}

# linger_metric PORT SAMPLE: the sample's value, empty when there is none.
linger_metric() {
    curl -sf "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1==m {print $2}' || true
}
