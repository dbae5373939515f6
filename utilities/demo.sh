#! /bin/sh
# Copyright (c) 2026 The ovs-rdma-overlay authors.
# Licensed under the Apache License, Version 2.0.
#
# Installs what is needed, builds, and runs the two-host demo
# (utilities/ovs-rdma-overlay-demo).
set -e
srcdir=$(cd "$(dirname "$0")/.." && pwd)
"$srcdir/utilities/bootstrap.sh"
exec "$srcdir/utilities/ovs-rdma-overlay-demo" "$@"
