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

#include <stdint.h>
#include "nic/address.h"
#include "nic/overlay.h"

/* Resolves the tuple for connections from RDMA-enabled 'port' of 'bridge'
 * to 'dst', with inner source IP 'src_ip' (may be null), with outer DSCP
 * 'dscp'. */
int ro_resolve(const char *bridge, const char *port, const struct ro_dst *,
               const struct in6_addr *src_ip, uint8_t dscp,
               struct ro_tuple *, char **errorp);

/* Registers rdma-overlay/resolve and rdma-overlay/bench-resolve, which
 * resolve with the DSCP last given to ro_resolve_set_dscp(). */
void ro_resolve_init(void);
void ro_resolve_set_dscp(uint8_t dscp);
void ro_resolve_run(void);
void ro_resolve_wait(void);
void ro_resolve_exit(void);

#endif /* resolve.h */
