/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef ROCE_CM_H
#define ROCE_CM_H 1

/* InfiniBand Communication Manager connection state machine (IBTA Vol 1,
 * 12.9), one per CM ID, for RC connections set up over QP1.
 *
 * Active side:  IDLE -> REQ_SENT [-> MRA_REQ_RCVD] -> REP_RCVD
 *               [-> MRA_REP_SENT] -> ESTABLISHED
 * Passive side: LISTEN; a REQ creates an ID in REQ_RCVD [-> MRA_REQ_SENT]
 *               -> REP_SENT [-> MRA_REP_RCVD] -> ESTABLISHED
 * Release:      ESTABLISHED -> DREQ_SENT | DREQ_RCVD -> TIMEWAIT -> IDLE
 *
 * A struct roce_cm holds every CM ID and listener of one port.  It has no
 * globals, threads or clocks of its own: the caller passes the current
 * time (nanoseconds, any monotonic origin) to every call, calls
 * roce_cm_run() when roce_cm_next_deadline() has passed, hands it every
 * MAD received on QP1 with roce_cm_input(), and receives through its
 * callbacks the MADs to send (as 256-byte UD SEND payloads to QP1 with
 * Q_Key ROCE_GSI_QKEY) and the events for the consumer.  One roce_cm must
 * be used by one thread at a time.
 *
 * Callbacks run synchronously inside roce_cm_* calls, after the CM's own
 * state has been updated; the event callback may call any roce_cm_*
 * function, including destroying the ID the event is about.
 *
 * Timers follow the CM Response Timeout fields: a message awaiting a
 * reply is retransmitted after 4.096 us * 2^timeout plus twice the packet
 * lifetime, at most Max CM Retries times; an MRA extends the wait by its
 * Service Timeout.  Duplicates are answered as IBTA 12.9 describes: a
 * repeated REQ gets the MRA or REP again (or REJ "stale connection" in
 * TIMEWAIT), a repeated REP gets the RTU (or MRA) again, a repeated DREQ
 * gets the DREP again. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "roce/cm-msg.h"

struct roce_cm;
struct roce_cm_id;

enum roce_cm_state {
    ROCE_CM_IDLE,
    ROCE_CM_LISTEN,
    ROCE_CM_REQ_SENT,
    ROCE_CM_MRA_REQ_RCVD,       /* Active: peer MRAed our REQ. */
    ROCE_CM_REP_RCVD,
    ROCE_CM_MRA_REP_SENT,       /* Active: we MRAed the REP. */
    ROCE_CM_REQ_RCVD,
    ROCE_CM_MRA_REQ_SENT,       /* Passive: we MRAed the REQ. */
    ROCE_CM_REP_SENT,
    ROCE_CM_MRA_REP_RCVD,       /* Passive: peer MRAed our REP. */
    ROCE_CM_ESTABLISHED,
    ROCE_CM_DREQ_SENT,
    ROCE_CM_DREQ_RCVD,
    ROCE_CM_TIMEWAIT,
};

enum roce_cm_event_type {
    ROCE_CM_EV_REQ_RECEIVED,    /* New passive ID in REQ_RCVD: accept,
                                 * reject or MRA it. */
    ROCE_CM_EV_MRA_RECEIVED,    /* Peer needs more time (informational). */
    ROCE_CM_EV_REP_RECEIVED,    /* Active: move the QP to RTR/RTS, then
                                 * roce_cm_send_rtu() (or reject). */
    ROCE_CM_EV_ESTABLISHED,     /* Both sides: connection usable. */
    ROCE_CM_EV_REJ_RECEIVED,    /* Peer rejected; msg->u.rej has why. */
    ROCE_CM_EV_TIMEOUT,         /* Retries exhausted for REQ or REP (a REJ
                                 * "timeout" was sent) or DREQ. */
    ROCE_CM_EV_DREQ_RECEIVED,   /* Peer disconnects: flush the QP, then
                                 * roce_cm_send_drep(). */
    ROCE_CM_EV_DISCONNECTED,    /* Our DREQ was answered (or crossed the
                                 * peer's); now in TIMEWAIT. */
    ROCE_CM_EV_TIMEWAIT_EXIT,   /* Back to IDLE: the QP may be reused. */
};

/* Where a MAD comes from or goes to on QP1.  'gid' is the peer's GID (an
 * IPv6 or IPv4-mapped address for RoCEv2); 'qpn' its GSI QP (normally 1,
 * taken from the DETH of a received MAD); 'cookie' is the caller's own
 * (e.g. which overlay binding the MAD arrived on), kept and returned. */
struct roce_cm_addr {
    uint8_t gid[16];
    uint32_t qpn;
    uint64_t cookie;
};

struct roce_cm_event {
    enum roce_cm_event_type type;
    struct roce_cm_id *id;
    struct roce_cm_id *listen_id;       /* REQ_RECEIVED only. */
    const struct roce_cm_msg *msg;      /* The MAD that caused it, or NULL
                                         * for timer events. */
};

struct roce_cm_ops {
    /* Transmits 'mad' (ROCE_MAD_SIZE bytes) to 'to' as a UD SEND to QP
     * to->qpn with Q_Key ROCE_GSI_QKEY.  Loss is tolerated. */
    void (*send)(void *aux, const struct roce_cm_addr *to,
                 const uint8_t *mad);

    /* Reports 'event' to the consumer. */
    void (*event)(void *aux, const struct roce_cm_event *event);
};

struct roce_cm_config {
    uint64_t local_ca_guid;     /* Put in REQ/REP. */
    uint32_t seed;              /* Seeds Comm ID and TID generation. */
    uint8_t packet_lifetime;    /* Exponent, 4.096 us * 2^x, used in all
                                 * timeouts; Linux uses 16 for RoCE. */
};

struct roce_cm *roce_cm_create(const struct roce_cm_config *,
                               const struct roce_cm_ops *, void *aux);
void roce_cm_destroy(struct roce_cm *);

const char *roce_cm_input(struct roce_cm *, uint64_t now,
                          const struct roce_cm_addr *from,
                          const uint8_t *mad, size_t len);
void roce_cm_run(struct roce_cm *, uint64_t now);
uint64_t roce_cm_next_deadline(const struct roce_cm *);

struct roce_cm_id *roce_cm_id_create(struct roce_cm *, void *context);
void roce_cm_id_destroy(struct roce_cm_id *, uint64_t now);

int roce_cm_listen(struct roce_cm_id *, uint64_t service_id);
int roce_cm_connect(struct roce_cm_id *, uint64_t now,
                    const struct roce_cm_addr *to,
                    const struct roce_cm_req *);
int roce_cm_accept(struct roce_cm_id *, uint64_t now,
                   const struct roce_cm_rep *);
int roce_cm_reject(struct roce_cm_id *, uint64_t now, uint16_t reason,
                   const void *pdata, size_t pdata_len);
int roce_cm_send_mra(struct roce_cm_id *, uint64_t now,
                     uint8_t service_timeout);
int roce_cm_send_rtu(struct roce_cm_id *, uint64_t now,
                     const void *pdata, size_t pdata_len);
int roce_cm_notify_established(struct roce_cm_id *, uint64_t now);
int roce_cm_disconnect(struct roce_cm_id *, uint64_t now,
                       const void *pdata, size_t pdata_len);
int roce_cm_send_drep(struct roce_cm_id *, uint64_t now,
                      const void *pdata, size_t pdata_len);

enum roce_cm_state roce_cm_id_state(const struct roce_cm_id *);
const char *roce_cm_state_name(enum roce_cm_state);
const char *roce_cm_event_name(enum roce_cm_event_type);
void *roce_cm_id_context(const struct roce_cm_id *);
void roce_cm_id_set_context(struct roce_cm_id *, void *);
uint32_t roce_cm_id_local_comm_id(const struct roce_cm_id *);
uint32_t roce_cm_id_remote_comm_id(const struct roce_cm_id *);
const struct roce_cm_req *roce_cm_id_req(const struct roce_cm_id *);
const struct roce_cm_rep *roce_cm_id_rep(const struct roce_cm_id *);
const struct roce_cm_addr *roce_cm_id_addr(const struct roce_cm_id *);
size_t roce_cm_n_ids(const struct roce_cm *);

#endif /* roce/cm.h */
