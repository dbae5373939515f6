/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* Unit test of the CM state machine (roce/cm.h): two CMs, "a" (active)
 * and "b" (passive), joined by an in-memory network that can drop or
 * duplicate chosen MADs, with virtual time. */

#include <errno.h>

#include "roce/cm-ip.h"
#include "roce/cm.h"
#include "roce-test.h"

#define MS 1000000ULL
#define RESP_TO 16                  /* 4.096 us * 2^16 = 268 ms. */
#define PKT_LIFE 10                 /* 4.2 ms. */
#define LOCAL_RESP_TO 17            /* a's own response time: 537 ms. */
#define RETRIES 3
#define SERVICE_ID UINT64_C(0x0000000001064e21)
#define QPN_A 0x000111
#define QPN_B 0x000222
#define PSN_A 0x0a0a0a
#define PSN_B 0x0b0b0b

enum { A, B };

struct side;

struct flight {
    int to;
    struct roce_cm_addr from;
    uint8_t mad[ROCE_MAD_SIZE];
};

struct ev {
    enum roce_cm_event_type type;
    struct roce_cm_id *id;
    uint16_t rej_reason;
};

struct side {
    int who;
    struct roce_cm *cm;
    struct ev evs[64];
    int n_evs;
    int sent[0x20];                 /* By attribute ID. */
    int drop[0x20];                 /* Drop the next N of this attr. */
    bool dup_all;                   /* Deliver everything twice. */
    /* Automatic consumer behaviour. */
    bool auto_accept, auto_rtu, auto_drep;
    int mra_on_req;                 /* Service timeout, or -1. */
    bool destroy_on_exit;
    struct roce_cm_id *last_id;     /* Latest ID an event was about. */
};

static struct side sides[2];
static struct flight net[256];
static int n_net;
static uint64_t now;

static void
on_send(void *aux, const struct roce_cm_addr *to, const uint8_t *mad)
{
    struct side *s = aux;
    uint16_t attr = roce_get_be16(mad + 16);
    int copies = s->dup_all ? 2 : 1;

    CHECK_EQ(to->qpn, ROCE_GSI_QPN);
    CHECK_EQ(to->cookie, s->who == A ? 0xb : 0xa);
    s->sent[attr & 0x1f]++;
    if (s->drop[attr & 0x1f] > 0) {
        s->drop[attr & 0x1f]--;
        return;
    }
    for (int i = 0; i < copies && n_net < 256; i++) {
        struct flight *f = &net[n_net++];

        f->to = !s->who;
        memset(&f->from, 0, sizeof f->from);
        f->from.gid[15] = s->who;
        f->from.qpn = ROCE_GSI_QPN;
        f->from.cookie = s->who == A ? 0xa : 0xb;
        memcpy(f->mad, mad, ROCE_MAD_SIZE);
    }
}

static void
fill_rep(struct roce_cm_rep *rep)
{
    memset(rep, 0, sizeof *rep);
    rep->local_qpn = QPN_B;
    rep->starting_psn = PSN_B;
    rep->responder_resources = 4;
    rep->initiator_depth = 4;
    rep->target_ack_delay = 10;
    rep->failover_accepted = ROCE_CM_FAILOVER_NOT_SUPPORTED;
    rep->rnr_retry_count = 7;
    memcpy(rep->private_data, "accepted", 8);
}

static void
on_event(void *aux, const struct roce_cm_event *e)
{
    struct side *s = aux;
    struct ev *ev = &s->evs[s->n_evs < 63 ? s->n_evs++ : 63];

    ev->type = e->type;
    ev->id = e->id;
    ev->rej_reason = (e->type == ROCE_CM_EV_REJ_RECEIVED
                      ? e->msg->u.rej.reason : 0);
    s->last_id = e->id;

    if (e->type == ROCE_CM_EV_REQ_RECEIVED) {
        CHECK(e->listen_id != NULL);
        CHECK_EQ(e->msg->attr_id, ROCE_CM_ATTR_REQ);
        if (s->mra_on_req >= 0) {
            CHECK_EQ(roce_cm_send_mra(e->id, now, s->mra_on_req), 0);
        } else if (s->auto_accept) {
            struct roce_cm_rep rep;

            fill_rep(&rep);
            CHECK_EQ(roce_cm_accept(e->id, now, &rep), 0);
        }
    } else if (e->type == ROCE_CM_EV_REP_RECEIVED && s->auto_rtu) {
        CHECK_EQ(roce_cm_send_rtu(e->id, now, "rtu", 3), 0);
    } else if (e->type == ROCE_CM_EV_DREQ_RECEIVED && s->auto_drep) {
        CHECK_EQ(roce_cm_send_drep(e->id, now, NULL, 0), 0);
    } else if (e->type == ROCE_CM_EV_TIMEWAIT_EXIT && s->destroy_on_exit) {
        roce_cm_id_destroy(e->id, now);
        s->last_id = NULL;
    }
}

static const struct roce_cm_ops ops = { on_send, on_event };

static void
setup(void)
{
    memset(sides, 0, sizeof sides);
    n_net = 0;
    now = 1000 * MS;
    for (int i = 0; i < 2; i++) {
        struct roce_cm_config cfg = {
            .local_ca_guid = i == A ? 0xaaaa : 0xbbbb,
            .seed = i == A ? 1 : 2,
            .packet_lifetime = PKT_LIFE,
        };

        sides[i].who = i;
        sides[i].cm = roce_cm_create(&cfg, &ops, &sides[i]);
        sides[i].auto_accept = sides[i].auto_rtu = sides[i].auto_drep = true;
        sides[i].mra_on_req = -1;
    }
}

static void
teardown(void)
{
    roce_cm_destroy(sides[A].cm);
    roce_cm_destroy(sides[B].cm);
}

/* Delivers the MADs in flight now (one hop); returns how many. */
static int
deliver(void)
{
    struct flight batch[256];
    int n = n_net;

    memcpy(batch, net, n * sizeof batch[0]);
    n_net = 0;
    for (int i = 0; i < n; i++) {
        roce_cm_input(sides[batch[i].to].cm, now, &batch[i].from,
                      batch[i].mad, ROCE_MAD_SIZE);
    }
    return n;
}

static void
deliver_all(void)
{
    while (deliver()) {
        continue;
    }
}

/* Advances virtual time by 'ns', running timers and delivering MADs at
 * every deadline on the way. */
static void
advance(uint64_t ns)
{
    uint64_t end = now + ns;

    deliver_all();
    for (;;) {
        uint64_t next = roce_cm_next_deadline(sides[A].cm);
        uint64_t nb = roce_cm_next_deadline(sides[B].cm);

        next = nb < next ? nb : next;
        if (next > end) {
            break;
        }
        now = next > now ? next : now;
        roce_cm_run(sides[A].cm, now);
        roce_cm_run(sides[B].cm, now);
        deliver_all();
    }
    now = end;
}

static int
count_ev(int who, enum roce_cm_event_type type)
{
    int n = 0;

    for (int i = 0; i < sides[who].n_evs; i++) {
        n += sides[who].evs[i].type == type;
    }
    return n;
}

static uint64_t
retx_timeout(void)
{
    return roce_cm_timeout_ns(RESP_TO) + 2 * roce_cm_timeout_ns(PKT_LIFE);
}

/* How long b waits for a's RTU (or DREP): a's advertised response time. */
static uint64_t
rep_retx_timeout(void)
{
    return (roce_cm_timeout_ns(LOCAL_RESP_TO)
            + 2 * roce_cm_timeout_ns(PKT_LIFE));
}

static struct roce_cm_id *
start_listen(void)
{
    struct roce_cm_id *l = roce_cm_id_create(sides[B].cm, NULL);

    CHECK_EQ(roce_cm_listen(l, SERVICE_ID), 0);
    CHECK_EQ(roce_cm_id_state(l), ROCE_CM_LISTEN);
    return l;
}

static struct roce_cm_id *
start_connect(uint64_t service_id)
{
    struct roce_cm_id *id = roce_cm_id_create(sides[A].cm, NULL);
    struct roce_cm_addr to = { .qpn = ROCE_GSI_QPN, .cookie = 0xb };
    struct roce_cm_req req = { 0 };
    struct roce_cm_ip_hdr ip = { .ip_version = 4, .src_port = 40000 };

    req.service_id = service_id;
    req.local_qpn = QPN_A;
    req.starting_psn = PSN_A;
    req.responder_resources = 2;
    req.initiator_depth = 2;
    req.remote_cm_response_timeout = RESP_TO;
    req.local_cm_response_timeout = LOCAL_RESP_TO;
    req.transport_service_type = ROCE_CM_TST_RC;
    req.retry_count = 7;
    req.rnr_retry_count = 7;
    req.pkey = 0xffff;
    req.path_mtu = 3;
    req.max_cm_retries = RETRIES;
    req.primary.local_lid = req.primary.remote_lid = 0xffff;
    req.primary.hop_limit = 64;
    req.primary.local_ack_timeout = 14;
    CHECK_OK(roce_cm_ip_hdr_encode(&ip, req.private_data,
                                   sizeof req.private_data));
    CHECK_EQ(roce_cm_connect(id, now, &to, &req), 0);
    CHECK_EQ(roce_cm_id_state(id), ROCE_CM_REQ_SENT);
    CHECK_EQ(roce_cm_connect(id, now, &to, &req), EINVAL);
    return id;
}

static void
test_happy_path(void)
{
    setup();
    struct roce_cm_id *l = start_listen();
    struct roce_cm_id *a = start_connect(SERVICE_ID);

    deliver();                      /* REQ -> b accepts -> REP. */
    struct roce_cm_id *b = sides[B].last_id;
    CHECK(b != NULL && b != l);
    CHECK_EQ(roce_cm_id_state(b), ROCE_CM_REP_SENT);
    deliver();                      /* REP -> a sends RTU. */
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_ESTABLISHED);
    deliver();                      /* RTU. */
    CHECK_EQ(roce_cm_id_state(b), ROCE_CM_ESTABLISHED);
    CHECK_EQ(count_ev(A, ROCE_CM_EV_ESTABLISHED), 1);
    CHECK_EQ(count_ev(B, ROCE_CM_EV_ESTABLISHED), 1);
    CHECK_EQ(count_ev(B, ROCE_CM_EV_REQ_RECEIVED), 1);

    /* What each side learned, for its QP's RTR/RTS transitions. */
    CHECK_EQ(roce_cm_id_rep(a)->local_qpn, QPN_B);
    CHECK_EQ(roce_cm_id_rep(a)->starting_psn, PSN_B);
    CHECK_EQ(roce_cm_id_rep(a)->local_ca_guid, 0xbbbb);
    CHECK(!memcmp(roce_cm_id_rep(a)->private_data, "accepted", 8));
    CHECK_EQ(roce_cm_id_req(b)->local_qpn, QPN_A);
    CHECK_EQ(roce_cm_id_req(b)->starting_psn, PSN_A);
    CHECK_EQ(roce_cm_id_req(b)->path_mtu, 3);
    CHECK_EQ(roce_cm_id_req(b)->local_ca_guid, 0xaaaa);
    CHECK_EQ(roce_cm_id_remote_comm_id(a), roce_cm_id_local_comm_id(b));
    CHECK_EQ(roce_cm_id_remote_comm_id(b), roce_cm_id_local_comm_id(a));
    CHECK(roce_cm_id_local_comm_id(a) != 0);
    CHECK_EQ(roce_cm_id_addr(b)->cookie, 0xa);
    struct roce_cm_ip_hdr ip;
    CHECK_OK(roce_cm_ip_hdr_decode(roce_cm_id_req(b)->private_data,
                                   ROCE_CM_REQ_PDATA, &ip));
    CHECK_EQ(ip.src_port, 40000);

    /* Nothing pending once established. */
    CHECK_EQ(roce_cm_next_deadline(sides[A].cm), UINT64_MAX);
    CHECK_EQ(roce_cm_next_deadline(sides[B].cm), UINT64_MAX);
    advance(10000 * MS);
    CHECK_EQ(sides[A].sent[0x10], 1);
    CHECK_EQ(sides[B].sent[0x13], 1);

    /* Release, active side first. */
    CHECK_EQ(roce_cm_disconnect(a, now, NULL, 0), 0);
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_DREQ_SENT);
    deliver();
    CHECK_EQ(count_ev(B, ROCE_CM_EV_DREQ_RECEIVED), 1);
    CHECK_EQ(roce_cm_id_state(b), ROCE_CM_TIMEWAIT);
    deliver();
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_TIMEWAIT);
    CHECK_EQ(count_ev(A, ROCE_CM_EV_DISCONNECTED), 1);
    advance(5 * MS);
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_TIMEWAIT);
    advance(10000 * MS);
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_IDLE);
    CHECK_EQ(roce_cm_id_state(b), ROCE_CM_IDLE);
    CHECK_EQ(count_ev(A, ROCE_CM_EV_TIMEWAIT_EXIT), 1);
    CHECK_EQ(count_ev(B, ROCE_CM_EV_TIMEWAIT_EXIT), 1);
    CHECK_EQ(count_ev(A, ROCE_CM_EV_TIMEOUT), 0);
    teardown();
}

/* The first REQ is lost: it goes again exactly one timeout later. */
static void
test_lost_req(void)
{
    setup();
    start_listen();
    sides[A].drop[0x10] = 1;
    struct roce_cm_id *a = start_connect(SERVICE_ID);
    uint64_t t0 = now;

    CHECK_EQ(roce_cm_next_deadline(sides[A].cm), t0 + retx_timeout());
    advance(retx_timeout() - 1);
    CHECK_EQ(sides[A].sent[0x10], 1);
    advance(1);
    CHECK_EQ(sides[A].sent[0x10], 2);
    advance(1 * MS);
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_ESTABLISHED);
    CHECK_EQ(roce_cm_id_state(sides[B].last_id), ROCE_CM_ESTABLISHED);
    teardown();
}

/* Nobody answers: Max CM Retries retransmissions, then REJ "timeout". */
static void
test_req_timeout(void)
{
    setup();
    sides[A].drop[0x10] = 100;
    struct roce_cm_id *a = start_connect(SERVICE_ID);

    advance((RETRIES + 1) * retx_timeout() - 1);
    CHECK_EQ(sides[A].sent[0x10], RETRIES + 1);
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_REQ_SENT);
    advance(1);
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_IDLE);
    CHECK_EQ(count_ev(A, ROCE_CM_EV_TIMEOUT), 1);
    CHECK_EQ(sides[A].sent[0x12], 1);
    CHECK_EQ(sides[A].sent[0x10], RETRIES + 1);
    CHECK_EQ(roce_cm_next_deadline(sides[A].cm), UINT64_MAX);
    teardown();
}

/* The REP is lost: the REQ retransmission is a duplicate for b, which
 * resends its REP at once. */
static void
test_lost_rep(void)
{
    setup();
    start_listen();
    sides[B].drop[0x13] = 1;
    struct roce_cm_id *a = start_connect(SERVICE_ID);

    deliver();
    CHECK_EQ(sides[B].sent[0x13], 1);
    advance(retx_timeout());
    CHECK_EQ(sides[A].sent[0x10], 2);
    CHECK_EQ(sides[B].sent[0x13], 2);
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_ESTABLISHED);
    CHECK_EQ(roce_cm_id_state(sides[B].last_id), ROCE_CM_ESTABLISHED);
    CHECK_EQ(count_ev(B, ROCE_CM_EV_REQ_RECEIVED), 1);
    CHECK_EQ(roce_cm_n_ids(sides[B].cm), 2);
    teardown();
}

/* The RTU is lost: b's REP timer resends the REP, a (established)
 * answers the duplicate with the RTU again. */
static void
test_lost_rtu(void)
{
    setup();
    start_listen();
    sides[A].drop[0x14] = 1;
    struct roce_cm_id *a = start_connect(SERVICE_ID);

    deliver();
    struct roce_cm_id *b = sides[B].last_id;
    deliver();
    deliver();
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_ESTABLISHED);
    CHECK_EQ(roce_cm_id_state(b), ROCE_CM_REP_SENT);
    advance(rep_retx_timeout() - 1);
    CHECK_EQ(sides[B].sent[0x13], 1);
    advance(1);
    CHECK_EQ(sides[B].sent[0x13], 2);
    CHECK_EQ(sides[A].sent[0x14], 2);
    CHECK_EQ(roce_cm_id_state(b), ROCE_CM_ESTABLISHED);
    CHECK_EQ(count_ev(A, ROCE_CM_EV_ESTABLISHED), 1);
    teardown();
}

/* RTU lost, but data on the QP proves the active side is in RTS. */
static void
test_notify_established(void)
{
    setup();
    start_listen();
    sides[A].drop[0x14] = 1;
    start_connect(SERVICE_ID);
    deliver();
    struct roce_cm_id *b = sides[B].last_id;
    deliver();
    deliver();
    CHECK_EQ(roce_cm_notify_established(b, now), 0);
    CHECK_EQ(roce_cm_id_state(b), ROCE_CM_ESTABLISHED);
    CHECK_EQ(roce_cm_notify_established(b, now), EINVAL);
    advance(10 * rep_retx_timeout());
    CHECK_EQ(sides[B].sent[0x13], 1);
    teardown();
}

/* Every MAD delivered twice: one connection, one event of each kind. */
static void
test_duplicates(void)
{
    setup();
    start_listen();
    sides[A].dup_all = sides[B].dup_all = true;
    struct roce_cm_id *a = start_connect(SERVICE_ID);

    advance(1 * MS);
    struct roce_cm_id *b = sides[B].last_id;
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_ESTABLISHED);
    CHECK_EQ(roce_cm_id_state(b), ROCE_CM_ESTABLISHED);
    CHECK_EQ(count_ev(A, ROCE_CM_EV_ESTABLISHED), 1);
    CHECK_EQ(count_ev(B, ROCE_CM_EV_ESTABLISHED), 1);
    CHECK_EQ(count_ev(B, ROCE_CM_EV_REQ_RECEIVED), 1);
    CHECK_EQ(count_ev(A, ROCE_CM_EV_REP_RECEIVED), 1);
    CHECK_EQ(roce_cm_n_ids(sides[B].cm), 2);

    CHECK_EQ(roce_cm_disconnect(a, now, NULL, 0), 0);
    advance(1 * MS);
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_TIMEWAIT);
    CHECK_EQ(roce_cm_id_state(b), ROCE_CM_TIMEWAIT);
    CHECK_EQ(count_ev(B, ROCE_CM_EV_DREQ_RECEIVED), 1);
    CHECK_EQ(count_ev(A, ROCE_CM_EV_DISCONNECTED), 1);
    advance(100000 * MS);
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_IDLE);
    CHECK_EQ(count_ev(A, ROCE_CM_EV_TIMEOUT), 0);
    CHECK_EQ(count_ev(B, ROCE_CM_EV_TIMEOUT), 0);
    teardown();
}

/* b needs time: its MRA holds off a's retransmissions for the service
 * timeout; a duplicate REQ meanwhile gets the MRA again. */
static void
test_mra(void)
{
    setup();
    start_listen();
    sides[B].mra_on_req = 22;       /* 17 s. */
    struct roce_cm_id *a = start_connect(SERVICE_ID);

    deliver();
    struct roce_cm_id *b = sides[B].last_id;
    CHECK_EQ(roce_cm_id_state(b), ROCE_CM_MRA_REQ_SENT);
    deliver();
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_MRA_REQ_RCVD);
    CHECK_EQ(count_ev(A, ROCE_CM_EV_MRA_RECEIVED), 1);
    advance(5 * retx_timeout());
    CHECK_EQ(sides[A].sent[0x10], 1);     /* No retransmission. */
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_MRA_REQ_RCVD);

    /* A duplicate REQ (as if a retransmission crossed the MRA). */
    uint8_t mad[ROCE_MAD_SIZE];
    struct roce_cm_msg msg = { .attr_id = ROCE_CM_ATTR_REQ };
    struct roce_cm_addr from = { .qpn = 1, .cookie = 0xa };
    msg.u.req = *roce_cm_id_req(a);
    CHECK_OK(roce_cm_msg_encode(&msg, mad));
    CHECK_OK(roce_cm_input(sides[B].cm, now, &from, mad, sizeof mad));
    CHECK_EQ(sides[B].sent[0x11], 2);

    struct roce_cm_rep rep;
    fill_rep(&rep);
    CHECK_EQ(roce_cm_accept(b, now, &rep), 0);
    advance(1 * MS);
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_ESTABLISHED);
    CHECK_EQ(roce_cm_id_state(b), ROCE_CM_ESTABLISHED);
    teardown();
}

/* An MRA'd REQ still times out after the service timeout if b never
 * answers. */
static void
test_mra_then_silence(void)
{
    setup();
    start_listen();
    sides[B].mra_on_req = 18;       /* ~1 s. */
    struct roce_cm_id *a = start_connect(SERVICE_ID);

    deliver();
    deliver();
    sides[B].drop[0x11] = 100;
    advance(roce_cm_timeout_ns(18) + 2 * roce_cm_timeout_ns(PKT_LIFE) - 1);
    CHECK_EQ(sides[A].sent[0x10], 1);
    advance(1);
    CHECK_EQ(sides[A].sent[0x10], 2);
    advance(100 * retx_timeout());
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_IDLE);
    CHECK_EQ(count_ev(A, ROCE_CM_EV_TIMEOUT), 1);
    teardown();
}

static void
test_reject(void)
{
    setup();
    start_listen();
    sides[B].auto_accept = false;
    struct roce_cm_id *a = start_connect(SERVICE_ID);

    deliver();
    struct roce_cm_id *b = sides[B].last_id;
    CHECK_EQ(roce_cm_id_state(b), ROCE_CM_REQ_RCVD);
    CHECK_EQ(roce_cm_send_rtu(b, now, NULL, 0), EINVAL);
    CHECK_EQ(roce_cm_reject(b, now, ROCE_CM_REJ_CONSUMER_DEFINED, "no", 3),
             0);
    CHECK_EQ(roce_cm_id_state(b), ROCE_CM_IDLE);
    deliver();
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_IDLE);
    CHECK_EQ(count_ev(A, ROCE_CM_EV_REJ_RECEIVED), 1);
    CHECK_EQ(sides[A].evs[0].rej_reason, ROCE_CM_REJ_CONSUMER_DEFINED);
    CHECK_EQ(roce_cm_next_deadline(sides[A].cm), UINT64_MAX);
    teardown();
}

static void
test_no_listener(void)
{
    setup();
    start_listen();
    struct roce_cm_id *a = start_connect(SERVICE_ID + 1);

    deliver();
    deliver();
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_IDLE);
    CHECK_EQ(count_ev(A, ROCE_CM_EV_REJ_RECEIVED), 1);
    CHECK_EQ(sides[A].evs[0].rej_reason, ROCE_CM_REJ_INVALID_SERVICE_ID);
    CHECK_EQ(roce_cm_n_ids(sides[B].cm), 1);
    teardown();
}

static struct roce_cm_id *
establish(void)
{
    start_listen();
    struct roce_cm_id *a = start_connect(SERVICE_ID);

    advance(1 * MS);
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_ESTABLISHED);
    return a;
}

/* The DREP is lost: a resends the DREQ, b (in TIMEWAIT) the DREP. */
static void
test_lost_drep(void)
{
    setup();
    struct roce_cm_id *a = establish();
    struct roce_cm_id *b = sides[B].last_id;

    sides[B].drop[0x16] = 1;
    CHECK_EQ(roce_cm_disconnect(a, now, NULL, 0), 0);
    deliver();
    CHECK_EQ(roce_cm_id_state(b), ROCE_CM_TIMEWAIT);
    advance(retx_timeout());
    CHECK_EQ(sides[A].sent[0x15], 2);
    CHECK_EQ(sides[B].sent[0x16], 2);
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_TIMEWAIT);
    CHECK_EQ(count_ev(A, ROCE_CM_EV_DISCONNECTED), 1);
    CHECK_EQ(count_ev(B, ROCE_CM_EV_DREQ_RECEIVED), 1);
    teardown();
}

/* The peer vanished: DREQ retries, then TIMEWAIT anyway. */
static void
test_dreq_timeout(void)
{
    setup();
    struct roce_cm_id *a = establish();

    sides[A].drop[0x15] = 100;
    CHECK_EQ(roce_cm_disconnect(a, now, NULL, 0), 0);
    advance((RETRIES + 1) * retx_timeout());
    CHECK_EQ(sides[A].sent[0x15], RETRIES + 1);
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_TIMEWAIT);
    CHECK_EQ(count_ev(A, ROCE_CM_EV_TIMEOUT), 1);
    sides[A].destroy_on_exit = true;
    advance(10000 * MS);
    CHECK_EQ(count_ev(A, ROCE_CM_EV_TIMEWAIT_EXIT), 1);
    CHECK_EQ(roce_cm_n_ids(sides[A].cm), 0);
    teardown();
}

/* Both sides disconnect at once. */
static void
test_crossed_dreq(void)
{
    setup();
    struct roce_cm_id *a = establish();
    struct roce_cm_id *b = sides[B].last_id;

    CHECK_EQ(roce_cm_disconnect(a, now, NULL, 0), 0);
    CHECK_EQ(roce_cm_disconnect(b, now, NULL, 0), 0);
    advance(1 * MS);
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_TIMEWAIT);
    CHECK_EQ(roce_cm_id_state(b), ROCE_CM_TIMEWAIT);
    CHECK_EQ(count_ev(A, ROCE_CM_EV_DISCONNECTED), 1);
    CHECK_EQ(count_ev(B, ROCE_CM_EV_DISCONNECTED), 1);
    CHECK_EQ(count_ev(A, ROCE_CM_EV_DREQ_RECEIVED), 0);
    advance(100000 * MS);
    CHECK_EQ(count_ev(A, ROCE_CM_EV_TIMEOUT), 0);
    CHECK_EQ(roce_cm_id_state(b), ROCE_CM_IDLE);
    teardown();
}

/* The active side never sends the RTU: b gives up with REJ "timeout". */
static void
test_rep_timeout(void)
{
    setup();
    start_listen();
    sides[A].auto_rtu = false;
    sides[B].drop[0x13] = 0;
    struct roce_cm_id *a = start_connect(SERVICE_ID);

    deliver();
    struct roce_cm_id *b = sides[B].last_id;
    deliver();
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_REP_RCVD);
    advance((RETRIES + 1) * rep_retx_timeout());
    CHECK_EQ(sides[B].sent[0x13], RETRIES + 1);
    CHECK_EQ(roce_cm_id_state(b), ROCE_CM_TIMEWAIT);
    CHECK_EQ(count_ev(B, ROCE_CM_EV_TIMEOUT), 1);
    CHECK_EQ(sides[B].sent[0x12], 1);
    /* a got the REJ. */
    CHECK_EQ(count_ev(A, ROCE_CM_EV_REJ_RECEIVED), 1);
    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_TIMEWAIT);
    teardown();
}

/* Junk and misdirected MADs change nothing. */
static void
test_garbage(void)
{
    setup();
    struct roce_cm_id *a = establish();
    struct roce_cm_id *b = sides[B].last_id;
    struct roce_cm_addr from = { .qpn = 1, .cookie = 0xa };
    uint8_t mad[ROCE_MAD_SIZE] = { 0 };
    struct roce_cm_msg msg = { .attr_id = ROCE_CM_ATTR_DREQ };

    CHECK(roce_cm_input(sides[B].cm, now, &from, mad, 10) != NULL);
    CHECK(roce_cm_input(sides[B].cm, now, &from, mad, sizeof mad) != NULL);

    /* DREQ naming the right Comm IDs but another QP. */
    msg.u.dreq.local_comm_id = roce_cm_id_local_comm_id(a);
    msg.u.dreq.remote_comm_id = roce_cm_id_local_comm_id(b);
    msg.u.dreq.remote_qpn_eecn = QPN_B + 1;
    CHECK_OK(roce_cm_msg_encode(&msg, mad));
    CHECK(roce_cm_input(sides[B].cm, now, &from, mad, sizeof mad) != NULL);
    CHECK_EQ(roce_cm_id_state(b), ROCE_CM_ESTABLISHED);

    /* RTU with a wrong Comm ID. */
    msg.attr_id = ROCE_CM_ATTR_RTU;
    msg.u.rtu.local_comm_id = 12345;
    msg.u.rtu.remote_comm_id = roce_cm_id_local_comm_id(b);
    CHECK_OK(roce_cm_msg_encode(&msg, mad));
    CHECK(roce_cm_input(sides[B].cm, now, &from, mad, sizeof mad) != NULL);

    /* A REP nobody asked for is answered with REJ "invalid Comm ID". */
    int rej_before = sides[A].sent[0x12];
    msg.attr_id = ROCE_CM_ATTR_REP;
    memset(&msg.u, 0, sizeof msg.u);
    msg.u.rep.remote_comm_id = 0x5555;
    from.cookie = 0xb;
    CHECK_OK(roce_cm_msg_encode(&msg, mad));
    CHECK(roce_cm_input(sides[A].cm, now, &from, mad, sizeof mad) != NULL);
    CHECK_EQ(sides[A].sent[0x12], rej_before + 1);
    n_net = 0;

    /* API misuse. */
    CHECK_EQ(roce_cm_accept(a, now, roce_cm_id_rep(a)), EINVAL);
    CHECK_EQ(roce_cm_send_mra(a, now, 1), EINVAL);
    CHECK_EQ(roce_cm_send_drep(a, now, NULL, 0), EINVAL);
    CHECK_EQ(roce_cm_disconnect(a, now, mad, ROCE_CM_DREQ_PDATA + 1),
             EINVAL);
    CHECK_EQ(roce_cm_listen(a, 1), EINVAL);
    struct roce_cm_id *l2 = roce_cm_id_create(sides[B].cm, NULL);
    CHECK_EQ(roce_cm_listen(l2, SERVICE_ID), EADDRINUSE);
    roce_cm_id_destroy(l2, now);

    CHECK_EQ(roce_cm_id_state(a), ROCE_CM_ESTABLISHED);
    CHECK_EQ(roce_cm_id_state(b), ROCE_CM_ESTABLISHED);

    /* Destroying an established ID sends a DREQ. */
    int dreq_before = sides[A].sent[0x15];
    roce_cm_id_destroy(a, now);
    CHECK_EQ(sides[A].sent[0x15], dreq_before + 1);
    deliver();
    CHECK_EQ(count_ev(B, ROCE_CM_EV_DREQ_RECEIVED), 1);
    teardown();
}

/* A REQ repeating a connection b has in TIMEWAIT is refused as stale. */
static void
test_stale_req(void)
{
    setup();
    struct roce_cm_id *a = establish();
    struct roce_cm_id *b = sides[B].last_id;
    struct roce_cm_msg msg = { .attr_id = ROCE_CM_ATTR_REQ };
    struct roce_cm_addr from = { .qpn = 1, .cookie = 0xa };
    uint8_t mad[ROCE_MAD_SIZE];

    CHECK_EQ(roce_cm_disconnect(a, now, NULL, 0), 0);
    deliver_all();
    CHECK_EQ(roce_cm_id_state(b), ROCE_CM_TIMEWAIT);

    msg.u.req = *roce_cm_id_req(a);
    CHECK_OK(roce_cm_msg_encode(&msg, mad));
    CHECK_OK(roce_cm_input(sides[B].cm, now, &from, mad, sizeof mad));
    CHECK_EQ(sides[B].sent[0x12], 1);
    CHECK_EQ(count_ev(B, ROCE_CM_EV_REQ_RECEIVED), 1);
    CHECK_EQ(n_net, 1);
    struct roce_cm_msg rej;
    CHECK_OK(roce_cm_msg_decode(net[0].mad, ROCE_MAD_SIZE, &rej));
    CHECK_EQ(rej.attr_id, ROCE_CM_ATTR_REJ);
    CHECK_EQ(rej.u.rej.reason, ROCE_CM_REJ_STALE_CONN);
    CHECK_EQ(rej.u.rej.remote_comm_id, roce_cm_id_local_comm_id(a));
    teardown();
}

int
main(void)
{
    test_happy_path();
    test_lost_req();
    test_req_timeout();
    test_lost_rep();
    test_lost_rtu();
    test_notify_established();
    test_duplicates();
    test_mra();
    test_mra_then_silence();
    test_reject();
    test_no_listener();
    test_lost_drep();
    test_dreq_timeout();
    test_crossed_dreq();
    test_rep_timeout();
    test_garbage();
    test_stale_req();
    return roce_test_exit();
}
