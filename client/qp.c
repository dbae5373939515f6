/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* Queue pairs.  Work requests are checked here, written into the shared
 * send and receive rings and published with one release store; the
 * daemon is woken through the session doorbell only when it has stopped
 * polling the ring.  Everything else about a QP is a control request. */

#include "client-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SEND_WQE_SIZE sizeof(struct ovsrdma_send_wqe)
#define RECV_WQE_SIZE sizeof(struct ovsrdma_recv_wqe)

static uint32_t
min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* Maps the rings described by 'reply' (the memfd 'fd', which is closed)
 * into 'qp'.  Returns 0 or an errno value. */
static int
qp_map_rings(struct qp_priv *qp, const struct ovsrdma_create_qp_reply *reply,
             int fd)
{
    size_t sq_bytes = ovsrdma_ring_bytes(reply->sq_size, SEND_WQE_SIZE);
    size_t rq_bytes = ovsrdma_ring_bytes(reply->rq_size, RECV_WQE_SIZE);
    int error;

    /* The receive ring follows the send ring, its header on a cache line
     * boundary like the send ring's. */
    if (reply->rq_offset < sq_bytes || reply->rq_offset % 64
        || reply->rq_offset > reply->mmap_len) {
        close(fd);
        return EPROTO;
    }
    qp->map_len = reply->mmap_len;
    error = dcn_map_fd(fd, reply->mmap_len, reply->rq_offset + rq_bytes,
                       &qp->map);
    if (error) {
        return error;
    }
    error = dcn_ring_attach(&qp->sq, qp->map, reply->sq_size, SEND_WQE_SIZE,
                            true);
    if (!error) {
        error = dcn_ring_attach(&qp->rq, (char *) qp->map + reply->rq_offset,
                                reply->rq_size, RECV_WQE_SIZE, true);
    }
    if (error) {
        munmap(qp->map, qp->map_len);
    }
    return error;
}

/* Creates a QP in 'pd' as described by 'attr', owned by the CM ID whose
 * handle is 'cm_id' if it is nonzero.  Stores the granted capabilities in
 * attr->cap.  Returns NULL with errno set on failure. */
struct ovsrdma_qp *
dcn_create_qp(struct ovsrdma_pd *pd, struct ovsrdma_qp_init_attr *attr,
              uint32_t cm_id)
{
    struct ovsrdma_context *ctx = pd->context;
    struct ovsrdma_create_qp req;
    struct ovsrdma_create_qp_reply reply;
    struct qp_priv *qp;
    int fd, error;

    if (!attr->send_cq || !attr->recv_cq
        || (attr->qp_type != OVSRDMA_QPT_RC
            && attr->qp_type != OVSRDMA_QPT_UD)) {
        errno = EINVAL;
        return NULL;
    }
    qp = calloc(1, sizeof *qp);
    if (!qp) {
        errno = ENOMEM;
        return NULL;
    }

    memset(&req, 0, sizeof req);
    req.pd = pd->handle;
    req.send_cq = attr->send_cq->handle;
    req.recv_cq = attr->recv_cq->handle;
    req.qp_type = attr->qp_type;
    req.sq_sig_all = attr->sq_sig_all != 0;
    req.cm_id = cm_id;
    req.cap.max_send_wr = attr->cap.max_send_wr;
    req.cap.max_recv_wr = attr->cap.max_recv_wr;
    req.cap.max_send_sge = attr->cap.max_send_sge;
    req.cap.max_recv_sge = attr->cap.max_recv_sge;
    req.cap.max_inline_data = attr->cap.max_inline_data;
    error = dcn_call(ctx, OVSRDMA_MSG_CREATE_QP, &req, sizeof req, -1,
                     &reply, sizeof reply, sizeof reply, &fd, 1);
    if (error) {
        free(qp);
        errno = error;
        return NULL;
    }
    error = qp_map_rings(qp, &reply, fd);
    if (error) {
        dcn_call_handle(ctx, OVSRDMA_MSG_DESTROY_QP, reply.qp, 0, NULL);
        free(qp);
        errno = error;
        return NULL;
    }

    /* A WQE cannot hold more than the ABI's maxima, whatever the daemon
     * says. */
    qp->cap.max_send_wr = reply.cap.max_send_wr;
    qp->cap.max_recv_wr = reply.cap.max_recv_wr;
    qp->cap.max_send_sge = min_u32(reply.cap.max_send_sge,
                                   OVSRDMA_MAX_SEND_SGE);
    qp->cap.max_recv_sge = min_u32(reply.cap.max_recv_sge,
                                   OVSRDMA_MAX_RECV_SGE);
    qp->cap.max_inline_data = min_u32(reply.cap.max_inline_data,
                                      OVSRDMA_MAX_INLINE);
    attr->cap = qp->cap;
    qp->sq_sig_all = attr->sq_sig_all;
    pthread_mutex_init(&qp->sq_lock, NULL);
    pthread_mutex_init(&qp->rq_lock, NULL);

    qp->pub.context = ctx;
    qp->pub.qp_context = attr->qp_context;
    qp->pub.pd = pd;
    qp->pub.send_cq = attr->send_cq;
    qp->pub.recv_cq = attr->recv_cq;
    qp->pub.handle = reply.qp;
    qp->pub.qp_num = reply.qpn;
    qp->pub.state = OVSRDMA_QPS_RESET;
    qp->pub.qp_type = attr->qp_type;
    return &qp->pub;
}

/* Creates a QP, like ibv_create_qp(): attr->cap is updated with what was
 * granted.  Returns NULL with errno set on failure. */
struct ovsrdma_qp *
ovsrdma_create_qp(struct ovsrdma_pd *pd, struct ovsrdma_qp_init_attr *attr)
{
    return dcn_create_qp(pd, attr, 0);
}

/* Destroys 'qp', like ibv_destroy_qp(). */
int
ovsrdma_destroy_qp(struct ovsrdma_qp *qp_)
{
    struct qp_priv *qp = qp_priv(qp_);
    int error;

    error = dcn_call_handle(qp_->context, OVSRDMA_MSG_DESTROY_QP,
                            qp_->handle, 0, NULL);
    if (!error) {
        munmap(qp->map, qp->map_len);
        pthread_mutex_destroy(&qp->sq_lock);
        pthread_mutex_destroy(&qp->rq_lock);
        free(qp);
    }
    return error;
}

static void
qp_attr_to_abi(const struct ovsrdma_qp_attr *a, struct ovsrdma_abi_qp_attr *w)
{
    memset(w, 0, sizeof *w);
    w->qp_state = a->qp_state;
    w->cur_qp_state = a->cur_qp_state;
    w->path_mtu = a->path_mtu;
    w->qkey = a->qkey;
    w->rq_psn = a->rq_psn;
    w->sq_psn = a->sq_psn;
    w->dest_qp_num = a->dest_qp_num;
    w->qp_access_flags = a->qp_access_flags;
    w->max_rd_atomic = a->max_rd_atomic;
    w->max_dest_rd_atomic = a->max_dest_rd_atomic;
    w->min_rnr_timer = a->min_rnr_timer;
    w->timeout = a->timeout;
    w->retry_cnt = a->retry_cnt;
    w->rnr_retry = a->rnr_retry;
    w->pkey_index = a->pkey_index;
    memcpy(w->dgid, a->dgid, sizeof w->dgid);
}

static void
qp_attr_from_abi(const struct ovsrdma_abi_qp_attr *w,
                 struct ovsrdma_qp_attr *a)
{
    a->qp_state = w->qp_state;
    a->cur_qp_state = w->cur_qp_state;
    a->path_mtu = w->path_mtu;
    a->qkey = w->qkey;
    a->rq_psn = w->rq_psn;
    a->sq_psn = w->sq_psn;
    a->dest_qp_num = w->dest_qp_num;
    a->qp_access_flags = w->qp_access_flags;
    a->max_rd_atomic = w->max_rd_atomic;
    a->max_dest_rd_atomic = w->max_dest_rd_atomic;
    a->min_rnr_timer = w->min_rnr_timer;
    a->timeout = w->timeout;
    a->retry_cnt = w->retry_cnt;
    a->rnr_retry = w->rnr_retry;
    a->pkey_index = w->pkey_index;
    memcpy(a->dgid, w->dgid, sizeof a->dgid);
}

/* Modifies the attributes of 'qp' selected by 'attr_mask' (OVSRDMA_QP_*),
 * like ibv_modify_qp(). */
int
ovsrdma_modify_qp(struct ovsrdma_qp *qp, struct ovsrdma_qp_attr *attr,
                  int attr_mask)
{
    struct ovsrdma_modify_qp req;
    int error;

    memset(&req, 0, sizeof req);
    req.qp = qp->handle;
    req.attr_mask = attr_mask;
    qp_attr_to_abi(attr, &req.attr);
    error = dcn_call(qp->context, OVSRDMA_MSG_MODIFY_QP, &req, sizeof req,
                     -1, NULL, 0, 0, NULL, 0);
    if (!error && (attr_mask & OVSRDMA_QP_STATE)) {
        qp->state = attr->qp_state;
    }
    return error;
}

/* Queries the attributes of 'qp', like ibv_query_qp(): fills '*attr'
 * (all of it; 'attr_mask' is passed to the daemon as a hint) and
 * '*init_attr' (if nonnull). */
int
ovsrdma_query_qp(struct ovsrdma_qp *qp_, struct ovsrdma_qp_attr *attr,
                 int attr_mask, struct ovsrdma_qp_init_attr *init_attr)
{
    struct qp_priv *qp = qp_priv(qp_);
    struct ovsrdma_handle_msg req;
    struct ovsrdma_query_qp_reply reply;
    struct ovsrdma_qp_cap cap;
    int error;

    memset(&req, 0, sizeof req);
    req.handle = qp_->handle;
    req.arg = attr_mask;
    error = dcn_call(qp_->context, OVSRDMA_MSG_QUERY_QP, &req, sizeof req,
                     -1, &reply, sizeof reply, sizeof reply, NULL, 0);
    if (error) {
        return error;
    }
    cap.max_send_wr = reply.cap.max_send_wr;
    cap.max_recv_wr = reply.cap.max_recv_wr;
    cap.max_send_sge = reply.cap.max_send_sge;
    cap.max_recv_sge = reply.cap.max_recv_sge;
    cap.max_inline_data = reply.cap.max_inline_data;
    qp_attr_from_abi(&reply.attr, attr);
    attr->cap = cap;
    qp_->state = attr->qp_state;
    if (init_attr) {
        memset(init_attr, 0, sizeof *init_attr);
        init_attr->qp_context = qp_->qp_context;
        init_attr->send_cq = qp_->send_cq;
        init_attr->recv_cq = qp_->recv_cq;
        init_attr->cap = cap;
        init_attr->qp_type = qp_->qp_type;
        init_attr->sq_sig_all = qp->sq_sig_all;
    }
    return 0;
}

static bool
wr_is_atomic(enum ovsrdma_wr_opcode op)
{
    return (op == OVSRDMA_WR_ATOMIC_CMP_AND_SWP
            || op == OVSRDMA_WR_ATOMIC_FETCH_AND_ADD);
}

/* Checks send work request 'wr' against 'qp'.  Returns 0 or EINVAL. */
static int
check_send_wr(const struct qp_priv *qp, const struct ovsrdma_send_wr *wr)
{
    enum ovsrdma_wr_opcode op = wr->opcode;

    if (op > OVSRDMA_WR_ATOMIC_FETCH_AND_ADD
        || wr->num_sge < 0 || wr->num_sge > qp->cap.max_send_sge
        || (wr->num_sge && !wr->sg_list)) {
        return EINVAL;
    }
    if (qp->pub.qp_type == OVSRDMA_QPT_UD
        && op != OVSRDMA_WR_SEND && op != OVSRDMA_WR_SEND_WITH_IMM) {
        return EINVAL;
    }
    if (wr_is_atomic(op)
        && (wr->num_sge != 1 || wr->sg_list[0].length != 8
            || wr->wr.atomic.remote_addr % 8)) {
        return EINVAL;
    }
    if (wr->send_flags & OVSRDMA_SEND_INLINE) {
        uint64_t total = 0;
        int i;

        if (op == OVSRDMA_WR_RDMA_READ || wr_is_atomic(op)) {
            return EINVAL;
        }
        for (i = 0; i < wr->num_sge; i++) {
            total += wr->sg_list[i].length;
        }
        if (total > qp->cap.max_inline_data) {
            return EINVAL;
        }
    }
    return 0;
}

/* Writes the WQE for checked request 'wr' at 'wqe'. */
static void
fill_send_wqe(struct ovsrdma_send_wqe *wqe, const struct ovsrdma_send_wr *wr,
              enum ovsrdma_qp_type qp_type)
{
    int i;

    wqe->wr_id = wr->wr_id;
    wqe->opcode = wr->opcode;
    wqe->send_flags = wr->send_flags;
    wqe->imm_data = wr->imm_data;
    wqe->remote_addr = 0;
    wqe->rkey = 0;
    wqe->ah = 0;
    wqe->compare_add = 0;
    wqe->swap = 0;
    wqe->remote_qpn = 0;
    wqe->remote_qkey = 0;

    if (qp_type == OVSRDMA_QPT_UD) {
        wqe->ah = wr->wr.ud.ah;
        wqe->remote_qpn = wr->wr.ud.remote_qpn;
        wqe->remote_qkey = wr->wr.ud.remote_qkey;
    } else if (wr_is_atomic(wr->opcode)) {
        wqe->remote_addr = wr->wr.atomic.remote_addr;
        wqe->rkey = wr->wr.atomic.rkey;
        wqe->compare_add = wr->wr.atomic.compare_add;
        wqe->swap = wr->wr.atomic.swap;
    } else if (wr->opcode != OVSRDMA_WR_SEND
               && wr->opcode != OVSRDMA_WR_SEND_WITH_IMM) {
        wqe->remote_addr = wr->wr.rdma.remote_addr;
        wqe->rkey = wr->wr.rdma.rkey;
    }

    if (wr->send_flags & OVSRDMA_SEND_INLINE) {
        uint32_t n = 0;

        for (i = 0; i < wr->num_sge; i++) {
            const struct ovsrdma_sge *sge = &wr->sg_list[i];

            memcpy(&wqe->u.inline_data[n], (const void *) (uintptr_t)
                   sge->addr, sge->length);
            n += sge->length;
        }
        wqe->num_sge = n;
    } else {
        for (i = 0; i < wr->num_sge; i++) {
            wqe->u.sge[i].addr = wr->sg_list[i].addr;
            wqe->u.sge[i].length = wr->sg_list[i].length;
            wqe->u.sge[i].lkey = wr->sg_list[i].lkey;
        }
        wqe->num_sge = wr->num_sge;
    }
}

/* Posts the list of send work requests 'wr' to 'qp', like ibv_post_send().
 * On failure stores the first request not posted in '*bad_wr' (those
 * before it are posted) and returns EINVAL for a malformed request or
 * ENOMEM if the send queue is full. */
int
ovsrdma_post_send(struct ovsrdma_qp *qp_, struct ovsrdma_send_wr *wr,
                  struct ovsrdma_send_wr **bad_wr)
{
    struct qp_priv *qp = qp_priv(qp_);
    uint32_t space, n = 0;
    int error = 0;

    pthread_mutex_lock(&qp->sq_lock);
    space = dcn_ring_space(&qp->sq);
    for (; wr; wr = wr->next, n++) {
        error = n < space ? check_send_wr(qp, wr) : ENOMEM;
        if (error) {
            *bad_wr = wr;
            break;
        }
        fill_send_wqe(dcn_ring_slot(&qp->sq, qp->sq.head + n), wr,
                      qp_->qp_type);
    }
    if (n) {
        dcn_ring_produce(&qp->sq, n);
        if (dcn_ring_need_wakeup(&qp->sq)) {
            dcn_ring_doorbell(qp_->context);
        }
    }
    pthread_mutex_unlock(&qp->sq_lock);
    return error;
}

/* Posts the list of receive work requests 'wr' to 'qp', like
 * ibv_post_recv(), with the same failure semantics as
 * ovsrdma_post_send(). */
int
ovsrdma_post_recv(struct ovsrdma_qp *qp_, struct ovsrdma_recv_wr *wr,
                  struct ovsrdma_recv_wr **bad_wr)
{
    struct qp_priv *qp = qp_priv(qp_);
    uint32_t space, n = 0;
    int error = 0;

    pthread_mutex_lock(&qp->rq_lock);
    space = dcn_ring_space(&qp->rq);
    for (; wr; wr = wr->next, n++) {
        struct ovsrdma_recv_wqe *wqe;
        int i;

        if (n >= space) {
            error = ENOMEM;
        } else if (wr->num_sge < 0 || wr->num_sge > qp->cap.max_recv_sge
                   || (wr->num_sge && !wr->sg_list)) {
            error = EINVAL;
        }
        if (error) {
            *bad_wr = wr;
            break;
        }
        wqe = dcn_ring_slot(&qp->rq, qp->rq.head + n);
        wqe->wr_id = wr->wr_id;
        wqe->num_sge = wr->num_sge;
        for (i = 0; i < wr->num_sge; i++) {
            wqe->sge[i].addr = wr->sg_list[i].addr;
            wqe->sge[i].length = wr->sg_list[i].length;
            wqe->sge[i].lkey = wr->sg_list[i].lkey;
        }
    }
    if (n) {
        dcn_ring_produce(&qp->rq, n);
        if (dcn_ring_need_wakeup(&qp->rq)) {
            dcn_ring_doorbell(qp_->context);
        }
    }
    pthread_mutex_unlock(&qp->rq_lock);
    return error;
}
