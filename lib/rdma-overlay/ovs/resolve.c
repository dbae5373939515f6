/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>

#include "ovs/resolve.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dpif.h"
#include "netdev-provider.h"
#include "netdev.h"
#include "nic/address.h"
#include "odp-util.h"
#include "ofproto/ofproto-dpif-xlate.h"
#include "ofproto/ofproto-dpif.h"
#include "ofproto/ofproto-provider.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/list.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovs/mapping.h"
#include "ovs/port-binding.h"
#include "ovs/tnl-header.h"
#include "ovs/vtep.h"
#include "ovs/xlate-probe.h"
#include "packets.h"
#include "seq.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(rdma_overlay_resolve);

/* How long rdma-overlay/resolve waits for a tunnel neighbor (ARP/ND). */
#define RESOLVE_TIMEOUT_MS 3000

/* Everything one resolution produced. */
struct resolution {
    struct ro_tuple tuple;
    struct ovs_action_push_tnl push;    /* Valid if tuple.tnl_type != NONE:
                                         * the tnl_push, DSCP applied. */
    struct flow flow;                   /* The synthetic flow. */
};

/* The outer DSCP of the unixctl commands' resolutions: other_config:
 * rdma-overlay-dscp, which the module glue passes down at every
 * reconfiguration (before it, there is no bridge to resolve through). */
static uint8_t unixctl_dscp;

/* Appends 'flow', a synthetic flow from port 'port', to 'ds' in the syntax
 * that ofproto/trace accepts, so that the same flow can be traced. */
static void
format_trace_flow(const struct flow *flow, const char *port, struct ds *ds)
{
    bool ipv6 = flow->dl_type == htons(ETH_TYPE_IPV6);

    ds_put_format(ds, "in_port=%s,dl_src="ETH_ADDR_FMT",dl_dst="ETH_ADDR_FMT
                  ",dl_type=0x%04"PRIx16",", port,
                  ETH_ADDR_ARGS(flow->dl_src), ETH_ADDR_ARGS(flow->dl_dst),
                  ntohs(flow->dl_type));
    if (ipv6) {
        ds_put_cstr(ds, "ipv6_src=");
        ipv6_format_addr(&flow->ipv6_src, ds);
        ds_put_cstr(ds, ",ipv6_dst=");
        ipv6_format_addr(&flow->ipv6_dst, ds);
    } else {
        ds_put_format(ds, "nw_src="IP_FMT",nw_dst="IP_FMT,
                      IP_ARGS(flow->nw_src), IP_ARGS(flow->nw_dst));
    }
    ds_put_format(ds, ",nw_proto=%"PRIu8",nw_ttl=%"PRIu8",udp_src=%"PRIu16
                  ",udp_dst=%"PRIu16, flow->nw_proto, flow->nw_ttl,
                  ntohs(flow->tp_src), ntohs(flow->tp_dst));
}

/* Returns the MTU of datapath port 'port' of 'ofproto''s datapath and
 * stores its name in '*namep' (malloc()ed), or returns 0. */
static int
odp_port_mtu(const struct ofproto_dpif *ofproto, odp_port_t port,
             char **namep)
{
    struct dpif_port dpif_port;
    int mtu = 0;

    *namep = NULL;
    if (port == ODPP_NONE || !ofproto->backer
        || dpif_port_query_by_number(ofproto->backer->dpif, port,
                                     &dpif_port)) {
        return 0;
    }
    struct netdev *netdev = netdev_from_name(dpif_port.name);
    if (netdev) {
        if (netdev_get_mtu(netdev, &mtu)) {
            mtu = 0;
        }
        netdev_close(netdev);
    }
    *namep = xstrdup(dpif_port.name);
    dpif_port_destroy(&dpif_port);
    return mtu;
}

/* Fills the inner fields of 'tuple' from 'flow' and 'inner'. */
static void
tuple_set_inner(struct ro_tuple *tuple, const struct flow *flow,
                const struct ro_probe_inner *inner)
{
    tuple->inner_src_mac = inner->dl_src;
    tuple->inner_dst_mac = inner->dl_dst;
    tuple->inner_ipv6 = flow->dl_type == htons(ETH_TYPE_IPV6);
    if (tuple->inner_ipv6) {
        tuple->inner_src_ip = flow->ipv6_src;
        tuple->inner_dst_ip = flow->ipv6_dst;
    } else {
        if (flow->nw_src) {
            in6_addr_set_mapped_ipv4(&tuple->inner_src_ip, flow->nw_src);
        }
        if (flow->nw_dst) {
            in6_addr_set_mapped_ipv4(&tuple->inner_dst_ip, flow->nw_dst);
        }
    }
    tuple->vlan = inner->vlan;
    tuple->inner_ttl = inner->ttl;
}

/* Implements ro_resolve(), also returning the (DSCP-adjusted) tnl_push and
 * the synthetic flow in 'res' for rdma-overlay/resolve's output. */
static int
resolve__(const char *br_name, const char *port_name,
          const struct ro_dst *dst, const struct in6_addr *src_ip,
          uint8_t dscp, struct resolution *res, char **errorp)
{
    struct ro_tuple *tuple = &res->tuple;
    struct ofproto_port ofproto_port;
    struct ofproto_dpif *ofproto;
    const struct ro_binding *binding;
    struct eth_addr dst_mac;
    struct ro_probe probe;
    ofp_port_t in_port;
    int error = 0;

    memset(res, 0, sizeof *res);
    ro_tuple_init(tuple);
    *errorp = NULL;

    ofproto = ofproto_dpif_lookup_by_name(br_name);
    if (!ofproto) {
        *errorp = xasprintf("%s: no such bridge", br_name);
        return ENODEV;
    }
    if (ofproto_port_query_by_name(&ofproto->up, port_name,
                                   &ofproto_port)) {
        *errorp = xasprintf("%s: no port named %s", br_name, port_name);
        return ENOENT;
    }
    in_port = ofproto_port.ofp_port;
    ofproto_port_destroy(&ofproto_port);

    binding = ro_port_binding_find(br_name, port_name);
    if (!binding) {
        *errorp = xasprintf("%s: port %s is not a bound RDMA-enabled port "
                            "(set Interface other_config:rdma-overlay=true; "
                            "see rdma-overlay/dump-ports)",
                            br_name, port_name);
        return EINVAL;
    }
    if (!binding->n_macs) {
        *errorp = xasprintf("%s: no DCN MAC known for port %s", br_name,
                            port_name);
        return EINVAL;
    }

    if (dst->has_mac) {
        dst_mac = dst->mac;
    } else if (!ro_mapping_static_find_ip(br_name, &dst->ip, &dst_mac)) {
        struct ds s = DS_EMPTY_INITIALIZER;

        ipv6_format_mapped(&dst->ip, &s);
        *errorp = xasprintf("%s: no MAC known for %s (give the destination "
                            "as MAC@IP, or add a static mapping with its IP "
                            "with rdma-overlay/add-mapping)", br_name,
                            ds_cstr(&s));
        ds_destroy(&s);
        return ENOENT;
    }
    if (eth_addr_is_multicast(dst_mac)) {
        *errorp = xasprintf(ETH_ADDR_FMT": destination MAC is multicast or "
                            "broadcast", ETH_ADDR_ARGS(dst_mac));
        return EINVAL;
    }
    if (src_ip && dst->has_ip
        && IN6_IS_ADDR_V4MAPPED(src_ip) != IN6_IS_ADDR_V4MAPPED(&dst->ip)) {
        *errorp = xstrdup("source and destination IP families differ");
        return EINVAL;
    }

    ro_synthetic_flow(in_port, binding->macs[0], dst_mac, src_ip,
                      dst->has_ip ? &dst->ip : NULL,
                      dst->has_ip
                      ? !IN6_IS_ADDR_V4MAPPED(&dst->ip)
                      : src_ip && !IN6_IS_ADDR_V4MAPPED(src_ip),
                      &res->flow);
    ro_xlate_probe(ofproto, &res->flow, true, &probe);
    tuple->dp_type = xstrdup(dpif_type(ofproto->backer->dpif));
    tuple->dp_name = xstrdup(dpif_base_name(ofproto->backer->dpif));

    if (!ro_vtep_count_bridge(br_name)) {
        /* Not on an overlay: plain RoCEv2 source information. */
        struct ofport *ofport = ofproto_get_port(&ofproto->up, in_port);
        static const struct ro_probe_inner none;
        const struct ro_probe_inner *inner = (probe.n_outputs
                                              ? &probe.outputs[0].inner
                                              : &none);
        int mtu = 0;

        if (probe.n_outputs == 1) {
            odp_port_mtu(ofproto, probe.outputs[0].port,
                         &tuple->egress_name);
            tuple->egress_port = probe.outputs[0].port;
        }
        if (ofport && netdev_get_mtu(ofport->netdev, &mtu)) {
            mtu = 0;
        }
        tuple_set_inner(tuple, &res->flow, inner);
        if (inner == &none) {
            tuple->inner_src_mac = res->flow.dl_src;
            tuple->inner_dst_mac = res->flow.dl_dst;
            tuple->inner_ttl = res->flow.nw_ttl;
        }
        tuple->mtu = mtu > 0 ? mtu : ETH_PAYLOAD_MAX;
        goto out;
    }

    if (probe.n_pushes > 1) {
        *errorp = xasprintf("%s: translation has %"PRIuSIZE" tunnel outputs "
                            "for "ETH_ADDR_FMT" (flood?): refusing to guess",
                            br_name, probe.n_pushes, ETH_ADDR_ARGS(dst_mac));
        error = EHOSTUNREACH;
    } else if (probe.n_pushes == 1 && probe.n_outputs) {
        *errorp = xasprintf("%s: translation floods "ETH_ADDR_FMT" (%"PRIuSIZE
                            " outputs): destination unknown to the bridge",
                            br_name, ETH_ADDR_ARGS(dst_mac),
                            probe.n_outputs + 1);
        error = EHOSTUNREACH;
    } else if (probe.n_pushes == 1) {
        struct ro_probe_push *p = &probe.pushes[0];
        char *perr;

        res->push = p->push;
        ro_push_set_dscp(&res->push, dscp);
        perr = ro_push_to_tuple(&res->push, tuple);
        if (perr) {
            *errorp = xasprintf("%s: %s", br_name, perr);
            free(perr);
            error = EPROTO;
            goto out;
        }
        if (p->n_egress == 0) {
            *errorp = xasprintf("%s: the underlay drops the tunnelled flow "
                                "(no output after tnl_push)", br_name);
            error = EHOSTUNREACH;
            goto out;
        }
        tuple->egress_port = p->egress;
        int mtu = odp_port_mtu(ofproto, p->egress, &tuple->egress_name);
        if (mtu <= 0) {
            mtu = ETH_PAYLOAD_MAX;
        }
        tuple_set_inner(tuple, &res->flow, &p->inner);
        /* The outer header replaces nothing: the inner Ethernet header
         * and the whole outer header ride inside the underlay MTU, whose
         * own Ethernet header the MTU does not count. */
        int inner_mtu = mtu - (int) tuple->header_len
                        - (tuple->vlan ? VLAN_HEADER_LEN : 0);
        tuple->mtu = MAX(inner_mtu, 0);
    } else if (probe.neigh_miss) {
        *errorp = xasprintf("%s: tunnel neighbor unresolved, %s request sent",
                            br_name, "ARP/ND");
        error = EAGAIN;
    } else if (probe.n_outputs == 1) {
        /* Same host: delivered locally without an overlay. */
        struct ro_probe_output *o = &probe.outputs[0];
        int mtu = odp_port_mtu(ofproto, o->port, &tuple->egress_name);

        tuple->egress_port = o->port;
        tuple_set_inner(tuple, &res->flow, &o->inner);
        tuple->mtu = mtu > 0 ? mtu : ETH_PAYLOAD_MAX;
    } else if (probe.n_outputs > 1) {
        *errorp = xasprintf("%s: translation floods "ETH_ADDR_FMT" (%"PRIuSIZE
                            " outputs): destination unknown to the bridge",
                            br_name, ETH_ADDR_ARGS(dst_mac), probe.n_outputs);
        error = EHOSTUNREACH;
    } else if (probe.slow_path) {
        *errorp = xasprintf("%s: translation sends the flow to "ETH_ADDR_FMT
                            " to userspace (controller), not to a tunnel",
                            br_name, ETH_ADDR_ARGS(dst_mac));
        error = EHOSTUNREACH;
    } else if (probe.xlate_error) {
        *errorp = xasprintf("%s: translation of the flow to "ETH_ADDR_FMT
                            " failed (%s)", br_name, ETH_ADDR_ARGS(dst_mac),
                            xlate_strerror(probe.xlate_error));
        error = EHOSTUNREACH;
    } else {
        *errorp = xasprintf("%s: translation drops the flow to "ETH_ADDR_FMT,
                            br_name, ETH_ADDR_ARGS(dst_mac));
        error = EHOSTUNREACH;
    }

out:
    ro_probe_destroy(&probe);
    if (error) {
        ro_tuple_destroy(tuple);
        ro_tuple_init(tuple);
    }
    return error;
}

/* Resolves the overlay tuple (patent FIG 5) of a connection from
 * RDMA-enabled port 'port' of 'bridge' to 'dst', with inner source IP
 * 'src_ip' (may be null), from Open vSwitch's translation of a synthetic
 * RoCEv2 flow.  On success returns 0 and fills 'tuple' (the caller must
 * ro_tuple_destroy() it): an overlay tuple whose header is the tnl_push
 * header with outer DSCP 'dscp', or, for a port of a bridge
 * with no VXLAN/Geneve tunnel, plain RoCEv2 source information.
 *
 * Returns EAGAIN if a tunnel neighbor is not resolved yet: translation has
 * sent an ARP or ND request; wait for tnl_conf_seq to change and call again
 * (bounded by the caller).  Any other failure returns a positive errno
 * value and a malloc()ed one-line error in '*errorp'; unknown destination,
 * flood and several tunnel outputs are failures, never guesses. */
int
ro_resolve(const char *bridge, const char *port, const struct ro_dst *dst,
           const struct in6_addr *src_ip, uint8_t dscp,
           struct ro_tuple *tuple, char **errorp)
{
    struct resolution res;
    int error = resolve__(bridge, port, dst, src_ip, dscp, &res, errorp);

    *tuple = res.tuple;
    return error;
}

/* rdma-overlay/resolve BRIDGE PORT DST [SRC_IP]: a dry run. */
struct pending_resolve {
    struct ovs_list list_node;
    struct unixctl_conn *conn;
    char *bridge, *port;
    struct ro_dst dst;
    bool has_src;
    struct in6_addr src_ip;
    uint64_t seqno;             /* tnl_conf_seq when last tried. */
    long long int deadline;
};

static struct ovs_list pending = OVS_LIST_INITIALIZER(&pending);

static void
resolution_format(const struct resolution *res, const char *bridge,
                  const char *port, const struct ro_dst *dst, struct ds *ds)
{
    ds_put_format(ds, "bridge: %s\nport: %s\ndestination: ", bridge, port);
    ro_dst_format(dst, ds);
    ds_put_char(ds, '\n');
    ro_tuple_format(&res->tuple, ds);
    if (res->tuple.tnl_type != ROCE_TNL_NONE) {
        struct ofpbuf buf;

        ofpbuf_init(&buf, 0);
        odp_put_tnl_push_action(&buf, CONST_CAST(struct ovs_action_push_tnl *,
                                                 &res->push));
        ds_put_cstr(ds, "header: ");
        format_odp_actions(ds, buf.data, buf.size, NULL);
        ds_put_char(ds, '\n');
        ofpbuf_uninit(&buf);
    }
    ds_put_cstr(ds, "flow: ");
    format_trace_flow(&res->flow, port, ds);
    ds_put_char(ds, '\n');
}

/* Tries 'p' once.  Returns false if it must wait for a neighbor. */
static bool
pending_try(struct pending_resolve *p, bool last_try)
{
    struct resolution res;
    char *error;
    int retval;

    p->seqno = seq_read(tnl_conf_seq);
    retval = resolve__(p->bridge, p->port, &p->dst,
                       p->has_src ? &p->src_ip : NULL, unixctl_dscp, &res,
                       &error);
    if (retval == EAGAIN && !last_try) {
        free(error);
        return false;
    }
    if (retval == EAGAIN) {
        free(error);
        error = xasprintf("%s: timed out after %d ms waiting for the tunnel "
                          "neighbor (ARP/ND sent, no reply)", p->bridge,
                          RESOLVE_TIMEOUT_MS);
    }
    if (retval) {
        unixctl_command_reply_error(p->conn, error);
        free(error);
    } else {
        struct ds ds = DS_EMPTY_INITIALIZER;

        resolution_format(&res, p->bridge, p->port, &p->dst, &ds);
        unixctl_command_reply(p->conn, ds_cstr(&ds));
        ds_destroy(&ds);
    }
    ro_tuple_destroy(&res.tuple);
    return true;
}

static void
pending_destroy(struct pending_resolve *p)
{
    free(p->bridge);
    free(p->port);
    free(p);
}

static void
resolve_unixctl(struct unixctl_conn *conn, int argc, const char *argv[],
                void *aux OVS_UNUSED)
{
    struct pending_resolve *p = xzalloc(sizeof *p);
    char *error;

    p->conn = conn;
    error = ro_dst_parse(argv[3], &p->dst);
    if (!error && argc > 4) {
        struct ro_dst src;

        error = ro_dst_parse(argv[4], &src);
        if (!error && (src.has_mac || !src.has_ip)) {
            error = xasprintf("%s: source must be an IP address", argv[4]);
        }
        p->has_src = !error;
        p->src_ip = src.ip;
    }
    if (error) {
        unixctl_command_reply_error(conn, error);
        free(error);
        free(p);
        return;
    }
    p->bridge = xstrdup(argv[1]);
    p->port = xstrdup(argv[2]);
    p->deadline = time_msec() + RESOLVE_TIMEOUT_MS;
    if (pending_try(p, false)) {
        pending_destroy(p);
    } else {
        /* Deferred reply: ro_resolve_run() retries when the neighbor
         * cache or routes change, until the deadline. */
        ovs_list_push_back(&pending, &p->list_node);
    }
}

static int
compare_llong(const void *a_, const void *b_)
{
    long long int a = *(const long long int *) a_;
    long long int b = *(const long long int *) b_;

    return a < b ? -1 : a > b;
}

/* rdma-overlay/bench-resolve BRIDGE PORT DST N: resolves N times in a row
 * and reports the latency distribution of one resolution (translation
 * included), for "make bench". */
static void
bench_resolve_unixctl(struct unixctl_conn *conn, int argc OVS_UNUSED,
                      const char *argv[], void *aux OVS_UNUSED)
{
    int n = atoi(argv[4]);
    struct ro_dst dst;
    char *error;

    error = ro_dst_parse(argv[3], &dst);
    if (!error && (n < 1 || n > 1000000)) {
        error = xasprintf("%s: iterations must be 1 to 1000000", argv[4]);
    }
    if (error) {
        unixctl_command_reply_error(conn, error);
        free(error);
        return;
    }

    long long int *usec = xmalloc(n * sizeof *usec);
    for (int i = 0; i < n; i++) {
        struct resolution res;
        long long int start = time_usec();
        int retval = resolve__(argv[1], argv[2], &dst, NULL, unixctl_dscp,
                               &res, &error);

        usec[i] = time_usec() - start;
        ro_tuple_destroy(&res.tuple);
        if (retval) {
            unixctl_command_reply_error(conn, error);
            free(error);
            free(usec);
            return;
        }
    }
    qsort(usec, n, sizeof *usec, compare_llong);

    char *reply = xasprintf("resolve_p50: %lld us\nresolve_p99: %lld us\n",
                            usec[n / 2], usec[(n * 99) / 100]);
    unixctl_command_reply(conn, reply);
    free(reply);
    free(usec);
}

/* Registers rdma-overlay/resolve and rdma-overlay/bench-resolve. */
void
ro_resolve_init(void)
{
    unixctl_command_register("rdma-overlay/resolve",
                             "BRIDGE PORT MAC|IP|MAC@IP [SRC_IP]", 3, 4,
                             resolve_unixctl, NULL);
    unixctl_command_register("rdma-overlay/bench-resolve",
                             "BRIDGE PORT MAC|IP|MAC@IP N", 4, 4,
                             bench_resolve_unixctl, NULL);
}

/* Sets the outer DSCP of the resolutions that the unixctl commands
 * run. */
void
ro_resolve_set_dscp(uint8_t dscp)
{
    unixctl_dscp = dscp;
}

/* Retries the deferred resolutions whose neighbors may have changed and
 * fails those past their deadline. */
void
ro_resolve_run(void)
{
    struct pending_resolve *p;
    uint64_t seqno = seq_read(tnl_conf_seq);
    long long int now = time_msec();

    LIST_FOR_EACH_SAFE (p, list_node, &pending) {
        bool expired = now >= p->deadline;

        if ((p->seqno != seqno || expired) && pending_try(p, expired)) {
            ovs_list_remove(&p->list_node);
            pending_destroy(p);
        }
    }
}

/* Wakes the main loop when a deferred resolution may complete: a neighbor
 * or route change, or its deadline. */
void
ro_resolve_wait(void)
{
    struct pending_resolve *p;

    LIST_FOR_EACH (p, list_node, &pending) {
        seq_wait(tnl_conf_seq, p->seqno);
        poll_timer_wait_until(p->deadline);
    }
}

/* Fails every deferred resolution (ovs-vswitchd is exiting). */
void
ro_resolve_exit(void)
{
    struct pending_resolve *p;

    LIST_FOR_EACH_POP (p, list_node, &pending) {
        unixctl_command_reply_error(p->conn, "ovs-vswitchd is exiting");
        pending_destroy(p);
    }
}
