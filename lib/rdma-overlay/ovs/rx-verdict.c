/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>
#include "ovs/rx-verdict.h"

#include <errno.h>
#include <string.h>

#include "nic/overlay.h"
#include "ofproto/ofproto-dpif.h"
#include "ofproto/ofproto-dpif-xlate.h"
#include "openvswitch/dynamic-string.h"
#include "ovs/port-binding.h"
#include "ovs/vtep.h"
#include "ovs/xlate-probe.h"
#include "packets.h"
#include "roce/frame.h"
#include "util.h"

/* Builds the flow of decapsulated frame 'f' as it arrives on the datapath
 * tunnel port of 'vtep' (if 'ofp_in_port' is OFPP_NONE: before the port is
 * mapped to an OpenFlow one) or on OpenFlow port 'ofp_in_port'. */
static void
rx_flow(const struct roce_frame *f, const struct ro_vtep *vtep,
        ofp_port_t ofp_in_port, struct flow *flow)
{
    struct eth_addr src, dst;
    bool ipv6 = f->inner.ip_version == 6;

    memcpy(src.ea, f->inner.eth_src, ETH_ADDR_LEN);
    memcpy(dst.ea, f->inner.eth_dst, ETH_ADDR_LEN);
    ro_synthetic_flow(ofp_in_port, src, dst, &f->inner.ip_src,
                      &f->inner.ip_dst, ipv6, flow);
    flow->tp_src = htons(f->inner.udp_src);
    flow->nw_ttl = f->inner.ttl;
    if (ofp_in_port == OFPP_NONE) {
        /* 'in_port' is a union of the two port numbers. */
        flow->in_port.odp_port = vtep->odp_port;
    }
    if (IN6_IS_ADDR_V4MAPPED(&f->outer.ip_src)) {
        flow->tunnel.ip_src = in6_addr_get_mapped_ipv4(&f->outer.ip_src);
        flow->tunnel.ip_dst = in6_addr_get_mapped_ipv4(&f->outer.ip_dst);
    } else {
        flow->tunnel.ipv6_src = f->outer.ip_src;
        flow->tunnel.ipv6_dst = f->outer.ip_dst;
    }
    flow->tunnel.tun_id = htonll(f->vni);
    flow->tunnel.flags = FLOW_TNL_F_KEY;
    flow->tunnel.ip_tos = f->outer.dscp << 2 | f->outer.ecn;
    flow->tunnel.ip_ttl = f->outer.ttl;
    flow->tunnel.tp_src = htons(f->outer.udp_src);
    flow->tunnel.tp_dst = htons(f->outer.udp_dst);
}

/* Returns the bound RDMA-enabled port of 'bridge' whose datapath port is
 * 'odp_port', or NULL. */
static const struct ro_binding *
binding_by_odp_port(const char *bridge, odp_port_t odp_port)
{
    const struct ro_binding **bindings, *b = NULL;
    size_t n = ro_port_binding_get_all(&bindings), i;

    for (i = 0; i < n; i++) {
        if (!strcmp(bindings[i]->bridge, bridge)
            && bindings[i]->odp_port == odp_port) {
            b = bindings[i];
            break;
        }
    }
    free(bindings);
    return b;
}

/* Translates 'flow' through 'ofproto' and returns the RDMA-enabled port of
 * 'bridge' it is delivered to, if it goes to exactly one such port. */
static const struct ro_binding *
deliver(struct ofproto_dpif *ofproto, const char *bridge,
        const struct flow *flow, struct ds *why)
{
    const struct ro_binding *b = NULL;
    struct ro_probe probe;

    ro_xlate_probe(ofproto, flow, false, &probe);
    if (probe.n_outputs == 1 && !probe.n_pushes) {
        b = binding_by_odp_port(bridge, probe.outputs[0].port);
    }
    if (!b) {
        ds_put_format(why, "%"PRIuSIZE" outputs, %"PRIuSIZE" tunnel "
                      "outputs%s%s", probe.n_outputs, probe.n_pushes,
                      probe.xlate_error ? ", " : "",
                      probe.xlate_error
                      ? xlate_strerror(probe.xlate_error) : "");
    }
    ro_probe_destroy(&probe);
    return b;
}

/* A frame without an overlay that the NIC received from itself: it comes
 * from the DCN of this host whose MAC is its source, so the bridge's
 * translation from that DCN's port decides where it goes, as it would for
 * the DCN's other traffic. */
static int
rx_deliver_local(const struct roce_frame *f, char **bridgep, char **portp,
                 char **errorp)
{
    const struct ro_binding **bindings, *from = NULL, *to = NULL;
    struct ds why = DS_EMPTY_INITIALIZER;
    struct eth_addr src, dst;
    struct ofproto_dpif *ofproto;
    size_t n, i;
    struct flow flow;

    memcpy(src.ea, f->inner.eth_src, ETH_ADDR_LEN);
    memcpy(dst.ea, f->inner.eth_dst, ETH_ADDR_LEN);
    n = ro_port_binding_get_all(&bindings);
    for (i = 0; i < n; i++) {
        if (ro_binding_has_mac(bindings[i], src)) {
            from = bindings[i];
            break;
        }
    }
    ofproto = from ? ofproto_dpif_lookup_by_name(from->bridge) : NULL;
    if (!ofproto) {
        *errorp = xasprintf("no RDMA-enabled port of this host has source "
                            "MAC "ETH_ADDR_FMT" (plain RoCEv2 from the "
                            "wire is not accepted)", ETH_ADDR_ARGS(src));
        free(bindings);
        return ENOENT;
    }
    ro_synthetic_flow(from->ofp_port, src, dst, &f->inner.ip_src,
                      &f->inner.ip_dst, f->inner.ip_version == 6, &flow);
    flow.tp_src = htons(f->inner.udp_src);
    to = deliver(ofproto, from->bridge, &flow, &why);
    if (to) {
        *bridgep = xstrdup(to->bridge);
        *portp = xstrdup(to->port);
    } else {
        *errorp = xasprintf("%s: translation of the frame from port %s does "
                            "not deliver it to exactly one RDMA-enabled "
                            "port (%s)", from->bridge, from->port,
                            ds_cstr(&why));
    }
    ds_destroy(&why);
    free(bindings);
    return to ? 0 : EHOSTUNREACH;
}

/* A plain RoCEv2 frame that entered the datapath on 'in_port': the bridge
 * that owns that port decides, by translating the frame as it arrived. */
static int
rx_deliver_plain(const struct roce_frame *f, odp_port_t in_port,
                 char **bridgep, char **portp, char **errorp)
{
    const struct ro_binding **bindings, *to = NULL;
    struct ds why = DS_EMPTY_INITIALIZER;
    struct ofproto_dpif *ofproto = NULL, *owner;
    struct eth_addr src, dst;
    ofp_port_t ofp_in_port;
    struct flow flow;
    char *err = NULL;
    size_t n, i;

    /* Any bridge's backer maps the datapath port to its bridge. */
    n = ro_port_binding_get_all(&bindings);
    for (i = 0; i < n && !ofproto; i++) {
        ofproto = ofproto_dpif_lookup_by_name(bindings[i]->bridge);
    }
    free(bindings);
    memcpy(src.ea, f->inner.eth_src, ETH_ADDR_LEN);
    memcpy(dst.ea, f->inner.eth_dst, ETH_ADDR_LEN);
    ro_synthetic_flow(OFPP_NONE, src, dst, &f->inner.ip_src,
                      &f->inner.ip_dst, f->inner.ip_version == 6, &flow);
    flow.tp_src = htons(f->inner.udp_src);
    flow.nw_ttl = f->inner.ttl;
    flow.in_port.odp_port = in_port;
    owner = (ofproto
             ? xlate_lookup_ofproto(ofproto->backer, &flow, &ofp_in_port,
                                    &err)
             : NULL);
    free(err);
    if (!owner) {
        *errorp = xasprintf("datapath port %"PRIu32" belongs to no bridge",
                            odp_to_u32(in_port));
        return ENOENT;
    }
    flow.in_port.ofp_port = ofp_in_port;
    to = deliver(owner, owner->up.name, &flow, &why);
    if (to) {
        *bridgep = xstrdup(to->bridge);
        *portp = xstrdup(to->port);
    } else {
        *errorp = xasprintf("%s: translation of the frame from port %"PRIu16
                            " does not deliver it to exactly one "
                            "RDMA-enabled port (%s)", owner->up.name,
                            ofp_to_u16(ofp_in_port), ds_cstr(&why));
    }
    ds_destroy(&why);
    return to ? 0 : EHOSTUNREACH;
}

/* Finds the RDMA-enabled port that the bridge's translation delivers the
 * decapsulated frame 'f' to.  On success stores its bridge and port names
 * in '*bridgep' and '*portp' (the caller frees them) and returns 0;
 * otherwise returns a positive errno value and a one-line reason in
 * '*errorp'. */
int
ro_rx_deliver(const struct roce_frame *f, odp_port_t in_port,
              char **bridgep, char **portp, char **errorp)
{
    const struct ro_vtep **vteps;
    size_t n, i;

    *bridgep = *portp = *errorp = NULL;
    if (f->tnl_type == ROCE_TNL_NONE) {
        return (in_port == ODPP_NONE
                ? rx_deliver_local(f, bridgep, portp, errorp)
                : rx_deliver_plain(f, in_port, bridgep, portp, errorp));
    }
    n = ro_vtep_get_all(&vteps);
    for (i = 0; i < n; i++) {
        const struct ro_vtep *v = vteps[i];
        struct ds why = DS_EMPTY_INITIALIZER;
        const struct ro_binding *b;
        struct ofproto_dpif *ofproto, *owner;
        ofp_port_t ofp_in_port;
        struct flow flow;
        char *err = NULL;

        if (v->type != f->tnl_type || v->dst_port != f->outer.udp_dst) {
            continue;
        }
        ofproto = ofproto_dpif_lookup_by_name(v->bridge);
        if (!ofproto) {
            continue;
        }
        /* Which OpenFlow tunnel port receives it (remote_ip, key,
         * local_ip), exactly as the datapath's upcall would map it. */
        rx_flow(f, v, OFPP_NONE, &flow);
        owner = xlate_lookup_ofproto(ofproto->backer, &flow, &ofp_in_port,
                                     &err);
        free(err);
        if (!owner || owner != ofproto) {
            continue;
        }
        rx_flow(f, v, ofp_in_port, &flow);
        b = deliver(ofproto, v->bridge, &flow, &why);
        if (b) {
            *bridgep = xstrdup(b->bridge);
            *portp = xstrdup(b->port);
            free(vteps);
            return 0;
        }
        *errorp = xasprintf("%s: translation of the frame from tunnel port "
                            "%"PRIu16" (VNI %"PRIu32") does not deliver it "
                            "to exactly one RDMA-enabled port (%s)",
                            v->bridge, ofp_to_u16(ofp_in_port), f->vni,
                            ds_cstr(&why));
        ds_destroy(&why);
        free(vteps);
        return EHOSTUNREACH;
    }
    free(vteps);
    *errorp = xasprintf("no %s tunnel port listens on UDP port %"PRIu16,
                        roce_tnl_type_name(f->tnl_type),
                        f->outer.udp_dst);
    return ENOENT;
}
