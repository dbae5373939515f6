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
#include "address.h"
#include "overlay.h"
#include "tnl-header.h"

struct ds;

/* RoCEv2's UDP destination port, and the source port of synthetic flows. */
#define RO_ROCE_UDP_PORT 4791
#define RO_SYNTH_UDP_SRC 49152

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

void ro_resolve_init(void);
void ro_resolve_run(void);
void ro_resolve_wait(void);
void ro_resolve_exit(void);

#endif /* resolve.h */
