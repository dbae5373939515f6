/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#ifndef ROCE_ENGINE_H
#define ROCE_ENGINE_H 1

/* The software RNIC engine: one instance owns PDs, MRs, CQs and QPs
 * (verbs.h) and talks to the outside world only through this boundary:
 *
 *   - received frames go in through roce_engine_receive();
 *   - frames to transmit come out through the caller's 'tx' callback,
 *     called synchronously from within engine calls (receive, run,
 *     post_send, modify_qp); the frame is only valid during the call;
 *   - time is whatever the caller passes to roce_engine_run(); the engine
 *     never reads a clock, so tests can use virtual time;
 *   - the caller asks roce_engine_next_deadline() when it has to call
 *     roce_engine_run() again (retransmission and RNR timers).
 *
 * No globals, no threads: one engine may be used by one thread at a time;
 * several engines may run in parallel threads.
 *
 * Callbacks (tx, tx_buf, event, CQ handlers, rx filters, UD receive hooks)
 * run synchronously inside engine calls.  They must not call back into
 * the engine that invoked them (no receive, run, post, modify or destroy
 * from a callback; a CQ handler may only poll and re-arm its CQ); record
 * what happened and act after the call returns. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "roce/frame.h"
#include "roce/verbs.h"

/* Counters kept per engine and per QP (the per-QP ones only count what
 * can be attributed to a QP).  ROCE_CTR_RX_DROP_* are the reasons a
 * received frame was dropped. */
#define ROCE_COUNTERS(C)                                                  \
    C(RX_FRAMES, "rx_frames")                                             \
    C(RX_BYTES, "rx_bytes")                                               \
    C(TX_FRAMES, "tx_frames")                                             \
    C(TX_BYTES, "tx_bytes")                                               \
    C(RX_DROP_PARSE, "rx_drop_malformed")                                 \
    C(RX_DROP_ICRC, "rx_drop_bad_icrc")                                   \
    C(RX_DROP_NO_QP, "rx_drop_no_qp")                                     \
    C(RX_DROP_TUPLE, "rx_drop_tuple_mismatch")                            \
    C(RX_DROP_QP_STATE, "rx_drop_qp_state")                               \
    C(RX_DROP_OPCODE, "rx_drop_bad_opcode")                               \
    C(RX_DROP_PKEY, "rx_drop_bad_pkey")                                   \
    C(RX_DROP_QKEY, "rx_drop_bad_qkey")                                   \
    C(RX_DROP_PSN, "rx_drop_psn_out_of_window")                           \
    C(RX_DROP_LEN, "rx_drop_bad_length")                                  \
    C(RX_DROP_NO_RECV_WQE, "rx_drop_no_recv_wqe")                         \
    C(RX_DROP_UNEXPECTED, "rx_drop_unexpected_response")                  \
    C(RX_DUP_REQUEST, "rx_duplicate_request")                             \
    C(RX_DUP_READ, "rx_duplicate_read_reexecuted")                        \
    C(TX_ACK, "tx_ack")                                                   \
    C(TX_NAK_SEQ, "tx_nak_psn_seq_err")                                   \
    C(TX_NAK_INV, "tx_nak_invalid_request")                               \
    C(TX_NAK_ACCESS, "tx_nak_remote_access_err")                          \
    C(TX_NAK_OP, "tx_nak_remote_op_err")                                  \
    C(TX_RNR_NAK, "tx_rnr_nak")                                           \
    C(RX_ACK, "rx_ack")                                                   \
    C(RX_NAK_SEQ, "rx_nak_psn_seq_err")                                   \
    C(RX_NAK_INV, "rx_nak_invalid_request")                               \
    C(RX_NAK_ACCESS, "rx_nak_remote_access_err")                          \
    C(RX_NAK_OP, "rx_nak_remote_op_err")                                  \
    C(RX_RNR_NAK, "rx_rnr_nak")                                           \
    C(RETRANSMIT_PKTS, "retransmitted_packets")                           \
    C(GAP_RETRIES, "response_gap_retries")                                \
    C(TIMEOUTS, "ack_timeouts")                                           \
    C(RETRY_EXC, "retry_exceeded")                                        \
    C(RNR_RETRY_EXC, "rnr_retry_exceeded")                                \
    C(LOCAL_ERR, "local_errors")                                          \
    C(CQ_OVERFLOW, "cq_overflows")                                        \
    C(TX_SEND_PKTS, "tx_send_pkts")                                       \
    C(TX_WRITE_PKTS, "tx_write_pkts")                                     \
    C(TX_READ_REQ, "tx_read_requests")                                    \
    C(TX_READ_RESP_PKTS, "tx_read_response_pkts")                         \
    C(TX_UD_PKTS, "tx_ud_pkts")                                           \
    C(RX_UD_PKTS, "rx_ud_pkts")                                           \
    C(RX_CNP, "rx_cnp")                                                   \
    C(RX_DROP_BUSY, "rx_drop_responder_busy")

enum roce_counter {
#define ROCE_COUNTER_ENUM(ENUM, NAME) ROCE_CTR_##ENUM,
    ROCE_COUNTERS(ROCE_COUNTER_ENUM)
#undef ROCE_COUNTER_ENUM
    ROCE_CTR_N
};

struct roce_stats {
    uint64_t c[ROCE_CTR_N];
};

const char *roce_counter_name(enum roce_counter);

/* Transmit callback: 'frame' (a complete Ethernet frame, ICRC included) is
 * valid only during the call.  If the caller supplied 'tx_buf' and it
 * returned a buffer, 'frame' is that buffer: transmitting it is then a
 * commit, with no copy. */
typedef void roce_tx_cb(void *aux, const uint8_t *frame, size_t len);

/* Transmit callback that also receives the 'egress' value of the template
 * the frame was built from (struct roce_encap_params). */
typedef void roce_tx_egress_cb(void *aux, const uint8_t *frame, size_t len,
                               uint32_t egress);

/* Optional zero-copy transmit: returns a buffer of at least 'size' bytes
 * in which the engine builds the next frame, or NULL to let the engine use
 * its own (then 'tx' must copy).  The engine may abandon a buffer without
 * calling 'tx'; the next call may then return the same buffer. */
typedef uint8_t *roce_tx_buf_cb(void *aux, size_t size);

/* Asynchronous events (like ibv_async_event). */
enum roce_event_type {
    ROCE_EVENT_QP_FATAL,        /* QP moved to ERR on its own. */
    ROCE_EVENT_CQ_ERR,          /* CQ overflowed. */
    ROCE_EVENT_SQ_DRAINED,      /* SQD reached with nothing outstanding. */
};

struct roce_event {
    enum roce_event_type type;
    struct roce_qp *qp;         /* QP events. */
    struct roce_cq *cq;         /* CQ events. */
};

typedef void roce_event_cb(void *aux, const struct roce_event *);

struct roce_engine_config {
    roce_tx_cb *tx;             /* Required unless 'tx_egress' is set. */
    roce_tx_egress_cb *tx_egress; /* Optional; replaces 'tx'. */
    roce_tx_buf_cb *tx_buf;     /* Optional. */
    void *tx_aux;               /* For 'tx' and 'tx_buf'. */
    roce_event_cb *event;       /* Optional. */
    void *event_aux;
    uint32_t max_qps;           /* QPN space (QPNs 2..max_qps-1); 0: 1024. */
    uint32_t ack_coalesce;      /* Responder ACKs at least every N packets
                                 * without AckReq; 0: 16. */
    uint32_t ackreq_every;      /* Requester sets AckReq at least every N
                                 * packets (and on every message's last);
                                 * 0: 16. */
    uint32_t max_inflight;      /* Max unacknowledged PSNs per RC QP; 0:
                                 * 1024. */
    uint32_t resp_burst;        /* Max READ responses one QP sends per
                                 * engine call (the rest from later
                                 * roce_engine_run() calls); 0: 64. */
    bool verify_icrc;           /* Check ICRC on receive (default true
                                 * after roce_engine_config_init()). */
    bool allow_plain;           /* Accept frames without an overlay. */
    bool allow_overlay;         /* Accept VXLAN/Geneve frames. */
};

void roce_engine_config_init(struct roce_engine_config *);

struct roce_engine *roce_engine_create(const struct roce_engine_config *);
void roce_engine_destroy(struct roce_engine *);

void roce_engine_receive(struct roce_engine *, const uint8_t *frame,
                         size_t len);
void roce_engine_run(struct roce_engine *, uint64_t now_ns);
uint64_t roce_engine_next_deadline(const struct roce_engine *);
uint64_t roce_engine_now(const struct roce_engine *);

const struct roce_stats *roce_engine_stats(const struct roce_engine *);
uint64_t roce_engine_parse_errors(const struct roce_engine *,
                                  enum roce_frame_error);
const struct roce_stats *roce_qp_stats(const struct roce_qp *);
struct roce_qp *roce_engine_find_qp(struct roce_engine *, uint32_t qpn);

/* Receive validation policy of a QP (DESIGN §4.3): called for every frame
 * addressed to the QP, after parsing and ICRC, before anything else.
 * Returns true to accept.  The default (NULL) accepts if the QP has no
 * bound rx_tuple, else requires an exact match of tunnel presence, VNI,
 * outer source IP (and outer destination IP unless the tuple's is ::) and
 * inner source/destination IPs. */
typedef bool roce_rx_filter(const struct roce_qp *, const struct roce_frame *,
                            const struct roce_rx_tuple *, void *aux);
void roce_qp_set_rx_filter(struct roce_qp *, roce_rx_filter *, void *aux);
bool roce_rx_tuple_match(const struct roce_rx_tuple *,
                         const struct roce_frame *);

/* UD receive hook: called when a received datagram has been placed into
 * the receive WQE 'wr_id' (before its completion is queued), so that e.g.
 * the CM can learn the sender's overlay tuple from 'frame'. */
typedef void roce_ud_rx_hook(struct roce_qp *, const struct roce_frame *,
                             uint64_t wr_id, void *aux);
void roce_qp_set_ud_rx_hook(struct roce_qp *, roce_ud_rx_hook *, void *aux);

#endif /* roce/engine.h */
