/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* libFuzzer harness for the receive parser.  Every input is parsed with
 * ICRC verification (the path received frames take) and without it (so
 * that the fuzzer reaches the transport-header checks behind the ICRC),
 * with default and custom tunnel ports.  Accepted frames are checked for
 * internal consistency: every pointer the parser returns lies inside the
 * input, and the payload is read to its end so that ASan sees any
 * overrun. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "roce/frame.h"
#include "roce/hdr.h"
#include "roce/icrc.h"
#include "roce/pkt.h"

#define REQUIRE(COND) do { if (!(COND)) { abort(); } } while (0)

static void
check_accepted(const uint8_t *data, size_t size, const struct roce_frame *rf)
{
    const uint8_t *end = data + size;
    struct roce_pkt pkt;
    volatile uint8_t sink = 0;

    REQUIRE(rf->op && (rf->op->flags & ROCE_OPF_VALID));
    REQUIRE(rf->frame_len <= size);
    REQUIRE(rf->bth >= data && rf->bth + rf->op->hdr_len <= end);
    for (int i = 0; i < ROCE_EXT_N; i++) {
        if (rf->ext[i]) {
            REQUIRE(rf->ext[i] >= rf->bth
                    && rf->ext[i] + roce_ext_len(i)
                       <= rf->bth + rf->op->hdr_len);
        }
    }
    REQUIRE(rf->payload == rf->bth + rf->op->hdr_len);
    REQUIRE(rf->payload + rf->payload_len + rf->pad + 4 <= end);
    REQUIRE(rf->inner.l3_ofs + rf->roce_len + 4 <= size);
    for (size_t i = 0; i < rf->payload_len; i++) {
        sink ^= rf->payload[i];
    }
    if (rf->geneve_opts) {
        REQUIRE(rf->geneve_opts + rf->geneve_opts_len <= end);
    }
    roce_pkt_from_frame(rf, &pkt);
    REQUIRE(pkt.opcode == rf->opcode && pkt.payload_len == rf->payload_len);
    (void) sink;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct roce_frame_opts opts;
    struct roce_frame rf;
    enum roce_frame_error verified, unverified;

    roce_frame_opts_init(&opts);
    verified = roce_frame_parse(data, size, &opts, &rf);
    REQUIRE(verified < ROCE_FRAME_N_ERRORS);
    if (verified == ROCE_FRAME_OK) {
        check_accepted(data, size, &rf);
        REQUIRE(roce_icrc_check(data + rf.inner.l3_ofs, rf.roce_len));
    }

    opts.verify_icrc = false;
    unverified = roce_frame_parse(data, size, &opts, &rf);
    if (unverified == ROCE_FRAME_OK) {
        check_accepted(data, size, &rf);
    }
    /* ICRC verification is the last check and the only difference. */
    REQUIRE(verified == unverified
            || (verified == ROCE_FRAME_BAD_ICRC
                && unverified == ROCE_FRAME_OK));

    /* Configured ports, plain RoCEv2 not accepted. */
    opts.vxlan_port = 8472;
    opts.geneve_port = 4791;
    opts.allow_plain = false;
    opts.verify_outer_udp_csum = true;
    if (roce_frame_parse(data, size, &opts, &rf) == ROCE_FRAME_OK) {
        check_accepted(data, size, &rf);
        REQUIRE(rf.tnl_type != ROCE_TNL_NONE);
    }
    return 0;
}
