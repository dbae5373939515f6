/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#ifndef ROCE_ENGINE_PRIVATE_H
#define ROCE_ENGINE_PRIVATE_H 1

/* Engine internals shared by the transport files (mr.c, cq.c, qp.c,
 * rc-*.c, ud.c).  Not part of the public API. */

#include "roce/encap.h"
#include "roce/engine.h"
#include "roce/frame.h"

struct roce_qp;

/* Intrusive list node, so that roce_engine_destroy() can free the PDs,
 * CQs and AHs an application left behind. */
struct roce_list {
    struct roce_list *prev, *next;
};

static inline void
roce_list_init(struct roce_list *l)
{
    l->prev = l->next = l;
}

static inline void
roce_list_push(struct roce_list *head, struct roce_list *n)
{
    n->next = head->next;
    n->prev = head;
    head->next->prev = n;
    head->next = n;
}

static inline void
roce_list_remove(struct roce_list *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
}

/* Largest frame the engine builds: the biggest template plus BTH and
 * extended headers, a 4096-byte payload, pad and ICRC. */
#define ROCE_TX_BUF_LEN 4608

struct roce_engine {
    struct roce_engine_config cfg;
    struct roce_frame_opts frame_opts;
    uint64_t now;

    /* QPs indexed by QPN. */
    struct roce_qp **qps;
    uint32_t max_qps;
    uint32_t next_qpn;          /* Round-robin allocation hint. */
    struct roce_qp **live;      /* Dense array of all QPs, for timers. */
    uint32_t n_live;

    /* MRs indexed by key >> 8; 'mr_gen' is the low 8 bits of the key
     * that the next registration in the slot gets. */
    struct roce_mr **mrs;
    uint8_t *mr_gen;
    uint32_t n_mr_slots;

    uint32_t next_pd_id;
    struct roce_list pds;       /* struct roce_pd, via 'node'. */
    struct roce_list cqs;       /* struct roce_cq, via 'node'. */
    struct roce_list ahs;       /* struct roce_ah, via 'node'. */

    struct roce_stats stats;
    /* Per-reason detail of RX_DROP_PARSE, RX_DROP_ICRC, RX_DROP_OPCODE. */
    uint64_t parse_errors[ROCE_FRAME_N_ERRORS];

    /* The frame being built: the caller's buffer (cfg.tx_buf) or the
     * engine's own scratch buffer. */
    uint8_t *tx_frame;
    uint8_t txbuf[ROCE_TX_BUF_LEN] __attribute__((aligned(64)));
};

/* Starts building a frame that will use template 'encap': returns where
 * its BTH goes.  Builders then call roce_engine_xmit() (or abandon the
 * frame, which is harmless). */
static inline uint8_t *
roce_engine_tx_start(struct roce_engine *e, const struct roce_encap *encap)
{
    uint8_t *buf = e->cfg.tx_buf ? e->cfg.tx_buf(e->cfg.tx_aux,
                                                 ROCE_TX_BUF_LEN) : NULL;

    e->tx_frame = buf ? buf : e->txbuf;
    return e->tx_frame + roce_encap_hdr_len(encap);
}

static inline void
roce_count(struct roce_engine *e, struct roce_stats *qps,
           enum roce_counter c, uint64_t n)
{
    e->stats.c[c] += n;
    if (qps) {
        qps->c[c] += n;
    }
}

/* Sends the frame started by roce_engine_tx_start(), whose transport part
 * (BTH onward, without ICRC) is 'transport_len' bytes. */
void roce_engine_xmit(struct roce_engine *, const struct roce_encap *,
                      struct roce_stats *qp_stats, size_t transport_len);

/* Raises an asynchronous event. */
void roce_engine_event(struct roce_engine *, enum roce_event_type,
                       struct roce_qp *, struct roce_cq *);

/* QPN table, for qp.c. */
int roce_engine_add_qp(struct roce_engine *, struct roce_qp *, bool gsi,
                       uint32_t *qpn);
void roce_engine_remove_qp(struct roce_engine *, uint32_t qpn);

#endif /* roce/engine-private.h */
