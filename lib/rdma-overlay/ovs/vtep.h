/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_VTEP_H
#define RDMA_OVERLAY_VTEP_H 1

/* The exported VTEP table: every VXLAN and Geneve OpenFlow tunnel port of
 * every bridge, as configured, kept in sync with the NIC provider instance
 * by individual adds and deletes.  Main thread only. */

#include <stdbool.h>
#include <stddef.h>
#include "nic/overlay.h"

struct ds;
struct rdma_nic;

void ro_vtep_table_init(void);
bool ro_vtep_table_refresh(struct rdma_nic *);
void ro_vtep_table_clear(struct rdma_nic *);
void ro_vtep_table_replay(struct rdma_nic *old, struct rdma_nic *new);

const struct ro_vtep *ro_vtep_find(const char *bridge, const char *port);
size_t ro_vtep_count_bridge(const char *bridge);
size_t ro_vtep_get_all(const struct ro_vtep ***vtepsp);
const struct ro_vtep *ro_vtep_match_push(const char *bridge,
                                         enum roce_tnl_type,
                                         uint16_t dst_port,
                                         const struct in6_addr *remote_ip,
                                         uint32_t vni);
void ro_vtep_table_format(struct ds *);

#endif /* vtep.h */
