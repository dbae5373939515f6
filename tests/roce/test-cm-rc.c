/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* Integration of the CM with the engine: two engines joined by the
 * in-memory link of roce-link.h (VXLAN overlay), each with a GSI QP (QP1)
 * carrying the CM MADs as real UD SEND frames.  The active side connects,
 * both sides move their RC QPs through INIT/RTR/RTS with the QPNs, PSNs
 * and MTU negotiated in REQ/REP, then data flows both ways (an RDMA WRITE
 * to the buffer the passive side advertised in its REP private data, and
 * SENDs), and the connection is released with DREQ/DREP.  Run without and
 * with loss and duplication on the link, where the CM's retransmissions
 * must make up for lost MADs.  The lossless run is captured and tshark
 * must decode each CM MAD inside its VXLAN frame.
 *
 * Usage: test-cm-rc [seed] */

#include "roce/cm-ip.h"
#include "roce/cm.h"
#include "roce-link.h"
#include "roce-pcap.h"
#include "roce-test.h"

#define SERVICE_PORT 7471
#define N_RBUF 16
#define RBUF_SIZE (ROCE_GRH_LEN + ROCE_MAD_SIZE)
#define DATA_SIZE 8192

enum { ACTIVE, PASSIVE };

struct host {
    int side;
    struct roce_link *l;
    struct roce_pd *pd;
    struct roce_cq *gsi_cq, *rc_scq, *rc_rcq;
    struct roce_qp *gsi, *rc;
    struct roce_ah *ah;             /* To the peer's QP1. */
    uint8_t rbuf[N_RBUF][RBUF_SIZE];
    struct roce_mr *rbuf_mr;
    uint8_t data[2 * DATA_SIZE];    /* Peer writes the first half. */
    struct roce_mr *data_mr;
    struct roce_cm *cm;
    struct roce_cm_id *id;
    uint32_t psn;
    int n_established, n_disconnected, n_timewait_exit, n_rc_recv;
    uint8_t rc_recv_buf[64];
    struct roce_mr *rc_recv_mr;
};

static struct roce_link link_;
static struct host hosts[2];
static struct roce_pcap pcap;

#define VNI_BASE 7000

static void
post_gsi_recv(struct host *h, int i)
{
    struct roce_sge sge = {
        .addr = (uintptr_t) h->rbuf[i], .length = RBUF_SIZE,
        .lkey = roce_mr_lkey(h->rbuf_mr),
    };
    struct roce_recv_wr wr = { .wr_id = i, .sg_list = &sge, .num_sge = 1 };
    struct roce_recv_wr *bad;

    CHECK_EQ(roce_post_recv(h->gsi, &wr, &bad), 0);
}

/* CM output: one UD SEND to the peer's QP1. */
static void
cm_send(void *aux, const struct roce_cm_addr *to, const uint8_t *mad)
{
    struct host *h = aux;
    struct roce_sge sge = { .addr = (uintptr_t) mad,
                            .length = ROCE_MAD_SIZE };
    struct roce_send_wr wr = {
        .sg_list = &sge, .num_sge = 1, .opcode = ROCE_WR_SEND,
        .send_flags = ROCE_SEND_INLINE,
    };
    struct roce_send_wr *bad;

    wr.wr.ud.ah = h->ah;
    wr.wr.ud.remote_qpn = to->qpn;
    wr.wr.ud.remote_qkey = ROCE_GSI_QKEY;
    CHECK_EQ(roce_post_send(h->gsi, &wr, &bad), 0);
}

static void
modify(struct roce_qp *qp, struct roce_qp_attr *a, int mask)
{
    int err = roce_modify_qp(qp, a, mask);

    CHECK_EQ(err, 0);
}

/* INIT -> RTR toward the peer's QP 'dqpn', expecting its PSN 'rq_psn'. */
static void
rc_to_rtr(struct host *h, uint32_t dqpn, uint32_t rq_psn, uint8_t mtu)
{
    struct roce_encap encap, unused;
    struct roce_rx_tuple rx;
    struct roce_qp_attr a;

    link_make_path(h->side, true, VNI_BASE, roce_qp_num(h->rc), dqpn,
                   &encap, NULL);
    link_make_path(1 - h->side, true, VNI_BASE, dqpn, roce_qp_num(h->rc),
                   &unused, &rx);
    memset(&a, 0, sizeof a);
    a.qp_state = ROCE_QPS_RTR;
    a.path_mtu = mtu;
    a.dest_qp_num = dqpn;
    a.rq_psn = rq_psn;
    a.max_dest_rd_atomic = 4;
    a.min_rnr_timer = 1;
    a.encap = &encap;
    a.rx_tuple = rx;
    modify(h->rc, &a, ROCE_QP_STATE | ROCE_QP_AV | ROCE_QP_PATH_MTU
           | ROCE_QP_DEST_QPN | ROCE_QP_RQ_PSN | ROCE_QP_MAX_DEST_RD_ATOMIC
           | ROCE_QP_MIN_RNR_TIMER | ROCE_QP_RX_TUPLE);
}

static void
rc_to_rts(struct host *h, uint8_t ack_timeout, uint8_t retry,
          uint8_t rnr_retry)
{
    struct roce_qp_attr a;

    memset(&a, 0, sizeof a);
    a.qp_state = ROCE_QPS_RTS;
    a.sq_psn = h->psn;
    a.timeout = ack_timeout;
    a.retry_cnt = retry;
    a.rnr_retry = rnr_retry;
    a.max_rd_atomic = 4;
    modify(h->rc, &a, ROCE_QP_STATE | ROCE_QP_SQ_PSN | ROCE_QP_TIMEOUT
           | ROCE_QP_RETRY_CNT | ROCE_QP_RNR_RETRY
           | ROCE_QP_MAX_QP_RD_ATOMIC);
}

static void
cm_event(void *aux, const struct roce_cm_event *ev)
{
    struct host *h = aux;
    uint64_t now = link_.now;

    switch (ev->type) {
    case ROCE_CM_EV_REQ_RECEIVED: {
        const struct roce_cm_req *req = &ev->msg->u.req;
        struct roce_cm_ip_hdr ip;
        struct roce_cm_rep rep;
        uint64_t addr = (uintptr_t) h->data;
        uint32_t rkey = roce_mr_rkey(h->data_mr);

        CHECK_OK(roce_cm_ip_hdr_decode(req->private_data,
                                       ROCE_CM_REQ_PDATA, &ip));
        CHECK_EQ(ip.ip_version, 4);
        h->id = ev->id;
        rc_to_rtr(h, req->local_qpn, req->starting_psn, req->path_mtu);
        memset(&rep, 0, sizeof rep);
        rep.local_qpn = roce_qp_num(h->rc);
        rep.starting_psn = h->psn;
        rep.responder_resources = req->initiator_depth;
        rep.initiator_depth = req->responder_resources;
        rep.target_ack_delay = 8;
        rep.failover_accepted = ROCE_CM_FAILOVER_NOT_SUPPORTED;
        rep.rnr_retry_count = 7;
        /* Advertise the buffer for the peer's RDMA WRITE. */
        roce_put_be64(rep.private_data, addr);
        roce_put_be32(rep.private_data + 8, rkey);
        CHECK_EQ(roce_cm_accept(ev->id, now, &rep), 0);
        break;
    }
    case ROCE_CM_EV_REP_RECEIVED: {
        const struct roce_cm_rep *rep = &ev->msg->u.rep;
        const struct roce_cm_req *req = roce_cm_id_req(ev->id);

        rc_to_rtr(h, rep->local_qpn, rep->starting_psn, req->path_mtu);
        rc_to_rts(h, req->primary.local_ack_timeout, req->retry_count,
                  rep->rnr_retry_count);
        CHECK_EQ(roce_cm_send_rtu(ev->id, now, NULL, 0), 0);
        break;
    }
    case ROCE_CM_EV_ESTABLISHED:
        h->n_established++;
        if (h->side == PASSIVE) {
            const struct roce_cm_req *req = roce_cm_id_req(ev->id);

            rc_to_rts(h, req->primary.local_ack_timeout, req->retry_count,
                      req->rnr_retry_count);
        }
        break;
    case ROCE_CM_EV_DREQ_RECEIVED: {
        struct roce_qp_attr a = { .qp_state = ROCE_QPS_ERR };

        modify(h->rc, &a, ROCE_QP_STATE);
        CHECK_EQ(roce_cm_send_drep(ev->id, now, NULL, 0), 0);
        break;
    }
    case ROCE_CM_EV_DISCONNECTED:
        h->n_disconnected++;
        break;
    case ROCE_CM_EV_TIMEWAIT_EXIT:
        h->n_timewait_exit++;
        break;
    case ROCE_CM_EV_MRA_RECEIVED:
    case ROCE_CM_EV_REJ_RECEIVED:
    case ROCE_CM_EV_TIMEOUT:
        fprintf(stderr, "side %d: unexpected CM event %s\n", h->side,
                roce_cm_event_name(ev->type));
        CHECK(false);
        break;
    }
}

static const struct roce_cm_ops cm_ops = { cm_send, cm_event };

static void
host_init(struct host *h, int side)
{
    struct roce_qp_init_attr ia;
    struct roce_encap encap;
    struct roce_qp_attr a;

    memset(h, 0, sizeof *h);
    h->side = side;
    h->l = &link_;
    h->psn = side == ACTIVE ? 0xfffff0 : 0x123456;  /* Active wraps. */
    h->pd = roce_alloc_pd(link_.eng[side]);
    h->gsi_cq = roce_create_cq(link_.eng[side], 64, NULL);
    h->rc_scq = roce_create_cq(link_.eng[side], 64, NULL);
    h->rc_rcq = roce_create_cq(link_.eng[side], 64, NULL);
    CHECK(h->pd && h->gsi_cq && h->rc_scq && h->rc_rcq);

    /* QP1. */
    memset(&ia, 0, sizeof ia);
    ia.send_cq = ia.recv_cq = h->gsi_cq;
    ia.qp_type = ROCE_QPT_GSI;
    ia.cap.max_send_wr = 32;
    ia.cap.max_recv_wr = N_RBUF;
    ia.cap.max_send_sge = ia.cap.max_recv_sge = 1;
    ia.cap.max_inline_data = ROCE_MAD_SIZE;
    h->gsi = roce_create_qp(h->pd, &ia);
    CHECK(h->gsi != NULL);
    CHECK_EQ(roce_qp_num(h->gsi), ROCE_GSI_QPN);
    memset(&a, 0, sizeof a);
    a.qp_state = ROCE_QPS_INIT;
    a.qkey = ROCE_GSI_QKEY;
    modify(h->gsi, &a, ROCE_QP_STATE | ROCE_QP_QKEY | ROCE_QP_PKEY_INDEX
           | ROCE_QP_PORT);
    a.qp_state = ROCE_QPS_RTR;
    modify(h->gsi, &a, ROCE_QP_STATE);
    a.qp_state = ROCE_QPS_RTS;
    a.sq_psn = 0;
    modify(h->gsi, &a, ROCE_QP_STATE | ROCE_QP_SQ_PSN);
    link_make_path(side, true, VNI_BASE, ROCE_GSI_QPN, ROCE_GSI_QPN, &encap,
                   NULL);
    h->ah = roce_create_ah(h->pd, &encap);
    CHECK(h->ah != NULL);
    h->rbuf_mr = roce_reg_mr(h->pd, h->rbuf, sizeof h->rbuf,
                             ROCE_ACCESS_LOCAL_WRITE);
    CHECK(h->rbuf_mr != NULL);
    for (int i = 0; i < N_RBUF; i++) {
        post_gsi_recv(h, i);
    }

    /* The RC QP the CM will connect, in INIT. */
    memset(&ia, 0, sizeof ia);
    ia.send_cq = h->rc_scq;
    ia.recv_cq = h->rc_rcq;
    ia.qp_type = ROCE_QPT_RC;
    ia.cap.max_send_wr = ia.cap.max_recv_wr = 16;
    ia.cap.max_send_sge = ia.cap.max_recv_sge = 1;
    h->rc = roce_create_qp(h->pd, &ia);
    CHECK(h->rc != NULL);
    memset(&a, 0, sizeof a);
    a.qp_state = ROCE_QPS_INIT;
    a.qp_access_flags = ROCE_ACCESS_REMOTE_WRITE | ROCE_ACCESS_LOCAL_WRITE;
    modify(h->rc, &a, ROCE_QP_STATE | ROCE_QP_ACCESS_FLAGS
           | ROCE_QP_PKEY_INDEX | ROCE_QP_PORT);
    h->data_mr = roce_reg_mr(h->pd, h->data, sizeof h->data,
                             ROCE_ACCESS_ALL);
    h->rc_recv_mr = roce_reg_mr(h->pd, h->rc_recv_buf,
                                sizeof h->rc_recv_buf,
                                ROCE_ACCESS_LOCAL_WRITE);
    CHECK(h->data_mr && h->rc_recv_mr);
    for (size_t i = 0; i < sizeof h->data; i++) {
        h->data[i] = (uint8_t) (i * (side ? 5 : 7) + 3);
    }

    struct roce_cm_config cfg = {
        .local_ca_guid = 0x0200000000000000ULL | (side + 1),
        .seed = 77 + side,
        .packet_lifetime = 10,
    };
    h->cm = roce_cm_create(&cfg, &cm_ops, h);
    CHECK(h->cm != NULL);
}

static void
host_fini(struct host *h)
{
    roce_cm_destroy(h->cm);
}

/* Hands every MAD received on QP1 to the CM; counts RC receives. */
static void
poll_host(struct host *h)
{
    struct roce_wc wc[8];
    int n;

    while ((n = roce_poll_cq(h->gsi_cq, 8, wc)) > 0) {
        for (int i = 0; i < n; i++) {
            if (wc[i].opcode != ROCE_WC_RECV) {
                continue;
            }
            CHECK_EQ(wc[i].status, ROCE_WC_SUCCESS);
            if (wc[i].status == ROCE_WC_SUCCESS) {
                struct roce_cm_addr from = { .qpn = wc[i].src_qp };
                const uint8_t *buf = h->rbuf[wc[i].wr_id];

                CHECK_EQ(wc[i].byte_len, RBUF_SIZE);
                roce_cm_input(h->cm, link_.now, &from, buf + ROCE_GRH_LEN,
                              wc[i].byte_len - ROCE_GRH_LEN);
            }
            post_gsi_recv(h, wc[i].wr_id);
        }
    }
    while ((n = roce_poll_cq(h->rc_rcq, 8, wc)) > 0) {
        for (int i = 0; i < n; i++) {
            CHECK_EQ(wc[i].status, ROCE_WC_SUCCESS);
            h->n_rc_recv++;
        }
    }
    while ((n = roce_poll_cq(h->rc_scq, 8, wc)) > 0) {
        for (int i = 0; i < n; i++) {
            if (wc[i].status != ROCE_WC_SUCCESS) {
                fprintf(stderr, "side %d: send wr %" PRIu64 ": %s\n",
                        h->side, wc[i].wr_id,
                        roce_wc_status_str(wc[i].status));
            }
        }
    }
}

static uint64_t
cm_deadline(void)
{
    uint64_t a = roce_cm_next_deadline(hosts[0].cm);
    uint64_t b = roce_cm_next_deadline(hosts[1].cm);

    return a < b ? a : b;
}

/* Runs link, engines, CQ polling and CM timers in virtual time until
 * 'done' holds or 'until' passes. */
static void
pump(uint64_t until, bool (*done)(void))
{
    while (!done()) {
        uint64_t cmd;

        poll_host(&hosts[0]);
        poll_host(&hosts[1]);
        cmd = cm_deadline();
        if (cmd <= link_.now) {
            roce_cm_run(hosts[0].cm, link_.now);
            roce_cm_run(hosts[1].cm, link_.now);
            continue;
        }
        if (!link_step(&link_, cmd < until ? cmd : until)) {
            if (cmd > until) {
                break;
            }
            link_.now = cmd;
            roce_engine_run(link_.eng[0], link_.now);
            roce_engine_run(link_.eng[1], link_.now);
        }
    }
    poll_host(&hosts[0]);
    poll_host(&hosts[1]);
}

static bool
both_established(void)
{
    return hosts[0].n_established && hosts[1].n_established;
}

static bool
data_arrived(void)
{
    return hosts[0].n_rc_recv && hosts[1].n_rc_recv;
}

static bool
both_idle(void)
{
    return hosts[0].n_timewait_exit && hosts[1].n_timewait_exit;
}

static void
post_rc_recv(struct host *h)
{
    struct roce_sge sge = { .addr = (uintptr_t) h->rc_recv_buf,
                            .length = sizeof h->rc_recv_buf,
                            .lkey = roce_mr_lkey(h->rc_recv_mr) };
    struct roce_recv_wr wr = { .sg_list = &sge, .num_sge = 1 };
    struct roce_recv_wr *bad;

    CHECK_EQ(roce_post_recv(h->rc, &wr, &bad), 0);
}

static void
rc_send(struct host *h, struct roce_send_wr *wr)
{
    struct roce_send_wr *bad;

    CHECK_EQ(roce_post_send(h->rc, wr, &bad), 0);
}

static void
tap(void *aux, int side, const uint8_t *frame, size_t len)
{
    (void) aux;
    (void) side;
    roce_pcap_write(&pcap, frame, len);
}

/* Every CM MAD the engines put on the wire, VXLAN-encapsulated, must be
 * decoded by Wireshark as the message it is. */
static void
check_capture(void)
{
    static const char *const names[] = {
        "CM ConnectRequest", "CM ConnectReply", "CM ReadyToUse",
        "CM DisconnectRequest", "CM DisconnectReply",
    };
    int seen[5] = { 0 };
    int n_mads = 0;
    char *text;

    roce_pcap_close(&pcap);
    text = roce_tshark_text(&pcap);
    for (uint32_t i = 1; i <= pcap.n; i++) {
        char *f = roce_tshark_frame(text, i);

        CHECK(f != NULL);
        if (f && strstr(f, "MAD Header")) {
            n_mads++;
            CHECK(strstr(f, "Virtual eXtensible Local Area Network"));
            CHECK(strstr(f, "(UD) - SEND only"));
            CHECK(!strstr(f, "Malformed"));
            for (int j = 0; j < 5; j++) {
                seen[j] += strstr(f, names[j]) != NULL;
            }
            if (strstr(f, names[0])) {
                CHECK(strstr(f, "Destination Port: 0x1d2f"));
                CHECK(strstr(f, "IP CM Source IP: 10.0.0.1"));
                CHECK(strstr(f, "IP CM Destination IP: 10.0.0.2"));
            }
        }
        free(f);
    }
    printf("   tshark: %u frames, %d CM MADs\n", pcap.n, n_mads);
    CHECK_EQ(n_mads, 5);
    for (int j = 0; j < 5; j++) {
        CHECK_EQ(seen[j], 1);
    }
    free(text);
    roce_pcap_remove(&pcap);
}

static void
run_once(uint64_t seed, double loss, double dup, bool capture)
{
    struct host *a = &hosts[ACTIVE], *p = &hosts[PASSIVE];
    struct roce_cm_req req;
    struct roce_cm_ip_hdr ip = { .ip_version = 4, .src_port = 50000 };
    struct in6_addr vtep, dcn[2];
    struct roce_cm_addr to = { .qpn = ROCE_GSI_QPN };
    uint64_t limit;

    printf("-- loss %.2f dup %.2f\n", loss, dup);
    link_init(&link_, seed, NULL);
    host_init(a, ACTIVE);
    host_init(p, PASSIVE);
    link_.loss = loss;
    link_.dup = dup;
    if (capture) {
        CHECK(roce_pcap_open(&pcap));
        link_.tap = tap;
    }

    struct roce_cm_id *listener = roce_cm_id_create(p->cm, NULL);
    uint64_t sid = roce_cm_ip_service_id(ROCE_RDMA_PS_TCP, SERVICE_PORT);
    CHECK_EQ(roce_cm_listen(listener, sid), 0);

    link_host_addrs(0, &vtep, &dcn[0]);
    link_host_addrs(1, &vtep, &dcn[1]);
    memset(&req, 0, sizeof req);
    req.service_id = sid;
    req.local_qpn = roce_qp_num(a->rc);
    req.starting_psn = a->psn;
    req.responder_resources = 4;
    req.initiator_depth = 4;
    req.remote_cm_response_timeout = 18;    /* ~1 s */
    req.local_cm_response_timeout = 18;
    req.transport_service_type = ROCE_CM_TST_RC;
    req.retry_count = 7;
    req.rnr_retry_count = 7;
    req.pkey = ROCE_DEFAULT_PKEY;
    req.path_mtu = ROCE_MTU_1024;
    req.max_cm_retries = 15;
    req.primary.local_lid = req.primary.remote_lid = 0xffff;
    memcpy(req.primary.local_gid, &dcn[0], 16);
    memcpy(req.primary.remote_gid, &dcn[1], 16);
    req.primary.hop_limit = 64;
    req.primary.local_ack_timeout = 12;
    memcpy(ip.src_ip, &dcn[0], 16);
    memcpy(ip.dst_ip, &dcn[1], 16);
    CHECK_OK(roce_cm_ip_hdr_encode(&ip, req.private_data,
                                   sizeof req.private_data));
    a->id = roce_cm_id_create(a->cm, NULL);
    CHECK_EQ(roce_cm_connect(a->id, link_.now, &to, &req), 0);

    limit = link_.now + 600ULL * 1000000000;
    pump(limit, both_established);
    CHECK(both_established());
    if (!both_established()) {
        link_dump_stats(&link_);
    }
    CHECK_EQ(qp_state(a->rc), ROCE_QPS_RTS);
    CHECK_EQ(qp_state(p->rc), ROCE_QPS_RTS);
    if (!both_established()) {
        goto out;
    }
    CHECK_EQ(roce_cm_id_state(a->id), ROCE_CM_ESTABLISHED);
    CHECK_EQ(roce_cm_id_state(p->id), ROCE_CM_ESTABLISHED);
    CHECK_EQ(roce_cm_id_rep(a->id)->local_qpn, roce_qp_num(p->rc));
    CHECK_EQ(roce_cm_id_req(p->id)->local_qpn, roce_qp_num(a->rc));

    /* Active -> passive: RDMA WRITE into the advertised buffer, then a
     * SEND; passive -> active: a SEND. */
    const struct roce_cm_rep *rep = roce_cm_id_rep(a->id);
    post_rc_recv(a);
    post_rc_recv(p);

    struct roce_sge wsge = { .addr = (uintptr_t) a->data,
                             .length = DATA_SIZE,
                             .lkey = roce_mr_lkey(a->data_mr) };
    struct roce_send_wr w = { .wr_id = 1, .sg_list = &wsge, .num_sge = 1,
                              .opcode = ROCE_WR_RDMA_WRITE };
    w.wr.rdma.remote_addr = roce_get_be64(rep->private_data);
    w.wr.rdma.rkey = roce_get_be32(rep->private_data + 8);
    rc_send(a, &w);

    struct roce_sge ssge = { .addr = (uintptr_t) a->data, .length = 16,
                             .lkey = roce_mr_lkey(a->data_mr) };
    struct roce_send_wr s = { .wr_id = 2, .sg_list = &ssge, .num_sge = 1,
                              .opcode = ROCE_WR_SEND };
    rc_send(a, &s);
    struct roce_sge psge = { .addr = (uintptr_t) p->data + DATA_SIZE + 100,
                             .length = 16,
                             .lkey = roce_mr_lkey(p->data_mr) };
    struct roce_send_wr ps = { .wr_id = 3, .sg_list = &psge, .num_sge = 1,
                               .opcode = ROCE_WR_SEND };
    rc_send(p, &ps);

    pump(link_.now + 600ULL * 1000000000, data_arrived);
    CHECK_EQ(p->n_rc_recv, 1);
    CHECK_EQ(a->n_rc_recv, 1);
    CHECK(!memcmp(p->data, a->data, DATA_SIZE));
    CHECK(!memcmp(p->rc_recv_buf, a->data, 16));
    CHECK(!memcmp(a->rc_recv_buf, p->data + DATA_SIZE + 100, 16));

    /* Release. */
    CHECK_EQ(roce_cm_disconnect(a->id, link_.now, NULL, 0), 0);
    pump(link_.now + 600ULL * 1000000000, both_idle);
    CHECK_EQ(a->n_disconnected, 1);
    CHECK(both_idle());
    CHECK_EQ(roce_cm_id_state(a->id), ROCE_CM_IDLE);
    CHECK_EQ(roce_cm_id_state(p->id), ROCE_CM_IDLE);
    CHECK_EQ(qp_state(p->rc), ROCE_QPS_ERR);
    CHECK_EQ(a->n_established, 1);
    CHECK_EQ(p->n_established, 1);
    printf("   frames: active sent %" PRIu64 " (%" PRIu64 " lost), "
           "passive %" PRIu64 " (%" PRIu64 " lost)\n",
           link_.dir[0].sent, link_.dir[0].lost, link_.dir[1].sent,
           link_.dir[1].lost);
    if (capture) {
        check_capture();
    }

out:
    host_fini(a);
    host_fini(p);
    link_destroy(&link_);
}

int
main(int argc, char *argv[])
{
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 0x5eed;

    bool tshark = roce_tshark_available();

    if (!tshark) {
        printf("tshark not found: not checking the capture\n");
    }
    run_once(seed, 0, 0, tshark);
    run_once(seed + 1, 0.2, 0.1, false);
    run_once(seed + 2, 0.4, 0.2, false);
    return roce_test_exit();
}
