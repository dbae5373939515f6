/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_XLATE_PROBE_H
#define RDMA_OVERLAY_XLATE_PROBE_H 1

/* Asks Open vSwitch's own translation what it would do with a flow.
 *
 * ro_xlate_probe() translates a synthetic flow through a bridge exactly as
 * ofproto/trace does (xlate_in_init() + xlate_actions(), no packet, so no
 * side effects except the ARP/ND request that a tunnel neighbor miss
 * sends), follows recirculations the way ofproto/trace does, and condenses
 * the datapath actions into what the overlay needs: the tnl_push actions,
 * the underlay output that follows each, the outputs that are not
 * tunnelled, and the inner L2/L3 rewrites in effect at each of them.
 *
 * Main thread only: it looks bridges up by name. */

#include <stdbool.h>
#include <stddef.h>
#include "flow.h"
#include "odp-netlink.h"
#include "openvswitch/types.h"

struct ofproto_dpif;

/* Inner header fields as the datapath actions leave them. */
struct ro_probe_inner {
    struct eth_addr dl_src, dl_dst;
    uint16_t vlan;              /* VID pushed on the frame, 0 if none. */
    uint8_t ttl;                /* IPv4 TTL or IPv6 hop limit. */
};

/* One tnl_push in the datapath actions. */
struct ro_probe_push {
    struct ovs_action_push_tnl push;    /* As OVS built it. */
    struct ro_probe_inner inner;        /* Inner header when pushed. */
    odp_port_t egress;                  /* First output after the push. */
    size_t n_egress;                    /* Outputs after the push. */
};

/* One output that no tnl_push precedes. */
struct ro_probe_output {
    odp_port_t port;
    struct ro_probe_inner inner;
};

struct ro_probe {
    struct ro_probe_push *pushes;
    size_t n_pushes, allocated_pushes;
    struct ro_probe_output *outputs;
    size_t n_outputs, allocated_outputs;
    bool neigh_miss;            /* A tunnel neighbor was unknown (ARP/ND
                                 * request sent). */
    bool slow_path;             /* Actions include a userspace() action. */
    size_t n_passes;            /* Translations (1 + recirculations). */
    int xlate_error;            /* enum xlate_error of the first failure. */
};

void ro_xlate_probe(struct ofproto_dpif *, const struct flow *,
                    bool detect_neigh_miss, struct ro_probe *);
void ro_probe_destroy(struct ro_probe *);

/* RoCEv2's UDP destination port, and the source port of synthetic flows. */
#define RO_ROCE_UDP_PORT 4791
#define RO_SYNTH_UDP_SRC 49152

/* The synthetic RoCEv2 flow that the resolver, the mapping table and the
 * port bindings probe with. */
void ro_synthetic_flow(ofp_port_t in_port, struct eth_addr src_mac,
                       struct eth_addr dst_mac,
                       const struct in6_addr *src_ip,
                       const struct in6_addr *dst_ip, bool ipv6,
                       struct flow *);

#endif /* xlate-probe.h */
