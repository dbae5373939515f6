/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* ovs-rdma's data path: posting work requests, polling completions, the
 * watchdog that turns a lost peer into an error, and the pattern that
 * --verify checks. */

#include "ovs-rdma-perf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Prints "ovs-rdma: <message>: <strerror(error)>" (without the last part if
 * 'error' is 0) as the one line on stderr that explains the failure, and
 * exits with status 1.  Resources are not released: the daemon frees all
 * of them when the process's socket closes. */
void
perf_fatal(int error, const char *format, ...)
{
    va_list args;

    fflush(stdout);
    fputs("ovs-rdma: ", stderr);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    if (error) {
        fprintf(stderr, ": %s", strerror(error));
    }
    fputc('\n', stderr);
    exit(EXIT_FAILURE);
}

/* Returns the monotonic time in nanoseconds. */
uint64_t
perf_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Names what a send-queue WR of 'kind' and 'opcode' was, for errors. */
static const char *
perf_wr_name(enum perf_wr_kind kind, enum perf_test test)
{
    switch (kind) {
    case PERF_WR_CREDIT:
        return "credit SEND";
    case PERF_WR_RESULT:
        return "result RDMA WRITE";
    case PERF_WR_DATA:
    default:
        break;
    }
    switch (test) {
    case PERF_WRITE_BW:
    case PERF_WRITE_LAT:
        return "RDMA WRITE";
    case PERF_READ_BW:
    case PERF_READ_LAT:
        return "RDMA READ";
    case PERF_SEND_BW:
    case PERF_SEND_LAT:
    case N_PERF_TESTS:
    default:
        return "SEND";
    }
}

/* Waits, polling 'conn''s CQ, until its send queue has room for one more
 * WR.  Unsignaled WRs occupy the queue until a later signaled one
 * completes, so the callers signal at least every 'sq_size' WRs. */
static void
perf_sq_reserve(struct perf_run *run, struct perf_conn *conn)
{
    struct perf_idle idle;

    perf_idle_reset(&idle);
    while (conn->sq_posted - conn->sq_done >= conn->sq_size) {
        if (perf_poll(run, conn)) {
            perf_idle_reset(&idle);
        } else {
            perf_idle(run, &idle, "send queue completions");
        }
    }
}

/* Posts 'wr' on 'conn''s QP, first waiting for room in its send queue.  A
 * zero-length WR carries no scatter/gather element. */
void
perf_post_send(struct perf_run *run, struct perf_conn *conn,
               const struct perf_wr *wr)
{
    struct ovsrdma_send_wr swr, *bad;
    struct ovsrdma_sge sge;
    uint32_t slot;
    int error;

    perf_sq_reserve(run, conn);

    sge.addr = (uintptr_t) (conn->buf + wr->local_offset);
    sge.length = wr->length;
    sge.lkey = conn->mr->lkey;

    memset(&swr, 0, sizeof swr);
    swr.wr_id = conn->sq_posted;
    swr.sg_list = &sge;
    swr.num_sge = wr->length ? 1 : 0;
    swr.opcode = wr->opcode;
    swr.send_flags = wr->signaled ? OVSRDMA_SEND_SIGNALED : 0;
    swr.imm_data = htonl(wr->imm);
    swr.wr.rdma.remote_addr = conn->remote_addr + wr->remote_offset;
    swr.wr.rdma.rkey = conn->remote_rkey;

    error = ovsrdma_post_send(conn->qp, &swr, &bad);
    if (error) {
        perf_fatal(error, "qp %"PRIu32": posting %s", conn->index,
                   perf_wr_name(wr->kind, run->p.test));
    }

    slot = conn->sq_posted % conn->sq_size;
    conn->sq_kind[slot] = wr->kind;
    conn->sq_iter[slot] = wr->iter;
    conn->sq_posted++;
    if (wr->kind == PERF_WR_DATA) {
        conn->posted++;
    }
}

/* Posts one receive on 'conn''s QP into the next exposed slot (receives
 * rotate over window + 1 slots).  Without 'with_data' the receive has no
 * scatter/gather element: it only takes an immediate value or a
 * zero-length message.  The wr_id is the slot. */
void
perf_post_recv(struct perf_run *run, struct perf_conn *conn, bool with_data)
{
    uint32_t slot = conn->rq_posted % (run->p.window + 1);
    struct ovsrdma_recv_wr rwr, *bad;
    struct ovsrdma_sge sge;
    int error;

    sge.addr = (uintptr_t) (conn->buf + perf_exposed_offset(run, slot));
    sge.length = run->p.size;
    sge.lkey = conn->mr->lkey;

    memset(&rwr, 0, sizeof rwr);
    rwr.wr_id = slot;
    rwr.sg_list = &sge;
    rwr.num_sge = with_data && run->p.size ? 1 : 0;

    error = ovsrdma_post_recv(conn->qp, &rwr, &bad);
    if (error) {
        perf_fatal(error, "qp %"PRIu32": posting a receive", conn->index);
    }
    conn->rq_posted++;
}

/* Accounts for the send-queue WRs up to and including the one with
 * sequence number 'seq', whose completion was just polled: on an RC QP
 * every earlier WR has completed too. */
static void
perf_send_done(struct perf_run *run, struct perf_conn *conn, uint64_t seq)
{
    if (seq < conn->sq_done || seq >= conn->sq_posted) {
        perf_fatal(0, "qp %"PRIu32": completion for unknown work request "
                   "%"PRIu64, conn->index, seq);
    }
    for (; conn->sq_done <= seq; conn->sq_done++) {
        uint32_t slot = conn->sq_done % conn->sq_size;

        if (conn->sq_kind[slot] == PERF_WR_DATA) {
            conn->completed++;
            if (run->on_data) {
                run->on_data(run, conn, conn->sq_iter[slot]);
            }
        } else if (conn->sq_kind[slot] == PERF_WR_RESULT) {
            conn->result_sent = true;
        }
    }
}

/* Polls 'conn''s CQ once and processes what it returns.  Any completion
 * error is fatal except a flush: a QP is flushed when its connection goes
 * down, which is normal once the run is over (the peer may leave as soon
 * as its last message arrived, possibly before this side polled that
 * message's completion on another QP) and otherwise reported by the
 * polling loop's disconnection check (perf_idle()).  An error of the QP's
 * own comes as a non-flush completion first.  Returns the number of
 * completions. */
int
perf_poll(struct perf_run *run, struct perf_conn *conn)
{
    struct ovsrdma_wc wcs[16];
    int n, i;

    n = ovsrdma_poll_cq(conn->cq, 16, wcs);
    if (n < 0) {
        perf_fatal(-n, "qp %"PRIu32": polling the completion queue",
                   conn->index);
    }
    for (i = 0; i < n; i++) {
        const struct ovsrdma_wc *wc = &wcs[i];
        bool recv = (wc->opcode & OVSRDMA_WC_RECV) != 0;

        if (wc->status == OVSRDMA_WC_WR_FLUSH_ERR) {
            continue;
        }
        if (wc->status != OVSRDMA_WC_SUCCESS) {
            /* A failed completion's opcode is undefined, but a receive's
             * wr_id (a slot) is small and a send's is a sequence number
             * below sq_posted; only the latter has a known kind. */
            const char *what = "work request";

            if (!recv && wc->wr_id >= conn->sq_done
                && wc->wr_id < conn->sq_posted) {
                what = perf_wr_name(
                    conn->sq_kind[wc->wr_id % conn->sq_size], run->p.test);
            }
            perf_fatal(0, "qp %"PRIu32": %s failed: %s", conn->index, what,
                       ovsrdma_wc_status_str(wc->status));
        }
        if (!recv) {
            perf_send_done(run, conn, wc->wr_id);
        } else if (wc->opcode == OVSRDMA_WC_RECV_RDMA_WITH_IMM
                   && ntohl(wc->imm_data) == PERF_IMM_RESULT) {
            conn->peer_done = true;
        } else if (run->on_recv) {
            run->on_recv(run, conn, wc);
        } else {
            perf_fatal(0, "qp %"PRIu32": unexpected receive completion",
                       conn->index);
        }
    }
    return n;
}

/* Starts a new period of waiting. */
void
perf_idle_reset(struct perf_idle *idle)
{
    idle->since = 0;
    idle->spins = 0;
    idle->no_timeout = false;
}

/* Called by a polling loop each time it made no progress.  Every few
 * thousand calls it looks at the clock and at the connection manager, and
 * fails with a message that names 'what' the loop waits for if nothing
 * happened for the --timeout or the peer disconnected.  A disconnection
 * fails only on the check after the one that saw it: the peer may
 * legitimately leave once its last message arrived, and the completion of
 * that message may have been queued just after this loop last polled. */
void
perf_idle(struct perf_run *run, struct perf_idle *idle, const char *what)
{
    uint64_t now;

    if (++idle->spins % 4096) {
        return;
    }
    if (run->peer_gone) {
        perf_fatal(ECONNRESET, "waiting for %s", what);
    }
    perf_check_cm_events(run);

    now = perf_now_ns();
    if (!idle->since) {
        idle->since = now;
    } else if (run->opts->timeout && !idle->no_timeout
               && now - idle->since
                  >= (uint64_t) run->opts->timeout * 1000000000) {
        perf_fatal(ETIMEDOUT, "waiting for %s", what);
    }
}

/* Server: polls every QP until the client's result record arrived on QP 0
 * and each QP received 'expected' messages, returning a credit to the
 * client each time 'credit_batch' more messages of a QP were processed (0:
 * never).  A credit is a zero-length SEND with immediate data: the number
 * of messages of that QP processed so far. */
void
perf_serve_until_done(struct perf_run *run, uint32_t expected,
                      uint32_t credit_batch)
{
    struct perf_idle idle;

    perf_idle_reset(&idle);
    /* Without per-message completions (RDMA WRITE or READ, no --verify) the
     * server cannot tell a slow run from a stuck one; like perftest's, it
     * then waits for the end of the run or the client's disconnection. */
    idle.no_timeout = !expected && !credit_batch;
    for (;;) {
        bool done = run->conns[0].peer_done;
        bool progress = false;
        uint32_t i;

        for (i = 0; i < run->p.n_qps; i++) {
            struct perf_conn *conn = &run->conns[i];

            if (perf_poll(run, conn)) {
                progress = true;
            }
            if (credit_batch
                && conn->received - conn->credit_sent >= credit_batch) {
                struct perf_wr wr = {
                    .kind = PERF_WR_CREDIT,
                    .opcode = OVSRDMA_WR_SEND_WITH_IMM,
                    .imm = conn->received,
                    .signaled = true,
                };

                perf_post_send(run, conn, &wr);
                conn->credit_sent = conn->received;
                progress = true;
            }
            if (conn->received < expected) {
                done = false;
            }
        }
        if (done) {
            break;
        }
        if (progress) {
            perf_idle_reset(&idle);
        } else {
            perf_idle(run, &idle, "the client's messages");
        }
    }
}

/* Mixes the bits of 'x' (a 32-bit finalizer in the style of MurmurHash3's):
 * neighbouring inputs give unrelated outputs, which is what makes a
 * misplaced or stale byte visible. */
static inline uint32_t
perf_mix(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352d;
    x ^= x >> 15;
    x *= 0x846ca68b;
    x ^= x >> 16;
    return x;
}

/* Returns the seed of the pattern of message 'iter' of QP 'qp'. */
uint32_t
perf_pattern_seed(uint32_t qp, uint32_t iter)
{
    return perf_mix(perf_mix(qp + 1) ^ (iter * 0x9e3779b9u));
}

/* Returns byte 'offset' of the pattern with 'seed': byte (offset % 4) of
 * the mix of seed + offset / 4. */
static inline uint8_t
perf_pattern_byte(uint32_t seed, size_t offset)
{
    return perf_mix(seed + (uint32_t) (offset / 4)) >> (8 * (offset % 4));
}

/* Fills 'length' bytes at 'p' with the pattern of 'seed', each byte
 * XORed with 'xor' (0xff gives a buffer that differs from the pattern in
 * every byte, to detect data that a READ did not write). */
void
perf_pattern_fill(uint8_t *p, size_t length, uint32_t seed, uint8_t xor)
{
    size_t i;

    for (i = 0; i + 4 <= length; i += 4) {
        uint32_t word = perf_mix(seed + (uint32_t) (i / 4));

        p[i] = word ^ xor;
        p[i + 1] = (word >> 8) ^ xor;
        p[i + 2] = (word >> 16) ^ xor;
        p[i + 3] = (word >> 24) ^ xor;
    }
    for (; i < length; i++) {
        p[i] = perf_pattern_byte(seed, i) ^ xor;
    }
}

/* Checks 'length' bytes at 'p' against the pattern of message
 * 'pattern_iter' of QP 'qp', and fails naming the first differing byte of
 * message 'iter' (READ tests read static data, so for them the two
 * differ). */
void
perf_pattern_check(const uint8_t *p, size_t length, uint32_t qp,
                   uint32_t iter, uint32_t pattern_iter)
{
    uint32_t seed = perf_pattern_seed(qp, pattern_iter);
    uint32_t word = 0;
    size_t i;

    for (i = 0; i < length; i++) {
        uint8_t expected;

        if (i % 4 == 0) {
            word = perf_mix(seed + (uint32_t) (i / 4));
        }
        expected = word >> (8 * (i % 4));
        if (p[i] != expected) {
            perf_fatal(0, "verify failed: qp %"PRIu32", iteration "
                       "%"PRIu32", offset %zu: expected 0x%02x, got 0x%02x",
                       qp, iter, i, expected, p[i]);
        }
    }
}

/* Returns the byte that ends message 'iter' of write-lat, whose arrival
 * the receiver detects by polling the message's last byte.  A slot is
 * reused every 'window' messages, and the marker is the number of that
 * use plus 1, so it always differs from what the slot held before
 * (initially 0). */
uint8_t
perf_marker(uint32_t iter, uint32_t window)
{
    return iter / window + 1;
}
