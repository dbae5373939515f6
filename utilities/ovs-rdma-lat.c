/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 *
 * ovs-rdma's latency tests: write-lat, read-lat and send-lat.
 *
 * write-lat and send-lat are ping-pongs, as in perftest: the client sends
 * message k of a QP, the server waits for it and answers with its own
 * message k, and the client measures the round trip.  In write-lat each
 * side RDMA WRITEs into the other's buffer and detects arrival by polling
 * the last byte of the message in its own buffer (the RNIC places payload
 * in ascending address order, so the rest of the message is there once
 * the last byte is); zero-length messages cannot be detected that way and
 * are WRITEs with immediate, detected by their receive.  send-lat uses
 * SEND and RECV.  read-lat has the client issue READs one at a time.
 * With several QPs, consecutive messages go round-robin over them. */

#include "ovs-rdma-perf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Returns whether ping-pong messages of 'run' arrive through receives
 * rather than being detected by polling memory. */
static bool
perf_lat_uses_recv(const struct perf_run *run)
{
    return run->p.test == PERF_SEND_LAT || !run->p.size;
}

/* Returns the exposed slot into which message 'k' of a QP arrives: a
 * WRITE's target, or the slot of the receive it consumes (receives rotate
 * over window + 1 slots, and message k consumes receive k). */
static uint32_t
perf_lat_arrival_slot(const struct perf_run *run, uint32_t k)
{
    return (run->p.test == PERF_SEND_LAT
            ? k % (run->p.window + 1) : k % run->p.window);
}

/* Ping-pong receive, on either side: checks that it is the next message
 * and gives a receive back at once (the peer cannot send the next message
 * before this side answered this one, so the slot is not overwritten
 * before it is checked). */
static void
perf_lat_recv(struct perf_run *run, struct perf_conn *conn,
              const struct ovsrdma_wc *wc)
{
    uint32_t k = conn->received;
    bool send = run->p.test == PERF_SEND_LAT;

    if (send
        ? wc->opcode != OVSRDMA_WC_RECV || wc->byte_len != run->p.size
        : (wc->opcode != OVSRDMA_WC_RECV_RDMA_WITH_IMM
           || ntohl(wc->imm_data) != k)) {
        perf_fatal(0, "qp %"PRIu32": message %"PRIu32" is not the expected "
                   "%s of %"PRIu32" bytes", conn->index, k,
                   send ? "SEND" : "RDMA WRITE with immediate", run->p.size);
    }
    conn->received++;
    perf_post_recv(run, conn, send);
}

/* Waits for message 'k' of 'conn'.  The CQ is polled even when arrival is
 * detected in memory, to reap send completions and to see errors. */
static void
perf_lat_wait(struct perf_run *run, struct perf_conn *conn, uint32_t k,
              const char *what)
{
    uint32_t slot = perf_lat_arrival_slot(run, k);
    const uint8_t *msg = conn->buf + perf_exposed_offset(run, slot);
    bool by_recv = perf_lat_uses_recv(run);
    uint8_t marker = perf_marker(k, run->p.window);
    struct perf_idle idle;
    unsigned int spins = 0;

    perf_idle_reset(&idle);
    for (;;) {
        if (by_recv
            ? conn->received > k
            : __atomic_load_n(&msg[run->p.size - 1], __ATOMIC_ACQUIRE)
              == marker) {
            break;
        }
        if ((by_recv || !(++spins % 256)) && perf_poll(run, conn)) {
            perf_idle_reset(&idle);
        } else {
            perf_idle(run, &idle, what);
        }
    }
    if (!by_recv) {
        conn->received++;
    }
}

/* With --verify, checks message 'k' of 'conn', which has arrived.  The
 * marker that ends a message detected in memory was checked by
 * perf_lat_wait(). */
static void
perf_lat_check(struct perf_run *run, struct perf_conn *conn, uint32_t k)
{
    uint32_t slot = perf_lat_arrival_slot(run, k);

    if (run->p.verify) {
        perf_pattern_check(conn->buf + perf_exposed_offset(run, slot),
                           run->p.size - !perf_lat_uses_recv(run),
                           conn->index, k, k);
    }
}

/* Prepares 'wr' to send message 'k' of 'conn' from own slot k % window,
 * filling the slot with the message's pattern with --verify, ended by the
 * marker that write-lat's receiver polls for. */
static void
perf_lat_prepare(struct perf_run *run, struct perf_conn *conn, uint32_t k,
                 struct perf_wr *wr)
{
    uint32_t slot = k % run->p.window;
    uint8_t *own;

    memset(wr, 0, sizeof *wr);
    wr->kind = PERF_WR_DATA;
    wr->iter = k;
    wr->local_offset = perf_own_offset(run, slot);
    wr->length = run->p.size;
    wr->remote_offset = perf_exposed_offset(run, slot);
    wr->imm = k;
    wr->signaled = true;
    if (run->p.test == PERF_SEND_LAT) {
        wr->opcode = OVSRDMA_WR_SEND;
    } else if (!run->p.size) {
        wr->opcode = OVSRDMA_WR_RDMA_WRITE_WITH_IMM;
    } else {
        wr->opcode = OVSRDMA_WR_RDMA_WRITE;
    }

    own = conn->buf + wr->local_offset;
    if (run->p.verify) {
        perf_pattern_fill(own, run->p.size,
                          perf_pattern_seed(conn->index, k), 0);
    }
    if (!perf_lat_uses_recv(run)) {
        own[run->p.size - 1] = perf_marker(k, run->p.window);
    }
}

/* Runs the ping-pong of write-lat or send-lat.  The client stores each
 * round trip in 'rtt'; the server passes NULL.  The client neither times
 * the preparation of its message (its --verify pattern) nor the check of
 * the answer; the server's work falls inside the client's round trip. */
static void
perf_pingpong(struct perf_run *run, uint64_t *rtt)
{
    uint64_t n, total = (uint64_t) run->p.iters * run->p.n_qps;

    run->on_recv = perf_lat_uses_recv(run) ? perf_lat_recv : NULL;
    for (n = 0; n < total; n++) {
        struct perf_conn *conn = &run->conns[n % run->p.n_qps];
        uint32_t k = n / run->p.n_qps;
        struct perf_wr wr;

        if (run->server) {
            perf_lat_wait(run, conn, k, "the client's message");
            perf_lat_check(run, conn, k);
            perf_lat_prepare(run, conn, k, &wr);
            perf_post_send(run, conn, &wr);
        } else {
            uint64_t start;

            perf_lat_prepare(run, conn, k, &wr);
            start = perf_now_ns();
            perf_post_send(run, conn, &wr);
            perf_lat_wait(run, conn, k, "the server's answer");
            rtt[n] = perf_now_ns() - start;
            perf_lat_check(run, conn, k);
        }
    }
}

/* Client, read-lat: READs message k of each QP (round-robin) from the
 * server's exposed slot k % window, one at a time, and stores each READ's
 * latency in 'lat'.  With --verify the destination is first filled with
 * the complement of the expected data; the server's slots are static, so
 * slot s holds the pattern of message s. */
static void
perf_read_lat(struct perf_run *run, uint64_t *lat)
{
    uint64_t n, total = (uint64_t) run->p.iters * run->p.n_qps;

    for (n = 0; n < total; n++) {
        struct perf_conn *conn = &run->conns[n % run->p.n_qps];
        uint32_t k = n / run->p.n_qps, slot = k % run->p.window;
        struct perf_wr wr = {
            .kind = PERF_WR_DATA,
            .iter = k,
            .opcode = OVSRDMA_WR_RDMA_READ,
            .local_offset = perf_own_offset(run, slot),
            .length = run->p.size,
            .remote_offset = perf_exposed_offset(run, slot),
            .signaled = true,
        };
        uint8_t *own = conn->buf + wr.local_offset;
        struct perf_idle idle;
        uint64_t start;

        if (run->p.verify) {
            perf_pattern_fill(own, run->p.size,
                              perf_pattern_seed(conn->index, slot), 0xff);
        }
        perf_idle_reset(&idle);
        start = perf_now_ns();
        perf_post_send(run, conn, &wr);
        while (conn->completed <= k) {
            if (perf_poll(run, conn)) {
                perf_idle_reset(&idle);
            } else {
                perf_idle(run, &idle, "the READ's completion");
            }
        }
        lat[n] = perf_now_ns() - start;
        if (run->p.verify) {
            perf_pattern_check(own, run->p.size, conn->index, k, slot);
        }
    }
}

/* Runs the client side of a latency test and computes its results. */
void
perf_lat_client(struct perf_run *run)
{
    size_t total = (size_t) run->p.iters * run->p.n_qps;
    uint64_t *samples = malloc(total * sizeof *samples);

    if (!samples) {
        perf_fatal(ENOMEM, "allocating %zu latency samples", total);
    }
    if (run->p.test == PERF_READ_LAT) {
        perf_read_lat(run, samples);
        perf_lat_results(run, samples, total, false);
    } else {
        perf_pingpong(run, samples);
        perf_lat_results(run, samples, total, true);
    }
    free(samples);
}

/* Runs the server side of a latency test. */
void
perf_lat_server(struct perf_run *run)
{
    if (run->p.test != PERF_READ_LAT) {
        perf_pingpong(run, NULL);
    }
    perf_serve_until_done(run, 0, 0);
}
