/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* UD QPs, including QP1 (the GSI) that carries CM MADs.
 *
 * Each SEND is one packet with a DETH (Q_Key, source QP).  A Q_Key in a
 * work request with the high bit set means "use the QP's own Q_Key"
 * (controlled Q_Keys, IBTA 10.2.5).  On receive the DETH's Q_Key must
 * equal the QP's (QP1: 0x80010000); the first 40 bytes of the receive
 * buffer get a GRH describing the sender, as with libibverbs (for IPv4,
 * bytes 20..39 hold the IPv4 header). */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "roce/cq.h"
#include "roce/encap.h"
#include "roce/engine-private.h"
#include "roce/frame.h"
#include "roce/hdr.h"
#include "roce/mr.h"
#include "roce/qp.h"

struct roce_ah {
    struct roce_list node;      /* In engine->ahs. */
    struct roce_pd *pd;
    struct roce_encap encap;
};

/* Creates an address handle: the template of a UD destination. */
struct roce_ah *
roce_create_ah(struct roce_pd *pd, const struct roce_encap *encap)
{
    struct roce_ah *ah;

    if (!pd || !encap) {
        errno = EINVAL;
        return NULL;
    }
    ah = malloc(sizeof *ah);
    if (!ah) {
        errno = ENOMEM;
        return NULL;
    }
    ah->pd = pd;
    ah->encap = *encap;
    pd->refcnt++;
    roce_list_push(&pd->engine->ahs, &ah->node);
    return ah;
}

int
roce_destroy_ah(struct roce_ah *ah)
{
    if (!ah) {
        return EINVAL;
    }
    ah->pd->refcnt--;
    roce_list_remove(&ah->node);
    free(ah);
    return 0;
}

static void
flush_send_queue(struct roce_qp *qp)
{
    while (qp->sq_comp != qp->sq_prod) {
        roce_qp_complete_send(qp, roce_sq_wqe(qp, qp->sq_comp),
                              ROCE_WC_WR_FLUSH_ERR, 0);
    }
}

/* Transmits every queued UD SEND.  UD is unreliable: a WQE completes as
 * soon as its packet has been handed to the transmit callback. */
void
roce_ud_send_run(struct roce_qp *qp)
{
    struct roce_engine *e = qp->engine;

    if (qp->state == ROCE_QPS_SQE) {
        flush_send_queue(qp);
        return;
    }
    while (qp->state == ROCE_QPS_RTS && qp->sq_comp != qp->sq_prod) {
        struct roce_send_wqe *wqe = roce_sq_wqe(qp, qp->sq_comp);
        const struct roce_encap *encap = &wqe->ah->encap;
        bool imm = wqe->opcode == ROCE_WR_SEND_WITH_IMM;
        uint8_t op = imm ? ROCE_OP_UD_SEND_ONLY_IMM : ROCE_OP_UD_SEND_ONLY;
        const struct roce_opcode_info *info = roce_opcode_info(op);
        uint8_t *bth = roce_engine_tx_start(e, encap);
        unsigned int pad = roce_pad_len(wqe->length);
        enum roce_mr_status st = ROCE_MR_OK;
        uint8_t *deth;

        if (wqe->send_flags & ROCE_SEND_INLINE) {
            memcpy(bth + info->hdr_len, wqe->inline_data, wqe->length);
        } else {
            st = roce_sge_gather(e, qp->pd, wqe->sge, wqe->num_sge, 0,
                                 bth + info->hdr_len, wqe->length);
        }
        if (st != ROCE_MR_OK || wqe->ah->pd != qp->pd) {
            /* A UD send error stops only the send queue (SQE). */
            roce_count(e, &qp->stats, ROCE_CTR_LOCAL_ERR, 1);
            roce_qp_complete_send(qp, wqe, ROCE_WC_LOC_PROT_ERR, st);
            qp->state = ROCE_QPS_SQE;
            flush_send_queue(qp);
            roce_engine_event(e, ROCE_EVENT_QP_FATAL, qp, NULL);
            return;
        }
        memset(bth + info->hdr_len + wqe->length, 0, pad);
        roce_bth_init(bth, op, (wqe->send_flags & ROCE_SEND_SOLICITED) != 0,
                      false, pad, ROCE_DEFAULT_PKEY, wqe->remote_qpn, false,
                      qp->req.psn);
        deth = roce_hdr_ext(bth, ROCE_EXT_DETH);
        roce_deth_set_qkey(deth, (wqe->remote_qkey & ROCE_QKEY_CONTROLLED
                                  ? qp->attr.qkey : wqe->remote_qkey));
        roce_deth_set_sqpn(deth, qp->qpn);
        if (imm) {
            memcpy(roce_hdr_ext(bth, ROCE_EXT_IMMDT), &wqe->imm_data, 4);
        }
        qp->req.psn = roce_psn_add(qp->req.psn, 1);
        roce_count(e, &qp->stats, ROCE_CTR_TX_UD_PKTS, 1);
        roce_engine_xmit(e, encap, &qp->stats,
                         info->hdr_len + wqe->length + pad);
        roce_qp_complete_send(qp, wqe, ROCE_WC_SUCCESS, 0);
    }
}

/* Writes the 40-byte GRH that describes the sender of 'f'. */
static void
build_grh(const struct roce_frame *f, uint8_t grh[ROCE_GRH_LEN])
{
    const struct roce_frame_l2l4 *l = &f->inner;

    memset(grh, 0, ROCE_GRH_LEN);
    if (l->ip_version == 6) {
        uint32_t w = (6u << 28) | ((uint32_t) (l->dscp << 2 | l->ecn) << 20)
                     | (l->flow_label & 0xfffff);

        roce_put_be32(grh, w);
        roce_put_be16(grh + 4, (uint16_t) (f->roce_len - ROCE_IPV6_HDR_LEN
                                           + ROCE_ICRC_LEN));
        grh[6] = ROCE_IPPROTO_UDP;
        grh[7] = l->ttl;
        memcpy(grh + 8, &l->ip_src, 16);
        memcpy(grh + 24, &l->ip_dst, 16);
    } else {
        uint8_t *ip = grh + 20;

        ip[0] = 0x45;
        ip[1] = (uint8_t) (l->dscp << 2 | l->ecn);
        roce_put_be16(ip + 2, (uint16_t) (f->roce_len + ROCE_ICRC_LEN));
        ip[8] = l->ttl;
        ip[9] = ROCE_IPPROTO_UDP;
        memcpy(ip + 12, &l->ip_src.s6_addr[12], 4);
        memcpy(ip + 16, &l->ip_dst.s6_addr[12], 4);
    }
}

/* Handles one UD packet addressed to 'qp'. */
void
roce_ud_recv(struct roce_qp *qp, const struct roce_frame *f)
{
    struct roce_engine *e = qp->engine;
    const uint8_t *deth = f->ext[ROCE_EXT_DETH];
    const uint8_t *imm = f->ext[ROCE_EXT_IMMDT];
    struct roce_recv_wqe *w;
    uint8_t grh[ROCE_GRH_LEN];
    enum roce_mr_status st;
    struct roce_wc wc;

    if (!deth || roce_deth_qkey(deth) != qp->attr.qkey) {
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_QKEY, 1);
        return;
    }
    if (f->payload_len > qp->mtu) {
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_LEN, 1);
        return;
    }
    if (qp->rq_cons == qp->rq_prod) {
        /* UD has no RNR: the datagram is dropped. */
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_NO_RECV_WQE, 1);
        return;
    }
    w = &qp->rq[qp->rq_cons++ & qp->rq_mask];

    memset(&wc, 0, sizeof wc);
    wc.wr_id = w->wr_id;
    wc.opcode = ROCE_WC_RECV;
    wc.qp_num = qp->qpn;
    wc.src_qp = roce_deth_sqpn(deth);
    wc.wc_flags = ROCE_WC_GRH;

    if ((uint64_t) f->payload_len + ROCE_GRH_LEN > w->length) {
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_LEN, 1);
        wc.status = ROCE_WC_LOC_LEN_ERR;
        roce_qp_post_cqe(qp, qp->recv_cq, &wc, false);
        return;
    }
    build_grh(f, grh);
    st = roce_sge_scatter(e, qp->pd, w->sge, w->num_sge, 0, grh,
                          ROCE_GRH_LEN);
    if (st == ROCE_MR_OK) {
        st = roce_sge_scatter(e, qp->pd, w->sge, w->num_sge, ROCE_GRH_LEN,
                              f->payload, f->payload_len);
    }
    if (st != ROCE_MR_OK) {
        roce_count(e, &qp->stats, ROCE_CTR_LOCAL_ERR, 1);
        wc.status = ROCE_WC_LOC_PROT_ERR;
        roce_qp_post_cqe(qp, qp->recv_cq, &wc, false);
        return;
    }
    roce_count(e, &qp->stats, ROCE_CTR_RX_UD_PKTS, 1);
    if (qp->ud_rx_hook) {
        qp->ud_rx_hook(qp, f, w->wr_id, qp->ud_rx_hook_aux);
    }
    wc.status = ROCE_WC_SUCCESS;
    wc.byte_len = ROCE_GRH_LEN + f->payload_len;
    if (imm) {
        memcpy(&wc.imm_data, imm, 4);
        wc.wc_flags |= ROCE_WC_WITH_IMM;
    }
    roce_qp_post_cqe(qp, qp->recv_cq, &wc, f->se);
}
