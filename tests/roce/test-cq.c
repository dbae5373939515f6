/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* Completion queues: creation limits, partial polls in order, completion
 * notification (any / solicited only, one shot until re-armed), and
 * overflow, which is an error of the CQ and of the QPs using it. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "roce-link.h"
#include "roce-test.h"

static int handler_calls;
static int cq_errors;
static int qp_fatal;

static void
on_completion(struct roce_cq *cq, void *aux)
{
    (void) cq;
    (void) aux;
    handler_calls++;
}

static void
on_event(void *aux, const struct roce_event *ev)
{
    (void) aux;
    if (ev->type == ROCE_EVENT_CQ_ERR) {
        cq_errors++;
    } else if (ev->type == ROCE_EVENT_QP_FATAL) {
        qp_fatal++;
    }
}

static void
post_write(struct link_pair *pr, struct roce_mr *smr, void *src,
           struct roce_mr *dmr, void *dst, uint64_t wr_id, bool signaled)
{
    struct roce_sge sge = { (uintptr_t) src, 16, roce_mr_lkey(smr) };
    struct roce_send_wr wr, *bad;

    memset(&wr, 0, sizeof wr);
    wr.wr_id = wr_id;
    wr.opcode = ROCE_WR_RDMA_WRITE;
    wr.sg_list = &sge;
    wr.num_sge = 1;
    wr.send_flags = signaled ? ROCE_SEND_SIGNALED : 0;
    wr.wr.rdma.remote_addr = (uintptr_t) dst;
    wr.wr.rdma.rkey = roce_mr_rkey(dmr);
    CHECK_EQ(roce_post_send(pr->qp[0], &wr, &bad), 0);
}

int
main(void)
{
    struct roce_engine_config cfg;
    struct roce_wc wc[8];
    struct link_rc_params p;
    struct link_pair pr;
    struct roce_link l;
    uint8_t src[64], dst[64];
    struct roce_mr *smr, *dmr;
    struct roce_cq *small;
    struct roce_qp_init_attr ia;
    struct roce_qp *qp;
    int i;

    roce_engine_config_init(&cfg);
    cfg.event = on_event;
    link_init(&l, 7, &cfg);

    /* Creation limits. */
    errno = 0;
    CHECK(!roce_create_cq(l.eng[0], 0, NULL));
    CHECK_EQ(errno, EINVAL);
    CHECK(!roce_create_cq(l.eng[0], -5, NULL));
    small = roce_create_cq(l.eng[0], 4, &l);
    CHECK(small != NULL);
    CHECK(roce_cq_context(small) == &l);

    link_rc_params_init(&p);
    CHECK_EQ(link_pair_create(&l, &pr, &p, 16), 0);
    smr = roce_reg_mr(pr.pd[0], src, sizeof src, 0);
    dmr = roce_reg_mr(pr.pd[1], dst, sizeof dst,
                      ROCE_ACCESS_LOCAL_WRITE | ROCE_ACCESS_REMOTE_WRITE);

    /* Completions come out in order; a partial poll leaves the rest;
     * unsignaled WRs produce none. */
    for (i = 0; i < 6; i++) {
        post_write(&pr, smr, src, dmr, dst, 10 + i, i != 2);
    }
    link_run(&l, UINT64_MAX);
    CHECK_EQ(roce_poll_cq(pr.scq[0], 2, wc), 2);
    CHECK_EQ(wc[0].wr_id, 10);
    CHECK_EQ(wc[1].wr_id, 11);
    CHECK_EQ(roce_poll_cq(pr.scq[0], 8, wc), 3);
    CHECK_EQ(wc[0].wr_id, 13);
    CHECK_EQ(wc[2].wr_id, 15);
    CHECK_EQ(wc[2].qp_num, roce_qp_num(pr.qp[0]));
    CHECK_EQ(roce_poll_cq(pr.scq[0], 8, wc), 0);

    /* Notification: one shot per arming. */
    roce_cq_set_handler(pr.scq[0], on_completion, NULL);
    post_write(&pr, smr, src, dmr, dst, 20, true);
    link_run(&l, UINT64_MAX);
    CHECK_EQ(handler_calls, 0);             /* Not armed. */
    CHECK_EQ(roce_req_notify_cq(pr.scq[0], 0), 0);
    post_write(&pr, smr, src, dmr, dst, 21, true);
    post_write(&pr, smr, src, dmr, dst, 22, true);
    link_run(&l, UINT64_MAX);
    CHECK_EQ(handler_calls, 1);
    CHECK_EQ(roce_poll_cq(pr.scq[0], 8, wc), 3);

    /* Solicited only: a plain SEND does not wake, a solicited one does. */
    {
        struct roce_sge rs = { (uintptr_t) dst, 64, roce_mr_lkey(dmr) };
        struct roce_recv_wr rwr = { 1, NULL, &rs, 1 }, *rbad;
        struct roce_sge ss = { (uintptr_t) src, 8, roce_mr_lkey(smr) };
        struct roce_send_wr wr, *bad;

        roce_cq_set_handler(pr.rcq[1], on_completion, NULL);
        CHECK_EQ(roce_req_notify_cq(pr.rcq[1], 1), 0);
        handler_calls = 0;
        memset(&wr, 0, sizeof wr);
        wr.opcode = ROCE_WR_SEND;
        wr.sg_list = &ss;
        wr.num_sge = 1;
        CHECK_EQ(roce_post_recv(pr.qp[1], &rwr, &rbad), 0);
        CHECK_EQ(roce_post_send(pr.qp[0], &wr, &bad), 0);
        link_run(&l, UINT64_MAX);
        CHECK_EQ(handler_calls, 0);
        wr.send_flags = ROCE_SEND_SOLICITED;
        CHECK_EQ(roce_post_recv(pr.qp[1], &rwr, &rbad), 0);
        CHECK_EQ(roce_post_send(pr.qp[0], &wr, &bad), 0);
        link_run(&l, UINT64_MAX);
        CHECK_EQ(handler_calls, 1);
        CHECK_EQ(roce_poll_cq(pr.rcq[1], 8, wc), 2);
    }

    /* Overflow: a 4-entry CQ gets 6 completions.  The CQ goes into error
     * (poll returns -1), the QP goes to ERR, both are reported. */
    memset(&ia, 0, sizeof ia);
    ia.send_cq = small;
    ia.recv_cq = small;
    ia.qp_type = ROCE_QPT_RC;
    ia.cap.max_send_wr = 16;
    ia.cap.max_recv_wr = 16;
    qp = roce_create_qp(pr.pd[0], &ia);
    CHECK(qp != NULL);
    CHECK_EQ(roce_destroy_cq(small), EBUSY);
    {
        struct roce_qp *pair[2] = { qp, pr.qp[1] };
        struct roce_qp_attr a;

        /* Reconnect side 1 to the new QP. */
        memset(&a, 0, sizeof a);
        a.qp_state = ROCE_QPS_RESET;
        CHECK_EQ(roce_modify_qp(pr.qp[1], &a, ROCE_QP_STATE), 0);
        CHECK_EQ(link_connect_rc(&l, pair, &p), 0);
        pr.qp[0] = qp;
    }
    cq_errors = qp_fatal = 0;
    for (i = 0; i < 6; i++) {
        post_write(&pr, smr, src, dmr, dst, 30 + i, true);
    }
    link_run(&l, UINT64_MAX);
    CHECK_EQ(cq_errors, 1);
    CHECK_EQ(qp_fatal, 1);
    CHECK_EQ(roce_poll_cq(small, 8, wc), -1);
    CHECK_EQ(qp_state(qp), ROCE_QPS_ERR);
    CHECK_EQ(link_ctr(&l, 0, ROCE_CTR_CQ_OVERFLOW), 1);

    CHECK_EQ(roce_destroy_qp(qp), 0);
    CHECK_EQ(roce_destroy_cq(small), 0);
    link_destroy(&l);
    return roce_test_exit();
}
