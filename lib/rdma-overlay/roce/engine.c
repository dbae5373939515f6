/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#include "roce/engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "roce/cq.h"
#include "roce/encap.h"
#include "roce/engine-private.h"
#include "roce/frame.h"
#include "roce/hdr.h"
#include "roce/mr.h"
#include "roce/qp.h"

static const char *const counter_names[ROCE_CTR_N] = {
#define ROCE_COUNTER_NAME(ENUM, NAME) NAME,
    ROCE_COUNTERS(ROCE_COUNTER_NAME)
#undef ROCE_COUNTER_NAME
};

const char *
roce_counter_name(enum roce_counter c)
{
    return (unsigned int) c < ROCE_CTR_N ? counter_names[c] : "?";
}

/* Defaults for everything; the caller still has to set 'tx'. */
void
roce_engine_config_init(struct roce_engine_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->verify_icrc = true;
    cfg->allow_plain = true;
    cfg->allow_overlay = true;
}

/* Creates an engine.  'cfg' is copied. */
struct roce_engine *
roce_engine_create(const struct roce_engine_config *cfg)
{
    struct roce_engine *e;

    if (!cfg || (!cfg->tx && !cfg->tx_egress) || cfg->max_qps > (1u << 24)
        || (cfg->max_qps && cfg->max_qps < 3)) {
        errno = EINVAL;
        return NULL;
    }
    e = calloc(1, sizeof *e);
    if (!e) {
        errno = ENOMEM;
        return NULL;
    }
    e->cfg = *cfg;
    if (!e->cfg.max_qps) {
        e->cfg.max_qps = 1024;
    }
    if (!e->cfg.ack_coalesce) {
        e->cfg.ack_coalesce = 16;
    }
    if (!e->cfg.ackreq_every) {
        e->cfg.ackreq_every = 16;
    }
    if (!e->cfg.resp_burst) {
        e->cfg.resp_burst = 64;
    }
    if (!e->cfg.max_inflight) {
        e->cfg.max_inflight = 1024;
    }
    if (e->cfg.max_inflight > (1u << 22)) {
        e->cfg.max_inflight = 1u << 22;
    }
    e->max_qps = e->cfg.max_qps;
    e->qps = calloc(e->max_qps, sizeof *e->qps);
    e->live = calloc(e->max_qps, sizeof *e->live);
    if (!e->qps || !e->live) {
        free(e->qps);
        free(e->live);
        free(e);
        errno = ENOMEM;
        return NULL;
    }
    e->next_qpn = 2;
    e->tx_frame = e->txbuf;
    roce_list_init(&e->pds);
    roce_list_init(&e->cqs);
    roce_list_init(&e->ahs);
    roce_frame_opts_init(&e->frame_opts);
    e->frame_opts.verify_icrc = cfg->verify_icrc;
    e->frame_opts.allow_plain = cfg->allow_plain;
    e->frame_opts.allow_overlay = cfg->allow_overlay;
    return e;
}

/* Destroys the engine and every object the application left behind. */
void
roce_engine_destroy(struct roce_engine *e)
{
    if (!e) {
        return;
    }
    while (e->n_live) {
        roce_destroy_qp(e->live[e->n_live - 1]);
    }
    roce_mr_table_destroy(e);
    /* What is left has no users any more: free it whatever its count. */
    while (e->ahs.next != &e->ahs) {
        struct roce_list *n = e->ahs.next;

        roce_list_remove(n);
        free(n);
    }
    while (e->cqs.next != &e->cqs) {
        struct roce_cq *cq = (struct roce_cq *) e->cqs.next;

        cq->refcnt = 0;
        roce_destroy_cq(cq);
    }
    while (e->pds.next != &e->pds) {
        struct roce_pd *pd = (struct roce_pd *) e->pds.next;

        pd->refcnt = 0;
        roce_dealloc_pd(pd);
    }
    free(e->qps);
    free(e->live);
    free(e);
}

uint64_t
roce_engine_now(const struct roce_engine *e)
{
    return e->now;
}

const struct roce_stats *
roce_engine_stats(const struct roce_engine *e)
{
    return &e->stats;
}

/* How many received frames the parser rejected with 'err' (the detail
 * behind the rx_drop_malformed, rx_drop_bad_icrc and rx_drop_bad_opcode
 * counters; names from roce_frame_error_str()). */
uint64_t
roce_engine_parse_errors(const struct roce_engine *e,
                         enum roce_frame_error err)
{
    return (unsigned int) err < ROCE_FRAME_N_ERRORS ? e->parse_errors[err]
                                                    : 0;
}

struct roce_qp *
roce_engine_find_qp(struct roce_engine *e, uint32_t qpn)
{
    return qpn < e->max_qps ? e->qps[qpn] : NULL;
}

/* Assigns a QPN to 'qp': 1 for the GSI QP, otherwise the next free one
 * round-robin from 2, so that a just-destroyed QP's number is not reused
 * at once (late packets for it must not reach a new QP). */
int
roce_engine_add_qp(struct roce_engine *e, struct roce_qp *qp, bool gsi,
                   uint32_t *qpnp)
{
    uint32_t qpn, i;

    if (gsi) {
        if (e->qps[1]) {
            return EBUSY;
        }
        qpn = 1;
    } else {
        qpn = 0;
        for (i = 0; i < e->max_qps - 2; i++) {
            uint32_t cand = e->next_qpn;

            e->next_qpn = cand + 1 >= e->max_qps ? 2 : cand + 1;
            if (!e->qps[cand]) {
                qpn = cand;
                break;
            }
        }
        if (!qpn) {
            return ENOMEM;
        }
    }
    e->qps[qpn] = qp;
    qp->live_idx = e->n_live;
    e->live[e->n_live++] = qp;
    *qpnp = qpn;
    return 0;
}

void
roce_engine_remove_qp(struct roce_engine *e, uint32_t qpn)
{
    struct roce_qp *qp = e->qps[qpn];
    struct roce_qp *last;

    if (!qp) {
        return;
    }
    e->qps[qpn] = NULL;
    last = e->live[--e->n_live];
    e->live[qp->live_idx] = last;
    last->live_idx = qp->live_idx;
}

void
roce_engine_event(struct roce_engine *e, enum roce_event_type type,
                  struct roce_qp *qp, struct roce_cq *cq)
{
    if (e->cfg.event) {
        struct roce_event ev = { .type = type, .qp = qp, .cq = cq };

        e->cfg.event(e->cfg.event_aux, &ev);
    }
}

/* Completes the frame being built (headers from 'encap', lengths,
 * checksums, ICRC) and hands it to the caller. */
void
roce_engine_xmit(struct roce_engine *e, const struct roce_encap *encap,
                 struct roce_stats *qp_stats, size_t transport_len)
{
    size_t len = roce_encap_frame(encap, e->tx_frame, transport_len);

    roce_count(e, qp_stats, ROCE_CTR_TX_FRAMES, 1);
    roce_count(e, qp_stats, ROCE_CTR_TX_BYTES, len);
    if (e->cfg.tx_egress) {
        e->cfg.tx_egress(e->cfg.tx_aux, e->tx_frame, len, encap->egress);
    } else {
        e->cfg.tx(e->cfg.tx_aux, e->tx_frame, len);
    }
}

static bool
addr_eq(const struct in6_addr *a, const struct in6_addr *b)
{
    return !memcmp(a, b, sizeof *a);
}

/* The default receive validation: exact match of the bound tuple. */
bool
roce_rx_tuple_match(const struct roce_rx_tuple *t, const struct roce_frame *f)
{
    if (!t->bound) {
        return true;
    }
    if (t->tunnel != (f->tnl_type != ROCE_TNL_NONE)) {
        return false;
    }
    if (t->tunnel && (f->vni != t->vni
                      || !addr_eq(&f->outer.ip_src, &t->remote_vtep)
                      || (!IN6_IS_ADDR_UNSPECIFIED(&t->local_vtep)
                          && !addr_eq(&f->outer.ip_dst, &t->local_vtep)))) {
        return false;
    }
    return addr_eq(&f->inner.ip_src, &t->inner_src)
           && addr_eq(&f->inner.ip_dst, &t->inner_dst);
}

static bool
pkey_ok(uint16_t pkey)
{
    /* Only the default partition exists; limited or full membership. */
    return (pkey & 0x7fff) == 0x7fff;
}

/* Consumes one received frame.  Validation order follows DESIGN §4.3:
 * parse (lengths, opcode) and ICRC, the QP, the QP's tuple policy, QP
 * state, P_Key and transport type; PSN, keys and bounds are then checked
 * by the transport before any memory is touched.  Every drop is counted,
 * per engine and, once the QP is known, per QP. */
void
roce_engine_receive(struct roce_engine *e, const uint8_t *frame, size_t len)
{
    enum roce_frame_error err;
    struct roce_frame f;
    struct roce_qp *qp;
    bool ok;

    roce_count(e, NULL, ROCE_CTR_RX_FRAMES, 1);
    roce_count(e, NULL, ROCE_CTR_RX_BYTES, len);

    err = roce_frame_parse(frame, len, &e->frame_opts, &f);
    if (err != ROCE_FRAME_OK) {
        if ((unsigned int) err < ROCE_FRAME_N_ERRORS) {
            e->parse_errors[err]++;
        }
        roce_count(e, NULL, (err == ROCE_FRAME_BAD_ICRC ? ROCE_CTR_RX_DROP_ICRC
                             : err == ROCE_FRAME_BAD_OPCODE
                             ? ROCE_CTR_RX_DROP_OPCODE
                             : ROCE_CTR_RX_DROP_PARSE), 1);
        return;
    }

    if (f.opcode == ROCE_OP_CNP) {
        /* Congestion notification (A17.9.3): no rate control here; it is
         * counted, not a drop. */
        roce_count(e, NULL, ROCE_CTR_RX_CNP, 1);
        return;
    }

    qp = roce_engine_find_qp(e, f.dqpn);
    if (!qp) {
        roce_count(e, NULL, ROCE_CTR_RX_DROP_NO_QP, 1);
        return;
    }
    qp->stats.c[ROCE_CTR_RX_FRAMES]++;
    qp->stats.c[ROCE_CTR_RX_BYTES] += len;

    ok = (qp->rx_filter
          ? qp->rx_filter(qp, &f, &qp->attr.rx_tuple, qp->rx_filter_aux)
          : roce_rx_tuple_match(&qp->attr.rx_tuple, &f));
    if (!ok) {
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_TUPLE, 1);
        return;
    }
    if (!roce_qp_can_recv(qp)) {
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_QP_STATE, 1);
        return;
    }
    if (!pkey_ok(f.pkey)) {
        roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_PKEY, 1);
        return;
    }

    if (roce_qp_is_rc(qp)) {
        if (roce_opcode_transport(f.opcode) != ROCE_TRANSPORT_RC) {
            roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_OPCODE, 1);
        } else if (f.op->flags & ROCE_OPF_RESP) {
            roce_rc_comp_recv(qp, &f);
        } else {
            roce_rc_resp_recv(qp, &f);
        }
    } else {
        if (roce_opcode_transport(f.opcode) != ROCE_TRANSPORT_UD) {
            roce_count(e, &qp->stats, ROCE_CTR_RX_DROP_OPCODE, 1);
        } else {
            roce_ud_recv(qp, &f);
        }
    }
}

/* Advances the engine's clock to 'now_ns' and fires due timers
 * (retransmission after an ACK timeout, resumption after an RNR wait). */
void
roce_engine_run(struct roce_engine *e, uint64_t now_ns)
{
    uint32_t i;

    if (now_ns > e->now) {
        e->now = now_ns;
    }
    for (i = 0; i < e->n_live; i++) {
        struct roce_qp *qp = e->live[i];

        if (roce_qp_deadline(qp) <= e->now) {
            if ((qp->resp.n_jobs || qp->resp.deferred)
                && roce_qp_can_recv(qp)) {
                roce_rc_resp_run(qp);
            }
            roce_rc_req_timer(qp);
        }
    }
}

/* The earliest time at which roce_engine_run() has work to do, or
 * UINT64_MAX if no timer is armed. */
uint64_t
roce_engine_next_deadline(const struct roce_engine *e)
{
    uint64_t d = UINT64_MAX;
    uint32_t i;

    for (i = 0; i < e->n_live; i++) {
        uint64_t qd = roce_qp_deadline(e->live[i]);

        if (qd < d) {
            d = qd;
        }
    }
    return d;
}
