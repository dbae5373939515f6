/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* Per-core cost of the wire data path: ICRC throughput on RoCEv2 frames
 * with a 4096-byte payload (ISA-L and portable), encapsulation (template
 * copy + lengths + checksums + ICRC) per packet, and receive parsing with
 * ICRC verification per packet.  Each figure is the median of 7 runs,
 * timed in thread CPU time so that other load on the machine (CI, other
 * builds) inflates it less than wall time would.  Prints "name: value
 * unit" lines. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "roce/encap.h"
#include "roce/frame.h"
#include "roce/icrc.h"
#include "roce/opcode.h"
#include "wire-test.h"

#define RUNS 7
#define PAYLOAD 4096

static volatile uint32_t sink;

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int
cmp_double(const void *a_, const void *b_)
{
    double a = *(const double *) a_, b = *(const double *) b_;
    return a < b ? -1 : a > b;
}

static double
median(double *v)
{
    qsort(v, RUNS, sizeof *v, cmp_double);
    return v[RUNS / 2];
}

/* Builds a frame with 'payload_len' bytes of payload through 'kind':
 * 0 plain IPv4, 1 VXLAN over IPv4, 2 VXLAN over IPv6 (outer UDP checksum
 * over the whole frame, as OVS requires for IPv6 tunnels). */
static void
make(int kind, size_t payload_len, struct roce_encap *e,
     struct roce_pkt *p, uint8_t *payload)
{
    struct roce_encap_params prm;
    static uint8_t prefix[400];

    wt_inner_v4(&prm);
    if (kind) {
        prm.tnl.type = ROCE_TNL_VXLAN;
        prm.tnl.header = prefix;
        prm.tnl.header_len = wt_tnl_prefix(prefix, sizeof prefix,
                                           ROCE_TNL_VXLAN, kind == 2,
                                           false, 1, 0);
    }
    if (roce_encap_init(e, &prm)) {
        abort();
    }
    memset(p, 0, sizeof *p);
    p->opcode = payload_len ? ROCE_OP_RC_WRITE_ONLY : ROCE_OP_RC_ACKNOWLEDGE;
    p->dqpn = 0x12;
    p->pkey = 0xffff;
    p->payload = payload;
    p->payload_len = payload_len;
}

static void
bench_icrc(enum roce_crc_impl impl, const char *name, uint8_t *frame,
           const struct roce_encap *e, size_t len)
{
    const uint8_t *l3 = frame + e->inner_l3_ofs;
    size_t roce_len = len - e->inner_l3_ofs - 4;
    double gbps[RUNS];
    int iters = impl == ROCE_CRC_PORTABLE ? 20000 : 200000;

    roce_crc_set_impl(impl);
    for (int r = 0; r < RUNS; r++) {
        double t = now();
        uint32_t acc = 0;

        for (int i = 0; i < iters; i++) {
            acc += roce_icrc_compute(l3, roce_len);
        }
        t = now() - t;
        sink += acc;
        gbps[r] = roce_len * (double) iters / t / 1e9;
    }
    printf("icrc_%s_4096: %.2f GB/s\n", name, median(gbps));
    roce_crc_set_impl(ROCE_CRC_AUTO);
}

static void
bench_encap(const char *name, const struct roce_encap *e, uint8_t *frame,
            size_t transport_len, int iters)
{
    double ns[RUNS];

    for (int r = 0; r < RUNS; r++) {
        double t = now();

        for (int i = 0; i < iters; i++) {
            size_t n = roce_encap_push(e, frame, transport_len);
            roce_encap_finish(e, frame, n);
            sink += frame[n - 1];
        }
        ns[r] = (now() - t) * 1e9 / iters;
    }
    printf("encap_%s: %.1f ns/packet\n", name, median(ns));
}

static void
bench_parse(const char *name, const uint8_t *frame, size_t len, int iters)
{
    struct roce_frame_opts o;
    struct roce_frame rf;
    double ns[RUNS];

    roce_frame_opts_init(&o);
    for (int r = 0; r < RUNS; r++) {
        double t = now();

        for (int i = 0; i < iters; i++) {
            if (roce_frame_parse(frame, len, &o, &rf)) {
                abort();
            }
            sink += rf.psn;
        }
        ns[r] = (now() - t) * 1e9 / iters;
    }
    printf("parse_verify_%s: %.1f ns/packet\n", name, median(ns));
}

int
main(void)
{
    static const char *const kinds[] = { "plain4", "vxlan4", "vxlan6" };
    uint8_t *payload = malloc(PAYLOAD);
    uint8_t *frame = malloc(8192);
    struct roce_encap e;
    struct roce_pkt p;
    size_t len;

    for (size_t i = 0; i < PAYLOAD; i++) {
        payload[i] = i * 7;
    }
    printf("isal: %s\n", roce_crc32_have_isal() ? "yes" : "no");

    make(1, PAYLOAD, &e, &p, payload);
    len = wt_build(&e, &p, frame, 8192);
    bench_icrc(ROCE_CRC_ISAL, "isal", frame, &e, len);
    bench_icrc(ROCE_CRC_PORTABLE, "portable", frame, &e, len);

    for (int k = 0; k < 3; k++) {
        char name[64];

        make(k, PAYLOAD, &e, &p, payload);
        len = wt_build(&e, &p, frame, 8192);
        snprintf(name, sizeof name, "%s_4096", kinds[k]);
        bench_encap(name, &e, frame, len - e.hdr_len - 4, 100000);
        bench_parse(name, frame, len, 100000);

        make(k, 0, &e, &p, payload);
        len = wt_build(&e, &p, frame, 8192);
        snprintf(name, sizeof name, "%s_ack", kinds[k]);
        bench_encap(name, &e, frame, len - e.hdr_len - 4, 1000000);
        bench_parse(name, frame, len, 1000000);
    }
    free(payload);
    free(frame);
    return 0;
}
