/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* RC responder: executes the requests that arrive for a QP.
 *
 * Order of checks per packet (IBTA 9.7.5.1): PSN against the expected PSN
 * (ahead: one PSN sequence error NAK until the expected PSN arrives;
 * behind: a duplicate, re-ACKed or, for READ/atomic, answered again from
 * the read resources), then opcode sequence, QP access rights, lengths
 * against the path MTU and the message, then the memory check (key, PD,
 * permission, bounds) for the whole RETH range before the first byte is
 * written.  Data is copied straight from the frame into registered
 * memory.  A SEND without a posted receive gets an RNR NAK.
 * Errors that the spec makes fatal (invalid request, remote access,
 * remote operational error) are NAKed and put the QP in ERR. */

#include <string.h>
#include "roce/cq.h"
#include "roce/encap.h"
#include "roce/engine-private.h"
#include "roce/frame.h"
#include "roce/hdr.h"
#include "roce/mr.h"
#include "roce/qp.h"

/* Forgets all responder state (expected PSN, message in progress, READ
 * and atomic responses) but keeps the arrays allocated at QP creation,
 * emptied.  No message is in progress afterwards (cur_op 0xff). */
void
roce_rc_resp_clear(struct roce_qp *qp)
{
    struct roce_read_res *rd = qp->resp.rd;
    struct roce_resp_job *jobs = qp->resp.jobs;
    uint32_t n_rd = qp->resp.n_rd;
    uint32_t max_jobs = qp->resp.max_jobs;

    memset(&qp->resp, 0, sizeof qp->resp);
    qp->resp.rd = rd;
    qp->resp.n_rd = n_rd;
    qp->resp.jobs = jobs;
    qp->resp.max_jobs = max_jobs;
    if (rd) {
        memset(rd, 0, n_rd * sizeof *rd);
    }
    qp->resp.cur_op = 0xff;
}

/* Starts the responder at rq_psn (INIT -> RTR). */
void
roce_rc_resp_init(struct roce_qp *qp)
{
    roce_rc_resp_clear(qp);
    qp->resp.epsn = qp->attr.rq_psn;
}

static uint8_t *
resp_bth(struct roce_qp *qp)
{
    return roce_engine_tx_start(qp->engine, &qp->encap);
}

/* Transmits an ACK, NAK or RNR NAK with PSN 'psn' and the current MSN. */
static void
emit_ack(struct roce_qp *qp, uint8_t syndrome, uint32_t psn)
{
    static const enum roce_counter nak_ctr[] = {
        [ROCE_NAK_PSN_SEQ_ERROR] = ROCE_CTR_TX_NAK_SEQ,
        [ROCE_NAK_INVALID_REQUEST] = ROCE_CTR_TX_NAK_INV,
        [ROCE_NAK_REMOTE_ACCESS_ERROR] = ROCE_CTR_TX_NAK_ACCESS,
        [ROCE_NAK_REMOTE_OP_ERROR] = ROCE_CTR_TX_NAK_OP,
        [ROCE_NAK_INVALID_RD_REQUEST] = ROCE_CTR_TX_NAK_INV,
    };
    uint8_t *bth;
    uint8_t *aeth;
    enum roce_counter c;

    if (!qp->have_encap) {
        return;
    }
    bth = resp_bth(qp);
    roce_bth_init(bth, ROCE_OP_RC_ACKNOWLEDGE, false, false, 0,
                  ROCE_DEFAULT_PKEY, qp->attr.dest_qp_num, false, psn);
    aeth = roce_hdr_ext(bth, ROCE_EXT_AETH);
    roce_aeth_set_syndrome(aeth, syndrome);
    roce_aeth_set_msn(aeth, qp->resp.msn);

    switch (roce_syndrome_type(syndrome)) {
    case ROCE_AETH_RNR_NAK:
        c = ROCE_CTR_TX_RNR_NAK;
        break;
    case ROCE_AETH_NAK:
        c = (roce_syndrome_value(syndrome) <= ROCE_NAK_INVALID_RD_REQUEST
             ? nak_ctr[roce_syndrome_value(syndrome)] : ROCE_CTR_TX_NAK_OP);
        break;
    case ROCE_AETH_ACK:
    case ROCE_AETH_RESERVED:
    default:
        c = ROCE_CTR_TX_ACK;
        break;
    }
    roce_count(qp->engine, &qp->stats, c, 1);
    roce_engine_xmit(qp->engine, &qp->encap, &qp->stats,
                     ROCE_BTH_LEN + ROCE_AETH_LEN);
    qp->resp.unacked = 0;
}

/* Sends an ACK, sequence NAK or RNR NAK, in order: while READ responses
 * or atomic ACKs are still queued, it waits behind them (an ACK with a
 * later PSN must not overtake them, or the requester would take them for
 * lost).  Of several waiting, the one with the highest PSN says it all
 * (NAK over ACK at the same PSN). */
void
roce_rc_resp_send_ack(struct roce_qp *qp, uint8_t syndrome, uint32_t psn)
{
    if (!qp->resp.n_jobs) {
        emit_ack(qp, syndrome, psn);
        return;
    }
    if (!qp->resp.deferred
        || roce_psn_diff(psn, qp->resp.deferred_psn) > 0
        || (psn == qp->resp.deferred_psn
            && roce_syndrome_type(syndrome) != ROCE_AETH_ACK)) {
        qp->resp.deferred = true;
        qp->resp.deferred_syn = syndrome;
        qp->resp.deferred_psn = psn;
    }
    qp->resp.unacked = 0;
}

static uint8_t
ack_syndrome(void)
{
    return roce_syndrome_make(ROCE_AETH_ACK, ROCE_AETH_CREDIT_INVALID);
}

/* Completes the receive WQE in use (if any) with 'status'. */
static void
complete_recv(struct roce_qp *qp, enum roce_wc_status status,
              enum roce_wc_opcode opcode, uint32_t byte_len,
              const struct roce_frame *f)
{
    const uint8_t *imm = f ? f->ext[ROCE_EXT_IMMDT] : NULL;
    struct roce_wc wc;

    if (!qp->resp.have_wqe) {
        return;
    }
    memset(&wc, 0, sizeof wc);
    wc.wr_id = qp->resp.wqe.wr_id;
    wc.status = status;
    wc.opcode = opcode;
    wc.byte_len = byte_len;
    wc.qp_num = qp->qpn;
    wc.src_qp = qp->attr.dest_qp_num;
    if (imm && status == ROCE_WC_SUCCESS) {
        memcpy(&wc.imm_data, imm, 4);
        wc.wc_flags |= ROCE_WC_WITH_IMM;
    }
    qp->resp.have_wqe = false;
    roce_qp_post_cqe(qp, qp->recv_cq, &wc, f && f->se);
}

/* A fatal responder error: NAK 'code' at 'psn' at once (queued responses
 * are dropped: the connection is over), complete the receive WQE in use
 * with 'status', and put the QP in ERR (which flushes the rest). */
static void
resp_fatal(struct roce_qp *qp, enum roce_nak_code code, uint32_t psn,
           enum roce_wc_status status)
{
    qp->resp.n_jobs = 0;
    qp->resp.deferred = false;
    emit_ack(qp, roce_syndrome_make(ROCE_AETH_NAK, code), psn);
    complete_recv(qp, status, ROCE_WC_RECV, 0, NULL);
    roce_qp_error(qp);
    roce_engine_event(qp->engine, ROCE_EVENT_QP_FATAL, qp, NULL);
}

/* Takes the next posted receive WQE; false if there is none. */
static bool
take_recv_wqe(struct roce_qp *qp)
{
    if (qp->resp.have_wqe) {
        return true;
    }
    if (qp->rq_cons == qp->rq_prod) {
        return false;
    }
    qp->resp.wqe = qp->rq[qp->rq_cons++ & qp->rq_mask];
    qp->resp.have_wqe = true;
    qp->resp.recv_offset = 0;
    return true;
}

static void
send_rnr_nak(struct roce_qp *qp, uint32_t psn)
{
    roce_rc_resp_send_ack(qp, roce_syndrome_make(ROCE_AETH_RNR_NAK,
                                                 qp->attr.min_rnr_timer),
                          psn);
}

/* Queues a response job: the READ responses for 'len' bytes at 'va' whose
 * first response has PSN 'psn' (the caller has checked the whole range),
 * or an atomic ACK.  Returns false if the queue is full. */
static bool
queue_job(struct roce_qp *qp, bool atomic, uint32_t psn, uint64_t va,
          uint32_t rkey, uint32_t len, uint64_t orig)
{
    struct roce_resp_job *j;

    if (qp->resp.n_jobs >= qp->resp.max_jobs) {
        roce_count(qp->engine, &qp->stats, ROCE_CTR_RX_DROP_BUSY, 1);
        return false;
    }
    j = &qp->resp.jobs[(qp->resp.job_head + qp->resp.n_jobs)
                       % qp->resp.max_jobs];
    qp->resp.n_jobs++;
    j->atomic = atomic;
    j->psn = psn;
    j->sent = 0;
    j->npkts = atomic ? 1 : roce_qp_npkts(qp, len);
    j->va = va;
    j->rkey = rkey;
    j->len = len;
    j->orig = orig;
    j->msn = qp->resp.msn;
    return true;
}

static void
emit_atomic_ack(struct roce_qp *qp, const struct roce_resp_job *j)
{
    uint8_t *bth = resp_bth(qp);

    roce_bth_init(bth, ROCE_OP_RC_ATOMIC_ACKNOWLEDGE, false, false, 0,
                  ROCE_DEFAULT_PKEY, qp->attr.dest_qp_num, false, j->psn);
    roce_aeth_set_syndrome(roce_hdr_ext(bth, ROCE_EXT_AETH), ack_syndrome());
    roce_aeth_set_msn(roce_hdr_ext(bth, ROCE_EXT_AETH), j->msn);
    roce_atomic_ack_set_orig(roce_hdr_ext(bth, ROCE_EXT_ATOMIC_ACK), j->orig);
    roce_count(qp->engine, &qp->stats, ROCE_CTR_TX_ACK, 1);
    roce_engine_xmit(qp->engine, &qp->encap, &qp->stats,
                     roce_opcode_info(ROCE_OP_RC_ATOMIC_ACKNOWLEDGE)
                     ->hdr_len);
}

/* Sends the next READ response of job 'j'.  Returns false if the memory
 * is gone (the QP is then in ERR). */
static bool
emit_read_response(struct roce_qp *qp, struct roce_resp_job *j)
{
    struct roce_engine *e = qp->engine;
    uint32_t i = j->sent;
    uint32_t off = i * qp->mtu;
    uint32_t plen = j->len - off < qp->mtu ? j->len - off : qp->mtu;
    uint8_t op = (j->npkts == 1 ? ROCE_OP_RC_READ_RESPONSE_ONLY
                  : i == 0 ? ROCE_OP_RC_READ_RESPONSE_FIRST
                  : i == j->npkts - 1 ? ROCE_OP_RC_READ_RESPONSE_LAST
                  : ROCE_OP_RC_READ_RESPONSE_MIDDLE);
    const struct roce_opcode_info *info = roce_opcode_info(op);
    uint8_t *bth = resp_bth(qp);
    unsigned int pad = roce_pad_len(plen);
    uint8_t *aeth;

    if (plen) {
        enum roce_mr_status st;
        const uint8_t *src = roce_mr_check(e, qp->pd, j->rkey, j->va + off,
                                           plen, ROCE_MR_REMOTE_READ, &st);
        if (!src) {
            /* The MR went away in the middle of the READ. */
            resp_fatal(qp, ROCE_NAK_REMOTE_ACCESS_ERROR,
                       roce_psn_add(j->psn, i), ROCE_WC_REM_ACCESS_ERR);
            return false;
        }
        memcpy(bth + info->hdr_len, src, plen);
    }
    memset(bth + info->hdr_len + plen, 0, pad);
    roce_bth_init(bth, op, false, false, pad, ROCE_DEFAULT_PKEY,
                  qp->attr.dest_qp_num, false, roce_psn_add(j->psn, i));
    aeth = roce_hdr_ext(bth, ROCE_EXT_AETH);
    if (aeth) {
        roce_aeth_set_syndrome(aeth, ack_syndrome());
        roce_aeth_set_msn(aeth, j->msn);
    }
    roce_count(e, &qp->stats, ROCE_CTR_TX_READ_RESP_PKTS, 1);
    roce_engine_xmit(e, &qp->encap, &qp->stats, info->hdr_len + plen + pad);
    j->sent++;
    return true;
}

/* Sends queued responses, at most the engine's 'resp_burst' packets per
 * call so that a large READ cannot monopolize the caller (the rest goes
 * out from roce_engine_run()), then whatever ACK/NAK waited behind
 * them. */
void
roce_rc_resp_run(struct roce_qp *qp)
{
    uint32_t budget = qp->engine->cfg.resp_burst;

    while (qp->resp.n_jobs && budget) {
        struct roce_resp_job *j = &qp->resp.jobs[qp->resp.job_head];

        if (j->atomic) {
            emit_atomic_ack(qp, j);
            j->sent = 1;
            budget--;
        } else {
            while (j->sent < j->npkts && budget) {
                if (!emit_read_response(qp, j)) {
                    return;
                }
                budget--;
            }
        }
        if (j->sent == j->npkts) {
            qp->resp.job_head = (qp->resp.job_head + 1) % qp->resp.max_jobs;
            qp->resp.n_jobs--;
        }
    }
    if (!qp->resp.n_jobs && qp->resp.deferred) {
        qp->resp.deferred = false;
        emit_ack(qp, qp->resp.deferred_syn, qp->resp.deferred_psn);
    }
}

/* A request with a PSN before the expected one. */
static void
handle_duplicate(struct roce_qp *qp, const struct roce_frame *f)
{
    struct roce_engine *e = qp->engine;
    uint32_t i;

    roce_count(e, &qp->stats, ROCE_CTR_RX_DUP_REQUEST, 1);
    if (f->opcode == ROCE_OP_RC_READ_REQUEST
        || (f->op->flags & ROCE_OPF_ATOMIC)) {
        bool atomic = (f->op->flags & ROCE_OPF_ATOMIC) != 0;

        for (i = 0; i < qp->resp.n_rd; i++) {
            const struct roce_read_res *r = &qp->resp.rd[i];

            if (!r->valid || r->atomic != atomic
                || roce_psn_diff(f->psn, r->first_psn) < 0
                || roce_psn_diff(f->psn, r->last_psn) > 0) {
                continue;
            }
            if (atomic) {
                /* Never execute an atomic twice: replay its result. */
                if (f->psn == r->first_psn) {
                    queue_job(qp, true, f->psn, 0, 0, 0, r->atomic_orig);
                }
                return;
            } else {
                const uint8_t *reth = f->ext[ROCE_EXT_RETH];
                uint64_t va = roce_reth_va(reth);
                uint32_t len = roce_reth_len(reth);
                uint32_t rkey = roce_reth_rkey(reth);
                uint32_t skip = roce_psn_diff(f->psn, r->first_psn);
                enum roce_mr_status st;

                /* The retried request must be the tail of the original
                 * one; then it is re-executed from the same resource. */
                if (rkey != r->rkey
                    || (uint64_t) skip * qp->mtu > r->length
                    || va != r->va + (uint64_t) skip * qp->mtu
                    || len != r->length - skip * qp->mtu
                    || roce_qp_npkts(qp, len)
                       != (uint32_t) roce_psn_diff(r->last_psn, f->psn) + 1
                    || (len && !roce_mr_check(e, qp->pd, rkey, va, len,
                                              ROCE_MR_REMOTE_READ, &st))) {
                    roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_LEN, 1);
                    return;
                }
                if (queue_job(qp, false, f->psn, va, rkey, len, 0)) {
                    roce_count(e, &qp->stats, ROCE_CTR_RX_DUP_READ, 1);
                }
                return;
            }
        }
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_PSN, 1);
        return;
    }
    /* SEND/WRITE: already executed; ACK again so the requester moves on
     * (C9-105), with the newest PSN executed. */
    if (f->ackreq) {
        roce_rc_resp_send_ack(qp, ack_syndrome(),
                              roce_psn_add(qp->resp.epsn, ROCE_PSN_MASK));
    }
}

/* Does 'op' legally follow the message in progress? */
static bool
opcode_in_sequence(const struct roce_qp *qp, uint8_t op, uint32_t flags)
{
    uint8_t cur = qp->resp.cur_op;

    if (cur == 0xff) {
        return !(flags & ROCE_OPF_MIDDLE) && (!(flags & ROCE_OPF_LAST)
                                              || (flags & ROCE_OPF_FIRST));
    }
    if (!(flags & (ROCE_OPF_MIDDLE | ROCE_OPF_LAST))
        || (flags & ROCE_OPF_FIRST)) {
        return false;
    }
    return (cur == ROCE_OP_RC_SEND_FIRST) == ((flags & ROCE_OPF_SEND) != 0)
           && (op == ROCE_OP_RC_SEND_MIDDLE || op == ROCE_OP_RC_SEND_LAST
               || op == ROCE_OP_RC_SEND_LAST_IMM
               || op == ROCE_OP_RC_WRITE_MIDDLE
               || op == ROCE_OP_RC_WRITE_LAST
               || op == ROCE_OP_RC_WRITE_LAST_IMM);
}

static void
advance(struct roce_qp *qp, const struct roce_frame *f, bool last)
{
    qp->resp.epsn = roce_psn_add(qp->resp.epsn, 1);
    if (last) {
        qp->resp.msn = (qp->resp.msn + 1) & ROCE_MSN_MASK;
        qp->resp.cur_op = 0xff;
    } else if (f->op->flags & ROCE_OPF_FIRST) {
        qp->resp.cur_op = f->op->flags & ROCE_OPF_SEND
                          ? ROCE_OP_RC_SEND_FIRST : ROCE_OP_RC_WRITE_FIRST;
    }
    if (f->ackreq || ++qp->resp.unacked >= qp->engine->cfg.ack_coalesce) {
        roce_rc_resp_send_ack(qp, ack_syndrome(), f->psn);
    }
}

static void
handle_send(struct roce_qp *qp, const struct roce_frame *f, bool last)
{
    struct roce_engine *e = qp->engine;
    enum roce_mr_status st;
    struct roce_recv_wqe *w;

    if (!take_recv_wqe(qp)) {
        send_rnr_nak(qp, f->psn);
        return;
    }
    w = &qp->resp.wqe;
    if (f->payload_len > w->length - qp->resp.recv_offset) {
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_LEN, 1);
        resp_fatal(qp, ROCE_NAK_INVALID_REQUEST, f->psn,
                   ROCE_WC_LOC_LEN_ERR);
        return;
    }
    st = roce_sge_scatter(e, qp->pd, w->sge, w->num_sge,
                          qp->resp.recv_offset, f->payload, f->payload_len);
    if (st != ROCE_MR_OK) {
        roce_count(e, &qp->stats, ROCE_CTR_LOCAL_ERR, 1);
        resp_fatal(qp, ROCE_NAK_REMOTE_OP_ERROR, f->psn,
                   ROCE_WC_LOC_PROT_ERR);
        return;
    }
    qp->resp.recv_offset += f->payload_len;
    if (last) {
        complete_recv(qp, ROCE_WC_SUCCESS, ROCE_WC_RECV,
                      qp->resp.recv_offset, f);
    }
    advance(qp, f, last);
}

static void
handle_write(struct roce_qp *qp, const struct roce_frame *f, bool first,
             bool last)
{
    struct roce_engine *e = qp->engine;
    enum roce_mr_status st;
    uint8_t *dst;

    /* WRITE with immediate consumes a receive WQE: make sure there is one
     * before changing any memory, or the retry would write twice. */
    if ((f->op->flags & ROCE_OPF_IMM) && !take_recv_wqe(qp)) {
        send_rnr_nak(qp, f->psn);
        return;
    }
    if (first) {
        const uint8_t *reth = f->ext[ROCE_EXT_RETH];
        uint64_t va = roce_reth_va(reth);
        uint32_t rkey = roce_reth_rkey(reth);
        uint32_t len = roce_reth_len(reth);

        if ((last && f->payload_len != len)
            || (!last && len <= f->payload_len)) {
            roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_LEN, 1);
            resp_fatal(qp, ROCE_NAK_INVALID_REQUEST, f->psn,
                       ROCE_WC_REM_INV_REQ_ERR);
            return;
        }
        /* The whole DMA range is checked before the first byte lands. */
        if (len && !roce_mr_check(e, qp->pd, rkey, va, len,
                                  ROCE_MR_REMOTE_WRITE, &st)) {
            resp_fatal(qp, ROCE_NAK_REMOTE_ACCESS_ERROR, f->psn,
                       ROCE_WC_REM_ACCESS_ERR);
            return;
        }
        qp->resp.write_va = va;
        qp->resp.write_rkey = rkey;
        qp->resp.write_left = len;
        qp->resp.write_len = len;
    } else if (f->payload_len > qp->resp.write_left
               || (last && f->payload_len != qp->resp.write_left)) {
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_LEN, 1);
        resp_fatal(qp, ROCE_NAK_INVALID_REQUEST, f->psn,
                   ROCE_WC_REM_INV_REQ_ERR);
        return;
    }
    if (f->payload_len) {
        dst = roce_mr_check(e, qp->pd, qp->resp.write_rkey,
                            qp->resp.write_va, f->payload_len,
                            ROCE_MR_REMOTE_WRITE, &st);
        if (!dst) {
            resp_fatal(qp, ROCE_NAK_REMOTE_ACCESS_ERROR, f->psn,
                       ROCE_WC_REM_ACCESS_ERR);
            return;
        }
        memcpy(dst, f->payload, f->payload_len);
        qp->resp.write_va += f->payload_len;
        qp->resp.write_left -= f->payload_len;
    }
    if (last && (f->op->flags & ROCE_OPF_IMM)) {
        complete_recv(qp, ROCE_WC_SUCCESS, ROCE_WC_RECV_RDMA_WITH_IMM,
                      qp->resp.write_len, f);
    }
    advance(qp, f, last);
}

static struct roce_read_res *
new_read_res(struct roce_qp *qp)
{
    struct roce_read_res *r = &qp->resp.rd[qp->resp.rd_next];

    qp->resp.rd_next = (qp->resp.rd_next + 1) % qp->resp.n_rd;
    memset(r, 0, sizeof *r);
    r->valid = true;
    return r;
}

static void
handle_read(struct roce_qp *qp, const struct roce_frame *f)
{
    const uint8_t *reth = f->ext[ROCE_EXT_RETH];
    uint64_t va = roce_reth_va(reth);
    uint32_t rkey = roce_reth_rkey(reth);
    uint32_t len = roce_reth_len(reth);
    struct roce_read_res *r;
    enum roce_mr_status st;
    uint32_t n;

    if (len > (1u << 31)) {
        resp_fatal(qp, ROCE_NAK_INVALID_REQUEST, f->psn,
                   ROCE_WC_REM_INV_REQ_ERR);
        return;
    }
    if (len && !roce_mr_check(qp->engine, qp->pd, rkey, va, len,
                              ROCE_MR_REMOTE_READ, &st)) {
        resp_fatal(qp, ROCE_NAK_REMOTE_ACCESS_ERROR, f->psn,
                   ROCE_WC_REM_ACCESS_ERR);
        return;
    }
    n = roce_qp_npkts(qp, len);
    if (qp->resp.n_jobs >= qp->resp.max_jobs) {
        /* Still answering earlier READs: as if lost; it will be
         * retried. */
        roce_count(qp->engine, &qp->stats, ROCE_CTR_RX_DROP_BUSY, 1);
        return;
    }
    r = new_read_res(qp);
    r->first_psn = f->psn;
    r->last_psn = roce_psn_add(f->psn, n - 1);
    r->va = va;
    r->rkey = rkey;
    r->length = len;
    qp->resp.epsn = roce_psn_add(f->psn, n);
    qp->resp.msn = (qp->resp.msn + 1) & ROCE_MSN_MASK;
    qp->resp.unacked = 0;
    queue_job(qp, false, f->psn, va, rkey, len, 0);
}

static void
handle_atomic(struct roce_qp *qp, const struct roce_frame *f)
{
    const uint8_t *aeth = f->ext[ROCE_EXT_ATOMIC_ETH];
    uint64_t va = roce_atomic_eth_va(aeth);
    uint32_t rkey = roce_atomic_eth_rkey(aeth);
    struct roce_read_res *r;
    enum roce_mr_status st;
    uint64_t orig, v;
    uint8_t *p;

    if (va & 7) {
        resp_fatal(qp, ROCE_NAK_INVALID_REQUEST, f->psn,
                   ROCE_WC_REM_INV_REQ_ERR);
        return;
    }
    if (qp->resp.n_jobs >= qp->resp.max_jobs) {
        roce_count(qp->engine, &qp->stats, ROCE_CTR_RX_DROP_BUSY, 1);
        return;
    }
    p = roce_mr_check(qp->engine, qp->pd, rkey, va, 8,
                      ROCE_MR_REMOTE_ATOMIC, &st);
    if (!p) {
        resp_fatal(qp, ROCE_NAK_REMOTE_ACCESS_ERROR, f->psn,
                   ROCE_WC_REM_ACCESS_ERR);
        return;
    }
    /* One engine thread owns the memory's RNIC side: a plain
     * read-modify-write is atomic with respect to other RDMA accesses. */
    memcpy(&orig, p, 8);
    if (f->opcode == ROCE_OP_RC_COMPARE_SWAP) {
        v = orig == roce_atomic_eth_compare(aeth)
            ? roce_atomic_eth_swap_add(aeth) : orig;
    } else {
        v = orig + roce_atomic_eth_swap_add(aeth);
    }
    memcpy(p, &v, 8);
    r = new_read_res(qp);
    r->atomic = true;
    r->first_psn = r->last_psn = f->psn;
    r->atomic_orig = orig;
    qp->resp.epsn = roce_psn_add(f->psn, 1);
    qp->resp.msn = (qp->resp.msn + 1) & ROCE_MSN_MASK;
    qp->resp.unacked = 0;
    queue_job(qp, true, f->psn, 0, 0, 0, orig);
}

static void resp_recv(struct roce_qp *, const struct roce_frame *);

/* Handles one request packet for 'qp' (roce_engine_receive()), then sends
 * what responses the burst limit allows. */
void
roce_rc_resp_recv(struct roce_qp *qp, const struct roce_frame *f)
{
    resp_recv(qp, f);
    if (qp->resp.n_jobs || qp->resp.deferred) {
        roce_rc_resp_run(qp);
    }
}

static void
resp_recv(struct roce_qp *qp, const struct roce_frame *f)
{
    struct roce_engine *e = qp->engine;
    uint32_t flags = f->op->flags;
    int32_t d = roce_psn_diff(f->psn, qp->resp.epsn);
    bool first = (flags & ROCE_OPF_FIRST) != 0;
    bool last = (flags & ROCE_OPF_LAST) != 0;

    if (d > 0) {
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_PSN, 1);
        if (!qp->resp.nak_sent) {
            qp->resp.nak_sent = true;
            roce_rc_resp_send_ack(qp, roce_syndrome_make(
                                          ROCE_AETH_NAK,
                                          ROCE_NAK_PSN_SEQ_ERROR),
                                  qp->resp.epsn);
        }
        return;
    }
    if (d < 0) {
        handle_duplicate(qp, f);
        return;
    }
    qp->resp.nak_sent = false;

    if (!opcode_in_sequence(qp, f->opcode, flags)) {
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_OPCODE, 1);
        resp_fatal(qp, ROCE_NAK_INVALID_REQUEST, f->psn,
                   ROCE_WC_REM_INV_REQ_ERR);
        return;
    }
    if (((flags & ROCE_OPF_WRITE)
         && !(qp->attr.qp_access_flags & ROCE_ACCESS_REMOTE_WRITE))
        || ((flags & ROCE_OPF_READ)
            && !(qp->attr.qp_access_flags & ROCE_ACCESS_REMOTE_READ))
        || ((flags & ROCE_OPF_ATOMIC)
            && !(qp->attr.qp_access_flags & ROCE_ACCESS_REMOTE_ATOMIC))
        || (flags & ROCE_OPF_INV)) {
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_OPCODE, 1);
        resp_fatal(qp, ROCE_NAK_INVALID_REQUEST, f->psn,
                   ROCE_WC_REM_INV_REQ_ERR);
        return;
    }
    /* Payload size: never above the MTU; exactly the MTU unless last. */
    if (f->payload_len > qp->mtu
        || ((flags & ROCE_OPF_PAYLOAD) && !last
            && f->payload_len != qp->mtu)) {
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_LEN, 1);
        resp_fatal(qp, ROCE_NAK_INVALID_REQUEST, f->psn,
                   ROCE_WC_REM_INV_REQ_ERR);
        return;
    }

    if (flags & ROCE_OPF_SEND) {
        handle_send(qp, f, last);
    } else if (flags & ROCE_OPF_WRITE) {
        handle_write(qp, f, first, last);
    } else if (f->opcode == ROCE_OP_RC_READ_REQUEST) {
        handle_read(qp, f);
    } else if (flags & ROCE_OPF_ATOMIC) {
        handle_atomic(qp, f);
    } else {
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_OPCODE, 1);
    }
}
