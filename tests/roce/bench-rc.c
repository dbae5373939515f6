/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* RC throughput of two engines, one thread each, exchanging complete
 * VXLAN-encapsulated RoCEv2 frames (ICRC computed on transmit and
 * verified on receive) through two lock-free single-producer /
 * single-consumer rings.  RDMA WRITE and RDMA READ of 64 KiB messages at
 * a 4096-byte path MTU; the median of several runs is printed as
 * "name: value unit" lines.
 *
 * Frames are built by the engine directly in the ring slots (the
 * engine's zero-copy 'tx_buf' hook); pass "copy" to measure the copying
 * transmit path instead.
 *
 * Usage: bench-rc [RUNS [SECONDS [copy]]] (defaults 5 and 1). */

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "roce/icrc.h"
#include "roce-link.h"

#define MSG_LEN (64 * 1024)
#define DEPTH 8                /* Messages outstanding. */
#define RING_SLOTS 256
#define SLOT_LEN 4608
#define BATCH 64

struct slot {
    uint32_t len;
    uint8_t data[SLOT_LEN];
};

/* SPSC ring: the producer owns 'tail', the consumer owns 'head'. */
struct ring {
    _Alignas(64) _Atomic uint32_t head;
    _Alignas(64) _Atomic uint32_t tail;
    _Alignas(64) struct slot *slots;
    _Atomic uint64_t full_waits;
};

static void
ring_init(struct ring *r)
{
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    atomic_init(&r->full_waits, 0);
    r->slots = aligned_alloc(64, sizeof *r->slots * RING_SLOTS);
    if (!r->slots) {
        abort();
    }
}

struct side {
    struct roce_engine *e;
    struct ring *in;
    struct ring *out;
    _Atomic bool *stop;
    struct roce_qp *qp;
    struct roce_cq *cq;
    bool requester;
    enum roce_wr_opcode op;
    struct roce_mr *lmr;
    uint8_t *lbuf;
    uint64_t raddr;
    uint32_t rkey;
    _Atomic uint64_t done_bytes;
    _Atomic uint64_t errors;
    /* Owned by the side's thread. */
    int outstanding;
    uint64_t done;
};

static uint64_t
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Zero-copy transmit: the engine builds the frame right in the next free
 * slot, if there is one. */
static uint8_t *
ring_tx_buf(void *aux, size_t size)
{
    struct side *s = aux;
    struct ring *r = s->out;
    uint32_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);

    if (size > SLOT_LEN
        || t - atomic_load_explicit(&r->head, memory_order_acquire)
           >= RING_SLOTS) {
        return NULL;
    }
    return r->slots[t % RING_SLOTS].data;
}

/* Transmit callback: commit the slot the frame was built in, or copy into
 * the ring, waiting while it is full (the window keeps the rings from
 * filling up both ways at once). */
static void
ring_tx(void *aux, const uint8_t *frame, size_t len)
{
    struct side *s = aux;
    struct ring *r = s->out;
    uint32_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    struct slot *slot = &r->slots[t % RING_SLOTS];

    if (len > SLOT_LEN) {
        abort();
    }
    if (frame != slot->data) {
        while (t - atomic_load_explicit(&r->head, memory_order_acquire)
               >= RING_SLOTS) {
            atomic_fetch_add_explicit(&r->full_waits, 1,
                                      memory_order_relaxed);
            if (atomic_load_explicit(s->stop, memory_order_relaxed)) {
                return;         /* Shutting down: drop. */
            }
            sched_yield();
        }
        memcpy(slot->data, frame, len);
    }
    slot->len = (uint32_t) len;
    atomic_store_explicit(&r->tail, t + 1, memory_order_release);
}

/* Feeds up to BATCH received frames to the engine, in place. */
static int
ring_drain(struct side *s)
{
    struct ring *r = s->in;
    uint32_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint32_t t = atomic_load_explicit(&r->tail, memory_order_acquire);
    int n = 0;

    while (h != t && n < BATCH) {
        struct slot *slot = &r->slots[h % RING_SLOTS];

        roce_engine_receive(s->e, slot->data, slot->len);
        h++;
        n++;
        atomic_store_explicit(&r->head, h, memory_order_release);
    }
    return n;
}

static void
post_one(struct side *s)
{
    struct roce_sge sge = { (uintptr_t) s->lbuf, MSG_LEN,
                            roce_mr_lkey(s->lmr) };
    struct roce_send_wr wr, *bad;

    memset(&wr, 0, sizeof wr);
    wr.opcode = s->op;
    wr.send_flags = ROCE_SEND_SIGNALED;
    wr.sg_list = &sge;
    wr.num_sge = 1;
    wr.wr.rdma.remote_addr = s->raddr;
    wr.wr.rdma.rkey = s->rkey;
    if (roce_post_send(s->qp, &wr, &bad)) {
        atomic_fetch_add(&s->errors, 1);
    }
}

/* One iteration of a side's loop; returns the frames it received. */
static int
side_step(struct side *s)
{
    int n = ring_drain(s);

    /* Timers, and READ responses beyond one burst. */
    if (roce_engine_next_deadline(s->e) != UINT64_MAX) {
        roce_engine_run(s->e, now_ns());
    }
    if (s->requester) {
        struct roce_wc wc[BATCH];
        int i, c = roce_poll_cq(s->cq, BATCH, wc);

        for (i = 0; i < c; i++) {
            if (wc[i].status != ROCE_WC_SUCCESS) {
                atomic_fetch_add(&s->errors, 1);
            }
            s->done += wc[i].byte_len;
        }
        if (c > 0) {
            s->outstanding -= c;
            atomic_store_explicit(&s->done_bytes, s->done,
                                  memory_order_relaxed);
        } else if (c < 0) {
            atomic_fetch_add(&s->errors, 1);
        }
        while (s->outstanding < DEPTH) {
            post_one(s);
            s->outstanding++;
        }
    }
    return n;
}

/* One thread per side. */
static void *
side_main(void *aux)
{
    struct side *s = aux;

    while (!atomic_load_explicit(s->stop, memory_order_relaxed)) {
        if (!side_step(s)) {
            sched_yield();
        }
    }
    return NULL;
}

/* Both sides in one thread: the engines' CPU cost without cross-core
 * traffic or scheduling noise. */
static void *
pair_main(void *aux)
{
    struct side *s = aux;

    while (!atomic_load_explicit(s[0].stop, memory_order_relaxed)) {
        side_step(&s[0]);
        side_step(&s[1]);
    }
    return NULL;
}

/* One run: fresh engines and QPs, 'secs' of traffic after a short warm
 * up.  Returns the goodput in bits per second. */
static bool zero_copy = true;

static double
run_once(enum roce_wr_opcode op, int threads, double secs, uint64_t *errors,
         uint64_t *waits)
{
    static struct ring rings[2];
    static bool rings_ready;
    _Atomic bool stop;
    struct side sides[2];
    struct link_rc_params p;
    struct roce_qp *qps[2];
    struct roce_pd *pd[2];
    uint8_t *bufs[2];
    struct roce_mr *mrs[2];
    pthread_t th[2];
    uint64_t b0, b1, t0, t1;
    int i;

    if (!rings_ready) {
        ring_init(&rings[0]);
        ring_init(&rings[1]);
        rings_ready = true;
    }
    for (i = 0; i < 2; i++) {
        atomic_store(&rings[i].head, 0);
        atomic_store(&rings[i].tail, 0);
        atomic_store(&rings[i].full_waits, 0);
    }
    atomic_init(&stop, false);
    memset(sides, 0, sizeof sides);
    for (i = 0; i < 2; i++) {
        struct roce_engine_config cfg;
        struct roce_qp_init_attr ia;

        roce_engine_config_init(&cfg);
        cfg.tx = ring_tx;
        cfg.tx_buf = zero_copy ? ring_tx_buf : NULL;
        cfg.tx_aux = &sides[i];
        cfg.verify_icrc = true;
        sides[i].e = roce_engine_create(&cfg);
        sides[i].out = &rings[i];
        sides[i].in = &rings[1 - i];
        sides[i].stop = &stop;
        sides[i].requester = i == 0;
        sides[i].op = op;
        pd[i] = roce_alloc_pd(sides[i].e);
        sides[i].cq = roce_create_cq(sides[i].e, 4 * DEPTH, NULL);
        memset(&ia, 0, sizeof ia);
        ia.send_cq = ia.recv_cq = sides[i].cq;
        ia.qp_type = ROCE_QPT_RC;
        ia.cap.max_send_wr = 2 * DEPTH;
        ia.cap.max_recv_wr = 2 * DEPTH;
        qps[i] = sides[i].qp = roce_create_qp(pd[i], &ia);
        bufs[i] = aligned_alloc(4096, MSG_LEN);
        memset(bufs[i], i + 1, MSG_LEN);
        mrs[i] = roce_reg_mr(pd[i], bufs[i], MSG_LEN, ROCE_ACCESS_ALL);
        sides[i].lmr = mrs[i];
        sides[i].lbuf = bufs[i];
    }
    sides[0].raddr = (uintptr_t) bufs[1];
    sides[0].rkey = roce_mr_rkey(mrs[1]);
    link_rc_params_init(&p);
    p.mtu = ROCE_MTU_4096;
    p.timeout = 17;             /* ~0.5 s: real time, threads may stall. */
    p.max_rd_atomic = 16;
    if (link_connect_rc(NULL, qps, &p)) {
        abort();
    }
    for (i = 0; i < 2; i++) {
        roce_engine_run(sides[i].e, now_ns());
    }
    if (threads == 2) {
        for (i = 0; i < 2; i++) {
            pthread_create(&th[i], NULL, side_main, &sides[i]);
        }
    } else {
        pthread_create(&th[0], NULL, pair_main, sides);
    }
    {
        struct timespec warm = { 0, 200 * 1000 * 1000 };
        struct timespec dur = { (time_t) secs,
                                (long) ((secs - (time_t) secs) * 1e9) };

        nanosleep(&warm, NULL);
        b0 = atomic_load(&sides[0].done_bytes);
        t0 = now_ns();
        nanosleep(&dur, NULL);
        b1 = atomic_load(&sides[0].done_bytes);
        t1 = now_ns();
    }
    atomic_store(&stop, true);
    for (i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
    }
    *errors = atomic_load(&sides[0].errors) + atomic_load(&sides[1].errors);
    *waits = atomic_load(&rings[0].full_waits)
             + atomic_load(&rings[1].full_waits);
    for (i = 0; i < 2; i++) {
        roce_engine_destroy(sides[i].e);
        free(bufs[i]);
    }
    return (double) (b1 - b0) * 8 / ((double) (t1 - t0) / 1e9);
}

static int
cmp_double(const void *a_, const void *b_)
{
    double a = *(const double *) a_, b = *(const double *) b_;

    return a < b ? -1 : a > b;
}

static void
bench(const char *name, enum roce_wr_opcode op, int threads, int runs,
      double secs)
{
    double bps[64];
    uint64_t errors = 0, waits = 0;
    int i;

    for (i = 0; i < runs; i++) {
        uint64_t e, w;

        bps[i] = run_once(op, threads, secs, &e, &w);
        errors += e;
        waits += w;
    }
    qsort(bps, runs, sizeof *bps, cmp_double);
    if (threads == 1) {
        printf("rc_%s_64k_mtu4096_1thread_gbps: %.2f Gbit/s\n", name,
               bps[runs / 2] / 1e9);
        return;
    }
    printf("rc_%s_64k_mtu4096_gbps: %.2f Gbit/s\n", name,
           bps[runs / 2] / 1e9);
    printf("rc_%s_64k_mtu4096_pps: %.0f packets/s\n", name,
           bps[runs / 2] / 8 / 4096);
    printf("rc_%s_64k_mtu4096_min_gbps: %.2f Gbit/s\n", name, bps[0] / 1e9);
    printf("rc_%s_64k_mtu4096_max_gbps: %.2f Gbit/s\n", name,
           bps[runs - 1] / 1e9);
    printf("rc_%s_errors: %llu count\n", name, (unsigned long long) errors);
    printf("rc_%s_ring_full_waits: %llu count\n", name,
           (unsigned long long) waits);
}

int
main(int argc, char *argv[])
{
    int runs = argc > 1 ? atoi(argv[1]) : 5;
    double secs = argc > 2 ? atof(argv[2]) : 1.0;

    zero_copy = !(argc > 3 && !strcmp(argv[3], "copy"));
    if (runs < 1 || runs > 64) {
        runs = 5;
    }
    printf("icrc_isal: %d bool\n", roce_crc32_have_isal());
    bench("write", ROCE_WR_RDMA_WRITE, 2, runs, secs);
    bench("read", ROCE_WR_RDMA_READ, 2, runs, secs);
    bench("write", ROCE_WR_RDMA_WRITE, 1, runs, secs);
    bench("read", ROCE_WR_RDMA_READ, 1, runs, secs);
    return 0;
}
