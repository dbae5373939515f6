/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_RX_VERDICT_H
#define RDMA_OVERLAY_RX_VERDICT_H 1

/* Where the bridge would deliver a RoCEv2 frame the NIC received.
 *
 * The passive side of a connection must not keep a table of its own about
 * which DCN a packet belongs to: it asks Open vSwitch's translation, for
 * the decapsulated packet as it would arrive on the tunnel port with its
 * tunnel metadata (VNI, outer addresses), which port it goes to -- the
 * same verdict the datapath would reach after tnl_pop.
 *
 * Main thread only. */

#include "openvswitch/types.h"

struct roce_frame;

int ro_rx_deliver(const struct roce_frame *, odp_port_t in_port,
                  char **bridgep, char **portp, char **errorp);

#endif /* ovs/rx-verdict.h */
