/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>
#include "dcn/server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "coverage.h"
#include "dcn/msg.h"
#include "dirs.h"
#include "fatal-signal.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "roce/engine.h"
#include "roce/verbs.h"
#include "socket-util.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(rdma_overlay_dcn);

COVERAGE_DEFINE(rdma_dcn_attach);
COVERAGE_DEFINE(rdma_dcn_detach);
COVERAGE_DEFINE(rdma_dcn_bad_request);
COVERAGE_DEFINE(rdma_dcn_bad_ring);
COVERAGE_DEFINE(rdma_dcn_event_overflow);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* Limits per session, so that one DCN cannot exhaust the daemon. */
#define MAX_OBJS_PER_SESSION 65536
#define EVENT_RING_SIZE 256
#define MAX_FDS 4

enum dcn_obj_type { OBJ_PD, OBJ_MR, OBJ_CQ, OBJ_QP, OBJ_CHANNEL };

/* A mapping of memory shared with the DCN. */
struct dcn_map {
    void *base;
    size_t len;
};

struct dcn_channel {
    struct dcn_map map;
    struct ovsrdma_ring *ring;
    uint32_t size;              /* Our copy. */
    uint32_t prod;              /* Our copy of the index we own. */
    int eventfd;
    uint64_t overflows;
};

struct dcn_cq {
    struct roce_cq *cq;
    struct dcn_map map;
    struct ovsrdma_ring *ring;
    uint32_t size;
    uint32_t prod;
    uint32_t channel;           /* 0: none. */
    bool broken;                /* The DCN corrupted the ring. */
};

struct dcn_qp {
    struct dcn_session *session;
    uint32_t handle;
    struct roce_qp *qp;
    struct dcn_map map;
    struct ovsrdma_ring *sq, *rq;
    uint32_t sq_size, rq_size;
    uint32_t sq_cons, rq_cons;  /* Our copies. */
    struct ovsrdma_abi_qp_cap cap;
    uint32_t send_cq, recv_cq;
    uint32_t cm_id;
    bool backlog;               /* Engine queue was full: retry. */
    bool broken;
};

struct dcn_mr {
    struct roce_mr *mr;
    struct dcn_map map;
    uint64_t addr, length;
};

struct dcn_obj {
    struct hmap_node node;      /* In session->objs, by handle. */
    uint32_t handle;
    enum dcn_obj_type type;
    union {
        struct roce_pd *pd;
        struct dcn_mr mr;
        struct dcn_cq cq;
        struct dcn_qp qp;
        struct dcn_channel ch;
    } u;
};

struct dcn_port {
    struct dcn_server *server;
    struct dcn_port_config cfg;     /* Strings owned. */
    char *path;
    int fd;                         /* Listening socket. */
    struct hmap_node node;          /* Unused; ports live in a shash. */
};

struct dcn_session {
    struct hmap_node node;          /* In server->sessions. */
    struct dcn_server *server;
    struct dcn_port *port;
    uint32_t id;
    int fd;
    int doorbell;                   /* eventfd the DCN rings. */
    pid_t pid;
    uid_t uid;
    gid_t gid;
    bool hello;
    bool closing;
    bool removed;                   /* Its port went away (or the daemon). */
    uint32_t next_handle;
    struct hmap objs;
    size_t n_by_type[OBJ_CHANNEL + 1];
};

struct dcn_server {
    struct roce_engine *engine;
    struct shash ports;             /* Port name -> struct dcn_port. */
    struct hmap sessions;
    uint32_t next_session_id;
    const struct dcn_cm_ops *cm_ops;
    void *cm_aux;
};

static void session_close(struct dcn_session *, const char *why);
static void dcn_qp_process(struct dcn_qp *);

/* ---- Objects ----------------------------------------------------------- */

static struct dcn_obj *
obj_find(const struct dcn_session *s, uint32_t handle, enum dcn_obj_type type)
{
    struct dcn_obj *o;

    HMAP_FOR_EACH_WITH_HASH (o, node, handle, &s->objs) {
        if (o->handle == handle) {
            return o->type == type ? o : NULL;
        }
    }
    return NULL;
}

static struct dcn_obj *
obj_new(struct dcn_session *s, enum dcn_obj_type type)
{
    struct dcn_obj *o;

    if (hmap_count(&s->objs) >= MAX_OBJS_PER_SESSION) {
        return NULL;
    }
    o = xzalloc(sizeof *o);
    o->type = type;
    do {
        o->handle = ++s->next_handle;
    } while (!o->handle);
    hmap_insert(&s->objs, &o->node, o->handle);
    s->n_by_type[type]++;
    return o;
}

static void
obj_free(struct dcn_session *s, struct dcn_obj *o)
{
    hmap_remove(&s->objs, &o->node);
    s->n_by_type[o->type]--;
    free(o);
}

static void
map_release(struct dcn_map *m)
{
    if (m->base) {
        munmap(m->base, m->len);
        m->base = NULL;
    }
}

/* Creates a memfd of 'len' bytes mapped into our address space, for memory
 * we share with a DCN.  Returns the fd (the caller passes it on and closes
 * it) or a negative errno value. */
static int
shared_create(const char *name, size_t len, struct dcn_map *m)
{
    int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);

    if (fd < 0) {
        return -errno;
    }
    if (ftruncate(fd, len) < 0
        /* The DCN must not shrink it under our mapping (SIGBUS). */
        || fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_SEAL) < 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    m->base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m->base == MAP_FAILED) {
        int error = errno;
        m->base = NULL;
        close(fd);
        return -error;
    }
    m->len = len;
    return fd;
}

static struct ovsrdma_ring *
ring_init(void *at, uint32_t size, uint32_t stride)
{
    struct ovsrdma_ring *r = at;

    r->size = size;
    r->stride = stride;
    /* The daemon does not busy-poll: the DCN must ring the doorbell. */
    r->flags = OVSRDMA_RING_NEED_WAKEUP;
    return r;
}

static uint32_t
ring_size_for(uint32_t n)
{
    uint32_t size = 16;

    while (size < n) {
        size *= 2;
    }
    return size;
}

/* ---- Events ------------------------------------------------------------ */

/* Posts 'ev' on channel 'channel' of 's' and wakes whoever waits on it.
 * Returns 0, ENOENT for an unknown channel, or ENOBUFS if the DCN does not
 * consume its events (the event is dropped and counted). */
int
dcn_session_post_event(struct dcn_session *s, uint32_t channel,
                       const struct ovsrdma_event *ev)
{
    struct dcn_obj *o = obj_find(s, channel, OBJ_CHANNEL);
    struct dcn_channel *ch;
    uint64_t one = 1;
    uint32_t cons;

    if (!o) {
        return ENOENT;
    }
    ch = &o->u.ch;
    cons = ovsrdma_load_acquire(&ch->ring->cons);
    if (ch->prod - cons >= ch->size) {
        ch->overflows++;
        COVERAGE_INC(rdma_dcn_event_overflow);
        return ENOBUFS;
    }
    memcpy(ovsrdma_ring_entry(ch->ring, ch->size, sizeof *ev, ch->prod),
           ev, sizeof *ev);
    ovsrdma_store_release(&ch->ring->prod, ++ch->prod);
    ignore(write(ch->eventfd, &one, sizeof one));
    return 0;
}

/* ---- Completions ------------------------------------------------------- */

static void
cqe_from_wc(struct ovsrdma_cqe *c, const struct roce_wc *wc)
{
    memset(c, 0, sizeof *c);
    c->wr_id = wc->wr_id;
    c->status = wc->status;
    c->opcode = wc->opcode;
    c->vendor_err = wc->vendor_err;
    c->byte_len = wc->byte_len;
    c->imm_data = wc->imm_data;
    c->qp_num = wc->qp_num;
    c->src_qp = wc->src_qp;
    c->wc_flags = wc->wc_flags;
    c->pkey_index = wc->pkey_index;
}

/* Writes 'wc' into the shared ring of 'cq'.  Returns false if the ring is
 * full (the DCN is not polling). */
static bool
cq_push(struct dcn_cq *cq, const struct roce_wc *wc)
{
    uint32_t cons = ovsrdma_load_acquire(&cq->ring->cons);

    if (cq->prod - cons >= cq->size) {
        return false;
    }
    cqe_from_wc(ovsrdma_ring_entry(cq->ring, cq->size,
                                   sizeof(struct ovsrdma_cqe), cq->prod),
                wc);
    cq->prod++;
    return true;
}

/* Moves the engine's completions of 'cq' into the DCN's ring and raises a
 * completion event if the DCN armed the CQ. */
static void
cq_drain(struct dcn_session *s, struct dcn_obj *o)
{
    struct dcn_cq *cq = &o->u.cq;
    uint32_t start = cq->prod;

    for (;;) {
        uint32_t cons = ovsrdma_load_acquire(&cq->ring->cons);
        uint32_t room = cq->size - (cq->prod - cons);
        struct roce_wc wc[16];
        int i, n;

        if (cq->prod - cons > cq->size) {
            /* The DCN wrote a consumer index ahead of what we produced. */
            cq->broken = true;
            COVERAGE_INC(rdma_dcn_bad_ring);
            return;
        }
        if (!room) {
            break;
        }
        n = roce_poll_cq(cq->cq, MIN(room, ARRAY_SIZE(wc)), wc);
        if (n <= 0) {
            break;
        }
        for (i = 0; i < n; i++) {
            cq_push(cq, &wc[i]);
        }
    }
    if (cq->prod != start) {
        ovsrdma_store_release(&cq->ring->prod, cq->prod);
        if (cq->channel
            && __atomic_exchange_n(&cq->ring->armed, 0, __ATOMIC_ACQ_REL)) {
            struct ovsrdma_event ev;

            memset(&ev, 0, sizeof ev);
            ev.type = OVSRDMA_EV_COMP;
            ev.handle = o->handle;
            dcn_session_post_event(s, cq->channel, &ev);
        }
    }
}

/* Completes 'wr_id' with 'status' on 'qp''s send or receive CQ without
 * going through the engine (a WQE the engine refused). */
static void
complete_error(struct dcn_qp *qp, bool send, uint64_t wr_id,
               enum roce_wc_status status)
{
    struct dcn_obj *o = obj_find(qp->session, send ? qp->send_cq
                                 : qp->recv_cq, OBJ_CQ);
    struct roce_wc wc;

    if (!o) {
        return;
    }
    memset(&wc, 0, sizeof wc);
    wc.wr_id = wr_id;
    wc.status = status;
    wc.opcode = send ? ROCE_WC_SEND : ROCE_WC_RECV;
    wc.qp_num = roce_qp_num(qp->qp);
    if (cq_push(&o->u.cq, &wc)) {
        ovsrdma_store_release(&o->u.cq.ring->prod, o->u.cq.prod);
    }
}

/* ---- Work queues ------------------------------------------------------- */

static void
qp_break(struct dcn_qp *qp, const char *why)
{
    struct roce_qp_attr a = { .qp_state = ROCE_QPS_ERR };

    VLOG_WARN_RL(&rl, "DCN pid %d: QP %"PRIu32" to error: %s",
                 (int) qp->session->pid, roce_qp_num(qp->qp), why);
    COVERAGE_INC(rdma_dcn_bad_ring);
    qp->broken = true;
    roce_modify_qp(qp->qp, &a, ROCE_QP_STATE);
}

static void
copy_sges(struct roce_sge *dst, const struct ovsrdma_abi_sge *src, uint32_t n)
{
    uint32_t i;

    for (i = 0; i < n; i++) {
        dst[i].addr = src[i].addr;
        dst[i].length = src[i].length;
        dst[i].lkey = src[i].lkey;
    }
}

/* Posts one send WQE (already copied out of shared memory, so the DCN
 * cannot change it while we look at it).  Returns 0, ENOMEM if the
 * engine's queue is full (retry later), or another errno value if the WQE
 * is invalid (it is completed in error). */
static int
post_send_wqe(struct dcn_qp *qp, struct ovsrdma_send_wqe *w)
{
    struct roce_sge sge[OVSRDMA_MAX_SEND_SGE];
    struct roce_send_wr wr, *bad;

    memset(&wr, 0, sizeof wr);
    wr.wr_id = w->wr_id;
    wr.opcode = w->opcode;
    wr.send_flags = w->send_flags;
    wr.imm_data = w->imm_data;
    wr.sg_list = sge;
    if (w->send_flags & ROCE_SEND_INLINE) {
        if (w->num_sge > qp->cap.max_inline_data) {
            return EINVAL;
        }
        sge[0].addr = (uintptr_t) w->u.inline_data;
        sge[0].length = w->num_sge;
        sge[0].lkey = 0;
        wr.num_sge = w->num_sge ? 1 : 0;
    } else {
        if (w->num_sge > qp->cap.max_send_sge) {
            return EINVAL;
        }
        copy_sges(sge, w->u.sge, w->num_sge);
        wr.num_sge = w->num_sge;
    }
    switch (w->opcode) {
    case ROCE_WR_RDMA_WRITE:
    case ROCE_WR_RDMA_WRITE_WITH_IMM:
    case ROCE_WR_RDMA_READ:
        wr.wr.rdma.remote_addr = w->remote_addr;
        wr.wr.rdma.rkey = w->rkey;
        break;
    case ROCE_WR_ATOMIC_CMP_AND_SWP:
    case ROCE_WR_ATOMIC_FETCH_AND_ADD:
        wr.wr.atomic.remote_addr = w->remote_addr;
        wr.wr.atomic.rkey = w->rkey;
        wr.wr.atomic.compare_add = w->compare_add;
        wr.wr.atomic.swap = w->swap;
        break;
    case ROCE_WR_SEND:
    case ROCE_WR_SEND_WITH_IMM:
        if (w->ah) {
            /* UD address handles are not in this ABI version yet. */
            return EOPNOTSUPP;
        }
        break;
    default:
        return EINVAL;
    }
    return roce_post_send(qp->qp, &wr, &bad);
}

static int
post_recv_wqe(struct dcn_qp *qp, const struct ovsrdma_recv_wqe *w)
{
    struct roce_sge sge[OVSRDMA_MAX_RECV_SGE];
    struct roce_recv_wr wr, *bad;

    if (w->num_sge > qp->cap.max_recv_sge) {
        return EINVAL;
    }
    memset(&wr, 0, sizeof wr);
    wr.wr_id = w->wr_id;
    copy_sges(sge, w->sge, w->num_sge);
    wr.sg_list = sge;
    wr.num_sge = w->num_sge;
    return roce_post_recv(qp->qp, &wr, &bad);
}

/* Moves the WQEs the DCN produced in 'qp''s rings into the engine. */
static void
dcn_qp_process(struct dcn_qp *qp)
{
    uint32_t prod;

    if (qp->broken) {
        return;
    }
    qp->backlog = false;

    prod = ovsrdma_load_acquire(&qp->rq->prod);
    if (prod - qp->rq_cons > qp->rq_size) {
        qp_break(qp, "receive queue producer index out of range");
        return;
    }
    while (qp->rq_cons != prod) {
        struct ovsrdma_recv_wqe w;
        int error;

        memcpy(&w, ovsrdma_ring_entry(qp->rq, qp->rq_size, sizeof w,
                                      qp->rq_cons), sizeof w);
        error = post_recv_wqe(qp, &w);
        if (error == ENOMEM) {
            qp->backlog = true;
            break;
        } else if (error) {
            complete_error(qp, false, w.wr_id, ROCE_WC_LOC_QP_OP_ERR);
        }
        qp->rq_cons++;
    }
    ovsrdma_store_release(&qp->rq->cons, qp->rq_cons);

    prod = ovsrdma_load_acquire(&qp->sq->prod);
    if (prod - qp->sq_cons > qp->sq_size) {
        qp_break(qp, "send queue producer index out of range");
        return;
    }
    while (qp->sq_cons != prod) {
        struct ovsrdma_send_wqe w;
        int error;

        memcpy(&w, ovsrdma_ring_entry(qp->sq, qp->sq_size, sizeof w,
                                      qp->sq_cons), sizeof w);
        error = post_send_wqe(qp, &w);
        if (error == ENOMEM) {
            qp->backlog = true;
            break;
        } else if (error) {
            complete_error(qp, true, w.wr_id,
                           roce_qp_get_state(qp->qp) == ROCE_QPS_ERR
                           ? ROCE_WC_WR_FLUSH_ERR : ROCE_WC_LOC_QP_OP_ERR);
        }
        qp->sq_cons++;
    }
    ovsrdma_store_release(&qp->sq->cons, qp->sq_cons);
}

/* ---- Requests ---------------------------------------------------------- */

struct reply {
    union {
        struct ovsrdma_msg_hdr hdr;
        struct ovsrdma_hello_reply hello;
        struct ovsrdma_port_reply port;
        struct ovsrdma_handle_msg handle;
        struct ovsrdma_reg_mr_reply reg_mr;
        struct ovsrdma_create_channel_reply channel;
        struct ovsrdma_create_cq_reply cq;
        struct ovsrdma_create_qp_reply qp;
        struct ovsrdma_query_qp_reply query_qp;
        uint64_t align[OVSRDMA_MAX_MSG / 8];
    } u;
    int fds[MAX_FDS];
    size_t n_fds;
};

static void
fill_port_attr(const struct dcn_session *s, struct ovsrdma_port_attr *a)
{
    const struct dcn_port_config *c = &s->port->cfg;
    size_t i;

    memset(a, 0, sizeof *a);
    ovs_strlcpy(a->port, c->port, sizeof a->port);
    ovs_strlcpy(a->bridge, c->bridge, sizeof a->bridge);
    memcpy(a->mac, c->mac.ea, 6);
    a->overlay = c->overlay;
    a->n_gids = MIN(c->n_ips, OVSRDMA_MAX_GIDS);
    for (i = 0; i < a->n_gids; i++) {
        struct ovsrdma_sockaddr *g = &a->gids[i];

        if (IN6_IS_ADDR_V4MAPPED(&c->ips[i])) {
            g->family = AF_INET;
            memcpy(g->addr, &c->ips[i].s6_addr[12], 4);
        } else {
            g->family = AF_INET6;
            memcpy(g->addr, &c->ips[i], 16);
        }
    }
    a->max_mtu = a->active_mtu = MAX(roce_mtu_fit(c->mtu), ROCE_MTU_256);
    a->max_qp = 16384;
    a->max_cq = 16384;
    a->max_mr = MAX_OBJS_PER_SESSION;
    a->max_pd = MAX_OBJS_PER_SESSION;
    a->max_qp_wr = OVSRDMA_MAX_RING;
    a->max_cqe = OVSRDMA_MAX_RING;
    a->max_sge = OVSRDMA_MAX_SEND_SGE;
    a->max_inline = OVSRDMA_MAX_INLINE;
    a->max_qp_rd_atom = 16;
    a->state = 4;               /* IBV_PORT_ACTIVE. */
    a->node_guid = ((uint64_t) c->mac.ea[0] << 56 | (uint64_t) c->mac.ea[1]
                    << 48 | (uint64_t) c->mac.ea[2] << 40 | 0xfffeULL << 24
                    | (uint64_t) c->mac.ea[3] << 16
                    | (uint64_t) c->mac.ea[4] << 8 | c->mac.ea[5]);
}

static int
do_hello(struct dcn_session *s, const struct dcn_request *r,
         struct reply *rep)
{
    if (r->u.hello->abi_version != OVSRDMA_ABI_VERSION) {
        VLOG_WARN_RL(&rl, "DCN pid %d on %s: ABI version %"PRIu32", "
                     "this daemon speaks %d", (int) s->pid,
                     s->port->cfg.port, r->u.hello->abi_version,
                     OVSRDMA_ABI_VERSION);
        return EPROTO;
    }
    s->hello = true;
    rep->u.hello.abi_version = OVSRDMA_ABI_VERSION;
    rep->u.hello.dcn_id = s->id;
    fill_port_attr(s, &rep->u.hello.attr);
    rep->fds[rep->n_fds++] = s->doorbell;
    return 0;
}

static int
do_reg_mr(struct dcn_session *s, const struct dcn_request *r, int fd,
          struct reply *rep)
{
    const struct ovsrdma_reg_mr *m = r->u.reg_mr;
    struct dcn_obj *pd = obj_find(s, m->pd, OBJ_PD);
    long page = sysconf(_SC_PAGESIZE);
    uint64_t map_ofs, skip;
    struct dcn_obj *o;
    struct stat st;
    void *base;
    int seals;

    if (!pd) {
        return EINVAL;
    }
    /* Only sealed memfds: a file the DCN could shrink would make our
     * mapping fault (SIGBUS in ovs-vswitchd). */
    seals = fcntl(fd, F_GET_SEALS);
    if (seals < 0 || !(seals & F_SEAL_SHRINK)) {
        return EBADF;
    }
    if (fstat(fd, &st) < 0 || m->fd_offset + m->length > st.st_size) {
        return EFAULT;
    }
    map_ofs = m->fd_offset & ~(uint64_t) (page - 1);
    skip = m->fd_offset - map_ofs;
    o = obj_new(s, OBJ_MR);
    if (!o) {
        return ENOMEM;
    }
    if (m->length) {
        base = mmap(NULL, skip + m->length, PROT_READ | PROT_WRITE,
                    MAP_SHARED, fd, map_ofs);
        if (base == MAP_FAILED) {
            int error = errno;
            obj_free(s, o);
            return error;
        }
        o->u.mr.map.base = base;
        o->u.mr.map.len = skip + m->length;
    } else {
        /* A zero-length MR is valid; it has no byte to map. */
        base = (void *) (uintptr_t) page;
        skip = 0;
    }
    o->u.mr.mr = roce_reg_mr_iova(pd->u.pd, (uint8_t *) base + skip,
                                  m->length, m->addr, m->access);
    if (!o->u.mr.mr) {
        int error = errno;
        map_release(&o->u.mr.map);
        obj_free(s, o);
        return error;
    }
    o->u.mr.addr = m->addr;
    o->u.mr.length = m->length;
    rep->u.reg_mr.mr = o->handle;
    rep->u.reg_mr.lkey = roce_mr_lkey(o->u.mr.mr);
    rep->u.reg_mr.rkey = roce_mr_rkey(o->u.mr.mr);
    return 0;
}

static int
do_create_channel(struct dcn_session *s, struct reply *rep)
{
    size_t len = ovsrdma_ring_bytes(EVENT_RING_SIZE,
                                    sizeof(struct ovsrdma_event));
    struct dcn_obj *o = obj_new(s, OBJ_CHANNEL);
    int fd, efd;

    if (!o) {
        return ENOMEM;
    }
    fd = shared_create("ovs-rdma-events", len, &o->u.ch.map);
    if (fd < 0) {
        obj_free(s, o);
        return -fd;
    }
    /* Blocking, because the DCN shares the open file (and so its flags)
     * and blocks on it; the daemon only writes, which never blocks on an
     * eventfd whose counter the DCN drains. */
    efd = eventfd(0, EFD_CLOEXEC);
    if (efd < 0) {
        int error = errno;
        map_release(&o->u.ch.map);
        close(fd);
        obj_free(s, o);
        return error;
    }
    o->u.ch.ring = ring_init(o->u.ch.map.base, EVENT_RING_SIZE,
                             sizeof(struct ovsrdma_event));
    o->u.ch.size = EVENT_RING_SIZE;
    o->u.ch.eventfd = efd;
    rep->u.channel.channel = o->handle;
    rep->u.channel.size = EVENT_RING_SIZE;
    rep->u.channel.mmap_len = len;
    /* send_reply() closes what it sends, so it gets a duplicate of the
     * eventfd; the original stays with the channel. */
    rep->fds[rep->n_fds++] = fd;
    rep->fds[rep->n_fds++] = dup(efd);
    return 0;
}

static int
do_create_cq(struct dcn_session *s, const struct dcn_request *r,
             struct reply *rep)
{
    const struct ovsrdma_create_cq *m = r->u.create_cq;
    uint32_t size = ring_size_for(m->cqe);
    size_t len = ovsrdma_ring_bytes(size, sizeof(struct ovsrdma_cqe));
    struct dcn_obj *o;
    int fd;

    if (m->channel && !obj_find(s, m->channel, OBJ_CHANNEL)) {
        return EINVAL;
    }
    o = obj_new(s, OBJ_CQ);
    if (!o) {
        return ENOMEM;
    }
    o->u.cq.cq = roce_create_cq(s->server->engine, size, NULL);
    if (!o->u.cq.cq) {
        obj_free(s, o);
        return ENOMEM;
    }
    fd = shared_create("ovs-rdma-cq", len, &o->u.cq.map);
    if (fd < 0) {
        roce_destroy_cq(o->u.cq.cq);
        obj_free(s, o);
        return -fd;
    }
    o->u.cq.ring = ring_init(o->u.cq.map.base, size,
                             sizeof(struct ovsrdma_cqe));
    o->u.cq.size = size;
    o->u.cq.channel = m->channel;
    rep->u.cq.cq = o->handle;
    rep->u.cq.size = size;
    rep->u.cq.mmap_len = len;
    rep->fds[rep->n_fds++] = fd;
    return 0;
}

static int
do_create_qp(struct dcn_session *s, const struct dcn_request *r,
             struct reply *rep)
{
    const struct ovsrdma_create_qp *m = r->u.create_qp;
    struct dcn_obj *pd = obj_find(s, m->pd, OBJ_PD);
    struct dcn_obj *scq = obj_find(s, m->send_cq, OBJ_CQ);
    struct dcn_obj *rcq = obj_find(s, m->recv_cq, OBJ_CQ);
    struct roce_qp_init_attr ia;
    uint32_t sq_size, rq_size;
    size_t rq_ofs, len;
    struct dcn_obj *o;
    struct dcn_qp *qp;
    int fd;

    if (!pd || !scq || !rcq) {
        return EINVAL;
    }
    sq_size = ring_size_for(MAX(m->cap.max_send_wr, 1));
    rq_size = ring_size_for(MAX(m->cap.max_recv_wr, 1));
    o = obj_new(s, OBJ_QP);
    if (!o) {
        return ENOMEM;
    }
    qp = &o->u.qp;
    memset(&ia, 0, sizeof ia);
    ia.qp_context = qp;
    ia.send_cq = scq->u.cq.cq;
    ia.recv_cq = rcq->u.cq.cq;
    ia.qp_type = m->qp_type;
    ia.sq_sig_all = m->sq_sig_all;
    ia.cap.max_send_wr = sq_size;
    ia.cap.max_recv_wr = rq_size;
    ia.cap.max_send_sge = OVSRDMA_MAX_SEND_SGE;
    ia.cap.max_recv_sge = OVSRDMA_MAX_RECV_SGE;
    ia.cap.max_inline_data = OVSRDMA_MAX_INLINE;
    qp->qp = roce_create_qp(pd->u.pd, &ia);
    if (!qp->qp) {
        int error = errno;
        obj_free(s, o);
        return error;
    }
    rq_ofs = ROUND_UP(ovsrdma_ring_bytes(sq_size,
                                         sizeof(struct ovsrdma_send_wqe)),
                      64);
    len = rq_ofs + ovsrdma_ring_bytes(rq_size,
                                      sizeof(struct ovsrdma_recv_wqe));
    fd = shared_create("ovs-rdma-qp", len, &qp->map);
    if (fd < 0) {
        roce_destroy_qp(qp->qp);
        obj_free(s, o);
        return -fd;
    }
    qp->session = s;
    qp->handle = o->handle;
    qp->sq = ring_init(qp->map.base, sq_size,
                       sizeof(struct ovsrdma_send_wqe));
    qp->rq = ring_init((uint8_t *) qp->map.base + rq_ofs, rq_size,
                       sizeof(struct ovsrdma_recv_wqe));
    qp->sq_size = sq_size;
    qp->rq_size = rq_size;
    qp->cap.max_send_wr = sq_size;
    qp->cap.max_recv_wr = rq_size;
    qp->cap.max_send_sge = OVSRDMA_MAX_SEND_SGE;
    qp->cap.max_recv_sge = OVSRDMA_MAX_RECV_SGE;
    qp->cap.max_inline_data = OVSRDMA_MAX_INLINE;
    qp->send_cq = m->send_cq;
    qp->recv_cq = m->recv_cq;
    qp->cm_id = m->cm_id;
    if (qp->cm_id) {
        /* As rdma_create_qp() leaves it: in INIT, so that the DCN can post
         * receives before it connects or accepts. */
        struct roce_qp_attr a;

        memset(&a, 0, sizeof a);
        a.qp_state = ROCE_QPS_INIT;
        a.qp_access_flags = ROCE_ACCESS_ALL;
        a.port_num = 1;
        roce_modify_qp(qp->qp, &a, ROCE_QP_STATE | ROCE_QP_ACCESS_FLAGS
                       | ROCE_QP_PKEY_INDEX | ROCE_QP_PORT);
    }

    rep->u.qp.qp = o->handle;
    rep->u.qp.qpn = roce_qp_num(qp->qp);
    rep->u.qp.cap = qp->cap;
    rep->u.qp.sq_size = sq_size;
    rep->u.qp.rq_size = rq_size;
    rep->u.qp.rq_offset = rq_ofs;
    rep->u.qp.mmap_len = len;
    rep->fds[rep->n_fds++] = fd;
    return 0;
}

static void
qp_attr_to_roce(const struct ovsrdma_abi_qp_attr *a, struct roce_qp_attr *r)
{
    memset(r, 0, sizeof *r);
    r->qp_state = a->qp_state;
    r->cur_qp_state = a->cur_qp_state;
    r->path_mtu = a->path_mtu;
    r->qkey = a->qkey;
    r->rq_psn = a->rq_psn;
    r->sq_psn = a->sq_psn;
    r->dest_qp_num = a->dest_qp_num;
    r->qp_access_flags = a->qp_access_flags;
    r->pkey_index = a->pkey_index;
    r->max_rd_atomic = a->max_rd_atomic;
    r->max_dest_rd_atomic = a->max_dest_rd_atomic;
    r->min_rnr_timer = a->min_rnr_timer;
    r->timeout = a->timeout;
    r->retry_cnt = a->retry_cnt;
    r->rnr_retry = a->rnr_retry;
    r->port_num = 1;
}

static void
qp_attr_from_roce(const struct roce_qp_attr *r, struct ovsrdma_abi_qp_attr *a)
{
    memset(a, 0, sizeof *a);
    a->qp_state = r->qp_state;
    a->cur_qp_state = r->cur_qp_state;
    a->path_mtu = r->path_mtu;
    a->qkey = r->qkey;
    a->rq_psn = r->rq_psn;
    a->sq_psn = r->sq_psn;
    a->dest_qp_num = r->dest_qp_num;
    a->qp_access_flags = r->qp_access_flags;
    a->pkey_index = r->pkey_index;
    a->max_rd_atomic = r->max_rd_atomic;
    a->max_dest_rd_atomic = r->max_dest_rd_atomic;
    a->min_rnr_timer = r->min_rnr_timer;
    a->timeout = r->timeout;
    a->retry_cnt = r->retry_cnt;
    a->rnr_retry = r->rnr_retry;
}

/* The attributes a DCN may set itself.  The address vector (the overlay
 * path) is the host's: a DCN's QP gets it from the connection manager, and
 * a QP under the CM's control is moved through its states by the CM. */
#define DCN_QP_MASK (ROCE_QP_STATE | ROCE_QP_CUR_STATE                    \
                     | ROCE_QP_ACCESS_FLAGS | ROCE_QP_PKEY_INDEX          \
                     | ROCE_QP_PORT | ROCE_QP_QKEY | ROCE_QP_PATH_MTU     \
                     | ROCE_QP_TIMEOUT | ROCE_QP_RETRY_CNT                \
                     | ROCE_QP_RNR_RETRY | ROCE_QP_RQ_PSN                 \
                     | ROCE_QP_MAX_QP_RD_ATOMIC | ROCE_QP_MIN_RNR_TIMER   \
                     | ROCE_QP_SQ_PSN | ROCE_QP_MAX_DEST_RD_ATOMIC        \
                     | ROCE_QP_DEST_QPN)

static int
do_modify_qp(struct dcn_session *s, const struct dcn_request *r)
{
    const struct ovsrdma_modify_qp *m = r->u.modify_qp;
    struct dcn_obj *o = obj_find(s, m->qp, OBJ_QP);
    struct roce_qp_attr a;

    if (!o) {
        return EINVAL;
    }
    if (m->attr_mask & ~DCN_QP_MASK) {
        /* Notably IBV_QP_AV: resolving a GID through the bridge for a
         * QP outside the CM comes with the standard verbs ABI. */
        return EOPNOTSUPP;
    }
    if (o->u.qp.cm_id && (m->attr_mask & ROCE_QP_STATE)
        && m->attr.qp_state != ROCE_QPS_ERR) {
        return EINVAL;
    }
    qp_attr_to_roce(&m->attr, &a);
    return roce_modify_qp(o->u.qp.qp, &a, m->attr_mask);
}

static int
do_query_qp(struct dcn_session *s, const struct dcn_request *r,
            struct reply *rep)
{
    struct dcn_obj *o = obj_find(s, r->u.handle->handle, OBJ_QP);
    struct roce_qp_init_attr ia;
    struct roce_qp_attr a;
    int error;

    if (!o) {
        return EINVAL;
    }
    error = roce_query_qp(o->u.qp.qp, &a, ~0, &ia);
    if (!error) {
        qp_attr_from_roce(&a, &rep->u.query_qp.attr);
        rep->u.query_qp.cap = o->u.qp.cap;
    }
    return error;
}

static void
qp_destroy(struct dcn_session *s, struct dcn_obj *o)
{
    struct dcn_server *server = s->server;

    if (server->cm_ops) {
        server->cm_ops->qp_destroying(server->cm_aux, s, &o->u.qp);
    }
    roce_destroy_qp(o->u.qp.qp);
    map_release(&o->u.qp.map);
    obj_free(s, o);
}

static bool
cq_in_use(const struct dcn_session *s, uint32_t handle)
{
    const struct dcn_obj *o;

    HMAP_FOR_EACH (o, node, &s->objs) {
        if (o->type == OBJ_QP && (o->u.qp.send_cq == handle
                                  || o->u.qp.recv_cq == handle)) {
            return true;
        }
    }
    return false;
}

static bool
channel_in_use(const struct dcn_session *s, uint32_t handle)
{
    const struct dcn_obj *o;

    HMAP_FOR_EACH (o, node, &s->objs) {
        if (o->type == OBJ_CQ && o->u.cq.channel == handle) {
            return true;
        }
    }
    return false;
}

static void
obj_destroy(struct dcn_session *s, struct dcn_obj *o)
{
    switch (o->type) {
    case OBJ_PD:
        roce_dealloc_pd(o->u.pd);
        break;
    case OBJ_MR:
        roce_dereg_mr(o->u.mr.mr);
        map_release(&o->u.mr.map);
        break;
    case OBJ_CQ:
        roce_destroy_cq(o->u.cq.cq);
        map_release(&o->u.cq.map);
        break;
    case OBJ_QP:
        qp_destroy(s, o);
        return;
    case OBJ_CHANNEL:
        close(o->u.ch.eventfd);
        map_release(&o->u.ch.map);
        break;
    }
    obj_free(s, o);
}

/* DEALLOC_PD, DEREG_MR, DESTROY_CQ, DESTROY_QP, DESTROY_CHANNEL. */
static int
do_destroy(struct dcn_session *s, const struct dcn_request *r,
           enum dcn_obj_type type)
{
    struct dcn_obj *o = obj_find(s, r->u.handle->handle, type);

    if (!o) {
        return EINVAL;
    }
    if ((type == OBJ_CQ && cq_in_use(s, o->handle))
        || (type == OBJ_CHANNEL && channel_in_use(s, o->handle))) {
        return EBUSY;
    }
    if (type == OBJ_PD) {
        int error = roce_dealloc_pd(o->u.pd);
        if (error) {
            return error;
        }
        obj_free(s, o);
        return 0;
    }
    obj_destroy(s, o);
    return 0;
}

static int
dispatch(struct dcn_session *s, const struct dcn_request *r, int *fds,
         struct reply *rep)
{
    if (!s->hello && r->type != OVSRDMA_MSG_HELLO) {
        return EPROTO;
    }
    switch ((enum ovsrdma_msg_type) r->type) {
    case OVSRDMA_MSG_HELLO:
        return do_hello(s, r, rep);
    case OVSRDMA_MSG_QUERY_PORT:
        fill_port_attr(s, &rep->u.port.attr);
        return 0;
    case OVSRDMA_MSG_ALLOC_PD: {
        struct dcn_obj *o = obj_new(s, OBJ_PD);

        if (!o) {
            return ENOMEM;
        }
        o->u.pd = roce_alloc_pd(s->server->engine);
        if (!o->u.pd) {
            obj_free(s, o);
            return ENOMEM;
        }
        rep->u.handle.handle = o->handle;
        return 0;
    }
    case OVSRDMA_MSG_DEALLOC_PD:
        return do_destroy(s, r, OBJ_PD);
    case OVSRDMA_MSG_REG_MR:
        return do_reg_mr(s, r, fds[0], rep);
    case OVSRDMA_MSG_DEREG_MR:
        return do_destroy(s, r, OBJ_MR);
    case OVSRDMA_MSG_CREATE_CHANNEL:
        return do_create_channel(s, rep);
    case OVSRDMA_MSG_DESTROY_CHANNEL:
        return do_destroy(s, r, OBJ_CHANNEL);
    case OVSRDMA_MSG_CREATE_CQ:
        return do_create_cq(s, r, rep);
    case OVSRDMA_MSG_DESTROY_CQ:
        return do_destroy(s, r, OBJ_CQ);
    case OVSRDMA_MSG_CREATE_QP:
        return do_create_qp(s, r, rep);
    case OVSRDMA_MSG_MODIFY_QP:
        return do_modify_qp(s, r);
    case OVSRDMA_MSG_QUERY_QP:
        return do_query_qp(s, r, rep);
    case OVSRDMA_MSG_DESTROY_QP:
        return do_destroy(s, r, OBJ_QP);
    case OVSRDMA_MSG_CM_CREATE_ID:
    case OVSRDMA_MSG_CM_DESTROY_ID:
    case OVSRDMA_MSG_CM_BIND_ADDR:
    case OVSRDMA_MSG_CM_RESOLVE_ADDR:
    case OVSRDMA_MSG_CM_RESOLVE_ROUTE:
    case OVSRDMA_MSG_CM_LISTEN:
    case OVSRDMA_MSG_CM_CONNECT:
    case OVSRDMA_MSG_CM_ACCEPT:
    case OVSRDMA_MSG_CM_REJECT:
    case OVSRDMA_MSG_CM_DISCONNECT:
        if (!s->server->cm_ops) {
            return EOPNOTSUPP;
        }
        return s->server->cm_ops->request(s->server->cm_aux, s, r,
                                          &rep->u.handle.handle);
    case OVSRDMA_MSG_N_TYPES:
    default:
        return EINVAL;
    }
}

/* Sends 'rep' for request (type, seq); closes the reply's fds. */
static int
send_reply(struct dcn_session *s, uint16_t type, uint32_t seq, int status,
           struct reply *rep)
{
    size_t len = status ? sizeof rep->u.hdr : dcn_msg_reply_size(type);
    union {
        struct cmsghdr cm;
        char buf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
    } control;
    struct iovec iov = { .iov_base = &rep->u, .iov_len = len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    int fds[MAX_FDS];
    size_t n = 0, i;
    ssize_t retval;

    for (i = 0; i < rep->n_fds; i++) {
        if (rep->fds[i] >= 0) {
            fds[n++] = rep->fds[i];
        }
    }
    if (status) {
        for (i = 0; i < n; i++) {
            close(fds[i]);
        }
        n = 0;
    }
    rep->u.hdr.type = type | OVSRDMA_MSG_REPLY;
    rep->u.hdr.n_fds = n;
    rep->u.hdr.len = len;
    rep->u.hdr.seq = seq;
    rep->u.hdr.status = status;
    if (n) {
        memset(&control, 0, sizeof control);
        msg.msg_control = control.buf;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
        control.cm.cmsg_level = SOL_SOCKET;
        control.cm.cmsg_type = SCM_RIGHTS;
        control.cm.cmsg_len = CMSG_LEN(sizeof(int) * n);
        memcpy(CMSG_DATA(&control.cm), fds, sizeof(int) * n);
    }
    retval = sendmsg(s->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    for (i = 0; i < n; i++) {
        /* The session's doorbell stays ours; everything else was created
         * for the DCN. */
        if (fds[i] != s->doorbell) {
            close(fds[i]);
        }
    }
    return retval == len ? 0 : retval < 0 ? errno : EMSGSIZE;
}

/* Reads and answers one request.  Returns EAGAIN when there is none, 0
 * after a request, another errno value when the session must close. */
static int
session_recv(struct dcn_session *s)
{
    union {
        uint64_t align[OVSRDMA_MAX_MSG / 8];
        char buf[OVSRDMA_MAX_MSG];
    } in;
    union {
        struct cmsghdr cm;
        char buf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
    } control;
    struct iovec iov = { .iov_base = in.buf, .iov_len = sizeof in.buf };
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control.buf, .msg_controllen = sizeof control.buf,
    };
    int fds[MAX_FDS];
    size_t n_fds = 0, i;
    struct dcn_request r;
    struct reply rep;
    const char *bad;
    ssize_t n;
    int status;

    n = recvmsg(s->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0) {
        return errno == EINTR ? 0 : errno;
    } else if (n == 0) {
        return EOF;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c;
         c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            int *p = (int *) CMSG_DATA(c);

            for (i = 0; i < k; i++) {
                if (n_fds < MAX_FDS) {
                    fds[n_fds++] = p[i];
                } else {
                    close(p[i]);
                }
            }
        }
    }
    memset(&rep, 0, sizeof rep);
    for (i = 0; i < MAX_FDS; i++) {
        rep.fds[i] = -1;
    }
    bad = (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
          ? "message or its descriptors truncated"
          : dcn_msg_decode(in.buf, n, n_fds, &r);
    if (bad) {
        COVERAGE_INC(rdma_dcn_bad_request);
        VLOG_WARN_RL(&rl, "DCN pid %d on %s: bad %s request: %s",
                     (int) s->pid, s->port->cfg.port,
                     dcn_msg_type_name(r.type), bad);
        status = EINVAL;
    } else {
        status = dispatch(s, &r, fds, &rep);
    }
    for (i = 0; i < n_fds; i++) {
        close(fds[i]);
    }
    if (n < sizeof(struct ovsrdma_msg_hdr)) {
        /* Not even a header to answer: the DCN does not speak the ABI. */
        return EPROTO;
    }
    return send_reply(s, r.type, r.seq, status, &rep);
}

/* ---- Sessions ---------------------------------------------------------- */

static void
session_close(struct dcn_session *s, const char *why)
{
    struct dcn_server *server = s->server;
    struct dcn_obj *o;

    VLOG_INFO("DCN pid %d detached from %s: %s", (int) s->pid,
              s->port->cfg.port, why);
    COVERAGE_INC(rdma_dcn_detach);
    s->closing = true;
    if (server->cm_ops) {
        server->cm_ops->session_closing(server->cm_aux, s);
    }
    /* QPs first (they use CQs, MRs and PDs), then MRs, CQs, channels and
     * PDs last. */
    for (enum dcn_obj_type t = OBJ_QP; ; ) {
        struct dcn_obj *next;

        HMAP_FOR_EACH_SAFE (o, next, node, &s->objs) {
            if (o->type == t) {
                obj_destroy(s, o);
            }
        }
        t = (t == OBJ_QP ? OBJ_MR : t == OBJ_MR ? OBJ_CQ
             : t == OBJ_CQ ? OBJ_CHANNEL : t == OBJ_CHANNEL ? OBJ_PD
             : OBJ_QP);
        if (t == OBJ_QP) {
            break;
        }
    }
    hmap_destroy(&s->objs);
    hmap_remove(&server->sessions, &s->node);
    close(s->fd);
    close(s->doorbell);
    free(s);
}

static void
port_accept(struct dcn_port *p)
{
    struct dcn_server *server = p->server;

    for (;;) {
        struct dcn_session *s;
        struct ucred cred;
        socklen_t len = sizeof cred;
        int fd = accept4(p->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

        if (fd < 0) {
            return;
        }
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
            close(fd);
            continue;
        }
        s = xzalloc(sizeof *s);
        s->server = server;
        s->port = p;
        s->id = ++server->next_session_id;
        s->fd = fd;
        s->pid = cred.pid;
        s->uid = cred.uid;
        s->gid = cred.gid;
        s->doorbell = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        hmap_init(&s->objs);
        hmap_insert(&server->sessions, &s->node, s->id);
        COVERAGE_INC(rdma_dcn_attach);
        VLOG_INFO("DCN pid %d (uid %d) attached to %s", (int) s->pid,
                  (int) s->uid, p->cfg.port);
    }
}

/* ---- Ports ------------------------------------------------------------- */

static void
port_config_copy(struct dcn_port_config *dst,
                 const struct dcn_port_config *src)
{
    *dst = *src;
    dst->bridge = xstrdup(src->bridge);
    dst->port = xstrdup(src->port);
}

static void
port_config_free(struct dcn_port_config *c)
{
    free(CONST_CAST(char *, c->bridge));
    free(CONST_CAST(char *, c->port));
}

/* Creates the socket of RDMA-enabled port 'cfg->port'.  Returns 0 or a
 * positive errno value with a message in '*errorp'. */
int
dcn_port_add(struct dcn_server *server, const struct dcn_port_config *cfg,
             char **errorp)
{
    struct dcn_port *p;
    char *path;
    int fd;

    *errorp = NULL;
    if (shash_find(&server->ports, cfg->port)) {
        return dcn_port_update(server, cfg);
    }
    if (strchr(cfg->port, '/')) {
        *errorp = xasprintf("port name %s cannot name a socket", cfg->port);
        return EINVAL;
    }
    path = xasprintf("%s/rdma-overlay.%s.sock", ovs_rundir(), cfg->port);
    unlink(path);
    fd = make_unix_socket(SOCK_SEQPACKET, true, path, NULL);
    if (fd < 0) {
        *errorp = xasprintf("%s: cannot create socket: %s", path,
                            ovs_strerror(-fd));
        free(path);
        return -fd;
    }
    if (chmod(path, cfg->socket_mode) < 0 || listen(fd, 64) < 0) {
        int error = errno;
        *errorp = xasprintf("%s: %s", path, ovs_strerror(error));
        close(fd);
        unlink(path);
        free(path);
        return error;
    }
    p = xzalloc(sizeof *p);
    p->server = server;
    port_config_copy(&p->cfg, cfg);
    p->path = path;
    p->fd = fd;
    shash_add(&server->ports, cfg->port, p);
    VLOG_INFO("%s: DCN socket %s", cfg->port, path);
    return 0;
}

/* Updates what the host decides for the DCNs of 'cfg->port' (addresses,
 * MTU, socket permissions).  Attached DCNs see it at their next
 * QUERY_PORT; their connections are revalidated by the CM. */
int
dcn_port_update(struct dcn_server *server, const struct dcn_port_config *cfg)
{
    struct dcn_port *p = shash_find_data(&server->ports, cfg->port);

    if (!p) {
        return ENOENT;
    }
    port_config_free(&p->cfg);
    port_config_copy(&p->cfg, cfg);
    if (chmod(p->path, cfg->socket_mode) < 0) {
        VLOG_WARN_RL(&rl, "%s: chmod: %s", p->path, ovs_strerror(errno));
    }
    return 0;
}

/* Removes the socket of 'port' and detaches its DCNs. */
void
dcn_port_remove(struct dcn_server *server, const char *port)
{
    struct dcn_port *p = shash_find_and_delete(&server->ports, port);
    struct dcn_session *s;

    if (!p) {
        return;
    }
    HMAP_FOR_EACH_SAFE (s, node, &server->sessions) {
        if (s->port == p) {
            s->removed = true;
            session_close(s, "port removed");
        }
    }
    close(p->fd);
    fatal_signal_unlink_file_now(p->path);
    free(p->path);
    port_config_free(&p->cfg);
    free(p);
}

/* Returns the socket path of 'port', or NULL if it has none. */
const char *
dcn_port_socket_path(const struct dcn_server *server, const char *port)
{
    const struct dcn_port *p = shash_find_data(&server->ports, port);

    return p ? p->path : NULL;
}

/* ---- Server ------------------------------------------------------------ */

/* Creates a server whose DCNs' objects live in 'engine'. */
struct dcn_server *
dcn_server_create(struct roce_engine *engine)
{
    struct dcn_server *server = xzalloc(sizeof *server);

    server->engine = engine;
    shash_init(&server->ports);
    hmap_init(&server->sessions);
    return server;
}

/* Detaches every DCN and removes every socket. */
void
dcn_server_destroy(struct dcn_server *server)
{
    struct shash_node *node;

    if (!server) {
        return;
    }
    SHASH_FOR_EACH_SAFE (node, &server->ports) {
        dcn_port_remove(server, node->name);
    }
    shash_destroy(&server->ports);
    hmap_destroy(&server->sessions);
    free(server);
}

/* Registers the connection manager's hooks. */
void
dcn_server_set_cm_ops(struct dcn_server *server,
                      const struct dcn_cm_ops *ops, void *aux)
{
    server->cm_ops = ops;
    server->cm_aux = aux;
}

static void
session_run(struct dcn_session *s)
{
    struct dcn_obj *o;
    uint64_t count;
    int error = 0;
    int i;

    for (i = 0; i < 64; i++) {
        error = session_recv(s);
        if (error) {
            break;
        }
    }
    if (error && error != EAGAIN) {
        session_close(s, error == EOF ? "process closed its socket"
                      : ovs_strerror(error));
        return;
    }
    ignore(read(s->doorbell, &count, sizeof count));
    HMAP_FOR_EACH (o, node, &s->objs) {
        if (o->type == OBJ_QP) {
            dcn_qp_process(&o->u.qp);
        }
    }
    HMAP_FOR_EACH (o, node, &s->objs) {
        if (o->type == OBJ_CQ && !o->u.cq.broken) {
            cq_drain(s, o);
        }
    }
}

/* Accepts DCNs, answers their requests, moves their work requests into
 * the engine and the engine's completions out to them.  Call after the
 * engine ran, so that completions reach the DCNs in the same iteration. */
void
dcn_server_run(struct dcn_server *server)
{
    struct shash_node *node;
    struct dcn_session *s;

    SHASH_FOR_EACH (node, &server->ports) {
        port_accept(node->data);
    }
    HMAP_FOR_EACH_SAFE (s, node, &server->sessions) {
        session_run(s);
    }
}

/* Arranges for the poll loop to wake for a DCN's socket or doorbell. */
void
dcn_server_wait(struct dcn_server *server)
{
    struct shash_node *node;
    struct dcn_session *s;

    SHASH_FOR_EACH (node, &server->ports) {
        struct dcn_port *p = node->data;
        poll_fd_wait(p->fd, POLLIN);
    }
    HMAP_FOR_EACH (s, node, &server->sessions) {
        struct dcn_obj *o;

        poll_fd_wait(s->fd, POLLIN);
        poll_fd_wait(s->doorbell, POLLIN);
        HMAP_FOR_EACH (o, node, &s->objs) {
            if (o->type == OBJ_QP && o->u.qp.backlog) {
                poll_immediate_wake();
            }
        }
    }
}

/* ---- Accessors for the connection manager ------------------------------ */

const struct dcn_port_config *
dcn_session_port(const struct dcn_session *s)
{
    return &s->port->cfg;
}

pid_t
dcn_session_pid(const struct dcn_session *s)
{
    return s->pid;
}

uint32_t
dcn_session_id(const struct dcn_session *s)
{
    return s->id;
}

/* Is 's' closing because its port (or the whole server) went away, rather
 * than because its process left? */
bool
dcn_session_removed(const struct dcn_session *s)
{
    return s->removed;
}

/* Is 'ip' one of the addresses the host gave this session's port? */
bool
dcn_session_has_ip(const struct dcn_session *s, const struct in6_addr *ip)
{
    const struct dcn_port_config *c = &s->port->cfg;
    size_t i;

    for (i = 0; i < c->n_ips; i++) {
        if (ipv6_addr_equals(&c->ips[i], ip)) {
            return true;
        }
    }
    return false;
}

struct dcn_qp *
dcn_session_find_qp(struct dcn_session *s, uint32_t handle)
{
    struct dcn_obj *o = obj_find(s, handle, OBJ_QP);

    return o ? &o->u.qp : NULL;
}

bool
dcn_session_has_channel(struct dcn_session *s, uint32_t handle)
{
    return obj_find(s, handle, OBJ_CHANNEL) != NULL;
}

struct roce_qp *
dcn_qp_roce(const struct dcn_qp *qp)
{
    return qp->qp;
}

uint32_t
dcn_qp_handle(const struct dcn_qp *qp)
{
    return qp->handle;
}

uint32_t
dcn_qp_cm_id(const struct dcn_qp *qp)
{
    return qp->cm_id;
}

struct roce_engine *
dcn_server_engine(const struct dcn_server *server)
{
    return server->engine;
}

size_t
dcn_server_n_sessions(const struct dcn_server *server)
{
    return hmap_count(&server->sessions);
}

static int
compare_sessions(const void *a_, const void *b_)
{
    const struct dcn_session *const *a = a_, *const *b = b_;
    int c = strcmp((*a)->port->cfg.port, (*b)->port->cfg.port);

    return c ? c : (*a)->pid < (*b)->pid ? -1 : (*a)->pid > (*b)->pid;
}

/* rdma-overlay/dump-dcns: one line per attached process, sorted by port
 * and pid. */
void
dcn_server_format(const struct dcn_server *server, struct ds *ds)
{
    size_t n = hmap_count(&server->sessions), i = 0;
    const struct dcn_session **v = xmalloc(MAX(n, 1) * sizeof *v);
    const struct dcn_session *s;

    HMAP_FOR_EACH (s, node, &server->sessions) {
        v[i++] = s;
    }
    qsort(v, n, sizeof *v, compare_sessions);
    ds_put_format(ds, "%-16s %-8s %-6s %4s %4s %4s %4s %4s\n",
                  "PORT", "PID", "UID", "PD", "MR", "CQ", "QP", "CH");
    for (i = 0; i < n; i++) {
        s = v[i];
        ds_put_format(ds, "%-16s %-8d %-6d %4"PRIuSIZE" %4"PRIuSIZE
                      " %4"PRIuSIZE" %4"PRIuSIZE" %4"PRIuSIZE"\n",
                      s->port->cfg.port, (int) s->pid, (int) s->uid,
                      s->n_by_type[OBJ_PD], s->n_by_type[OBJ_MR],
                      s->n_by_type[OBJ_CQ], s->n_by_type[OBJ_QP],
                      s->n_by_type[OBJ_CHANNEL]);
    }
    free(v);
}

static int
compare_qps(const void *a_, const void *b_)
{
    const struct dcn_qp *const *a = a_, *const *b = b_;
    uint32_t qa = roce_qp_num((*a)->qp), qb = roce_qp_num((*b)->qp);

    return qa < qb ? -1 : qa > qb;
}

/* rdma-overlay/dump-qps: one line per QP of every attached DCN, sorted by
 * QP number. */
void
dcn_server_format_qps(const struct dcn_server *server, struct ds *ds)
{
    const struct dcn_session *s;
    const struct dcn_qp **v = NULL;
    size_t n = 0, allocated = 0, i;

    HMAP_FOR_EACH (s, node, &server->sessions) {
        const struct dcn_obj *o;

        HMAP_FOR_EACH (o, node, &s->objs) {
            if (o->type == OBJ_QP) {
                if (n >= allocated) {
                    v = x2nrealloc(v, &allocated, sizeof *v);
                }
                v[n++] = &o->u.qp;
            }
        }
    }
    if (n) {
        qsort(v, n, sizeof *v, compare_qps);
    }
    ds_put_format(ds, "%-8s %-4s %-6s %-12s %-8s %-10s %-8s %-8s %10s %10s "
                  "%8s %8s\n", "QPN", "TYPE", "STATE", "PORT", "PID", "CONN",
                  "SQ_PSN", "RQ_PSN", "TX_PKTS", "RX_PKTS", "RETX",
                  "DROPS");
    for (i = 0; i < n; i++) {
        const struct dcn_qp *qp = v[i];
        const struct roce_stats *st = roce_qp_stats(qp->qp);
        struct roce_qp_init_attr ia;
        struct roce_qp_attr a;
        uint64_t drops = 0;
        int c;

        roce_query_qp(qp->qp, &a, ~0, &ia);
        for (c = ROCE_CTR_RX_DROP_PARSE; c <= ROCE_CTR_RX_DROP_UNEXPECTED;
             c++) {
            drops += st->c[c];
        }
        drops += st->c[ROCE_CTR_RX_DROP_BUSY];
        ds_put_format(ds, "%-8"PRIu32" %-4s %-6s %-12s %-8d ",
                      roce_qp_num(qp->qp),
                      ia.qp_type == ROCE_QPT_UD ? "UD" : "RC",
                      roce_qp_state_str(a.qp_state),
                      qp->session->port->cfg.port, (int) qp->session->pid);
        if (qp->cm_id) {
            ds_put_format(ds, "%#-10"PRIx32" ", qp->cm_id);
        } else {
            ds_put_format(ds, "%-10s ", "-");
        }
        ds_put_format(ds, "%-8"PRIu32" %-8"PRIu32" %10"PRIu64" %10"PRIu64
                      " %8"PRIu64" %8"PRIu64"\n", a.sq_psn, a.rq_psn,
                      st->c[ROCE_CTR_TX_FRAMES], st->c[ROCE_CTR_RX_FRAMES],
                      st->c[ROCE_CTR_RETRANSMIT_PKTS], drops);
    }
    free(v);
}
