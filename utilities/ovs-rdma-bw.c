/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* ovs-rdma's bandwidth tests: write-bw, read-bw and send-bw.
 *
 * The client is the initiator (in read-bw it READs from the server).  It
 * keeps up to the tx depth of WRs outstanding on each QP, round-robin over
 * the QPs, signaling one WR in four of that depth.  The server is passive
 * except when it must process each message: in send-bw (its receives) and
 * in write-bw with --verify (each message is a WRITE with immediate whose
 * completion lets the server check it).  There the server returns credits
 * and the client never has more than 'window' messages of a QP that the
 * server has not processed, so it never overwrites a slot the server has
 * not checked nor sends into a missing receive. */

#include "ovs-rdma-perf.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

/* Tracks the best bandwidth over windows of at least 'window' consecutive
 * messages, from samples (time, messages completed so far) spaced at least
 * window / 8 messages apart, of which the last 16 are kept: enough to span
 * one window. */
struct perf_peak {
    uint64_t t[16];
    uint64_t msgs[16];
    unsigned int n;
    uint64_t window;
    double best;                /* Messages per nanosecond. */
};

/* Adds a sample to 'peak' unless it is too close to the previous one and
 * not 'final'. */
static void
perf_peak_add(struct perf_peak *peak, uint64_t t, uint64_t msgs, bool final)
{
    uint64_t spacing = peak->window / 8 ? peak->window / 8 : 1;
    unsigned int i;

    if (peak->n && !final && msgs - peak->msgs[(peak->n - 1) % 16]
                             < spacing) {
        return;
    }
    for (i = peak->n; i-- > 0 && peak->n - i <= 15; ) {
        uint64_t m = peak->msgs[i % 16];

        if (msgs - m >= peak->window) {
            if (t > peak->t[i % 16]) {
                double rate = (double) (msgs - m) / (t - peak->t[i % 16]);

                if (rate > peak->best) {
                    peak->best = rate;
                }
            }
            break;
        }
    }
    peak->t[peak->n % 16] = t;
    peak->msgs[peak->n % 16] = msgs;
    peak->n++;
}

/* Returns whether the server processes each message and returns credits
 * for them (see above). */
bool
perf_uses_credits(const struct perf_params *p)
{
    return p->test == PERF_SEND_BW || (p->test == PERF_WRITE_BW && p->verify);
}

/* Client: posts message 'conn->posted' of 'conn': from own slot k % window
 * to exposed slot k % window.  With --verify, a WRITE or SEND source is
 * filled with its pattern, and a READ destination with the complement of
 * what the READ must bring, so that bytes it fails to write show. */
static void
perf_bw_post(struct perf_run *run, struct perf_conn *conn, uint32_t signal)
{
    uint32_t k = conn->posted, slot = k % run->p.window;
    struct perf_wr wr = {
        .kind = PERF_WR_DATA,
        .iter = k,
        .local_offset = perf_own_offset(run, slot),
        .length = run->p.size,
        .remote_offset = perf_exposed_offset(run, slot),
        .imm = k,
        .signaled = (k + 1) % signal == 0 || k + 1 == run->p.iters,
    };
    uint8_t *own = conn->buf + wr.local_offset;

    switch (run->p.test) {
    case PERF_WRITE_BW:
        wr.opcode = (run->p.verify ? OVSRDMA_WR_RDMA_WRITE_WITH_IMM
                     : OVSRDMA_WR_RDMA_WRITE);
        break;
    case PERF_READ_BW:
        wr.opcode = OVSRDMA_WR_RDMA_READ;
        break;
    case PERF_SEND_BW:
    case PERF_WRITE_LAT:
    case PERF_READ_LAT:
    case PERF_SEND_LAT:
    case N_PERF_TESTS:
    default:
        wr.opcode = OVSRDMA_WR_SEND;
        break;
    }
    if (run->p.verify && run->p.test == PERF_READ_BW) {
        perf_pattern_fill(own, run->p.size,
                          perf_pattern_seed(conn->index, slot), 0xff);
    } else if (run->p.verify) {
        perf_pattern_fill(own, run->p.size,
                          perf_pattern_seed(conn->index, k), 0);
    }
    perf_post_send(run, conn, &wr);
}

/* Client, read-bw --verify: checks the data of READ 'iter', just
 * completed.  The server's slots are static, so slot s always holds the
 * pattern of message s. */
static void
perf_bw_check_read(struct perf_run *run, struct perf_conn *conn,
                   uint32_t iter)
{
    uint32_t slot = iter % run->p.window;

    perf_pattern_check(conn->buf + perf_own_offset(run, slot), run->p.size,
                       conn->index, iter, slot);
}

/* Client: takes a credit from the server. */
static void
perf_bw_take_credit(struct perf_run *run, struct perf_conn *conn,
                    const struct ovsrdma_wc *wc)
{
    uint32_t credit = ntohl(wc->imm_data);

    if (wc->opcode != OVSRDMA_WC_RECV || !(wc->wc_flags & OVSRDMA_WC_WITH_IMM)
        || credit > conn->posted) {
        perf_fatal(0, "qp %"PRIu32": unexpected message from the server",
                   conn->index);
    }
    if (credit > conn->credit) {
        conn->credit = credit;
    }
    perf_post_recv(run, conn, false);
}

/* Runs the client side of a bandwidth test and computes its results. */
void
perf_bw_client(struct perf_run *run)
{
    uint64_t total = (uint64_t) run->p.iters * run->p.n_qps;
    uint32_t limit = run->p.verify ? run->p.window : run->p.tx_depth;
    uint32_t signal = limit / 4 ? limit / 4 : 1;
    bool credits = perf_uses_credits(&run->p);
    struct perf_peak peak;
    struct perf_idle idle;
    uint64_t done = 0, start;

    if (run->p.verify && run->p.test == PERF_READ_BW) {
        run->on_data = perf_bw_check_read;
    }
    if (credits) {
        run->on_recv = perf_bw_take_credit;
    }

    memset(&peak, 0, sizeof peak);
    peak.window = (uint64_t) run->p.tx_depth * run->p.n_qps;
    if (peak.window > total) {
        peak.window = total;
    }
    perf_idle_reset(&idle);
    start = perf_now_ns();
    perf_peak_add(&peak, start, 0, true);

    while (done < total) {
        uint64_t done_before = done;
        bool progress = false;
        uint32_t i;

        for (i = 0; i < run->p.n_qps; i++) {
            struct perf_conn *conn = &run->conns[i];
            uint32_t completed = conn->completed;

            while (conn->posted < run->p.iters
                   && conn->posted - conn->completed < limit
                   && (!credits
                       || conn->posted - conn->credit < run->p.window)) {
                perf_bw_post(run, conn, signal);
                progress = true;
            }
            if (perf_poll(run, conn)) {
                progress = true;
            }
            done += conn->completed - completed;
        }
        if (done != done_before) {
            perf_peak_add(&peak, perf_now_ns(), done, done == total);
        }
        if (progress) {
            perf_idle_reset(&idle);
        } else {
            perf_idle(run, &idle, "completions");
        }
    }
    perf_bw_results(run, peak.t[(peak.n - 1) % 16] - start, peak.best);
}

/* Server, send-bw: checks a received message, and gives the receive back
 * to the QP. */
static void
perf_bw_server_recv(struct perf_run *run, struct perf_conn *conn,
                    const struct ovsrdma_wc *wc)
{
    uint32_t k = conn->received;

    if (wc->opcode != OVSRDMA_WC_RECV) {
        perf_fatal(0, "qp %"PRIu32": unexpected completion for message "
                   "%"PRIu32, conn->index, k);
    } else if (wc->byte_len != run->p.size) {
        perf_fatal(0, "qp %"PRIu32": message %"PRIu32" has %"PRIu32
                   " bytes, expected %"PRIu32, conn->index, k,
                   wc->byte_len, run->p.size);
    }
    if (run->p.verify) {
        perf_pattern_check(conn->buf + perf_exposed_offset(run, wc->wr_id),
                           run->p.size, conn->index, k, k);
    }
    conn->received++;
    perf_post_recv(run, conn, true);
}

/* Server, write-bw --verify: checks the message that a WRITE with
 * immediate (the message's number) just delivered. */
static void
perf_bw_server_write(struct perf_run *run, struct perf_conn *conn,
                     const struct ovsrdma_wc *wc)
{
    uint32_t k = ntohl(wc->imm_data);

    if (wc->opcode != OVSRDMA_WC_RECV_RDMA_WITH_IMM
        || k != conn->received) {
        perf_fatal(0, "qp %"PRIu32": expected message %"PRIu32", got "
                   "%s %"PRIu32, conn->index, conn->received,
                   (wc->opcode == OVSRDMA_WC_RECV_RDMA_WITH_IMM
                    ? "message" : "a SEND instead of"), k);
    }
    perf_pattern_check(conn->buf
                       + perf_exposed_offset(run, k % run->p.window),
                       run->p.size, conn->index, k, k);
    conn->received++;
    perf_post_recv(run, conn, false);
}

/* Runs the server side of a bandwidth test: until the client's result
 * record arrives, processing each message if the test needs it. */
void
perf_bw_server(struct perf_run *run)
{
    if (perf_uses_credits(&run->p)) {
        uint32_t batch = run->p.window / 4 ? run->p.window / 4 : 1;

        run->on_recv = (run->p.test == PERF_SEND_BW
                        ? perf_bw_server_recv : perf_bw_server_write);
        perf_serve_until_done(run, run->p.iters, batch);
    } else {
        perf_serve_until_done(run, 0, 0);
    }
}
