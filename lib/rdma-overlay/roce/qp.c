/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#include "roce/qp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "roce/cq.h"
#include "roce/engine-private.h"
#include "roce/hdr.h"
#include "roce/mr.h"

/* Limits of this software RNIC. */
#define MAX_WR (1u << 16)
#define MAX_SGE 32
#define MAX_INLINE 1024
#define MAX_RD_ATOMIC 64

#define ARRAY_SIZE_(A) (sizeof (A) / sizeof (A)[0])

const char *
roce_qp_state_str(enum roce_qp_state s)
{
    static const char *const names[] = {
        "RESET", "INIT", "RTR", "RTS", "SQD", "SQE", "ERR",
    };
    return (unsigned int) s < ARRAY_SIZE_(names) ? names[s] : "?";
}

const char *
roce_wc_status_str(enum roce_wc_status s)
{
    static const char *const names[] = {
        "success", "local length error", "local QP operation error",
        "local EE context operation error", "local protection error",
        "WR flushed", "memory window bind error", "bad response error",
        "local access error", "remote invalid request error",
        "remote access error", "remote operation error",
        "transport retry counter exceeded", "RNR retry counter exceeded",
        "local RDD violation error", "remote invalid RD request",
        "aborted error", "invalid EE context number",
        "invalid EE context state", "fatal error", "response timeout error",
        "general error",
    };
    return (unsigned int) s < ARRAY_SIZE_(names) ? names[s] : "?";
}

static uint32_t
round_pow2(uint32_t n)
{
    uint32_t p = 1;

    while (p < n) {
        p <<= 1;
    }
    return p;
}

static void
qp_free_queues(struct roce_qp *qp)
{
    free(qp->sq);
    free(qp->sq_sge);
    free(qp->sq_inline);
    free(qp->rq);
    free(qp->rq_sge);
    free(qp->resp.rd);
    free(qp->resp.jobs);
}

/* Creates a QP in the RESET state.  A ROCE_QPT_GSI QP is QP1 of the
 * engine (at most one). */
struct roce_qp *
roce_create_qp(struct roce_pd *pd, struct roce_qp_init_attr *init)
{
    struct roce_engine *e;
    struct roce_qp_cap cap;
    struct roce_qp *qp;
    uint32_t sq_n, rq_n, i;
    int err;

    if (!pd || !init || !init->send_cq || !init->recv_cq
        || (init->qp_type != ROCE_QPT_RC && init->qp_type != ROCE_QPT_UD
            && init->qp_type != ROCE_QPT_GSI)) {
        errno = EINVAL;
        return NULL;
    }
    cap = init->cap;
    if (cap.max_send_wr > MAX_WR || cap.max_recv_wr > MAX_WR
        || cap.max_send_sge > MAX_SGE || cap.max_recv_sge > MAX_SGE
        || cap.max_inline_data > MAX_INLINE) {
        errno = EINVAL;
        return NULL;
    }
    cap.max_send_sge = cap.max_send_sge ? cap.max_send_sge : 1;
    cap.max_recv_sge = cap.max_recv_sge ? cap.max_recv_sge : 1;
    e = pd->engine;

    qp = calloc(1, sizeof *qp);
    if (!qp) {
        errno = ENOMEM;
        return NULL;
    }
    qp->engine = e;
    qp->pd = pd;
    qp->send_cq = init->send_cq;
    qp->recv_cq = init->recv_cq;
    qp->context = init->qp_context;
    qp->type = init->qp_type;
    qp->sq_sig_all = init->sq_sig_all != 0;
    qp->state = ROCE_QPS_RESET;

    sq_n = round_pow2(cap.max_send_wr ? cap.max_send_wr : 1);
    rq_n = round_pow2(cap.max_recv_wr ? cap.max_recv_wr : 1);
    qp->cap = cap;
    qp->sq_mask = sq_n - 1;
    qp->rq_mask = rq_n - 1;
    qp->sq = calloc(sq_n, sizeof *qp->sq);
    qp->sq_sge = calloc((size_t) sq_n * cap.max_send_sge,
                        sizeof *qp->sq_sge);
    qp->sq_inline = calloc(sq_n, cap.max_inline_data
                                 ? cap.max_inline_data : 1);
    qp->rq = calloc(rq_n, sizeof *qp->rq);
    qp->rq_sge = calloc((size_t) rq_n * cap.max_recv_sge,
                        sizeof *qp->rq_sge);
    if (!qp->sq || !qp->sq_sge || !qp->sq_inline || !qp->rq
        || !qp->rq_sge) {
        qp_free_queues(qp);
        free(qp);
        errno = ENOMEM;
        return NULL;
    }
    for (i = 0; i < sq_n; i++) {
        qp->sq[i].sge = &qp->sq_sge[(size_t) i * cap.max_send_sge];
        qp->sq[i].inline_data = &qp->sq_inline[(size_t) i
                                               * cap.max_inline_data];
    }
    for (i = 0; i < rq_n; i++) {
        qp->rq[i].sge = &qp->rq_sge[(size_t) i * cap.max_recv_sge];
    }

    err = roce_engine_add_qp(e, qp, init->qp_type == ROCE_QPT_GSI,
                             &qp->qpn);
    if (err) {
        qp_free_queues(qp);
        free(qp);
        errno = err;
        return NULL;
    }
    /* UD datagrams may use the largest MTU unless told otherwise. */
    qp->attr.path_mtu = roce_qp_is_rc(qp) ? ROCE_MTU_1024 : ROCE_MTU_4096;
    qp->mtu = roce_mtu_bytes(qp->attr.path_mtu);
    qp->attr.qkey = qp->type == ROCE_QPT_GSI ? ROCE_GSI_QKEY : 0;
    qp->attr.retry_cnt = 7;
    qp->attr.rnr_retry = 7;
    qp->attr.timeout = 14;
    qp->attr.max_rd_atomic = 1;
    qp->attr.max_dest_rd_atomic = 1;
    qp->resp.cur_op = 0xff;
    pd->refcnt++;
    qp->send_cq->refcnt++;
    qp->recv_cq->refcnt++;
    init->cap = cap;
    return qp;
}

/* Destroys 'qp' without generating completions. */
int
roce_destroy_qp(struct roce_qp *qp)
{
    if (!qp) {
        return EINVAL;
    }
    roce_engine_remove_qp(qp->engine, qp->qpn);
    qp->pd->refcnt--;
    qp->send_cq->refcnt--;
    qp->recv_cq->refcnt--;
    qp_free_queues(qp);
    free(qp);
    return 0;
}

uint32_t
roce_qp_num(const struct roce_qp *qp)
{
    return qp->qpn;
}

enum roce_qp_state
roce_qp_get_state(const struct roce_qp *qp)
{
    return qp->state;
}

void *
roce_qp_context(const struct roce_qp *qp)
{
    return qp->context;
}

const struct roce_stats *
roce_qp_stats(const struct roce_qp *qp)
{
    return &qp->stats;
}

/* Sets the receive validation policy; NULL restores the default. */
void
roce_qp_set_rx_filter(struct roce_qp *qp, roce_rx_filter *filter, void *aux)
{
    qp->rx_filter = filter;
    qp->rx_filter_aux = aux;
}

void
roce_qp_set_ud_rx_hook(struct roce_qp *qp, roce_ud_rx_hook *hook, void *aux)
{
    qp->ud_rx_hook = hook;
    qp->ud_rx_hook_aux = aux;
}

/* Queues a completion for 'qp' on 'cq'.  A CQ overrun is an error of the
 * QP too: it moves to ERR.  Returns false if the CQE was lost. */
bool
roce_qp_post_cqe(struct roce_qp *qp, struct roce_cq *cq,
                 const struct roce_wc *wc, bool solicited)
{
    if (!roce_cq_push(cq, wc, solicited)) {
        if (qp->state != ROCE_QPS_ERR) {
            roce_qp_error(qp);
            roce_engine_event(qp->engine, ROCE_EVENT_QP_FATAL, qp, NULL);
        }
        return false;
    }
    return true;
}

static enum roce_wc_opcode
wr_to_wc_opcode(enum roce_wr_opcode op)
{
    switch (op) {
    case ROCE_WR_RDMA_WRITE:
    case ROCE_WR_RDMA_WRITE_WITH_IMM:
        return ROCE_WC_RDMA_WRITE;
    case ROCE_WR_RDMA_READ:
        return ROCE_WC_RDMA_READ;
    case ROCE_WR_ATOMIC_CMP_AND_SWP:
        return ROCE_WC_COMP_SWAP;
    case ROCE_WR_ATOMIC_FETCH_AND_ADD:
        return ROCE_WC_FETCH_ADD;
    case ROCE_WR_SEND:
    case ROCE_WR_SEND_WITH_IMM:
    default:
        return ROCE_WC_SEND;
    }
}

/* Completes the oldest send WQE 'wqe' (which must be at sq_comp) with
 * 'status': a CQE if it was signaled or failed, then frees the slot. */
bool
roce_qp_complete_send(struct roce_qp *qp, const struct roce_send_wqe *wqe,
                      enum roce_wc_status status, uint32_t vendor_err)
{
    bool ok = true;

    if (status != ROCE_WC_SUCCESS || qp->sq_sig_all
        || (wqe->send_flags & ROCE_SEND_SIGNALED)) {
        struct roce_wc wc;

        memset(&wc, 0, sizeof wc);
        wc.wr_id = wqe->wr_id;
        wc.status = status;
        wc.opcode = wr_to_wc_opcode(wqe->opcode);
        wc.vendor_err = vendor_err;
        wc.byte_len = wqe->length;
        wc.qp_num = qp->qpn;
        ok = roce_qp_post_cqe(qp, qp->send_cq, &wc, false);
    }
    qp->sq_comp++;
    return ok;
}

static void
flush_recv_wqe(struct roce_qp *qp, const struct roce_recv_wqe *wqe)
{
    struct roce_wc wc;

    memset(&wc, 0, sizeof wc);
    wc.wr_id = wqe->wr_id;
    wc.status = ROCE_WC_WR_FLUSH_ERR;
    wc.opcode = ROCE_WC_RECV;
    wc.qp_num = qp->qpn;
    roce_cq_push(qp->recv_cq, &wc, false);
}

/* Completes every outstanding WQE with WR_FLUSH_ERR.  The first error
 * completion has been generated by the caller already, as the spec
 * orders. */
static void
qp_flush(struct roce_qp *qp)
{
    while (qp->sq_comp != qp->sq_prod) {
        struct roce_send_wqe *wqe = roce_sq_wqe(qp, qp->sq_comp);
        struct roce_wc wc;

        memset(&wc, 0, sizeof wc);
        wc.wr_id = wqe->wr_id;
        wc.status = ROCE_WC_WR_FLUSH_ERR;
        wc.opcode = wr_to_wc_opcode(wqe->opcode);
        wc.qp_num = qp->qpn;
        roce_cq_push(qp->send_cq, &wc, false);
        qp->sq_comp++;
    }
    qp->req.idx = qp->sq_comp;
    if (qp->resp.have_wqe) {
        flush_recv_wqe(qp, &qp->resp.wqe);
        qp->resp.have_wqe = false;
    }
    while (qp->rq_cons != qp->rq_prod) {
        flush_recv_wqe(qp, &qp->rq[qp->rq_cons++ & qp->rq_mask]);
    }
    qp->req.ack_deadline = 0;
    qp->req.rnr_wait = false;
}

/* Moves 'qp' to the error state and flushes its queues.  Idempotent. */
void
roce_qp_error(struct roce_qp *qp)
{
    if (qp->state == ROCE_QPS_ERR) {
        return;
    }
    qp->state = ROCE_QPS_ERR;
    qp_flush(qp);
}

bool
roce_qp_can_send(const struct roce_qp *qp)
{
    return qp->state == ROCE_QPS_RTS || qp->state == ROCE_QPS_SQD;
}

bool
roce_qp_can_recv(const struct roce_qp *qp)
{
    return qp->state == ROCE_QPS_RTR || qp->state == ROCE_QPS_RTS
           || qp->state == ROCE_QPS_SQD || qp->state == ROCE_QPS_SQE;
}

/* In SQD, reports once that nothing is outstanding any more. */
void
roce_qp_check_drained(struct roce_qp *qp)
{
    if (qp->state == ROCE_QPS_SQD && qp->attr.sq_draining
        && qp->sq_comp == qp->req.idx) {
        qp->attr.sq_draining = 0;
        roce_engine_event(qp->engine, ROCE_EVENT_SQ_DRAINED, qp, NULL);
    }
}

/* When roce_engine_run() must next look at 'qp', or UINT64_MAX. */
uint64_t
roce_qp_deadline(const struct roce_qp *qp)
{
    uint64_t d = UINT64_MAX;

    if (!roce_qp_is_rc(qp)) {
        return d;
    }
    if ((qp->resp.n_jobs || qp->resp.deferred) && roce_qp_can_recv(qp)) {
        return qp->engine->now;     /* Responses to send: right away. */
    }
    if (!roce_qp_can_send(qp)) {
        return d;
    }
    if (qp->req.rnr_wait) {
        d = qp->req.rnr_deadline;
    } else if (qp->req.ack_deadline) {
        d = qp->req.ack_deadline;
    }
    return d;
}

static void
qp_reset(struct roce_qp *qp)
{
    qp->sq_prod = qp->sq_comp = 0;
    qp->rq_prod = qp->rq_cons = 0;
    memset(&qp->req, 0, sizeof qp->req);
    memset(&qp->comp, 0, sizeof qp->comp);
    roce_rc_resp_clear(qp);
}

/* Is 'cur' -> 'next' a transition the application may request, and does
 * 'mask' carry the attributes it requires (IBTA 11.2.4 / ibv_modify_qp)? */
static bool
transition_ok(const struct roce_qp *qp, enum roce_qp_state cur,
              enum roce_qp_state next, int mask)
{
    bool rc = roce_qp_is_rc(qp);
    bool ud = qp->type == ROCE_QPT_UD;
    int req = 0;

    if (next == ROCE_QPS_RESET || next == ROCE_QPS_ERR) {
        return true;
    }
    switch (cur) {
    case ROCE_QPS_RESET:
        if (next != ROCE_QPS_INIT) {
            return false;
        }
        req = ud ? ROCE_QP_QKEY : 0;
        break;
    case ROCE_QPS_INIT:
        if (next == ROCE_QPS_INIT) {
            break;
        }
        if (next != ROCE_QPS_RTR) {
            return false;
        }
        req = rc ? (ROCE_QP_AV | ROCE_QP_PATH_MTU | ROCE_QP_DEST_QPN
                    | ROCE_QP_RQ_PSN | ROCE_QP_MAX_DEST_RD_ATOMIC
                    | ROCE_QP_MIN_RNR_TIMER) : 0;
        break;
    case ROCE_QPS_RTR:
        if (next != ROCE_QPS_RTS) {
            return false;
        }
        req = rc ? (ROCE_QP_SQ_PSN | ROCE_QP_TIMEOUT | ROCE_QP_RETRY_CNT
                    | ROCE_QP_RNR_RETRY | ROCE_QP_MAX_QP_RD_ATOMIC)
                 : ROCE_QP_SQ_PSN;
        break;
    case ROCE_QPS_RTS:
        if (next != ROCE_QPS_RTS && next != ROCE_QPS_SQD) {
            return false;
        }
        break;
    case ROCE_QPS_SQD:
        if (next != ROCE_QPS_RTS && next != ROCE_QPS_SQD) {
            return false;
        }
        break;
    case ROCE_QPS_SQE:
        /* SQE exists for unreliable QPs only; RC errors go to ERR. */
        if (next != ROCE_QPS_RTS || rc) {
            return false;
        }
        break;
    case ROCE_QPS_ERR:
    default:
        return false;
    }
    return (mask & req) == req;
}

static int
check_attr_values(const struct roce_qp *qp, const struct roce_qp_attr *a,
                  int mask)
{
    if ((mask & ROCE_QP_PATH_MTU) && !roce_mtu_bytes(a->path_mtu)) {
        return EINVAL;
    }
    if (((mask & ROCE_QP_RETRY_CNT) && a->retry_cnt > 7)
        || ((mask & ROCE_QP_RNR_RETRY) && a->rnr_retry > 7)
        || ((mask & ROCE_QP_TIMEOUT) && a->timeout > 31)
        || ((mask & ROCE_QP_MIN_RNR_TIMER) && a->min_rnr_timer > 31)) {
        return EINVAL;
    }
    if (((mask & ROCE_QP_RQ_PSN) && a->rq_psn > ROCE_PSN_MASK)
        || ((mask & ROCE_QP_SQ_PSN) && a->sq_psn > ROCE_PSN_MASK)
        || ((mask & ROCE_QP_DEST_QPN) && a->dest_qp_num > ROCE_QPN_MASK)) {
        return EINVAL;
    }
    if (((mask & ROCE_QP_MAX_DEST_RD_ATOMIC)
         && a->max_dest_rd_atomic > MAX_RD_ATOMIC)
        || ((mask & ROCE_QP_MAX_QP_RD_ATOMIC)
            && a->max_rd_atomic > MAX_RD_ATOMIC)) {
        return EINVAL;
    }
    if ((mask & ROCE_QP_ACCESS_FLAGS)
        && (a->qp_access_flags & ~ROCE_ACCESS_ALL)) {
        return EINVAL;
    }
    if ((mask & ROCE_QP_AV) && !a->encap) {
        return EINVAL;
    }
    if ((mask & ROCE_QP_QKEY) && qp->type == ROCE_QPT_GSI
        && a->qkey != ROCE_GSI_QKEY) {
        return EINVAL;
    }
    if ((mask & ROCE_QP_CAP)) {
        return EINVAL;          /* Resizing queues is not supported. */
    }
    return 0;
}

static int
apply_attrs(struct roce_qp *qp, const struct roce_qp_attr *a, int mask)
{
    if (mask & ROCE_QP_MAX_DEST_RD_ATOMIC) {
        uint32_t n = a->max_dest_rd_atomic ? a->max_dest_rd_atomic : 1;
        /* Room for every READ/atomic in flight plus as many duplicates. */
        uint32_t n_jobs = 2 * n + 2;
        struct roce_read_res *rd = calloc(n, sizeof *rd);
        struct roce_resp_job *jobs = calloc(n_jobs, sizeof *jobs);

        if (!rd || !jobs) {
            free(rd);
            free(jobs);
            return ENOMEM;
        }
        free(qp->resp.rd);
        free(qp->resp.jobs);
        qp->resp.rd = rd;
        qp->resp.n_rd = n;
        qp->resp.rd_next = 0;
        qp->resp.jobs = jobs;
        qp->resp.max_jobs = n_jobs;
        qp->resp.job_head = qp->resp.n_jobs = 0;
        qp->resp.deferred = false;
        qp->attr.max_dest_rd_atomic = a->max_dest_rd_atomic;
    }
    if (mask & ROCE_QP_PATH_MTU) {
        qp->attr.path_mtu = a->path_mtu;
        qp->mtu = roce_mtu_bytes(a->path_mtu);
    }
    if (mask & ROCE_QP_AV) {
        qp->encap = *a->encap;
        qp->have_encap = true;
    }
    if (mask & ROCE_QP_RX_TUPLE) {
        qp->attr.rx_tuple = a->rx_tuple;
    }
#define COPY(BIT, FIELD) if (mask & (BIT)) { qp->attr.FIELD = a->FIELD; }
    COPY(ROCE_QP_ACCESS_FLAGS, qp_access_flags);
    COPY(ROCE_QP_PKEY_INDEX, pkey_index);
    COPY(ROCE_QP_PORT, port_num);
    COPY(ROCE_QP_QKEY, qkey);
    COPY(ROCE_QP_TIMEOUT, timeout);
    COPY(ROCE_QP_RETRY_CNT, retry_cnt);
    COPY(ROCE_QP_RNR_RETRY, rnr_retry);
    COPY(ROCE_QP_RQ_PSN, rq_psn);
    COPY(ROCE_QP_SQ_PSN, sq_psn);
    COPY(ROCE_QP_MAX_QP_RD_ATOMIC, max_rd_atomic);
    COPY(ROCE_QP_MIN_RNR_TIMER, min_rnr_timer);
    COPY(ROCE_QP_DEST_QPN, dest_qp_num);
    COPY(ROCE_QP_EN_SQD_ASYNC_NOTIFY, sq_draining);
#undef COPY
    return 0;
}

/* Changes attributes and/or state of 'qp', as ibv_modify_qp() does.
 * Entering RTR (re)starts the responder at rq_psn; entering RTS from RTR
 * starts the requester at sq_psn; entering ERR flushes every queued WR
 * with WR_FLUSH_ERR; entering RESET forgets everything queued. */
int
roce_modify_qp(struct roce_qp *qp, struct roce_qp_attr *a, int mask)
{
    enum roce_qp_state cur = qp->state;
    enum roce_qp_state next = (mask & ROCE_QP_STATE) ? a->qp_state : cur;
    int err;

    if ((mask & ROCE_QP_CUR_STATE) && a->cur_qp_state != cur) {
        return EINVAL;
    }
    if ((unsigned int) next > ROCE_QPS_ERR) {
        return EINVAL;
    }
    if ((mask & ROCE_QP_STATE) && !transition_ok(qp, cur, next, mask)) {
        return EINVAL;
    }
    if (!(mask & ROCE_QP_STATE) && cur == ROCE_QPS_RESET
        && (mask & ~ROCE_QP_CUR_STATE)) {
        return EINVAL;
    }
    err = check_attr_values(qp, a, mask);
    if (err) {
        return err;
    }
    /* Template changes on a live QP are a rebind (DESIGN §5.6). */
    err = apply_attrs(qp, a, mask);
    if (err) {
        return err;
    }
    if (!(mask & ROCE_QP_STATE)) {
        return 0;
    }

    switch (next) {
    case ROCE_QPS_RESET:
        qp->state = next;
        qp_reset(qp);
        break;
    case ROCE_QPS_ERR:
        roce_qp_error(qp);
        break;
    case ROCE_QPS_RTR:
        qp->state = next;
        roce_rc_resp_init(qp);
        break;
    case ROCE_QPS_RTS:
        qp->state = next;
        if (cur == ROCE_QPS_RTR) {
            roce_rc_req_init(qp);
        }
        qp->attr.sq_draining = 0;
        if (roce_qp_is_rc(qp)) {
            roce_rc_req_run(qp);
        } else {
            roce_ud_send_run(qp);
        }
        break;
    case ROCE_QPS_SQD:
        qp->state = next;
        qp->attr.sq_draining = (mask & ROCE_QP_EN_SQD_ASYNC_NOTIFY)
                               ? a->sq_draining : 0;
        roce_qp_check_drained(qp);
        break;
    case ROCE_QPS_INIT:
    case ROCE_QPS_SQE:
    default:
        qp->state = next;
        break;
    }
    return 0;
}

/* Returns the QP's current attributes. */
int
roce_query_qp(struct roce_qp *qp, struct roce_qp_attr *a, int mask,
              struct roce_qp_init_attr *init)
{
    (void) mask;                /* Everything is always returned. */
    *a = qp->attr;
    a->qp_state = a->cur_qp_state = qp->state;
    a->cap = qp->cap;
    a->encap = qp->have_encap ? &qp->encap : NULL;
    a->sq_draining = qp->state == ROCE_QPS_SQD && qp->sq_comp != qp->sq_prod;
    if (init) {
        memset(init, 0, sizeof *init);
        init->qp_context = qp->context;
        init->send_cq = qp->send_cq;
        init->recv_cq = qp->recv_cq;
        init->cap = qp->cap;
        init->qp_type = qp->type;
        init->sq_sig_all = qp->sq_sig_all;
    }
    return 0;
}

static int
wqe_from_wr(struct roce_qp *qp, struct roce_send_wqe *wqe,
            const struct roce_send_wr *wr)
{
    bool ud = !roce_qp_is_rc(qp);
    uint64_t len = 0;
    int i;

    if (wr->num_sge < 0 || (uint32_t) wr->num_sge > qp->cap.max_send_sge) {
        return EINVAL;
    }
    switch (wr->opcode) {
    case ROCE_WR_SEND:
    case ROCE_WR_SEND_WITH_IMM:
        break;
    case ROCE_WR_RDMA_WRITE:
    case ROCE_WR_RDMA_WRITE_WITH_IMM:
    case ROCE_WR_RDMA_READ:
        if (ud) {
            return EINVAL;
        }
        break;
    case ROCE_WR_ATOMIC_CMP_AND_SWP:
    case ROCE_WR_ATOMIC_FETCH_AND_ADD:
        if (ud || wr->num_sge != 1 || wr->sg_list[0].length != 8
            || (wr->wr.atomic.remote_addr & 7)) {
            return EINVAL;
        }
        break;
    default:
        return EINVAL;
    }
    if (ud && (!wr->wr.ud.ah || wr->wr.ud.remote_qpn > ROCE_QPN_MASK)) {
        return EINVAL;
    }
    for (i = 0; i < wr->num_sge; i++) {
        len += wr->sg_list[i].length;
    }
    if (len > (1u << 31) || (ud && len > qp->mtu)) {
        return EINVAL;
    }

    wqe->wr_id = wr->wr_id;
    wqe->opcode = wr->opcode;
    wqe->send_flags = wr->send_flags;
    wqe->imm_data = wr->imm_data;
    wqe->length = len;
    wqe->started = false;
    if (wr->opcode == ROCE_WR_ATOMIC_CMP_AND_SWP
        || wr->opcode == ROCE_WR_ATOMIC_FETCH_AND_ADD) {
        wqe->remote_addr = wr->wr.atomic.remote_addr;
        wqe->rkey = wr->wr.atomic.rkey;
        wqe->compare_add = wr->wr.atomic.compare_add;
        wqe->swap = wr->wr.atomic.swap;
    } else if (ud) {
        wqe->ah = wr->wr.ud.ah;
        wqe->remote_qpn = wr->wr.ud.remote_qpn;
        wqe->remote_qkey = wr->wr.ud.remote_qkey;
    } else {
        wqe->remote_addr = wr->wr.rdma.remote_addr;
        wqe->rkey = wr->wr.rdma.rkey;
    }

    if ((wr->send_flags & ROCE_SEND_INLINE)
        && wr->opcode != ROCE_WR_RDMA_READ) {
        uint8_t *p = wqe->inline_data;

        /* Inline data is copied now, from plain host memory: no lkey,
         * as with ibv_post_send(IBV_SEND_INLINE). */
        if (len > qp->cap.max_inline_data) {
            return EINVAL;
        }
        for (i = 0; i < wr->num_sge; i++) {
            memcpy(p, (const void *) (uintptr_t) wr->sg_list[i].addr,
                   wr->sg_list[i].length);
            p += wr->sg_list[i].length;
        }
        wqe->num_sge = 0;
    } else {
        wqe->send_flags &= ~ROCE_SEND_INLINE;
        wqe->num_sge = wr->num_sge;
        if (wr->num_sge) {
            memcpy(wqe->sge, wr->sg_list, wr->num_sge * sizeof *wqe->sge);
        }
    }
    return 0;
}

/* Queues a chain of send WRs and lets the requester transmit what it can
 * right away.  In ERR the WRs are accepted and flushed. */
int
roce_post_send(struct roce_qp *qp, struct roce_send_wr *wr,
               struct roce_send_wr **bad_wr)
{
    int err = 0;

    if (qp->state != ROCE_QPS_RTS && qp->state != ROCE_QPS_SQD
        && qp->state != ROCE_QPS_SQE && qp->state != ROCE_QPS_ERR) {
        err = EINVAL;
    }
    for (; wr && !err; wr = wr->next) {
        if (qp->sq_prod - qp->sq_comp > qp->sq_mask
            || qp->sq_prod - qp->sq_comp >= qp->cap.max_send_wr) {
            err = ENOMEM;
            break;
        }
        err = wqe_from_wr(qp, roce_sq_wqe(qp, qp->sq_prod), wr);
        if (err) {
            break;
        }
        qp->sq_prod++;
    }
    if (err && bad_wr) {
        *bad_wr = wr;
    }
    if (qp->state == ROCE_QPS_ERR) {
        qp_flush(qp);
    } else if (qp->state == ROCE_QPS_RTS || qp->state == ROCE_QPS_SQE) {
        if (roce_qp_is_rc(qp)) {
            roce_rc_req_run(qp);
        } else {
            roce_ud_send_run(qp);
        }
    }
    return err;
}

/* Queues a chain of receive WRs. */
int
roce_post_recv(struct roce_qp *qp, struct roce_recv_wr *wr,
               struct roce_recv_wr **bad_wr)
{
    int err = 0;

    if (qp->state == ROCE_QPS_RESET) {
        err = EINVAL;
    }
    for (; wr && !err; wr = wr->next) {
        struct roce_recv_wqe *wqe;
        uint64_t len = 0;
        int i;

        if (wr->num_sge < 0
            || (uint32_t) wr->num_sge > qp->cap.max_recv_sge) {
            err = EINVAL;
            break;
        }
        if (qp->rq_prod - qp->rq_cons > qp->rq_mask
            || qp->rq_prod - qp->rq_cons >= qp->cap.max_recv_wr) {
            err = ENOMEM;
            break;
        }
        for (i = 0; i < wr->num_sge; i++) {
            len += wr->sg_list[i].length;
        }
        if (len > UINT32_MAX) {
            err = EINVAL;
            break;
        }
        wqe = &qp->rq[qp->rq_prod & qp->rq_mask];
        wqe->wr_id = wr->wr_id;
        wqe->num_sge = wr->num_sge;
        wqe->length = len;
        if (wr->num_sge) {
            memcpy(wqe->sge, wr->sg_list, wr->num_sge * sizeof *wqe->sge);
        }
        qp->rq_prod++;
    }
    if (err && bad_wr) {
        *bad_wr = wr;
    }
    if (qp->state == ROCE_QPS_ERR) {
        qp_flush(qp);
    }
    return err;
}
