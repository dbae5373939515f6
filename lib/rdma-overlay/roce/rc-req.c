/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* RC requester: turns send WQEs into request packets.
 *
 * PSNs are assigned to a WQE when it is first transmitted (a READ takes
 * one PSN per response packet, IBTA 9.7.1); retransmission is go-back-N
 * from the oldest unacknowledged PSN (roce_rc_req_rewind()), re-sending
 * every later packet with the PSN it had.  Each packet is built in the
 * engine's transmit buffer right after the QP's encapsulation template:
 * BTH and extended headers are written, the payload is copied once from
 * the registered memory (through the checked MR lookup), and the engine
 * adds the template and the ICRC. */

#include <string.h>
#include "roce/cq.h"
#include "roce/encap.h"
#include "roce/engine-private.h"
#include "roce/hdr.h"
#include "roce/mr.h"
#include "roce/qp.h"

/* Starts the requester at sq_psn (RTR -> RTS). */
void
roce_rc_req_init(struct roce_qp *qp)
{
    memset(&qp->req, 0, sizeof qp->req);
    qp->req.idx = qp->sq_comp;
    qp->req.psn = qp->req.next_psn = qp->req.sent_psn = qp->attr.sq_psn;
    qp->req.retry_left = qp->attr.retry_cnt;
    qp->req.rnr_left = qp->attr.rnr_retry;
    qp->comp.psn = qp->attr.sq_psn;
}

/* Number of PSNs a WQE consumes. */
uint32_t
roce_rc_wqe_npkts(const struct roce_qp *qp, const struct roce_send_wqe *wqe)
{
    if (wqe->opcode == ROCE_WR_ATOMIC_CMP_AND_SWP
        || wqe->opcode == ROCE_WR_ATOMIC_FETCH_AND_ADD) {
        return 1;
    }
    return roce_qp_npkts(qp, wqe->length);
}

/* Local ACK timeout: 4.096 us * 2^timeout (IBTA 9.7.6.1.3); 0 means the
 * timer is disabled. */
static uint64_t
ack_timeout_ns(const struct roce_qp *qp)
{
    return qp->attr.timeout ? 4096ull << qp->attr.timeout : 0;
}

/* Restarts the ACK timer if anything is outstanding, stops it otherwise.
 * Called whenever the completer makes progress. */
void
roce_rc_req_rearm(struct roce_qp *qp)
{
    uint64_t t = ack_timeout_ns(qp);

    if (t && roce_psn_diff(qp->req.sent_psn, qp->comp.psn) > 0) {
        qp->req.ack_deadline = qp->engine->now + t;
    } else {
        qp->req.ack_deadline = 0;
    }
}

/* Go-back-N: the next packet transmitted is the one with PSN 'psn', found
 * among the started WQEs, with the byte offset it had. */
void
roce_rc_req_rewind(struct roce_qp *qp, uint32_t psn)
{
    uint32_t i;

    for (i = qp->sq_comp; i != qp->sq_prod; i++) {
        const struct roce_send_wqe *wqe = roce_sq_wqe(qp, i);

        if (!wqe->started) {
            break;
        }
        if (roce_psn_diff(psn, wqe->first_psn) >= 0
            && roce_psn_diff(psn, wqe->last_psn) <= 0) {
            qp->req.idx = i;
            qp->req.psn = psn;
            qp->req.offset = (uint32_t) roce_psn_diff(psn, wqe->first_psn)
                             * qp->mtu;
            return;
        }
    }
    qp->req.idx = i;
    qp->req.psn = psn;
    qp->req.offset = 0;
}

static uint8_t
send_opcode(const struct roce_send_wqe *wqe, bool first, bool last)
{
    bool imm = wqe->opcode == ROCE_WR_SEND_WITH_IMM
               || wqe->opcode == ROCE_WR_RDMA_WRITE_WITH_IMM;

    if (wqe->opcode == ROCE_WR_SEND || wqe->opcode == ROCE_WR_SEND_WITH_IMM) {
        return (first && last ? (imm ? ROCE_OP_RC_SEND_ONLY_IMM
                                 : ROCE_OP_RC_SEND_ONLY)
                : first ? ROCE_OP_RC_SEND_FIRST
                : last ? (imm ? ROCE_OP_RC_SEND_LAST_IMM
                          : ROCE_OP_RC_SEND_LAST)
                : ROCE_OP_RC_SEND_MIDDLE);
    }
    return (first && last ? (imm ? ROCE_OP_RC_WRITE_ONLY_IMM
                             : ROCE_OP_RC_WRITE_ONLY)
            : first ? ROCE_OP_RC_WRITE_FIRST
            : last ? (imm ? ROCE_OP_RC_WRITE_LAST_IMM
                      : ROCE_OP_RC_WRITE_LAST)
            : ROCE_OP_RC_WRITE_MIDDLE);
}

/* Copies 'len' bytes at 'offset' of the WQE's data into 'dst'. */
static enum roce_mr_status
wqe_gather(struct roce_qp *qp, const struct roce_send_wqe *wqe,
           uint32_t offset, uint8_t *dst, size_t len)
{
    if (wqe->send_flags & ROCE_SEND_INLINE) {
        memcpy(dst, wqe->inline_data + offset, len);
        return ROCE_MR_OK;
    }
    return roce_sge_gather(qp->engine, qp->pd, wqe->sge, wqe->num_sge,
                           offset, dst, len);
}

static uint8_t *
req_bth(struct roce_qp *qp)
{
    return roce_engine_tx_start(qp->engine, &qp->encap);
}

/* Counts a packet as retransmitted if its PSN was sent before. */
static void
count_tx(struct roce_qp *qp, enum roce_counter c, uint32_t psn)
{
    roce_count(qp->engine, &qp->stats, c, 1);
    if (roce_psn_diff(psn, qp->req.sent_psn) < 0) {
        roce_count(qp->engine, &qp->stats, ROCE_CTR_RETRANSMIT_PKTS, 1);
    }
}

static void
note_sent(struct roce_qp *qp, uint32_t next)
{
    if (roce_psn_diff(next, qp->req.sent_psn) > 0) {
        qp->req.sent_psn = next;
    }
    if (!qp->req.ack_deadline) {
        roce_rc_req_rearm(qp);
    }
}

/* Transmits the next packet of a SEND or WRITE WQE. */
static enum roce_mr_status
send_data_packet(struct roce_qp *qp, struct roce_send_wqe *wqe)
{
    uint32_t off = qp->req.offset;
    uint32_t left = wqe->length - off;
    uint32_t len = left < qp->mtu ? left : qp->mtu;
    bool first = off == 0;
    bool last = len == left;
    uint8_t op = send_opcode(wqe, first, last);
    const struct roce_opcode_info *info = roce_opcode_info(op);
    uint8_t *bth = req_bth(qp);
    unsigned int pad = roce_pad_len(len);
    enum roce_mr_status st;
    uint8_t *ext;
    bool ackreq;

    st = wqe_gather(qp, wqe, off, bth + info->hdr_len, len);
    if (st != ROCE_MR_OK) {
        return st;
    }
    memset(bth + info->hdr_len + len, 0, pad);

    ackreq = last || ++qp->req.noack_pkts >= qp->engine->cfg.ackreq_every;
    if (ackreq) {
        qp->req.noack_pkts = 0;
    }
    roce_bth_init(bth, op, last && (wqe->send_flags & ROCE_SEND_SOLICITED),
                  false, pad, ROCE_DEFAULT_PKEY, qp->attr.dest_qp_num,
                  ackreq, qp->req.psn);
    ext = roce_hdr_ext(bth, ROCE_EXT_RETH);
    if (ext) {
        roce_reth_set_va(ext, wqe->remote_addr);
        roce_reth_set_rkey(ext, wqe->rkey);
        roce_reth_set_len(ext, wqe->length);
    }
    ext = roce_hdr_ext(bth, ROCE_EXT_IMMDT);
    if (ext) {
        memcpy(ext, &wqe->imm_data, 4);  /* Already network order. */
    }
    count_tx(qp, (info->flags & ROCE_OPF_SEND ? ROCE_CTR_TX_SEND_PKTS
                  : ROCE_CTR_TX_WRITE_PKTS), qp->req.psn);
    roce_engine_xmit(qp->engine, &qp->encap, &qp->stats,
                     info->hdr_len + len + pad);

    qp->req.psn = roce_psn_add(qp->req.psn, 1);
    note_sent(qp, qp->req.psn);
    if (last) {
        qp->req.idx++;
        qp->req.offset = 0;
    } else {
        qp->req.offset += len;
    }
    return ROCE_MR_OK;
}

/* Transmits (or re-transmits from 'offset') a READ request: one packet
 * whose PSN range covers all response packets. */
static void
send_read_request(struct roce_qp *qp, struct roce_send_wqe *wqe)
{
    uint8_t *bth = req_bth(qp);
    uint8_t *reth;

    roce_bth_init(bth, ROCE_OP_RC_READ_REQUEST, false, false, 0,
                  ROCE_DEFAULT_PKEY, qp->attr.dest_qp_num, false,
                  qp->req.psn);
    reth = roce_hdr_ext(bth, ROCE_EXT_RETH);
    roce_reth_set_va(reth, wqe->remote_addr + qp->req.offset);
    roce_reth_set_rkey(reth, wqe->rkey);
    roce_reth_set_len(reth, wqe->length - qp->req.offset);
    count_tx(qp, ROCE_CTR_TX_READ_REQ, qp->req.psn);
    roce_engine_xmit(qp->engine, &qp->encap, &qp->stats,
                     roce_opcode_info(ROCE_OP_RC_READ_REQUEST)->hdr_len);

    qp->req.psn = roce_psn_add(wqe->last_psn, 1);
    note_sent(qp, qp->req.psn);
    qp->req.idx++;
    qp->req.offset = 0;
}

static void
send_atomic_request(struct roce_qp *qp, struct roce_send_wqe *wqe)
{
    uint8_t op = (wqe->opcode == ROCE_WR_ATOMIC_CMP_AND_SWP
                  ? ROCE_OP_RC_COMPARE_SWAP : ROCE_OP_RC_FETCH_ADD);
    uint8_t *bth = req_bth(qp);
    uint8_t *aeth;

    roce_bth_init(bth, op, false, false, 0, ROCE_DEFAULT_PKEY,
                  qp->attr.dest_qp_num, true, qp->req.psn);
    aeth = roce_hdr_ext(bth, ROCE_EXT_ATOMIC_ETH);
    roce_atomic_eth_set_va(aeth, wqe->remote_addr);
    roce_atomic_eth_set_rkey(aeth, wqe->rkey);
    roce_atomic_eth_set_swap_add(aeth, (op == ROCE_OP_RC_COMPARE_SWAP
                                        ? wqe->swap : wqe->compare_add));
    roce_atomic_eth_set_compare(aeth, wqe->compare_add);
    count_tx(qp, ROCE_CTR_TX_READ_REQ, qp->req.psn);
    roce_engine_xmit(qp->engine, &qp->encap, &qp->stats,
                     roce_opcode_info(op)->hdr_len);

    qp->req.psn = roce_psn_add(qp->req.psn, 1);
    note_sent(qp, qp->req.psn);
    qp->req.idx++;
    qp->req.offset = 0;
}

/* May WQE 'wqe', not yet started, start now? */
static bool
may_start(const struct roce_qp *qp, const struct roce_send_wqe *wqe)
{
    uint32_t max_rd = qp->attr.max_rd_atomic ? qp->attr.max_rd_atomic : 1;

    if (qp->state != ROCE_QPS_RTS) {
        return false;           /* SQD: drain, start nothing new. */
    }
    if (roce_wqe_is_read_like(wqe) && qp->req.rd_atomic >= max_rd) {
        return false;
    }
    if ((wqe->send_flags & ROCE_SEND_FENCE) && qp->req.rd_atomic) {
        return false;
    }
    return true;
}

/* Fails the WQE the requester could not build (its local memory check
 * failed) once every earlier WQE has completed, keeping completions in
 * order; then the QP is in error. */
static bool
local_error(struct roce_qp *qp, enum roce_mr_status st)
{
    if (qp->req.idx != qp->sq_comp) {
        return false;           /* Wait for earlier WQEs. */
    }
    roce_count(qp->engine, &qp->stats, ROCE_CTR_LOCAL_ERR, 1);
    roce_qp_complete_send(qp, roce_sq_wqe(qp, qp->sq_comp),
                          (st == ROCE_MR_BAD_BOUNDS ? ROCE_WC_LOC_LEN_ERR
                           : ROCE_WC_LOC_PROT_ERR), st);
    roce_qp_error(qp);
    roce_engine_event(qp->engine, ROCE_EVENT_QP_FATAL, qp, NULL);
    return true;
}

/* Transmits whatever the send queue, the window (max_inflight PSNs past
 * the oldest unacknowledged one) and max_rd_atomic allow. */
void
roce_rc_req_run(struct roce_qp *qp)
{
    uint32_t window = qp->engine->cfg.max_inflight;

    if (roce_psn_diff(qp->req.psn, qp->comp.psn) < 0) {
        /* Acknowledged beyond where we were: never resend those. */
        roce_rc_req_rewind(qp, qp->comp.psn);
    }
    while (roce_qp_can_send(qp) && !qp->req.rnr_wait
           && qp->req.idx != qp->sq_prod) {
        struct roce_send_wqe *wqe = roce_sq_wqe(qp, qp->req.idx);

        if (!qp->have_encap) {
            break;
        }
        if (!wqe->started) {
            if (!may_start(qp, wqe)) {
                break;
            }
            wqe->npkts = roce_rc_wqe_npkts(qp, wqe);
            wqe->first_psn = qp->req.psn;
            wqe->last_psn = roce_psn_add(qp->req.psn, wqe->npkts - 1);
            wqe->started = true;
            qp->req.offset = 0;
            qp->req.next_psn = roce_psn_add(wqe->last_psn, 1);
            if (roce_wqe_is_read_like(wqe)) {
                qp->req.rd_atomic++;
            }
        }
        if ((uint32_t) roce_psn_diff(qp->req.psn, qp->comp.psn) >= window) {
            break;
        }

        switch (wqe->opcode) {
        case ROCE_WR_RDMA_READ:
            send_read_request(qp, wqe);
            break;
        case ROCE_WR_ATOMIC_CMP_AND_SWP:
        case ROCE_WR_ATOMIC_FETCH_AND_ADD:
            send_atomic_request(qp, wqe);
            break;
        case ROCE_WR_RDMA_WRITE:
        case ROCE_WR_RDMA_WRITE_WITH_IMM:
        case ROCE_WR_SEND:
        case ROCE_WR_SEND_WITH_IMM:
        default: {
            enum roce_mr_status st = send_data_packet(qp, wqe);

            if (st != ROCE_MR_OK) {
                local_error(qp, st);
                return;
            }
            break;
        }
        }
    }
    roce_qp_check_drained(qp);
}

/* Fires the RNR or ACK timer of 'qp' (roce_engine_run()). */
void
roce_rc_req_timer(struct roce_qp *qp)
{
    uint64_t now = qp->engine->now;

    if (qp->req.rnr_wait) {
        if (now >= qp->req.rnr_deadline) {
            qp->req.rnr_wait = false;
            roce_rc_req_rewind(qp, qp->comp.psn);
            qp->req.ack_deadline = 0;
            roce_rc_req_run(qp);
        }
        return;
    }
    if (!qp->req.ack_deadline || now < qp->req.ack_deadline) {
        return;
    }
    qp->req.ack_deadline = 0;
    if (roce_psn_diff(qp->req.sent_psn, qp->comp.psn) <= 0) {
        return;                 /* Nothing outstanding. */
    }
    roce_count(qp->engine, &qp->stats, ROCE_CTR_TIMEOUTS, 1);
    if (!qp->req.retry_left) {
        roce_count(qp->engine, &qp->stats, ROCE_CTR_RETRY_EXC, 1);
        roce_qp_complete_send(qp, roce_sq_wqe(qp, qp->sq_comp),
                              ROCE_WC_RETRY_EXC_ERR, 0);
        roce_qp_error(qp);
        roce_engine_event(qp->engine, ROCE_EVENT_QP_FATAL, qp, NULL);
        return;
    }
    qp->req.retry_left--;
    qp->comp.gap_retry = false;
    roce_rc_req_rewind(qp, qp->comp.psn);
    roce_rc_req_run(qp);
    if (!qp->req.ack_deadline) {
        roce_rc_req_rearm(qp);
    }
}
