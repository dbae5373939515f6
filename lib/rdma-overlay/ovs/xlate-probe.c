/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>

#include "ovs/xlate-probe.h"

#include <string.h>

#include "netlink.h"
#include "ofproto/ofproto-dpif-rid.h"
#include "ofproto/ofproto-dpif-trace.h"
#include "ofproto/ofproto-dpif-xlate.h"
#include "ofproto/ofproto-dpif.h"
#include "openvswitch/list.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "util.h"

/* Guards against a pipeline that recirculates without end. */
#define MAX_PASSES 16

/* Adds the 'size'-byte tnl_push argument 'push' to 'probe'. */
static void
probe_add_push(struct ro_probe *probe, const struct ovs_action_push_tnl *push,
               size_t size, const struct ro_probe_inner *inner)
{
    struct ro_probe_push *p;

    if (probe->n_pushes >= probe->allocated_pushes) {
        probe->pushes = x2nrealloc(probe->pushes, &probe->allocated_pushes,
                                   sizeof *probe->pushes);
    }
    p = &probe->pushes[probe->n_pushes++];
    memset(p, 0, sizeof *p);
    memcpy(&p->push, push, MIN(sizeof p->push, size));
    p->push.header_len = MIN(p->push.header_len,
                             size - offsetof(struct ovs_action_push_tnl,
                                             header));
    p->inner = *inner;
    p->egress = ODPP_NONE;
}

static void
probe_add_output(struct ro_probe *probe, odp_port_t port,
                 const struct ro_probe_inner *inner)
{
    struct ro_probe_output *o;

    if (probe->n_outputs >= probe->allocated_outputs) {
        probe->outputs = x2nrealloc(probe->outputs, &probe->allocated_outputs,
                                    sizeof *probe->outputs);
    }
    o = &probe->outputs[probe->n_outputs++];
    o->port = port;
    o->inner = *inner;
}

/* Applies a set() or masked set() of 'key' (an OVS_KEY_ATTR_*) to 'inner'. */
static void
probe_apply_set(const struct nlattr *key, bool masked,
                struct ro_probe_inner *inner)
{
    size_t size = nl_attr_get_size(key);

    switch (nl_attr_type(key)) {
    case OVS_KEY_ATTR_ETHERNET:
        if (size == (masked ? 2 : 1) * sizeof(struct ovs_key_ethernet)) {
            const struct ovs_key_ethernet *k = nl_attr_get(key);
            const struct ovs_key_ethernet *m = masked ? k + 1 : NULL;

            for (int i = 0; i < ETH_ADDR_LEN; i++) {
                uint8_t ms = m ? m->eth_src.ea[i] : 0xff;
                uint8_t md = m ? m->eth_dst.ea[i] : 0xff;

                inner->dl_src.ea[i] = ((inner->dl_src.ea[i] & ~ms)
                                       | (k->eth_src.ea[i] & ms));
                inner->dl_dst.ea[i] = ((inner->dl_dst.ea[i] & ~md)
                                       | (k->eth_dst.ea[i] & md));
            }
        }
        break;
    case OVS_KEY_ATTR_IPV4:
        if (size == (masked ? 2 : 1) * sizeof(struct ovs_key_ipv4)) {
            const struct ovs_key_ipv4 *k = nl_attr_get(key);

            if (!masked || k[1].ipv4_ttl) {
                inner->ttl = k->ipv4_ttl;
            }
        }
        break;
    case OVS_KEY_ATTR_IPV6:
        if (size == (masked ? 2 : 1) * sizeof(struct ovs_key_ipv6)) {
            const struct ovs_key_ipv6 *k = nl_attr_get(key);

            if (!masked || k[1].ipv6_hlimit) {
                inner->ttl = k->ipv6_hlimit;
            }
        }
        break;
    default:
        break;
    }
}

/* Walks the datapath actions 'actions' ('size' bytes) in order, tracking
 * the inner header in '*inner'.  'push' is the index of the tnl_push that
 * precedes these actions in their scope, or SIZE_MAX: an output after a
 * push is that push's underlay egress, anything else a plain output. */
static void
probe_walk(struct ro_probe *probe, const struct nlattr *actions, size_t size,
           struct ro_probe_inner *inner, size_t push)
{
    const struct nlattr *a;
    size_t left;

    NL_ATTR_FOR_EACH (a, left, actions, size) {
        enum ovs_action_attr type = nl_attr_type(a);

        switch (type) {
        case OVS_ACTION_ATTR_OUTPUT:
        case OVS_ACTION_ATTR_LB_OUTPUT:
            if (push != SIZE_MAX) {
                struct ro_probe_push *p = &probe->pushes[push];
                if (!p->n_egress++) {
                    p->egress = nl_attr_get_odp_port(a);
                }
            } else if (type == OVS_ACTION_ATTR_OUTPUT) {
                probe_add_output(probe, nl_attr_get_odp_port(a), inner);
            } else {
                probe_add_output(probe, ODPP_NONE, inner);
            }
            break;
        case OVS_ACTION_ATTR_TUNNEL_PUSH:
            if (nl_attr_get_size(a) >= offsetof(struct ovs_action_push_tnl,
                                                header)) {
                probe_add_push(probe, nl_attr_get(a), nl_attr_get_size(a),
                               inner);
                push = probe->n_pushes - 1;
            }
            break;
        case OVS_ACTION_ATTR_CLONE: {
            /* A clone works on a copy: its rewrites and its tunnel push
             * do not leak into the actions that follow it. */
            struct ro_probe_inner copy = *inner;
            probe_walk(probe, nl_attr_get(a), nl_attr_get_size(a), &copy,
                       push);
            break;
        }
        case OVS_ACTION_ATTR_SET:
            probe_apply_set(nl_attr_get(a), false, inner);
            break;
        case OVS_ACTION_ATTR_SET_MASKED:
            probe_apply_set(nl_attr_get(a), true, inner);
            break;
        case OVS_ACTION_ATTR_PUSH_VLAN:
            if (nl_attr_get_size(a) == sizeof(struct ovs_action_push_vlan)) {
                const struct ovs_action_push_vlan *v = nl_attr_get(a);
                inner->vlan = vlan_tci_to_vid(v->vlan_tci);
            }
            break;
        case OVS_ACTION_ATTR_POP_VLAN:
            inner->vlan = 0;
            break;
        case OVS_ACTION_ATTR_USERSPACE:
            probe->slow_path = true;
            break;
        case OVS_ACTION_ATTR_UNSPEC:
        case OVS_ACTION_ATTR_SAMPLE:
        case OVS_ACTION_ATTR_RECIRC:
        case OVS_ACTION_ATTR_HASH:
        case OVS_ACTION_ATTR_PUSH_MPLS:
        case OVS_ACTION_ATTR_POP_MPLS:
        case OVS_ACTION_ATTR_CT:
        case OVS_ACTION_ATTR_TRUNC:
        case OVS_ACTION_ATTR_PUSH_ETH:
        case OVS_ACTION_ATTR_POP_ETH:
        case OVS_ACTION_ATTR_CT_CLEAR:
        case OVS_ACTION_ATTR_PUSH_NSH:
        case OVS_ACTION_ATTR_POP_NSH:
        case OVS_ACTION_ATTR_METER:
        case OVS_ACTION_ATTR_CHECK_PKT_LEN:
        case OVS_ACTION_ATTR_ADD_MPLS:
        case OVS_ACTION_ATTR_DROP:
        case OVS_ACTION_ATTR_TUNNEL_POP:
        case __OVS_ACTION_ATTR_MAX:
        default:
            /* Recirculation is followed through the trace's queue (see
             * ro_xlate_probe()); the rest does not change what the overlay
             * exports. */
            break;
        }
    }
}

/* Frees a list of oftrace nodes (ofproto-dpif-trace.c keeps its own
 * destructor private). */
static void
trace_list_destroy(struct ovs_list *nodes)
{
    struct oftrace_node *node;

    LIST_FOR_EACH_POP (node, node, nodes) {
        trace_list_destroy(&node->subs);
        free(node->text);
        free(node);
    }
}

/* Returns true if the trace 'nodes' reports a tunnel neighbor cache miss
 * (see native_tunnel_output() in ofproto-dpif-xlate.c). */
static bool
trace_has_neigh_miss(const struct ovs_list *nodes)
{
    const struct oftrace_node *node;

    LIST_FOR_EACH (node, node, nodes) {
        if ((node->text && strstr(node->text, "neighbor cache miss"))
            || trace_has_neigh_miss(&node->subs)) {
            return true;
        }
    }
    return false;
}

/* Translates 'flow' once through 'ofproto' and adds what it does to
 * 'probe'.  With 'recirc_queue' nonnull, the translation is traced and
 * queues the recirculations it forks there (ofproto/trace's mechanism). */
static void
probe_pass(struct ofproto_dpif *ofproto, const struct flow *flow,
           struct ovs_list *recirc_queue, struct ro_probe *probe,
           bool *has_recirc)
{
    struct ovs_list trace = OVS_LIST_INITIALIZER(&trace);
    uint64_t actions_stub[1024 / 8];
    struct ofpbuf odp_actions;
    struct flow_wildcards wc;
    struct xlate_out xout;
    struct xlate_in xin;
    int error;

    ofpbuf_use_stub(&odp_actions, actions_stub, sizeof actions_stub);
    xlate_in_init(&xin, ofproto, ofproto_dpif_get_tables_version(ofproto),
                  flow, flow->in_port.ofp_port, NULL, ntohs(flow->tcp_flags),
                  NULL, &wc, &odp_actions);
    /* xlate_in_init() leaves 'names' unset: only ofproto/trace sets it. */
    xin.names = false;
    if (recirc_queue) {
        xin.trace = &trace;
        xin.recirc_queue = recirc_queue;
    }
    error = xlate_actions(&xin, &xout);
    if (error && !probe->xlate_error) {
        probe->xlate_error = error;
    }
    probe->n_passes++;

    struct ro_probe_inner inner = {
        .dl_src = flow->dl_src,
        .dl_dst = flow->dl_dst,
        .vlan = vlan_tci_to_vid(flow->vlans[0].tci),
        .ttl = flow->nw_ttl,
    };
    probe_walk(probe, odp_actions.data, odp_actions.size, &inner, SIZE_MAX);

    if (has_recirc) {
        const struct nlattr *a;
        size_t left;

        *has_recirc = false;
        NL_ATTR_FOR_EACH (a, left, odp_actions.data, odp_actions.size) {
            if (nl_attr_type(a) == OVS_ACTION_ATTR_RECIRC) {
                *has_recirc = true;
            }
        }
    }
    if (recirc_queue && trace_has_neigh_miss(&trace)) {
        probe->neigh_miss = true;
    }

    trace_list_destroy(&trace);
    xlate_out_uninit(&xout);
    ofpbuf_uninit(&odp_actions);
}

static void
probe_reset(struct ro_probe *probe)
{
    probe->n_pushes = probe->n_outputs = 0;
    probe->neigh_miss = probe->slow_path = false;
    probe->n_passes = 0;
    probe->xlate_error = 0;
}

/* Translates synthetic flow 'flow' (its in_port is the source port) through
 * 'ofproto' and stores the result in 'probe', which the caller must later
 * free with ro_probe_destroy().
 *
 * The common case costs one untraced translation.  Only when that one
 * recirculates (ct(), e.g. OVN's stateful ACLs) or, if 'detect_neigh_miss',
 * outputs nothing does the probe translate again with tracing on: the
 * trace is what queues the recirculated flows (resumed with
 * ct_state=trk|new, as ofproto/trace assumes by default) and what reports
 * a neighbor cache miss (the second translation sends ARP/ND again). */
void
ro_xlate_probe(struct ofproto_dpif *ofproto, const struct flow *flow,
               bool detect_neigh_miss, struct ro_probe *probe)
{
    struct ovs_list queue = OVS_LIST_INITIALIZER(&queue);
    struct oftrace_recirc_node *node;
    bool has_recirc;

    memset(probe, 0, sizeof *probe);
    probe_pass(ofproto, flow, NULL, probe, &has_recirc);
    if (!has_recirc
        && (probe->n_pushes || probe->n_outputs || !detect_neigh_miss)) {
        return;
    }

    probe_reset(probe);
    probe_pass(ofproto, flow, &queue, probe, NULL);
    LIST_FOR_EACH_POP (node, node, &queue) {
        if (probe->n_passes < MAX_PASSES) {
            if (node->type == OFT_RECIRC_CONNTRACK) {
                node->flow.ct_state = CS_TRACKED | CS_NEW;
            }
            probe_pass(ofproto, &node->flow, &queue, probe, NULL);
        }
        recirc_free_id(node->recirc_id);
        dp_packet_delete(node->packet);
        free(node);
    }
}

/* Frees what 'probe' owns. */
void
ro_probe_destroy(struct ro_probe *probe)
{
    if (probe) {
        free(probe->pushes);
        free(probe->outputs);
        memset(probe, 0, sizeof *probe);
    }
}

/* Initializes 'flow' as the synthetic RoCEv2 flow of a connection from
 * OpenFlow port 'in_port': UDP from RO_SYNTH_UDP_SRC to RO_ROCE_UDP_PORT,
 * TTL 64, over IPv6 if 'ipv6' (addresses may be null: unset). */
void
ro_synthetic_flow(ofp_port_t in_port, struct eth_addr src_mac,
                  struct eth_addr dst_mac, const struct in6_addr *src_ip,
                  const struct in6_addr *dst_ip, bool ipv6, struct flow *flow)
{
    memset(flow, 0, sizeof *flow);
    flow->in_port.ofp_port = in_port;
    flow->packet_type = htonl(PT_ETH);
    flow->dl_src = src_mac;
    flow->dl_dst = dst_mac;
    flow->nw_proto = IPPROTO_UDP;
    flow->nw_ttl = 64;
    flow->tp_src = htons(RO_SYNTH_UDP_SRC);
    flow->tp_dst = htons(RO_ROCE_UDP_PORT);
    if (ipv6) {
        flow->dl_type = htons(ETH_TYPE_IPV6);
        flow->ipv6_src = src_ip ? *src_ip : in6addr_any;
        flow->ipv6_dst = dst_ip ? *dst_ip : in6addr_any;
    } else {
        flow->dl_type = htons(ETH_TYPE_IP);
        flow->nw_src = src_ip ? in6_addr_get_mapped_ipv4(src_ip) : 0;
        flow->nw_dst = dst_ip ? in6_addr_get_mapped_ipv4(dst_ip) : 0;
    }
}
