/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* ovs-rdma's connection setup: everything goes through the connection
 * manager, which resolves the peer through the Open vSwitch bridge and
 * moves the QPs through their states itself.  The two sides agree on the
 * test in the private data of the connection request (REQ), the reply
 * (REP) or the rejection (REJ), whose layouts are below. */

#include "ovs-rdma-perf.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Identifies ovs-rdma's private data ("ORPB"), and its layout version. */
#define PERF_MAGIC 0x4f525042
#define PERF_VERSION 1

/* REQ private data, one per QP (40 bytes; the REQ carries at most 56).
 * All fields are big-endian. */
struct perf_req {
    uint32_t magic;             /* PERF_MAGIC. */
    uint8_t version;            /* PERF_VERSION. */
    uint8_t test;               /* enum perf_test. */
    uint8_t flags;              /* PERF_REQ_VERIFY. */
    uint8_t pad;
    uint16_t qp_index;          /* 0 <= qp_index < n_qps. */
    uint16_t n_qps;
    uint32_t size;
    uint32_t iters;
    uint32_t tx_depth;
    uint32_t window;            /* Slots, as perf_params_set_window(). */
    uint32_t rkey;              /* The client's buffer for this QP. */
    uint64_t addr;
};
_Static_assert(sizeof(struct perf_req) == 40, "REQ private data layout");
#define PERF_REQ_VERIFY 0x01

/* REP private data (24 bytes; at most 196). */
struct perf_rep {
    uint32_t magic;             /* PERF_MAGIC. */
    uint8_t version;            /* PERF_VERSION. */
    uint8_t test;               /* enum perf_test. */
    uint16_t qp_index;
    uint32_t pad;
    uint32_t rkey;              /* The server's buffer for this QP. */
    uint64_t addr;
};
_Static_assert(sizeof(struct perf_rep) == 24, "REP private data layout");

/* Why a server rejects a connection request. */
enum perf_reject_reason {
    PERF_REJ_PROTOCOL = 1,      /* Not ovs-rdma's REQ, or another version. */
    PERF_REJ_TEST,              /* Values: none (see 'test'). */
    PERF_REJ_SIZE,              /* Values: -s of server and client. */
    PERF_REJ_ITERS,             /* Values: -n. */
    PERF_REJ_QPS,               /* Values: -q. */
    PERF_REJ_DEPTH,             /* Values: -t. */
    PERF_REJ_VERIFY,            /* The server has --verify, not the client. */
    PERF_REJ_PARAMS,            /* Out of range or inconsistent. */
};

/* REJ private data (16 bytes). */
struct perf_rej {
    uint32_t magic;             /* PERF_MAGIC. */
    uint8_t version;            /* PERF_VERSION. */
    uint8_t reason;             /* enum perf_reject_reason. */
    uint8_t test;               /* The test the server runs. */
    uint8_t pad;
    uint32_t server_value;
    uint32_t client_value;
};
_Static_assert(sizeof(struct perf_rej) == 16, "REJ private data layout");

/* Returns the size of one buffer slot for messages of 'size' bytes. */
size_t
perf_stride(uint32_t size)
{
    return ((size_t) (size ? size : 1) + 63) & ~(size_t) 63;
}

/* Returns the offset, within a QP's buffer, of exposed slot 'slot'. */
size_t
perf_exposed_offset(const struct perf_run *run, uint32_t slot)
{
    return PERF_CTRL_SIZE + slot * run->stride;
}

/* Returns the offset, within a QP's buffer, of own slot 'slot'. */
size_t
perf_own_offset(const struct perf_run *run, uint32_t slot)
{
    return perf_exposed_offset(run, run->p.window + 1 + slot);
}

/* Formats the IPv4 or IPv6 address of 'ss' into 'buf' and returns 'buf'.
 * Stores its port in '*port' if 'port' is nonnull. */
const char *
perf_format_addr(const struct sockaddr_storage *ss, char *buf, size_t size,
                 uint16_t *port)
{
    const void *addr;
    uint16_t port_;

    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) ss;

        addr = &sin6->sin6_addr;
        port_ = ntohs(sin6->sin6_port);
    } else {
        const struct sockaddr_in *sin = (const struct sockaddr_in *) ss;

        addr = &sin->sin_addr;
        port_ = ntohs(sin->sin_port);
    }
    if (!inet_ntop(ss->ss_family, addr, buf, size)) {
        snprintf(buf, size, "(unknown)");
    }
    if (port) {
        *port = port_;
    }
    return buf;
}

/* Opens the port's device and creates what every QP of the run shares: the
 * protection domain and the connection manager's event channel, whose fd
 * is made non-blocking so that every wait can time out in poll(). */
void
perf_open(struct perf_run *run, const struct perf_options *opts)
{
    int error, flags;

    memset(run, 0, sizeof *run);
    run->opts = opts;
    run->p = opts->params;
    run->server = !opts->server;

    run->ctx = ovsrdma_open(opts->socket);
    if (!run->ctx) {
        perf_fatal(errno, "opening %s", opts->socket);
    }
    error = ovsrdma_query_port(run->ctx, &run->port);
    if (error) {
        perf_fatal(error, "%s: querying the port", opts->socket);
    }
    run->pd = ovsrdma_alloc_pd(run->ctx);
    if (!run->pd) {
        perf_fatal(errno, "allocating a protection domain");
    }
    run->channel = ovsrdma_create_event_channel(run->ctx);
    if (!run->channel) {
        perf_fatal(errno, "creating a connection event channel");
    }
    flags = fcntl(run->channel->fd, F_GETFL);
    if (flags < 0
        || fcntl(run->channel->fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        perf_fatal(errno, "making the connection event channel "
                   "non-blocking");
    }
}

/* Returns the QP of the run whose CM ID is 'id', or NULL. */
static struct perf_conn *
perf_find_conn(struct perf_run *run, const struct ovsrdma_cm_id *id)
{
    uint32_t i;

    for (i = 0; run->conns && i < run->p.n_qps; i++) {
        if (run->conns[i].id == id) {
            return &run->conns[i];
        }
    }
    return NULL;
}

/* Records a connection event that ends a QP's connection. */
static void
perf_note_disconnect(struct perf_run *run,
                     const struct ovsrdma_cm_event *ev)
{
    if (ev->event == OVSRDMA_CM_EVENT_DISCONNECTED
        || ev->event == OVSRDMA_CM_EVENT_DEVICE_REMOVAL) {
        struct perf_conn *conn = perf_find_conn(run, ev->id);

        if (conn) {
            conn->disconnected = true;
            run->peer_gone = true;
        }
    }
}

/* Returns the next connection event, waiting for it up to the --timeout
 * (or forever if 'forever' or the timeout is 0).  Returns NULL on a
 * timeout; any other failure is fatal. */
static struct ovsrdma_cm_event *
perf_get_cm_event(struct perf_run *run, bool forever)
{
    uint64_t deadline = perf_now_ns()
                        + (uint64_t) run->opts->timeout * 1000000000;

    forever = forever || !run->opts->timeout;
    for (;;) {
        struct ovsrdma_cm_event *ev;
        struct pollfd pfd;
        uint64_t now;
        int error, ms;

        error = ovsrdma_get_cm_event(run->channel, &ev);
        if (!error) {
            return ev;
        } else if (error != EAGAIN && error != EINTR) {
            perf_fatal(error, "reading connection events");
        }

        now = perf_now_ns();
        if (!forever && now >= deadline) {
            return NULL;
        }
        ms = forever ? -1 : (int) ((deadline - now + 999999) / 1000000);
        pfd.fd = run->channel->fd;
        pfd.events = POLLIN;
        if (poll(&pfd, 1, ms) < 0 && errno != EINTR) {
            perf_fatal(errno, "waiting for connection events");
        }
    }
}

/* Reads the connection events that are pending, without waiting, and
 * notes disconnections in 'run->peer_gone'.  Polling loops call this (from
 * perf_idle()) so that a peer that leaves is noticed. */
void
perf_check_cm_events(struct perf_run *run)
{
    for (;;) {
        struct ovsrdma_cm_event *ev;
        int error;

        error = ovsrdma_get_cm_event(run->channel, &ev);
        if (error == EAGAIN || error == EINTR) {
            return;
        } else if (error) {
            perf_fatal(error, "reading connection events");
        }
        perf_note_disconnect(run, ev);
        ovsrdma_ack_cm_event(ev);
    }
}

/* Describes a rejection in 'buf' from the REJ private data 'rej' (already
 * checked to be ours), from the point of view of a run of 'client_test'. */
static const char *
perf_reject_str(const struct perf_rej *rej, char *buf, size_t size)
{
    /* The parameters whose values the two sides disagreed on. */
    static const struct {
        const char *what;
        char option;
    } differ[] = {
        [PERF_REJ_SIZE] = { "message sizes", 's' },
        [PERF_REJ_ITERS] = { "iterations", 'n' },
        [PERF_REJ_QPS] = { "numbers of QPs", 'q' },
        [PERF_REJ_DEPTH] = { "tx depths", 't' },
    };
    uint32_t s = ntohl(rej->server_value), c = ntohl(rej->client_value);

    switch ((enum perf_reject_reason) rej->reason) {
    case PERF_REJ_PROTOCOL:
        return "incompatible ovs-rdma protocol";
    case PERF_REJ_TEST:
        snprintf(buf, size, "the server runs %s, the client %s",
                 perf_test_name(rej->test), perf_test_name(c));
        return buf;
    case PERF_REJ_SIZE:
    case PERF_REJ_ITERS:
    case PERF_REJ_QPS:
    case PERF_REJ_DEPTH:
        snprintf(buf, size, "%s differ (server -%c %"PRIu32", client -%c "
                 "%"PRIu32")", differ[rej->reason].what,
                 differ[rej->reason].option, s, differ[rej->reason].option,
                 c);
        return buf;
    case PERF_REJ_VERIFY:
        return "the server runs with --verify, the client without";
    case PERF_REJ_PARAMS:
        return "invalid test parameters";
    default:
        snprintf(buf, size, "unknown reason %d", rej->reason);
        return buf;
    }
}

/* Waits for the next connection event of 'id', which should be 'expected',
 * and returns it (to be acked by the caller).  Any other event of 'id' is
 * a failure of 'what', described from its status or, for a rejection by
 * an ovs-rdma server, from its private data. */
static struct ovsrdma_cm_event *
perf_expect_event(struct perf_run *run, struct ovsrdma_cm_id *id,
                  enum ovsrdma_cm_event_type expected, const char *what)
{
    for (;;) {
        struct ovsrdma_cm_event *ev = perf_get_cm_event(run, false);
        struct perf_rej rej;
        char buf[128];

        if (!ev) {
            perf_fatal(ETIMEDOUT, "%s", what);
        } else if (ev->id != id) {
            perf_note_disconnect(run, ev);
            ovsrdma_ack_cm_event(ev);
            if (run->peer_gone) {
                perf_fatal(ECONNRESET, "%s", what);
            }
            continue;
        } else if (ev->event == expected) {
            return ev;
        } else if (ev->event == OVSRDMA_CM_EVENT_REJECTED
                   && ev->param.private_data
                   && ev->param.private_data_len >= sizeof rej) {
            memcpy(&rej, ev->param.private_data, sizeof rej);
            if (ntohl(rej.magic) == PERF_MAGIC) {
                perf_fatal(0, "%s: the server rejected the connection: %s",
                           what, perf_reject_str(&rej, buf, sizeof buf));
            }
        }
        if (ev->event == OVSRDMA_CM_EVENT_REJECTED) {
            perf_fatal(0, "%s: connection rejected (reason %d): is an "
                       "ovs-rdma server listening there?", what, ev->status);
        }
        perf_fatal(ev->status < 0 ? -ev->status : 0, "%s: %s", what,
                   ovsrdma_event_str(ev->event));
    }
}

/* Returns the memory access that the peer and the local RNIC need on a
 * buffer of 'run': the server's buffer receives the result record (and,
 * depending on the test, WRITEs, READs or SENDs); the client's receives
 * READ data or SENDs, and in write-lat the server's WRITEs. */
static int
perf_access(const struct perf_run *run)
{
    enum perf_test test = run->p.test;
    int access = OVSRDMA_ACCESS_LOCAL_WRITE;

    if (run->server) {
        access |= OVSRDMA_ACCESS_REMOTE_WRITE;
        if (test == PERF_READ_BW || test == PERF_READ_LAT) {
            access |= OVSRDMA_ACCESS_REMOTE_READ;
        }
    } else if (test == PERF_WRITE_LAT) {
        access |= OVSRDMA_ACCESS_REMOTE_WRITE;
    }
    return access;
}

/* Allocates and registers 'conn''s buffer (see ovs-rdma-perf.h for its
 * layout): from ovsrdma_alloc_buf(), the zero-copy path, or with --malloc
 * from malloc(), which ovsrdma_reg_mr() must move onto shared memory. */
static void
perf_alloc_buffer(struct perf_run *run, struct perf_conn *conn)
{
    size_t length = perf_exposed_offset(run, 2 * run->p.window + 1);

    length = (length + 4095) & ~(size_t) 4095;
    if (run->opts->use_malloc) {
        conn->buf = malloc(length);
        if (!conn->buf) {
            perf_fatal(ENOMEM, "qp %"PRIu32": allocating %zu bytes",
                       conn->index, length);
        }
        memset(conn->buf, 0, length);
    } else {
        conn->buf = ovsrdma_alloc_buf(run->ctx, length);
        if (!conn->buf) {
            perf_fatal(errno, "qp %"PRIu32": allocating a %zu-byte RDMA "
                       "buffer", conn->index, length);
        }
    }
    conn->buf_len = length;

    conn->mr = ovsrdma_reg_mr(run->pd, conn->buf, length, perf_access(run));
    if (!conn->mr) {
        perf_fatal(errno, "qp %"PRIu32": registering %zu bytes of %s "
                   "memory", conn->index, length,
                   run->opts->use_malloc ? "malloc()ed" : "RDMA");
    }
}

/* Posts the receives that 'conn' needs before its peer may send: the
 * credits' (client) or the messages' (server) receives of a flow-
 * controlled bandwidth test, window + 1 of them; the first message's of a
 * ping-pong test that uses receives; and on the server's QP 0, one for the
 * client's result record (the flow-controlled and ping-pong tests always
 * keep one spare receive for it). */
static void
perf_prepost_recvs(struct perf_run *run, struct perf_conn *conn)
{
    enum perf_test test = run->p.test;
    bool with_data = (test == PERF_SEND_LAT
                      || (test == PERF_SEND_BW && run->server));
    uint32_t n = 0, i;

    if (perf_uses_credits(&run->p)) {
        n = run->p.window + 1;
    } else if (test == PERF_SEND_LAT
               || (test == PERF_WRITE_LAT && !run->p.size)) {
        n = 1;
    } else if (run->server && conn->index == 0) {
        n = 1;
    }
    for (i = 0; i < n; i++) {
        perf_post_recv(run, conn, with_data);
    }
}

/* Creates 'conn''s CQ, its QP on its CM ID (the CM moves the QP to INIT
 * at once, so receives may be posted before the connection is
 * established, as with librdmacm), and its buffer.  A READ server fills
 * its exposed slots with the pattern that the client checks. */
static void
perf_setup_conn(struct perf_run *run, struct perf_conn *conn)
{
    uint32_t max_wr = run->port.max_qp_wr;
    struct ovsrdma_qp_init_attr attr;
    uint32_t recv_wr, i;
    int error;

    conn->sq_size = run->p.tx_depth + 4;
    recv_wr = run->p.window + 2;
    if (max_wr && (conn->sq_size > max_wr || recv_wr > max_wr)) {
        perf_fatal(0, "tx depth %"PRIu32" needs %"PRIu32" work requests "
                   "per queue, but the port allows %"PRIu32,
                   run->p.tx_depth, conn->sq_size, max_wr);
    }
    conn->sq_kind = calloc(conn->sq_size, sizeof *conn->sq_kind);
    conn->sq_iter = calloc(conn->sq_size, sizeof *conn->sq_iter);
    if (!conn->sq_kind || !conn->sq_iter) {
        perf_fatal(ENOMEM, "allocating send queue bookkeeping");
    }

    conn->cq = ovsrdma_create_cq(run->ctx, conn->sq_size + recv_wr, conn,
                                 NULL);
    if (!conn->cq) {
        perf_fatal(errno, "qp %"PRIu32": creating a completion queue",
                   conn->index);
    }

    memset(&attr, 0, sizeof attr);
    attr.qp_context = conn;
    attr.send_cq = conn->cq;
    attr.recv_cq = conn->cq;
    attr.cap.max_send_wr = conn->sq_size;
    attr.cap.max_recv_wr = recv_wr;
    attr.cap.max_send_sge = 1;
    attr.cap.max_recv_sge = 1;
    attr.qp_type = OVSRDMA_QPT_RC;
    error = ovsrdma_create_qp_on_id(conn->id, run->pd, &attr);
    if (error) {
        perf_fatal(error, "qp %"PRIu32": creating the queue pair",
                   conn->index);
    }
    conn->qp = conn->id->qp;

    perf_alloc_buffer(run, conn);
    if (run->server
        && (run->p.test == PERF_READ_BW || run->p.test == PERF_READ_LAT)) {
        for (i = 0; i < run->p.window; i++) {
            perf_pattern_fill(conn->buf + perf_exposed_offset(run, i),
                              run->p.size,
                              perf_pattern_seed(conn->index, i), 0);
        }
    }
    perf_prepost_recvs(run, conn);
}

/* Fills the connection parameters that both sides use: retries without
 * limit on RNR (a receiver that is briefly late is not an error), and as
 * many outstanding READs as the port allows. */
static void
perf_init_conn_param(const struct perf_run *run,
                     struct ovsrdma_conn_param *param,
                     const void *private_data, size_t length)
{
    uint32_t rd_atom = run->port.max_qp_rd_atom;

    memset(param, 0, sizeof *param);
    param->private_data = private_data;
    param->private_data_len = length;
    param->responder_resources = rd_atom && rd_atom < 16 ? rd_atom : 16;
    param->initiator_depth = param->responder_resources;
    param->retry_count = 7;
    param->rnr_retry_count = 7;
}

/* Client: parses the server's address (numeric IPv4 or IPv6) and port. */
static void
perf_parse_server(const struct perf_options *opts,
                  struct sockaddr_storage *ss)
{
    struct addrinfo hints, *ai;
    char port[8];
    int error;

    memset(&hints, 0, sizeof hints);
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(port, sizeof port, "%u", opts->port);
    error = getaddrinfo(opts->server, port, &hints, &ai);
    if (error) {
        perf_fatal(0, "%s: invalid server address: %s", opts->server,
                   gai_strerror(error));
    }
    memset(ss, 0, sizeof *ss);
    memcpy(ss, ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(ai);
}

/* Returns the port's first address of 'family', or NULL. */
static const struct sockaddr *
perf_port_addr(const struct perf_run *run, int family)
{
    int i;

    for (i = 0; i < run->port.n_addrs; i++) {
        if (run->port.addrs[i].ss_family == family) {
            return (const struct sockaddr *) &run->port.addrs[i];
        }
    }
    return NULL;
}

/* Client: connects the run's QPs one after the other, each through address
 * and route resolution, QP creation and a connection request that carries
 * the test's parameters and the QP's buffer. */
void
perf_connect(struct perf_run *run)
{
    int ms = (run->opts->timeout ? run->opts->timeout : 30) * 1000;
    struct sockaddr_storage dst;
    const struct sockaddr *src;
    char what[128];
    uint32_t i;

    perf_parse_server(run->opts, &dst);
    src = perf_port_addr(run, dst.ss_family);
    run->stride = perf_stride(run->p.size);
    run->conns = calloc(run->p.n_qps, sizeof *run->conns);
    if (!run->conns) {
        perf_fatal(ENOMEM, "allocating %"PRIu32" QPs", run->p.n_qps);
    }

    for (i = 0; i < run->p.n_qps; i++) {
        struct perf_conn *conn = &run->conns[i];
        struct ovsrdma_conn_param param;
        struct ovsrdma_cm_event *ev;
        struct perf_req req;
        struct perf_rep rep;
        int error;

        conn->index = i;
        error = ovsrdma_create_id(run->channel, &conn->id, conn,
                                  OVSRDMA_PS_TCP);
        if (error) {
            perf_fatal(error, "creating a connection ID");
        }

        snprintf(what, sizeof what, "resolving %s", run->opts->server);
        error = ovsrdma_resolve_addr(conn->id, src,
                                     (const struct sockaddr *) &dst, ms);
        if (error) {
            perf_fatal(error, "%s", what);
        }
        ovsrdma_ack_cm_event(perf_expect_event(
                                 run, conn->id,
                                 OVSRDMA_CM_EVENT_ADDR_RESOLVED, what));
        error = ovsrdma_resolve_route(conn->id, ms);
        if (error) {
            perf_fatal(error, "%s", what);
        }
        ovsrdma_ack_cm_event(perf_expect_event(
                                 run, conn->id,
                                 OVSRDMA_CM_EVENT_ROUTE_RESOLVED, what));

        perf_setup_conn(run, conn);

        memset(&req, 0, sizeof req);
        req.magic = htonl(PERF_MAGIC);
        req.version = PERF_VERSION;
        req.test = run->p.test;
        req.flags = run->p.verify ? PERF_REQ_VERIFY : 0;
        req.qp_index = htons(i);
        req.n_qps = htons(run->p.n_qps);
        req.size = htonl(run->p.size);
        req.iters = htonl(run->p.iters);
        req.tx_depth = htonl(run->p.tx_depth);
        req.window = htonl(run->p.window);
        req.rkey = htonl(conn->mr->rkey);
        req.addr = htobe64((uintptr_t) conn->buf);
        perf_init_conn_param(run, &param, &req, sizeof req);

        snprintf(what, sizeof what, "connecting to %s port %u",
                 run->opts->server, run->opts->port);
        error = ovsrdma_connect(conn->id, &param);
        if (error) {
            perf_fatal(error, "%s", what);
        }
        ev = perf_expect_event(run, conn->id, OVSRDMA_CM_EVENT_ESTABLISHED,
                               what);
        if (!ev->param.private_data
            || ev->param.private_data_len < sizeof rep) {
            perf_fatal(EPROTO, "%s: the server's reply carries no "
                       "ovs-rdma parameters", what);
        }
        memcpy(&rep, ev->param.private_data, sizeof rep);
        if (ntohl(rep.magic) != PERF_MAGIC || rep.version != PERF_VERSION
            || rep.test != run->p.test || ntohs(rep.qp_index) != i) {
            perf_fatal(EPROTO, "%s: unexpected reply from the server",
                       what);
        }
        conn->remote_addr = be64toh(rep.addr);
        conn->remote_rkey = ntohl(rep.rkey);
        conn->remote_qpn = ev->param.qp_num;
        conn->established = true;
        ovsrdma_ack_cm_event(ev);
    }
}

/* Server: checks a client's REQ against what this server runs and was
 * given on its command line, adopting the client's parameters (from the
 * first QP's REQ; the others' must match it).  Returns 0 if the request is
 * acceptable, otherwise a reason to reject it, with the values to report
 * in 'rej'. */
static enum perf_reject_reason
perf_check_req(struct perf_run *run, const struct perf_req *req,
               struct perf_rej *rej)
{
    const struct perf_options *opts = run->opts;
    struct perf_params p;

    memset(&p, 0, sizeof p);
    p.test = req->test;
    p.size = ntohl(req->size);
    p.iters = ntohl(req->iters);
    p.n_qps = ntohs(req->n_qps);
    p.tx_depth = ntohl(req->tx_depth);
    p.verify = (req->flags & PERF_REQ_VERIFY) != 0;

    rej->client_value = htonl(req->test);
    if (p.test != opts->params.test) {
        return PERF_REJ_TEST;
    }
#define PERF_CHECK_SET(FIELD, SET, REASON)                              \
    if (opts->SET && p.FIELD != opts->params.FIELD) {                   \
        rej->server_value = htonl(opts->params.FIELD);                  \
        rej->client_value = htonl(p.FIELD);                             \
        return REASON;                                                  \
    }
    PERF_CHECK_SET(size, size_set, PERF_REJ_SIZE);
    PERF_CHECK_SET(iters, iters_set, PERF_REJ_ITERS);
    PERF_CHECK_SET(n_qps, qps_set, PERF_REJ_QPS);
    PERF_CHECK_SET(tx_depth, depth_set, PERF_REJ_DEPTH);
#undef PERF_CHECK_SET
    if (opts->verify_set && !p.verify) {
        return PERF_REJ_VERIFY;
    }

    if (p.size > PERF_MAX_SIZE || !p.iters || p.iters > PERF_MAX_ITERS
        || !p.n_qps || p.n_qps > PERF_MAX_QPS
        || !p.tx_depth || p.tx_depth > PERF_MAX_TX_DEPTH) {
        return PERF_REJ_PARAMS;
    }
    perf_params_set_window(&p);
    if (p.window != ntohl(req->window)
        || ntohs(req->qp_index) >= p.n_qps) {
        return PERF_REJ_PARAMS;
    }

    if (!run->conns) {
        run->p = p;
        run->stride = perf_stride(p.size);
        run->conns = calloc(p.n_qps, sizeof *run->conns);
        if (!run->conns) {
            perf_fatal(ENOMEM, "allocating %"PRIu32" QPs", p.n_qps);
        }
    } else if (memcmp(&p, &run->p, sizeof p)
               || run->conns[ntohs(req->qp_index)].id) {
        return PERF_REJ_PARAMS;
    }
    return 0;
}

/* Server: handles a connection request: rejects it (and fails) if it is
 * not for this test, otherwise sets up its QP and accepts it with a reply
 * that carries the QP's buffer. */
static void
perf_accept(struct perf_run *run, struct ovsrdma_cm_event *ev)
{
    struct ovsrdma_conn_param param;
    enum perf_reject_reason reason;
    struct perf_conn *conn;
    struct perf_req req;
    struct perf_rej rej;
    struct perf_rep rep;
    char peer[64];
    int error;

    perf_format_addr(&ev->id->dst_addr, peer, sizeof peer, NULL);

    memset(&rej, 0, sizeof rej);
    memset(&req, 0, sizeof req);
    if (ev->param.private_data && ev->param.private_data_len >= sizeof req) {
        memcpy(&req, ev->param.private_data, sizeof req);
    }
    if (ntohl(req.magic) != PERF_MAGIC || req.version != PERF_VERSION) {
        reason = PERF_REJ_PROTOCOL;
    } else {
        reason = perf_check_req(run, &req, &rej);
    }
    if (reason) {
        char buf[128];

        rej.magic = htonl(PERF_MAGIC);
        rej.version = PERF_VERSION;
        rej.reason = reason;
        rej.test = run->opts->params.test;
        /* The run fails either way, so a failure to reject is moot. */
        ovsrdma_reject(ev->id, &rej, sizeof rej);
        perf_fatal(0, "rejected the connection from %s: %s", peer,
                   perf_reject_str(&rej, buf, sizeof buf));
    }

    conn = &run->conns[ntohs(req.qp_index)];
    conn->index = ntohs(req.qp_index);
    conn->id = ev->id;
    conn->id->context_ptr = conn;
    conn->remote_addr = be64toh(req.addr);
    conn->remote_rkey = ntohl(req.rkey);
    conn->remote_qpn = ev->param.qp_num;
    perf_setup_conn(run, conn);

    memset(&rep, 0, sizeof rep);
    rep.magic = htonl(PERF_MAGIC);
    rep.version = PERF_VERSION;
    rep.test = run->p.test;
    rep.qp_index = htons(conn->index);
    rep.rkey = htonl(conn->mr->rkey);
    rep.addr = htobe64((uintptr_t) conn->buf);
    perf_init_conn_param(run, &param, &rep, sizeof rep);
    error = ovsrdma_accept(conn->id, &param);
    if (error) {
        perf_fatal(error, "accepting the connection from %s", peer);
    }
}

/* Server: listens on the port's first address and the -p port, and
 * accepts the client's QPs until all of them are established.  The wait
 * for the first request has no timeout: a server is started before its
 * client. */
void
perf_serve(struct perf_run *run)
{
    struct sockaddr_storage addr;
    uint32_t n_established = 0;
    char what[128], buf[64];
    int error;

    if (!run->port.n_addrs) {
        perf_fatal(0, "port %s has no IP address to listen on",
                   run->port.port);
    }
    addr = run->port.addrs[0];
    if (addr.ss_family == AF_INET6) {
        ((struct sockaddr_in6 *) &addr)->sin6_port = htons(run->opts->port);
    } else {
        ((struct sockaddr_in *) &addr)->sin_port = htons(run->opts->port);
    }
    snprintf(what, sizeof what, "listening on %s port %u",
             perf_format_addr(&addr, buf, sizeof buf, NULL), run->opts->port);

    error = ovsrdma_create_id(run->channel, &run->listen_id, NULL,
                              OVSRDMA_PS_TCP);
    if (!error) {
        error = ovsrdma_bind_addr(run->listen_id,
                                  (const struct sockaddr *) &addr);
    }
    if (!error) {
        error = ovsrdma_listen(run->listen_id, 16);
    }
    if (error) {
        perf_fatal(error, "%s", what);
    }

    while (!run->conns || n_established < run->p.n_qps) {
        struct ovsrdma_cm_event *ev = perf_get_cm_event(run, !run->conns);
        struct perf_conn *conn;

        if (!ev) {
            perf_fatal(ETIMEDOUT, "waiting for the client's connections");
        }
        conn = perf_find_conn(run, ev->id);
        if (ev->event == OVSRDMA_CM_EVENT_CONNECT_REQUEST) {
            perf_accept(run, ev);
        } else if (ev->event == OVSRDMA_CM_EVENT_ESTABLISHED && conn
                   && !conn->established) {
            conn->established = true;
            n_established++;
        } else if (ev->event == OVSRDMA_CM_EVENT_DISCONNECTED
                   || ev->event == OVSRDMA_CM_EVENT_CONNECT_ERROR
                   || ev->event == OVSRDMA_CM_EVENT_UNREACHABLE
                   || ev->event == OVSRDMA_CM_EVENT_REJECTED
                   || ev->event == OVSRDMA_CM_EVENT_DEVICE_REMOVAL) {
            perf_fatal(ev->status < 0 ? -ev->status : 0,
                       "accepting the client's connections: %s",
                       ovsrdma_event_str(ev->event));
        }
        ovsrdma_ack_cm_event(ev);
    }
}

/* Server: waits until the client disconnected every QP (it does once its
 * result record was delivered), or for the --timeout.  Disconnecting
 * first could flush the client's result WRITE before it saw its
 * acknowledgement. */
static void
perf_wait_disconnects(struct perf_run *run)
{
    for (;;) {
        struct ovsrdma_cm_event *ev;
        uint32_t i;

        for (i = 0; i < run->p.n_qps; i++) {
            if (!run->conns[i].disconnected) {
                break;
            }
        }
        if (i >= run->p.n_qps) {
            return;
        }
        ev = perf_get_cm_event(run, false);
        if (!ev) {
            return;
        }
        perf_note_disconnect(run, ev);
        ovsrdma_ack_cm_event(ev);
    }
}

/* Tears the run down.  It is over and its results are printed, so failures
 * here are not reported: the daemon frees whatever remains when the
 * process's socket closes. */
void
perf_close(struct perf_run *run)
{
    uint32_t i;

    if (run->server) {
        perf_wait_disconnects(run);
    }
    for (i = 0; run->conns && i < run->p.n_qps; i++) {
        struct perf_conn *conn = &run->conns[i];

        if (!conn->id) {
            continue;
        }
        if (!conn->disconnected) {
            ovsrdma_disconnect(conn->id);
        }
        if (conn->qp) {
            ovsrdma_destroy_qp_on_id(conn->id);
        }
        if (conn->mr) {
            ovsrdma_dereg_mr(conn->mr);
        }
        if (conn->buf && run->opts->use_malloc) {
            free(conn->buf);
        } else if (conn->buf) {
            ovsrdma_free_buf(run->ctx, conn->buf, conn->buf_len);
        }
        if (conn->cq) {
            ovsrdma_destroy_cq(conn->cq);
        }
        ovsrdma_destroy_id(conn->id);
        free(conn->sq_kind);
        free(conn->sq_iter);
    }
    free(run->conns);
    if (run->listen_id) {
        ovsrdma_destroy_id(run->listen_id);
    }
    ovsrdma_destroy_event_channel(run->channel);
    ovsrdma_dealloc_pd(run->pd);
    ovsrdma_close(run->ctx);
}
