#! /bin/sh
# Copyright (c) 2026 The ovs-rdma-overlay authors.
# Licensed under the Apache License, Version 2.0.
#
# Installs what building and testing ovs-rdma-overlay needs on Debian 12
# (run as root), then builds the tree it lives in: Open vSwitch 3.1 from
# Debian's openvswitch-source, patched, plus the extension.
#
# Used by utilities/demo.sh and utilities/check.sh; safe to run again.

set -e

srcdir=$(cd "$(dirname "$0")/.." && pwd)

# Build tools; Open vSwitch 3.1.0 sources; ISA-L for the ICRC; tshark and
# clang (libFuzzer, sanitizers) for the tests.
RO_PACKAGES="build-essential autoconf automake libtool pkg-config patch
    python3 python3-sortedcontainers openvswitch-source libssl-dev
    libcap-ng-dev libisal-dev tshark clang libclang-rt-14-dev iproute2
    procps iputils-ping"

missing=
for p in $RO_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" \
        || missing="$missing $p"
done
if test -n "$missing"; then
    if test "$(id -u)" != 0; then
        echo "$0: must run as root to install:$missing" >&2
        exit 1
    fi
    echo "bootstrap: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends $missing
fi

cd "$srcdir"
if test ! -x configure || test configure.ac -nt configure; then
    ./boot.sh
fi
if test ! -f Makefile; then
    ./configure ${RO_CONFIGURE_FLAGS}
fi
make -j"$(nproc)"
