/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_MAPPING_H
#define RDMA_OVERLAY_MAPPING_H 1

/* The MAC->VTEP mapping table exported to the NIC provider instance.
 *
 * Candidate destination MACs of a bridge come from its MAC learning table,
 * from OpenFlow flows that match an exact unicast dl_dst, and from static
 * entries (rdma-overlay/add-mapping).  For every RDMA-enabled port of the
 * bridge and every candidate, Open vSwitch's own translation of a synthetic
 * RoCEv2 flow decides: exactly one tnl_push and nothing else is a mapping,
 * anything else is none.  Main thread only. */

#include <stdbool.h>
#include "nic/overlay.h"

struct rdma_nic;

void ro_mapping_table_init(void);
void ro_mapping_table_run(struct rdma_nic *);
void ro_mapping_table_wait(void);
void ro_mapping_table_invalidate(void);
void ro_mapping_table_revalidate_now(struct rdma_nic *);
void ro_mapping_table_reconfigure(struct rdma_nic *);
void ro_mapping_table_clear(struct rdma_nic *);
void ro_mapping_table_replay(struct rdma_nic *old, struct rdma_nic *new);

bool ro_mapping_static_find_ip(const char *bridge, const struct in6_addr *ip,
                               struct eth_addr *mac);

#endif /* mapping.h */
