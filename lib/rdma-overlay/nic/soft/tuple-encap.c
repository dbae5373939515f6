/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>

#include "nic/soft/tuple-encap.h"

#include <errno.h>
#include <string.h>

#include "util.h"

/* Builds the engine's encapsulation template for the connection whose
 * overlay tuple is 'tuple' into 'encap'.  Returns 0 on success, otherwise
 * EINVAL with a malloc()ed one-line error in '*errorp' (if 'errorp' is
 * nonnull).
 *
 * The overlay prefix is the tuple's 'header' as resolution left it: Open
 * vSwitch's tnl_push header with the outer DSCP already written into it
 * (ovs/tnl-header.c's ro_push_set_dscp(), the only place that writes the
 * outer DSCP).  The engine is therefore asked to keep the prefix's DSCP
 * (outer_dscp = -1) rather than to write it a second time: the header is
 * what every provider is given and what rdma-overlay/resolve prints, so
 * it must already be what goes on the wire, and a hardware provider that
 * pushes it verbatim must send the same bytes as the soft one.
 *
 * 'udp_sport' is the inner UDP source port: flow entropy (RoCEv2 lets the
 * sender choose it), which differs per QP and which the tuple of a
 * connection does not have; the outer source port, OVS-style, is derived
 * from the inner flow and so follows it. */
int
ro_tuple_to_encap(const struct ro_tuple *tuple, uint16_t udp_sport,
                  struct roce_encap *encap, char **errorp)
{
    struct roce_encap_params p;
    enum roce_encap_error error;

    roce_encap_params_init(&p);
    if (tuple->tnl_type != ROCE_TNL_NONE) {
        p.tnl.header = tuple->header;
        p.tnl.header_len = tuple->header_len;
        p.tnl.type = tuple->tnl_type;
        p.outer_dscp = -1;
        if (tuple->udp_src) {
            p.outer_sport_min = p.outer_sport_max = tuple->udp_src;
        }
    }

    memcpy(p.eth_src, tuple->inner_src_mac.ea, sizeof p.eth_src);
    memcpy(p.eth_dst, tuple->inner_dst_mac.ea, sizeof p.eth_dst);
    p.vlan = tuple->vlan != 0;
    p.vlan_tci = tuple->vlan;
    p.ip_src = tuple->inner_src_ip;
    p.ip_dst = tuple->inner_dst_ip;
    p.ttl = tuple->inner_ttl;
    p.udp_sport = udp_sport;
    /* RoCEv2 packets are ECN-capable (congestion control reacts to CE
     * marks), and the template copies ECT(0) to the outer header. */
    p.ecn = ROCE_ECN_ECT0;

    error = roce_encap_init(encap, &p);
    if (error) {
        if (errorp) {
            *errorp = xasprintf("cannot build the encapsulation template of "
                                "a %s tuple: %s",
                                roce_tnl_type_name(tuple->tnl_type),
                                roce_encap_error_str(error));
        }
        return EINVAL;
    }
    if (errorp) {
        *errorp = NULL;
    }
    return 0;
}

/* Initializes 'rx' as the receive tuple of the connection whose (transmit)
 * overlay tuple is 'tuple': frames from the peer come from the VTEP we
 * send to and to the VTEP we send from, with the peer's inner address as
 * source and ours as destination.  The expected VNI is the tuple's: the
 * same in both directions, as Open vSwitch's VXLAN and Geneve ports with a
 * fixed or flow key use it. */
void
ro_tuple_to_rx(const struct ro_tuple *tuple, struct roce_rx_tuple *rx)
{
    memset(rx, 0, sizeof *rx);
    rx->bound = true;
    rx->tunnel = tuple->tnl_type != ROCE_TNL_NONE;
    if (rx->tunnel) {
        rx->vni = tuple->vni;
        rx->remote_vtep = tuple->outer_dst_ip;
        rx->local_vtep = tuple->outer_src_ip;
    }
    rx->inner_src = tuple->inner_dst_ip;
    rx->inner_dst = tuple->inner_src_ip;
}
