/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* The QP state machine: every (from, to) pair for RC and UD QPs, required
 * attributes, attribute value checks, what may be posted in which state,
 * flushing on ERR, QPN allocation and object lifetimes. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "roce-link.h"
#include "roce-test.h"

static struct roce_encap encap;

/* The attributes every transition into 'to' requires, all valid. */
static int
full_attrs(enum roce_qp_state to, struct roce_qp_attr *a)
{
    memset(a, 0, sizeof *a);
    a->qp_state = to;
    a->encap = &encap;
    a->path_mtu = ROCE_MTU_1024;
    a->dest_qp_num = 77;
    a->rq_psn = 5;
    a->sq_psn = 9;
    a->max_dest_rd_atomic = 2;
    a->max_rd_atomic = 2;
    a->min_rnr_timer = 3;
    a->timeout = 14;
    a->retry_cnt = 7;
    a->rnr_retry = 7;
    a->qkey = 0x1234;
    return ROCE_QP_STATE | ROCE_QP_AV | ROCE_QP_PATH_MTU | ROCE_QP_DEST_QPN
           | ROCE_QP_RQ_PSN | ROCE_QP_SQ_PSN | ROCE_QP_MAX_DEST_RD_ATOMIC
           | ROCE_QP_MAX_QP_RD_ATOMIC | ROCE_QP_MIN_RNR_TIMER
           | ROCE_QP_TIMEOUT | ROCE_QP_RETRY_CNT | ROCE_QP_RNR_RETRY
           | (to == ROCE_QPS_INIT ? ROCE_QP_QKEY : 0);
}

static int
go(struct roce_qp *qp, enum roce_qp_state to)
{
    struct roce_qp_attr a;
    int mask = full_attrs(to, &a);

    return roce_modify_qp(qp, &a, mask);
}

/* Brings a fresh QP to 'state' along the legal path. */
static bool
reach(struct roce_qp *qp, enum roce_qp_state state)
{
    static const enum roce_qp_state path[] = {
        ROCE_QPS_INIT, ROCE_QPS_RTR, ROCE_QPS_RTS, ROCE_QPS_SQD,
    };
    size_t i;

    if (state == ROCE_QPS_ERR) {
        return !go(qp, ROCE_QPS_ERR);
    }
    for (i = 0; i < ARRAY_N(path) && state != ROCE_QPS_RESET; i++) {
        if (go(qp, path[i])) {
            return false;
        }
        if (path[i] == state) {
            break;
        }
    }
    return roce_qp_get_state(qp) == state;
}

static bool
legal(enum roce_qp_type type, enum roce_qp_state from, enum roce_qp_state to)
{
    if (to == ROCE_QPS_RESET || to == ROCE_QPS_ERR) {
        return true;
    }
    switch (from) {
    case ROCE_QPS_RESET:
        return to == ROCE_QPS_INIT;
    case ROCE_QPS_INIT:
        return to == ROCE_QPS_INIT || to == ROCE_QPS_RTR;
    case ROCE_QPS_RTR:
        return to == ROCE_QPS_RTS;
    case ROCE_QPS_RTS:
    case ROCE_QPS_SQD:
        return to == ROCE_QPS_RTS || to == ROCE_QPS_SQD;
    case ROCE_QPS_SQE:
        return type != ROCE_QPT_RC && to == ROCE_QPS_RTS;
    case ROCE_QPS_ERR:
    default:
        return false;
    }
}

int
main(void)
{
    static const enum roce_qp_type types[] = { ROCE_QPT_RC, ROCE_QPT_UD };
    struct roce_engine_config cfg;
    struct roce_qp_init_attr ia;
    struct roce_engine *e;
    struct roce_pd *pd;
    struct roce_cq *cq;
    struct roce_qp *qp, *gsi;
    struct roce_qp_attr a;
    struct roce_wc wc[8];
    size_t t;
    int from, to, mask;

    link_make_path(0, true, 1, 2, 3, &encap, NULL);
    roce_engine_config_init(&cfg);
    cfg.tx = link_no_tx;
    cfg.max_qps = 8;
    e = roce_engine_create(&cfg);
    pd = roce_alloc_pd(e);
    cq = roce_create_cq(e, 64, NULL);
    memset(&ia, 0, sizeof ia);
    ia.send_cq = cq;
    ia.recv_cq = cq;
    ia.cap.max_send_wr = 4;
    ia.cap.max_recv_wr = 4;

    /* Every transition, from every state reachable by modify. */
    for (t = 0; t < ARRAY_N(types); t++) {
        ia.qp_type = types[t];
        for (from = ROCE_QPS_RESET; from <= ROCE_QPS_ERR; from++) {
            if (from == ROCE_QPS_SQE) {
                continue;       /* Entered on a UD send error: test-ud. */
            }
            for (to = ROCE_QPS_RESET; to <= ROCE_QPS_ERR; to++) {
                bool ok;
                int err;

                qp = roce_create_qp(pd, &ia);
                CHECK(qp != NULL);
                CHECK(reach(qp, (enum roce_qp_state) from));
                err = go(qp, (enum roce_qp_state) to);
                ok = legal(types[t], (enum roce_qp_state) from,
                           (enum roce_qp_state) to);
                if ((err == 0) != ok) {
                    fprintf(stderr, "type %d %s -> %s: got %d\n", types[t],
                            roce_qp_state_str(from), roce_qp_state_str(to),
                            err);
                }
                CHECK_EQ(err == 0, ok);
                CHECK_EQ(qp_state(qp), ok ? to : from);
                CHECK_EQ(roce_destroy_qp(qp), 0);
            }
        }
    }

    /* Required attributes, one missing at a time. */
    ia.qp_type = ROCE_QPT_RC;
    qp = roce_create_qp(pd, &ia);
    CHECK(reach(qp, ROCE_QPS_INIT));
    {
        static const int rtr_req[] = {
            ROCE_QP_AV, ROCE_QP_PATH_MTU, ROCE_QP_DEST_QPN, ROCE_QP_RQ_PSN,
            ROCE_QP_MAX_DEST_RD_ATOMIC, ROCE_QP_MIN_RNR_TIMER,
        };
        static const int rts_req[] = {
            ROCE_QP_SQ_PSN, ROCE_QP_TIMEOUT, ROCE_QP_RETRY_CNT,
            ROCE_QP_RNR_RETRY, ROCE_QP_MAX_QP_RD_ATOMIC,
        };
        size_t i;

        for (i = 0; i < ARRAY_N(rtr_req); i++) {
            mask = full_attrs(ROCE_QPS_RTR, &a);
            CHECK_EQ(roce_modify_qp(qp, &a, mask & ~rtr_req[i]), EINVAL);
            CHECK_EQ(qp_state(qp), ROCE_QPS_INIT);
        }
        CHECK_EQ(go(qp, ROCE_QPS_RTR), 0);
        for (i = 0; i < ARRAY_N(rts_req); i++) {
            mask = full_attrs(ROCE_QPS_RTS, &a);
            CHECK_EQ(roce_modify_qp(qp, &a, mask & ~rts_req[i]), EINVAL);
            CHECK_EQ(qp_state(qp), ROCE_QPS_RTR);
        }
    }
    /* Values out of range. */
    mask = full_attrs(ROCE_QPS_RTS, &a);
    a.path_mtu = 0;
    CHECK_EQ(roce_modify_qp(qp, &a, mask), EINVAL);
    mask = full_attrs(ROCE_QPS_RTS, &a);
    a.path_mtu = 6;
    CHECK_EQ(roce_modify_qp(qp, &a, mask), EINVAL);
    mask = full_attrs(ROCE_QPS_RTS, &a);
    a.retry_cnt = 8;
    CHECK_EQ(roce_modify_qp(qp, &a, mask), EINVAL);
    mask = full_attrs(ROCE_QPS_RTS, &a);
    a.rnr_retry = 8;
    CHECK_EQ(roce_modify_qp(qp, &a, mask), EINVAL);
    mask = full_attrs(ROCE_QPS_RTS, &a);
    a.timeout = 32;
    CHECK_EQ(roce_modify_qp(qp, &a, mask), EINVAL);
    mask = full_attrs(ROCE_QPS_RTS, &a);
    a.sq_psn = 0x1000000;
    CHECK_EQ(roce_modify_qp(qp, &a, mask), EINVAL);
    mask = full_attrs(ROCE_QPS_RTS, &a);
    a.cur_qp_state = ROCE_QPS_INIT;     /* Wrong current state. */
    CHECK_EQ(roce_modify_qp(qp, &a, mask | ROCE_QP_CUR_STATE), EINVAL);
    CHECK_EQ(qp_state(qp), ROCE_QPS_RTR);
    mask = full_attrs(ROCE_QPS_RTS, &a);
    a.cur_qp_state = ROCE_QPS_RTR;
    CHECK_EQ(roce_modify_qp(qp, &a, mask | ROCE_QP_CUR_STATE), 0);

    /* Query reflects what was set. */
    CHECK_EQ(roce_query_qp(qp, &a, 0, NULL), 0);
    CHECK_EQ(a.qp_state, ROCE_QPS_RTS);
    CHECK_EQ(a.path_mtu, ROCE_MTU_1024);
    CHECK_EQ(a.dest_qp_num, 77);
    CHECK_EQ(a.sq_psn, 9);
    CHECK_EQ(a.timeout, 14);
    CHECK(a.encap != NULL);

    /* Posting: receives from INIT on, sends from RTS on. */
    CHECK_EQ(roce_destroy_qp(qp), 0);
    qp = roce_create_qp(pd, &ia);
    {
        uint8_t buf[64];
        struct roce_mr *mr = roce_reg_mr(pd, buf, sizeof buf,
                                         ROCE_ACCESS_LOCAL_WRITE);
        struct roce_sge sge = { (uintptr_t) buf, 8, roce_mr_lkey(mr) };
        struct roce_recv_wr rwr = { 1, NULL, &sge, 1 }, *rbad = NULL;
        struct roce_send_wr swr, *sbad = NULL;
        int i;

        memset(&swr, 0, sizeof swr);
        swr.wr_id = 2;
        swr.opcode = ROCE_WR_SEND;
        swr.sg_list = &sge;
        swr.num_sge = 1;
        CHECK_EQ(roce_post_recv(qp, &rwr, &rbad), EINVAL);
        CHECK(rbad == &rwr);
        CHECK_EQ(go(qp, ROCE_QPS_INIT), 0);
        CHECK_EQ(roce_post_send(qp, &swr, &sbad), EINVAL);
        for (i = 0; i < 4; i++) {
            rwr.wr_id = 10 + i;
            CHECK_EQ(roce_post_recv(qp, &rwr, &rbad), 0);
        }
        CHECK_EQ(roce_post_recv(qp, &rwr, &rbad), ENOMEM);   /* Full. */
        CHECK_EQ(go(qp, ROCE_QPS_RTR), 0);
        CHECK_EQ(roce_post_send(qp, &swr, &sbad), EINVAL);
        /* Too many SGEs; an opcode UD would refuse is fine on RC. */
        swr.num_sge = 2;
        CHECK_EQ(go(qp, ROCE_QPS_RTS), 0);
        CHECK_EQ(roce_post_send(qp, &swr, &sbad), EINVAL);
        swr.num_sge = 1;

        /* ERR flushes the four receives, in order, with WR_FLUSH_ERR. */
        CHECK_EQ(go(qp, ROCE_QPS_ERR), 0);
        CHECK_EQ(roce_poll_cq(cq, 8, wc), 4);
        for (i = 0; i < 4; i++) {
            CHECK_EQ(wc[i].wr_id, 10 + i);
            CHECK_EQ(wc[i].status, ROCE_WC_WR_FLUSH_ERR);
            CHECK_EQ(wc[i].qp_num, roce_qp_num(qp));
        }
        /* ERR -> RESET -> INIT works again; nothing is left queued. */
        CHECK_EQ(go(qp, ROCE_QPS_RESET), 0);
        CHECK_EQ(go(qp, ROCE_QPS_INIT), 0);
        CHECK_EQ(roce_poll_cq(cq, 8, wc), 0);
        roce_dereg_mr(mr);
    }

    /* Lifetimes: CQ and PD in use cannot be destroyed. */
    CHECK_EQ(roce_destroy_cq(cq), EBUSY);
    CHECK_EQ(roce_dealloc_pd(pd), EBUSY);

    /* QPNs: GSI is QP1, once; others 2.., not reused right away. */
    ia.qp_type = ROCE_QPT_GSI;
    gsi = roce_create_qp(pd, &ia);
    CHECK(gsi != NULL);
    CHECK_EQ(roce_qp_num(gsi), 1);
    errno = 0;
    CHECK(!roce_create_qp(pd, &ia));
    CHECK_EQ(errno, EBUSY);
    mask = full_attrs(ROCE_QPS_INIT, &a);
    a.qkey = 0x1234;            /* QP1's Q_Key is fixed. */
    CHECK_EQ(roce_modify_qp(gsi, &a, mask), EINVAL);
    a.qkey = ROCE_GSI_QKEY;
    CHECK_EQ(roce_modify_qp(gsi, &a, mask), 0);
    {
        uint32_t n1, n2;
        struct roce_qp *q2;

        ia.qp_type = ROCE_QPT_RC;
        CHECK(roce_qp_num(qp) >= 2);
        n1 = roce_qp_num(qp);
        CHECK_EQ(roce_destroy_qp(qp), 0);
        q2 = roce_create_qp(pd, &ia);
        n2 = roce_qp_num(q2);
        CHECK(n2 != n1);
        CHECK(n2 >= 2 && n2 < 8);
        CHECK(roce_engine_find_qp(e, n2) == q2);
        CHECK(roce_engine_find_qp(e, n1) == NULL);
        /* The QPN space (max_qps 8: QPNs 2..7) runs out. */
        {
            struct roce_qp *more[8];
            int n = 0;

            while (n < 8 && (more[n] = roce_create_qp(pd, &ia))) {
                n++;
            }
            CHECK_EQ(n, 5);
        }
    }
    roce_engine_destroy(e);
    return roce_test_exit();
}
