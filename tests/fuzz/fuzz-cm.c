/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* libFuzzer harness for the CM: the MAD and CM message decoders, the
 * A11 IP CM header decoder, and two CM state machines joined by a network
 * the input controls (deliver, drop, duplicate, corrupt, inject raw MADs,
 * advance time, consumer actions).
 *
 * Checked properties, beyond ASan/UBSan: whatever decodes re-encodes, and
 * decodes again to the same message; the state machines never emit a MAD
 * that does not decode; deadlines never lie in the past after
 * roce_cm_run(). */

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "roce/cm-ip.h"
#include "roce/cm.h"

#define MAX_FLIGHT 64
#define MAX_IDS 32

struct flight {
    int to;
    uint8_t mad[ROCE_MAD_SIZE];
};

struct fz {
    struct roce_cm *cm[2];
    struct roce_cm_id *ids[2][MAX_IDS];
    int n_ids[2];
    struct flight net[MAX_FLIGHT];
    int n_net;
    uint64_t now;
};

static struct fz *cur;

static void
check_codec(const uint8_t *mad, size_t len)
{
    struct roce_cm_msg msg, msg2;
    uint8_t out[ROCE_MAD_SIZE];

    if (roce_cm_msg_decode(mad, len, &msg)) {
        return;
    }
    if (roce_cm_msg_encode(&msg, out)
        || roce_cm_msg_decode(out, sizeof out, &msg2)
        || memcmp(&msg, &msg2, sizeof msg)) {
        abort();
    }
    if (msg.attr_id == ROCE_CM_ATTR_REQ) {
        struct roce_cm_ip_hdr ip;
        uint8_t pdata[ROCE_CM_REQ_PDATA];

        if (!roce_cm_ip_hdr_decode(msg.u.req.private_data,
                                   ROCE_CM_REQ_PDATA, &ip)) {
            memcpy(pdata, msg.u.req.private_data, sizeof pdata);
            if (roce_cm_ip_hdr_encode(&ip, pdata, sizeof pdata)) {
                abort();
            }
        }
    }
}

static int
side_of(void *aux)
{
    return aux == &cur->cm[0] ? 0 : 1;
}

static void
on_send(void *aux, const struct roce_cm_addr *to, const uint8_t *mad)
{
    struct roce_cm_msg msg;
    int side = side_of(aux);

    (void) to;
    if (roce_cm_msg_decode(mad, ROCE_MAD_SIZE, &msg)) {
        abort();                /* The CM sent something malformed. */
    }
    if (cur->n_net < MAX_FLIGHT) {
        cur->net[cur->n_net].to = !side;
        memcpy(cur->net[cur->n_net].mad, mad, ROCE_MAD_SIZE);
        cur->n_net++;
    }
}

/* Remembers 'id' for consumer actions; destroys it if there is no room
 * (returning false: the caller must not use it any more). */
static bool
add_id(int side, struct roce_cm_id *id)
{
    if (cur->n_ids[side] < MAX_IDS) {
        cur->ids[side][cur->n_ids[side]++] = id;
        return true;
    }
    roce_cm_id_destroy(id, cur->now);
    return false;
}

static void
forget_id(int side, struct roce_cm_id *id)
{
    for (int i = 0; i < cur->n_ids[side]; i++) {
        if (cur->ids[side][i] == id) {
            cur->ids[side][i] = cur->ids[side][--cur->n_ids[side]];
            return;
        }
    }
}

static void
on_event(void *aux, const struct roce_cm_event *ev)
{
    if (ev->type == ROCE_CM_EV_REQ_RECEIVED) {
        add_id(side_of(aux), ev->id);
    }
}

static const struct roce_cm_ops ops = { on_send, on_event };

/* Input reader. */
struct in {
    const uint8_t *p;
    size_t n;
};

static uint8_t
byte(struct in *in)
{
    if (!in->n) {
        return 0;
    }
    in->n--;
    return *in->p++;
}

static void
connect_from(int side, uint8_t knob)
{
    struct roce_cm_id *id = roce_cm_id_create(cur->cm[side], NULL);
    struct roce_cm_addr to = { .qpn = 1 };
    struct roce_cm_req req = { 0 };

    if (!id) {
        return;
    }
    req.service_id = roce_cm_ip_service_id(ROCE_RDMA_PS_TCP, knob & 1);
    req.local_qpn = 0x100 + knob;
    req.starting_psn = knob * 0x10101;
    req.remote_cm_response_timeout = knob % 24;
    req.local_cm_response_timeout = (knob >> 3) % 24;
    req.path_mtu = 1 + knob % 5;
    req.max_cm_retries = knob % 16;
    req.primary.local_ack_timeout = knob % 32;
    if (add_id(side, id)) {
        roce_cm_connect(id, cur->now, &to, &req);
    }
}

static void
consumer_action(struct in *in)
{
    int side = byte(in) & 1;
    uint8_t sel = byte(in), act = byte(in);
    struct roce_cm_id *id;
    struct roce_cm_rep rep = { .local_qpn = 0x200 + sel, .starting_psn = 7,
                               .rnr_retry_count = act & 7 };

    if (!cur->n_ids[side]) {
        return;
    }
    id = cur->ids[side][sel % cur->n_ids[side]];
    switch (act % 10) {
    case 0:
        roce_cm_accept(id, cur->now, &rep);
        break;
    case 1:
        roce_cm_reject(id, cur->now, act, "x", 1);
        break;
    case 2:
        roce_cm_send_mra(id, cur->now, act % 33);
        break;
    case 3:
        roce_cm_send_rtu(id, cur->now, NULL, 0);
        break;
    case 4:
        roce_cm_disconnect(id, cur->now, NULL, 0);
        break;
    case 5:
        roce_cm_send_drep(id, cur->now, NULL, 0);
        break;
    case 6:
        roce_cm_notify_established(id, cur->now);
        break;
    case 7:
        forget_id(side, id);
        roce_cm_id_destroy(id, cur->now);
        break;
    case 8:
        roce_cm_listen(id, roce_cm_ip_service_id(ROCE_RDMA_PS_TCP,
                                                 act & 1));
        break;
    default:
        (void) roce_cm_id_state(id);
        (void) roce_cm_id_req(id)->local_qpn;
        (void) roce_cm_id_rep(id)->local_qpn;
        break;
    }
}

static void
run_timers(void)
{
    for (int s = 0; s < 2; s++) {
        roce_cm_run(cur->cm[s], cur->now);
        if (roce_cm_next_deadline(cur->cm[s]) <= cur->now) {
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz fz;
    struct in in = { data, size };

    /* Stateless decoders first, on the raw input. */
    check_codec(data, size);
    if (size >= ROCE_CM_IP_HDR_SIZE) {
        struct roce_cm_ip_hdr ip;

        roce_cm_ip_hdr_decode(data, size, &ip);
    }

    memset(&fz, 0, sizeof fz);
    cur = &fz;
    fz.now = 1000000000;
    for (int s = 0; s < 2; s++) {
        struct roce_cm_config cfg = {
            .local_ca_guid = 0x1000 + s, .seed = 1 + s,
            .packet_lifetime = 8,
        };
        struct roce_cm_id *l;

        fz.cm[s] = roce_cm_create(&cfg, &ops, &fz.cm[s]);
        l = roce_cm_id_create(fz.cm[s], NULL);
        roce_cm_listen(l, roce_cm_ip_service_id(ROCE_RDMA_PS_TCP, 0));
        add_id(s, l);
    }

    while (in.n) {
        uint8_t op = byte(&in);

        switch (op % 8) {
        case 0:                 /* Deliver the oldest MAD in flight. */
        case 1:                 /* Drop it. */
        case 2:                 /* Deliver it twice. */
        case 3: {               /* Corrupt a byte, then deliver it. */
            struct flight f;
            int times = op % 8 == 1 ? 0 : op % 8 == 2 ? 2 : 1;

            if (!fz.n_net) {
                break;
            }
            f = fz.net[0];
            memmove(fz.net, fz.net + 1, --fz.n_net * sizeof fz.net[0]);
            if (op % 8 == 3) {
                uint8_t pos = byte(&in);

                f.mad[pos] ^= byte(&in);
                check_codec(f.mad, ROCE_MAD_SIZE);
            }
            for (int i = 0; i < times; i++) {
                struct roce_cm_addr from = { .qpn = 1 };

                roce_cm_input(fz.cm[f.to], fz.now, &from, f.mad,
                              ROCE_MAD_SIZE);
            }
            break;
        }
        case 4:                 /* Time passes. */
            fz.now += UINT64_C(1) << (byte(&in) % 40);
            run_timers();
            break;
        case 5:
            consumer_action(&in);
            break;
        case 6: {               /* Inject a raw MAD with a CM header. */
            uint8_t mad[ROCE_MAD_SIZE] = { 1, 7, 2, 3 };
            struct roce_cm_addr from = { .qpn = 1 };
            int side = byte(&in) & 1;
            size_t n;

            mad[17] = 0x10 + byte(&in) % 7;
            n = in.n < ROCE_MAD_DATA_SIZE ? in.n : ROCE_MAD_DATA_SIZE;
            memcpy(mad + ROCE_MAD_HDR_SIZE, in.p, n);
            in.p += n;
            in.n -= n;
            check_codec(mad, sizeof mad);
            roce_cm_input(fz.cm[side], fz.now, &from, mad, sizeof mad);
            break;
        }
        case 7:
            connect_from(byte(&in) & 1, byte(&in));
            break;
        }
    }

    roce_cm_destroy(fz.cm[0]);
    roce_cm_destroy(fz.cm[1]);
    cur = NULL;
    return 0;
}
