#!/bin/bash
# Copyright (c) 2026 The ovs-rdma-overlay authors.
# Licensed under the Apache License, Version 2.0.
#
# System test: two hosts and four tenant DCNs on real kernel interfaces.
#
# usage: system-rdma-overlay.sh [BUILDDIR [OVS_BUILDDIR]]    (as root)
#
# Network namespaces hostA and hostB each run their own ovsdb-server and
# our ovs-vswitchd on the userspace (netdev) datapath; their ports are
# kernel veths (AF_PACKET).  An underlay veth joins the hosts' br-phy
# bridges (192.168.250.1/2); each host's int-br has a VXLAN port per tenant
# (vx100: VNI 100 for tenant1, vx200: VNI 200 for tenant2) and one
# RDMA-enabled port per tenant DCN (vm1, vm2), the host end of a veth whose
# other end is eth0 in the DCN's own namespace.  Both tenants use the same
# IPs: 10.0.0.1 on A and 10.0.0.2 on B.
#
# Checks: the overlay carries the DCNs' own kernel traffic (ping), ovs-rdma
# write-bw/read-bw/send-bw --verify for both tenants at once, tenant
# isolation (tenant2's client to 10.0.0.2 reaches no tenant1 server), and
# on the underlay capture: VNIs 100 and 200, RoCEv2 BTH opcodes (RDMA WRITE
# for write-bw), DSCP 26 on every RoCE frame.  Ends with
# "system: N passed, N failed"; exits 77 (skip) if it cannot run here.
#
# Environment: RO_SYSTEM_KEEP=1 keeps the work directory (logs, pcap);
# RO_SYSTEM_VLOG adds ovs-vswitchd options (e.g. -vrdma_overlay_conn:file:dbg);
# RO_SYSTEM_MTU sets the underlay veth's MTU (default 1600: path MTU 1024;
# 9000 gives 4096).

set -u
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$srcdir}" && pwd)
ovs_builddir=$(cd "${2:-$builddir/ovs}" && pwd)
schema=$ovs_builddir/vswitchd/vswitch.ovsschema
test -f "$schema" || schema=$srcdir/ovs/vswitchd/vswitch.ovsschema

PATH=$builddir/vswitchd:$builddir/utilities:$ovs_builddir/utilities:$ovs_builddir/ovsdb:$PATH
export PATH

skip () { echo "system: skipped: $*"; exit 77; }
test "$(id -u)" = 0 || skip "must run as root"
for t in ip tshark ovs-vswitchd ovsdb-server ovs-rdma; do
    command -v $t >/dev/null || skip "$t not found"
done
test "$(command -v ovs-vswitchd)" = "$builddir/vswitchd/ovs-vswitchd" \
    || skip "ovs-vswitchd is not this project's"

ul_mtu=${RO_SYSTEM_MTU:-1600}
id=ro$$
if ip netns add $id-probe 2>/dev/null; then
    ip netns exec $id-probe ip link add p0 type veth peer name p1 2>/dev/null
    rc=$?
    ip netns del $id-probe
    test $rc = 0 || skip "cannot create veth pairs"
else
    skip "cannot create network namespaces"
fi
dir=$(mktemp -d /tmp/ro-system.XXXXXX)
chmod 755 "$dir"
nsA=$id-hostA nsB=$id-hostB
ns_t1a=$id-t1a ns_t1b=$id-t1b ns_t2a=$id-t2a ns_t2b=$id-t2b
all_ns="$nsA $nsB $ns_t1a $ns_t1b $ns_t2a $ns_t2b"
bg_pids=

# ---- results ---------------------------------------------------------------

passed=0 failed=0
ok () { echo "ok: $*"; passed=$((passed + 1)); }
fail () {
    echo "FAIL: $*"
    failed=$((failed + 1))
}
check () {                      # check "WHAT" COMMAND...
    local what=$1; shift
    if "$@" > "$dir/check.out" 2>&1; then
        ok "$what"
    else
        fail "$what"; sed 's/^/    /' "$dir/check.out" | tail -20
    fi
}

# ---- cleanup ---------------------------------------------------------------

daemon_pids () {                # the daemons of both hosts still running
    local f p
    for f in "$dir"/[AB]/ovs-vswitchd.pid "$dir"/[AB]/ovsdb-server.pid; do
        test -f "$f" || continue
        p=$(cat "$f" 2>/dev/null)
        case $(cat /proc/$p/comm 2>/dev/null) in
            ovs-vswitchd|ovsdb-server) echo $p ;;
        esac
    done
}
cleanup () {
    trap - EXIT INT TERM
    local p ns
    for p in $bg_pids; do kill "$p" 2>/dev/null; done
    for p in $bg_pids; do wait "$p" 2>/dev/null; done
    # Whatever still runs in a DCN namespace (ovs-rdma) was started here.
    for ns in $ns_t1a $ns_t1b $ns_t2a $ns_t2b; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null; done
    done
    for p in $(daemon_pids); do kill "$p" 2>/dev/null; done
    wait_until 3 test -z "$(daemon_pids)" ||
        for p in $(daemon_pids); do kill -9 "$p" 2>/dev/null; done
    # Deleting a namespace deletes the veth ends in it (and their peers).
    for ns in $all_ns; do
        ip netns del "$ns" 2>/dev/null
    done
    if test "${RO_SYSTEM_KEEP:-}" = 1; then
        echo "system: work directory kept: $dir"
    else
        rm -rf "$dir"
    fi
}
trap cleanup EXIT
trap 'echo "system: interrupted"; exit 130' INT TERM

# ---- hosts -----------------------------------------------------------------

onA () { OVS_RUNDIR=$dir/A OVS_LOGDIR=$dir/A OVS_DBDIR=$dir/A OVS_SYSCONFDIR=$dir/A "$@"; }
onB () { OVS_RUNDIR=$dir/B OVS_LOGDIR=$dir/B OVS_DBDIR=$dir/B OVS_SYSCONFDIR=$dir/B "$@"; }
on () { local h=$1; shift; on$h "$@"; }
nsx () { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# wait_until SECONDS COMMAND...: polls every 0.1 s.
wait_until () {
    local n=$(($1 * 10)); shift
    while ! "$@" >/dev/null 2>&1; do
        n=$((n - 1))
        test $n -gt 0 || return 1
        sleep 0.1
    done
}

diag () {
    local h
    for h in A B; do
        test -f "$dir/$h/ovs-vswitchd.log" || continue
        echo "==== host$h: ovs-vswitchd.log (tail)"
        tail -25 "$dir/$h/ovs-vswitchd.log" | sed 's/^/    /'
        echo "==== host$h: rdma-overlay/stats (non-zero)"
        on $h ovs-appctl -T 5 rdma-overlay/stats 2>&1 | grep -v ': *0$' | sed 's/^/    /'
        echo "==== host$h: rdma-overlay/dump-conns"
        on $h ovs-appctl -T 5 rdma-overlay/dump-conns 2>&1 | sed 's/^/    /'
    done
}

# mac: tenant T on host H (1 = A, 2 = B); vm port MACs are the DCNs'.
dcn_mac () { echo "02:00:00:0$1:00:0$2"; }

setup_host () {                 # setup_host A|B
    local h=$1 n j ns d t
    if test $h = A; then n=1 j=2 ns=$nsA; else n=2 j=1 ns=$nsB; fi
    d=$dir/$h
    mkdir -p "$d"
    on $h ovsdb-tool create "$d/conf.db" "$schema" || return 1
    nsx $ns env OVS_RUNDIR=$d OVS_LOGDIR=$d OVS_DBDIR=$d OVS_SYSCONFDIR=$d \
        ovsdb-server --detach --no-chdir --pidfile --log-file \
        --remote=punix:$d/db.sock "$d/conf.db" || return 1
    on $h ovs-vsctl --no-wait init || return 1
    # Main-thread polling of the system ports: no PMD threads.
    nsx $ns env OVS_RUNDIR=$d OVS_LOGDIR=$d OVS_DBDIR=$d OVS_SYSCONFDIR=$d \
        ovs-vswitchd --disable-system --disable-system-route \
        --detach --no-chdir --pidfile --log-file -vconsole:off \
        ${RO_SYSTEM_VLOG:-} unix:$d/db.sock || return 1

    # Underlay.
    on $h ovs-vsctl add-br br-phy -- set bridge br-phy datapath_type=netdev \
        other-config:hwaddr=aa:55:aa:55:00:0$n \
        -- add-port br-phy ul || return 1
    on $h ovs-ofctl add-flow br-phy action=normal || return 1
    nsx $ns ip addr add 192.168.250.$n/24 dev br-phy || return 1
    nsx $ns ip link set br-phy up || return 1
    on $h ovs-appctl ovs/route/add 192.168.250.$n/24 br-phy >/dev/null || return 1
    on $h ovs-appctl tnl/neigh/set br-phy 192.168.250.$j aa:55:aa:55:00:0$j \
        >/dev/null || return 1

    # Overlay: one VXLAN port and one RDMA-enabled DCN port per tenant.
    on $h ovs-vsctl add-br int-br -- set bridge int-br datapath_type=netdev \
        fail-mode=secure \
        -- add-port int-br vx100 -- set Interface vx100 type=vxlan \
           options:remote_ip=192.168.250.$j options:key=100 ofport_request=100 \
        -- add-port int-br vx200 -- set Interface vx200 type=vxlan \
           options:remote_ip=192.168.250.$j options:key=200 ofport_request=200 \
        -- add-port int-br vm1 -- set Interface vm1 ofport_request=1 \
           other_config:rdma-overlay=true \
           other_config:rdma-overlay-mac=$(dcn_mac 1 $n) \
           other_config:rdma-overlay-ip=10.0.0.$n \
        -- add-port int-br vm2 -- set Interface vm2 ofport_request=2 \
           other_config:rdma-overlay=true \
           other_config:rdma-overlay-mac=$(dcn_mac 2 $n) \
           other_config:rdma-overlay-ip=10.0.0.$n || return 1
    # Tenant T: its DCN port (ofport T) talks only to its tunnel (VNI T00),
    # unicast to the peer DCN's MAC and broadcast (ARP); what its tunnel
    # decapsulates goes to its DCN port only.  Nothing else passes.
    for t in 1 2; do
        on $h ovs-ofctl add-flows int-br - <<EOF || return 1
in_port=$t,dl_dst=$(dcn_mac $t $j),actions=output:${t}00
in_port=$t,dl_dst=ff:ff:ff:ff:ff:ff,actions=output:${t}00
in_port=${t}00,tun_id=${t}00,dl_dst=$(dcn_mac $t $n),actions=output:$t
in_port=${t}00,tun_id=${t}00,dl_dst=ff:ff:ff:ff:ff:ff,actions=output:$t
EOF
        on $h ovs-appctl rdma-overlay/neigh-add vm$t 10.0.0.$j $(dcn_mac $t $j) \
            >/dev/null || return 1
    done
}

setup () {
    local ns t h n
    for ns in $all_ns; do
        ip netns add "$ns" || return 1
        nsx $ns ip link set lo up
        nsx $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
            net.ipv6.conf.default.disable_ipv6=1
    done
    # Underlay wire: "ul" in each host namespace.
    nsx $nsA ip link add ul type veth peer name ul netns $nsB || return 1
    for ns in $nsA $nsB; do
        nsx $ns ip link set ul mtu $ul_mtu up || return 1
    done
    # DCNs: eth0 in the DCN namespace, vmT in the host namespace.
    for t in 1 2; do
        for h in A B; do
            if test $h = A; then n=1; else n=2; fi
            ns=$id-t$t$(echo $h | tr AB ab)
            hns=$(eval echo \$ns$h)
            nsx $hns ip link add vm$t type veth peer name eth0 netns $ns || return 1
            nsx $hns ip link set vm$t up || return 1
            nsx $ns ip link set eth0 address $(dcn_mac $t $n) || return 1
            nsx $ns ip addr add 10.0.0.$n/24 dev eth0 || return 1
            nsx $ns ip link set eth0 up || return 1
        done
    done
    setup_host A || return 1
    setup_host B || return 1
}

if ! setup > "$dir/setup.log" 2>&1; then
    cat "$dir/setup.log"
    fail "setup of the namespaces, veths and both hosts' Open vSwitch"
    diag
    echo "system: $passed passed, $failed failed"
    exit 1
fi
ok "setup: namespaces $all_ns"

# ---- the overlay itself ----------------------------------------------------

bound () {                      # bound HOST PORT: rdma-overlay bound, socket
    test "$(on $1 ovs-vsctl get Interface $2 status:rdma_overlay)" = bound &&
    on $1 ovs-vsctl get Interface $2 status:rdma_overlay_socket >/dev/null
}
for h in A B; do
    for t in 1 2; do
        check "host$h vm$t is bound and has a DCN socket" wait_until 10 bound $h vm$t
    done
done
sock () { on $1 ovs-vsctl get Interface $2 status:rdma_overlay_socket | tr -d '"'; }
SOCK_A1=$(sock A vm1) SOCK_A2=$(sock A vm2)
SOCK_B1=$(sock B vm1) SOCK_B2=$(sock B vm2)

# Start capturing the underlay before any overlay traffic.
pcap=$dir/underlay.pcap
# (ip netns exec execs tshark: $! is tshark's pid.)
ip netns exec $nsA tshark -q -i ul -s 256 -B 64 -w "$pcap" > "$dir/tshark.out" 2>&1 &
tshark_pid=$!
bg_pids="$bg_pids $tshark_pid"
check "tshark captures the underlay of hostA" \
    wait_until 15 grep -q "Capturing on" "$dir/tshark.out"

for t in 1 2; do
    check "tenant$t: the DCNs' kernels ping across the overlay (VNI ${t}00)" \
        nsx $id-t${t}a ping -c1 -W2 10.0.0.2
done
arp_is () {                     # arp_is NS IP MAC
    local mac
    mac=$(nsx $1 ip neigh show $2 | awk '{for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1)}')
    echo "$1: $2 is at ${mac:-?}"
    test "$mac" = "$3"
}
for t in 1 2; do
    check "tenant$t: 10.0.0.2 resolved (ARP over VNI ${t}00) to tenant$t's MAC $(dcn_mac $t 2)" \
        arp_is $id-t${t}a 10.0.0.2 $(dcn_mac $t 2)
done

# ---- RDMA across the overlay -----------------------------------------------

# run_pair TENANT TEST: server on hostB's DCN, client on hostA's; both
# outputs in $dir/tTENANT-TEST.{server,client}.{out,rc}.
listening () { on B ovs-appctl rdma-overlay/dump-conns | grep -q "vm$1.*listen\|listen.*vm$1"; }
# running PID: PID is a live process (not a zombie).
running () {
    local st
    st=$(ps -o stat= -p "$1" 2>/dev/null)
    test -n "$st" && test "${st#Z}" = "$st"
}
# stop_server PID FILE: a server waits for its first request forever
# (ovs-rdma's --timeout starts with the connection), so one whose client
# failed is given 15 s and then killed; records its status in FILE.rc.
stop_server () {
    if ! wait_until 15 eval '! running '$1; then
        echo "(still running 15 s after its client: killed)" >> $2.out
        kill $1 2>/dev/null
    fi
    wait $1
    echo $? > $2.rc
}
run_pair () {
    local t=$1 test=$2 f=$dir/t$1-$2 sp
    eval "local ssock=\$SOCK_B$t csock=\$SOCK_A$t"
    # (ip netns exec execs ovs-rdma: $! is its pid.)
    ip netns exec $id-t${t}b ovs-rdma $test -S "$ssock" -s 65536 -n 200 \
        --verify --timeout=20 > $f.server.out 2>&1 &
    sp=$!
    if wait_until 10 listening $t; then
        nsx $id-t${t}a ovs-rdma $test -S "$csock" -s 65536 -n 200 --verify \
            --timeout=20 10.0.0.2 > $f.client.out 2>&1
        echo $? > $f.client.rc
    else
        echo "tenant$t: no listener on hostB vm$t" > $f.client.out
        echo 99 > $f.client.rc
    fi
    stop_server $sp $f.server
}
pair_ok () {                    # pair_ok TENANT TEST
    local f=$dir/t$1-$2
    test "$(cat $f.client.rc 2>/dev/null)" = 0 &&
    test "$(cat $f.server.rc 2>/dev/null)" = 0 &&
    grep -q "^ *65536 *200 " $f.client.out && grep -q "^ *65536 *200 " $f.server.out
}
idle () {                       # no DCN connection left on host $1
    test "$(on $1 ovs-appctl rdma-overlay/dump-conns | wc -l)" -le 1
}
for test in write-bw read-bw send-bw; do
    # Both tenants at once: same IPs, same rdma_cm port, different VNIs.
    run_pair 1 $test & p1=$!
    run_pair 2 $test & p2=$!
    wait $p1 $p2
    for t in 1 2; do
        if pair_ok $t $test; then
            ok "tenant$t: ovs-rdma $test -s 65536 -n 200 --verify (10.0.0.1 -> 10.0.0.2)"
        else
            fail "tenant$t: ovs-rdma $test -s 65536 -n 200 --verify (10.0.0.1 -> 10.0.0.2)"
            for s in client server; do
                echo "    $s (rc $(cat $dir/t$t-$test.$s.rc 2>/dev/null)):"
                tail -5 $dir/t$t-$test.$s.out | sed 's/^/      /'
            done
        fi
    done
    wait_until 10 idle A; wait_until 10 idle B
done

# ---- isolation -------------------------------------------------------------

f=$dir/isolation
log_start=$(wc -l < "$dir/B/ovs-vswitchd.log")
new_log () { tail -n +$((log_start + 1)) "$dir/B/ovs-vswitchd.log"; }
ip netns exec $ns_t1b ovs-rdma write-bw -S "$SOCK_B1" -s 65536 -n 200 --verify \
     --timeout=0 > $f.server.out 2>&1 &
iso_server=$!
bg_pids="$bg_pids $iso_server"
if wait_until 10 listening 1; then
    nsx $ns_t2a ovs-rdma write-bw -S "$SOCK_A2" -s 65536 -n 200 --verify \
        --timeout=10 10.0.0.2 > $f.client.out 2>&1
    rc=$?
    if test $rc != 0; then
        ok "isolation: tenant2's client to 10.0.0.2 fails (exit $rc: $(tail -1 $f.client.out))"
    else
        fail "isolation: tenant2's client reached tenant1's server"
        sed 's/^/    /' $f.client.out
    fi
    check "isolation: hostB delivered tenant2's REQ to vm2 (VNI 200), which rejected it" \
        eval 'new_log | grep "REQ for service .* delivered to port vm2 has no listener there: rejected"'
    sleep 0.5
    if running $iso_server && ! test -s $f.server.out; then
        ok "isolation: tenant1's server still waits and received nothing"
    else
        fail "isolation: tenant1's server ended or printed"
        sed 's/^/    /' $f.server.out
    fi
else
    fail "isolation: tenant1's server on hostB never listened"
fi
kill $iso_server 2>/dev/null
wait $iso_server 2>/dev/null

# ---- the underlay capture --------------------------------------------------

sleep 0.5
kill -TERM $tshark_pid 2>/dev/null
wait $tshark_pid 2>/dev/null
# One line per VXLAN frame: VNI, outer DSCP, BTH opcode (empty if none).
# tshark -T fields -E occurrence=f takes the first (outer) IP header's DSCP.
tshark -n -r "$pcap" -d udp.port==4789,vxlan -Y vxlan -T fields \
    -E occurrence=f -e vxlan.vni -e ip.dsfield.dscp -e infiniband.bth.opcode \
    > "$dir/frames.txt" 2>"$dir/tshark-read.err"
count () { awk -F'\t' "$1" "$dir/frames.txt" | wc -l; }
echo "underlay: $(wc -l < "$dir/frames.txt") VXLAN frames in the capture" \
     "($(grep captured "$dir/tshark.out" | tr -d '\n'))"
for vni in 100 200; do
    n=$(count "\$1 == $vni && \$3 != \"\"")
    if test "$n" -gt 0; then
        ok "underlay: $n RoCEv2 frames (infiniband.bth.opcode) in VXLAN VNI $vni"
    else
        fail "underlay: no RoCEv2 frame (infiniband.bth.opcode) in VXLAN VNI $vni"
    fi
done
# RC RDMA WRITE opcodes: 6 FIRST, 7 MIDDLE, 8 LAST, 9 LAST w/ imm, 10 ONLY,
# 11 ONLY w/ imm.
for vni in 100 200; do
    n=$(count "\$1 == $vni && \$3 != \"\" && \$3 >= 6 && \$3 <= 11")
    if test "$n" -gt 0; then
        ok "underlay: $n RDMA WRITE frames (BTH opcodes 6-11) in VNI $vni"
    else
        fail "underlay: no RDMA WRITE opcode in VNI $vni"
    fi
done
total=$(count "\$3 != \"\"")
bad=$(count "\$3 != \"\" && \$2 != 26")
if test "$total" -gt 0 && test "$bad" = 0; then
    ok "underlay: all $total RoCEv2 frames have outer DSCP 26"
else
    fail "underlay: $bad of $total RoCEv2 frames have an outer DSCP other than 26"
    awk -F'\t' '$3 != "" && $2 != 26' "$dir/frames.txt" | sort | uniq -c \
        | head -5 | sed 's/^/    count vni dscp opcode: /'
fi
n=$(count "\$1 != 100 && \$1 != 200")
if test "$n" = 0; then
    ok "underlay: no VXLAN frame outside VNIs 100 and 200"
else
    fail "underlay: $n VXLAN frames with another VNI"
fi

# For the record: what the soft NICs counted (non-zero datapath counters).
for h in A B; do
    echo "host$h NIC:" $(on $h ovs-appctl -T 5 rdma-overlay/stats 2>&1 \
        | sed -n '/^datapath:/,$p' | sed 1d | grep -v ': *0$' | tr -s ' ')
done
for h in A B; do
    grep -c '|WARN|\||ERR|\||EMER|' "$dir/$h/ovs-vswitchd.log" >/dev/null &&
        { echo "host$h ovs-vswitchd warnings and errors:";
          grep '|WARN|\||ERR|\||EMER|' "$dir/$h/ovs-vswitchd.log" | head -10 | sed 's/^/    /'; }
done

test $failed = 0 || diag
echo "system: $passed passed, $failed failed"
test $failed = 0
