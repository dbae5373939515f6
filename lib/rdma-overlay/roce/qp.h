/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#ifndef ROCE_QP_H
#define ROCE_QP_H 1

/* Queue pair internals shared by qp.c (state machine, queues), rc-req.c
 * (requester), rc-comp.c (completer), rc-resp.c (responder) and ud.c. */

#include <stdbool.h>
#include <stdint.h>
#include "roce/encap.h"
#include "roce/engine.h"
#include "roce/verbs.h"

struct roce_frame;

/* A posted send work request, as the transport keeps it. */
struct roce_send_wqe {
    uint64_t wr_id;
    enum roce_wr_opcode opcode;
    unsigned int send_flags;
    uint32_t imm_data;
    uint64_t remote_addr;
    uint32_t rkey;
    uint64_t compare_add;
    uint64_t swap;
    struct roce_ah *ah;         /* UD. */
    uint32_t remote_qpn;        /* UD. */
    uint32_t remote_qkey;       /* UD. */
    uint32_t length;            /* Total bytes of the message. */
    uint32_t num_sge;           /* 0 if the data is inline. */
    struct roce_sge *sge;       /* qp->sq_sge slice for this slot. */
    uint8_t *inline_data;       /* qp->sq_inline slice, if inline. */

    /* Set when the requester first transmits the WQE. */
    bool started;
    uint32_t first_psn;         /* Request PSNs (READ: response PSNs). */
    uint32_t last_psn;
    uint32_t npkts;
};

struct roce_recv_wqe {
    uint64_t wr_id;
    uint32_t num_sge;
    uint32_t length;            /* Sum of the SGE lengths. */
    struct roce_sge *sge;       /* qp->rq_sge slice for this slot. */
};

/* A responder's RDMA READ / atomic resource (max_dest_rd_atomic of
 * them), kept so that duplicate requests can be re-executed. */
struct roce_read_res {
    bool valid;
    bool atomic;
    uint32_t first_psn;         /* PSN of the request. */
    uint32_t last_psn;          /* Last response PSN. */
    uint64_t va;
    uint32_t rkey;
    uint32_t length;
    uint64_t atomic_orig;       /* Atomic: the value returned. */
};

/* A responder's queued response: the READ responses of one (re-)executed
 * READ, or one atomic ACK.  Responses leave in PSN order, a burst at a
 * time. */
struct roce_resp_job {
    bool atomic;
    uint32_t psn;               /* PSN of the first response. */
    uint32_t npkts;
    uint32_t sent;              /* Packets already sent. */
    uint64_t va;
    uint32_t rkey;
    uint32_t len;
    uint32_t msn;
    uint64_t orig;              /* Atomic: the original value. */
};

struct roce_qp {
    struct roce_engine *engine;
    struct roce_pd *pd;
    struct roce_cq *send_cq;
    struct roce_cq *recv_cq;
    void *context;
    enum roce_qp_type type;
    uint32_t qpn;
    uint32_t live_idx;          /* Index in engine->live. */
    enum roce_qp_state state;
    bool sq_sig_all;
    struct roce_qp_cap cap;

    /* Attributes (roce_modify_qp()). */
    struct roce_qp_attr attr;
    uint32_t mtu;               /* Bytes. */
    struct roce_encap encap;    /* Transmit template (RC). */
    bool have_encap;
    roce_rx_filter *rx_filter;
    void *rx_filter_aux;
    roce_ud_rx_hook *ud_rx_hook;
    void *ud_rx_hook_aux;

    /* Send queue: free-running indices, slot = index & sq_mask.
     * sq_comp <= sq_req <= sq_prod. */
    struct roce_send_wqe *sq;
    struct roce_sge *sq_sge;
    uint8_t *sq_inline;
    uint32_t sq_mask;
    uint32_t sq_prod;           /* Next slot the poster fills. */
    uint32_t sq_comp;           /* Oldest WQE not yet completed. */

    /* Receive queue. */
    struct roce_recv_wqe *rq;
    struct roce_sge *rq_sge;
    uint32_t rq_mask;
    uint32_t rq_prod;
    uint32_t rq_cons;

    /* RC requester (rc-req.c). */
    struct {
        uint32_t idx;           /* WQE being transmitted (sq index). */
        uint32_t psn;           /* PSN of the next packet to transmit. */
        uint32_t offset;        /* Bytes of WQE 'idx' already sent. */
        uint32_t next_psn;      /* First PSN not assigned to a WQE. */
        uint32_t sent_psn;      /* First PSN never transmitted. */
        uint32_t noack_pkts;    /* Packets since the last AckReq. */
        uint32_t rd_atomic;     /* Outstanding READ/atomic WQEs. */
        uint32_t retry_left;
        uint32_t rnr_left;
        bool rnr_wait;          /* Stalled until 'rnr_deadline'. */
        uint64_t rnr_deadline;
        uint64_t ack_deadline;  /* 0: timer not armed. */
    } req;

    /* RC completer (rc-comp.c). */
    struct {
        uint32_t psn;           /* Oldest PSN not yet acknowledged. */
        bool gap_retry;         /* Went back for missing responses; until
                                 * progress, further gaps are the same
                                 * loss and must not restart it again. */
    } comp;

    /* RC responder (rc-resp.c). */
    struct {
        uint32_t epsn;          /* Expected PSN. */
        uint32_t msn;
        bool nak_sent;          /* PSN sequence NAK outstanding. */
        uint32_t unacked;       /* Packets not yet acknowledged. */
        uint8_t cur_op;         /* 0xff or the FIRST/MIDDLE opcode of the
                                 * message in progress. */
        bool have_wqe;          /* 'wqe' holds a receive WQE in use. */
        struct roce_recv_wqe wqe;
        uint32_t recv_offset;   /* Bytes placed into 'wqe'. */
        uint64_t write_va;      /* WRITE in progress: next VA. */
        uint32_t write_rkey;
        uint32_t write_left;    /* Bytes still expected. */
        uint32_t write_len;     /* Total DMA length (for byte_len). */
        struct roce_read_res *rd;    /* max_dest_rd_atomic entries. */
        uint32_t n_rd;
        uint32_t rd_next;       /* Next entry to (re)use. */
        struct roce_resp_job *jobs;  /* Ring of 'max_jobs'. */
        uint32_t max_jobs;
        uint32_t job_head;
        uint32_t n_jobs;
        bool deferred;          /* An ACK/NAK waits behind the jobs. */
        uint8_t deferred_syn;
        uint32_t deferred_psn;
    } resp;

    struct roce_stats stats;
};

static inline struct roce_send_wqe *
roce_sq_wqe(const struct roce_qp *qp, uint32_t idx)
{
    return &qp->sq[idx & qp->sq_mask];
}

static inline bool
roce_qp_is_rc(const struct roce_qp *qp)
{
    return qp->type == ROCE_QPT_RC;
}

/* Packets (PSNs) a message of 'len' bytes takes at the QP's path MTU; a
 * zero-length message still takes one. */
static inline uint32_t
roce_qp_npkts(const struct roce_qp *qp, uint32_t len)
{
    return len ? (len + qp->mtu - 1) / qp->mtu : 1;
}

/* READs and atomics: answered by responses, limited by max_rd_atomic. */
static inline bool
roce_wqe_is_read_like(const struct roce_send_wqe *wqe)
{
    return wqe->opcode == ROCE_WR_RDMA_READ
           || wqe->opcode == ROCE_WR_ATOMIC_CMP_AND_SWP
           || wqe->opcode == ROCE_WR_ATOMIC_FETCH_AND_ADD;
}

/* qp.c. */
void roce_qp_error(struct roce_qp *);
bool roce_qp_complete_send(struct roce_qp *, const struct roce_send_wqe *,
                           enum roce_wc_status, uint32_t vendor_err);
bool roce_qp_post_cqe(struct roce_qp *, struct roce_cq *,
                      const struct roce_wc *, bool solicited);
bool roce_qp_can_send(const struct roce_qp *);
bool roce_qp_can_recv(const struct roce_qp *);
void roce_qp_check_drained(struct roce_qp *);
uint64_t roce_qp_deadline(const struct roce_qp *);

/* rc-req.c. */
void roce_rc_req_init(struct roce_qp *);
void roce_rc_req_run(struct roce_qp *);
void roce_rc_req_rewind(struct roce_qp *, uint32_t psn);
void roce_rc_req_timer(struct roce_qp *);
void roce_rc_req_rearm(struct roce_qp *);
uint32_t roce_rc_wqe_npkts(const struct roce_qp *,
                           const struct roce_send_wqe *);

/* rc-comp.c. */
uint64_t roce_rnr_timer_ns(unsigned int code);
void roce_rc_comp_recv(struct roce_qp *, const struct roce_frame *);

/* rc-resp.c. */
void roce_rc_resp_clear(struct roce_qp *);
void roce_rc_resp_init(struct roce_qp *);
void roce_rc_resp_recv(struct roce_qp *, const struct roce_frame *);
void roce_rc_resp_send_ack(struct roce_qp *, uint8_t syndrome,
                           uint32_t psn);
void roce_rc_resp_run(struct roce_qp *);

/* ud.c. */
void roce_ud_send_run(struct roce_qp *);
void roce_ud_recv(struct roce_qp *, const struct roce_frame *);

#endif /* roce/qp.h */
