/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* RC reliability over a bad link: many QP pairs, every MTU, PSNs starting
 * just below the 24-bit wrap, a random mix of WRITE / WRITE with
 * immediate / SEND / SEND with immediate / READ of 0 bytes to 1 MiB, over
 * a link that loses, reorders, duplicates and corrupts frames.  Every
 * byte must arrive exactly, every completion must come in order with the
 * right wr_id, opcode, byte_len and immediate data, and the counters must
 * show that retransmission actually happened.
 *
 * Usage: test-rc-lossy [SEED [LOSS]] (default seed is fixed; the seed is
 * printed so a failure can be replayed). */

#include <stdlib.h>
#include <string.h>
#include "roce-link.h"
#include "roce-test.h"

#define N_PAIRS 12
#define OPS_PER_PAIR 24
#define BUDGET_PER_PAIR (3u << 20)

enum op_kind { OP_WRITE, OP_WRITE_IMM, OP_SEND, OP_SEND_IMM, OP_READ, N_OPS };

struct op {
    enum op_kind kind;
    uint32_t len;
    uint64_t off;               /* In the data or read region. */
    uint32_t imm;
    int recv_idx;               /* Receive WQE it consumes, or -1. */
};

struct pair_work {
    struct link_pair pr;
    enum roce_mtu mtu;
    struct op ops[OPS_PER_PAIR];
    int n_ops, n_recv;
    uint64_t data_len, read_len;
    uint8_t *src, *dst;         /* side 0 -> side 1 data. */
    uint8_t *rsrc, *rdst;       /* READ: side 1 -> side 0. */
    struct roce_mr *src_mr, *dst_mr, *rsrc_mr, *rdst_mr;
};

static uint32_t
pick_len(uint64_t *rng)
{
    uint64_t r = link_rand_n(rng, 100);

    if (r < 8) {
        return 0;
    } else if (r < 40) {
        return (uint32_t) link_rand_n(rng, 600);
    } else if (r < 70) {
        return (uint32_t) link_rand_n(rng, 20000);
    } else if (r < 94) {
        return (uint32_t) link_rand_n(rng, 200000);
    } else if (r < 97) {
        return 1u << 20;
    }
    return (uint32_t) link_rand_n(rng, 1u << 20);
}

static void
plan(struct pair_work *w, uint64_t *rng)
{
    uint64_t used = 0;
    int i;

    w->n_ops = 0;
    w->n_recv = 0;
    for (i = 0; i < OPS_PER_PAIR; i++) {
        struct op *op = &w->ops[w->n_ops];
        uint32_t len = pick_len(rng);

        if (used + len > BUDGET_PER_PAIR) {
            len = (uint32_t) link_rand_n(rng, 4096);
        }
        used += len;
        op->kind = (enum op_kind) (int) (link_rand(rng) % N_OPS);
        op->len = len;
        op->imm = (uint32_t) link_rand(rng);
        op->recv_idx = -1;
        if (op->kind == OP_READ) {
            op->off = w->read_len;
            w->read_len += len;
        } else {
            op->off = w->data_len;
            w->data_len += len;
            if (op->kind != OP_WRITE) {
                op->recv_idx = w->n_recv++;
            }
        }
        w->n_ops++;
    }
}

static uint8_t *
alloc_region(uint64_t len, uint64_t *rng, bool random)
{
    uint8_t *p = malloc(len + 1);
    uint64_t i;

    if (!p) {
        abort();
    }
    for (i = 0; i < len + 1; i++) {
        p[i] = random ? (uint8_t) link_rand(rng) : 0;
    }
    return p;
}

static void
post_all(struct pair_work *w)
{
    int i;

    for (i = 0; i < w->n_ops; i++) {
        const struct op *op = &w->ops[i];
        struct roce_sge sge, rsge;
        struct roce_send_wr wr, *bad;

        if (op->recv_idx >= 0) {
            struct roce_recv_wr rwr, *rbad;

            memset(&rwr, 0, sizeof rwr);
            rwr.wr_id = 1000 + i;
            if (op->kind == OP_SEND || op->kind == OP_SEND_IMM) {
                rsge.addr = (uintptr_t) (w->dst + op->off);
                rsge.length = op->len;
                rsge.lkey = roce_mr_lkey(w->dst_mr);
                rwr.sg_list = &rsge;
                rwr.num_sge = 1;
            }
            CHECK_EQ(roce_post_recv(w->pr.qp[1], &rwr, &rbad), 0);
        }

        memset(&wr, 0, sizeof wr);
        wr.wr_id = i;
        wr.send_flags = ROCE_SEND_SIGNALED;
        wr.sg_list = &sge;
        wr.num_sge = 1;
        wr.imm_data = op->imm;
        sge.length = op->len;
        if (op->kind == OP_READ) {
            sge.addr = (uintptr_t) (w->rdst + op->off);
            sge.lkey = roce_mr_lkey(w->rdst_mr);
            wr.opcode = ROCE_WR_RDMA_READ;
            wr.wr.rdma.remote_addr = (uintptr_t) (w->rsrc + op->off);
            wr.wr.rdma.rkey = roce_mr_rkey(w->rsrc_mr);
        } else {
            sge.addr = (uintptr_t) (w->src + op->off);
            sge.lkey = roce_mr_lkey(w->src_mr);
            wr.opcode = (op->kind == OP_WRITE ? ROCE_WR_RDMA_WRITE
                         : op->kind == OP_WRITE_IMM
                         ? ROCE_WR_RDMA_WRITE_WITH_IMM
                         : op->kind == OP_SEND ? ROCE_WR_SEND
                         : ROCE_WR_SEND_WITH_IMM);
            wr.wr.rdma.remote_addr = (uintptr_t) (w->dst + op->off);
            wr.wr.rdma.rkey = roce_mr_rkey(w->dst_mr);
        }
        CHECK_EQ(roce_post_send(w->pr.qp[0], &wr, &bad), 0);
    }
}

static void
verify(struct pair_work *w, int idx)
{
    struct roce_wc wc;
    int i, r = 0;

    for (i = 0; i < w->n_ops; i++) {
        const struct op *op = &w->ops[i];

        if (roce_poll_cq(w->pr.scq[0], 1, &wc) != 1) {
            fprintf(stderr, "pair %d: missing send completion %d\n", idx, i);
            roce_test_failures++;
            return;
        }
        if (wc.status != ROCE_WC_SUCCESS) {
            fprintf(stderr, "pair %d op %d (kind %d, %u bytes): %s\n", idx,
                    i, op->kind, op->len, roce_wc_status_str(wc.status));
        }
        CHECK_EQ(wc.status, ROCE_WC_SUCCESS);
        CHECK_EQ(wc.wr_id, i);
        CHECK_EQ(wc.byte_len, op->len);
        CHECK_EQ(wc.opcode, (op->kind == OP_READ ? ROCE_WC_RDMA_READ
                             : op->kind <= OP_WRITE_IMM ? ROCE_WC_RDMA_WRITE
                             : ROCE_WC_SEND));
        if (op->recv_idx < 0) {
            continue;
        }
        CHECK_EQ(op->recv_idx, r);
        r++;
        if (roce_poll_cq(w->pr.rcq[1], 1, &wc) != 1) {
            fprintf(stderr, "pair %d: missing recv completion %d\n", idx, i);
            roce_test_failures++;
            return;
        }
        CHECK_EQ(wc.status, ROCE_WC_SUCCESS);
        CHECK_EQ(wc.wr_id, 1000 + i);
        CHECK_EQ(wc.byte_len, op->len);
        CHECK_EQ(wc.opcode, (op->kind == OP_WRITE_IMM
                             ? ROCE_WC_RECV_RDMA_WITH_IMM : ROCE_WC_RECV));
        CHECK_EQ(!!(wc.wc_flags & ROCE_WC_WITH_IMM), op->kind != OP_SEND);
        if (op->kind != OP_SEND) {
            CHECK_EQ(wc.imm_data, op->imm);
        }
    }
    CHECK_EQ(roce_poll_cq(w->pr.scq[0], 1, &wc), 0);
    CHECK_EQ(roce_poll_cq(w->pr.rcq[1], 1, &wc), 0);
    CHECK_EQ(roce_poll_cq(w->pr.scq[1], 1, &wc), 0);
    CHECK_EQ(roce_poll_cq(w->pr.rcq[0], 1, &wc), 0);
    CHECK_MEM(w->dst, w->src, w->data_len);
    CHECK_MEM(w->rdst, w->rsrc, w->read_len);
    /* The byte after each region is never written. */
    CHECK_EQ(w->dst[w->data_len], 0);
    CHECK_EQ(w->rdst[w->read_len], 0);
    CHECK_EQ(qp_state(w->pr.qp[0]), ROCE_QPS_RTS);
    CHECK_EQ(qp_state(w->pr.qp[1]), ROCE_QPS_RTS);
}

int
main(int argc, char *argv[])
{
    static const enum roce_mtu mtus[] = {
        ROCE_MTU_256, ROCE_MTU_512, ROCE_MTU_1024, ROCE_MTU_2048, ROCE_MTU_4096
    };
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 20261122;
    double loss = argc > 2 ? atof(argv[2]) : 0.01;
    struct pair_work *w = calloc(N_PAIRS, sizeof *w);
    struct roce_engine_config cfg;
    struct roce_link l;
    uint64_t rng, retx;
    int i;

    roce_engine_config_init(&cfg);
    cfg.max_inflight = 256;
    link_init(&l, seed, &cfg);
    l.loss = loss;
    l.reorder = 0.01;
    l.dup = 0.01;
    l.corrupt = 0.002;
    rng = seed * 7 + 1;

    for (i = 0; i < N_PAIRS; i++) {
        struct link_rc_params p;
        struct pair_work *pw = &w[i];

        link_rc_params_init(&p);
        pw->mtu = p.mtu = mtus[i % ARRAY_N(mtus)];
        p.psn[0] = 0xffffff - (uint32_t) link_rand_n(&rng, 400);
        p.psn[1] = 0xffffff - (uint32_t) link_rand_n(&rng, 400);
        p.timeout = 8;          /* ~1 ms. */
        p.retry_cnt = 7;
        p.rnr_retry = 7;
        p.max_rd_atomic = 4;
        CHECK_EQ(link_pair_create(&l, &pw->pr, &p, 2 * OPS_PER_PAIR), 0);
        plan(pw, &rng);
        pw->src = alloc_region(pw->data_len, &rng, true);
        pw->dst = alloc_region(pw->data_len, &rng, false);
        pw->rsrc = alloc_region(pw->read_len, &rng, true);
        pw->rdst = alloc_region(pw->read_len, &rng, false);
        pw->src_mr = roce_reg_mr(pw->pr.pd[0], pw->src, pw->data_len + 1, 0);
        pw->rdst_mr = roce_reg_mr(pw->pr.pd[0], pw->rdst, pw->read_len,
                                  ROCE_ACCESS_LOCAL_WRITE);
        pw->dst_mr = roce_reg_mr(pw->pr.pd[1], pw->dst, pw->data_len,
                                 ROCE_ACCESS_LOCAL_WRITE
                                 | ROCE_ACCESS_REMOTE_WRITE);
        pw->rsrc_mr = roce_reg_mr(pw->pr.pd[1], pw->rsrc, pw->read_len + 1,
                                  ROCE_ACCESS_REMOTE_READ);
        CHECK(pw->src_mr && pw->rdst_mr && pw->dst_mr && pw->rsrc_mr);
        printf("pair %d: mtu %u psn %06x/%06x, %d ops, %llu bytes out, "
               "%llu bytes read\n", i, roce_mtu_bytes(pw->mtu),
               p.psn[0], p.psn[1], pw->n_ops,
               (unsigned long long) pw->data_len,
               (unsigned long long) pw->read_len);
    }
    for (i = 0; i < N_PAIRS; i++) {
        post_all(&w[i]);
    }
    link_run(&l, l.now + 600ull * 1000 * 1000 * 1000);
    link_dump_stats(&l);

    for (i = 0; i < N_PAIRS; i++) {
        verify(&w[i], i);
    }
    retx = link_ctr(&l, 0, ROCE_CTR_RETRANSMIT_PKTS)
           + link_ctr(&l, 1, ROCE_CTR_RETRANSMIT_PKTS);
    if (loss > 0) {
        CHECK(retx > 0);
        CHECK(l.dir[0].lost + l.dir[1].lost > 0);
        CHECK(l.dir[0].duplicated + l.dir[1].duplicated > 0);
        CHECK(l.dir[0].reordered + l.dir[1].reordered > 0);
        CHECK(link_ctr(&l, 1, ROCE_CTR_RX_DUP_REQUEST) > 0);
        CHECK(link_ctr(&l, 1, ROCE_CTR_RX_DUP_READ) > 0);
        CHECK(link_ctr(&l, 1, ROCE_CTR_TX_NAK_SEQ) > 0);
        CHECK(link_ctr(&l, 0, ROCE_CTR_RX_DROP_ICRC)
              + link_ctr(&l, 1, ROCE_CTR_RX_DROP_ICRC) > 0);
    }
    /* Nothing left in flight, no timer armed. */
    CHECK_EQ(l.dir[0].n + l.dir[1].n, 0);
    CHECK_EQ(roce_engine_next_deadline(l.eng[0]), UINT64_MAX);

    link_destroy(&l);
    for (i = 0; i < N_PAIRS; i++) {
        free(w[i].src);
        free(w[i].dst);
        free(w[i].rsrc);
        free(w[i].rdst);
    }
    free(w);
    return roce_test_exit();
}
