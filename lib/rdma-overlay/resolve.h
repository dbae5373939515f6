/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_RESOLVE_H
#define RDMA_OVERLAY_RESOLVE_H 1

/* Resolution (patent FIG 4/5): the overlay tuple of an RDMA connection
 * from an RDMA-enabled port to a destination, computed by Open vSwitch's
 * own translation of a synthetic RoCEv2 flow from that port.
 *
 * Main thread only. */

#include <stdbool.h>
#include "flow.h"
#include "odp-netlink.h"
#include "overlay.h"

struct ds;

/* RoCEv2's UDP destination port, and the source port of synthetic flows. */
#define RO_ROCE_UDP_PORT 4791
#define RO_SYNTH_UDP_SRC 49152

/* A destination: a MAC, an IP (IPv4 stored IPv4-mapped), or both. */
struct ro_dst {
    bool has_mac;
    struct eth_addr mac;
    bool has_ip;
    struct in6_addr ip;
};

char *ro_dst_parse(const char *, struct ro_dst *) OVS_WARN_UNUSED_RESULT;
void ro_dst_format(const struct ro_dst *, struct ds *);

/* Resolves the tuple for connections from RDMA-enabled 'port' of 'bridge'
 * to 'dst', with inner source IP 'src_ip' (may be null). */
int ro_resolve(const char *bridge, const char *port, const struct ro_dst *,
               const struct in6_addr *src_ip, struct ro_tuple *,
               char **errorp);

/* Building blocks shared with the mapping table. */
void ro_synthetic_flow(ofp_port_t in_port, struct eth_addr src_mac,
                       struct eth_addr dst_mac,
                       const struct in6_addr *src_ip,
                       const struct in6_addr *dst_ip, bool ipv6,
                       struct flow *);
char *ro_push_to_tuple(const struct ovs_action_push_tnl *, struct ro_tuple *)
    OVS_WARN_UNUSED_RESULT;

void ro_resolve_init(void);
void ro_resolve_run(void);
void ro_resolve_wait(void);
void ro_resolve_exit(void);

#endif /* resolve.h */
