/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* Header field accessors: every field at extreme values, stored at the
 * right bits and bytes, without disturbing its neighbours; roce_pkt
 * serialization; PSN arithmetic and UDP source-port entropy. */

#include <string.h>
#include "roce-test.h"
#include "roce/hdr.h"
#include "roce/pkt.h"

#define BUF 48

/* Stores 'v' with 'set' into a buffer pre-filled with 'fill', reads it
 * back with 'get', and checks that only the bytes in [lo, hi) changed
 * and only in the bits of 'mask_at' (bitmask per changed byte). */
#define FIELD_CHECK(SET, GET, V, LO, HI)                                 \
    do {                                                                 \
        for (int fill_ = 0; fill_ < 2; fill_++) {                        \
            uint8_t b_[BUF], ref_[BUF];                                  \
            memset(b_, fill_ ? 0xff : 0x00, BUF);                        \
            memcpy(ref_, b_, BUF);                                       \
            SET(b_ + 4, (V));                                            \
            CHECK_EQ(GET(b_ + 4), (V));                                  \
            CHECK_MEM(b_, ref_, 4 + (LO));                               \
            CHECK_MEM(b_ + 4 + (HI), ref_ + 4 + (HI), BUF - 4 - (HI));   \
        }                                                                \
    } while (0)

/* Each field at 0, 1 and its maximum. */
#define FIELD_EXTREMES(SET, GET, MAX, LO, HI)                            \
    do {                                                                 \
        FIELD_CHECK(SET, GET, 0, LO, HI);                                \
        FIELD_CHECK(SET, GET, 1, LO, HI);                                \
        FIELD_CHECK(SET, GET, (MAX), LO, HI);                            \
    } while (0)

static void
test_bth_fields(void)
{
    FIELD_EXTREMES(roce_bth_set_opcode, roce_bth_opcode, 0xff, 0, 1);
    FIELD_EXTREMES(roce_bth_set_se, roce_bth_se, 1, 1, 2);
    FIELD_EXTREMES(roce_bth_set_mig, roce_bth_mig, 1, 1, 2);
    FIELD_EXTREMES(roce_bth_set_pad, roce_bth_pad, 3, 1, 2);
    FIELD_EXTREMES(roce_bth_set_tver, roce_bth_tver, 15, 1, 2);
    FIELD_EXTREMES(roce_bth_set_pkey, roce_bth_pkey, 0xffff, 2, 4);
    FIELD_EXTREMES(roce_bth_set_fecn, roce_bth_fecn, 1, 4, 5);
    FIELD_EXTREMES(roce_bth_set_becn, roce_bth_becn, 1, 4, 5);
    FIELD_EXTREMES(roce_bth_set_dqpn, roce_bth_dqpn, 0xffffff, 5, 8);
    FIELD_EXTREMES(roce_bth_set_ackreq, roce_bth_ackreq, 1, 8, 9);
    FIELD_EXTREMES(roce_bth_set_psn, roce_bth_psn, 0xffffff, 9, 12);
}

/* Split from test_bth_fields() only to keep each function small enough
 * for the compiler's variable tracking. */
static void
test_eth_fields(void)
{
    FIELD_EXTREMES(roce_reth_set_va, roce_reth_va, UINT64_MAX, 0, 8);
    FIELD_EXTREMES(roce_reth_set_rkey, roce_reth_rkey, UINT32_MAX, 8, 12);
    FIELD_EXTREMES(roce_reth_set_len, roce_reth_len, UINT32_MAX, 12, 16);
    FIELD_EXTREMES(roce_aeth_set_syndrome, roce_aeth_syndrome, 0xff, 0, 1);
    FIELD_EXTREMES(roce_aeth_set_msn, roce_aeth_msn, 0xffffff, 1, 4);
    FIELD_EXTREMES(roce_deth_set_qkey, roce_deth_qkey, UINT32_MAX, 0, 4);
    FIELD_EXTREMES(roce_deth_set_sqpn, roce_deth_sqpn, 0xffffff, 4, 8);
    FIELD_EXTREMES(roce_immdt_set, roce_immdt, UINT32_MAX, 0, 4);
    FIELD_EXTREMES(roce_ieth_set_rkey, roce_ieth_rkey, UINT32_MAX, 0, 4);
    FIELD_EXTREMES(roce_atomic_eth_set_va, roce_atomic_eth_va, UINT64_MAX,
                   0, 8);
    FIELD_EXTREMES(roce_atomic_eth_set_rkey, roce_atomic_eth_rkey,
                   UINT32_MAX, 8, 12);
    FIELD_EXTREMES(roce_atomic_eth_set_swap_add, roce_atomic_eth_swap_add,
                   UINT64_MAX, 12, 20);
    FIELD_EXTREMES(roce_atomic_eth_set_compare, roce_atomic_eth_compare,
                   UINT64_MAX, 20, 28);
    FIELD_EXTREMES(roce_atomic_ack_set_orig, roce_atomic_ack_orig,
                   UINT64_MAX, 0, 8);
}

/* Bit positions inside shared bytes, and 24-bit fields masked. */
static void
test_bits(void)
{
    uint8_t b[12];

    memset(b, 0, sizeof b);
    roce_bth_set_se(b, true);
    CHECK_EQ(b[1], 0x80);
    roce_bth_set_mig(b, true);
    CHECK_EQ(b[1], 0xc0);
    roce_bth_set_pad(b, 3);
    CHECK_EQ(b[1], 0xf0);
    roce_bth_set_tver(b, 0xf);
    CHECK_EQ(b[1], 0xff);
    roce_bth_set_pad(b, 1);
    CHECK_EQ(b[1], 0xdf);
    roce_bth_set_fecn(b, true);
    CHECK_EQ(b[4], 0x80);
    roce_bth_set_becn(b, true);
    CHECK_EQ(b[4], 0xc0);
    roce_bth_set_ackreq(b, true);
    CHECK_EQ(b[8], 0x80);
    roce_bth_set_psn(b, 0x1abcdef);     /* Bits above 24 dropped. */
    CHECK_EQ(roce_bth_psn(b), 0xabcdef);
    CHECK_EQ(b[8], 0x80);
    roce_bth_set_dqpn(b, 0xff123456);
    CHECK_EQ(roce_bth_dqpn(b), 0x123456);
    CHECK_EQ(b[4], 0xc0);

    /* roce_bth_init writes the exact IBTA byte layout. */
    static const uint8_t expect[12] = {
        0x0b, 0xa0, 0x12, 0x34, 0x00, 0xab, 0xcd, 0xef, 0x80, 0xff, 0xff,
        0xff
    };
    memset(b, 0x5a, sizeof b);
    roce_bth_init(b, 0x0b, true, false, 2, 0x1234, 0xabcdef, true,
                  0xffffff);
    CHECK_MEM(b, expect, 12);

    /* AETH syndromes. */
    CHECK_EQ(roce_syndrome_make(ROCE_AETH_NAK, ROCE_NAK_REMOTE_ACCESS_ERROR),
             0x62);
    CHECK_EQ(roce_syndrome_make(ROCE_AETH_RNR_NAK, 0x1f), 0x3f);
    CHECK_EQ(roce_syndrome_make(ROCE_AETH_ACK, ROCE_AETH_CREDIT_INVALID),
             0x1f);
    CHECK_EQ(roce_syndrome_type(0x62), ROCE_AETH_NAK);
    CHECK_EQ(roce_syndrome_value(0x62), 2);
    CHECK_EQ(roce_syndrome_type(0x3f), ROCE_AETH_RNR_NAK);
}

static void
test_psn_and_sport(void)
{
    CHECK_EQ(roce_psn_add(0xffffff, 1), 0);
    CHECK_EQ(roce_psn_add(0xfffffe, 5), 3);
    CHECK_EQ(roce_psn_diff(0, 0xffffff), 1);
    CHECK_EQ((uint32_t) roce_psn_diff(0xffffff, 0), (uint32_t) -1);
    CHECK_EQ(roce_psn_diff(0x7fffff, 0), 0x7fffff);
    CHECK_EQ((uint32_t) roce_psn_diff(0x800000, 0), (uint32_t) -0x800000);
    CHECK_EQ(roce_pad_len(0), 0);
    CHECK_EQ(roce_pad_len(1), 3);
    CHECK_EQ(roce_pad_len(2), 2);
    CHECK_EQ(roce_pad_len(3), 1);
    CHECK_EQ(roce_pad_len(4096), 0);

    /* Values from an independent Python transcription of Linux's
     * rdma_calc_flow_label() / rdma_flow_label_to_udp_sport(). */
    CHECK_EQ(roce_flow_label(0x11, 0x22), 0x242);
    CHECK_EQ(roce_udp_sport(0x11, 0x22), 0xc242);
    CHECK_EQ(roce_udp_sport(1, 1), 0xc001);
    CHECK_EQ(roce_flow_label(0xffffff, 0xffffff), 0xfff1e);
    CHECK_EQ(roce_udp_sport(0xffffff, 0xffffff), 0xff21);
    CHECK_EQ(roce_flow_label(0x123456, 0xabcdef), 0xac3e3);
    CHECK_EQ(roce_udp_sport(0x123456, 0xabcdef), 0xc3c8);
    CHECK_EQ(roce_udp_sport(0, 5), 0xc000);
}

/* roce_pkt_build() layouts and rejections. */
static void
test_pkt_build(void)
{
    static const uint8_t payload[5] = { 1, 2, 3, 4, 5 };
    struct roce_pkt p;
    uint8_t buf[128];
    size_t n;

    memset(&p, 0, sizeof p);
    p.opcode = ROCE_OP_RC_WRITE_ONLY_IMM;
    p.pkey = 0xffff;
    p.dqpn = 0xffffff;
    p.psn = 0xffffff;
    p.va = UINT64_MAX;
    p.rkey = 0xdeadbeef;
    p.dma_len = 5;
    p.imm = 0x01020304;
    p.payload = payload;
    p.payload_len = 5;
    memset(buf, 0xee, sizeof buf);
    n = roce_pkt_build(&p, buf, sizeof buf);
    CHECK_EQ(n, 12 + 16 + 4 + 5 + 3);
    CHECK_EQ(roce_pkt_len(&p), n);
    CHECK_EQ(roce_bth_pad(buf), 3);
    CHECK_EQ(roce_reth_va(buf + 12), UINT64_MAX);
    CHECK_EQ(roce_reth_rkey(buf + 12), 0xdeadbeef);
    CHECK_EQ(roce_reth_len(buf + 12), 5);
    CHECK_EQ(roce_immdt(buf + 28), 0x01020304);
    CHECK_MEM(buf + 32, payload, 5);
    CHECK_EQ(buf[37] | buf[38] | buf[39], 0);   /* Pad is zero. */
    CHECK_EQ(buf[40], 0xee);                    /* Nothing past it. */
    CHECK(roce_hdr_ext(buf, ROCE_EXT_AETH) == NULL);
    CHECK(roce_hdr_ext(buf, ROCE_EXT_IMMDT) == buf + 28);

    /* Does not fit. */
    CHECK_EQ(roce_pkt_build(&p, buf, n - 1), 0);
    /* Payload on an opcode without one. */
    p.opcode = ROCE_OP_RC_ACKNOWLEDGE;
    CHECK_EQ(roce_pkt_build(&p, buf, sizeof buf), 0);
    /* Opcode not in the table. */
    p.payload_len = 0;
    p.opcode = 0x15;
    CHECK_EQ(roce_pkt_build(&p, buf, sizeof buf), 0);
    CHECK_EQ(roce_pkt_len(&p), 0);

    /* DETH reserved byte and CNP reserved bytes are zero. */
    memset(buf, 0xee, sizeof buf);
    p.opcode = ROCE_OP_UD_SEND_ONLY;
    p.sqpn = 0xffffff;
    p.qkey = ROCE_GSI_QKEY;
    CHECK_EQ(roce_pkt_build(&p, buf, sizeof buf), 20);
    CHECK_EQ(buf[16], 0);
    CHECK_EQ(roce_deth_qkey(buf + 12), 0x80010000);
    memset(buf, 0xee, sizeof buf);
    p.opcode = ROCE_OP_CNP;
    p.fecn = p.becn = true;
    CHECK_EQ(roce_pkt_build(&p, buf, sizeof buf), 28);
    CHECK_EQ(buf[4], 0xc0);
    for (int i = 12; i < 28; i++) {
        CHECK_EQ(buf[i], 0);
    }
}

int
main(void)
{
    test_bth_fields();
    test_eth_fields();
    test_bits();
    test_psn_and_sport();
    test_pkt_build();
    return roce_test_exit();
}
