/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>
#include "conn/conn.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "conn/neigh.h"
#include "coverage.h"
#include "dcn/msg.h"
#include "dcn/server.h"
#include "hash.h"
#include "netdev.h"
#include "nic/nic.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovs/bridge-watch.h"
#include "ovs/resolve.h"
#include "ovs/rx-verdict.h"
#include "packets.h"
#include "random.h"
#include "roce/cm-ip.h"
#include "roce/cm.h"
#include "roce/encap.h"
#include "roce/engine.h"
#include "roce/mad.h"
#include "roce/verbs.h"
#include "seq.h"
#include "sset.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(rdma_overlay_conn);

COVERAGE_DEFINE(rdma_conn_req_undelivered);
COVERAGE_DEFINE(rdma_conn_mad_tuple_mismatch);
COVERAGE_DEFINE(rdma_conn_established);
COVERAGE_DEFINE(rdma_conn_revalidate);
COVERAGE_DEFINE(rdma_conn_rebind);
COVERAGE_DEFINE(rdma_conn_unreachable);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* CM ID handles live in the DCN's handle space next to its verbs objects;
 * this bit keeps the two apart, so a confused DCN cannot pass one for the
 * other. */
#define CONN_HANDLE_BIT 0x40000000u

/* How often a REQ or REP is sent again before the connection is reported
 * unreachable. */
#define CONN_CM_RETRIES 5

/* QP1 receive buffers: GRH + MAD each. */
#define N_GSI_RECV 64
#define GSI_BUF_SIZE (ROCE_GRH_LEN + ROCE_MAD_SIZE)

/* IBTA CM attribute IDs that the MAD demultiplexing looks at. */
#define CM_ATTR_REQ 0x0010

enum conn_state {
    CONN_IDLE,
    CONN_BOUND,
    CONN_ADDR_QUERY,              /* Waiting for a tunnel neighbor. */
    CONN_ADDR_RESOLVED,
    CONN_ROUTE_RESOLVED,
    CONN_LISTEN,
    CONN_CONNECT,                 /* REQ sent. */
    CONN_REQ_RCVD,                /* Passive: waiting for the DCN. */
    CONN_ACCEPTING,               /* REP sent. */
    CONN_ESTABLISHED,
    CONN_DISCONNECTING,
    CONN_DISCONNECTED,
};

static const char *const state_names[] = {
    [CONN_IDLE] = "idle", [CONN_BOUND] = "bound",
    [CONN_ADDR_QUERY] = "addr-query", [CONN_ADDR_RESOLVED] = "addr-resolved",
    [CONN_ROUTE_RESOLVED] = "route-resolved", [CONN_LISTEN] = "listen",
    [CONN_CONNECT] = "connect", [CONN_REQ_RCVD] = "req-rcvd",
    [CONN_ACCEPTING] = "accepting", [CONN_ESTABLISHED] = "established",
    [CONN_DISCONNECTING] = "disconnecting",
    [CONN_DISCONNECTED] = "disconnected",
};

/* One rdma_cm ID of a DCN. */
struct conn {
    struct hmap_node node;          /* In mgr->conns, by handle. */
    struct conn_mgr *mgr;
    struct dcn_session *session;    /* NULL while a passive ID is not yet
                                     * handed to a listener. */
    uint32_t handle;
    uint32_t channel;
    uint16_t ps;
    enum conn_state state;

    /* Addresses (IPv4-mapped for IPv4). */
    struct in6_addr src_ip, dst_ip;
    uint16_t src_port, dst_port;
    bool bound_ip;                  /* src_ip chosen by bind_addr. */

    /* Address resolution in progress (CONN_ADDR_QUERY). */
    long long int resolve_deadline;
    uint64_t resolve_seq;
    struct eth_addr dst_mac;

    /* The connection's path, as programmed into the NIC. */
    struct ro_tuple tuple;
    bool has_tuple;
    uint32_t nic_conn;              /* 0: not programmed. */
    struct roce_ah *ah;             /* To the peer's QP1. */
    struct roce_rx_tuple rx;        /* What the peer's frames carry. */

    struct roce_cm_id *cm_id;
    uint32_t qp_handle;             /* The DCN's QP, 0 if none. */
    uint32_t qpn;
    uint32_t psn;
    enum roce_mtu mtu;
    struct conn *listener;          /* Passive: the listening ID. */
    char *rx_port;                  /* Passive: the port the bridge
                                     * delivered the REQ to. */
    uint64_t service_id;            /* Listeners. */
    uint8_t responder_resources;    /* Negotiated. */
    uint8_t initiator_depth;
};

/* One IB CM listener per service ID, shared by every DCN listening on it:
 * the DCN a REQ is for is decided by where the bridge delivers it. */
struct service {
    struct hmap_node node;
    uint64_t sid;
    struct roce_cm_id *cm_id;
    size_t n_listeners;
};

/* What the NIC saw of a MAD received on QP1, kept until the MAD's
 * completion is polled. */
struct gsi_slot {
    bool valid;
    struct roce_frame frame;    /* Pointers into the frame cleared. */
    odp_port_t rx_port;         /* Where it entered the datapath. */
};

struct conn_mgr {
    struct dcn_server *server;
    struct rdma_nic *nic;
    struct roce_engine *engine;
    struct roce_cm *cm;
    uint8_t dscp;

    struct roce_pd *gsi_pd;
    struct roce_cq *gsi_cq;
    struct roce_qp *gsi;
    struct roce_mr *gsi_mr;
    uint8_t (*gsi_bufs)[GSI_BUF_SIZE];
    struct gsi_slot slots[N_GSI_RECV];

    struct hmap conns;
    struct hmap services;
    uint32_t next_handle;
    uint32_t next_nic_conn;

    /* The passive ID created for the REQ being fed to the CM. */
    struct conn *pending_req;

    /* Revalidation: what the live connections' paths were resolved
     * against. */
    struct ro_bridge_watches watches;
    uint64_t tnl_seq;
    bool revalidate;            /* Forced (reconfiguration). */
    uint64_t n_rebinds, n_unreachable;
};

static void conn_free(struct conn *);
static void conn_release_path(struct conn *);

static uint64_t
now_ns(void)
{
    return time_usec() * 1000;
}

static void
mapped_from_sockaddr(const struct ovsrdma_sockaddr *sa, struct in6_addr *ip)
{
    if (sa->family == AF_INET) {
        ovs_be32 v4;

        memcpy(&v4, sa->addr, 4);
        in6_addr_set_mapped_ipv4(ip, v4);
    } else {
        memcpy(ip, sa->addr, 16);
    }
}

static void
sockaddr_from_mapped(const struct in6_addr *ip, uint16_t port,
                     struct ovsrdma_sockaddr *sa)
{
    memset(sa, 0, sizeof *sa);
    sa->port = port;
    if (IN6_IS_ADDR_V4MAPPED(ip)) {
        sa->family = AF_INET;
        memcpy(sa->addr, &ip->s6_addr[12], 4);
    } else {
        sa->family = AF_INET6;
        memcpy(sa->addr, ip, 16);
    }
}

/* Addresses in the Annex A11 IP CM header: IPv4 in the last 4 bytes of
 * the 16-byte field, not IPv4-mapped. */
static void
cm_ip_put(uint8_t field[16], const struct in6_addr *ip)
{
    if (IN6_IS_ADDR_V4MAPPED(ip)) {
        roce_cm_ip_set_ipv4(field, in6_addr_get_mapped_ipv4(ip));
    } else {
        memcpy(field, ip, 16);
    }
}

static void
cm_ip_get(const struct roce_cm_ip_hdr *hdr, const uint8_t field[16],
          struct in6_addr *ip)
{
    if (hdr->ip_version == 4) {
        in6_addr_set_mapped_ipv4(ip, roce_cm_ip_get_ipv4(field));
    } else {
        memcpy(ip, field, 16);
    }
}

static struct conn *
conn_find(const struct conn_mgr *mgr, const struct dcn_session *s,
          uint32_t handle)
{
    struct conn *c;

    HMAP_FOR_EACH_WITH_HASH (c, node, hash_int(handle, 0), &mgr->conns) {
        if (c->handle == handle && c->session == s) {
            return c;
        }
    }
    return NULL;
}

static struct conn *
conn_new(struct conn_mgr *mgr, struct dcn_session *s, uint32_t channel,
         uint16_t ps)
{
    struct conn *c = xzalloc(sizeof *c);

    c->mgr = mgr;
    c->session = s;
    c->channel = channel;
    c->ps = ps;
    c->handle = CONN_HANDLE_BIT | (++mgr->next_handle & ~CONN_HANDLE_BIT);
    ro_tuple_init(&c->tuple);
    hmap_insert(&mgr->conns, &c->node, hash_int(c->handle, 0));
    return c;
}

/* ---- Events to the DCN ------------------------------------------------- */

static void
post_event(struct conn *c, enum ovsrdma_abi_cm_event_type type, int status,
           const void *pdata, size_t pdata_len, uint32_t remote_qpn)
{
    struct ovsrdma_event ev;
    struct ovsrdma_abi_cm_event *cm = &ev.u.cm;

    if (!c->session) {
        return;
    }
    memset(&ev, 0, sizeof ev);
    ev.type = OVSRDMA_EV_CM;
    ev.handle = c->handle;
    cm->event = type;
    cm->status = status;
    cm->id = c->handle;
    cm->listen_id = c->listener ? c->listener->handle : 0;
    sockaddr_from_mapped(&c->src_ip, c->src_port, &cm->src);
    sockaddr_from_mapped(&c->dst_ip, c->dst_port, &cm->dst);
    cm->param.qp_num = remote_qpn;
    cm->param.responder_resources = c->responder_resources;
    cm->param.initiator_depth = c->initiator_depth;
    if (pdata && pdata_len) {
        pdata_len = MIN(pdata_len, sizeof cm->param.private_data);
        memcpy(cm->param.private_data, pdata, pdata_len);
        cm->param.private_data_len = pdata_len;
    }
    if (dcn_session_post_event(c->session, c->channel, &ev)) {
        VLOG_WARN_RL(&rl, "DCN pid %d: CM event %d for ID %#"PRIx32" lost "
                     "(event channel full or gone)",
                     (int) dcn_session_pid(c->session), type, c->handle);
    }
}

/* ---- QP state ---------------------------------------------------------- */

static struct roce_qp *
conn_qp(const struct conn *c)
{
    struct dcn_qp *qp;

    if (!c->session || !c->qp_handle) {
        return NULL;
    }
    qp = dcn_session_find_qp(c->session, c->qp_handle);
    return qp ? dcn_qp_roce(qp) : NULL;
}

static int
qp_to_init(struct roce_qp *qp)
{
    struct roce_qp_attr a;

    memset(&a, 0, sizeof a);
    a.qp_state = ROCE_QPS_INIT;
    a.qp_access_flags = ROCE_ACCESS_ALL;
    a.port_num = 1;
    return roce_modify_qp(qp, &a, ROCE_QP_STATE | ROCE_QP_ACCESS_FLAGS
                          | ROCE_QP_PKEY_INDEX | ROCE_QP_PORT);
}

static int
qp_to_rtr(struct roce_qp *qp, uint32_t dqpn, uint32_t rq_psn,
          enum roce_mtu mtu, uint8_t max_dest_rd_atomic)
{
    struct roce_qp_init_attr ia;
    struct roce_qp_attr a;
    int error;

    /* The address vector is the one the NIC bound (qp_bind); the
     * transition must name it again. */
    error = roce_query_qp(qp, &a, ROCE_QP_AV, &ia);
    if (error || !a.encap) {
        return error ? error : EINVAL;
    }
    a.qp_state = ROCE_QPS_RTR;
    a.path_mtu = mtu;
    a.dest_qp_num = dqpn;
    a.rq_psn = rq_psn;
    a.max_dest_rd_atomic = MAX(max_dest_rd_atomic, 1);
    a.min_rnr_timer = 12;
    return roce_modify_qp(qp, &a, ROCE_QP_STATE | ROCE_QP_AV
                          | ROCE_QP_PATH_MTU | ROCE_QP_DEST_QPN
                          | ROCE_QP_RQ_PSN | ROCE_QP_MAX_DEST_RD_ATOMIC
                          | ROCE_QP_MIN_RNR_TIMER);
}

static int
qp_to_rts(struct roce_qp *qp, uint32_t sq_psn, uint8_t timeout,
          uint8_t retry, uint8_t rnr_retry, uint8_t max_rd_atomic)
{
    struct roce_qp_attr a;

    memset(&a, 0, sizeof a);
    a.qp_state = ROCE_QPS_RTS;
    a.sq_psn = sq_psn;
    a.timeout = timeout;
    a.retry_cnt = MIN(retry, 7);
    a.rnr_retry = MIN(rnr_retry, 7);
    a.max_rd_atomic = MAX(max_rd_atomic, 1);
    return roce_modify_qp(qp, &a, ROCE_QP_STATE | ROCE_QP_SQ_PSN
                          | ROCE_QP_TIMEOUT | ROCE_QP_RETRY_CNT
                          | ROCE_QP_RNR_RETRY | ROCE_QP_MAX_QP_RD_ATOMIC);
}

static void
qp_to_err(struct conn *c)
{
    struct roce_qp *qp = conn_qp(c);

    if (qp) {
        struct roce_qp_attr a = { .qp_state = ROCE_QPS_ERR };
        roce_modify_qp(qp, &a, ROCE_QP_STATE);
    }
}

/* ---- Paths ------------------------------------------------------------- */

/* Programs 'c->tuple' into the NIC and creates the AH its CM MADs use. */
static int
conn_program_path(struct conn *c)
{
    struct conn_mgr *mgr = c->mgr;
    struct roce_encap encap;
    int error;

    if (!c->nic_conn) {
        c->nic_conn = ++mgr->next_nic_conn;
        if (!c->nic_conn) {
            c->nic_conn = ++mgr->next_nic_conn;
        }
    }
    error = rdma_nic_conn_program(mgr->nic, c->nic_conn, &c->tuple);
    if (!error) {
        error = rdma_nic_conn_encap(mgr->nic, c->nic_conn, &encap, &c->rx);
    }
    if (error) {
        conn_release_path(c);
        return error;
    }
    if (c->ah) {
        roce_destroy_ah(c->ah);
    }
    c->ah = roce_create_ah(mgr->gsi_pd, &encap);
    return c->ah ? 0 : ENOMEM;
}

static void
conn_release_path(struct conn *c)
{
    struct roce_qp *qp = conn_qp(c);

    if (qp && c->nic_conn) {
        rdma_nic_qp_unbind(c->mgr->nic, roce_qp_num(qp));
    }
    if (c->ah) {
        roce_destroy_ah(c->ah);
        c->ah = NULL;
    }
    if (c->nic_conn) {
        rdma_nic_conn_unprogram(c->mgr->nic, c->nic_conn);
        c->nic_conn = 0;
    }
}

/* Binds the DCN's QP 'qp_handle' to the connection: INIT, then the NIC
 * gives it the connection's templates. */
static int
conn_bind_qp(struct conn *c, uint32_t qp_handle)
{
    struct dcn_qp *dqp = dcn_session_find_qp(c->session, qp_handle);
    struct roce_qp *qp;
    int error;

    if (!dqp || (dcn_qp_cm_id(dqp) && dcn_qp_cm_id(dqp) != c->handle)) {
        return EINVAL;
    }
    qp = dcn_qp_roce(dqp);
    if (roce_qp_get_state(qp) != ROCE_QPS_RESET
        && roce_qp_get_state(qp) != ROCE_QPS_INIT) {
        return EINVAL;
    }
    error = qp_to_init(qp);
    if (!error) {
        error = rdma_nic_qp_bind(c->mgr->nic, roce_qp_num(qp), c->nic_conn);
    }
    if (!error) {
        c->qp_handle = qp_handle;
        c->qpn = roce_qp_num(qp);
    }
    return error;
}

/* Resolves the tuple of 'c' (port -> c->dst_mac/c->dst_ip).  Returns 0,
 * EAGAIN while a tunnel neighbor is being resolved, or another errno
 * value. */
static int
conn_resolve(struct conn *c, char **errorp)
{
    const struct dcn_port_config *port = dcn_session_port(c->session);
    struct ro_dst dst = {
        .has_mac = true, .mac = c->dst_mac, .has_ip = true, .ip = c->dst_ip,
    };
    struct ro_tuple tuple;
    int error;

    error = ro_resolve(port->bridge, port->port, &dst, &c->src_ip,
                       c->mgr->dscp, &tuple, errorp);
    if (error) {
        return error;
    }
    ro_tuple_destroy(&c->tuple);
    c->tuple = tuple;
    c->has_tuple = true;
    c->mtu = MAX(roce_mtu_fit(tuple.mtu), ROCE_MTU_256);
    return 0;
}

static void
finish_resolve(struct conn *c, int error, const char *why)
{
    if (!error) {
        c->state = CONN_ADDR_RESOLVED;
        post_event(c, OVSRDMA_ABI_CM_ADDR_RESOLVED, 0, NULL, 0, 0);
    } else {
        VLOG_INFO("DCN pid %d on %s: address resolution failed: %s",
                  (int) dcn_session_pid(c->session),
                  dcn_session_port(c->session)->port, why);
        c->state = CONN_BOUND;
        post_event(c, OVSRDMA_ABI_CM_ADDR_ERROR, -error, NULL, 0, 0);
    }
}

/* ---- Requests from the DCN --------------------------------------------- */

static bool
ip_is_any(const struct in6_addr *ip)
{
    return ipv6_addr_equals(ip, &in6addr_any)
           || (IN6_IS_ADDR_V4MAPPED(ip) && !in6_addr_get_mapped_ipv4(ip));
}

/* Picks the port's first address of the family of 'dst'. */
static bool
choose_src(const struct dcn_session *s, const struct in6_addr *dst,
           struct in6_addr *src)
{
    const struct dcn_port_config *p = dcn_session_port(s);
    size_t i;

    for (i = 0; i < p->n_ips; i++) {
        if (IN6_IS_ADDR_V4MAPPED(&p->ips[i]) == IN6_IS_ADDR_V4MAPPED(dst)) {
            *src = p->ips[i];
            return true;
        }
    }
    return false;
}

static int
do_bind(struct conn *c, const struct ovsrdma_cm_addr_msg *m)
{
    struct in6_addr ip;

    if (c->state != CONN_IDLE && c->state != CONN_BOUND) {
        return EINVAL;
    }
    mapped_from_sockaddr(&m->addr, &ip);
    if (!ip_is_any(&ip)) {
        if (!dcn_session_has_ip(c->session, &ip)) {
            /* The port's addresses are the host's to give. */
            return EADDRNOTAVAIL;
        }
        c->bound_ip = true;
    }
    c->src_ip = ip;
    c->src_port = m->addr.port;
    c->state = CONN_BOUND;
    return 0;
}

static int
do_resolve_addr(struct conn *c, const struct ovsrdma_cm_addr_msg *m)
{
    const struct dcn_port_config *port = dcn_session_port(c->session);
    char *why = NULL;
    int error;

    if (c->state != CONN_IDLE && c->state != CONN_BOUND
        && c->state != CONN_ADDR_RESOLVED) {
        return EINVAL;
    }
    mapped_from_sockaddr(&m->addr, &c->dst_ip);
    c->dst_port = m->addr.port;
    if (!c->bound_ip && !choose_src(c->session, &c->dst_ip, &c->src_ip)) {
        return EADDRNOTAVAIL;
    }
    if (IN6_IS_ADDR_V4MAPPED(&c->src_ip)
        != IN6_IS_ADDR_V4MAPPED(&c->dst_ip)) {
        return EAFNOSUPPORT;
    }
    if (!ro_neigh_lookup(port->port, &c->dst_ip, &c->dst_mac)) {
        struct ds s = DS_EMPTY_INITIALIZER;

        ipv6_format_mapped(&c->dst_ip, &s);
        why = xasprintf("no neighbor entry for %s on port %s (add one with "
                        "rdma-overlay/neigh-add)", ds_cstr(&s), port->port);
        ds_destroy(&s);
        finish_resolve(c, EHOSTUNREACH, why);
        free(why);
        return 0;
    }
    c->resolve_seq = seq_read(tnl_conf_seq);
    error = conn_resolve(c, &why);
    if (error == EAGAIN) {
        /* A tunnel neighbor is being resolved: retry when it changes. */
        c->state = CONN_ADDR_QUERY;
        c->resolve_deadline = time_msec() + (m->timeout_ms
                                             ? m->timeout_ms : 2000);
    } else {
        finish_resolve(c, error, why);
    }
    free(why);
    return 0;
}

static int
do_listen(struct conn *c)
{
    struct conn_mgr *mgr = c->mgr;
    const char *port = dcn_session_port(c->session)->port;
    struct service *svc;
    struct conn *o;
    uint64_t sid;

    if (c->state != CONN_BOUND || !c->src_port) {
        return EINVAL;
    }
    sid = roce_cm_ip_service_id(c->ps, c->src_port);
    HMAP_FOR_EACH (o, node, &mgr->conns) {
        if (o->state == CONN_LISTEN && o->service_id == sid && o->session
            && !strcmp(dcn_session_port(o->session)->port, port)
            && (ip_is_any(&o->src_ip) || ip_is_any(&c->src_ip)
                || ipv6_addr_equals(&o->src_ip, &c->src_ip))) {
            return EADDRINUSE;
        }
    }
    HMAP_FOR_EACH_WITH_HASH (svc, node, hash_uint64(sid), &mgr->services) {
        if (svc->sid == sid) {
            break;
        }
    }
    if (!svc) {
        int error;

        svc = xzalloc(sizeof *svc);
        svc->sid = sid;
        svc->cm_id = roce_cm_id_create(mgr->cm, NULL);
        error = svc->cm_id ? roce_cm_listen(svc->cm_id, sid) : ENOMEM;
        if (error) {
            if (svc->cm_id) {
                roce_cm_id_destroy(svc->cm_id, now_ns());
            }
            free(svc);
            return error;
        }
        hmap_insert(&mgr->services, &svc->node, hash_uint64(sid));
    }
    svc->n_listeners++;
    c->service_id = sid;
    c->state = CONN_LISTEN;
    return 0;
}

static void
service_unref(struct conn_mgr *mgr, uint64_t sid)
{
    struct service *svc;

    HMAP_FOR_EACH_WITH_HASH (svc, node, hash_uint64(sid), &mgr->services) {
        if (svc->sid == sid) {
            if (!--svc->n_listeners) {
                roce_cm_id_destroy(svc->cm_id, now_ns());
                hmap_remove(&mgr->services, &svc->node);
                free(svc);
            }
            return;
        }
    }
}

static int
do_connect(struct conn *c, const struct ovsrdma_cm_conn_msg *m)
{
    struct conn_mgr *mgr = c->mgr;
    const struct ovsrdma_abi_conn_param *p = &m->param;
    struct roce_cm_ip_hdr ip;
    struct roce_cm_addr to;
    struct roce_cm_req req;
    const char *err;
    int error;

    if (c->state != CONN_ROUTE_RESOLVED && c->state != CONN_ADDR_RESOLVED) {
        return EINVAL;
    }
    if (p->private_data_len > ROCE_CM_IP_REQ_PDATA) {
        return EINVAL;
    }
    error = conn_program_path(c);
    if (!error) {
        error = conn_bind_qp(c, m->qp);
    }
    if (error) {
        conn_release_path(c);
        return error;
    }
    c->cm_id = roce_cm_id_create(mgr->cm, c);
    if (!c->cm_id) {
        conn_release_path(c);
        return ENOMEM;
    }
    if (!c->src_port) {
        c->src_port = 32768 + random_range(28000);
    }
    c->psn = random_uint32() & 0xffffff;
    c->responder_resources = MIN(p->responder_resources, 16);
    c->initiator_depth = MIN(p->initiator_depth, 16);

    memset(&req, 0, sizeof req);
    req.service_id = roce_cm_ip_service_id(c->ps, c->dst_port);
    req.local_qpn = c->qpn;
    req.starting_psn = c->psn;
    req.responder_resources = c->responder_resources;
    req.initiator_depth = c->initiator_depth;
    /* 4.096 us * 2^17 = 0.5 s per try, CONN_CM_RETRIES retries: a peer
     * that never answers is reported in about 3 s (librdmacm waits over a
     * minute, tuned for InfiniBand fabrics with subnet managers; an
     * overlay peer is an ARP-resolved host a few switches away). */
    req.remote_cm_response_timeout = 17;
    req.local_cm_response_timeout = 17;
    req.transport_service_type = ROCE_CM_TST_RC;
    req.retry_count = p->retry_count;
    req.rnr_retry_count = p->rnr_retry_count;
    req.pkey = ROCE_DEFAULT_PKEY;
    req.path_mtu = c->mtu;
    req.max_cm_retries = CONN_CM_RETRIES;
    req.primary.local_lid = req.primary.remote_lid = 0xffff;
    memcpy(req.primary.local_gid, &c->src_ip, 16);
    memcpy(req.primary.remote_gid, &c->dst_ip, 16);
    req.primary.hop_limit = 64;
    req.primary.traffic_class = mgr->dscp << 2;
    req.primary.local_ack_timeout = 14;

    memset(&ip, 0, sizeof ip);
    ip.ip_version = IN6_IS_ADDR_V4MAPPED(&c->src_ip) ? 4 : 6;
    ip.src_port = c->src_port;
    cm_ip_put(ip.src_ip, &c->src_ip);
    cm_ip_put(ip.dst_ip, &c->dst_ip);
    err = roce_cm_ip_hdr_encode(&ip, req.private_data,
                                sizeof req.private_data);
    if (err) {
        return EINVAL;
    }
    memcpy(req.private_data + ROCE_CM_IP_HDR_SIZE, p->private_data,
           p->private_data_len);

    memset(&to, 0, sizeof to);
    memcpy(to.gid, &c->dst_ip, 16);
    to.qpn = ROCE_GSI_QPN;
    to.cookie = c->nic_conn;
    error = roce_cm_connect(c->cm_id, now_ns(), &to, &req);
    if (error) {
        return error;
    }
    c->state = CONN_CONNECT;
    return 0;
}

static int
do_accept(struct conn *c, const struct ovsrdma_cm_conn_msg *m)
{
    const struct ovsrdma_abi_conn_param *p = &m->param;
    const struct roce_cm_req *req;
    struct roce_cm_rep rep;
    struct roce_qp *qp;
    int error;

    if (c->state != CONN_REQ_RCVD || !c->cm_id) {
        return EINVAL;
    }
    req = roce_cm_id_req(c->cm_id);
    error = conn_bind_qp(c, m->qp);
    if (error) {
        return error;
    }
    qp = conn_qp(c);
    c->psn = random_uint32() & 0xffffff;
    c->responder_resources = MIN(p->responder_resources,
                                 req->initiator_depth);
    c->initiator_depth = MIN(p->initiator_depth, req->responder_resources);
    c->mtu = MIN(c->mtu, req->path_mtu);
    error = qp_to_rtr(qp, req->local_qpn, req->starting_psn, c->mtu,
                      c->responder_resources);
    if (error) {
        return error;
    }
    memset(&rep, 0, sizeof rep);
    rep.local_qpn = c->qpn;
    rep.starting_psn = c->psn;
    rep.responder_resources = c->responder_resources;
    rep.initiator_depth = c->initiator_depth;
    rep.target_ack_delay = 8;
    rep.failover_accepted = ROCE_CM_FAILOVER_NOT_SUPPORTED;
    rep.rnr_retry_count = MIN(p->rnr_retry_count, 7);
    memcpy(rep.private_data, p->private_data,
           MIN(p->private_data_len, sizeof rep.private_data));
    error = roce_cm_accept(c->cm_id, now_ns(), &rep);
    if (!error) {
        c->state = CONN_ACCEPTING;
    }
    return error;
}

static int
do_disconnect(struct conn *c)
{
    if (c->state != CONN_ESTABLISHED && c->state != CONN_ACCEPTING
        && c->state != CONN_CONNECT) {
        return EINVAL;
    }
    /* As rdma_disconnect(): the QP flushes what it has outstanding. */
    qp_to_err(c);
    if (c->cm_id) {
        roce_cm_disconnect(c->cm_id, now_ns(), NULL, 0);
    }
    c->state = CONN_DISCONNECTING;
    return 0;
}

/* Tears down 'c' as its owner goes away, telling the peer. */
static void
conn_destroy(struct conn *c)
{
    struct conn_mgr *mgr = c->mgr;

    if (c->cm_id) {
        uint64_t now = now_ns();

        if (c->state == CONN_ESTABLISHED || c->state == CONN_ACCEPTING
            || c->state == CONN_CONNECT) {
            qp_to_err(c);
            roce_cm_disconnect(c->cm_id, now, NULL, 0);
        } else if (c->state == CONN_REQ_RCVD) {
            roce_cm_reject(c->cm_id, now, ROCE_CM_REJ_CONSUMER_DEFINED,
                           NULL, 0);
        }
        roce_cm_id_set_context(c->cm_id, NULL);
        roce_cm_id_destroy(c->cm_id, now);
        c->cm_id = NULL;
    }
    if (c->state == CONN_LISTEN) {
        service_unref(mgr, c->service_id);
    }
    conn_free(c);
}

static void
conn_free(struct conn *c)
{
    struct conn *o;

    conn_release_path(c);
    HMAP_FOR_EACH (o, node, &c->mgr->conns) {
        if (o->listener == c) {
            o->listener = NULL;
        }
    }
    if (c->mgr->pending_req == c) {
        c->mgr->pending_req = NULL;
    }
    ro_tuple_destroy(&c->tuple);
    free(c->rx_port);
    hmap_remove(&c->mgr->conns, &c->node);
    free(c);
}

static int
cm_request(void *mgr_, struct dcn_session *s, const struct dcn_request *r,
           uint32_t *handle)
{
    struct conn_mgr *mgr = mgr_;
    struct conn *c;
    uint32_t id;

    switch (r->type) {
    case OVSRDMA_MSG_CM_CREATE_ID:
        if (!dcn_session_has_channel(s, r->u.handle->handle)) {
            return EINVAL;
        }
        if (r->u.handle->arg != ROCE_RDMA_PS_TCP) {
            /* RDMA_PS_UDP needs SIDR, which comes with the standard
             * librdmacm ABI. */
            return EPROTONOSUPPORT;
        }
        c = conn_new(mgr, s, r->u.handle->handle, r->u.handle->arg);
        *handle = c->handle;
        return 0;
    case OVSRDMA_MSG_CM_BIND_ADDR:
    case OVSRDMA_MSG_CM_RESOLVE_ADDR:
        id = r->u.cm_addr->id;
        break;
    case OVSRDMA_MSG_CM_CONNECT:
    case OVSRDMA_MSG_CM_ACCEPT:
    case OVSRDMA_MSG_CM_REJECT:
        id = r->u.cm_conn->id;
        break;
    default:
        id = r->u.handle->handle;
        break;
    }
    c = conn_find(mgr, s, id);
    if (!c) {
        return EINVAL;
    }
    switch (r->type) {
    case OVSRDMA_MSG_CM_DESTROY_ID:
        conn_destroy(c);
        return 0;
    case OVSRDMA_MSG_CM_BIND_ADDR:
        return do_bind(c, r->u.cm_addr);
    case OVSRDMA_MSG_CM_RESOLVE_ADDR:
        return do_resolve_addr(c, r->u.cm_addr);
    case OVSRDMA_MSG_CM_RESOLVE_ROUTE:
        if (c->state != CONN_ADDR_RESOLVED) {
            return EINVAL;
        }
        /* The tuple already holds the route: the bridge's translation
         * chose the tunnel, the underlay route and the next hop. */
        c->state = CONN_ROUTE_RESOLVED;
        post_event(c, OVSRDMA_ABI_CM_ROUTE_RESOLVED, 0, NULL, 0, 0);
        return 0;
    case OVSRDMA_MSG_CM_LISTEN:
        return do_listen(c);
    case OVSRDMA_MSG_CM_CONNECT:
        return do_connect(c, r->u.cm_conn);
    case OVSRDMA_MSG_CM_ACCEPT:
        return do_accept(c, r->u.cm_conn);
    case OVSRDMA_MSG_CM_REJECT:
        if (c->state != CONN_REQ_RCVD || !c->cm_id) {
            return EINVAL;
        }
        c->state = CONN_DISCONNECTED;
        return roce_cm_reject(c->cm_id, now_ns(),
                              ROCE_CM_REJ_CONSUMER_DEFINED,
                              r->u.cm_conn->param.private_data,
                              r->u.cm_conn->param.private_data_len);
    case OVSRDMA_MSG_CM_DISCONNECT:
        return do_disconnect(c);
    default:
        return EINVAL;
    }
}

static void
cm_session_closing(void *mgr_, struct dcn_session *s)
{
    struct conn_mgr *mgr = mgr_;
    struct conn *c;

    HMAP_FOR_EACH_SAFE (c, node, &mgr->conns) {
        if (c->session == s) {
            if (dcn_session_removed(s)) {
                /* The DCN is still there but its device is not: tell it,
                 * as rdma_cm does when an RDMA device goes away. */
                post_event(c, OVSRDMA_ABI_CM_DEVICE_REMOVAL, 0, NULL, 0, 0);
            }
            conn_destroy(c);
        }
    }
}

static void
cm_qp_destroying(void *mgr_, struct dcn_session *s, struct dcn_qp *qp)
{
    struct conn_mgr *mgr = mgr_;
    struct conn *c;

    HMAP_FOR_EACH (c, node, &mgr->conns) {
        if (c->session == s && c->qp_handle == dcn_qp_handle(qp)) {
            if (c->nic_conn) {
                rdma_nic_qp_unbind(mgr->nic, c->qpn);
            }
            c->qp_handle = 0;
        }
    }
}

static const struct dcn_cm_ops cm_dcn_ops = {
    cm_request, cm_session_closing, cm_qp_destroying,
};

/* ---- The IB CM ---------------------------------------------------------- */

static struct conn *
conn_by_nic_conn(const struct conn_mgr *mgr, uint64_t nic_conn)
{
    struct conn *c;

    HMAP_FOR_EACH (c, node, &mgr->conns) {
        if (c->nic_conn == nic_conn && nic_conn) {
            return c;
        }
    }
    return NULL;
}

/* The CM's output: a MAD to a peer's QP1, as a UD SEND encapsulated with
 * the path of the connection it belongs to ('to->cookie'). */
static void
cm_send(void *mgr_, const struct roce_cm_addr *to, const uint8_t *mad)
{
    struct conn_mgr *mgr = mgr_;
    struct conn *c = conn_by_nic_conn(mgr, to->cookie);
    struct roce_sge sge = { .addr = (uintptr_t) mad,
                            .length = ROCE_MAD_SIZE };
    struct roce_send_wr wr, *bad;

    if (!c || !c->ah) {
        VLOG_DBG_RL(&rl, "CM MAD to a peer with no path: dropped");
        return;
    }
    memset(&wr, 0, sizeof wr);
    wr.sg_list = &sge;
    wr.num_sge = 1;
    wr.opcode = ROCE_WR_SEND;
    wr.send_flags = ROCE_SEND_INLINE;
    wr.wr.ud.ah = c->ah;
    wr.wr.ud.remote_qpn = to->qpn;
    wr.wr.ud.remote_qkey = ROCE_GSI_QKEY;
    roce_post_send(mgr->gsi, &wr, &bad);
}

static void
handle_req_received(struct conn_mgr *mgr, const struct roce_cm_event *ev)
{
    struct conn *c = mgr->pending_req;
    const struct roce_cm_req *req = &ev->msg->u.req;
    const struct dcn_port_config *port;
    struct roce_cm_ip_hdr ip;
    struct in6_addr dst_ip;
    struct conn *l, *listener = NULL;

    mgr->pending_req = NULL;
    if (!c || roce_cm_ip_hdr_decode(req->private_data, ROCE_CM_REQ_PDATA,
                                    &ip)) {
        roce_cm_reject(ev->id, now_ns(), ROCE_CM_REJ_INVALID_SERVICE_ID,
                       NULL, 0);
        roce_cm_id_destroy(ev->id, now_ns());
        if (c) {
            conn_free(c);
        }
        return;
    }
    cm_ip_get(&ip, ip.dst_ip, &dst_ip);
    HMAP_FOR_EACH (l, node, &mgr->conns) {
        if (l->state != CONN_LISTEN || l->service_id != req->service_id
            || !l->session) {
            continue;
        }
        port = dcn_session_port(l->session);
        if (strcmp(port->port, c->rx_port ? c->rx_port : "")
            || !dcn_session_has_ip(l->session, &dst_ip)
            || (!ip_is_any(&l->src_ip)
                && !ipv6_addr_equals(&l->src_ip, &dst_ip))) {
            continue;
        }
        listener = l;
        break;
    }
    if (!listener) {
        VLOG_INFO_RL(&rl, "REQ for service %#"PRIx64" delivered to port %s "
                     "has no listener there: rejected", req->service_id,
                     c->rx_port ? c->rx_port : "-");
        roce_cm_reject(ev->id, now_ns(), ROCE_CM_REJ_INVALID_SERVICE_ID,
                       NULL, 0);
        roce_cm_id_destroy(ev->id, now_ns());
        conn_free(c);
        return;
    }
    c->session = listener->session;
    c->listener = listener;
    c->channel = listener->channel;
    c->ps = listener->ps;
    c->src_ip = dst_ip;
    c->src_port = listener->src_port;
    cm_ip_get(&ip, ip.src_ip, &c->dst_ip);
    c->dst_port = ip.src_port;
    c->cm_id = ev->id;
    c->responder_resources = req->responder_resources;
    c->initiator_depth = req->initiator_depth;
    roce_cm_id_set_context(ev->id, c);
    c->state = CONN_REQ_RCVD;
    post_event(c, OVSRDMA_ABI_CM_CONNECT_REQUEST, 0,
               req->private_data + ROCE_CM_IP_HDR_SIZE, ROCE_CM_IP_REQ_PDATA,
               req->local_qpn);
}

static void
cm_event(void *mgr_, const struct roce_cm_event *ev)
{
    struct conn_mgr *mgr = mgr_;
    struct conn *c = roce_cm_id_context(ev->id);
    uint64_t now = now_ns();
    struct roce_qp *qp;

    if (ev->type == ROCE_CM_EV_REQ_RECEIVED) {
        handle_req_received(mgr, ev);
        return;
    }
    if (!c) {
        /* The DCN already destroyed its ID. */
        return;
    }
    qp = conn_qp(c);
    switch (ev->type) {
    case ROCE_CM_EV_REP_RECEIVED: {
        const struct roce_cm_rep *rep = &ev->msg->u.rep;
        const struct roce_cm_req *req = roce_cm_id_req(ev->id);
        int error = qp ? 0 : ENOENT;

        if (!error) {
            error = qp_to_rtr(qp, rep->local_qpn, rep->starting_psn,
                              req->path_mtu, req->responder_resources);
        }
        if (!error) {
            error = qp_to_rts(qp, c->psn, req->primary.local_ack_timeout,
                              req->retry_count, rep->rnr_retry_count,
                              MIN(c->initiator_depth,
                                  rep->responder_resources));
        }
        if (error) {
            roce_cm_reject(ev->id, now, ROCE_CM_REJ_CONSUMER_DEFINED, NULL,
                           0);
            c->state = CONN_DISCONNECTED;
            post_event(c, OVSRDMA_ABI_CM_CONNECT_ERROR, -error, NULL, 0,
                       0);
            return;
        }
        c->responder_resources = rep->initiator_depth;
        c->initiator_depth = rep->responder_resources;
        /* Keep the REP's private data for the ESTABLISHED event. */
        roce_cm_send_rtu(ev->id, now, NULL, 0);
        break;
    }
    case ROCE_CM_EV_ESTABLISHED:
        if (c->state == CONN_ACCEPTING) {
            const struct roce_cm_req *req = roce_cm_id_req(ev->id);
            int error = qp ? qp_to_rts(qp, c->psn,
                                       req->primary.local_ack_timeout,
                                       req->retry_count,
                                       req->rnr_retry_count,
                                       c->initiator_depth) : ENOENT;
            if (error) {
                do_disconnect(c);
                post_event(c, OVSRDMA_ABI_CM_CONNECT_ERROR, -error, NULL,
                           0, 0);
                return;
            }
            c->state = CONN_ESTABLISHED;
            post_event(c, OVSRDMA_ABI_CM_ESTABLISHED, 0, NULL, 0,
                       req->local_qpn);
        } else if (c->state == CONN_CONNECT) {
            const struct roce_cm_rep *rep = roce_cm_id_rep(ev->id);

            c->state = CONN_ESTABLISHED;
            post_event(c, OVSRDMA_ABI_CM_ESTABLISHED, 0,
                       rep ? rep->private_data : NULL,
                       rep ? ROCE_CM_REP_PDATA : 0,
                       rep ? rep->local_qpn : 0);
        }
        COVERAGE_INC(rdma_conn_established);
        break;
    case ROCE_CM_EV_REJ_RECEIVED: {
        const struct roce_cm_rej *rej = &ev->msg->u.rej;

        c->state = CONN_DISCONNECTED;
        post_event(c, OVSRDMA_ABI_CM_REJECTED, rej->reason,
                   rej->private_data, ROCE_CM_REJ_PDATA, 0);
        break;
    }
    case ROCE_CM_EV_TIMEOUT:
        if (c->state == CONN_CONNECT) {
            c->state = CONN_DISCONNECTED;
            post_event(c, OVSRDMA_ABI_CM_UNREACHABLE, -ETIMEDOUT, NULL, 0,
                       0);
        } else if (c->state == CONN_ACCEPTING) {
            c->state = CONN_DISCONNECTED;
            qp_to_err(c);
            post_event(c, OVSRDMA_ABI_CM_CONNECT_ERROR, -ETIMEDOUT, NULL,
                       0, 0);
        } else if (c->state == CONN_DISCONNECTING) {
            c->state = CONN_DISCONNECTED;
            post_event(c, OVSRDMA_ABI_CM_DISCONNECTED, 0, NULL, 0, 0);
        }
        break;
    case ROCE_CM_EV_DREQ_RECEIVED:
        qp_to_err(c);
        roce_cm_send_drep(ev->id, now, NULL, 0);
        if (c->state != CONN_DISCONNECTED) {
            c->state = CONN_DISCONNECTED;
            post_event(c, OVSRDMA_ABI_CM_DISCONNECTED, 0, NULL, 0, 0);
        }
        break;
    case ROCE_CM_EV_DISCONNECTED:
        if (c->state != CONN_DISCONNECTED) {
            c->state = CONN_DISCONNECTED;
            post_event(c, OVSRDMA_ABI_CM_DISCONNECTED, 0, NULL, 0, 0);
        }
        break;
    case ROCE_CM_EV_MRA_RECEIVED:
    case ROCE_CM_EV_TIMEWAIT_EXIT:
    case ROCE_CM_EV_REQ_RECEIVED:
    default:
        break;
    }
}

static const struct roce_cm_ops cm_roce_ops = { cm_send, cm_event };

/* ---- QP1 ---------------------------------------------------------------- */

static void
gsi_post_recv(struct conn_mgr *mgr, uint32_t slot)
{
    struct roce_sge sge = {
        .addr = (uintptr_t) mgr->gsi_bufs[slot], .length = GSI_BUF_SIZE,
        .lkey = roce_mr_lkey(mgr->gsi_mr),
    };
    struct roce_recv_wr wr = { .wr_id = slot, .sg_list = &sge,
                               .num_sge = 1 };
    struct roce_recv_wr *bad;

    mgr->slots[slot].valid = false;
    roce_post_recv(mgr->gsi, &wr, &bad);
}

/* Called by the engine when a MAD lands in QP1 buffer 'wr_id': remembers
 * what the frame looked like outside the MAD (its overlay and inner
 * headers), which only the NIC sees. */
static void
gsi_rx_hook(struct roce_qp *qp OVS_UNUSED, const struct roce_frame *f,
            uint64_t wr_id, void *mgr_)
{
    struct conn_mgr *mgr = mgr_;

    if (wr_id < N_GSI_RECV) {
        struct roce_frame *copy = &mgr->slots[wr_id].frame;

        *copy = *f;
        copy->geneve_opts = NULL;
        copy->bth = NULL;
        copy->payload = NULL;
        memset(copy->ext, 0, sizeof copy->ext);
        mgr->slots[wr_id].rx_port = rdma_nic_rx_port(mgr->nic);
        mgr->slots[wr_id].valid = true;
    }
}

/* Creates the passive ID for a REQ that arrived as 'pkt': the bridge's
 * translation of the packet must deliver it to an RDMA-enabled port, and
 * the path back from that port to the sender must leave through the VTEP
 * the REQ came from. */
static struct conn *
passive_prepare(struct conn_mgr *mgr, const struct roce_frame *f,
                odp_port_t rx_port)
{
    char *bridge = NULL, *port = NULL, *why = NULL;
    struct ro_dst dst;
    struct conn *c;
    int error;

    error = ro_rx_deliver(f, rx_port, &bridge, &port, &why);
    if (error) {
        COVERAGE_INC(rdma_conn_req_undelivered);
        VLOG_INFO_RL(&rl, "REQ not delivered to any RDMA-enabled port: %s",
                     why);
        free(why);
        return NULL;
    }
    memset(&dst, 0, sizeof dst);
    dst.has_mac = true;
    memcpy(dst.mac.ea, f->inner.eth_src, ETH_ADDR_LEN);
    dst.has_ip = true;
    dst.ip = f->inner.ip_src;

    c = conn_new(mgr, NULL, 0, 0);
    c->dst_mac = dst.mac;
    c->dst_ip = dst.ip;
    c->src_ip = f->inner.ip_dst;
    c->rx_port = port;
    port = NULL;
    error = ro_resolve(bridge, c->rx_port, &dst, &f->inner.ip_dst,
                       mgr->dscp, &c->tuple, &why);
    if (!error) {
        c->has_tuple = true;
        c->mtu = MAX(roce_mtu_fit(c->tuple.mtu), ROCE_MTU_256);
        error = conn_program_path(c);
    }
    if (!error && !roce_rx_tuple_match(&c->rx, f)) {
        why = xasprintf("the path back from %s does not lead to the VTEP "
                        "the REQ came from", c->rx_port);
        error = EHOSTUNREACH;
    }
    if (error) {
        VLOG_INFO_RL(&rl, "REQ delivered to %s: no path back: %s",
                     c->rx_port, why ? why : ovs_strerror(error));
        conn_free(c);
        c = NULL;
    }
    free(why);
    free(bridge);
    free(port);
    return c;
}

/* Checks a MAD that is not a REQ against the path of the connection it
 * names, so that a forged REP, RTU or DREQ from outside that path cannot
 * touch the connection. */
static bool
mad_matches_conn(struct conn_mgr *mgr, const struct roce_frame *f,
                 const uint8_t *mad)
{
    uint32_t remote_comm = (uint32_t) mad[28] << 24 | mad[29] << 16
                           | mad[30] << 8 | mad[31];
    struct conn *c;

    HMAP_FOR_EACH (c, node, &mgr->conns) {
        if (c->cm_id && roce_cm_id_local_comm_id(c->cm_id) == remote_comm) {
            return roce_rx_tuple_match(&c->rx, f);
        }
    }
    return true;                /* Unknown: the CM ignores it. */
}

static void
gsi_input(struct conn_mgr *mgr, uint32_t slot, uint32_t byte_len,
          uint32_t src_qp)
{
    const uint8_t *mad = mgr->gsi_bufs[slot] + ROCE_GRH_LEN;
    struct gsi_slot *s = &mgr->slots[slot];
    struct roce_cm_addr from;
    uint16_t attr;

    if (!s->valid || byte_len < GSI_BUF_SIZE) {
        return;
    }
    memset(&from, 0, sizeof from);
    memcpy(from.gid, &s->frame.inner.ip_src, 16);
    from.qpn = src_qp;
    attr = mad[16] << 8 | mad[17];
    if (mad[1] != ROCE_MAD_MGMT_CLASS_CM) {
        return;
    }
    if (attr == CM_ATTR_REQ) {
        struct conn *c = passive_prepare(mgr, &s->frame, s->rx_port);

        if (!c) {
            return;
        }
        from.cookie = c->nic_conn;
        mgr->pending_req = c;
        roce_cm_input(mgr->cm, now_ns(), &from, mad, ROCE_MAD_SIZE);
        if (mgr->pending_req == c) {
            /* A retransmitted REQ, or one the CM refused by itself. */
            mgr->pending_req = NULL;
            conn_free(c);
        }
    } else if (mad_matches_conn(mgr, &s->frame, mad)) {
        roce_cm_input(mgr->cm, now_ns(), &from, mad, ROCE_MAD_SIZE);
    } else {
        COVERAGE_INC(rdma_conn_mad_tuple_mismatch);
    }
}

static void
gsi_poll(struct conn_mgr *mgr)
{
    struct roce_wc wc[16];
    int n, i;

    while ((n = roce_poll_cq(mgr->gsi_cq, ARRAY_SIZE(wc), wc)) > 0) {
        for (i = 0; i < n; i++) {
            if (wc[i].opcode != ROCE_WC_RECV) {
                continue;
            }
            if (wc[i].status == ROCE_WC_SUCCESS && wc[i].wr_id < N_GSI_RECV) {
                gsi_input(mgr, wc[i].wr_id, wc[i].byte_len, wc[i].src_qp);
            }
            if (wc[i].wr_id < N_GSI_RECV) {
                gsi_post_recv(mgr, wc[i].wr_id);
            }
        }
    }
}

static int
gsi_init(struct conn_mgr *mgr)
{
    struct roce_qp_init_attr ia;
    struct roce_qp_attr a;
    uint32_t i;

    mgr->gsi_pd = roce_alloc_pd(mgr->engine);
    mgr->gsi_cq = roce_create_cq(mgr->engine, 4 * N_GSI_RECV, NULL);
    if (!mgr->gsi_pd || !mgr->gsi_cq) {
        return ENOMEM;
    }
    memset(&ia, 0, sizeof ia);
    ia.send_cq = ia.recv_cq = mgr->gsi_cq;
    ia.qp_type = ROCE_QPT_GSI;
    ia.cap.max_send_wr = 2 * N_GSI_RECV;
    ia.cap.max_recv_wr = N_GSI_RECV;
    ia.cap.max_send_sge = ia.cap.max_recv_sge = 1;
    ia.cap.max_inline_data = ROCE_MAD_SIZE;
    mgr->gsi = roce_create_qp(mgr->gsi_pd, &ia);
    if (!mgr->gsi) {
        return errno;
    }
    memset(&a, 0, sizeof a);
    a.qp_state = ROCE_QPS_INIT;
    a.qkey = ROCE_GSI_QKEY;
    a.port_num = 1;
    if (roce_modify_qp(mgr->gsi, &a, ROCE_QP_STATE | ROCE_QP_QKEY
                       | ROCE_QP_PKEY_INDEX | ROCE_QP_PORT)) {
        return EINVAL;
    }
    a.qp_state = ROCE_QPS_RTR;
    roce_modify_qp(mgr->gsi, &a, ROCE_QP_STATE);
    a.qp_state = ROCE_QPS_RTS;
    a.sq_psn = 0;
    roce_modify_qp(mgr->gsi, &a, ROCE_QP_STATE | ROCE_QP_SQ_PSN);
    roce_qp_set_ud_rx_hook(mgr->gsi, gsi_rx_hook, mgr);

    mgr->gsi_bufs = xzalloc(N_GSI_RECV * GSI_BUF_SIZE);
    mgr->gsi_mr = roce_reg_mr(mgr->gsi_pd, mgr->gsi_bufs,
                              N_GSI_RECV * GSI_BUF_SIZE,
                              ROCE_ACCESS_LOCAL_WRITE);
    if (!mgr->gsi_mr) {
        return ENOMEM;
    }
    for (i = 0; i < N_GSI_RECV; i++) {
        gsi_post_recv(mgr, i);
    }
    return 0;
}

/* ---- Module ------------------------------------------------------------- */

/* Creates the connection manager for the DCNs of 'server', on 'nic', which
 * must run a software engine (its QP1 carries the CM). */
struct conn_mgr *
conn_mgr_create(struct dcn_server *server, struct rdma_nic *nic)
{
    struct conn_mgr *mgr = xzalloc(sizeof *mgr);
    struct roce_cm_config cfg;

    mgr->server = server;
    mgr->nic = nic;
    mgr->engine = dcn_server_engine(server);
    mgr->dscp = 26;
    hmap_init(&mgr->conns);
    hmap_init(&mgr->services);
    hmap_init(&mgr->watches.map);
    mgr->tnl_seq = seq_read(tnl_conf_seq);
    if (gsi_init(mgr)) {
        VLOG_ERR("cannot create QP1 for the connection manager");
    }
    memset(&cfg, 0, sizeof cfg);
    cfg.local_ca_guid = random_uint64();
    cfg.seed = random_uint32();
    cfg.packet_lifetime = 16;
    mgr->cm = roce_cm_create(&cfg, &cm_roce_ops, mgr);
    dcn_server_set_cm_ops(server, &cm_dcn_ops, mgr);
    return mgr;
}

/* Destroys 'mgr' (after the DCN server detached every session). */
void
conn_mgr_destroy(struct conn_mgr *mgr)
{
    struct service *svc;
    struct conn *c;

    if (!mgr) {
        return;
    }
    HMAP_FOR_EACH_SAFE (c, node, &mgr->conns) {
        conn_destroy(c);
    }
    HMAP_FOR_EACH_POP (svc, node, &mgr->services) {
        roce_cm_id_destroy(svc->cm_id, now_ns());
        free(svc);
    }
    roce_cm_destroy(mgr->cm);
    dcn_server_set_cm_ops(mgr->server, NULL, NULL);
    if (mgr->gsi) {
        roce_destroy_qp(mgr->gsi);
    }
    if (mgr->gsi_mr) {
        roce_dereg_mr(mgr->gsi_mr);
    }
    if (mgr->gsi_cq) {
        roce_destroy_cq(mgr->gsi_cq);
    }
    if (mgr->gsi_pd) {
        roce_dealloc_pd(mgr->gsi_pd);
    }
    free(mgr->gsi_bufs);
    ro_bridge_watches_clear(&mgr->watches);
    hmap_destroy(&mgr->watches.map);
    hmap_destroy(&mgr->conns);
    hmap_destroy(&mgr->services);
    free(mgr);
}

/* Sets the outer DSCP of the tuples resolved from now on. */
void
conn_mgr_set_dscp(struct conn_mgr *mgr, uint8_t dscp)
{
    mgr->dscp = dscp;
}

static void
retry_resolutions(struct conn_mgr *mgr)
{
    long long int now = time_msec();
    struct conn *c;

    HMAP_FOR_EACH (c, node, &mgr->conns) {
        if (c->state != CONN_ADDR_QUERY) {
            continue;
        }
        if (seq_read(tnl_conf_seq) != c->resolve_seq) {
            char *why = NULL;
            int error;

            c->resolve_seq = seq_read(tnl_conf_seq);
            error = conn_resolve(c, &why);
            if (error != EAGAIN) {
                finish_resolve(c, error, why);
            }
            free(why);
        }
        if (c->state == CONN_ADDR_QUERY && now >= c->resolve_deadline) {
            finish_resolve(c, ETIMEDOUT, "tunnel neighbor not resolved in "
                           "time");
        }
    }
}

static bool
conn_is_live(const struct conn *c)
{
    return c->has_tuple && c->nic_conn && c->session
           && (c->state == CONN_ESTABLISHED || c->state == CONN_ACCEPTING
               || c->state == CONN_CONNECT);
}

/* The path of live connection 'c' no longer exists: its QP goes to error
 * (flushing what it has outstanding), the peer is told with a DREQ over
 * the old path, and the DCN gets DISCONNECTED. */
static void
conn_unreachable(struct conn *c, const char *why)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    ipv6_format_mapped(&c->dst_ip, &s);
    VLOG_INFO("DCN pid %d on %s: connection %#"PRIx32" to %s lost its path: "
              "%s", (int) dcn_session_pid(c->session),
              dcn_session_port(c->session)->port, c->handle, ds_cstr(&s),
              why);
    ds_destroy(&s);
    COVERAGE_INC(rdma_conn_unreachable);
    c->mgr->n_unreachable++;
    qp_to_err(c);
    if (c->cm_id) {
        roce_cm_disconnect(c->cm_id, now_ns(), NULL, 0);
    }
    c->state = CONN_DISCONNECTED;
    post_event(c, OVSRDMA_ABI_CM_DISCONNECTED, -EHOSTUNREACH, NULL, 0, 0);
}

/* Resolves live connection 'c' again; if the bridge now gives another
 * tuple (the peer's VTEP moved, a route, a neighbor or the tunnel's
 * options changed), rebinds its QP to it without reconnecting. */
static void
conn_revalidate(struct conn *c)
{
    struct conn_mgr *mgr = c->mgr;
    struct ro_tuple old;
    char *why = NULL;
    int error;

    COVERAGE_INC(rdma_conn_revalidate);
    ro_tuple_clone(&old, &c->tuple);
    error = conn_resolve(c, &why);
    if (error == EAGAIN) {
        /* A tunnel neighbor is being resolved: keep the current path until
         * the neighbor cache changes again. */
    } else if (error) {
        conn_unreachable(c, why);
    } else if (!ro_tuple_equal(&old, &c->tuple)) {
        error = conn_program_path(c);
        if (!error && c->qp_handle) {
            error = rdma_nic_qp_rebind(mgr->nic, c->qpn, c->nic_conn);
        }
        if (error) {
            conn_unreachable(c, ovs_strerror(error));
        } else {
            COVERAGE_INC(rdma_conn_rebind);
            mgr->n_rebinds++;
            VLOG_INFO("DCN pid %d on %s: connection %#"PRIx32" rebound to "
                      "a new path", (int) dcn_session_pid(c->session),
                      dcn_session_port(c->session)->port, c->handle);
        }
    }
    free(why);
    ro_tuple_destroy(&old);
}

/* Has anything that translations depend on changed since the live
 * connections were last resolved? */
static bool
paths_may_have_changed(struct conn_mgr *mgr)
{
    struct sset bridges = SSET_INITIALIZER(&bridges);
    uint64_t seq = seq_read(tnl_conf_seq);
    bool changed = mgr->revalidate;

    ro_bridges_enumerate(&bridges);
    if (ro_bridge_watches_update(&mgr->watches, &bridges)) {
        changed = true;
    }
    sset_destroy(&bridges);
    if (seq != mgr->tnl_seq) {
        mgr->tnl_seq = seq;
        changed = true;
    }
    mgr->revalidate = false;
    return changed;
}

static void
revalidate_connections(struct conn_mgr *mgr)
{
    struct conn *c;
    bool any = false;

    HMAP_FOR_EACH (c, node, &mgr->conns) {
        if (conn_is_live(c)) {
            any = true;
            break;
        }
    }
    /* Without a live connection there is nothing to revalidate (a new one
     * is resolved afresh), so the bridges are not even looked at. */
    if (!any || !paths_may_have_changed(mgr)) {
        return;
    }
    HMAP_FOR_EACH (c, node, &mgr->conns) {
        if (conn_is_live(c)) {
            conn_revalidate(c);
        }
    }
}

/* Asks for every live connection to be resolved again at the next run
 * (the configuration changed: tunnels' options, ports, bridges). */
void
conn_mgr_reconfigured(struct conn_mgr *mgr)
{
    mgr->revalidate = true;
}

/* Feeds QP1's MADs to the CM, runs its timers, finishes address
 * resolutions that waited for a tunnel neighbor and revalidates the live
 * connections' paths when the bridges changed. */
void
conn_mgr_run(struct conn_mgr *mgr)
{
    gsi_poll(mgr);
    roce_cm_run(mgr->cm, now_ns());
    retry_resolutions(mgr);
    revalidate_connections(mgr);
    ro_neigh_run();
}

void
conn_mgr_wait(struct conn_mgr *mgr)
{
    uint64_t deadline = roce_cm_next_deadline(mgr->cm);
    struct conn *c;

    if (deadline != UINT64_MAX) {
        poll_timer_wait_until(deadline / 1000000 + 1);
    }
    HMAP_FOR_EACH (c, node, &mgr->conns) {
        if (c->state == CONN_ADDR_QUERY) {
            seq_wait(tnl_conf_seq, c->resolve_seq);
            poll_timer_wait_until(c->resolve_deadline);
        } else if (conn_is_live(c)) {
            seq_wait(tnl_conf_seq, mgr->tnl_seq);
        }
    }
}

size_t
conn_mgr_n_ids(const struct conn_mgr *mgr)
{
    return hmap_count(&mgr->conns);
}

/* "IP:PORT" ("[IPv6]:PORT"), "*:PORT" for the wildcard address, "-" if
 * neither is set. */
static void
format_endpoint(const struct in6_addr *ip, uint16_t port, struct ds *ds)
{
    bool any = ip_is_any(ip);

    if (any && !port) {
        ds_put_char(ds, '-');
        return;
    }
    if (any) {
        ds_put_char(ds, '*');
    } else if (IN6_IS_ADDR_V4MAPPED(ip)) {
        ipv6_format_mapped(ip, ds);
    } else {
        ds_put_char(ds, '[');
        ipv6_format_addr(ip, ds);
        ds_put_char(ds, ']');
    }
    ds_put_format(ds, ":%"PRIu16, port);
}

static int
compare_conns(const void *a_, const void *b_)
{
    const struct conn *const *a = a_, *const *b = b_;

    return (*a)->handle < (*b)->handle ? -1 : (*a)->handle > (*b)->handle;
}

/* rdma-overlay/dump-conns: a header row, then one CM ID per line. */
void
conn_mgr_format(const struct conn_mgr *mgr, struct ds *ds)
{
    size_t n = hmap_count(&mgr->conns), i = 0;
    const struct conn **v = xmalloc(MAX(n, 1) * sizeof *v);
    const struct conn *c;

    HMAP_FOR_EACH (c, node, &mgr->conns) {
        v[i++] = c;
    }
    qsort(v, n, sizeof *v, compare_conns);
    ds_put_format(ds, "%-10s %-14s %-12s %-22s %-22s %-8s %s\n", "ID",
                  "STATE", "PORT", "LOCAL", "REMOTE", "QPN", "TUPLE");
    for (i = 0; i < n; i++) {
        struct ds local = DS_EMPTY_INITIALIZER, remote = DS_EMPTY_INITIALIZER;

        c = v[i];
        format_endpoint(&c->src_ip, c->src_port, &local);
        format_endpoint(&c->dst_ip, c->dst_port, &remote);
        ds_put_format(ds, "%#-10"PRIx32" %-14s %-12s %-22s %-22s ",
                      c->handle, state_names[c->state],
                      c->session ? dcn_session_port(c->session)->port : "-",
                      ds_cstr(&local), ds_cstr(&remote));
        if (c->qp_handle) {
            ds_put_format(ds, "%-8"PRIu32" ", c->qpn);
        } else {
            ds_put_format(ds, "%-8s ", "-");
        }
        if (c->has_tuple) {
            ro_tuple_format_summary(&c->tuple, ds);
        } else {
            ds_put_cstr(ds, "-");
        }
        ds_put_char(ds, '\n');
        ds_destroy(&local);
        ds_destroy(&remote);
    }
    free(v);
}
