/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* RC completer: consumes the responses (ACK, NAK, RNR NAK, READ responses,
 * atomic ACKs) that arrive for a QP's requests and completes send WQEs,
 * strictly in order.
 *
 * Responses are matched by PSN only: everything in [comp.psn, sent_psn)
 * is outstanding.  An ACK with PSN p acknowledges every request PSN <= p
 * (coalescing, IBTA 9.7.5.1.2); a READ response or NAK implicitly
 * acknowledges the requests before it.  A READ whose responses are
 * implicitly skipped over, or a response ahead of the next expected one,
 * means responses were lost: go back to the first missing PSN. */

#include <string.h>
#include "roce/cq.h"
#include "roce/engine-private.h"
#include "roce/frame.h"
#include "roce/hdr.h"
#include "roce/mr.h"
#include "roce/qp.h"

/* RNR NAK timer field -> wait, in units of 10 us (IBTA table 45). */
static const uint32_t rnr_timer_10us[32] = {
    65536, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256,
    384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192, 12288, 16384,
    24576, 32768, 49152,
};

/* The RNR wait, in nanoseconds, that the 5-bit 'code' asks for. */
uint64_t
roce_rnr_timer_ns(unsigned int code)
{
    return rnr_timer_10us[code & 31] * 10000ull;
}

/* Moves the oldest unacknowledged PSN forward to 'psn' (if that is
 * forward).  Forward progress resets the retry counters (IBTA 9.7.5.2.8)
 * and ends a go-back for missing responses. */
static void
advance_comp(struct roce_qp *qp, uint32_t psn)
{
    if (roce_psn_diff(psn, qp->comp.psn) > 0) {
        qp->comp.psn = psn;
        qp->comp.gap_retry = false;
        qp->req.retry_left = qp->attr.retry_cnt;
        qp->req.rnr_left = qp->attr.rnr_retry;
    }
}

/* Completes (successfully) the oldest WQE and advances the completer. */
static void
complete_ok(struct roce_qp *qp, struct roce_send_wqe *wqe)
{
    if (roce_wqe_is_read_like(wqe) && qp->req.rd_atomic) {
        qp->req.rd_atomic--;
    }
    advance_comp(qp, roce_psn_add(wqe->last_psn, 1));
    roce_qp_complete_send(qp, wqe, ROCE_WC_SUCCESS, 0);
}

/* Completes every SEND/WRITE WQE whose last PSN is before 'psn' (or at it
 * if 'inclusive').  Returns false if a READ/atomic WQE is in that range:
 * its responses were lost, since a responder answers in PSN order. */
static bool
ack_through(struct roce_qp *qp, uint32_t psn, bool inclusive)
{
    while (qp->sq_comp != qp->sq_prod && roce_qp_can_send(qp)) {
        struct roce_send_wqe *wqe = roce_sq_wqe(qp, qp->sq_comp);
        int32_t d;

        if (!wqe->started) {
            break;
        }
        d = roce_psn_diff(wqe->last_psn, psn);
        if (d > 0 || (d == 0 && !inclusive)) {
            /* Partially acknowledged multi-packet request. */
            if (inclusive && !roce_wqe_is_read_like(wqe)) {
                advance_comp(qp, roce_psn_add(psn, 1));
            }
            break;
        }
        if (roce_wqe_is_read_like(wqe)) {
            return false;
        }
        complete_ok(qp, wqe);
    }
    return true;
}

/* After progress: keep the requester's position at or after comp.psn,
 * restart the ACK timer and transmit what the window now allows. */
static void
after_progress(struct roce_qp *qp)
{
    if (!roce_qp_can_send(qp)) {
        return;
    }
    if (roce_psn_diff(qp->req.psn, qp->comp.psn) < 0) {
        roce_rc_req_rewind(qp, qp->comp.psn);
    }
    roce_rc_req_rearm(qp);
    roce_rc_req_run(qp);
}

/* Responses are missing before 'psn' (a gap in READ responses, or an
 * ACK beyond an unanswered READ): go back and ask again, once.  The
 * responses still in flight from before would otherwise each trigger
 * another full re-execution. */
static void
go_back(struct roce_qp *qp, uint32_t psn)
{
    if (qp->comp.gap_retry) {
        return;
    }
    qp->comp.gap_retry = true;
    roce_count(qp->engine, &qp->stats, ROCE_CTR_GAP_RETRIES, 1);
    roce_rc_req_rewind(qp, psn);
}

static void
fatal(struct roce_qp *qp, enum roce_wc_status status, uint8_t syndrome)
{
    if (qp->sq_comp != qp->sq_prod) {
        roce_qp_complete_send(qp, roce_sq_wqe(qp, qp->sq_comp), status,
                              syndrome);
    }
    roce_qp_error(qp);
    roce_engine_event(qp->engine, ROCE_EVENT_QP_FATAL, qp, NULL);
}

static void
handle_nak(struct roce_qp *qp, const struct roce_frame *f, uint8_t syn)
{
    struct roce_engine *e = qp->engine;
    unsigned int code = roce_syndrome_value(syn);

    /* Everything before the NAKed PSN was executed. */
    if (!ack_through(qp, f->psn, false)) {
        go_back(qp, qp->comp.psn);
        after_progress(qp);
        return;
    }
    advance_comp(qp, f->psn);
    switch (code) {
    case ROCE_NAK_PSN_SEQ_ERROR:
        roce_count(e, &qp->stats, ROCE_CTR_RX_NAK_SEQ, 1);
        roce_rc_req_rewind(qp, f->psn);
        after_progress(qp);
        break;
    case ROCE_NAK_INVALID_REQUEST:
        roce_count(e, &qp->stats, ROCE_CTR_RX_NAK_INV, 1);
        fatal(qp, ROCE_WC_REM_INV_REQ_ERR, syn);
        break;
    case ROCE_NAK_REMOTE_ACCESS_ERROR:
        roce_count(e, &qp->stats, ROCE_CTR_RX_NAK_ACCESS, 1);
        fatal(qp, ROCE_WC_REM_ACCESS_ERR, syn);
        break;
    case ROCE_NAK_INVALID_RD_REQUEST:
        roce_count(e, &qp->stats, ROCE_CTR_RX_NAK_INV, 1);
        fatal(qp, ROCE_WC_REM_INV_RD_REQ_ERR, syn);
        break;
    case ROCE_NAK_REMOTE_OP_ERROR:
    default:
        roce_count(e, &qp->stats, ROCE_CTR_RX_NAK_OP, 1);
        fatal(qp, ROCE_WC_REM_OP_ERR, syn);
        break;
    }
}

static void
handle_rnr_nak(struct roce_qp *qp, const struct roce_frame *f, uint8_t syn)
{
    struct roce_engine *e = qp->engine;

    roce_count(e, &qp->stats, ROCE_CTR_RX_RNR_NAK, 1);
    if (!ack_through(qp, f->psn, false)) {
        go_back(qp, qp->comp.psn);
        after_progress(qp);
        return;
    }
    if (roce_psn_diff(f->psn, qp->comp.psn) > 0) {
        /* Not advance_comp(): the RNR retry budget must keep counting. */
        qp->comp.psn = f->psn;
        qp->comp.gap_retry = false;
        qp->req.retry_left = qp->attr.retry_cnt;
    }
    if (qp->attr.rnr_retry != 7) {
        if (!qp->req.rnr_left) {
            roce_count(e, &qp->stats, ROCE_CTR_RNR_RETRY_EXC, 1);
            fatal(qp, ROCE_WC_RNR_RETRY_EXC_ERR, syn);
            return;
        }
        qp->req.rnr_left--;
    }
    /* Stop transmitting; the timer resumes from the NAKed PSN. */
    qp->req.rnr_wait = true;
    qp->req.rnr_deadline = e->now
                           + roce_rnr_timer_ns(roce_syndrome_value(syn));
    qp->req.ack_deadline = 0;
    roce_rc_req_rewind(qp, qp->comp.psn);
}

static void
handle_ack(struct roce_qp *qp, const struct roce_frame *f)
{
    uint8_t syn = roce_aeth_syndrome(f->ext[ROCE_EXT_AETH]);

    switch (roce_syndrome_type(syn)) {
    case ROCE_AETH_ACK:
        roce_count(qp->engine, &qp->stats, ROCE_CTR_RX_ACK, 1);
        if (!ack_through(qp, f->psn, true)) {
            go_back(qp, qp->comp.psn);
        }
        after_progress(qp);
        break;
    case ROCE_AETH_RNR_NAK:
        handle_rnr_nak(qp, f, syn);
        break;
    case ROCE_AETH_NAK:
        handle_nak(qp, f, syn);
        break;
    case ROCE_AETH_RESERVED:
    default:
        roce_count(qp->engine, &qp->stats, ROCE_CTR_RX_DROP_UNEXPECTED, 1);
        break;
    }
}

/* Is 'f' a well-formed response packet for READ 'wqe' at PSN f->psn? */
static bool
read_resp_ok(const struct roce_qp *qp, const struct roce_send_wqe *wqe,
             const struct roce_frame *f, uint32_t *offset)
{
    uint32_t idx = roce_psn_diff(f->psn, wqe->first_psn);
    uint32_t off = idx * qp->mtu;
    bool last = f->psn == wqe->last_psn;
    uint32_t flags = f->op->flags;

    if (f->ext[ROCE_EXT_AETH]
        && roce_syndrome_type(roce_aeth_syndrome(f->ext[ROCE_EXT_AETH]))
           != ROCE_AETH_ACK) {
        return false;
    }
    if (last) {
        if (!(flags & ROCE_OPF_LAST)
            || f->payload_len != wqe->length - off) {
            return false;
        }
    } else if ((flags & ROCE_OPF_LAST) || f->payload_len != qp->mtu) {
        return false;
    }
    *offset = off;
    return true;
}

static void
handle_read_resp(struct roce_qp *qp, struct roce_send_wqe *wqe,
                 const struct roce_frame *f)
{
    struct roce_engine *e = qp->engine;
    enum roce_mr_status st;
    uint32_t off;

    if (wqe->opcode != ROCE_WR_RDMA_READ) {
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_UNEXPECTED, 1);
        return;
    }
    if (f->psn != qp->comp.psn) {
        if (roce_psn_diff(f->psn, qp->comp.psn) > 0) {
            /* Responses before this one were lost. */
            roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_PSN, 1);
            go_back(qp, qp->comp.psn);
            after_progress(qp);
        } else {
            roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_PSN, 1);
        }
        return;
    }
    if (!read_resp_ok(qp, wqe, f, &off)) {
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_LEN, 1);
        return;
    }
    /* Direct placement into the READ's local buffer, through the checked
     * lookup (LOCAL_WRITE). */
    st = roce_sge_scatter(e, qp->pd, wqe->sge, wqe->num_sge, off,
                          f->payload, f->payload_len);
    if (st != ROCE_MR_OK) {
        roce_count(e, &qp->stats, ROCE_CTR_LOCAL_ERR, 1);
        fatal(qp, (st == ROCE_MR_BAD_BOUNDS ? ROCE_WC_LOC_LEN_ERR
                   : ROCE_WC_LOC_PROT_ERR), st);
        return;
    }
    if (f->psn == wqe->last_psn) {
        complete_ok(qp, wqe);
    } else {
        advance_comp(qp, roce_psn_add(qp->comp.psn, 1));
    }
    after_progress(qp);
}

static void
handle_atomic_ack(struct roce_qp *qp, struct roce_send_wqe *wqe,
                  const struct roce_frame *f)
{
    struct roce_engine *e = qp->engine;
    enum roce_mr_status st;
    uint8_t orig[8];

    if ((wqe->opcode != ROCE_WR_ATOMIC_CMP_AND_SWP
         && wqe->opcode != ROCE_WR_ATOMIC_FETCH_AND_ADD)
        || f->psn != wqe->first_psn
        || roce_syndrome_type(roce_aeth_syndrome(f->ext[ROCE_EXT_AETH]))
           != ROCE_AETH_ACK) {
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_UNEXPECTED, 1);
        return;
    }
    memcpy(orig, f->ext[ROCE_EXT_ATOMIC_ACK], 8);
    {
        /* The original value goes to local memory in host order. */
        uint64_t v = roce_atomic_ack_orig(orig);

        st = roce_sge_scatter(e, qp->pd, wqe->sge, wqe->num_sge, 0, &v, 8);
    }
    if (st != ROCE_MR_OK) {
        fatal(qp, ROCE_WC_LOC_PROT_ERR, st);
        return;
    }
    complete_ok(qp, wqe);
    after_progress(qp);
}

/* Handles one response packet for 'qp' (roce_engine_receive()). */
void
roce_rc_comp_recv(struct roce_qp *qp, const struct roce_frame *f)
{
    struct roce_engine *e = qp->engine;
    uint32_t flags = f->op->flags;

    if (!roce_qp_can_send(qp)) {
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_QP_STATE, 1);
        return;
    }
    /* Only PSNs of requests transmitted and not yet acknowledged. */
    if (roce_psn_diff(f->psn, qp->req.sent_psn) >= 0
        || roce_psn_diff(f->psn, qp->comp.psn) < 0) {
        /* An old ACK or response: a duplicate, harmless. */
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_PSN, 1);
        return;
    }

    if (flags & ROCE_OPF_ACK) {
        handle_ack(qp, f);
        return;
    }

    /* READ response or atomic ACK: first the implicit ACK of everything
     * before it. */
    if (!ack_through(qp, f->psn, false)) {
        /* ack_through() stopped at a READ/atomic before f->psn. */
        struct roce_send_wqe *w = roce_sq_wqe(qp, qp->sq_comp);

        if (roce_psn_diff(f->psn, w->last_psn) > 0) {
            roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_PSN, 1);
            go_back(qp, qp->comp.psn);
            after_progress(qp);
            return;
        }
    }
    if (qp->sq_comp == qp->sq_prod || !roce_qp_can_send(qp)) {
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_UNEXPECTED, 1);
        return;
    }
    if (flags & ROCE_OPF_ATOMIC) {
        handle_atomic_ack(qp, roce_sq_wqe(qp, qp->sq_comp), f);
    } else {
        handle_read_resp(qp, roce_sq_wqe(qp, qp->sq_comp), f);
    }
}
