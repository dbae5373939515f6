/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#include "roce/pkt.h"

#include <string.h>
#include "roce/frame.h"
#include "roce/hdr.h"

/* Returns the serialized length of 'pkt' (0 if its opcode is invalid). */
size_t
roce_pkt_len(const struct roce_pkt *pkt)
{
    const struct roce_opcode_info *op = roce_opcode_info(pkt->opcode);

    if (!(op->flags & ROCE_OPF_VALID)) {
        return 0;
    }
    return op->hdr_len + pkt->payload_len + roce_pad_len(pkt->payload_len);
}

/* Serializes 'pkt' into 'buf' (see pkt.h). */
size_t
roce_pkt_build(const struct roce_pkt *pkt, uint8_t *buf, size_t size)
{
    const struct roce_opcode_info *op = roce_opcode_info(pkt->opcode);
    unsigned int pad = roce_pad_len(pkt->payload_len);
    size_t len = roce_pkt_len(pkt);
    uint8_t *h;

    if (!len || len > size
        || (pkt->payload_len && !(op->flags & ROCE_OPF_PAYLOAD))) {
        return 0;
    }

    /* Reserved bytes (CNP's 16, DETH's resv8) are zero. */
    memset(buf, 0, op->hdr_len);
    roce_bth_init(buf, pkt->opcode, pkt->se, pkt->mig, pad, pkt->pkey,
                  pkt->dqpn, pkt->ackreq, pkt->psn);
    roce_bth_set_fecn(buf, pkt->fecn);
    roce_bth_set_becn(buf, pkt->becn);

    if ((h = roce_hdr_ext(buf, ROCE_EXT_RETH))) {
        roce_reth_set_va(h, pkt->va);
        roce_reth_set_rkey(h, pkt->rkey);
        roce_reth_set_len(h, pkt->dma_len);
    }
    if ((h = roce_hdr_ext(buf, ROCE_EXT_AETH))) {
        roce_aeth_set_syndrome(h, pkt->syndrome);
        roce_aeth_set_msn(h, pkt->msn);
    }
    if ((h = roce_hdr_ext(buf, ROCE_EXT_DETH))) {
        roce_deth_set_qkey(h, pkt->qkey);
        roce_deth_set_sqpn(h, pkt->sqpn);
    }
    if ((h = roce_hdr_ext(buf, ROCE_EXT_ATOMIC_ETH))) {
        roce_atomic_eth_set_va(h, pkt->va);
        roce_atomic_eth_set_rkey(h, pkt->rkey);
        roce_atomic_eth_set_swap_add(h, pkt->swap_add);
        roce_atomic_eth_set_compare(h, pkt->compare);
    }
    if ((h = roce_hdr_ext(buf, ROCE_EXT_ATOMIC_ACK))) {
        roce_atomic_ack_set_orig(h, pkt->orig);
    }
    if ((h = roce_hdr_ext(buf, ROCE_EXT_IMMDT))) {
        roce_immdt_set(h, pkt->imm);
    }
    if ((h = roce_hdr_ext(buf, ROCE_EXT_IETH))) {
        roce_ieth_set_rkey(h, pkt->inv_rkey);
    }

    if (pkt->payload_len) {
        memcpy(buf + op->hdr_len, pkt->payload, pkt->payload_len);
    }
    memset(buf + op->hdr_len + pkt->payload_len, 0, pad);
    return len;
}

/* Decodes the transport part of a parsed frame into 'pkt'. */
void
roce_pkt_from_frame(const struct roce_frame *rf, struct roce_pkt *pkt)
{
    const uint8_t *h;

    memset(pkt, 0, sizeof *pkt);
    pkt->opcode = rf->opcode;
    pkt->se = rf->se;
    pkt->mig = rf->mig;
    pkt->fecn = rf->fecn;
    pkt->becn = rf->becn;
    pkt->ackreq = rf->ackreq;
    pkt->pkey = rf->pkey;
    pkt->dqpn = rf->dqpn;
    pkt->psn = rf->psn;

    if ((h = rf->ext[ROCE_EXT_RETH])) {
        pkt->va = roce_reth_va(h);
        pkt->rkey = roce_reth_rkey(h);
        pkt->dma_len = roce_reth_len(h);
    }
    if ((h = rf->ext[ROCE_EXT_AETH])) {
        pkt->syndrome = roce_aeth_syndrome(h);
        pkt->msn = roce_aeth_msn(h);
    }
    if ((h = rf->ext[ROCE_EXT_DETH])) {
        pkt->qkey = roce_deth_qkey(h);
        pkt->sqpn = roce_deth_sqpn(h);
    }
    if ((h = rf->ext[ROCE_EXT_ATOMIC_ETH])) {
        pkt->va = roce_atomic_eth_va(h);
        pkt->rkey = roce_atomic_eth_rkey(h);
        pkt->swap_add = roce_atomic_eth_swap_add(h);
        pkt->compare = roce_atomic_eth_compare(h);
    }
    if ((h = rf->ext[ROCE_EXT_ATOMIC_ACK])) {
        pkt->orig = roce_atomic_ack_orig(h);
    }
    if ((h = rf->ext[ROCE_EXT_IMMDT])) {
        pkt->imm = roce_immdt(h);
    }
    if ((h = rf->ext[ROCE_EXT_IETH])) {
        pkt->inv_rkey = roce_ieth_rkey(h);
    }
    pkt->payload = rf->payload;
    pkt->payload_len = rf->payload_len;
}
