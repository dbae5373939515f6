/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* RC transport over a clean in-memory link: every operation at every MTU
 * and around segment boundaries, immediate data, multi-SGE and inline
 * sends, atomics, PSN wrap-around, ACK coalescing, RNR NAK handling and
 * exhaustion, retry exhaustion at 100% loss, flushes, SQD draining, and
 * remote access errors. */

#include <stdlib.h>
#include <string.h>
#include "roce/frame.h"
#include "roce/qp.h"
#include "roce-link.h"
#include "roce-test.h"

static uint64_t seed;

static void
fill(uint8_t *p, size_t n, uint32_t tag)
{
    size_t i;

    for (i = 0; i < n; i++) {
        p[i] = (uint8_t) (tag * 31 + i * 7 + (i >> 8));
    }
}

static int
poll_one(struct roce_cq *cq, struct roce_wc *wc)
{
    return roce_poll_cq(cq, 1, wc);
}

/* Posts one signaled WR on pair side 0. */
static int
post(struct link_pair *pr, enum roce_wr_opcode op, uint64_t wr_id,
     struct roce_mr *lmr, void *laddr, uint32_t len, uint64_t raddr,
     uint32_t rkey, uint32_t imm, unsigned int flags)
{
    struct roce_sge sge = {
        .addr = (uintptr_t) laddr, .length = len, .lkey = roce_mr_lkey(lmr),
    };
    struct roce_send_wr wr, *bad;

    memset(&wr, 0, sizeof wr);
    wr.wr_id = wr_id;
    wr.opcode = op;
    wr.sg_list = &sge;
    wr.num_sge = 1;
    wr.send_flags = ROCE_SEND_SIGNALED | flags;
    wr.imm_data = imm;
    wr.wr.rdma.remote_addr = raddr;
    wr.wr.rdma.rkey = rkey;
    return roce_post_send(pr->qp[0], &wr, &bad);
}

static int
post_recv(struct link_pair *pr, int side, uint64_t wr_id, struct roce_mr *mr,
          void *addr, uint32_t len)
{
    struct roce_sge sge = {
        .addr = (uintptr_t) addr, .length = len, .lkey = roce_mr_lkey(mr),
    };
    struct roce_recv_wr wr = { .wr_id = wr_id, .sg_list = &sge, .num_sge = 1 };
    struct roce_recv_wr *bad;

    return roce_post_recv(pr->qp[side], &wr, &bad);
}

/* Every opcode and size at every MTU, PSNs starting just below the wrap. */
static void
test_ops_all_mtus(void)
{
    static const enum roce_mtu mtus[] = {
        ROCE_MTU_256, ROCE_MTU_512, ROCE_MTU_1024, ROCE_MTU_2048, ROCE_MTU_4096
    };
    size_t m;

    for (m = 0; m < ARRAY_N(mtus); m++) {
        uint32_t mtu = roce_mtu_bytes(mtus[m]);
        uint32_t sizes[] = { 0, 1, 3, mtu - 1, mtu, mtu + 1, 3 * mtu + 7,
                             64 * 1024 };
        size_t bufsz = 128 * 1024;
        uint8_t *src = malloc(bufsz), *dst = malloc(bufsz);
        uint8_t *rsrc = malloc(bufsz), *rdst = malloc(bufsz);
        struct link_rc_params p;
        struct roce_mr *smr, *dmr, *rsmr, *rdmr;
        struct link_pair pr;
        struct roce_link l;
        uint64_t wr_id = 100;
        size_t k;

        link_init(&l, seed + m, NULL);
        link_rc_params_init(&p);
        p.mtu = mtus[m];
        p.psn[0] = 0xfffff0;
        p.psn[1] = 0xffffff;
        CHECK_EQ(link_pair_create(&l, &pr, &p, 64), 0);
        smr = roce_reg_mr(pr.pd[0], src, bufsz, ROCE_ACCESS_LOCAL_WRITE);
        dmr = roce_reg_mr(pr.pd[0], dst, bufsz, ROCE_ACCESS_LOCAL_WRITE);
        rsmr = roce_reg_mr(pr.pd[1], rsrc, bufsz,
                           ROCE_ACCESS_LOCAL_WRITE | ROCE_ACCESS_REMOTE_READ);
        rdmr = roce_reg_mr(pr.pd[1], rdst, bufsz,
                           ROCE_ACCESS_LOCAL_WRITE
                           | ROCE_ACCESS_REMOTE_WRITE);
        for (k = 0; k < ARRAY_N(sizes); k++) {
            uint32_t n = sizes[k];
            struct roce_wc wc;
            int op;

            for (op = 0; op < 5; op++) {
                static const enum roce_wr_opcode ops[] = {
                    ROCE_WR_RDMA_WRITE, ROCE_WR_RDMA_WRITE_WITH_IMM,
                    ROCE_WR_SEND, ROCE_WR_SEND_WITH_IMM, ROCE_WR_RDMA_READ,
                };
                bool imm = ops[op] == ROCE_WR_RDMA_WRITE_WITH_IMM
                           || ops[op] == ROCE_WR_SEND_WITH_IMM;
                bool recv = imm || ops[op] == ROCE_WR_SEND;
                bool read = ops[op] == ROCE_WR_RDMA_READ;

                fill(src, bufsz, (uint32_t) (k * 5 + op));
                fill(rsrc, bufsz, (uint32_t) (k * 5 + op + 77));
                memset(dst, 0xee, bufsz);
                memset(rdst, 0xee, bufsz);
                if (recv) {
                    CHECK_EQ(post_recv(&pr, 1, 900 + wr_id, rdmr, rdst,
                                       bufsz), 0);
                }
                CHECK_EQ(post(&pr, ops[op], wr_id,
                              read ? dmr : smr, read ? dst : src, n,
                              (uintptr_t) (read ? rsrc : rdst),
                              read ? roce_mr_rkey(rsmr) : roce_mr_rkey(rdmr),
                              imm ? 0x11223344u + (uint32_t) k : 0, 0), 0);
                link_run(&l, UINT64_MAX);

                CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
                CHECK_EQ(wc.status, ROCE_WC_SUCCESS);
                CHECK_EQ(wc.wr_id, wr_id);
                CHECK_EQ(wc.byte_len, n);
                CHECK_EQ(wc.opcode, (read ? ROCE_WC_RDMA_READ
                                     : ops[op] <= ROCE_WR_RDMA_WRITE_WITH_IMM
                                     ? ROCE_WC_RDMA_WRITE : ROCE_WC_SEND));
                if (read) {
                    CHECK_MEM(dst, rsrc, n);
                    CHECK_EQ(dst[n], 0xee);
                } else {
                    CHECK_MEM(rdst, src, n);
                    CHECK_EQ(rdst[n], 0xee);
                }
                if (recv) {
                    CHECK_EQ(poll_one(pr.rcq[1], &wc), 1);
                    CHECK_EQ(wc.status, ROCE_WC_SUCCESS);
                    CHECK_EQ(wc.wr_id, 900 + wr_id);
                    CHECK_EQ(wc.byte_len, n);
                    CHECK_EQ(wc.qp_num, roce_qp_num(pr.qp[1]));
                    CHECK_EQ(wc.opcode, (ops[op] == ROCE_WR_RDMA_WRITE_WITH_IMM
                                         ? ROCE_WC_RECV_RDMA_WITH_IMM
                                         : ROCE_WC_RECV));
                    CHECK_EQ(!!(wc.wc_flags & ROCE_WC_WITH_IMM), imm);
                    if (imm) {
                        CHECK_EQ(wc.imm_data, 0x11223344u + (uint32_t) k);
                    }
                }
                CHECK_EQ(poll_one(pr.rcq[1], &wc), 0);
                wr_id++;
            }
        }
        /* The PSN space wrapped on both sides. */
        {
            struct roce_qp_attr a;

            roce_query_qp(pr.qp[0], &a, 0, NULL);
            CHECK_EQ(qp_state(pr.qp[0]), ROCE_QPS_RTS);
            CHECK_EQ(qp_state(pr.qp[1]), ROCE_QPS_RTS);
        }
        CHECK_EQ(link_ctr(&l, 0, ROCE_CTR_RETRANSMIT_PKTS), 0);
        CHECK_EQ(link_ctr(&l, 1, ROCE_CTR_RX_DROP_PSN), 0);
        link_destroy(&l);
        free(src);
        free(dst);
        free(rsrc);
        free(rdst);
    }
}

/* Multi-SGE gather and scatter, inline data, atomics. */
static void
test_sge_inline_atomic(void)
{
    struct link_rc_params p;
    struct link_pair pr;
    struct roce_link l;
    uint8_t a[3000], b[5000], r1[1000], r2[7000];
    uint64_t counter = 40, result = 0;
    struct roce_mr *amr, *bmr, *r1mr, *r2mr, *cmr, *resmr;
    struct roce_sge sg[2], rsg[2];
    struct roce_send_wr wr, *bad;
    struct roce_recv_wr rwr, *rbad;
    struct roce_wc wc;

    link_init(&l, seed + 10, NULL);
    link_rc_params_init(&p);
    p.mtu = ROCE_MTU_512;
    CHECK_EQ(link_pair_create(&l, &pr, &p, 16), 0);
    fill(a, sizeof a, 1);
    fill(b, sizeof b, 2);
    memset(r1, 0, sizeof r1);
    memset(r2, 0, sizeof r2);
    amr = roce_reg_mr(pr.pd[0], a, sizeof a, ROCE_ACCESS_LOCAL_WRITE);
    bmr = roce_reg_mr(pr.pd[0], b, sizeof b, ROCE_ACCESS_LOCAL_WRITE);
    r1mr = roce_reg_mr(pr.pd[1], r1, sizeof r1, ROCE_ACCESS_LOCAL_WRITE);
    r2mr = roce_reg_mr(pr.pd[1], r2, sizeof r2, ROCE_ACCESS_LOCAL_WRITE);

    sg[0] = (struct roce_sge) { (uintptr_t) a, sizeof a, roce_mr_lkey(amr) };
    sg[1] = (struct roce_sge) { (uintptr_t) b, sizeof b, roce_mr_lkey(bmr) };
    rsg[0] = (struct roce_sge) { (uintptr_t) r1, sizeof r1,
                                 roce_mr_lkey(r1mr) };
    rsg[1] = (struct roce_sge) { (uintptr_t) r2, sizeof r2,
                                 roce_mr_lkey(r2mr) };
    memset(&rwr, 0, sizeof rwr);
    rwr.wr_id = 5;
    rwr.sg_list = rsg;
    rwr.num_sge = 2;
    CHECK_EQ(roce_post_recv(pr.qp[1], &rwr, &rbad), 0);
    memset(&wr, 0, sizeof wr);
    wr.wr_id = 6;
    wr.opcode = ROCE_WR_SEND;
    wr.sg_list = sg;
    wr.num_sge = 2;
    wr.send_flags = ROCE_SEND_SIGNALED;
    CHECK_EQ(roce_post_send(pr.qp[0], &wr, &bad), 0);
    link_run(&l, UINT64_MAX);
    CHECK_EQ(poll_one(pr.rcq[1], &wc), 1);
    CHECK_EQ(wc.byte_len, sizeof a + sizeof b);
    CHECK_MEM(r1, a, sizeof r1);
    CHECK_MEM(r2, a + sizeof r1, sizeof a - sizeof r1);
    CHECK_MEM(r2 + sizeof a - sizeof r1, b, sizeof b);
    CHECK_EQ(poll_one(pr.scq[0], &wc), 1);

    /* Inline: the data is captured at post time, no lkey needed. */
    {
        char msg[100] = "inline payload";
        struct roce_sge isg = { (uintptr_t) msg, sizeof msg, 0 };

        CHECK_EQ(roce_post_recv(pr.qp[1], &rwr, &rbad), 0);
        wr.sg_list = &isg;
        wr.num_sge = 1;
        wr.wr_id = 7;
        wr.send_flags = ROCE_SEND_SIGNALED | ROCE_SEND_INLINE;
        CHECK_EQ(roce_post_send(pr.qp[0], &wr, &bad), 0);
        memset(msg, 'X', sizeof msg);
        link_run(&l, UINT64_MAX);
        CHECK_EQ(poll_one(pr.rcq[1], &wc), 1);
        CHECK_EQ(wc.byte_len, 100);
        CHECK(!memcmp(r1, "inline payload", 15));
        CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
        CHECK_EQ(wc.status, ROCE_WC_SUCCESS);
    }

    /* Atomics: FETCH_ADD then CMP_SWP (hit and miss). */
    cmr = roce_reg_mr(pr.pd[1], &counter, 8,
                      ROCE_ACCESS_LOCAL_WRITE | ROCE_ACCESS_REMOTE_ATOMIC);
    resmr = roce_reg_mr(pr.pd[0], &result, 8, ROCE_ACCESS_LOCAL_WRITE);
    {
        struct roce_sge s = { (uintptr_t) &result, 8, roce_mr_lkey(resmr) };

        memset(&wr, 0, sizeof wr);
        wr.sg_list = &s;
        wr.num_sge = 1;
        wr.send_flags = ROCE_SEND_SIGNALED;
        wr.wr.atomic.remote_addr = (uintptr_t) &counter;
        wr.wr.atomic.rkey = roce_mr_rkey(cmr);

        wr.wr_id = 20;
        wr.opcode = ROCE_WR_ATOMIC_FETCH_AND_ADD;
        wr.wr.atomic.compare_add = 2;
        CHECK_EQ(roce_post_send(pr.qp[0], &wr, &bad), 0);
        link_run(&l, UINT64_MAX);
        CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
        CHECK_EQ(wc.status, ROCE_WC_SUCCESS);
        CHECK_EQ(wc.opcode, ROCE_WC_FETCH_ADD);
        CHECK_EQ(result, 40);
        CHECK_EQ(counter, 42);

        wr.wr_id = 21;
        wr.opcode = ROCE_WR_ATOMIC_CMP_AND_SWP;
        wr.wr.atomic.compare_add = 42;
        wr.wr.atomic.swap = 1000;
        CHECK_EQ(roce_post_send(pr.qp[0], &wr, &bad), 0);
        wr.wr_id = 22;
        wr.wr.atomic.compare_add = 42;   /* Now a miss. */
        wr.wr.atomic.swap = 7;
        CHECK_EQ(roce_post_send(pr.qp[0], &wr, &bad), 0);
        link_run(&l, UINT64_MAX);
        CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
        CHECK_EQ(wc.wr_id, 21);
        CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
        CHECK_EQ(wc.wr_id, 22);
        CHECK_EQ(wc.opcode, ROCE_WC_COMP_SWAP);
        CHECK_EQ(result, 1000);
        CHECK_EQ(counter, 1000);
    }
    link_destroy(&l);
}

/* A 64-packet WRITE is acknowledged with far fewer ACKs; PSNs wrap. */
static void
test_coalescing_and_wrap(void)
{
    size_t n = 64 * 256;
    uint8_t *src = malloc(n), *dst = calloc(1, n);
    struct link_rc_params p;
    struct roce_mr *smr, *dmr;
    struct link_pair pr;
    struct roce_link l;
    struct roce_wc wc;

    link_init(&l, seed + 20, NULL);
    link_rc_params_init(&p);
    p.mtu = ROCE_MTU_256;
    p.psn[0] = 0xffffe0;
    CHECK_EQ(link_pair_create(&l, &pr, &p, 16), 0);
    fill(src, n, 9);
    smr = roce_reg_mr(pr.pd[0], src, n, 0);
    dmr = roce_reg_mr(pr.pd[1], dst, n,
                      ROCE_ACCESS_LOCAL_WRITE | ROCE_ACCESS_REMOTE_WRITE);
    CHECK_EQ(post(&pr, ROCE_WR_RDMA_WRITE, 1, smr, src, n, (uintptr_t) dst,
                  roce_mr_rkey(dmr), 0, 0), 0);
    link_run(&l, UINT64_MAX);
    CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
    CHECK_EQ(wc.status, ROCE_WC_SUCCESS);
    CHECK_MEM(dst, src, n);
    CHECK_EQ(link_ctr(&l, 0, ROCE_CTR_TX_WRITE_PKTS), 64);
    CHECK(link_ctr(&l, 1, ROCE_CTR_TX_ACK) <= 64 / 16 + 1);
    CHECK(link_ctr(&l, 1, ROCE_CTR_TX_ACK) >= 1);
    link_destroy(&l);
    free(src);
    free(dst);
}

/* SEND without a receive: RNR NAKs until a receive is posted. */
static void
test_rnr(void)
{
    uint8_t src[300], dst[300];
    struct link_rc_params p;
    struct roce_mr *smr, *dmr;
    struct link_pair pr;
    struct roce_link l;
    struct roce_wc wc;

    link_init(&l, seed + 30, NULL);
    link_rc_params_init(&p);
    p.rnr_retry = 7;            /* Infinite. */
    p.min_rnr_timer = 14;       /* 1.28 ms. */
    CHECK_EQ(link_pair_create(&l, &pr, &p, 16), 0);
    fill(src, sizeof src, 3);
    smr = roce_reg_mr(pr.pd[0], src, sizeof src, 0);
    dmr = roce_reg_mr(pr.pd[1], dst, sizeof dst, ROCE_ACCESS_LOCAL_WRITE);
    CHECK_EQ(post(&pr, ROCE_WR_SEND, 1, smr, src, sizeof src, 0, 0, 0, 0), 0);
    link_run(&l, l.now + 20 * 1000 * 1000);      /* 20 ms. */
    CHECK_EQ(poll_one(pr.scq[0], &wc), 0);
    /* 20 ms / 1.28 ms per round: about 15 RNR NAKs. */
    CHECK(link_ctr(&l, 1, ROCE_CTR_TX_RNR_NAK) >= 10);
    CHECK(link_ctr(&l, 1, ROCE_CTR_TX_RNR_NAK) <= 17);
    CHECK_EQ(link_ctr(&l, 0, ROCE_CTR_RX_RNR_NAK),
             link_ctr(&l, 1, ROCE_CTR_TX_RNR_NAK));
    CHECK_EQ(post_recv(&pr, 1, 2, dmr, dst, sizeof dst), 0);
    link_run(&l, UINT64_MAX);
    CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
    CHECK_EQ(wc.status, ROCE_WC_SUCCESS);
    CHECK_EQ(poll_one(pr.rcq[1], &wc), 1);
    CHECK_MEM(dst, src, sizeof src);
    link_destroy(&l);

    /* rnr_retry = 2: the third RNR NAK fails the WR, the QP goes to ERR
     * and the WR queued behind it is flushed. */
    link_init(&l, seed + 31, NULL);
    link_rc_params_init(&p);
    p.rnr_retry = 2;
    CHECK_EQ(link_pair_create(&l, &pr, &p, 16), 0);
    smr = roce_reg_mr(pr.pd[0], src, sizeof src, 0);
    CHECK_EQ(post(&pr, ROCE_WR_SEND, 1, smr, src, sizeof src, 0, 0, 0, 0), 0);
    CHECK_EQ(post(&pr, ROCE_WR_SEND, 2, smr, src, 10, 0, 0, 0, 0), 0);
    link_run(&l, UINT64_MAX);
    CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
    CHECK_EQ(wc.wr_id, 1);
    CHECK_EQ(wc.status, ROCE_WC_RNR_RETRY_EXC_ERR);
    CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
    CHECK_EQ(wc.wr_id, 2);
    CHECK_EQ(wc.status, ROCE_WC_WR_FLUSH_ERR);
    CHECK_EQ(link_ctr(&l, 0, ROCE_CTR_RX_RNR_NAK), 3);
    CHECK_EQ(link_ctr(&l, 0, ROCE_CTR_RNR_RETRY_EXC), 1);
    CHECK_EQ(qp_state(pr.qp[0]), ROCE_QPS_ERR);
    link_destroy(&l);
}

static uint64_t tx_times[8];
static int n_tx_times;

static void
record_side0(void *aux, int side, const uint8_t *frame, size_t len)
{
    struct roce_link *l = aux;

    (void) frame;
    (void) len;
    if (side == 0 && n_tx_times < (int) ARRAY_N(tx_times)) {
        tx_times[n_tx_times++] = l->now;
    }
}

/* The RNR NAK's timer field is the wait of IBTA table 45: the SEND goes
 * out again exactly one round trip plus that wait later. */
static void
test_rnr_timer(unsigned int code, uint64_t wait_ns)
{
    uint8_t src[16];
    struct link_rc_params p;
    struct roce_mr *smr;
    struct link_pair pr;
    struct roce_link l;

    link_init(&l, seed + 90 + code, NULL);
    link_rc_params_init(&p);
    p.min_rnr_timer = (uint8_t) code;
    CHECK_EQ(link_pair_create(&l, &pr, &p, 16), 0);
    smr = roce_reg_mr(pr.pd[0], src, sizeof src, 0);
    l.tap = record_side0;
    l.tap_aux = &l;
    n_tx_times = 0;
    CHECK_EQ(post(&pr, ROCE_WR_SEND, 1, smr, src, 8, 0, 0, 0, 0), 0);
    while (n_tx_times < 3 && link_step(&l, UINT64_MAX)) {
        continue;
    }
    CHECK_EQ(n_tx_times, 3);
    CHECK_EQ(roce_rnr_timer_ns(code), wait_ns);
    CHECK_EQ(tx_times[1] - tx_times[0], 2 * l.latency_ns + wait_ns);
    CHECK_EQ(tx_times[2] - tx_times[1], 2 * l.latency_ns + wait_ns);
    link_destroy(&l);
}

static int burst_count;

static void
count_side1(void *aux, int side, const uint8_t *frame, size_t len)
{
    (void) aux;
    (void) frame;
    (void) len;
    burst_count += side == 1;
}

/* A 1 MiB READ at MTU 256 (4096 responses) goes out at most 'resp_burst'
 * packets per engine call, and the ACK of a SEND behind it waits for the
 * last response instead of overtaking (which the requester would take
 * for lost responses). */
static void
test_read_pacing(void)
{
    size_t n = 1 << 20;
    uint8_t *src = malloc(n), *dst = calloc(1, n), small[100];
    struct roce_engine_config cfg;
    struct link_rc_params p;
    struct roce_mr *smr, *dmr, *rmr;
    struct link_pair pr;
    struct roce_link l;
    struct roce_wc wc;
    int max_burst = 0, calls = 0;

    roce_engine_config_init(&cfg);
    cfg.resp_burst = 32;
    link_init(&l, seed + 100, &cfg);
    link_rc_params_init(&p);
    p.mtu = ROCE_MTU_256;
    p.psn[0] = 0xfff000;
    CHECK_EQ(link_pair_create(&l, &pr, &p, 16), 0);
    fill(src, n, 5);
    smr = roce_reg_mr(pr.pd[1], src, n, ROCE_ACCESS_REMOTE_READ);
    dmr = roce_reg_mr(pr.pd[0], dst, n, ROCE_ACCESS_LOCAL_WRITE);
    rmr = roce_reg_mr(pr.pd[1], small, sizeof small,
                      ROCE_ACCESS_LOCAL_WRITE);
    CHECK_EQ(post_recv(&pr, 1, 7, rmr, small, sizeof small), 0);
    CHECK_EQ(post(&pr, ROCE_WR_RDMA_READ, 1, dmr, dst, n, (uintptr_t) src,
                  roce_mr_rkey(smr), 0, 0), 0);
    CHECK_EQ(post(&pr, ROCE_WR_SEND, 2, dmr, dst, 50, 0, 0, 0, 0), 0);
    l.tap = count_side1;

    /* link_step(), one engine call at a time. */
    for (;;) {
        uint64_t next = UINT64_MAX;
        int i;

        for (i = 0; i < 2; i++) {
            uint64_t d = roce_engine_next_deadline(l.eng[i]);

            next = d < next ? d : next;
            if (l.dir[i].n && l.dir[i].q[0].at < next) {
                next = l.dir[i].q[0].at;
            }
        }
        if (next == UINT64_MAX) {
            break;
        }
        l.now = next > l.now ? next : l.now;
        for (i = 0; i < 2; i++) {
            burst_count = 0;
            roce_engine_run(l.eng[i], l.now);
            max_burst = burst_count > max_burst ? burst_count : max_burst;
            calls++;
        }
        for (i = 0; i < 2; i++) {
            while (l.dir[i].n && l.dir[i].q[0].at <= l.now) {
                struct link_frame f = link_pop(&l.dir[i]);

                burst_count = 0;
                roce_engine_receive(l.eng[1 - i], f.data, f.len);
                max_burst = burst_count > max_burst ? burst_count
                                                    : max_burst;
                free(f.data);
            }
        }
    }
    CHECK(max_burst <= 32 + 1);
    CHECK(calls >= 4096 / 32);
    CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
    CHECK_EQ(wc.wr_id, 1);
    CHECK_EQ(wc.status, ROCE_WC_SUCCESS);
    CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
    CHECK_EQ(wc.wr_id, 2);
    CHECK_MEM(dst, src, n);
    CHECK_EQ(link_ctr(&l, 1, ROCE_CTR_TX_READ_RESP_PKTS), 4096);
    CHECK_EQ(link_ctr(&l, 0, ROCE_CTR_RETRANSMIT_PKTS), 0);
    CHECK_EQ(link_ctr(&l, 0, ROCE_CTR_GAP_RETRIES), 0);
    link_destroy(&l);
    free(src);
    free(dst);
}

struct op_log {
    uint8_t op[64];
    int side[64];
    int n;
};

static void
log_ops(void *aux, int side, const uint8_t *frame, size_t len)
{
    struct op_log *log = aux;
    struct roce_frame_opts o;
    struct roce_frame f;

    roce_frame_opts_init(&o);
    if (log->n < 64 && roce_frame_parse(frame, len, &o, &f) == ROCE_FRAME_OK) {
        log->op[log->n] = f.opcode;
        log->side[log->n++] = side;
    }
}

static int
find_op(const struct op_log *log, int side, uint8_t op, int nth)
{
    int i;

    for (i = 0; i < log->n; i++) {
        if (log->side[i] == side && log->op[i] == op && !nth--) {
            return i;
        }
    }
    return -1;
}

/* A fenced WR waits for earlier READs; max_rd_atomic caps outstanding
 * READs. */
static void
test_fence_and_rd_limit(void)
{
    uint8_t src[4096], dst[4096];
    struct link_rc_params p;
    struct roce_mr *smr, *dmr;
    struct link_pair pr;
    struct roce_link l;
    struct roce_wc wc[4];
    struct op_log log;
    int i;

    for (i = 0; i < 2; i++) {
        bool fence = i == 1;

        memset(&log, 0, sizeof log);
        link_init(&l, seed + 110 + i, NULL);
        link_rc_params_init(&p);
        CHECK_EQ(link_pair_create(&l, &pr, &p, 16), 0);
        smr = roce_reg_mr(pr.pd[1], src, sizeof src, ROCE_ACCESS_ALL);
        dmr = roce_reg_mr(pr.pd[0], dst, sizeof dst, ROCE_ACCESS_ALL);
        l.tap = log_ops;
        l.tap_aux = &log;
        CHECK_EQ(post(&pr, ROCE_WR_RDMA_READ, 1, dmr, dst, 2048,
                      (uintptr_t) src, roce_mr_rkey(smr), 0, 0), 0);
        CHECK_EQ(post(&pr, ROCE_WR_RDMA_WRITE, 2, dmr, dst + 2048, 100,
                      (uintptr_t) src, roce_mr_rkey(smr), 0,
                      fence ? ROCE_SEND_FENCE : 0), 0);
        link_run(&l, UINT64_MAX);
        CHECK_EQ(roce_poll_cq(pr.scq[0], 4, wc), 2);
        CHECK_EQ(wc[1].wr_id, 2);
        /* Unfenced, the WRITE leaves before the READ's last response;
         * fenced, after it. */
        CHECK_EQ(find_op(&log, 0, ROCE_OP_RC_WRITE_ONLY, 0)
                 > find_op(&log, 1, ROCE_OP_RC_READ_RESPONSE_LAST, 0),
                 fence);
        link_destroy(&l);
    }

    /* max_rd_atomic 1: the second READ request waits for the first's
     * responses. */
    memset(&log, 0, sizeof log);
    link_init(&l, seed + 120, NULL);
    link_rc_params_init(&p);
    p.max_rd_atomic = 1;
    CHECK_EQ(link_pair_create(&l, &pr, &p, 16), 0);
    smr = roce_reg_mr(pr.pd[1], src, sizeof src, ROCE_ACCESS_ALL);
    dmr = roce_reg_mr(pr.pd[0], dst, sizeof dst, ROCE_ACCESS_ALL);
    l.tap = log_ops;
    l.tap_aux = &log;
    for (i = 0; i < 3; i++) {
        CHECK_EQ(post(&pr, ROCE_WR_RDMA_READ, 10 + i, dmr, dst + i * 1000,
                      1000, (uintptr_t) src, roce_mr_rkey(smr), 0, 0), 0);
    }
    link_run(&l, UINT64_MAX);
    CHECK_EQ(roce_poll_cq(pr.scq[0], 4, wc), 3);
    CHECK(find_op(&log, 0, ROCE_OP_RC_READ_REQUEST, 1)
          > find_op(&log, 1, ROCE_OP_RC_READ_RESPONSE_ONLY, 0));
    CHECK(find_op(&log, 0, ROCE_OP_RC_READ_REQUEST, 2)
          > find_op(&log, 1, ROCE_OP_RC_READ_RESPONSE_ONLY, 1));
    CHECK(find_op(&log, 0, ROCE_OP_RC_READ_REQUEST, 1) >= 0);
    link_destroy(&l);
}

/* 100% loss: retry_cnt retransmissions, then RETRY_EXC_ERR, ERR, flush. */
static void
test_total_loss(void)
{
    uint8_t src[5000], dst[5000];
    struct link_rc_params p;
    struct roce_mr *smr, *dmr;
    struct link_pair pr;
    struct roce_link l;
    struct roce_wc wc;
    uint64_t t0;

    link_init(&l, seed + 40, NULL);
    link_rc_params_init(&p);
    p.retry_cnt = 3;
    p.timeout = 12;             /* 4.096 us * 4096 = 16.8 ms. */
    CHECK_EQ(link_pair_create(&l, &pr, &p, 16), 0);
    smr = roce_reg_mr(pr.pd[0], src, sizeof src, 0);
    dmr = roce_reg_mr(pr.pd[1], dst, sizeof dst,
                      ROCE_ACCESS_LOCAL_WRITE | ROCE_ACCESS_REMOTE_WRITE);
    l.loss = 1.0;
    t0 = l.now;
    CHECK_EQ(post(&pr, ROCE_WR_RDMA_WRITE, 1, smr, src, sizeof src,
                  (uintptr_t) dst, roce_mr_rkey(dmr), 0, 0), 0);
    CHECK_EQ(post(&pr, ROCE_WR_RDMA_WRITE, 2, smr, src, 8,
                  (uintptr_t) dst, roce_mr_rkey(dmr), 0, 0), 0);
    link_run(&l, UINT64_MAX);
    CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
    CHECK_EQ(wc.wr_id, 1);
    CHECK_EQ(wc.status, ROCE_WC_RETRY_EXC_ERR);
    CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
    CHECK_EQ(wc.wr_id, 2);
    CHECK_EQ(wc.status, ROCE_WC_WR_FLUSH_ERR);
    CHECK_EQ(qp_state(pr.qp[0]), ROCE_QPS_ERR);
    /* The first transmission plus retry_cnt retries, each timed out. */
    CHECK_EQ(link_ctr(&l, 0, ROCE_CTR_TIMEOUTS), 4);
    CHECK_EQ(link_ctr(&l, 0, ROCE_CTR_RETRY_EXC), 1);
    CHECK_EQ(link_ctr(&l, 0, ROCE_CTR_TX_WRITE_PKTS), 4 * 6);
    CHECK_EQ(link_ctr(&l, 0, ROCE_CTR_RETRANSMIT_PKTS), 3 * 6);
    /* Four timeouts of 4.096 us * 2^12 each. */
    CHECK_EQ(l.now - t0, 4 * (4096ull << 12));
    /* Posting in ERR flushes at once. */
    CHECK_EQ(post(&pr, ROCE_WR_RDMA_WRITE, 3, smr, src, 8,
                  (uintptr_t) dst, roce_mr_rkey(dmr), 0, 0), 0);
    CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
    CHECK_EQ(wc.wr_id, 3);
    CHECK_EQ(wc.status, ROCE_WC_WR_FLUSH_ERR);
    CHECK_EQ(poll_one(pr.scq[0], &wc), 0);
    link_destroy(&l);
}

static int drained;

static void
count_drained(void *aux, const struct roce_event *ev)
{
    (void) aux;
    if (ev->type == ROCE_EVENT_SQ_DRAINED) {
        drained++;
    }
}

/* SQD: WRs already started finish, new ones wait until back in RTS. */
static void
test_sqd(void)
{
    struct roce_engine_config cfg;
    uint8_t src[4096], dst[4096];
    struct link_rc_params p;
    struct roce_mr *smr, *dmr;
    struct roce_qp_attr a;
    struct link_pair pr;
    struct roce_link l;
    struct roce_wc wc;

    roce_engine_config_init(&cfg);
    cfg.event = count_drained;
    link_init(&l, seed + 50, &cfg);
    link_rc_params_init(&p);
    CHECK_EQ(link_pair_create(&l, &pr, &p, 16), 0);
    smr = roce_reg_mr(pr.pd[0], src, sizeof src, 0);
    dmr = roce_reg_mr(pr.pd[1], dst, sizeof dst,
                      ROCE_ACCESS_LOCAL_WRITE | ROCE_ACCESS_REMOTE_WRITE);
    CHECK_EQ(post(&pr, ROCE_WR_RDMA_WRITE, 1, smr, src, 4096,
                  (uintptr_t) dst, roce_mr_rkey(dmr), 0, 0), 0);
    memset(&a, 0, sizeof a);
    a.qp_state = ROCE_QPS_SQD;
    a.sq_draining = 1;
    CHECK_EQ(roce_modify_qp(pr.qp[0], &a,
                            ROCE_QP_STATE | ROCE_QP_EN_SQD_ASYNC_NOTIFY), 0);
    CHECK_EQ(post(&pr, ROCE_WR_RDMA_WRITE, 2, smr, src, 10,
                  (uintptr_t) dst, roce_mr_rkey(dmr), 0, 0), 0);
    link_run(&l, UINT64_MAX);
    CHECK_EQ(drained, 1);
    CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
    CHECK_EQ(wc.wr_id, 1);
    CHECK_EQ(poll_one(pr.scq[0], &wc), 0);
    a.qp_state = ROCE_QPS_RTS;
    CHECK_EQ(roce_modify_qp(pr.qp[0], &a, ROCE_QP_STATE), 0);
    link_run(&l, UINT64_MAX);
    CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
    CHECK_EQ(wc.wr_id, 2);
    link_destroy(&l);
}

/* Remote errors: bad rkey -> REM_ACCESS_ERR; WRITE to a QP without
 * remote write access -> REM_INV_REQ_ERR.  Both QPs end in ERR. */
static void
test_remote_errors(void)
{
    uint8_t src[64], dst[64];
    struct link_rc_params p;
    struct roce_mr *smr, *dmr;
    struct roce_qp_attr a;
    struct link_pair pr;
    struct roce_link l;
    struct roce_wc wc;

    link_init(&l, seed + 60, NULL);
    link_rc_params_init(&p);
    CHECK_EQ(link_pair_create(&l, &pr, &p, 16), 0);
    smr = roce_reg_mr(pr.pd[0], src, sizeof src, 0);
    dmr = roce_reg_mr(pr.pd[1], dst, sizeof dst, ROCE_ACCESS_LOCAL_WRITE);
    CHECK_EQ(post(&pr, ROCE_WR_RDMA_WRITE, 1, smr, src, 8, (uintptr_t) dst,
                  roce_mr_rkey(dmr), 0, 0), 0);
    link_run(&l, UINT64_MAX);
    CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
    CHECK_EQ(wc.status, ROCE_WC_REM_ACCESS_ERR);
    CHECK_EQ(qp_state(pr.qp[0]), ROCE_QPS_ERR);
    CHECK_EQ(qp_state(pr.qp[1]), ROCE_QPS_ERR);
    CHECK_EQ(link_ctr(&l, 1, ROCE_CTR_TX_NAK_ACCESS), 1);
    link_destroy(&l);

    link_init(&l, seed + 61, NULL);
    CHECK_EQ(link_pair_create(&l, &pr, &p, 16), 0);
    memset(&a, 0, sizeof a);
    a.qp_access_flags = ROCE_ACCESS_REMOTE_READ;
    CHECK_EQ(roce_modify_qp(pr.qp[1], &a, ROCE_QP_ACCESS_FLAGS), 0);
    smr = roce_reg_mr(pr.pd[0], src, sizeof src, 0);
    dmr = roce_reg_mr(pr.pd[1], dst, sizeof dst,
                      ROCE_ACCESS_LOCAL_WRITE | ROCE_ACCESS_REMOTE_WRITE);
    CHECK_EQ(post(&pr, ROCE_WR_RDMA_WRITE, 1, smr, src, 8, (uintptr_t) dst,
                  roce_mr_rkey(dmr), 0, 0), 0);
    link_run(&l, UINT64_MAX);
    CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
    CHECK_EQ(wc.status, ROCE_WC_REM_INV_REQ_ERR);
    CHECK_EQ(link_ctr(&l, 1, ROCE_CTR_TX_NAK_INV), 1);
    link_destroy(&l);
}

/* The responder's own memory error (a receive SGE with a bad lkey) is a
 * remote operational error for the requester and a local protection
 * error for the receiver. */
static void
test_remote_op_error(void)
{
    uint8_t src[64], dst[64];
    struct link_rc_params p;
    struct roce_mr *smr;
    struct link_pair pr;
    struct roce_link l;
    struct roce_wc wc;
    struct roce_sge rs = { 0, 64, 0x777700 };
    struct roce_recv_wr rwr = { 9, NULL, &rs, 1 }, *rbad;

    rs.addr = (uintptr_t) dst;
    link_init(&l, seed + 70, NULL);
    link_rc_params_init(&p);
    CHECK_EQ(link_pair_create(&l, &pr, &p, 16), 0);
    smr = roce_reg_mr(pr.pd[0], src, sizeof src, 0);
    CHECK_EQ(roce_post_recv(pr.qp[1], &rwr, &rbad), 0);
    CHECK_EQ(post(&pr, ROCE_WR_SEND, 1, smr, src, 8, 0, 0, 0, 0), 0);
    link_run(&l, UINT64_MAX);
    CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
    CHECK_EQ(wc.status, ROCE_WC_REM_OP_ERR);
    CHECK_EQ(poll_one(pr.rcq[1], &wc), 1);
    CHECK_EQ(wc.wr_id, 9);
    CHECK_EQ(wc.status, ROCE_WC_LOC_PROT_ERR);
    CHECK_EQ(link_ctr(&l, 1, ROCE_CTR_TX_NAK_OP), 1);
    CHECK_EQ(link_ctr(&l, 0, ROCE_CTR_RX_NAK_OP), 1);
    link_destroy(&l);
}

static int filter_calls;

static bool
reject_all(const struct roce_qp *qp, const struct roce_frame *f,
           const struct roce_rx_tuple *t, void *aux)
{
    (void) qp;
    (void) f;
    (void) t;
    (void) aux;
    filter_calls++;
    return false;
}

/* Receive validation: the bound tuple (per-direction VNIs) by default; a
 * caller policy replaces it; a rebind of the template and tuple on a live
 * QP takes effect without a reconnect. */
static void
test_rx_policy(void)
{
    uint8_t src[64], dst[64];
    struct link_rc_params p;
    struct roce_mr *smr, *dmr;
    struct roce_qp_attr a;
    struct roce_rx_tuple rx;
    struct roce_encap e;
    struct link_pair pr;
    struct roce_link l;
    struct roce_wc wc;

    link_init(&l, seed + 80, NULL);
    link_rc_params_init(&p);
    p.retry_cnt = 1;
    CHECK_EQ(link_pair_create(&l, &pr, &p, 16), 0);
    smr = roce_reg_mr(pr.pd[0], src, sizeof src, 0);
    dmr = roce_reg_mr(pr.pd[1], dst, sizeof dst,
                      ROCE_ACCESS_LOCAL_WRITE | ROCE_ACCESS_REMOTE_WRITE);

    /* Side 0 moves to another VNI (both directions): until side 1 is
     * rebound, its frames are dropped as foreign. */
    link_make_path(0, true, 7000, roce_qp_num(pr.qp[0]),
                   roce_qp_num(pr.qp[1]), &e, &rx);
    memset(&a, 0, sizeof a);
    a.encap = &e;
    CHECK_EQ(roce_modify_qp(pr.qp[0], &a, ROCE_QP_AV), 0);
    CHECK_EQ(post(&pr, ROCE_WR_RDMA_WRITE, 1, smr, src, 8, (uintptr_t) dst,
                  roce_mr_rkey(dmr), 0, 0), 0);
    link_run(&l, l.now + 1000000);
    CHECK(link_ctr(&l, 1, ROCE_CTR_RX_DROP_TUPLE) >= 1);
    CHECK_EQ(poll_one(pr.scq[0], &wc), 0);
    /* Rebind side 1: expected receive tuple and its own template. */
    a.rx_tuple = rx;
    link_make_path(1, true, 6999, roce_qp_num(pr.qp[1]),
                   roce_qp_num(pr.qp[0]), &e, &rx);
    a.encap = &e;
    CHECK_EQ(roce_modify_qp(pr.qp[1], &a, ROCE_QP_AV | ROCE_QP_RX_TUPLE), 0);
    a.rx_tuple = rx;
    CHECK_EQ(roce_modify_qp(pr.qp[0], &a, ROCE_QP_RX_TUPLE), 0);
    link_run(&l, UINT64_MAX);
    CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
    CHECK_EQ(wc.status, ROCE_WC_SUCCESS);
    CHECK_EQ(qp_state(pr.qp[0]), ROCE_QPS_RTS);

    /* A caller policy that rejects everything. */
    roce_qp_set_rx_filter(pr.qp[1], reject_all, NULL);
    CHECK_EQ(post(&pr, ROCE_WR_RDMA_WRITE, 2, smr, src, 8, (uintptr_t) dst,
                  roce_mr_rkey(dmr), 0, 0), 0);
    link_run(&l, UINT64_MAX);
    CHECK_EQ(filter_calls, 2);  /* First try and one retry. */
    CHECK_EQ(poll_one(pr.scq[0], &wc), 1);
    CHECK_EQ(wc.status, ROCE_WC_RETRY_EXC_ERR);
    CHECK_EQ(roce_qp_stats(pr.qp[1])->c[ROCE_CTR_RX_DROP_TUPLE], 3);
    link_destroy(&l);
}

int
main(int argc, char *argv[])
{
    seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
    test_ops_all_mtus();
    test_sge_inline_atomic();
    test_coalescing_and_wrap();
    test_rnr();
    test_rnr_timer(0, 655360000);       /* 655.36 ms */
    test_rnr_timer(1, 10000);           /* 0.01 ms */
    test_rnr_timer(5, 60000);           /* 0.06 ms */
    test_rnr_timer(18, 5120000);        /* 5.12 ms */
    test_rnr_timer(31, 491520000);      /* 491.52 ms */
    test_total_loss();
    test_read_pacing();
    test_fence_and_rd_limit();
    test_sqd();
    test_remote_errors();
    test_remote_op_error();
    test_rx_policy();
    return roce_test_exit();
}
