/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_DCN_SERVER_H
#define RDMA_OVERLAY_DCN_SERVER_H 1

/* The DCN channel server: one unix socket per RDMA-enabled port, one
 * session per process attached to it, and the session's verbs objects
 * (PDs, MRs, CQs, QPs, event channels) in the software RNIC's engine.
 *
 * A session's identity is the port whose socket it connected to and its
 * SO_PEERCRED credentials; nothing a DCN sends changes that.  The queues
 * live in memory shared with the DCN (client/dcn-abi.h).
 *
 * Threading: main thread only (the engine is single-threaded). */

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "openvswitch/types.h"

struct dcn_request;
struct dcn_server;
struct dcn_session;
struct dcn_qp;
struct ds;
struct ovsrdma_event;
struct roce_engine;
struct roce_qp;

#define DCN_MAX_IPS 8

/* What the host decides about a port's DCNs. */
struct dcn_port_config {
    const char *bridge;
    const char *port;
    struct eth_addr mac;            /* The DCNs' inner MAC. */
    struct in6_addr ips[DCN_MAX_IPS]; /* Their IPs (IPv4-mapped). */
    size_t n_ips;
    bool overlay;                   /* Port is on a VXLAN/Geneve overlay. */
    int mtu;                        /* Inner IP MTU of the port. */
    unsigned int socket_mode;       /* Permissions of the socket file. */
};

/* The connection manager's hooks (conn/ registers them). */
struct dcn_cm_ops {
    /* Handles CM request 'req' of 'session'; for CM_CREATE_ID stores the
     * new ID's handle in '*handle'.  Returns 0 or a positive errno. */
    int (*request)(void *aux, struct dcn_session *,
                   const struct dcn_request *req, uint32_t *handle);

    /* 'session' is going away (its process exited or misbehaved): release
     * its connections.  Its QPs still exist during the call. */
    void (*session_closing)(void *aux, struct dcn_session *);

    /* 'qp' of 'session' is about to be destroyed. */
    void (*qp_destroying)(void *aux, struct dcn_session *, struct dcn_qp *);
};

struct dcn_server *dcn_server_create(struct roce_engine *);
void dcn_server_destroy(struct dcn_server *);
void dcn_server_set_cm_ops(struct dcn_server *, const struct dcn_cm_ops *,
                           void *aux);
void dcn_server_run(struct dcn_server *);
void dcn_server_wait(struct dcn_server *);

int dcn_port_add(struct dcn_server *, const struct dcn_port_config *,
                 char **errorp);
int dcn_port_update(struct dcn_server *, const struct dcn_port_config *);
void dcn_port_remove(struct dcn_server *, const char *port);
const char *dcn_port_socket_path(const struct dcn_server *,
                                 const char *port);

/* Sessions and their objects, for the connection manager. */
const struct dcn_port_config *dcn_session_port(const struct dcn_session *);
pid_t dcn_session_pid(const struct dcn_session *);
uint32_t dcn_session_id(const struct dcn_session *);
bool dcn_session_removed(const struct dcn_session *);
bool dcn_session_has_ip(const struct dcn_session *, const struct in6_addr *);
struct dcn_qp *dcn_session_find_qp(struct dcn_session *, uint32_t handle);
bool dcn_session_has_channel(struct dcn_session *, uint32_t handle);
int dcn_session_post_event(struct dcn_session *, uint32_t channel,
                           const struct ovsrdma_event *);
struct roce_qp *dcn_qp_roce(const struct dcn_qp *);
uint32_t dcn_qp_handle(const struct dcn_qp *);
uint32_t dcn_qp_cm_id(const struct dcn_qp *);
struct roce_engine *dcn_server_engine(const struct dcn_server *);

void dcn_server_format(const struct dcn_server *, struct ds *);
void dcn_server_format_qps(const struct dcn_server *, struct ds *);
size_t dcn_server_n_sessions(const struct dcn_server *);

#endif /* dcn/server.h */
