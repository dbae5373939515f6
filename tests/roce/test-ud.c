/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* UD QPs and QP1: 256-byte MADs to the GSI with the well-known Q_Key, the
 * GRH in the receive buffer, source QP, immediate data, controlled
 * Q_Keys, Q_Key mismatch, missing or short receive buffers, MTU limit,
 * opcodes a UD QP must refuse, the receive hook, and the SQE state a
 * failed UD send leads to. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "roce/frame.h"
#include "roce-link.h"
#include "roce-test.h"

struct side {
    struct roce_pd *pd;
    struct roce_cq *cq;
    struct roce_qp *gsi;
    struct roce_qp *ud;
    struct roce_ah *ah;         /* Towards the other side. */
    uint8_t buf[8192];
    struct roce_mr *mr;
};

static int hook_calls;
static uint32_t hook_vni;
static uint64_t hook_wr_id;

static void
rx_hook(struct roce_qp *qp, const struct roce_frame *f, uint64_t wr_id,
        void *aux)
{
    (void) qp;
    (void) aux;
    hook_calls++;
    hook_vni = f->vni;
    hook_wr_id = wr_id;
}

static struct roce_qp *
make_ud(struct side *s, enum roce_qp_type type, uint32_t qkey)
{
    struct roce_qp_init_attr ia;
    struct roce_qp_attr a;
    struct roce_qp *qp;

    memset(&ia, 0, sizeof ia);
    ia.send_cq = s->cq;
    ia.recv_cq = s->cq;
    ia.qp_type = type;
    ia.cap.max_send_wr = 16;
    ia.cap.max_recv_wr = 16;
    ia.cap.max_send_sge = 2;
    ia.cap.max_recv_sge = 2;
    ia.sq_sig_all = 1;
    qp = roce_create_qp(s->pd, &ia);
    CHECK(qp != NULL);
    memset(&a, 0, sizeof a);
    a.qp_state = ROCE_QPS_INIT;
    a.qkey = qkey;
    CHECK_EQ(roce_modify_qp(qp, &a, ROCE_QP_STATE | ROCE_QP_QKEY), 0);
    a.qp_state = ROCE_QPS_RTR;
    CHECK_EQ(roce_modify_qp(qp, &a, ROCE_QP_STATE), 0);
    a.qp_state = ROCE_QPS_RTS;
    a.sq_psn = 1234;
    CHECK_EQ(roce_modify_qp(qp, &a, ROCE_QP_STATE | ROCE_QP_SQ_PSN), 0);
    return qp;
}

static int
ud_send(struct side *s, struct roce_qp *qp, uint64_t wr_id, uint32_t rqpn,
        uint32_t qkey, const void *data, uint32_t len, bool imm)
{
    struct roce_sge sge = { (uintptr_t) data, len, roce_mr_lkey(s->mr) };
    struct roce_send_wr wr, *bad;

    memset(&wr, 0, sizeof wr);
    wr.wr_id = wr_id;
    wr.opcode = imm ? ROCE_WR_SEND_WITH_IMM : ROCE_WR_SEND;
    wr.imm_data = 0xabcd;
    wr.sg_list = &sge;
    wr.num_sge = 1;
    wr.wr.ud.ah = s->ah;
    wr.wr.ud.remote_qpn = rqpn;
    wr.wr.ud.remote_qkey = qkey;
    return roce_post_send(qp, &wr, &bad);
}

static void
ud_recv(struct side *s, struct roce_qp *qp, uint64_t wr_id, uint32_t off,
        uint32_t len)
{
    struct roce_sge sge = { (uintptr_t) (s->buf + off), len,
                            roce_mr_lkey(s->mr) };
    struct roce_recv_wr wr = { wr_id, NULL, &sge, 1 }, *bad;

    CHECK_EQ(roce_post_recv(qp, &wr, &bad), 0);
}

int
main(void)
{
    struct side s[2];
    struct roce_link l;
    struct roce_wc wc[4];
    uint8_t mad[256];
    int i;

    link_init(&l, 3, NULL);
    for (i = 0; i < 2; i++) {
        struct roce_encap e;

        memset(&s[i], 0, sizeof s[i]);
        s[i].pd = roce_alloc_pd(l.eng[i]);
        s[i].cq = roce_create_cq(l.eng[i], 64, NULL);
        s[i].mr = roce_reg_mr(s[i].pd, s[i].buf, sizeof s[i].buf,
                              ROCE_ACCESS_LOCAL_WRITE);
        s[i].gsi = make_ud(&s[i], ROCE_QPT_GSI, ROCE_GSI_QKEY);
        s[i].ud = make_ud(&s[i], ROCE_QPT_UD, 0x11111111);
        link_make_path(i, true, 4000, 1, 1, &e, NULL);
        s[i].ah = roce_create_ah(s[i].pd, &e);
        CHECK(s[i].ah != NULL);
    }
    CHECK_EQ(roce_qp_num(s[0].gsi), 1);
    roce_qp_set_ud_rx_hook(s[1].gsi, rx_hook, NULL);

    /* A MAD to QP1. */
    for (i = 0; i < 256; i++) {
        mad[i] = (uint8_t) (i ^ 0x5c);
    }
    memcpy(s[0].buf, mad, sizeof mad);
    ud_recv(&s[1], s[1].gsi, 50, 0, 40 + 256);
    CHECK_EQ(ud_send(&s[0], s[0].gsi, 9, 1, ROCE_GSI_QKEY, s[0].buf, 256,
                     false), 0);
    CHECK_EQ(roce_poll_cq(s[0].cq, 4, wc), 1);    /* UD completes at once. */
    CHECK_EQ(wc[0].status, ROCE_WC_SUCCESS);
    CHECK_EQ(wc[0].wr_id, 9);
    link_run(&l, UINT64_MAX);
    CHECK_EQ(roce_poll_cq(s[1].cq, 4, wc), 1);
    CHECK_EQ(wc[0].status, ROCE_WC_SUCCESS);
    CHECK_EQ(wc[0].wr_id, 50);
    CHECK_EQ(wc[0].opcode, ROCE_WC_RECV);
    CHECK_EQ(wc[0].byte_len, 40 + 256);
    CHECK_EQ(wc[0].src_qp, 1);
    CHECK_EQ(wc[0].qp_num, 1);
    CHECK(wc[0].wc_flags & ROCE_WC_GRH);
    CHECK(!(wc[0].wc_flags & ROCE_WC_WITH_IMM));
    CHECK_MEM(s[1].buf + 40, mad, 256);
    /* GRH: for IPv4 the inner IPv4 header sits in bytes 20..39. */
    CHECK_EQ(s[1].buf[20], 0x45);
    CHECK_EQ(s[1].buf[29], 17);
    CHECK_MEM(s[1].buf + 32, "\x0a\x00\x00\x01", 4);     /* 10.0.0.1 */
    CHECK_MEM(s[1].buf + 36, "\x0a\x00\x00\x02", 4);
    CHECK_EQ(hook_calls, 1);
    CHECK_EQ(hook_vni, 4000);
    CHECK_EQ(hook_wr_id, 50);
    CHECK_EQ(link_ctr(&l, 1, ROCE_CTR_RX_UD_PKTS), 1);

    /* Wrong Q_Key to QP1: dropped, counted, receive stays posted. */
    ud_recv(&s[1], s[1].gsi, 51, 0, 40 + 256);
    CHECK_EQ(ud_send(&s[0], s[0].gsi, 10, 1, 0x00010001, s[0].buf, 256,
                     false), 0);
    link_run(&l, UINT64_MAX);
    CHECK_EQ(roce_poll_cq(s[1].cq, 4, wc), 0);
    CHECK_EQ(link_ctr(&l, 1, ROCE_CTR_RX_DROP_QKEY), 1);

    /* UD QP to UD QP with a controlled Q_Key (high bit: use the sender
     * QP's own, 0x11111111) and immediate data.  The QP1 receive above
     * stays posted. */
    ud_recv(&s[1], s[1].ud, 60, 1000, 40 + 100);
    CHECK_EQ(ud_send(&s[0], s[0].ud, 11, roce_qp_num(s[1].ud), 0x80000000,
                     s[0].buf, 100, true), 0);
    link_run(&l, UINT64_MAX);
    CHECK_EQ(roce_poll_cq(s[1].cq, 4, wc), 1);
    CHECK_EQ(wc[0].wr_id, 60);
    CHECK_EQ(wc[0].src_qp, roce_qp_num(s[0].ud));
    CHECK(wc[0].wc_flags & ROCE_WC_WITH_IMM);
    CHECK_EQ(wc[0].imm_data, 0xabcd);
    CHECK_MEM(s[1].buf + 1040, s[0].buf, 100);

    /* No receive posted on the UD QP: silently dropped (no RNR on UD). */
    CHECK_EQ(ud_send(&s[0], s[0].ud, 12, roce_qp_num(s[1].ud), 0x11111111,
                     s[0].buf, 10, false), 0);
    link_run(&l, UINT64_MAX);
    CHECK_EQ(link_ctr(&l, 1, ROCE_CTR_RX_DROP_NO_RECV_WQE), 1);
    CHECK_EQ(link_ctr(&l, 1, ROCE_CTR_TX_RNR_NAK), 0);

    /* Receive buffer too small for GRH + payload: LOC_LEN_ERR, and not
     * one byte written past it. */
    memset(s[1].buf + 2000, 0xee, 200);
    ud_recv(&s[1], s[1].ud, 61, 2000, 40 + 50);
    CHECK_EQ(ud_send(&s[0], s[0].ud, 13, roce_qp_num(s[1].ud), 0x11111111,
                     s[0].buf, 51, false), 0);
    link_run(&l, UINT64_MAX);
    CHECK_EQ(roce_poll_cq(s[1].cq, 4, wc), 1);
    CHECK_EQ(wc[0].wr_id, 61);
    CHECK_EQ(wc[0].status, ROCE_WC_LOC_LEN_ERR);
    CHECK_EQ(s[1].buf[2000 + 90], 0xee);
    CHECK_EQ(qp_state(s[1].ud), ROCE_QPS_RTS);   /* UD: not fatal. */

    /* Larger than the MTU, or an RDMA opcode: refused at post time. */
    CHECK_EQ(ud_send(&s[0], s[0].ud, 14, 2, 1, s[0].buf, 4097, false),
             EINVAL);
    {
        struct roce_send_wr wr, *bad;

        memset(&wr, 0, sizeof wr);
        wr.opcode = ROCE_WR_RDMA_WRITE;
        wr.wr.ud.ah = s[0].ah;
        CHECK_EQ(roce_post_send(s[0].ud, &wr, &bad), EINVAL);
    }
    roce_poll_cq(s[0].cq, 4, wc);

    /* A send with a bad lkey: LOC_PROT_ERR, the QP goes to SQE, later
     * sends are flushed, receives still work, SQE -> RTS recovers. */
    {
        struct roce_sge sge = { (uintptr_t) s[0].buf, 8, 0xdead00 };
        struct roce_send_wr wr, *bad;
        struct roce_qp_attr a;

        memset(&wr, 0, sizeof wr);
        wr.wr_id = 15;
        wr.opcode = ROCE_WR_SEND;
        wr.sg_list = &sge;
        wr.num_sge = 1;
        wr.wr.ud.ah = s[0].ah;
        wr.wr.ud.remote_qpn = roce_qp_num(s[1].ud);
        CHECK_EQ(roce_post_send(s[0].ud, &wr, &bad), 0);
        CHECK_EQ(qp_state(s[0].ud), ROCE_QPS_SQE);
        CHECK_EQ(ud_send(&s[0], s[0].ud, 16, roce_qp_num(s[1].ud),
                         0x11111111, s[0].buf, 8, false), 0);
        CHECK_EQ(roce_poll_cq(s[0].cq, 4, wc), 2);
        CHECK_EQ(wc[0].wr_id, 15);
        CHECK_EQ(wc[0].status, ROCE_WC_LOC_PROT_ERR);
        CHECK_EQ(wc[1].wr_id, 16);
        CHECK_EQ(wc[1].status, ROCE_WC_WR_FLUSH_ERR);
        /* Receives still work in SQE. */
        ud_recv(&s[0], s[0].ud, 70, 3000, 100);
        CHECK_EQ(ud_send(&s[1], s[1].ud, 17, roce_qp_num(s[0].ud),
                         0x11111111, s[1].buf, 8, false), 0);
        link_run(&l, UINT64_MAX);
        CHECK_EQ(roce_poll_cq(s[0].cq, 4, wc), 1);
        CHECK_EQ(wc[0].wr_id, 70);
        CHECK_EQ(wc[0].status, ROCE_WC_SUCCESS);
        memset(&a, 0, sizeof a);
        a.qp_state = ROCE_QPS_RTS;
        CHECK_EQ(roce_modify_qp(s[0].ud, &a, ROCE_QP_STATE), 0);
        CHECK_EQ(ud_send(&s[0], s[0].ud, 18, roce_qp_num(s[1].ud),
                         0x11111111, s[0].buf, 8, false), 0);
        CHECK_EQ(roce_poll_cq(s[0].cq, 4, wc), 1);
        CHECK_EQ(wc[0].status, ROCE_WC_SUCCESS);
        roce_poll_cq(s[1].cq, 4, wc);
    }

    /* Plain RoCEv2 over IPv6: the GRH is a real IPv6 header with the
     * sender's address as source GID. */
    {
        struct roce_encap_params ep;
        struct roce_encap e6;
        struct roce_ah *ah6;
        struct roce_ah *saved = s[0].ah;
        static const uint8_t src6[16] = {
            0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
        };
        static const uint8_t dst6[16] = {
            0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2
        };

        roce_encap_params_init(&ep);
        memcpy(&ep.ip_src, src6, 16);
        memcpy(&ep.ip_dst, dst6, 16);
        ep.flow_label = 0x12345;
        ep.udp_sport = 0xc001;
        CHECK_EQ(roce_encap_init(&e6, &ep), ROCE_ENCAP_OK);
        ah6 = roce_create_ah(s[0].pd, &e6);
        s[0].ah = ah6;
        /* An empty datagram takes the receive left over from the Q_Key
         * test above. */
        CHECK_EQ(ud_send(&s[0], s[0].gsi, 19, 1, ROCE_GSI_QKEY, s[0].buf, 0,
                         false), 0);
        link_run(&l, UINT64_MAX);
        CHECK_EQ(roce_poll_cq(s[1].cq, 4, wc), 1);
        CHECK_EQ(wc[0].wr_id, 51);
        CHECK_EQ(wc[0].byte_len, 40);
        memset(s[1].buf + 4000, 0, 40);
        ud_recv(&s[1], s[1].gsi, 80, 4000, 40 + 256);
        memcpy(s[0].buf, mad, 256);
        CHECK_EQ(ud_send(&s[0], s[0].gsi, 20, 1, ROCE_GSI_QKEY, s[0].buf,
                         256, false), 0);
        link_run(&l, UINT64_MAX);
        CHECK_EQ(roce_poll_cq(s[1].cq, 4, wc), 1);
        CHECK_EQ(wc[0].wr_id, 80);
        CHECK_EQ(wc[0].byte_len, 40 + 256);
        CHECK_MEM(s[1].buf + 4040, mad, 256);
        CHECK_EQ(s[1].buf[4000] >> 4, 6);
        CHECK_EQ(((s[1].buf[4001] & 0xf) << 16 | s[1].buf[4002] << 8
                  | s[1].buf[4003]), 0x12345);
        CHECK_EQ(s[1].buf[4006], 17);
        CHECK_MEM(s[1].buf + 4008, src6, 16);
        CHECK_MEM(s[1].buf + 4024, dst6, 16);
        s[0].ah = saved;
        roce_destroy_ah(ah6);
        roce_poll_cq(s[0].cq, 4, wc);
        roce_poll_cq(s[1].cq, 4, wc);
    }

    /* An RC opcode addressed to a UD QP is dropped as a bad opcode. */
    {
        struct link_rc_params p;
        struct roce_qp *rc[2];
        struct roce_qp_init_attr ia;
        uint64_t before = link_ctr(&l, 1, ROCE_CTR_RX_DROP_OPCODE);
        struct roce_sge sge = { (uintptr_t) s[0].buf, 8,
                                roce_mr_lkey(s[0].mr) };
        struct roce_send_wr wr, *bad;
        struct roce_qp_attr a;

        memset(&ia, 0, sizeof ia);
        ia.qp_type = ROCE_QPT_RC;
        ia.cap.max_send_wr = 4;
        ia.cap.max_recv_wr = 4;
        for (i = 0; i < 2; i++) {
            ia.send_cq = ia.recv_cq = s[i].cq;
            rc[i] = roce_create_qp(s[i].pd, &ia);
        }
        link_rc_params_init(&p);
        p.retry_cnt = 0;
        CHECK_EQ(link_connect_rc(&l, rc, &p), 0);
        /* Point side 0's RC QP at side 1's UD QP. */
        memset(&a, 0, sizeof a);
        a.dest_qp_num = roce_qp_num(s[1].ud);
        CHECK_EQ(roce_modify_qp(rc[0], &a, ROCE_QP_DEST_QPN), 0);
        memset(&wr, 0, sizeof wr);
        wr.opcode = ROCE_WR_SEND;
        wr.sg_list = &sge;
        wr.num_sge = 1;
        CHECK_EQ(roce_post_send(rc[0], &wr, &bad), 0);
        link_run(&l, UINT64_MAX);
        CHECK_EQ(link_ctr(&l, 1, ROCE_CTR_RX_DROP_OPCODE), before + 1);
        CHECK_EQ(roce_poll_cq(s[0].cq, 4, wc), 1);
        CHECK_EQ(wc[0].status, ROCE_WC_RETRY_EXC_ERR);
    }

    link_destroy(&l);
    return roce_test_exit();
}
