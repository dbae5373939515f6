/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#ifndef ROCE_PKT_H
#define ROCE_PKT_H 1

/* A RoCE transport packet as plain values: every BTH and extended header
 * field plus the payload.  roce_pkt_build() serializes it (layout from the
 * opcode table), roce_pkt_from_frame() is the inverse for a parsed frame.
 * Convenient for control traffic (CM MADs on QP1), tools and tests; a
 * data path may equally write headers in place with the hdr.h accessors. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct roce_frame;

struct roce_pkt {
    /* BTH. */
    uint8_t opcode;
    bool se;
    bool mig;
    bool fecn;
    bool becn;
    bool ackreq;
    uint16_t pkey;
    uint32_t dqpn;
    uint32_t psn;

    /* Extended headers: only those the opcode carries are used. */
    uint64_t va;                /* RETH, AtomicETH. */
    uint32_t rkey;              /* RETH, AtomicETH. */
    uint32_t dma_len;           /* RETH. */
    uint8_t syndrome;           /* AETH. */
    uint32_t msn;               /* AETH. */
    uint32_t qkey;              /* DETH. */
    uint32_t sqpn;              /* DETH. */
    uint32_t imm;               /* ImmDt. */
    uint32_t inv_rkey;          /* IETH. */
    uint64_t swap_add;          /* AtomicETH. */
    uint64_t compare;           /* AtomicETH. */
    uint64_t orig;              /* AtomicAckETH. */

    const uint8_t *payload;
    size_t payload_len;
};

/* Length of the transport part of 'pkt': headers + payload + pad. */
size_t roce_pkt_len(const struct roce_pkt *);

/* Writes BTH, extended headers, payload and zero pad (PadCnt set from
 * the payload length) to 'buf'.  Returns the number of bytes written, or 0
 * if the opcode is not in the table, it has a payload although the opcode
 * carries none, or the packet does not fit in 'size' bytes. */
size_t roce_pkt_build(const struct roce_pkt *, uint8_t *buf, size_t size);

/* Fills 'pkt' from a frame that roce_frame_parse() accepted ('payload'
 * points into the frame). */
void roce_pkt_from_frame(const struct roce_frame *, struct roce_pkt *);

#endif /* roce/pkt.h */
