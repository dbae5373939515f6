/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* ovs-rdma's output: the perftest-like header and result tables, the
 * statistics behind them, and the result record through which the server
 * prints the client's figures.
 *
 * The server's own view of a run is partial (in write-bw and read-bw it
 * sees nothing but the end), so the client, which initiates every
 * message, measures, and at the end RDMA WRITEs its figures into the
 * control area of the server's QP 0 buffer with immediate data
 * PERF_IMM_RESULT.  That WRITE also tells the server that the run is over;
 * both sides then print the same table. */

#include "ovs-rdma-perf.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The result record (64 bytes, big-endian), in the control area. */
struct perf_record {
    uint32_t magic;             /* PERF_RECORD_MAGIC. */
    uint8_t version;            /* PERF_RECORD_VERSION. */
    uint8_t test;               /* enum perf_test. */
    uint16_t n_values;          /* 3 (bandwidth) or 7 (latency). */
    uint64_t values[7];         /* IEEE 754 binary64 bits of each value. */
};
_Static_assert(sizeof(struct perf_record) == 64, "result record layout");
_Static_assert(sizeof(struct perf_record) <= PERF_CTRL_SIZE,
               "result record fits the control area");
#define PERF_RECORD_MAGIC 0x4f525052 /* "ORPR" */
#define PERF_RECORD_VERSION 1

/* perftest's separator line. */
#define PERF_LINE "----------------------------------------" \
                  "-----------------------------------------------"

/* Returns the number of values in the results of 'run''s test. */
static size_t
perf_n_results(const struct perf_run *run)
{
    return perf_test_is_latency(run->p.test) ? 7 : 3;
}

/* Prints one line of the header's two-column block as perftest does: the
 * second column starts at the next tab stop but one after a short value,
 * at the next after a longer one. */
static void
perf_print_pair(const char *name1, const char *value1,
                const char *name2, const char *value2)
{
    printf(" %-15s : %s%s%-14s : %s\n", name1, value1,
           strlen(value1) < 4 ? "\t\t" : "\t", name2, value2);
}

/* Prints one side of a QP: its address and port, QPN, and buffer. */
static void
perf_print_addr(const char *name, const struct sockaddr_storage *ss,
                uint32_t qpn, uint32_t rkey, uint64_t vaddr)
{
    char buf[INET6_ADDRSTRLEN];
    uint16_t port;

    perf_format_addr(ss, buf, sizeof buf, &port);
    printf(" %s address: %s port %"PRIu16" QPN 0x%06"PRIx32" RKey "
           "0x%08"PRIx32" VAddr 0x%016"PRIx64"\n",
           name, buf, port, qpn, rkey, vaddr);
}

/* Prints the header: the test's setup, each QP's addresses, and the
 * column titles of the results. */
void
perf_print_header(const struct perf_run *run)
{
    bool latency = perf_test_is_latency(run->p.test);
    char qps[16], mtu[16], depth[16], slots[16], timeout[16], port[160];
    uint32_t i;

    snprintf(qps, sizeof qps, "%"PRIu32, run->p.n_qps);
    snprintf(mtu, sizeof mtu, "%d[B]",
             run->port.active_mtu ? 128 << run->port.active_mtu : 0);
    snprintf(depth, sizeof depth, "%"PRIu32, latency ? 1 : run->p.tx_depth);
    snprintf(slots, sizeof slots, "%"PRIu32, run->p.window);
    if (run->opts->timeout) {
        snprintf(timeout, sizeof timeout, "%d[sec]", run->opts->timeout);
    } else {
        snprintf(timeout, sizeof timeout, "none");
    }
    snprintf(port, sizeof port, "%s on bridge %s",
             run->port.port, run->port.bridge);

    puts(PERF_LINE);
    printf(" %s (ovs-rdma)\n", perf_test_title(run->p.test));
    perf_print_pair("Number of qps", qps, "Transport type",
                    run->port.overlay ? "RoCEv2 over overlay"
                    : "RoCEv2 over plain");
    perf_print_pair("Connection type", "RC", "Role",
                    run->server ? "server" : "client");
    perf_print_pair("Mtu", mtu, "Buffers",
                    run->opts->use_malloc ? "malloc" : "zero-copy");
    perf_print_pair("TX depth", depth, "Buffer slots", slots);
    perf_print_pair("Verify", run->p.verify ? "ON" : "OFF", "Timeout",
                    timeout);
    printf(" %-15s : %s\n", "Port", port);
    for (i = 0; i < run->p.n_qps; i++) {
        const struct perf_conn *conn = &run->conns[i];

        perf_print_addr("local", &conn->id->src_addr, conn->qp->qp_num,
                        conn->mr->rkey, (uintptr_t) conn->buf);
        perf_print_addr("remote", &conn->id->dst_addr, conn->remote_qpn,
                        conn->remote_rkey, conn->remote_addr);
    }
    puts(PERF_LINE);
    if (latency) {
        printf(" %-7s %-11s %-14s %-14s %-16s %-14s %-16s %-22s %s\n",
               "#bytes", "#iterations", "t_min[usec]", "t_max[usec]",
               "t_typical[usec]", "t_avg[usec]", "t_stdev[usec]",
               "99% percentile[usec]", "99.9% percentile[usec]");
    } else {
        printf(" %-10s %-14s %-18s %-20s %s\n", "#bytes", "#iterations",
               "BW peak[Gb/sec]", "BW average[Gb/sec]", "MsgRate[Mpps]");
    }
    fflush(stdout);
}

/* Computes a bandwidth test's results: the peak bandwidth (from
 * 'peak_rate', the best rate in messages per nanosecond over any window of
 * tx depth times QPs messages, or the average if there was none), the
 * average bandwidth, and the message rate, over all QPs. */
void
perf_bw_results(struct perf_run *run, uint64_t elapsed_ns, double peak_rate)
{
    double msgs = (double) run->p.iters * run->p.n_qps;
    double rate = msgs / (elapsed_ns ? elapsed_ns : 1);
    double bits = run->p.size * 8.0;

    if (peak_rate < rate) {
        peak_rate = rate;
    }
    run->results[0] = peak_rate * bits;        /* Bits per ns = Gbit/s. */
    run->results[1] = rate * bits;
    run->results[2] = rate * 1000.0;           /* Per ns -> Mpps. */
}

/* qsort() comparison function for uint64_t. */
static int
perf_compare_u64(const void *a_, const void *b_)
{
    uint64_t a = *(const uint64_t *) a_, b = *(const uint64_t *) b_;

    return a < b ? -1 : a > b;
}

/* Computes a latency test's results from the 'n' samples (in ns; sorted
 * in place): minimum, maximum, typical (the median), average, standard
 * deviation, 99% and 99.9% percentiles, in microseconds.  With 'half',
 * each sample is a round trip and latency is half of it. */
void
perf_lat_results(struct perf_run *run, uint64_t *samples, size_t n,
                 bool half)
{
    double scale = half ? 1 / 2000.0 : 1 / 1000.0;
    double sum = 0, avg, var = 0;
    size_t i;

    if (!n) {
        memset(run->results, 0, sizeof run->results);
        return;
    }
    qsort(samples, n, sizeof *samples, perf_compare_u64);
    for (i = 0; i < n; i++) {
        sum += samples[i];
    }
    avg = sum / n;
    for (i = 0; i < n; i++) {
        var += (samples[i] - avg) * (samples[i] - avg);
    }
    run->results[0] = samples[0] * scale;
    run->results[1] = samples[n - 1] * scale;
    run->results[2] = samples[n / 2] * scale;
    run->results[3] = avg * scale;
    run->results[4] = sqrt(var / n) * scale;
    run->results[5] = samples[(n * 99 + 99) / 100 - 1] * scale;
    run->results[6] = samples[(n * 999 + 999) / 1000 - 1] * scale;
}

/* Prints the results row and the closing line. */
void
perf_print_results(const struct perf_run *run)
{
    const double *r = run->results;

    if (perf_test_is_latency(run->p.test)) {
        printf(" %-7"PRIu32" %-11"PRIu32" %-14.2f %-14.2f %-16.2f %-14.2f "
               "%-16.2f %-22.2f %.2f\n", run->p.size, run->p.iters,
               r[0], r[1], r[2], r[3], r[4], r[5], r[6]);
    } else {
        printf(" %-10"PRIu32" %-14"PRIu32" %-18.2f %-20.2f %.6f\n",
               run->p.size, run->p.iters, r[0], r[1], r[2]);
    }
    puts(PERF_LINE);
    fflush(stdout);
}

/* Client: writes the results into the server's QP 0 control area with a
 * WRITE with immediate PERF_IMM_RESULT, and waits for its completion: once
 * it has completed, the server has all it needs and the client may
 * disconnect. */
void
perf_send_results(struct perf_run *run)
{
    struct perf_conn *conn = &run->conns[0];
    struct perf_wr wr = {
        .kind = PERF_WR_RESULT,
        .opcode = OVSRDMA_WR_RDMA_WRITE_WITH_IMM,
        .length = sizeof(struct perf_record),
        .imm = PERF_IMM_RESULT,
        .signaled = true,
    };
    struct perf_record rec;
    struct perf_idle idle;
    size_t i;

    memset(&rec, 0, sizeof rec);
    rec.magic = htonl(PERF_RECORD_MAGIC);
    rec.version = PERF_RECORD_VERSION;
    rec.test = run->p.test;
    rec.n_values = htons(perf_n_results(run));
    for (i = 0; i < perf_n_results(run); i++) {
        uint64_t bits;

        memcpy(&bits, &run->results[i], sizeof bits);
        rec.values[i] = htobe64(bits);
    }
    memcpy(conn->buf, &rec, sizeof rec);
    perf_post_send(run, conn, &wr);

    perf_idle_reset(&idle);
    while (!conn->result_sent) {
        if (perf_poll(run, conn)) {
            perf_idle_reset(&idle);
        } else {
            perf_idle(run, &idle, "the server to take the results");
        }
    }
}

/* Server: takes the client's results from the record that arrived in the
 * control area of QP 0's buffer. */
void
perf_read_results(struct perf_run *run)
{
    struct perf_record rec;
    size_t i;

    memcpy(&rec, run->conns[0].buf, sizeof rec);
    if (ntohl(rec.magic) != PERF_RECORD_MAGIC
        || rec.version != PERF_RECORD_VERSION || rec.test != run->p.test
        || ntohs(rec.n_values) != perf_n_results(run)) {
        perf_fatal(EPROTO, "reading the client's results");
    }
    for (i = 0; i < perf_n_results(run); i++) {
        uint64_t bits = be64toh(rec.values[i]);

        memcpy(&run->results[i], &bits, sizeof bits);
    }
}
