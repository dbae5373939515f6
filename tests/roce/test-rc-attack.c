/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* Hostile and broken input to an RC responder.  Frames are crafted with
 * the peer's real encapsulation template (so they pass everything but the
 * check under test) and fed to the victim engine: bad ICRC, truncation at
 * every offset, opcodes invalid for the QP type or not in the table, wrong
 * QPN, foreign tuple, bad P_Key, PSN outside the window, rkey of another
 * PD, out-of-bounds and permission-violating WRITE/READ/atomic, payloads
 * above the MTU or the receive buffer, inconsistent RETH lengths, and
 * random header mutations with a valid ICRC.
 *
 * Each must be dropped or NAKed as the spec says and counted, and no byte
 * outside a registered region may change: victim memory sits between
 * PROT_NONE guard pages (a stray access faults) with canary bytes between
 * the MRs and the guards. */

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "roce/frame.h"
#include "roce/icrc.h"
#include "roce/pkt.h"
#include "roce-link.h"
#include "roce-test.h"

#define CANARY 0xca
#define FILL 0x5a
#define BUF_LEN 9216

/* Victim memory: [guard][data pages][guard].  'mr' covers
 * [mr_start, mr_start + mr_len) inside the data pages; the rest of the data
 * pages are canaries. */
struct guarded {
    uint8_t *base;
    size_t total;
    uint8_t *data;
    size_t data_len;
    uint8_t *mr_start;
    size_t mr_len;
};

static size_t page;

static void
guarded_alloc(struct guarded *g, size_t pages, bool at_end, size_t mr_len)
{
    g->data_len = pages * page;
    g->total = g->data_len + 2 * page;
    g->base = mmap(NULL, g->total, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g->base == MAP_FAILED) {
        abort();
    }
    mprotect(g->base, page, PROT_NONE);
    mprotect(g->base + page + g->data_len, page, PROT_NONE);
    g->data = g->base + page;
    g->mr_len = mr_len;
    /* Flush against one guard page, so an overrun (or underrun) by even
     * one byte faults. */
    g->mr_start = at_end ? g->data + g->data_len - mr_len : g->data;
    memset(g->data, CANARY, g->data_len);
    memset(g->mr_start, FILL, mr_len);
}

static bool
guarded_intact(const struct guarded *g)
{
    size_t i;

    for (i = 0; i < g->data_len; i++) {
        const uint8_t *p = g->data + i;
        bool in_mr = p >= g->mr_start && p < g->mr_start + g->mr_len;

        if (*p != (in_mr ? FILL : CANARY)) {
            fprintf(stderr, "byte %zu changed to 0x%02x\n", i, *p);
            return false;
        }
    }
    return true;
}

static void
guarded_free(struct guarded *g)
{
    munmap(g->base, g->total);
}

/* One victim: side 1 of a connected pair, with two guarded MRs in its PD
 * (one flush with the end guard, one with the start guard) and one MR in
 * a foreign PD. */
struct victim {
    struct roce_link l;
    struct link_pair pr;
    struct link_rc_params p;
    struct roce_encap a2b;      /* What side 0 (the attacker) sends with. */
    struct guarded hi, lo, foreign;
    struct roce_pd *other_pd;
    struct roce_mr *hi_mr, *lo_mr, *ro_mr, *foreign_mr;
    uint32_t epsn;
    /* NAKs the victim sent (captured by the link tap). */
    int n_naks;
    int last_nak;               /* AETH syndrome, -1 if none. */
    int n_read_resp;
};

static void
victim_tap(void *aux, int side, const uint8_t *frame, size_t len)
{
    struct victim *v = aux;
    struct roce_frame_opts o;
    struct roce_frame f;

    if (side != 1) {
        return;
    }
    roce_frame_opts_init(&o);
    if (roce_frame_parse(frame, len, &o, &f) != ROCE_FRAME_OK) {
        return;
    }
    if (f.opcode == ROCE_OP_RC_ACKNOWLEDGE
        && roce_syndrome_type(roce_aeth_syndrome(f.ext[ROCE_EXT_AETH]))
           != ROCE_AETH_ACK) {
        v->n_naks++;
        v->last_nak = roce_aeth_syndrome(f.ext[ROCE_EXT_AETH]);
    }
    if (f.op->flags & ROCE_OPF_READ && f.op->flags & ROCE_OPF_RESP) {
        v->n_read_resp++;
    }
}

static void
victim_init(struct victim *v, uint64_t seed)
{
    memset(v, 0, sizeof *v);
    link_init(&v->l, seed, NULL);
    v->l.tap = victim_tap;
    v->l.tap_aux = v;
    link_rc_params_init(&v->p);
    v->p.mtu = ROCE_MTU_1024;
    v->p.psn[0] = 0xfffffe;     /* Victim expects PSNs around the wrap. */
    v->p.psn[1] = 100;
    if (link_pair_create(&v->l, &v->pr, &v->p, 16)) {
        abort();
    }
    link_make_path(0, v->p.overlay, v->p.vni_base, roce_qp_num(v->pr.qp[0]),
                   roce_qp_num(v->pr.qp[1]), &v->a2b, NULL);
    guarded_alloc(&v->hi, 2, true, 5000);
    guarded_alloc(&v->lo, 2, false, 3000);
    guarded_alloc(&v->foreign, 1, true, 1000);
    v->hi_mr = roce_reg_mr(v->pr.pd[1], v->hi.mr_start, v->hi.mr_len,
                           ROCE_ACCESS_ALL);
    /* Read-only remote access. */
    v->lo_mr = roce_reg_mr(v->pr.pd[1], v->lo.mr_start, v->lo.mr_len,
                           ROCE_ACCESS_LOCAL_WRITE | ROCE_ACCESS_REMOTE_READ);
    /* Write-only remote access, same memory as 'hi'. */
    v->ro_mr = roce_reg_mr(v->pr.pd[1], v->hi.mr_start, v->hi.mr_len,
                           ROCE_ACCESS_LOCAL_WRITE
                           | ROCE_ACCESS_REMOTE_WRITE);
    v->other_pd = roce_alloc_pd(v->l.eng[1]);
    v->foreign_mr = roce_reg_mr(v->other_pd, v->foreign.mr_start,
                                v->foreign.mr_len, ROCE_ACCESS_ALL);
    if (!v->hi_mr || !v->lo_mr || !v->ro_mr || !v->foreign_mr) {
        abort();
    }
    v->epsn = v->p.psn[0];
    v->last_nak = -1;
}

static void
victim_destroy(struct victim *v)
{
    CHECK(guarded_intact(&v->hi));
    CHECK(guarded_intact(&v->lo));
    CHECK(guarded_intact(&v->foreign));
    link_destroy(&v->l);
    guarded_free(&v->hi);
    guarded_free(&v->lo);
    guarded_free(&v->foreign);
}

/* A request packet from the attacker to the victim QP at the expected
 * PSN; callers adjust fields. */
static void
pkt_init(struct victim *v, struct roce_pkt *pkt, uint8_t opcode)
{
    memset(pkt, 0, sizeof *pkt);
    pkt->opcode = opcode;
    pkt->pkey = ROCE_DEFAULT_PKEY;
    pkt->dqpn = roce_qp_num(v->pr.qp[1]);
    pkt->psn = v->epsn;
    pkt->ackreq = true;
}

static size_t
craft(struct victim *v, const struct roce_pkt *pkt, uint8_t *buf)
{
    size_t hl = roce_encap_hdr_len(&v->a2b);
    size_t tl = roce_pkt_build(pkt, buf + hl, BUF_LEN - hl - 4);

    if (!tl) {
        abort();
    }
    return roce_encap_frame(&v->a2b, buf, tl);
}

static uint64_t
vctr(struct victim *v, enum roce_counter c)
{
    return link_ctr(&v->l, 1, c);
}

static void
inject(struct victim *v, const uint8_t *frame, size_t len)
{
    roce_engine_receive(v->l.eng[1], frame, len);
    link_run(&v->l, UINT64_MAX);
}

static void
send_pkt(struct victim *v, const struct roce_pkt *pkt)
{
    uint8_t buf[BUF_LEN];

    inject(v, buf, craft(v, pkt, buf));
}

/* A WRITE_ONLY of 'len' bytes of 0x77 at 'va' with 'rkey'. */
static void
write_pkt(struct victim *v, struct roce_pkt *pkt, uint64_t va, uint32_t rkey,
          uint32_t len, uint8_t *payload)
{
    memset(payload, 0x77, len);
    pkt_init(v, pkt, ROCE_OP_RC_WRITE_ONLY);
    pkt->va = va;
    pkt->rkey = rkey;
    pkt->dma_len = len;
    pkt->payload = payload;
    pkt->payload_len = len;
}

/* Frames that fail before the transport: nothing NAKed, QP unharmed. */
static void
test_dropped(void)
{
    uint8_t payload[4096], buf[BUF_LEN], t[BUF_LEN];
    struct roce_pkt pkt;
    struct victim v;
    uint64_t drops0, rx0;
    size_t n, i;

    victim_init(&v, 1);
    write_pkt(&v, &pkt, (uintptr_t) v.hi.mr_start, roce_mr_rkey(v.hi_mr),
              100, payload);

    /* Bad ICRC: one payload bit. */
    n = craft(&v, &pkt, buf);
    buf[n - 10] ^= 1;
    inject(&v, buf, n);
    CHECK_EQ(vctr(&v, ROCE_CTR_RX_DROP_ICRC), 1);

    /* Truncated at every offset. */
    n = craft(&v, &pkt, buf);
    rx0 = vctr(&v, ROCE_CTR_RX_FRAMES);
    drops0 = (vctr(&v, ROCE_CTR_RX_DROP_PARSE)
              + vctr(&v, ROCE_CTR_RX_DROP_ICRC));
    for (i = 0; i < n; i++) {
        /* Copy to an exact-size heap block so ASan sees any overread. */
        uint8_t *f = malloc(i ? i : 1);

        memcpy(f, buf, i);
        roce_engine_receive(v.l.eng[1], f, i);
        free(f);
    }
    CHECK_EQ(vctr(&v, ROCE_CTR_RX_FRAMES) - rx0, n);
    CHECK_EQ(vctr(&v, ROCE_CTR_RX_DROP_PARSE) + vctr(&v, ROCE_CTR_RX_DROP_ICRC)
             - drops0, n);

    /* Wrong QPN (and QP0, which does not exist here). */
    pkt.dqpn = 999;
    send_pkt(&v, &pkt);
    pkt.dqpn = 0;
    send_pkt(&v, &pkt);
    CHECK_EQ(vctr(&v, ROCE_CTR_RX_DROP_NO_QP), 2);
    pkt.dqpn = roce_qp_num(v.pr.qp[1]);

    /* Bad P_Key. */
    pkt.pkey = 0x1234;
    send_pkt(&v, &pkt);
    CHECK_EQ(vctr(&v, ROCE_CTR_RX_DROP_PKEY), 1);
    pkt.pkey = ROCE_DEFAULT_PKEY;

    /* UD opcode to an RC QP; opcode not in the table. */
    {
        struct roce_pkt ud;

        pkt_init(&v, &ud, ROCE_OP_UD_SEND_ONLY);
        ud.qkey = 1;
        ud.payload = payload;
        ud.payload_len = 16;
        send_pkt(&v, &ud);
        CHECK_EQ(vctr(&v, ROCE_CTR_RX_DROP_OPCODE), 1);
        n = craft(&v, &pkt, buf);
        memcpy(t, buf, n);
        t[roce_encap_hdr_len(&v.a2b)] = 0x1f;
        roce_icrc_fill(t + v.a2b.inner_l3_ofs, n - 4 - v.a2b.inner_l3_ofs);
        inject(&v, t, n);
        CHECK_EQ(vctr(&v, ROCE_CTR_RX_DROP_OPCODE), 2);
    }

    /* Foreign tuple: another VNI, another remote VTEP, no tunnel. */
    {
        struct roce_encap saved = v.a2b;
        struct roce_encap e;

        link_make_path(0, true, v.p.vni_base + 7, 1, 2, &e, NULL);
        v.a2b = e;
        send_pkt(&v, &pkt);
        link_make_path(0, false, v.p.vni_base, 1, 2, &e, NULL);
        v.a2b = e;
        send_pkt(&v, &pkt);
        link_make_path(1, true, v.p.vni_base - 1, 1, 2, &e, NULL);
        v.a2b = e;              /* Right VNI, wrong VTEP and addresses. */
        send_pkt(&v, &pkt);
        /* Everything right but the outer destination (another VTEP of
         * this host). */
        {
            uint8_t other[4] = { 192, 168, 0, 66 };
            uint32_t o32;
            struct in6_addr o;

            memcpy(&o32, other, 4);
            o = roce_addr_from_v4(o32);
            link_make_path_to(0, true, v.p.vni_base,
                              roce_qp_num(v.pr.qp[0]),
                              roce_qp_num(v.pr.qp[1]), &e, NULL, &o);
        }
        v.a2b = e;
        send_pkt(&v, &pkt);
        v.a2b = saved;
        CHECK_EQ(vctr(&v, ROCE_CTR_RX_DROP_TUPLE), 4);
    }

    /* The parser's reasons add up to the drop counters. */
    {
        uint64_t sum = 0;
        int err;

        for (err = 0; err < ROCE_FRAME_N_ERRORS; err++) {
            sum += roce_engine_parse_errors(v.l.eng[1],
                                            (enum roce_frame_error) err);
        }
        CHECK_EQ(sum, vctr(&v, ROCE_CTR_RX_DROP_PARSE)
                      + vctr(&v, ROCE_CTR_RX_DROP_ICRC) + 1);
        CHECK(roce_engine_parse_errors(v.l.eng[1], ROCE_FRAME_TOO_SHORT) > 0);
        CHECK_EQ(roce_engine_parse_errors(v.l.eng[1], ROCE_FRAME_BAD_OPCODE),
                 1);
    }

    /* A CNP is counted, not dropped, and changes nothing. */
    {
        struct roce_pkt cnp;

        pkt_init(&v, &cnp, ROCE_OP_CNP);
        cnp.ackreq = false;
        send_pkt(&v, &cnp);
        CHECK_EQ(vctr(&v, ROCE_CTR_RX_CNP), 1);
    }

    /* None of that reached memory or disturbed the QP. */
    CHECK_EQ(v.n_naks, 0);
    CHECK_EQ(qp_state(v.pr.qp[1]), ROCE_QPS_RTS);
    CHECK(guarded_intact(&v.hi));

    /* The same WRITE, intact, does land. */
    send_pkt(&v, &pkt);
    CHECK_EQ(v.hi.mr_start[0], 0x77);
    CHECK_EQ(v.hi.mr_start[99], 0x77);
    memset(v.hi.mr_start, FILL, 100);
    victim_destroy(&v);
}

/* PSN window: ahead -> one sequence NAK, then silence; behind -> a
 * duplicate, ACKed, not executed again. */
static void
test_psn_window(void)
{
    uint8_t payload[4096];
    struct roce_pkt pkt;
    struct victim v;

    victim_init(&v, 2);
    write_pkt(&v, &pkt, (uintptr_t) v.hi.mr_start, roce_mr_rkey(v.hi_mr),
              64, payload);
    pkt.psn = roce_psn_add(v.epsn, 1000);
    send_pkt(&v, &pkt);
    send_pkt(&v, &pkt);
    pkt.psn = roce_psn_add(v.epsn, 0x7fffff);   /* Far edge of "ahead". */
    send_pkt(&v, &pkt);
    CHECK_EQ(v.n_naks, 1);
    CHECK_EQ(v.last_nak, roce_syndrome_make(ROCE_AETH_NAK,
                                            ROCE_NAK_PSN_SEQ_ERROR));
    CHECK_EQ(vctr(&v, ROCE_CTR_RX_DROP_PSN), 3);
    CHECK(guarded_intact(&v.hi));

    /* Behind the window: a duplicate; re-ACKed, memory untouched. */
    pkt.psn = roce_psn_add(v.epsn, ROCE_PSN_MASK - 5);
    send_pkt(&v, &pkt);
    CHECK_EQ(vctr(&v, ROCE_CTR_RX_DUP_REQUEST), 1);
    CHECK_EQ(vctr(&v, ROCE_CTR_TX_ACK), 1);
    CHECK(guarded_intact(&v.hi));
    CHECK_EQ(qp_state(v.pr.qp[1]), ROCE_QPS_RTS);

    /* A duplicate READ that matches no read resource is dropped. */
    pkt_init(&v, &pkt, ROCE_OP_RC_READ_REQUEST);
    pkt.psn = roce_psn_add(v.epsn, ROCE_PSN_MASK);
    pkt.va = (uintptr_t) v.hi.mr_start;
    pkt.rkey = roce_mr_rkey(v.hi_mr);
    pkt.dma_len = 10;
    send_pkt(&v, &pkt);
    CHECK_EQ(v.n_read_resp, 0);

    /* The expected PSN clears the NAK state and executes. */
    write_pkt(&v, &pkt, (uintptr_t) v.hi.mr_start, roce_mr_rkey(v.hi_mr),
              64, payload);
    send_pkt(&v, &pkt);
    CHECK_EQ(v.hi.mr_start[63], 0x77);
    memset(v.hi.mr_start, FILL, 64);
    victim_destroy(&v);
}

/* Fatal memory-access attempts: each gets the right NAK, the victim QP
 * goes to ERR, and no byte moves. */
enum attack {
    A_FOREIGN_PD, A_OOB_END, A_OOB_START, A_VA_WRAP, A_BAD_KEY, A_STALE_KEY,
    A_WRITE_READONLY, A_READ_WRITEONLY, A_READ_OOB, A_ATOMIC_OOB,
    A_ATOMIC_UNALIGNED, A_OVER_MTU, A_DMA_LEN_SHORT, A_FIRST_TOO_SHORT,
    A_MIDDLE_FIRST, A_SEND_TOO_BIG, A_N
};

static void
test_fatal_attack(enum attack a)
{
    uint8_t payload[8192];
    struct roce_pkt pkt;
    struct roce_wc wc;
    struct victim v;
    int want_nak = ROCE_NAK_REMOTE_ACCESS_ERROR;
    uintptr_t hi;

    victim_init(&v, 100 + a);
    hi = (uintptr_t) v.hi.mr_start;
    switch (a) {
    case A_FOREIGN_PD:
        write_pkt(&v, &pkt, (uintptr_t) v.foreign.mr_start,
                  roce_mr_rkey(v.foreign_mr), 16, payload);
        break;
    case A_OOB_END:
        write_pkt(&v, &pkt, hi + v.hi.mr_len - 10, roce_mr_rkey(v.hi_mr), 11,
                  payload);
        break;
    case A_OOB_START:
        write_pkt(&v, &pkt, hi - 1, roce_mr_rkey(v.hi_mr), 8, payload);
        break;
    case A_VA_WRAP:
        /* VA + length wraps around 2^64 into the region. */
        write_pkt(&v, &pkt, UINT64_MAX - 3, roce_mr_rkey(v.hi_mr), 16,
                  payload);
        break;
    case A_BAD_KEY:
        write_pkt(&v, &pkt, hi, roce_mr_rkey(v.hi_mr) ^ 0x100, 16, payload);
        break;
    case A_STALE_KEY: {
        uint32_t key = roce_mr_rkey(v.foreign_mr);

        roce_dereg_mr(v.foreign_mr);
        write_pkt(&v, &pkt, (uintptr_t) v.foreign.mr_start, key, 16, payload);
        break;
    }
    case A_WRITE_READONLY:
        write_pkt(&v, &pkt, (uintptr_t) v.lo.mr_start, roce_mr_rkey(v.lo_mr),
                  16, payload);
        break;
    case A_READ_WRITEONLY:
        pkt_init(&v, &pkt, ROCE_OP_RC_READ_REQUEST);
        pkt.va = hi;
        pkt.rkey = roce_mr_rkey(v.ro_mr);
        pkt.dma_len = 100;
        break;
    case A_READ_OOB:
        pkt_init(&v, &pkt, ROCE_OP_RC_READ_REQUEST);
        pkt.va = (uintptr_t) v.lo.mr_start;
        pkt.rkey = roce_mr_rkey(v.lo_mr);
        pkt.dma_len = (uint32_t) v.lo.mr_len + 1;
        break;
    case A_ATOMIC_OOB:
        pkt_init(&v, &pkt, ROCE_OP_RC_FETCH_ADD);
        pkt.va = hi + v.hi.mr_len;     /* Aligned, just past the end. */
        pkt.rkey = roce_mr_rkey(v.hi_mr);
        pkt.swap_add = 1;
        break;
    case A_ATOMIC_UNALIGNED:
        pkt_init(&v, &pkt, ROCE_OP_RC_FETCH_ADD);
        pkt.va = hi + 3;
        pkt.rkey = roce_mr_rkey(v.hi_mr);
        want_nak = ROCE_NAK_INVALID_REQUEST;
        break;
    case A_OVER_MTU:
        write_pkt(&v, &pkt, hi, roce_mr_rkey(v.hi_mr), 2000, payload);
        want_nak = ROCE_NAK_INVALID_REQUEST;
        break;
    case A_DMA_LEN_SHORT:
        /* RETH says 10 bytes, the packet carries 500. */
        write_pkt(&v, &pkt, hi + v.hi.mr_len - 10, roce_mr_rkey(v.hi_mr),
                  500, payload);
        pkt.dma_len = 10;
        want_nak = ROCE_NAK_INVALID_REQUEST;
        break;
    case A_FIRST_TOO_SHORT:
        /* WRITE_FIRST must carry exactly one MTU. */
        write_pkt(&v, &pkt, hi, roce_mr_rkey(v.hi_mr), 100, payload);
        pkt.opcode = ROCE_OP_RC_WRITE_FIRST;
        pkt.dma_len = 4000;
        want_nak = ROCE_NAK_INVALID_REQUEST;
        break;
    case A_MIDDLE_FIRST:
        /* A MIDDLE with no message in progress. */
        pkt_init(&v, &pkt, ROCE_OP_RC_WRITE_MIDDLE);
        pkt.payload = payload;
        pkt.payload_len = 1024;
        want_nak = ROCE_NAK_INVALID_REQUEST;
        break;
    case A_SEND_TOO_BIG: {
        /* A 2-packet SEND into a 1500-byte receive buffer that ends at the
         * guard page. */
        struct roce_sge sge = {
            (uintptr_t) v.hi.mr_start + v.hi.mr_len - 1500, 1500,
            roce_mr_lkey(v.hi_mr)
        };
        struct roce_recv_wr rwr = { 77, NULL, &sge, 1 }, *bad;

        CHECK_EQ(roce_post_recv(v.pr.qp[1], &rwr, &bad), 0);
        memset(payload, 0x77, sizeof payload);
        pkt_init(&v, &pkt, ROCE_OP_RC_SEND_FIRST);
        pkt.payload = payload;
        pkt.payload_len = 1024;
        send_pkt(&v, &pkt);
        pkt_init(&v, &pkt, ROCE_OP_RC_SEND_LAST);
        pkt.psn = roce_psn_add(v.epsn, 1);
        pkt.payload = payload;
        pkt.payload_len = 1000;
        want_nak = ROCE_NAK_INVALID_REQUEST;
        break;
    }
    case A_N:
    default:
        abort();
    }
    send_pkt(&v, &pkt);
    CHECK_EQ(v.n_naks, 1);
    CHECK_EQ(v.last_nak, roce_syndrome_make(ROCE_AETH_NAK, want_nak));
    CHECK_EQ(v.n_read_resp, 0);
    CHECK_EQ(qp_state(v.pr.qp[1]), ROCE_QPS_ERR);
    if (a == A_SEND_TOO_BIG) {
        /* The first 1024 bytes were legitimately placed; nothing else. */
        CHECK_EQ(roce_poll_cq(v.pr.rcq[1], 1, &wc), 1);
        CHECK_EQ(wc.wr_id, 77);
        CHECK_EQ(wc.status, ROCE_WC_LOC_LEN_ERR);
        memset(v.hi.mr_start + v.hi.mr_len - 1500, FILL, 1024);
    }
    /* Later requests are not executed. */
    write_pkt(&v, &pkt, hi, roce_mr_rkey(v.hi_mr), 8, payload);
    pkt.psn = roce_psn_add(v.epsn, 2);
    send_pkt(&v, &pkt);
    CHECK(vctr(&v, ROCE_CTR_RX_DROP_QP_STATE) >= 1);
    if (a == A_STALE_KEY) {
        v.foreign_mr = NULL;
    }
    victim_destroy(&v);
}

/* Random mutations of valid request headers, re-sealed with a valid ICRC
 * so that they reach the transport: never a crash, never a stray byte. */
static void
test_mutations(void)
{
    static const uint8_t ops[] = {
        ROCE_OP_RC_WRITE_ONLY, ROCE_OP_RC_WRITE_FIRST, ROCE_OP_RC_SEND_ONLY,
        ROCE_OP_RC_READ_REQUEST, ROCE_OP_RC_FETCH_ADD,
        ROCE_OP_RC_COMPARE_SWAP, ROCE_OP_RC_WRITE_ONLY_IMM,
        ROCE_OP_RC_ACKNOWLEDGE, ROCE_OP_RC_READ_RESPONSE_ONLY,
    };
    uint8_t payload[4096], buf[BUF_LEN];
    uint64_t rng = 12345;
    uint64_t naks = 0, acks = 0, reached = 0, sent = 0;
    int round, i;

    for (round = 0; round < 300; round++) {
        struct victim v;
        struct roce_sge sge;
        struct roce_recv_wr rwr, *bad;

        victim_init(&v, 1000 + round);
        sge.addr = (uintptr_t) v.hi.mr_start;
        sge.length = 2000;
        sge.lkey = roce_mr_lkey(v.hi_mr);
        rwr.wr_id = 1;
        rwr.next = NULL;
        rwr.sg_list = &sge;
        rwr.num_sge = 1;
        for (i = 0; i < 4; i++) {
            roce_post_recv(v.pr.qp[1], &rwr, &bad);
        }
        for (i = 0; i < 25; i++) {
            struct roce_pkt pkt;
            size_t n, bth, k, nmut;
            uint32_t len = (uint32_t) link_rand_n(&rng, 1100);

            pkt_init(&v, &pkt, ops[link_rand_n(&rng, ARRAY_N(ops))]);
            pkt.psn = roce_psn_add(v.epsn, (uint32_t) link_rand_n(&rng, 3));
            pkt.va = (uintptr_t) v.hi.mr_start + link_rand_n(&rng, 6000)
                     - 500;
            pkt.rkey = link_rand_n(&rng, 2) ? roce_mr_rkey(v.hi_mr)
                                            : (uint32_t) link_rand(&rng);
            pkt.dma_len = len;
            if (roce_opcode_info(pkt.opcode)->flags & ROCE_OPF_PAYLOAD) {
                memset(payload, 0x77, len);
                pkt.payload = payload;
                pkt.payload_len = len;
            }
            n = craft(&v, &pkt, buf);
            bth = roce_encap_hdr_len(&v.a2b);
            nmut = 1 + link_rand_n(&rng, 4);
            for (k = 0; k < nmut; k++) {
                size_t at = bth + link_rand_n(&rng, 44);

                if (at < n - 4) {
                    buf[at] = (uint8_t) link_rand(&rng);
                }
            }
            roce_icrc_fill(buf + v.a2b.inner_l3_ofs,
                           n - 4 - v.a2b.inner_l3_ofs);
            roce_engine_receive(v.l.eng[1], buf, n);
            link_run(&v.l, UINT64_MAX);
        }
        naks += v.n_naks;
        acks += vctr(&v, ROCE_CTR_TX_ACK);
        sent += 25;
        reached += 25 - vctr(&v, ROCE_CTR_RX_DROP_PARSE)
                   - vctr(&v, ROCE_CTR_RX_DROP_ICRC)
                   - vctr(&v, ROCE_CTR_RX_DROP_NO_QP)
                   - vctr(&v, ROCE_CTR_RX_DROP_PKEY)
                   - vctr(&v, ROCE_CTR_RX_DROP_OPCODE);
        /* Only the writable region of the victim's PD may have changed;
         * restore it and check every canary and the other regions. */
        memset(v.hi.mr_start, FILL, v.hi.mr_len);
        victim_destroy(&v);
    }
    printf("mutations: %" PRIu64 " frames, %" PRIu64 " reached a QP, %"
           PRIu64 " NAKs, %" PRIu64 " ACKs\n", sent, reached, naks, acks);
    /* The mutations must exercise the transport, not just the parser. */
    CHECK(reached > sent / 4);
    CHECK(naks > 0);
    CHECK(acks > 0);
}

int
main(void)
{
    int a;

    page = (size_t) sysconf(_SC_PAGESIZE);
    test_dropped();
    test_psn_window();
    for (a = 0; a < A_N; a++) {
        test_fatal_attack((enum attack) a);
    }
    test_mutations();
    return roce_test_exit();
}
