/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef OVS_RDMA_PERF_H
#define OVS_RDMA_PERF_H 1

/* ovs-rdma: perftest-like benchmarks over libovsrdma.
 *
 * The tool is split by concern:
 *
 *   ovs-rdma.c         command line, top-level flow.
 *   ovs-rdma-conn.c    connection manager setup, private data, buffers,
 *                      teardown.
 *   ovs-rdma-io.c      posting, polling, the no-progress watchdog, and the
 *                      verification pattern.
 *   ovs-rdma-bw.c      write-bw, read-bw, send-bw.
 *   ovs-rdma-lat.c     write-lat, read-lat, send-lat.
 *   ovs-rdma-report.c  the header and result tables, statistics, and the
 *                      result record that the client sends the server.
 *
 * Buffers.  Each QP has one buffer on each side, registered as one MR:
 *
 *     +---------+------------------------------+-----------------------+
 *     | control | exposed: window + 1 slots    | own: window slots     |
 *     +---------+------------------------------+-----------------------+
 *
 * The peer writes into, reads from, or sends into the "exposed" slots;
 * the "own" slots are the local source of WRITEs and SENDs and the local
 * destination of READs, so that what the peer writes never lands on data
 * that is still to be sent.  A slot is 'stride' bytes (the message size
 * rounded up to 64 bytes).  Message k of a QP uses slot k % window on both
 * sides, except that receives rotate over all window + 1 exposed slots (the
 * extra one keeps a receive posted for the final result record).  The
 * control area receives that record.  Both sides compute the same layout
 * from the size and window that the client sends in its connection
 * request, so only the buffer's base address and rkey are exchanged. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ovs-rdma.h"

/* The tests, in the order of the command-line names' table. */
enum perf_test {
    PERF_WRITE_BW,
    PERF_READ_BW,
    PERF_SEND_BW,
    PERF_WRITE_LAT,
    PERF_READ_LAT,
    PERF_SEND_LAT,
    N_PERF_TESTS
};

const char *perf_test_name(enum perf_test);
const char *perf_test_title(enum perf_test);
bool perf_test_from_name(const char *, enum perf_test *);
bool perf_test_is_latency(enum perf_test);

/* What the two sides of a run agree on.  The client sends all of it in its
 * connection requests; the server adopts it. */
struct perf_params {
    enum perf_test test;
    uint32_t size;              /* Message size in bytes (may be 0). */
    uint32_t iters;             /* Messages per QP. */
    uint32_t n_qps;
    uint32_t tx_depth;          /* Outstanding WRs per QP (bandwidth). */
    uint32_t window;            /* Buffer slots per QP (see above). */
    bool verify;
};

/* Limits of the parameters, checked on both sides. */
#define PERF_MAX_SIZE (64u << 20)
#define PERF_MAX_ITERS 100000000u
#define PERF_MAX_QPS 256u
#define PERF_MAX_TX_DEPTH 4096u

/* Size of the buffer's control area, which receives the result record. */
#define PERF_CTRL_SIZE 128

/* Computes 'p->window' from the other parameters. */
void perf_params_set_window(struct perf_params *p);
bool perf_uses_credits(const struct perf_params *p);

/* Command-line options. */
struct perf_options {
    struct perf_params params;
    const char *socket;         /* Path of the port's socket. */
    const char *server;         /* Server address; NULL in server mode. */
    uint16_t port;              /* rdma_cm port. */
    bool use_malloc;            /* --malloc: malloc() + ovsrdma_reg_mr(). */
    int timeout;                /* Seconds without progress; 0: never. */

    /* Whether -s, -n, -q, -t and --verify were given.  A server rejects a
     * client that asks for other values than those it was explicitly
     * given. */
    bool size_set, iters_set, qps_set, depth_set, verify_set;
};

/* What one posted send-queue work request was for. */
enum perf_wr_kind {
    PERF_WR_DATA,               /* A message of the test. */
    PERF_WR_CREDIT,             /* A server's credit SEND. */
    PERF_WR_RESULT,             /* The client's final result WRITE. */
};

/* One QP, its CQ, and its buffer. */
struct perf_conn {
    uint32_t index;             /* QP index within the run. */
    struct ovsrdma_cm_id *id;
    struct ovsrdma_qp *qp;
    struct ovsrdma_cq *cq;
    struct ovsrdma_mr *mr;
    uint8_t *buf;
    size_t buf_len;
    uint64_t remote_addr;       /* Peer's buffer base and rkey. */
    uint32_t remote_rkey;
    uint32_t remote_qpn;
    bool established;
    bool disconnected;

    /* Send queue.  A WR's wr_id is its sequence number; 'sq_kind' and
     * 'sq_iter' remember what each outstanding one was for, so that a
     * signaled completion accounts for the unsignaled WRs before it. */
    uint32_t sq_size;
    uint64_t sq_posted;
    uint64_t sq_done;
    uint8_t *sq_kind;
    uint32_t *sq_iter;

    /* Receive queue: receives posted so far (the next one's slot). */
    uint64_t rq_posted;

    /* Test progress, in messages of this QP. */
    uint32_t posted;            /* Data WRs posted. */
    uint32_t completed;         /* Data WRs completed. */
    uint32_t received;          /* Messages received and checked. */
    uint32_t credit;            /* Client: messages the server processed. */
    uint32_t credit_sent;       /* Server: last credit sent. */
    bool peer_done;             /* Server: the result record arrived. */
    bool result_sent;           /* Client: the result WRITE completed. */
};

struct perf_run;

/* Called for each receive completion that is not the result record. */
typedef void perf_recv_cb(struct perf_run *, struct perf_conn *,
                          const struct ovsrdma_wc *);
/* Called for each data WR, in order, when it is known complete. */
typedef void perf_data_cb(struct perf_run *, struct perf_conn *,
                          uint32_t iter);

/* One run of a test, on either side. */
struct perf_run {
    const struct perf_options *opts;
    struct perf_params p;       /* Agreed parameters. */
    bool server;
    size_t stride;              /* Slot size. */

    struct ovsrdma_context *ctx;
    struct ovsrdma_port_info port;
    struct ovsrdma_pd *pd;
    struct ovsrdma_event_channel *channel;
    struct ovsrdma_cm_id *listen_id;
    struct perf_conn *conns;

    perf_recv_cb *on_recv;
    perf_data_cb *on_data;
    bool peer_gone;             /* A QP's connection was torn down. */

    /* Results, as printed: 3 values for a bandwidth test, 7 for a latency
     * test (see ovs-rdma-report.c). */
    double results[7];
};

/* ovs-rdma-conn.c. */
void perf_open(struct perf_run *, const struct perf_options *);
void perf_connect(struct perf_run *);
void perf_serve(struct perf_run *);
void perf_close(struct perf_run *);
void perf_check_cm_events(struct perf_run *);
size_t perf_stride(uint32_t size);
const char *perf_format_addr(const struct sockaddr_storage *, char *buf,
                             size_t size, uint16_t *port);
size_t perf_exposed_offset(const struct perf_run *, uint32_t slot);
size_t perf_own_offset(const struct perf_run *, uint32_t slot);

/* ovs-rdma-io.c. */
void perf_fatal(int error, const char *format, ...)
    __attribute__((format(printf, 2, 3), noreturn));
uint64_t perf_now_ns(void);

/* A send-queue work request, as perf_post_send() takes it. */
struct perf_wr {
    enum perf_wr_kind kind;
    uint32_t iter;              /* Message index, for PERF_WR_DATA. */
    enum ovsrdma_wr_opcode opcode;
    size_t local_offset;        /* In the local buffer. */
    uint32_t length;
    size_t remote_offset;       /* In the peer's buffer. */
    uint32_t imm;               /* Host byte order. */
    bool signaled;
};
void perf_post_send(struct perf_run *, struct perf_conn *,
                    const struct perf_wr *);
void perf_post_recv(struct perf_run *, struct perf_conn *, bool with_data);
int perf_poll(struct perf_run *, struct perf_conn *);
void perf_serve_until_done(struct perf_run *, uint32_t expected,
                           uint32_t credit_batch);

/* The watchdog: a loop that made no progress calls perf_idle(); one that
 * made progress calls perf_idle_reset(). */
struct perf_idle {
    uint64_t since;             /* When progress stopped; 0: unknown. */
    unsigned int spins;
    bool no_timeout;            /* Progress is invisible here: wait until
                                 * the peer finishes or disconnects. */
};
void perf_idle_reset(struct perf_idle *);
void perf_idle(struct perf_run *, struct perf_idle *, const char *what);

/* The immediate value of the client's final result WRITE. */
#define PERF_IMM_RESULT 0xffffffffu

uint32_t perf_pattern_seed(uint32_t qp, uint32_t iter);
void perf_pattern_fill(uint8_t *, size_t length, uint32_t seed,
                       uint8_t xor);
void perf_pattern_check(const uint8_t *, size_t length, uint32_t qp,
                        uint32_t iter, uint32_t pattern_iter);
uint8_t perf_marker(uint32_t iter, uint32_t window);

/* ovs-rdma-bw.c. */
void perf_bw_client(struct perf_run *);
void perf_bw_server(struct perf_run *);

/* ovs-rdma-lat.c. */
void perf_lat_client(struct perf_run *);
void perf_lat_server(struct perf_run *);

/* ovs-rdma-report.c. */
void perf_print_header(const struct perf_run *);
void perf_bw_results(struct perf_run *, uint64_t elapsed_ns,
                     double peak_rate);
void perf_lat_results(struct perf_run *, uint64_t *sample_ns, size_t n,
                      bool half);
void perf_print_results(const struct perf_run *);
void perf_send_results(struct perf_run *);
void perf_read_results(struct perf_run *);

#endif /* ovs-rdma-perf.h */
