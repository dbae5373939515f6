/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include "roce/cm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NO_DEADLINE UINT64_MAX

struct roce_cm_id {
    struct roce_cm *cm;
    struct roce_cm_id *prev, *next;     /* In cm->ids. */
    void *context;

    enum roce_cm_state state;
    bool active;                /* We sent the REQ. */
    uint64_t service_id;        /* LISTEN only. */
    uint32_t local_comm_id;
    uint32_t remote_comm_id;
    uint64_t remote_ca_guid;
    struct roce_cm_addr addr;   /* Peer's QP1. */
    uint64_t tid;               /* Of the REQ/REP/RTU exchange. */
    uint64_t dreq_tid;

    struct roce_cm_req req;     /* As sent (active) or received. */
    struct roce_cm_rep rep;     /* As received (active) or sent. */

    /* The REQ, REP or DREQ awaiting its answer, retransmitted when
     * 'deadline' passes while 'retries_left' allows.  TIMEWAIT uses
     * 'deadline' for its end. */
    uint8_t retx_mad[ROCE_MAD_SIZE];
    bool retx_armed;
    uint64_t deadline;
    uint64_t retx_timeout;
    unsigned int retries_left;

    /* Our last MRA, RTU or DREP, sent again when the message it answers
     * arrives again. */
    uint8_t reply_mad[ROCE_MAD_SIZE];
    uint16_t reply_attr;        /* 0 if none. */
};

struct roce_cm {
    struct roce_cm_config cfg;
    struct roce_cm_ops ops;
    void *aux;
    struct roce_cm_id *ids;     /* Doubly linked, NULL-terminated. */
    size_t n_ids;
    uint32_t rng;
};

/* Creates a CM for one port.  Returns NULL if out of memory. */
struct roce_cm *
roce_cm_create(const struct roce_cm_config *cfg,
               const struct roce_cm_ops *ops, void *aux)
{
    struct roce_cm *cm = calloc(1, sizeof *cm);

    if (cm) {
        cm->cfg = *cfg;
        cm->ops = *ops;
        cm->aux = aux;
        cm->rng = cfg->seed ? cfg->seed : 0x2545f491;
    }
    return cm;
}

/* Frees 'cm' and all its IDs without sending anything. */
void
roce_cm_destroy(struct roce_cm *cm)
{
    if (cm) {
        while (cm->ids) {
            struct roce_cm_id *next = cm->ids->next;

            free(cm->ids);
            cm->ids = next;
        }
        free(cm);
    }
}

/* xorshift32: Comm IDs and TIDs need only be unlikely to repeat across
 * restarts (the caller seeds), not unpredictable. */
static uint32_t
cm_random(struct roce_cm *cm)
{
    uint32_t x = cm->rng;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    cm->rng = x;
    return x;
}

static uint64_t
pkt_life_ns(const struct roce_cm *cm)
{
    return roce_cm_timeout_ns(cm->cfg.packet_lifetime);
}

static struct roce_cm_id *
find_by_local_id(struct roce_cm *cm, uint32_t local_comm_id)
{
    for (struct roce_cm_id *id = cm->ids; id; id = id->next) {
        if (id->state != ROCE_CM_LISTEN && id->state != ROCE_CM_IDLE
            && id->local_comm_id == local_comm_id) {
            return id;
        }
    }
    return NULL;
}

/* The ID a REQ from ('remote_comm_id', 'remote_ca_guid') already created,
 * if any: how duplicate REQs are recognized (IBTA Vol 1 12.9). */
static struct roce_cm_id *
find_by_remote(struct roce_cm *cm, uint32_t remote_comm_id,
               uint64_t remote_ca_guid)
{
    for (struct roce_cm_id *id = cm->ids; id; id = id->next) {
        if (!id->active && id->state != ROCE_CM_LISTEN
            && id->state != ROCE_CM_IDLE
            && id->remote_comm_id == remote_comm_id
            && id->remote_ca_guid == remote_ca_guid) {
            return id;
        }
    }
    return NULL;
}

static struct roce_cm_id *
find_listener(struct roce_cm *cm, uint64_t service_id)
{
    for (struct roce_cm_id *id = cm->ids; id; id = id->next) {
        if (id->state == ROCE_CM_LISTEN && id->service_id == service_id) {
            return id;
        }
    }
    return NULL;
}

static uint32_t
new_comm_id(struct roce_cm *cm)
{
    uint32_t comm_id;

    do {
        comm_id = cm_random(cm);
    } while (!comm_id || find_by_local_id(cm, comm_id));
    return comm_id;
}

static void
emit(struct roce_cm *cm, enum roce_cm_event_type type,
     struct roce_cm_id *id, struct roce_cm_id *listen_id,
     const struct roce_cm_msg *msg)
{
    struct roce_cm_event ev = {
        .type = type, .id = id, .listen_id = listen_id, .msg = msg,
    };

    if (cm->ops.event) {
        cm->ops.event(cm->aux, &ev);
    }
}

/* Encodes and sends 'msg' to 'to'; if 'copy' is nonnull, also keeps the
 * MAD there for retransmission.  Messages the CM builds itself always
 * encode; those carrying consumer-supplied fields (REQ, REP) were already
 * encoded once by roce_cm_connect()/roce_cm_accept() before any state
 * changed, which is where a bad field is refused. */
static void
send_msg(struct roce_cm *cm, const struct roce_cm_addr *to,
         const struct roce_cm_msg *msg, uint8_t *copy)
{
    uint8_t mad[ROCE_MAD_SIZE];

    if (roce_cm_msg_encode(msg, mad)) {
        return;
    }
    if (copy) {
        memcpy(copy, mad, ROCE_MAD_SIZE);
    }
    cm->ops.send(cm->aux, to, mad);
}

static void
keep_reply(struct roce_cm_id *id, const struct roce_cm_msg *msg)
{
    if (!roce_cm_msg_encode(msg, id->reply_mad)) {
        id->reply_attr = msg->attr_id;
    }
}

static void
resend_reply(struct roce_cm_id *id, uint16_t attr_id)
{
    if (id->reply_attr == attr_id) {
        id->cm->ops.send(id->cm->aux, &id->addr, id->reply_mad);
    }
}

static void
arm(struct roce_cm_id *id, uint64_t now, uint8_t response_timeout,
    unsigned int retries)
{
    id->retx_armed = true;
    id->retx_timeout = (roce_cm_timeout_ns(response_timeout)
                        + 2 * pkt_life_ns(id->cm));
    id->deadline = now + id->retx_timeout;
    id->retries_left = retries;
}

static void
disarm(struct roce_cm_id *id)
{
    id->retx_armed = false;
    id->deadline = NO_DEADLINE;
}

/* How long a QP must stay quiet after a connection ends, so that stray
 * packets of the old connection die out: twice the packet lifetime plus
 * the local ACK timeout of the path. */
static void
enter_timewait(struct roce_cm_id *id, uint64_t now)
{
    id->retx_armed = false;
    id->state = ROCE_CM_TIMEWAIT;
    id->deadline = (now + 2 * pkt_life_ns(id->cm)
                    + roce_cm_timeout_ns(id->req.primary.local_ack_timeout));
}

static void
enter_idle(struct roce_cm_id *id)
{
    disarm(id);
    id->state = ROCE_CM_IDLE;
    id->reply_attr = 0;
}

/* The peer's CM Response Timeout: how long to wait for its answers. */
static uint8_t
peer_response_timeout(const struct roce_cm_id *id)
{
    return (id->active ? id->req.remote_cm_response_timeout
            : id->req.local_cm_response_timeout);
}

static void
copy_pdata(uint8_t *dst, size_t size, const void *pdata, size_t len)
{
    memset(dst, 0, size);
    if (len) {
        memcpy(dst, pdata, len);
    }
}

static void
send_rej(struct roce_cm_id *id, uint8_t message_rejected, uint16_t reason,
         const void *pdata, size_t pdata_len)
{
    struct roce_cm_msg msg = { .attr_id = ROCE_CM_ATTR_REJ, .tid = id->tid };

    msg.u.rej.local_comm_id = id->local_comm_id;
    msg.u.rej.remote_comm_id = id->remote_comm_id;
    msg.u.rej.message_rejected = message_rejected;
    msg.u.rej.reason = reason;
    copy_pdata(msg.u.rej.private_data, ROCE_CM_REJ_PDATA, pdata, pdata_len);
    send_msg(id->cm, &id->addr, &msg, NULL);
}

/* ---- Consumer calls. ---- */

/* Creates an IDLE CM ID carrying the consumer's 'context'. */
struct roce_cm_id *
roce_cm_id_create(struct roce_cm *cm, void *context)
{
    struct roce_cm_id *id = calloc(1, sizeof *id);

    if (id) {
        id->cm = cm;
        id->context = context;
        id->state = ROCE_CM_IDLE;
        id->deadline = NO_DEADLINE;
        id->next = cm->ids;
        if (cm->ids) {
            cm->ids->prev = id;
        }
        cm->ids = id;
        cm->n_ids++;
    }
    return id;
}

/* Destroys 'id'.  A connection still being set up is rejected and an
 * established one is sent a DREQ (without waiting for the DREP), so that
 * the peer does not wait for timeouts, as Linux's ib_destroy_cm_id()
 * does. */
void
roce_cm_id_destroy(struct roce_cm_id *id, uint64_t now)
{
    struct roce_cm *cm = id->cm;

    switch (id->state) {
    case ROCE_CM_REQ_SENT:
    case ROCE_CM_MRA_REQ_RCVD:
        send_rej(id, ROCE_CM_MSG_OTHER, ROCE_CM_REJ_TIMEOUT, NULL, 0);
        break;
    case ROCE_CM_REQ_RCVD:
    case ROCE_CM_MRA_REQ_SENT:
    case ROCE_CM_REP_RCVD:
    case ROCE_CM_MRA_REP_SENT:
    case ROCE_CM_REP_SENT:
    case ROCE_CM_MRA_REP_RCVD:
        roce_cm_reject(id, now, ROCE_CM_REJ_CONSUMER_DEFINED, NULL, 0);
        break;
    case ROCE_CM_ESTABLISHED:
        roce_cm_disconnect(id, now, NULL, 0);
        break;
    case ROCE_CM_DREQ_RCVD:
        roce_cm_send_drep(id, now, NULL, 0);
        break;
    case ROCE_CM_IDLE:
    case ROCE_CM_LISTEN:
    case ROCE_CM_DREQ_SENT:
    case ROCE_CM_TIMEWAIT:
        break;
    }

    if (id->prev) {
        id->prev->next = id->next;
    } else {
        cm->ids = id->next;
    }
    if (id->next) {
        id->next->prev = id->prev;
    }
    cm->n_ids--;
    free(id);
}

/* Makes IDLE 'id' listen for REQs to 'service_id'.  Returns 0, EINVAL if
 * 'id' is not IDLE, or EADDRINUSE if another ID listens there. */
int
roce_cm_listen(struct roce_cm_id *id, uint64_t service_id)
{
    if (id->state != ROCE_CM_IDLE) {
        return EINVAL;
    }
    if (find_listener(id->cm, service_id)) {
        return EADDRINUSE;
    }
    id->state = ROCE_CM_LISTEN;
    id->service_id = service_id;
    return 0;
}

/* Sends a REQ built from 'req' to the CM at 'to'.  The CM fills in the
 * Local Comm ID and Local CA GUID; everything else (QPN, starting PSN,
 * path, timeouts, Max CM Retries, private data) is the caller's.  Returns
 * 0, or EINVAL if 'id' is not IDLE or a field of 'req' is invalid. */
int
roce_cm_connect(struct roce_cm_id *id, uint64_t now,
                const struct roce_cm_addr *to, const struct roce_cm_req *req)
{
    struct roce_cm *cm = id->cm;
    struct roce_cm_msg msg = { .attr_id = ROCE_CM_ATTR_REQ };
    uint8_t mad[ROCE_MAD_SIZE];

    if (id->state != ROCE_CM_IDLE) {
        return EINVAL;
    }
    msg.u.req = *req;
    msg.u.req.local_ca_guid = cm->cfg.local_ca_guid;
    if (roce_cm_msg_encode(&msg, mad)) {
        return EINVAL;
    }

    id->active = true;
    id->local_comm_id = new_comm_id(cm);
    id->remote_comm_id = 0;
    id->addr = *to;
    id->tid = ((uint64_t) cm_random(cm) << 32) | cm_random(cm);
    id->reply_attr = 0;
    msg.tid = id->tid;
    msg.u.req.local_comm_id = id->local_comm_id;
    id->req = msg.u.req;
    id->state = ROCE_CM_REQ_SENT;
    arm(id, now, req->remote_cm_response_timeout, req->max_cm_retries);
    send_msg(cm, &id->addr, &msg, id->retx_mad);
    return 0;
}

/* Accepts the REQ that created 'id' by sending a REP built from 'rep'
 * (the CM fills in both Comm IDs and the Local CA GUID).  Returns 0, or
 * EINVAL if 'id' is not in REQ_RCVD/MRA_REQ_SENT or 'rep' is invalid. */
int
roce_cm_accept(struct roce_cm_id *id, uint64_t now,
               const struct roce_cm_rep *rep)
{
    struct roce_cm_msg msg = { .attr_id = ROCE_CM_ATTR_REP, .tid = id->tid };
    uint8_t mad[ROCE_MAD_SIZE];

    if (id->state != ROCE_CM_REQ_RCVD && id->state != ROCE_CM_MRA_REQ_SENT) {
        return EINVAL;
    }
    msg.u.rep = *rep;
    msg.u.rep.local_comm_id = id->local_comm_id;
    msg.u.rep.remote_comm_id = id->remote_comm_id;
    msg.u.rep.local_ca_guid = id->cm->cfg.local_ca_guid;
    if (roce_cm_msg_encode(&msg, mad)) {
        return EINVAL;
    }
    id->rep = msg.u.rep;
    id->state = ROCE_CM_REP_SENT;
    id->reply_attr = 0;
    arm(id, now, peer_response_timeout(id), id->req.max_cm_retries);
    send_msg(id->cm, &id->addr, &msg, id->retx_mad);
    return 0;
}

/* Rejects the REQ (passive, before accepting) or the REP (active, before
 * the RTU) with 'reason' and up to ROCE_CM_REJ_PDATA bytes of private
 * data.  Returns 0 or EINVAL. */
int
roce_cm_reject(struct roce_cm_id *id, uint64_t now, uint16_t reason,
               const void *pdata, size_t pdata_len)
{
    uint8_t rejected;

    if (pdata_len > ROCE_CM_REJ_PDATA) {
        return EINVAL;
    }
    if (id->state == ROCE_CM_REQ_RCVD || id->state == ROCE_CM_MRA_REQ_SENT) {
        rejected = ROCE_CM_MSG_REQ;
    } else if (id->state == ROCE_CM_REP_RCVD
               || id->state == ROCE_CM_MRA_REP_SENT) {
        rejected = ROCE_CM_MSG_REP;
    } else if (id->state == ROCE_CM_REP_SENT
               || id->state == ROCE_CM_MRA_REP_RCVD) {
        rejected = ROCE_CM_MSG_OTHER;
    } else {
        return EINVAL;
    }
    send_rej(id, rejected, reason, pdata, pdata_len);
    if (rejected == ROCE_CM_MSG_REQ) {
        /* Our QP never saw the peer: nothing to wait out. */
        enter_idle(id);
    } else {
        enter_timewait(id, now);
    }
    return 0;
}

/* Tells the peer that answering its REQ (passive) or REP (active) will
 * take up to 4.096 us * 2^service_timeout.  Returns 0 or EINVAL. */
int
roce_cm_send_mra(struct roce_cm_id *id, uint64_t now,
                 uint8_t service_timeout)
{
    struct roce_cm_msg msg = { .attr_id = ROCE_CM_ATTR_MRA, .tid = id->tid };

    (void) now;                 /* MRA starts no timer of ours. */

    if (service_timeout > 31) {
        return EINVAL;
    }
    if (id->state == ROCE_CM_REQ_RCVD) {
        msg.u.mra.message_mraed = ROCE_CM_MSG_REQ;
        id->state = ROCE_CM_MRA_REQ_SENT;
    } else if (id->state == ROCE_CM_REP_RCVD) {
        msg.u.mra.message_mraed = ROCE_CM_MSG_REP;
        id->state = ROCE_CM_MRA_REP_SENT;
    } else {
        return EINVAL;
    }
    msg.u.mra.local_comm_id = id->local_comm_id;
    msg.u.mra.remote_comm_id = id->remote_comm_id;
    msg.u.mra.service_timeout = service_timeout;
    keep_reply(id, &msg);
    send_msg(id->cm, &id->addr, &msg, NULL);
    return 0;
}

/* Active side: sends the RTU once the QP is in RTS, completing the
 * connection.  Returns 0 or EINVAL. */
int
roce_cm_send_rtu(struct roce_cm_id *id, uint64_t now,
                 const void *pdata, size_t pdata_len)
{
    struct roce_cm_msg msg = { .attr_id = ROCE_CM_ATTR_RTU, .tid = id->tid };

    (void) now;
    if ((id->state != ROCE_CM_REP_RCVD && id->state != ROCE_CM_MRA_REP_SENT)
        || pdata_len > ROCE_CM_RTU_PDATA) {
        return EINVAL;
    }
    msg.u.rtu.local_comm_id = id->local_comm_id;
    msg.u.rtu.remote_comm_id = id->remote_comm_id;
    copy_pdata(msg.u.rtu.private_data, ROCE_CM_RTU_PDATA, pdata, pdata_len);
    id->state = ROCE_CM_ESTABLISHED;
    keep_reply(id, &msg);
    send_msg(id->cm, &id->addr, &msg, NULL);
    emit(id->cm, ROCE_CM_EV_ESTABLISHED, id, NULL, NULL);
    return 0;
}

/* Passive side: the QP received its first packet while the CM still
 * waited for the RTU, which proves the active side is in RTS (IBTA
 * Vol 1 12.9, "communication established" event).  Returns 0 or EINVAL. */
int
roce_cm_notify_established(struct roce_cm_id *id, uint64_t now)
{
    (void) now;
    if (id->state != ROCE_CM_REP_SENT && id->state != ROCE_CM_MRA_REP_RCVD) {
        return EINVAL;
    }
    disarm(id);
    id->state = ROCE_CM_ESTABLISHED;
    emit(id->cm, ROCE_CM_EV_ESTABLISHED, id, NULL, NULL);
    return 0;
}

/* Starts releasing an established connection by sending a DREQ.  Returns
 * 0 or EINVAL. */
int
roce_cm_disconnect(struct roce_cm_id *id, uint64_t now,
                   const void *pdata, size_t pdata_len)
{
    struct roce_cm *cm = id->cm;
    struct roce_cm_msg msg = { .attr_id = ROCE_CM_ATTR_DREQ };

    if (id->state != ROCE_CM_ESTABLISHED || pdata_len > ROCE_CM_DREQ_PDATA) {
        return EINVAL;
    }
    id->dreq_tid = ((uint64_t) cm_random(cm) << 32) | cm_random(cm);
    msg.tid = id->dreq_tid;
    msg.u.dreq.local_comm_id = id->local_comm_id;
    msg.u.dreq.remote_comm_id = id->remote_comm_id;
    msg.u.dreq.remote_qpn_eecn = (id->active ? id->rep.local_qpn
                                  : id->req.local_qpn);
    copy_pdata(msg.u.dreq.private_data, ROCE_CM_DREQ_PDATA, pdata,
               pdata_len);
    id->state = ROCE_CM_DREQ_SENT;
    id->reply_attr = 0;
    arm(id, now, peer_response_timeout(id), id->req.max_cm_retries);
    send_msg(cm, &id->addr, &msg, id->retx_mad);
    return 0;
}

static void
send_drep(struct roce_cm_id *id, uint64_t tid, const void *pdata,
          size_t pdata_len)
{
    struct roce_cm_msg msg = { .attr_id = ROCE_CM_ATTR_DREP, .tid = tid };

    msg.u.drep.local_comm_id = id->local_comm_id;
    msg.u.drep.remote_comm_id = id->remote_comm_id;
    copy_pdata(msg.u.drep.private_data, ROCE_CM_DREP_PDATA, pdata,
               pdata_len);
    keep_reply(id, &msg);
    send_msg(id->cm, &id->addr, &msg, NULL);
}

/* Answers the peer's DREQ once the QP is flushed, entering TIMEWAIT.
 * Returns 0 or EINVAL. */
int
roce_cm_send_drep(struct roce_cm_id *id, uint64_t now,
                  const void *pdata, size_t pdata_len)
{
    if (id->state != ROCE_CM_DREQ_RCVD || pdata_len > ROCE_CM_DREP_PDATA) {
        return EINVAL;
    }
    send_drep(id, id->dreq_tid, pdata, pdata_len);
    enter_timewait(id, now);
    return 0;
}

/* ---- Received MADs. ---- */

/* A REQ for which no ID exists: REJ it without creating state. */
static void
reject_unknown_req(struct roce_cm *cm, const struct roce_cm_addr *from,
                   const struct roce_cm_msg *req, uint16_t reason)
{
    struct roce_cm_msg msg = { .attr_id = ROCE_CM_ATTR_REJ,
                               .tid = req->tid };

    msg.u.rej.remote_comm_id = req->u.req.local_comm_id;
    msg.u.rej.message_rejected = ROCE_CM_MSG_REQ;
    msg.u.rej.reason = reason;
    send_msg(cm, from, &msg, NULL);
}

static const char *
handle_req(struct roce_cm *cm, uint64_t now, const struct roce_cm_addr *from,
           const struct roce_cm_msg *msg)
{
    const struct roce_cm_req *req = &msg->u.req;
    struct roce_cm_id *id, *listener;

    (void) now;
    id = find_by_remote(cm, req->local_comm_id, req->local_ca_guid);
    if (id) {
        if (id->state == ROCE_CM_MRA_REQ_SENT) {
            resend_reply(id, ROCE_CM_ATTR_MRA);
        } else if (id->state == ROCE_CM_REP_SENT
                   || id->state == ROCE_CM_MRA_REP_RCVD) {
            /* Our REP was lost: send it again now rather than wait. */
            cm->ops.send(cm->aux, &id->addr, id->retx_mad);
        } else if (id->state == ROCE_CM_TIMEWAIT) {
            send_rej(id, ROCE_CM_MSG_REQ, ROCE_CM_REJ_STALE_CONN, NULL, 0);
        } else {
            return "duplicate REQ ignored";
        }
        return NULL;
    }

    listener = find_listener(cm, req->service_id);
    if (!listener) {
        reject_unknown_req(cm, from, msg, ROCE_CM_REJ_INVALID_SERVICE_ID);
        return "REQ for a service nobody listens to";
    }
    if (req->transport_service_type != ROCE_CM_TST_RC) {
        reject_unknown_req(cm, from, msg,
                           ROCE_CM_REJ_INVALID_TRANSPORT_TYPE);
        return "REQ for a transport other than RC";
    }

    id = roce_cm_id_create(cm, listener->context);
    if (!id) {
        reject_unknown_req(cm, from, msg, ROCE_CM_REJ_NO_RESOURCES);
        return "out of memory for a CM ID";
    }
    id->active = false;
    id->local_comm_id = new_comm_id(cm);
    id->remote_comm_id = req->local_comm_id;
    id->remote_ca_guid = req->local_ca_guid;
    id->addr = *from;
    id->tid = msg->tid;
    id->req = *req;
    id->state = ROCE_CM_REQ_RCVD;
    emit(cm, ROCE_CM_EV_REQ_RECEIVED, id, listener, msg);
    return NULL;
}

static const char *
handle_rep(struct roce_cm *cm, uint64_t now, const struct roce_cm_addr *from,
           const struct roce_cm_msg *msg)
{
    const struct roce_cm_rep *rep = &msg->u.rep;
    struct roce_cm_id *id = find_by_local_id(cm, rep->remote_comm_id);

    (void) now;
    if (!id || !id->active) {
        struct roce_cm_msg rej = { .attr_id = ROCE_CM_ATTR_REJ,
                                   .tid = msg->tid };

        rej.u.rej.remote_comm_id = rep->local_comm_id;
        rej.u.rej.message_rejected = ROCE_CM_MSG_REP;
        rej.u.rej.reason = ROCE_CM_REJ_INVALID_COMM_ID;
        send_msg(cm, from, &rej, NULL);
        return "REP for an unknown Comm ID";
    }
    if (id->state == ROCE_CM_MRA_REP_SENT
        || id->state == ROCE_CM_ESTABLISHED) {
        /* A duplicate REP: our MRA, or our RTU, was lost. */
        if (rep->local_comm_id != id->remote_comm_id) {
            return "REP from the wrong Comm ID";
        }
        resend_reply(id, (id->state == ROCE_CM_ESTABLISHED
                          ? ROCE_CM_ATTR_RTU : ROCE_CM_ATTR_MRA));
        return NULL;
    }
    if (id->state != ROCE_CM_REQ_SENT && id->state != ROCE_CM_MRA_REQ_RCVD) {
        return "REP in a state that does not expect it";
    }

    disarm(id);
    id->remote_comm_id = rep->local_comm_id;
    id->remote_ca_guid = rep->local_ca_guid;
    id->rep = *rep;
    id->state = ROCE_CM_REP_RCVD;
    emit(cm, ROCE_CM_EV_REP_RECEIVED, id, NULL, msg);
    return NULL;
}

/* Finds the ID a message with these Comm IDs is for: its Remote Comm ID
 * must be ours and its Local Comm ID the peer's. */
static struct roce_cm_id *
find_conn(struct roce_cm *cm, uint32_t local_comm_id, uint32_t remote_comm_id)
{
    struct roce_cm_id *id = find_by_local_id(cm, remote_comm_id);

    return id && id->remote_comm_id == local_comm_id ? id : NULL;
}

static const char *
handle_rtu(struct roce_cm *cm, uint64_t now, const struct roce_cm_msg *msg)
{
    struct roce_cm_id *id = find_conn(cm, msg->u.rtu.local_comm_id,
                                      msg->u.rtu.remote_comm_id);

    (void) now;
    if (!id || id->active) {
        return "RTU for an unknown connection";
    }
    if (id->state != ROCE_CM_REP_SENT && id->state != ROCE_CM_MRA_REP_RCVD) {
        return "RTU in a state that does not expect it";
    }
    disarm(id);
    id->state = ROCE_CM_ESTABLISHED;
    emit(cm, ROCE_CM_EV_ESTABLISHED, id, NULL, msg);
    return NULL;
}

static const char *
handle_mra(struct roce_cm *cm, uint64_t now, const struct roce_cm_msg *msg)
{
    const struct roce_cm_mra *mra = &msg->u.mra;
    struct roce_cm_id *id = find_by_local_id(cm, mra->remote_comm_id);

    if (!id) {
        return "MRA for an unknown Comm ID";
    }
    if (mra->message_mraed == ROCE_CM_MSG_REQ
        && id->state == ROCE_CM_REQ_SENT) {
        id->state = ROCE_CM_MRA_REQ_RCVD;
        id->remote_comm_id = mra->local_comm_id;
    } else if (mra->message_mraed == ROCE_CM_MSG_REP
               && id->state == ROCE_CM_REP_SENT
               && mra->local_comm_id == id->remote_comm_id) {
        id->state = ROCE_CM_MRA_REP_RCVD;
    } else {
        return "MRA in a state that does not expect it";
    }
    /* The peer promised an answer within its service timeout: wait that
     * long (plus the round trip) before retransmitting. */
    id->deadline = (now + roce_cm_timeout_ns(mra->service_timeout)
                    + 2 * pkt_life_ns(cm));
    emit(cm, ROCE_CM_EV_MRA_RECEIVED, id, NULL, msg);
    return NULL;
}

static const char *
handle_rej(struct roce_cm *cm, uint64_t now, const struct roce_cm_msg *msg)
{
    const struct roce_cm_rej *rej = &msg->u.rej;
    struct roce_cm_id *id = find_by_local_id(cm, rej->remote_comm_id);

    if (!id) {
        return "REJ for an unknown Comm ID";
    }
    /* Once the peer's Comm ID is known, a REJ must come from it; before
     * (a REJ of our REQ), the rejecter may not have allocated one. */
    if (id->remote_comm_id && rej->local_comm_id
        && rej->local_comm_id != id->remote_comm_id) {
        return "REJ from the wrong Comm ID";
    }
    if (id->state == ROCE_CM_REQ_SENT || id->state == ROCE_CM_MRA_REQ_RCVD) {
        enter_idle(id);
    } else if (id->state == ROCE_CM_REP_RCVD
               || id->state == ROCE_CM_MRA_REP_SENT
               || id->state == ROCE_CM_REP_SENT
               || id->state == ROCE_CM_MRA_REP_RCVD
               || id->state == ROCE_CM_ESTABLISHED) {
        /* The QP may have seen traffic: let it go quiet first. */
        enter_timewait(id, now);
    } else {
        return "REJ in a state that does not expect it";
    }
    emit(cm, ROCE_CM_EV_REJ_RECEIVED, id, NULL, msg);
    return NULL;
}

static const char *
handle_dreq(struct roce_cm *cm, uint64_t now,
            const struct roce_cm_addr *from, const struct roce_cm_msg *msg)
{
    const struct roce_cm_dreq *dreq = &msg->u.dreq;
    struct roce_cm_id *id = find_conn(cm, dreq->local_comm_id,
                                      dreq->remote_comm_id);
    uint32_t our_qpn;

    if (!id) {
        /* The connection is already gone here: a DREP lets the peer
         * finish without timing out (IBTA Vol 1 12.9). */
        struct roce_cm_msg drep = { .attr_id = ROCE_CM_ATTR_DREP,
                                    .tid = msg->tid };

        drep.u.drep.local_comm_id = dreq->remote_comm_id;
        drep.u.drep.remote_comm_id = dreq->local_comm_id;
        send_msg(cm, from, &drep, NULL);
        return "DREQ for an unknown connection";
    }
    our_qpn = id->active ? id->req.local_qpn : id->rep.local_qpn;
    if (dreq->remote_qpn_eecn != our_qpn) {
        return "DREQ for another QP";
    }
    if (id->state == ROCE_CM_REP_SENT || id->state == ROCE_CM_MRA_REP_RCVD
        || id->state == ROCE_CM_ESTABLISHED) {
        /* (In REP_SENT the RTU was lost but the peer is done anyway.) */
        disarm(id);
        id->dreq_tid = msg->tid;
        id->state = ROCE_CM_DREQ_RCVD;
        emit(cm, ROCE_CM_EV_DREQ_RECEIVED, id, NULL, msg);
    } else if (id->state == ROCE_CM_DREQ_SENT) {
        /* Both sides disconnect at once: answer, and treat the crossing
         * DREQ as the answer to ours. */
        send_drep(id, msg->tid, NULL, 0);
        enter_timewait(id, now);
        emit(cm, ROCE_CM_EV_DISCONNECTED, id, NULL, msg);
    } else if (id->state == ROCE_CM_TIMEWAIT) {
        /* Our DREP was lost. */
        resend_reply(id, ROCE_CM_ATTR_DREP);
    } else {
        return "DREQ in a state that does not expect it";
    }
    return NULL;
}

static const char *
handle_drep(struct roce_cm *cm, uint64_t now, const struct roce_cm_msg *msg)
{
    struct roce_cm_id *id = find_conn(cm, msg->u.drep.local_comm_id,
                                      msg->u.drep.remote_comm_id);

    if (!id || id->state != ROCE_CM_DREQ_SENT) {
        return "DREP for no pending DREQ";
    }
    enter_timewait(id, now);
    emit(cm, ROCE_CM_EV_DISCONNECTED, id, NULL, msg);
    return NULL;
}

/* Processes the 'len'-byte MAD received on QP1 from 'from' at time 'now'.
 * Returns NULL if it was acted on, otherwise why it was dropped (for
 * counters and rate-limited logs; malformed MADs never change state). */
const char *
roce_cm_input(struct roce_cm *cm, uint64_t now,
              const struct roce_cm_addr *from, const uint8_t *mad,
              size_t len)
{
    struct roce_cm_msg msg;
    const char *err = roce_cm_msg_decode(mad, len, &msg);

    if (err) {
        return err;
    }
    switch (msg.attr_id) {
    case ROCE_CM_ATTR_REQ:
        return handle_req(cm, now, from, &msg);
    case ROCE_CM_ATTR_REP:
        return handle_rep(cm, now, from, &msg);
    case ROCE_CM_ATTR_RTU:
        return handle_rtu(cm, now, &msg);
    case ROCE_CM_ATTR_MRA:
        return handle_mra(cm, now, &msg);
    case ROCE_CM_ATTR_REJ:
        return handle_rej(cm, now, &msg);
    case ROCE_CM_ATTR_DREQ:
        return handle_dreq(cm, now, from, &msg);
    case ROCE_CM_ATTR_DREP:
        return handle_drep(cm, now, &msg);
    default:
        return "unsupported CM attribute";
    }
}

/* ---- Timers. ---- */

/* Handles the expiry of 'id''s deadline.  May emit an event, after which
 * 'id' must not be touched (the consumer may have destroyed it). */
static void
expire(struct roce_cm_id *id, uint64_t now)
{
    struct roce_cm *cm = id->cm;

    if (id->state == ROCE_CM_TIMEWAIT) {
        enter_idle(id);
        emit(cm, ROCE_CM_EV_TIMEWAIT_EXIT, id, NULL, NULL);
        return;
    }
    if (!id->retx_armed) {
        id->deadline = NO_DEADLINE;
        return;
    }
    if (id->retries_left > 0) {
        id->retries_left--;
        id->deadline = now + id->retx_timeout;
        cm->ops.send(cm->aux, &id->addr, id->retx_mad);
        return;
    }

    /* Out of retries. */
    if (id->state == ROCE_CM_REQ_SENT || id->state == ROCE_CM_MRA_REQ_RCVD) {
        send_rej(id, ROCE_CM_MSG_OTHER, ROCE_CM_REJ_TIMEOUT, NULL, 0);
        enter_idle(id);
    } else if (id->state == ROCE_CM_REP_SENT
               || id->state == ROCE_CM_MRA_REP_RCVD) {
        send_rej(id, ROCE_CM_MSG_OTHER, ROCE_CM_REJ_TIMEOUT, NULL, 0);
        enter_timewait(id, now);
    } else if (id->state == ROCE_CM_DREQ_SENT) {
        enter_timewait(id, now);
    } else {
        disarm(id);
        return;
    }
    emit(cm, ROCE_CM_EV_TIMEOUT, id, NULL, NULL);
}

/* Runs every timer that is due at 'now': retransmissions, give-ups and
 * TIMEWAIT exits. */
void
roce_cm_run(struct roce_cm *cm, uint64_t now)
{
    /* Rescan from the head after each expiry: the event callback may
     * have destroyed or created IDs.  Each expiry moves that ID's
     * deadline past 'now' (or clears it), so this terminates. */
    for (;;) {
        struct roce_cm_id *due = NULL;

        for (struct roce_cm_id *id = cm->ids; id; id = id->next) {
            if (id->deadline <= now) {
                due = id;
                break;
            }
        }
        if (!due) {
            return;
        }
        expire(due, now);
    }
}

/* Returns the earliest time roce_cm_run() has work, or UINT64_MAX. */
uint64_t
roce_cm_next_deadline(const struct roce_cm *cm)
{
    uint64_t next = NO_DEADLINE;

    for (const struct roce_cm_id *id = cm->ids; id; id = id->next) {
        if (id->deadline < next) {
            next = id->deadline;
        }
    }
    return next;
}

/* ---- Accessors. ---- */

/* Returns the state of 'id'. */
enum roce_cm_state
roce_cm_id_state(const struct roce_cm_id *id)
{
    return id->state;
}

/* Returns the name of 'state' as in the IBTA CM state diagrams
 * (upper case). */
const char *
roce_cm_state_name(enum roce_cm_state state)
{
    static const char *const names[] = {
        [ROCE_CM_IDLE] = "IDLE",
        [ROCE_CM_LISTEN] = "LISTEN",
        [ROCE_CM_REQ_SENT] = "REQ_SENT",
        [ROCE_CM_MRA_REQ_RCVD] = "MRA_REQ_RCVD",
        [ROCE_CM_REP_RCVD] = "REP_RCVD",
        [ROCE_CM_MRA_REP_SENT] = "MRA_REP_SENT",
        [ROCE_CM_REQ_RCVD] = "REQ_RCVD",
        [ROCE_CM_MRA_REQ_SENT] = "MRA_REQ_SENT",
        [ROCE_CM_REP_SENT] = "REP_SENT",
        [ROCE_CM_MRA_REP_RCVD] = "MRA_REP_RCVD",
        [ROCE_CM_ESTABLISHED] = "ESTABLISHED",
        [ROCE_CM_DREQ_SENT] = "DREQ_SENT",
        [ROCE_CM_DREQ_RCVD] = "DREQ_RCVD",
        [ROCE_CM_TIMEWAIT] = "TIMEWAIT",
    };

    return ((unsigned) state < sizeof names / sizeof names[0]
            ? names[state] : "?");
}

/* Returns the name of event 'type'. */
const char *
roce_cm_event_name(enum roce_cm_event_type type)
{
    static const char *const names[] = {
        [ROCE_CM_EV_REQ_RECEIVED] = "REQ_RECEIVED",
        [ROCE_CM_EV_MRA_RECEIVED] = "MRA_RECEIVED",
        [ROCE_CM_EV_REP_RECEIVED] = "REP_RECEIVED",
        [ROCE_CM_EV_ESTABLISHED] = "ESTABLISHED",
        [ROCE_CM_EV_REJ_RECEIVED] = "REJ_RECEIVED",
        [ROCE_CM_EV_TIMEOUT] = "TIMEOUT",
        [ROCE_CM_EV_DREQ_RECEIVED] = "DREQ_RECEIVED",
        [ROCE_CM_EV_DISCONNECTED] = "DISCONNECTED",
        [ROCE_CM_EV_TIMEWAIT_EXIT] = "TIMEWAIT_EXIT",
    };

    return ((unsigned) type < sizeof names / sizeof names[0]
            ? names[type] : "?");
}

/* Returns the consumer's pointer given at creation (for a passive ID: the
 * listener's) or set with roce_cm_id_set_context(). */
void *
roce_cm_id_context(const struct roce_cm_id *id)
{
    return id->context;
}

/* Replaces the consumer's pointer of 'id'. */
void
roce_cm_id_set_context(struct roce_cm_id *id, void *context)
{
    id->context = context;
}

/* Returns our Comm ID for the connection of 'id' (0 before connecting). */
uint32_t
roce_cm_id_local_comm_id(const struct roce_cm_id *id)
{
    return id->local_comm_id;
}

/* Returns the peer's Comm ID (0 until known). */
uint32_t
roce_cm_id_remote_comm_id(const struct roce_cm_id *id)
{
    return id->remote_comm_id;
}

/* The REQ this connection was set up with (sent or received). */
const struct roce_cm_req *
roce_cm_id_req(const struct roce_cm_id *id)
{
    return &id->req;
}

/* The REP this connection was set up with (received or sent). */
const struct roce_cm_rep *
roce_cm_id_rep(const struct roce_cm_id *id)
{
    return &id->rep;
}

/* The peer's QP1 address. */
const struct roce_cm_addr *
roce_cm_id_addr(const struct roce_cm_id *id)
{
    return &id->addr;
}

/* Number of CM IDs in 'cm', listeners included. */
size_t
roce_cm_n_ids(const struct roce_cm *cm)
{
    return cm->n_ids;
}
