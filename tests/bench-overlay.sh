#!/bin/sh
# Copyright (c) 2026 The ovs-rdma-overlay authors.
# Licensed under the Apache License, Version 2.0.
#
# Benchmarks of the overlay map and resolution, on a private ovs-vswitchd
# (dummy datapath).  Prints one "name: value unit" line per figure.
#
# usage: bench-overlay.sh BUILDDIR OVS_SRCDIR OVS_BUILDDIR [N_MAPPINGS N_VTEPS N_FLOWS]
#
# RO_BENCH_VLOG=-vrdma_overlay_mapping:file:dbg logs each revalidation's
# duration; RO_BENCH_KEEP=FILE keeps ovs-vswitchd's log there.

set -e
builddir=$1 ovs_srcdir=$2 ovs_builddir=$3
n_mappings=${4:-100000} n_vteps=${5:-1000} n_flows=${6:-10000}

dir=`mktemp -d /tmp/ro-bench.XXXXXX`
PATH=$builddir/vswitchd:$ovs_builddir/utilities:$ovs_builddir/ovsdb:$PATH
OVS_RUNDIR=$dir OVS_LOGDIR=$dir OVS_DBDIR=$dir OVS_SYSCONFDIR=$dir
export PATH OVS_RUNDIR OVS_LOGDIR OVS_DBDIR OVS_SYSCONFDIR
cleanup () {
    for p in ovs-vswitchd ovsdb-server; do
        test ! -f $dir/$p.pid || kill `cat $dir/$p.pid` 2>/dev/null || :
    done
    test -z "$RO_BENCH_KEEP" || cp $dir/ovs-vswitchd.log $RO_BENCH_KEEP
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM

now () { date +%s.%N; }
rss_kb () { awk '/^VmRSS:/ {print $2}' /proc/`cat $dir/ovs-vswitchd.pid`/status; }

ovsdb-tool create $dir/conf.db $ovs_srcdir/vswitchd/vswitch.ovsschema
ovsdb-server --detach --no-chdir --pidfile --log-file --remote=punix:$dir/db.sock 2>/dev/null
ovs-vsctl --no-wait init
ovs-vswitchd --enable-dummy --disable-system --disable-system-route \
    --detach --no-chdir --pidfile --log-file ${RO_BENCH_VLOG} 2>/dev/null
ovs-vsctl add-br br0 -- set bridge br0 datapath_type=dummy fail-mode=secure \
    -- add-port br0 p0 -- set Interface p0 type=dummy
ovs-appctl netdev-dummy/ip4addr br0 10.0.0.1/8 >/dev/null
ovs-appctl ovs/route/add 10.0.0.1/8 br0 >/dev/null
ovs-ofctl add-flow br0 action=normal

# An overlay bridge: one RDMA-capable port and N_VTEPS VXLAN tunnels, all
# reached through one gateway whose MAC is known.
ovs-appctl ovs/route/add 10.128.0.0/9 br0 10.0.0.254 >/dev/null
ovs-appctl tnl/neigh/set br0 10.0.0.254 02:00:00:00:00:fe >/dev/null
bench_bridge () {               # BRIDGE N_VTEPS N_FLOWS
    awk -v br=$1 -v n=$2 'BEGIN {
        printf "add-br %s -- set bridge %s datapath_type=dummy fail-mode=secure", br, br
        printf " -- add-port %s vm1 -- set Interface vm1 type=dummy ofport_request=1", br
        printf " other_config:rdma-overlay-mac=00:00:00:00:00:01"
        for (i = 0; i < n; i++) {
            printf " -- add-port %s t%d -- set Interface t%d type=vxlan ofport_request=%d", br, i, i, i + 2
            printf " options:remote_ip=10.%d.%d.%d options:key=%d", 128 + int(i / 65536), int(i / 256) % 256, i % 256, i + 1
        }
        printf "\n" }' > $dir/vsctl.args
    ovs-vsctl `cat $dir/vsctl.args`
    awk -v n=$3 -v v=$2 'BEGIN {
        for (i = 0; i < n; i++)
            printf "dl_dst=0a:%02x:%02x:%02x:00:00,actions=output:%d\n",
                   int(i / 65536), int(i / 256) % 256, i % 256, i % v + 2 }' \
        > $dir/flows.txt
    ovs-ofctl add-flows $1 $dir/flows.txt
}

# Export: N_MAPPINGS MACs over N_VTEPS VTEPs, exported when the port is
# enabled (ovs-vsctl returns after the export).
bench_bridge int-br $n_vteps $n_mappings
rss0=`rss_kb`
t0=`now`
ovs-vsctl set Interface vm1 other_config:rdma-overlay=true
t1=`now`
rss1=`rss_kb`
n=`ovs-appctl rdma-overlay/dump-mappings | wc -l`
test $n = $n_mappings || { echo "exported $n mappings, expected $n_mappings" >&2; exit 1; }
echo "export_${n_mappings}_mappings_${n_vteps}_vteps_time: `echo "$t1 - $t0" | bc -l | awk '{printf "%.3f", $1}'` s"
echo "export_memory_per_mapping: `echo "($rss1 - $rss0) * 1024 / $n" | bc` bytes"
ovs-vsctl del-br int-br

# Resolution latency with N_FLOWS flows in the bridge.
bench_bridge int-br2 100 $n_flows
ovs-vsctl set Interface vm1 other_config:rdma-overlay=true
ovs-appctl rdma-overlay/bench-resolve int-br2 vm1 0a:00:00:2a:00:00@10.1.0.42 10000 \
    | sed "s/^resolve_\(p[0-9]*\):/resolve_\1_${n_flows}_flows:/"
