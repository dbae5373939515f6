/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* libFuzzer harness for the transport behind the parser: every input is a
 * script of packets that a peer sends to a victim engine, each sealed with
 * the peer's real encapsulation template and a valid ICRC so that it gets
 * past the parser into the responder (requests to an RC QP in RTS), the
 * completer (responses to the victim's own outstanding WRITE, READ, SEND
 * and atomic) and the UD path (QP1), with virtual time advancing between
 * packets so that retransmission and RNR timers fire too.
 *
 * Memory is registered as exact-size heap blocks, so any access outside
 * an MR is an ASan report; an MR without remote write access and an MR of
 * another PD must come out unchanged.
 *
 * Record format (repeated): op, flags, psn delta (2), length (2), va
 * selector, key selector, value (4), then 'length' payload bytes (as many
 * as are left). */

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "roce/encap.h"
#include "roce/engine.h"
#include "roce/hdr.h"
#include "roce/net.h"
#include "roce/opcode.h"
#include "roce/pkt.h"
#include "roce/verbs.h"

#define REQUIRE(COND) do { if (!(COND)) { abort(); } } while (0)

#define A_LEN 8192
#define B_LEN 2048
#define F_LEN 512
#define PEER_QPN 0x123
#define PEER_PSN 0xfffff0u     /* The victim's expected request PSN. */
#define VICTIM_PSN 0xffffe0u   /* The victim's first request PSN. */

static const uint8_t ops[] = {
    ROCE_OP_RC_SEND_FIRST, ROCE_OP_RC_SEND_MIDDLE, ROCE_OP_RC_SEND_LAST,
    ROCE_OP_RC_SEND_LAST_IMM, ROCE_OP_RC_SEND_ONLY, ROCE_OP_RC_SEND_ONLY_IMM,
    ROCE_OP_RC_WRITE_FIRST, ROCE_OP_RC_WRITE_MIDDLE, ROCE_OP_RC_WRITE_LAST,
    ROCE_OP_RC_WRITE_LAST_IMM, ROCE_OP_RC_WRITE_ONLY,
    ROCE_OP_RC_WRITE_ONLY_IMM, ROCE_OP_RC_READ_REQUEST,
    ROCE_OP_RC_READ_RESPONSE_FIRST, ROCE_OP_RC_READ_RESPONSE_MIDDLE,
    ROCE_OP_RC_READ_RESPONSE_LAST, ROCE_OP_RC_READ_RESPONSE_ONLY,
    ROCE_OP_RC_ACKNOWLEDGE, ROCE_OP_RC_ATOMIC_ACKNOWLEDGE,
    ROCE_OP_RC_COMPARE_SWAP, ROCE_OP_RC_FETCH_ADD, ROCE_OP_RC_SEND_LAST_INV,
    ROCE_OP_RC_SEND_ONLY_INV, ROCE_OP_UC_SEND_ONLY, ROCE_OP_UD_SEND_ONLY,
    ROCE_OP_UD_SEND_ONLY_IMM, ROCE_OP_CNP,
};

static uint64_t tx_frames;

static void
count_tx(void *aux, const uint8_t *frame, size_t len)
{
    (void) aux;
    (void) frame;
    (void) len;
    tx_frames++;
}

static void
make_encap(struct roce_encap *e, int from)
{
    struct roce_encap_params p;
    struct roce_tnl_params t;
    uint8_t prefix[ROCE_ENCAP_MAX_HDR_LEN];
    size_t n;

    memset(&t, 0, sizeof t);
    t.type = ROCE_TNL_VXLAN;
    t.ip_src = roce_addr_from_v4(htonl(0xc0a80001 + from));
    t.ip_dst = roce_addr_from_v4(htonl(0xc0a80002 - from));
    t.vni = 100;
    n = roce_tnl_build(&t, prefix, sizeof prefix);
    REQUIRE(n);
    roce_encap_params_init(&p);
    p.tnl.header = prefix;
    p.tnl.header_len = n;
    p.tnl.type = ROCE_TNL_VXLAN;
    p.ip_src = roce_addr_from_v4(htonl(0x0a000001 + from));
    p.ip_dst = roce_addr_from_v4(htonl(0x0a000002 - from));
    p.udp_sport = 0xc000;
    REQUIRE(roce_encap_init(e, &p) == ROCE_ENCAP_OK);
}

static void
post(struct roce_qp *qp, enum roce_wr_opcode op, uint8_t *buf, uint32_t len,
     uint32_t lkey, uint32_t rkey)
{
    struct roce_sge sge = { (uintptr_t) buf, len, lkey };
    struct roce_send_wr wr, *bad;

    memset(&wr, 0, sizeof wr);
    wr.opcode = op;
    wr.sg_list = &sge;
    wr.num_sge = 1;
    wr.send_flags = ROCE_SEND_SIGNALED;
    if (op == ROCE_WR_ATOMIC_FETCH_AND_ADD) {
        wr.wr.atomic.remote_addr = 0x10000;
        wr.wr.atomic.rkey = rkey;
        wr.wr.atomic.compare_add = 1;
    } else {
        wr.wr.rdma.remote_addr = 0x10000;
        wr.wr.rdma.rkey = rkey;
    }
    roce_post_send(qp, &wr, &bad);
}

static void
post_recv(struct roce_qp *qp, uint8_t *buf, uint32_t len, uint32_t lkey)
{
    struct roce_sge sge = { (uintptr_t) buf, len, lkey };
    struct roce_recv_wr wr = { 1, NULL, &sge, 1 }, *bad;

    roce_post_recv(qp, &wr, &bad);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t frame[ROCE_ENCAP_MAX_HDR_LEN + 8192];
    static uint8_t payload[8192];
    struct roce_engine_config cfg;
    struct roce_encap to_victim, from_victim;
    struct roce_qp_init_attr ia;
    struct roce_qp_attr a;
    struct roce_engine *e;
    struct roce_pd *pd, *pd2;
    struct roce_cq *cq;
    struct roce_qp *rc, *gsi;
    struct roce_mr *ma, *mb, *mf;
    uint8_t *bufa, *bufb, *buff;
    uint64_t now = 1000000, fed = 0;
    struct roce_wc wc[16];
    size_t i;

    make_encap(&to_victim, 0);
    make_encap(&from_victim, 1);
    roce_engine_config_init(&cfg);
    cfg.tx = count_tx;
    e = roce_engine_create(&cfg);
    REQUIRE(e);
    roce_engine_run(e, now);
    pd = roce_alloc_pd(e);
    pd2 = roce_alloc_pd(e);
    cq = roce_create_cq(e, 64, NULL);
    bufa = malloc(A_LEN);
    bufb = malloc(B_LEN);
    buff = malloc(F_LEN);
    memset(bufa, 0xaa, A_LEN);
    memset(bufb, 0xbb, B_LEN);
    memset(buff, 0xff, F_LEN);
    ma = roce_reg_mr(pd, bufa, A_LEN, ROCE_ACCESS_ALL);
    mb = roce_reg_mr(pd, bufb, B_LEN,
                     ROCE_ACCESS_LOCAL_WRITE | ROCE_ACCESS_REMOTE_READ);
    mf = roce_reg_mr(pd2, buff, F_LEN, ROCE_ACCESS_ALL);
    REQUIRE(ma && mb && mf);

    memset(&ia, 0, sizeof ia);
    ia.send_cq = ia.recv_cq = cq;
    ia.cap.max_send_wr = 8;
    ia.cap.max_recv_wr = 8;
    ia.cap.max_send_sge = 1;
    ia.cap.max_recv_sge = 1;
    ia.qp_type = ROCE_QPT_RC;
    rc = roce_create_qp(pd, &ia);
    ia.qp_type = ROCE_QPT_GSI;
    gsi = roce_create_qp(pd, &ia);
    REQUIRE(rc && gsi);

    memset(&a, 0, sizeof a);
    a.qp_state = ROCE_QPS_INIT;
    a.qp_access_flags = ROCE_ACCESS_REMOTE_WRITE | ROCE_ACCESS_REMOTE_READ
                        | ROCE_ACCESS_REMOTE_ATOMIC;
    a.qkey = ROCE_GSI_QKEY;
    REQUIRE(!roce_modify_qp(rc, &a, ROCE_QP_STATE | ROCE_QP_ACCESS_FLAGS));
    REQUIRE(!roce_modify_qp(gsi, &a, ROCE_QP_STATE | ROCE_QP_QKEY));
    a.qp_state = ROCE_QPS_RTR;
    a.encap = &from_victim;
    a.path_mtu = ROCE_MTU_1024;
    a.dest_qp_num = PEER_QPN;
    a.rq_psn = PEER_PSN;
    a.max_dest_rd_atomic = 2;
    a.min_rnr_timer = 1;
    REQUIRE(!roce_modify_qp(rc, &a, ROCE_QP_STATE | ROCE_QP_AV
                            | ROCE_QP_PATH_MTU | ROCE_QP_DEST_QPN
                            | ROCE_QP_RQ_PSN | ROCE_QP_MAX_DEST_RD_ATOMIC
                            | ROCE_QP_MIN_RNR_TIMER));
    REQUIRE(!roce_modify_qp(gsi, &a, ROCE_QP_STATE));
    a.qp_state = ROCE_QPS_RTS;
    a.sq_psn = VICTIM_PSN;
    a.timeout = 5;
    a.retry_cnt = 3;
    a.rnr_retry = 3;
    a.max_rd_atomic = 2;
    REQUIRE(!roce_modify_qp(rc, &a, ROCE_QP_STATE | ROCE_QP_SQ_PSN
                            | ROCE_QP_TIMEOUT | ROCE_QP_RETRY_CNT
                            | ROCE_QP_RNR_RETRY | ROCE_QP_MAX_QP_RD_ATOMIC));
    REQUIRE(!roce_modify_qp(gsi, &a, ROCE_QP_STATE | ROCE_QP_SQ_PSN));

    /* Receives (into A only) and the victim's own requests, so that
     * responses have something to complete. */
    for (i = 0; i < 4; i++) {
        post_recv(rc, bufa + i * 1500, 1500, roce_mr_lkey(ma));
        post_recv(gsi, bufa + 6000 + i * 500, 296, roce_mr_lkey(ma));
    }
    post(rc, ROCE_WR_RDMA_WRITE, bufa, 3000, roce_mr_lkey(ma), 0x42);
    post(rc, ROCE_WR_RDMA_READ, bufa + 3000, 2500, roce_mr_lkey(ma), 0x42);
    post(rc, ROCE_WR_SEND, bufb, 100, roce_mr_lkey(mb), 0);
    post(rc, ROCE_WR_ATOMIC_FETCH_AND_ADD, bufa + 5504, 8, roce_mr_lkey(ma),
         0x42);

    while (size >= 12) {
        uint8_t op = ops[data[0] % sizeof ops];
        uint8_t flags = data[1];
        int16_t delta = (int16_t) ((data[2] << 8) | data[3]);
        uint16_t len = (uint16_t) (((data[4] << 8) | data[5]) % 4200);
        uint8_t vsel = data[6], ksel = data[7];
        uint32_t val = ((uint32_t) data[8] << 24) | (data[9] << 16)
                       | (data[10] << 8) | data[11];
        const struct roce_opcode_info *info = roce_opcode_info(op);
        bool resp = (info->flags & ROCE_OPF_RESP) != 0;
        struct roce_pkt pkt;
        size_t hl, tl, n;

        data += 12;
        size -= 12;
        n = len < size ? len : size;
        memset(payload, 0x5a, len);
        memcpy(payload, data, n);
        data += n;
        size -= n;

        memset(&pkt, 0, sizeof pkt);
        pkt.opcode = op;
        pkt.se = flags & 1;
        pkt.ackreq = (flags >> 1) & 1;
        pkt.pkey = (flags & 0x40) ? (uint16_t) val : ROCE_DEFAULT_PKEY;
        pkt.dqpn = (flags & 4) ? 1 : (flags & 8) ? (val & 0xffffff)
                                                  : roce_qp_num(rc);
        pkt.psn = roce_psn_add(resp ? VICTIM_PSN : PEER_PSN,
                               (uint32_t) (int32_t) delta);
        switch (vsel % 5) {
        case 0:
            pkt.va = (uintptr_t) bufa + (val % A_LEN);
            break;
        case 1:
            pkt.va = (uintptr_t) bufa + A_LEN - (val % 64);
            break;
        case 2:
            pkt.va = (uintptr_t) bufb + (val % B_LEN);
            break;
        case 3:
            pkt.va = (uintptr_t) buff;
            break;
        default:
            pkt.va = ((uint64_t) val << 32) | val;
            break;
        }
        pkt.rkey = (ksel % 4 == 0 ? roce_mr_rkey(ma)
                    : ksel % 4 == 1 ? roce_mr_rkey(mb)
                    : ksel % 4 == 2 ? roce_mr_rkey(mf) : val);
        pkt.dma_len = (ksel & 0x80) ? val : len;
        pkt.syndrome = (uint8_t) val;
        pkt.msn = val >> 8;
        pkt.qkey = (flags & 0x10) ? val : ROCE_GSI_QKEY;
        pkt.sqpn = val & 0xffffff;
        pkt.imm = val;
        pkt.swap_add = val;
        pkt.compare = val;
        pkt.orig = val;
        if (info->flags & ROCE_OPF_PAYLOAD) {
            pkt.payload = payload;
            pkt.payload_len = len;
        }

        hl = roce_encap_hdr_len(&to_victim);
        tl = roce_pkt_build(&pkt, frame + hl, sizeof frame - hl - 4);
        if (tl) {
            size_t flen = roce_encap_frame(&to_victim, frame, tl);

            if (flags & 0x20) {
                flen = val % (flen + 1);        /* Truncated. */
            }
            roce_engine_receive(e, frame, flen);
            fed++;
        }
        if (flags & 0x80) {
            now += (uint64_t) (val & 0xfffff) * 100;
            roce_engine_run(e, now);
        }
        while (roce_poll_cq(cq, 16, wc) > 0) {
            continue;
        }
    }
    /* Let every timer run out. */
    for (i = 0; i < 64 && roce_engine_next_deadline(e) != UINT64_MAX; i++) {
        now = roce_engine_next_deadline(e);
        roce_engine_run(e, now);
    }

    REQUIRE(roce_engine_stats(e)->c[ROCE_CTR_RX_FRAMES] == fed);
    for (i = 0; i < B_LEN; i++) {
        REQUIRE(bufb[i] == 0xbb);       /* No remote write access. */
    }
    for (i = 0; i < F_LEN; i++) {
        REQUIRE(buff[i] == 0xff);       /* Another PD. */
    }
    roce_engine_destroy(e);
    free(bufa);
    free(bufb);
    free(buff);
    return 0;
}
