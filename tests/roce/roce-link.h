/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#ifndef ROCE_LINK_H
#define ROCE_LINK_H 1

/* Header-only test fixture: two RoCE engines joined by an in-memory link
 * in virtual time, with injectable loss, reordering, duplication and
 * corruption driven by a seeded PRNG (print the seed; rerun with it).
 *
 * Also builds the VXLAN encapsulation templates and receive tuples of two
 * hosts, and connects RC QP pairs, so that every test exercises the full
 * frame path (template, ICRC, parser, tuple validation). */

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "roce/encap.h"
#include "roce/engine.h"
#include "roce/hdr.h"
#include "roce/verbs.h"

#define ARRAY_N(A) (sizeof (A) / sizeof (A)[0])

/* ---- PRNG (xorshift64*) ---- */

static inline uint64_t
link_rand(uint64_t *s)
{
    uint64_t x = *s;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

/* Uniform in [0, n). */
static inline uint64_t
link_rand_n(uint64_t *s, uint64_t n)
{
    return n ? link_rand(s) % n : 0;
}

/* True with probability 'p'. */
static inline bool
link_chance(uint64_t *s, double p)
{
    return p > 0 && (double) (link_rand(s) >> 11) / (double) (1ull << 53) < p;
}

/* ---- Link ---- */

struct link_frame {
    uint64_t at;                /* Delivery time. */
    uint64_t seq;               /* Tie-breaker: FIFO at equal times. */
    size_t len;
    uint8_t *data;
};

struct link_dir {
    struct link_frame *q;       /* Binary min-heap on (at, seq). */
    size_t n, cap;
    uint64_t sent, lost, duplicated, reordered, corrupted, delivered;
};

struct link_end {
    struct roce_link *link;
    int side;
};

struct roce_link {
    struct roce_engine *eng[2];
    struct link_end ends[2];
    struct link_dir dir[2];     /* dir[i]: frames sent by side i. */
    uint64_t now;
    uint64_t seq;
    uint64_t rng;
    uint64_t latency_ns;        /* One-way delay. */
    double loss, dup, reorder, corrupt;
    /* Optional tap: sees every frame a side transmits (before loss). */
    void (*tap)(void *aux, int side, const uint8_t *frame, size_t len);
    void *tap_aux;
};

static inline bool
link_frame_lt(const struct link_frame *a, const struct link_frame *b)
{
    return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static inline void
link_push(struct link_dir *d, struct link_frame f)
{
    size_t i;

    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 256;
        d->q = realloc(d->q, d->cap * sizeof *d->q);
        if (!d->q) {
            abort();
        }
    }
    i = d->n++;
    while (i && link_frame_lt(&f, &d->q[(i - 1) / 2])) {
        d->q[i] = d->q[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    d->q[i] = f;
}

static inline struct link_frame
link_pop(struct link_dir *d)
{
    struct link_frame top = d->q[0];
    struct link_frame last = d->q[--d->n];
    size_t i = 0;

    for (;;) {
        size_t c = 2 * i + 1;

        if (c >= d->n) {
            break;
        }
        if (c + 1 < d->n && link_frame_lt(&d->q[c + 1], &d->q[c])) {
            c++;
        }
        if (!link_frame_lt(&d->q[c], &last)) {
            break;
        }
        d->q[i] = d->q[c];
        i = c;
    }
    if (d->n) {
        d->q[i] = last;
    }
    return top;
}

static inline void
link_enqueue(struct roce_link *l, int side, const uint8_t *frame, size_t len,
             uint64_t extra)
{
    struct link_frame f;

    f.at = l->now + l->latency_ns + extra;
    f.seq = l->seq++;
    f.len = len;
    f.data = malloc(len ? len : 1);
    if (!f.data) {
        abort();
    }
    memcpy(f.data, frame, len);
    if (link_chance(&l->rng, l->corrupt) && len) {
        f.data[link_rand_n(&l->rng, len)] ^= 1u << link_rand_n(&l->rng, 8);
        l->dir[side].corrupted++;
    }
    link_push(&l->dir[side], f);
}

/* A transmit callback for engines that are not on a link. */
static inline void
link_no_tx(void *aux, const uint8_t *frame, size_t len)
{
    (void) aux;
    (void) frame;
    (void) len;
}

/* The engines' transmit callback. */
static inline void
link_tx(void *aux, const uint8_t *frame, size_t len)
{
    struct link_end *end = aux;
    struct roce_link *l = end->link;
    struct link_dir *d = &l->dir[end->side];

    d->sent++;
    if (l->tap) {
        l->tap(l->tap_aux, end->side, frame, len);
    }
    if (link_chance(&l->rng, l->loss)) {
        d->lost++;
        return;
    }
    if (link_chance(&l->rng, l->reorder)) {
        d->reordered++;
        link_enqueue(l, end->side, frame, len,
                     1 + link_rand_n(&l->rng, 4 * l->latency_ns + 1));
    } else {
        link_enqueue(l, end->side, frame, len, 0);
    }
    if (link_chance(&l->rng, l->dup)) {
        d->duplicated++;
        link_enqueue(l, end->side, frame, len,
                     link_rand_n(&l->rng, 2 * l->latency_ns + 1));
    }
}

/* Creates both engines.  'seed' 0 picks one from the time; it is
 * printed either way. */
static inline void
link_init(struct roce_link *l, uint64_t seed,
          const struct roce_engine_config *base)
{
    int i;

    memset(l, 0, sizeof *l);
    if (!seed) {
        seed = (uint64_t) time(NULL) * 2654435761u ^ (uint64_t) clock();
    }
    printf("link seed: %" PRIu64 "\n", seed);
    l->rng = seed | 1;
    l->latency_ns = 2000;
    l->now = 1000000;
    for (i = 0; i < 2; i++) {
        struct roce_engine_config cfg;

        if (base) {
            cfg = *base;
        } else {
            roce_engine_config_init(&cfg);
        }
        l->ends[i].link = l;
        l->ends[i].side = i;
        cfg.tx = link_tx;
        cfg.tx_aux = &l->ends[i];
        l->eng[i] = roce_engine_create(&cfg);
        if (!l->eng[i]) {
            abort();
        }
        roce_engine_run(l->eng[i], l->now);
    }
}

static inline void
link_drop_all(struct roce_link *l)
{
    int i;

    for (i = 0; i < 2; i++) {
        while (l->dir[i].n) {
            free(link_pop(&l->dir[i]).data);
        }
    }
}

static inline void
link_destroy(struct roce_link *l)
{
    int i;

    link_drop_all(l);
    for (i = 0; i < 2; i++) {
        free(l->dir[i].q);
        roce_engine_destroy(l->eng[i]);
    }
}

/* Advances virtual time to the next event (frame delivery or engine
 * timer) and processes everything due then.  Returns false when nothing
 * is left to do, or the next event is past 'limit'. */
static inline bool
link_step(struct roce_link *l, uint64_t limit)
{
    uint64_t next = UINT64_MAX;
    int i;

    for (i = 0; i < 2; i++) {
        uint64_t d = roce_engine_next_deadline(l->eng[i]);

        if (d < next) {
            next = d;
        }
        if (l->dir[i].n && l->dir[i].q[0].at < next) {
            next = l->dir[i].q[0].at;
        }
    }
    if (next == UINT64_MAX || next > limit) {
        return false;
    }
    if (next > l->now) {
        l->now = next;
    }
    for (i = 0; i < 2; i++) {
        roce_engine_run(l->eng[i], l->now);
    }
    for (i = 0; i < 2; i++) {
        while (l->dir[i].n && l->dir[i].q[0].at <= l->now) {
            struct link_frame f = link_pop(&l->dir[i]);

            l->dir[i].delivered++;
            roce_engine_receive(l->eng[1 - i], f.data, f.len);
            free(f.data);
        }
    }
    return true;
}

/* Runs until idle or until virtual time passes 'limit'. */
static inline void
link_run(struct roce_link *l, uint64_t limit)
{
    while (link_step(l, limit)) {
        continue;
    }
}

/* ---- Addressing of the two simulated hosts ---- */

/* Host i: VTEP 192.168.0.(i+1), DCN 10.0.0.(i+1); VXLAN with VNI
 * 'vni_base + i' for frames sent by host i (OVN style: per-direction
 * VNIs). */
static inline void
link_host_addrs(int i, struct in6_addr *vtep, struct in6_addr *dcn)
{
    uint8_t v[4] = { 192, 168, 0, (uint8_t) (i + 1) };
    uint8_t d[4] = { 10, 0, 0, (uint8_t) (i + 1) };
    uint32_t v32, d32;

    memcpy(&v32, v, 4);
    memcpy(&d32, d, 4);
    *vtep = roce_addr_from_v4(v32);
    *dcn = roce_addr_from_v4(d32);
}

/* Builds the template for frames from host 'from' to host 1 - from and
 * the receive tuple host 1 - from expects for them.  'overlay' false:
 * plain RoCEv2.  'outer_dst', if nonnull, replaces the outer destination
 * IP. */
static inline void
link_make_path_to(int from, bool overlay, uint32_t vni_base, uint32_t lqpn,
                  uint32_t rqpn, struct roce_encap *encap,
                  struct roce_rx_tuple *peer_rx,
                  const struct in6_addr *outer_dst)
{
    struct roce_encap_params p;
    struct in6_addr vtep[2], dcn[2];
    uint8_t prefix[ROCE_ENCAP_MAX_HDR_LEN];
    int to = 1 - from;

    link_host_addrs(0, &vtep[0], &dcn[0]);
    link_host_addrs(1, &vtep[1], &dcn[1]);
    roce_encap_params_init(&p);
    if (overlay) {
        struct roce_tnl_params t;
        size_t n;

        memset(&t, 0, sizeof t);
        t.type = ROCE_TNL_VXLAN;
        memcpy(t.eth_src, "\x02\x00\x00\x00\x00\x01", 6);
        memcpy(t.eth_dst, "\x02\x00\x00\x00\x00\x02", 6);
        t.eth_src[5] = (uint8_t) (from + 1);
        t.eth_dst[5] = (uint8_t) (to + 1);
        t.ip_src = vtep[from];
        t.ip_dst = outer_dst ? *outer_dst : vtep[to];
        t.vni = vni_base + from;
        n = roce_tnl_build(&t, prefix, sizeof prefix);
        if (!n) {
            abort();
        }
        p.tnl.header = prefix;
        p.tnl.header_len = n;
        p.tnl.type = ROCE_TNL_VXLAN;
        p.outer_dscp = 26;
    }
    memcpy(p.eth_src, "\x0a\x00\x00\x00\x00\x01", 6);
    memcpy(p.eth_dst, "\x0a\x00\x00\x00\x00\x02", 6);
    p.eth_src[5] = (uint8_t) (from + 1);
    p.eth_dst[5] = (uint8_t) (to + 1);
    p.ip_src = dcn[from];
    p.ip_dst = dcn[to];
    p.udp_sport = roce_udp_sport(lqpn, rqpn);
    if (roce_encap_init(encap, &p) != ROCE_ENCAP_OK) {
        abort();
    }
    if (peer_rx) {
        memset(peer_rx, 0, sizeof *peer_rx);
        peer_rx->bound = true;
        peer_rx->tunnel = overlay;
        peer_rx->vni = vni_base + from;
        peer_rx->remote_vtep = vtep[from];
        peer_rx->local_vtep = vtep[to];
        peer_rx->inner_src = dcn[from];
        peer_rx->inner_dst = dcn[to];
    }
}

static inline void
link_make_path(int from, bool overlay, uint32_t vni_base, uint32_t lqpn,
               uint32_t rqpn, struct roce_encap *encap,
               struct roce_rx_tuple *peer_rx)
{
    link_make_path_to(from, overlay, vni_base, lqpn, rqpn, encap, peer_rx,
                      NULL);
}

/* ---- RC QP pairs ---- */

struct link_rc_params {
    enum roce_mtu mtu;
    uint32_t psn[2];            /* Initial send PSN of each side. */
    uint8_t timeout;
    uint8_t retry_cnt;
    uint8_t rnr_retry;
    uint8_t min_rnr_timer;
    uint8_t max_rd_atomic;
    bool overlay;
    uint32_t vni_base;
};

static inline void
link_rc_params_init(struct link_rc_params *p)
{
    memset(p, 0, sizeof *p);
    p->mtu = ROCE_MTU_1024;
    p->timeout = 10;            /* ~4.2 ms. */
    p->retry_cnt = 7;
    p->rnr_retry = 7;
    p->min_rnr_timer = 1;       /* 10 us. */
    p->max_rd_atomic = 4;
    p->overlay = true;
    p->vni_base = 5000;
}

/* Brings two RC QPs (qp[0] on side 0, qp[1] on side 1) to RTS connected
 * to each other.  Returns 0 or the first error. */
static inline int
link_connect_rc(struct roce_link *l, struct roce_qp *qp[2],
                const struct link_rc_params *p)
{
    struct roce_encap encap[2];
    struct roce_rx_tuple rx[2];
    int i, err;

    link_make_path(0, p->overlay, p->vni_base, roce_qp_num(qp[0]),
                   roce_qp_num(qp[1]), &encap[0], &rx[1]);
    link_make_path(1, p->overlay, p->vni_base, roce_qp_num(qp[1]),
                   roce_qp_num(qp[0]), &encap[1], &rx[0]);
    for (i = 0; i < 2; i++) {
        struct roce_qp_attr a;

        memset(&a, 0, sizeof a);
        a.qp_state = ROCE_QPS_INIT;
        a.qp_access_flags = ROCE_ACCESS_REMOTE_WRITE | ROCE_ACCESS_REMOTE_READ
                            | ROCE_ACCESS_REMOTE_ATOMIC;
        err = roce_modify_qp(qp[i], &a, ROCE_QP_STATE | ROCE_QP_ACCESS_FLAGS
                                        | ROCE_QP_PKEY_INDEX | ROCE_QP_PORT);
        if (err) {
            return err;
        }
        a.qp_state = ROCE_QPS_RTR;
        a.path_mtu = p->mtu;
        a.dest_qp_num = roce_qp_num(qp[1 - i]);
        a.rq_psn = p->psn[1 - i];
        a.max_dest_rd_atomic = p->max_rd_atomic;
        a.min_rnr_timer = p->min_rnr_timer;
        a.encap = &encap[i];
        a.rx_tuple = rx[i];
        err = roce_modify_qp(qp[i], &a, ROCE_QP_STATE | ROCE_QP_AV
                             | ROCE_QP_PATH_MTU | ROCE_QP_DEST_QPN
                             | ROCE_QP_RQ_PSN | ROCE_QP_MAX_DEST_RD_ATOMIC
                             | ROCE_QP_MIN_RNR_TIMER | ROCE_QP_RX_TUPLE);
        if (err) {
            return err;
        }
        a.qp_state = ROCE_QPS_RTS;
        a.sq_psn = p->psn[i];
        a.timeout = p->timeout;
        a.retry_cnt = p->retry_cnt;
        a.rnr_retry = p->rnr_retry;
        a.max_rd_atomic = p->max_rd_atomic;
        err = roce_modify_qp(qp[i], &a, ROCE_QP_STATE | ROCE_QP_SQ_PSN
                             | ROCE_QP_TIMEOUT | ROCE_QP_RETRY_CNT
                             | ROCE_QP_RNR_RETRY | ROCE_QP_MAX_QP_RD_ATOMIC);
        if (err) {
            return err;
        }
    }
    return 0;
}

/* Both sides of a connected RC QP pair, each with its own PD, send CQ
 * and receive CQ. */
struct link_pair {
    struct roce_pd *pd[2];
    struct roce_cq *scq[2];
    struct roce_cq *rcq[2];
    struct roce_qp *qp[2];
};

static inline int
link_pair_create(struct roce_link *l, struct link_pair *pr,
                 const struct link_rc_params *p, uint32_t max_wr)
{
    int i;

    memset(pr, 0, sizeof *pr);
    for (i = 0; i < 2; i++) {
        struct roce_qp_init_attr ia;

        pr->pd[i] = roce_alloc_pd(l->eng[i]);
        pr->scq[i] = roce_create_cq(l->eng[i], 4 * max_wr, NULL);
        pr->rcq[i] = roce_create_cq(l->eng[i], 4 * max_wr, NULL);
        if (!pr->pd[i] || !pr->scq[i] || !pr->rcq[i]) {
            return -1;
        }
        memset(&ia, 0, sizeof ia);
        ia.send_cq = pr->scq[i];
        ia.recv_cq = pr->rcq[i];
        ia.qp_type = ROCE_QPT_RC;
        ia.cap.max_send_wr = max_wr;
        ia.cap.max_recv_wr = max_wr;
        ia.cap.max_send_sge = 4;
        ia.cap.max_recv_sge = 4;
        ia.cap.max_inline_data = 256;
        pr->qp[i] = roce_create_qp(pr->pd[i], &ia);
        if (!pr->qp[i]) {
            return -1;
        }
    }
    return link_connect_rc(l, pr->qp, p);
}

static inline uint64_t
link_ctr(const struct roce_link *l, int side, enum roce_counter c)
{
    return roce_engine_stats(l->eng[side])->c[c];
}

/* QP state as an int (CHECK_EQ-friendly). */
static inline int
qp_state(const struct roce_qp *qp)
{
    return roce_qp_get_state(qp);
}

/* Prints every nonzero engine counter of both sides. */
static inline void
link_dump_stats(const struct roce_link *l)
{
    int i, c;

    for (i = 0; i < 2; i++) {
        printf("side %d: sent %" PRIu64 " lost %" PRIu64 " dup %" PRIu64
               " reordered %" PRIu64 " corrupted %" PRIu64 "\n", i,
               l->dir[i].sent, l->dir[i].lost, l->dir[i].duplicated,
               l->dir[i].reordered, l->dir[i].corrupted);
        for (c = 0; c < ROCE_CTR_N; c++) {
            uint64_t v = roce_engine_stats(l->eng[i])->c[c];

            if (v) {
                printf("  %-32s %" PRIu64 "\n",
                       roce_counter_name((enum roce_counter) c), v);
            }
        }
    }
}

#endif /* roce-link.h */
