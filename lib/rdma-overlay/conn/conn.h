/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_CONN_H
#define RDMA_OVERLAY_CONN_H 1

/* The connection manager (DESIGN.md §5): rdma_cm semantics for the DCNs
 * on IB CM MADs over QP1 (with the Annex A11 IP CM header), every
 * connection's overlay tuple resolved through the bridge.
 *
 *   - resolve_addr: the destination's inner MAC from the port's neighbor
 *     table (conn/neigh.h), then the tuple from Open vSwitch's translation
 *     of the DCN's flow (ovs/resolve.h);
 *   - connect: the tuple programmed into the NIC, the DCN's QP bound to
 *     it, a REQ sent to the peer's QP1 encapsulated with it;
 *   - passive side: a REQ is accepted only if Open vSwitch's translation
 *     of the decapsulated frame, arriving on the tunnel port with its
 *     tunnel metadata, delivers it to the port of a DCN listening on the
 *     service and address; the reply path is resolved from that port
 *     and must lead back to the VTEP the REQ came from;
 *   - accept: REP back, RTU completes it; reject, disconnect, timeouts
 *     and a DCN's exit map to the IBTA REJ reasons, DREQ/DREP and the
 *     rdma_cm events.
 *
 * Main thread only. */

#include <stddef.h>
#include <stdint.h>

struct conn_mgr;
struct dcn_server;
struct ds;
struct rdma_nic;

struct conn_mgr *conn_mgr_create(struct dcn_server *, struct rdma_nic *);
void conn_mgr_destroy(struct conn_mgr *);
void conn_mgr_set_dscp(struct conn_mgr *, uint8_t dscp);
void conn_mgr_run(struct conn_mgr *);
void conn_mgr_reconfigured(struct conn_mgr *);
void conn_mgr_wait(struct conn_mgr *);
void conn_mgr_format(const struct conn_mgr *, struct ds *);
size_t conn_mgr_n_ids(const struct conn_mgr *);

#endif /* conn/conn.h */
