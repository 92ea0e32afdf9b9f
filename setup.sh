#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# tapcensus setup: install what is missing, build, and run.
#   ./setup.sh demo    build, generate the sample traffic, replay it, print the table;
#                      then the census report of a sample census (its path printed)
#   ./setup.sh test    build (clang, ASan/UBSan, libFuzzer) and run every test
#   ./setup.sh bench   build (release) and print the benchmark figures
set -euo pipefail
cd "$(dirname "$0")"

PKGS=(build-essential meson ninja-build pkg-config clang llvm libclang-rt-14-dev libdpdk-dev
      libhyperscan-dev libbpf-dev libxdp-dev bpftool libcmocka-dev libpcap-dev
      libmicrohttpd-dev libyaml-dev libssl-dev prometheus linux-libc-dev iproute2 curl
      openssl apache2-utils dnsmasq-base gnutls-bin bind9-dnsutils ethtool
      libloc-dev libloc-database location postgresql-15 postgresql-15-hll libpq-dev
      python3 python3-psycopg2 python3-matplotlib python3-yaml python3-pil chromium
      fonts-dejavu-core clang-format)

install_deps() { # [extra packages]
    local missing=()
    PKGS+=("$@")
    for p in "${PKGS[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "setup: installing ${missing[*]}"
        SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
        $SUDO apt-get update -q
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
}

build() { # DIR [meson options]
    local dir=$1; shift
    [ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" > /dev/null
    ninja -C "$dir"
}

case ${1:-} in
demo)
    install_deps
    build build
    mkdir -p build/demo
    build/tests/tc_gen build/demo/sample.pcap build/demo/truth.tsv
    build/control/tapcensus -c config/tapcensus.yaml --pcap build/demo/sample.pcap \
        -o build/demo/metrics.prom
    echo "setup: exposition written to build/demo/metrics.prom"
    # The census report on a sample census: eight months of three taps
    # pushed to a throwaway PostgreSQL cluster, started and stopped here.
    rm -rf build/demo/census
    mkdir -p build/demo/census
    (
        . tests/census_sample.sh
        trap pg_stop EXIT
        census_sample build/control/tapcensus build/tests/tc_census config/tapcensus.yaml \
            "$PWD/build/demo/census"
        read -r -a opts < build/demo/census/gen/args
        echo "setup: the sample census report (tapcensus-report ${opts[*]}):"
        control/tapcensus-report --db "host=$PGHOST port=$PGPORT dbname=postgres user=analyst" \
            "${opts[@]}" --config config/tapcensus.yaml --out build/demo/report
    )
    ;;
test)
    install_deps
    # Every C file as the committed .clang-format lays it out (clang-format -i
    # FILE fixes one).
    unformatted=$(find dataplane control ebpf tests -name '*.[ch]' -print0 |
                  xargs -0 -n 50 clang-format --dry-run 2>&1 | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: warning: .*/\1/p' | sort -u)
    if [ -n "$unformatted" ]; then
        echo "setup: not formatted as .clang-format says (clang-format -i FILE):" $unformatted >&2
        exit 1
    fi
    # The optimised build as the benchmark and a production box build it
    # (gcc -O3 warns where -O0 does not: -Werror makes that a failure here).
    build build-release --buildtype=release
    # clang, so that the libFuzzer targets build and run with the rest.
    CC=clang build build-test -Db_sanitize=address,undefined -Db_lundef=false
    set +e
    # Leaks fail a test (tests/lsan.supp: the one the af_xdp driver has).
    ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp \
        meson test -C build-test --print-errorlogs --num-processes 2 \
        | tee build-test/test-output.txt
    rc=${PIPESTATUS[0]}
    set -e
    ok=$(awk '/^Ok:/{print $2}' build-test/test-output.txt)
    bad=$(awk '/^(Fail|Timeout|Unexpected Pass):/{s+=$2} END{print s+0}' build-test/test-output.txt)
    echo "tests: ${ok:-0} passed, ${bad:-0} failed"
    exit "$rc"
    ;;
bench)
    install_deps dpdk-dev   # dpdk-testpmd, the I/O ceiling (about 1.4 GB of packages)
    build build-release --buildtype=release
    tests/bench.sh build-release
    ;;
*)
    echo "usage: $0 demo|test|bench" >&2
    exit 2
    ;;
esac
