/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_SOFT_DP_H
#define RDMA_OVERLAY_SOFT_DP_H 1

/* The soft provider's data path: the RoCEv2 engine and how frames reach it
 * and leave it.
 *
 * Receive.  dpif-netdev's receive hook (ovs-patches/0003) hands every
 * received batch, in the thread that polls the port, to soft_dp_rx_hook(),
 * which claims the frames that are RoCEv2 for this NIC -- outer UDP to a
 * local VTEP (Open vSwitch's own tunnel port map decides "local") whose
 * inner packet is UDP 4791, or plain RoCEv2 to an address of a DCN port
 * that is not on an overlay (soft_dp_set_plain_addrs()) -- and leaves
 * everything else in the batch.
 * Claimed frames go on a bounded queue protected by a mutex (the only lock
 * a polling thread takes, held for a list append), and the main thread's
 * soft_dp_run() feeds them to the engine.  The engine is single-threaded
 * and runs only on the main thread; frames are never processed inside
 * the hook because the datapath holds its non-PMD mutex there and the
 * engine's replies go back through the datapath.
 *
 * Transmit.  Every template carries an egress id (roce_encap's 'egress')
 * naming an entry of the egress table: a datapath and the output port the
 * resolver chose.  The engine's frames, already encapsulated, leave with
 * dpif_execute() and a single output action: no per-packet translation.
 *
 * Main thread only, except soft_dp_rx_hook(). */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "openvswitch/types.h"

struct ds;
struct roce_engine;
struct soft_dp;

struct soft_dp *soft_dp_create(void);
void soft_dp_destroy(struct soft_dp *);
struct roce_engine *soft_dp_engine(struct soft_dp *);

/* The egress of frames for a DCN of this host: the NIC delivers them to
 * itself, as an RNIC's embedded switch would. */
#define SOFT_DP_EGRESS_LOCAL UINT32_MAX

uint32_t soft_dp_egress_ref(struct soft_dp *, const char *dp_type,
                            const char *dp_name, odp_port_t port);
void soft_dp_egress_unref(struct soft_dp *, uint32_t egress);

void soft_dp_set_plain_addrs(struct soft_dp *, const struct in6_addr *,
                             size_t n);
odp_port_t soft_dp_rx_port(const struct soft_dp *);

void soft_dp_run(struct soft_dp *);
void soft_dp_wait(struct soft_dp *);
void soft_dp_format_stats(const struct soft_dp *, struct ds *);

#endif /* nic/soft/soft-dp.h */
