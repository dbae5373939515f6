#! /bin/sh
# Copyright (c) 2026 The ovs-rdma-overlay authors.
# Licensed under the Apache License, Version 2.0.
#
# Installs what is needed, builds, and runs every test of the project:
#   - make check:           C unit tests and the autotest suite
#   - make check-sanitize:  the RoCEv2 engine's unit tests under ASan+UBSan
#   - make check-fuzz:      a bounded libFuzzer run of each wire parser
#   - make check-ovs:       Open vSwitch's own tunnel, tunnel_push_pop and
#                           dpif-netdev tests on the patched tree
#   - make check-system:    two hosts and four tenant DCNs in network
#                           namespaces on real veths (userspace datapath),
#                           ovs-rdma across the overlay, isolation, tshark
# and ends with one "N passed, N failed" line, one count per step.

set -e
srcdir=$(cd "$(dirname "$0")/.." && pwd)
"$srcdir/utilities/bootstrap.sh"
cd "$srcdir"

jobs=$(nproc)
passed=0
failed=0
failed_steps=
step() {
    name=$1; shift
    echo "==== $name: $*"
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failed_steps="$failed_steps $name"
    fi
}

step unit+autotest make -j"$jobs" check TESTSUITEFLAGS="-j$jobs"
step sanitize make check-sanitize
step fuzz make check-fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-20}"
step ovs-tests make check-ovs TESTSUITEFLAGS="-j$jobs"
step system make check-system

if test $failed != 0; then
    echo "failed steps:$failed_steps"
    for f in tests/testsuite.log ovs/tests/testsuite.log; do
        test -f "$f" && grep -A3 "^## Summary of the failures" "$f" || true
    done
fi
echo "check: $passed passed, $failed failed"
test $failed = 0
