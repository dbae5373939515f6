/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_CONN_NEIGH_H
#define RDMA_OVERLAY_CONN_NEIGH_H 1

/* The neighbor table of the DCN ports: which inner MAC an IP address has,
 * as seen from one RDMA-enabled port.  It is per port, never bridge-wide,
 * because tenants reuse IP addresses: 10.0.0.2 behind tenant A's port is
 * not 10.0.0.2 behind tenant B's.
 *
 * Entries are static (added by an operator with rdma-overlay/neigh-add)
 * or learned; learned entries age out after RO_NEIGH_AGE_MS.
 *
 * Main thread only. */

#include <netinet/in.h>
#include <stdbool.h>
#include "openvswitch/types.h"

struct ds;

#define RO_NEIGH_AGE_MS (300 * 1000)

bool ro_neigh_lookup(const char *port, const struct in6_addr *ip,
                     struct eth_addr *mac);
void ro_neigh_add(const char *port, const struct in6_addr *ip,
                  struct eth_addr mac, bool is_static);
bool ro_neigh_del(const char *port, const struct in6_addr *ip);
void ro_neigh_flush_port(const char *port);
void ro_neigh_run(void);
void ro_neigh_format(struct ds *);
size_t ro_neigh_count(void);

#endif /* conn/neigh.h */
