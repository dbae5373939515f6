/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* The opcode table against layouts written out independently from IBTA
 * Vol 1 table 38 / ch. 9.3, plus internal consistency of every entry. */

#include <string.h>
#include "roce-test.h"
#include "roce/hdr.h"
#include "roce/opcode.h"

/* One expected layout: opcode, total header length and the ETHs in wire
 * order with their offsets, from the spec (not from the table macros). */
struct expect {
    uint8_t opcode;
    unsigned int hdr_len;
    struct { int ext; unsigned int ofs; } e[2];
    unsigned int n;
};

#define NONE { { 0, 0 }, { 0, 0 } }, 0
static const struct expect expected[] = {
    { 0x00, 12, NONE }, { 0x01, 12, NONE }, { 0x02, 12, NONE },
    { 0x03, 16, { { ROCE_EXT_IMMDT, 12 } }, 1 },
    { 0x04, 12, NONE },
    { 0x05, 16, { { ROCE_EXT_IMMDT, 12 } }, 1 },
    { 0x06, 28, { { ROCE_EXT_RETH, 12 } }, 1 },
    { 0x07, 12, NONE }, { 0x08, 12, NONE },
    { 0x09, 16, { { ROCE_EXT_IMMDT, 12 } }, 1 },
    { 0x0a, 28, { { ROCE_EXT_RETH, 12 } }, 1 },
    { 0x0b, 32, { { ROCE_EXT_RETH, 12 }, { ROCE_EXT_IMMDT, 28 } }, 2 },
    { 0x0c, 28, { { ROCE_EXT_RETH, 12 } }, 1 },
    { 0x0d, 16, { { ROCE_EXT_AETH, 12 } }, 1 },
    { 0x0e, 12, NONE },
    { 0x0f, 16, { { ROCE_EXT_AETH, 12 } }, 1 },
    { 0x10, 16, { { ROCE_EXT_AETH, 12 } }, 1 },
    { 0x11, 16, { { ROCE_EXT_AETH, 12 } }, 1 },
    { 0x12, 24, { { ROCE_EXT_AETH, 12 }, { ROCE_EXT_ATOMIC_ACK, 16 } }, 2 },
    { 0x13, 40, { { ROCE_EXT_ATOMIC_ETH, 12 } }, 1 },
    { 0x14, 40, { { ROCE_EXT_ATOMIC_ETH, 12 } }, 1 },
    { 0x16, 16, { { ROCE_EXT_IETH, 12 } }, 1 },
    { 0x17, 16, { { ROCE_EXT_IETH, 12 } }, 1 },
    { 0x20, 12, NONE }, { 0x21, 12, NONE }, { 0x22, 12, NONE },
    { 0x23, 16, { { ROCE_EXT_IMMDT, 12 } }, 1 },
    { 0x24, 12, NONE },
    { 0x25, 16, { { ROCE_EXT_IMMDT, 12 } }, 1 },
    { 0x26, 28, { { ROCE_EXT_RETH, 12 } }, 1 },
    { 0x27, 12, NONE }, { 0x28, 12, NONE },
    { 0x29, 16, { { ROCE_EXT_IMMDT, 12 } }, 1 },
    { 0x2a, 28, { { ROCE_EXT_RETH, 12 } }, 1 },
    { 0x2b, 32, { { ROCE_EXT_RETH, 12 }, { ROCE_EXT_IMMDT, 28 } }, 2 },
    { 0x64, 20, { { ROCE_EXT_DETH, 12 } }, 1 },
    { 0x65, 24, { { ROCE_EXT_DETH, 12 }, { ROCE_EXT_IMMDT, 20 } }, 2 },
    { 0x81, 28, NONE },
};

static void
test_layouts(void)
{
    bool listed[256] = { false };

    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        const struct expect *x = &expected[i];
        const struct roce_opcode_info *op = roce_opcode_info(x->opcode);
        unsigned int mask = 0;

        listed[x->opcode] = true;
        CHECK(roce_opcode_valid(x->opcode));
        CHECK_EQ(op->hdr_len, x->hdr_len);
        for (unsigned int k = 0; k < x->n; k++) {
            mask |= 1u << x->e[k].ext;
            CHECK(roce_opcode_has(x->opcode, x->e[k].ext));
            CHECK_EQ(roce_opcode_ext_ofs(x->opcode, x->e[k].ext),
                     x->e[k].ofs);
        }
        CHECK_EQ(op->ext_mask, mask);
    }
    /* Nothing else is in the table: RD, reserved and vendor opcodes are
     * rejected by the parser through this. */
    for (int opc = 0; opc < 256; opc++) {
        if (!listed[opc]) {
            CHECK(!roce_opcode_valid(opc));
            CHECK(!strcmp(roce_opcode_name(opc), "UNKNOWN"));
        }
    }
}

/* Every entry: offsets contiguous in wire order, flags coherent with the
 * headers and the name. */
static void
test_consistency(void)
{
    int n_valid = 0;

    for (int opc = 0; opc < 256; opc++) {
        const struct roce_opcode_info *op = roce_opcode_info(opc);
        unsigned int ofs = ROCE_BTH_LEN;
        uint32_t f = op->flags;

        if (!roce_opcode_valid(opc)) {
            CHECK_EQ(op->hdr_len, 0);
            continue;
        }
        n_valid++;
        for (int e = 0; e < ROCE_EXT_N; e++) {
            if (roce_opcode_has(opc, e)) {
                CHECK_EQ(op->ext_ofs[e], ofs);
                ofs += roce_ext_len(e);
            }
        }
        if (!(f & ROCE_OPF_CNP)) {
            CHECK_EQ(op->hdr_len, ofs);
            CHECK(!(f & ROCE_OPF_REQ) != !(f & ROCE_OPF_RESP));
            CHECK(f & (ROCE_OPF_FIRST | ROCE_OPF_MIDDLE | ROCE_OPF_LAST));
            CHECK(!((f & ROCE_OPF_MIDDLE)
                    && (f & (ROCE_OPF_FIRST | ROCE_OPF_LAST))));
        } else {
            CHECK_EQ(op->hdr_len, ROCE_BTH_LEN + ROCE_CNP_RSVD_LEN);
        }
        CHECK_EQ(!!(f & ROCE_OPF_IMM), roce_opcode_has(opc, ROCE_EXT_IMMDT));
        CHECK_EQ(!!(f & ROCE_OPF_INV), roce_opcode_has(opc, ROCE_EXT_IETH));
        CHECK(op->hdr_len <= ROCE_MAX_HDR_LEN);

        /* Names: transport prefix and segment keyword agree with flags. */
        const char *name = roce_opcode_name(opc);
        int transport = roce_opcode_transport(opc);
        switch (transport) {
        case ROCE_TRANSPORT_RC:
            CHECK(!strncmp(name, "RC ", 3));
            CHECK(!(f & ROCE_OPF_REQ) || (f & ROCE_OPF_ACK_REQUIRED));
            break;
        case ROCE_TRANSPORT_UC:
            CHECK(!strncmp(name, "UC ", 3));
            CHECK(!(f & ROCE_OPF_ACK_REQUIRED));
            break;
        case ROCE_TRANSPORT_UD:
            CHECK(!strncmp(name, "UD ", 3));
            CHECK(roce_opcode_has(opc, ROCE_EXT_DETH));
            break;
        default:
            CHECK(!strcmp(name, "CNP"));
        }
        CHECK_EQ(!!strstr(name, "FIRST"),
                 (f & ROCE_OPF_ONLY) == ROCE_OPF_FIRST);
        CHECK_EQ(!!strstr(name, "MIDDLE"), !!(f & ROCE_OPF_MIDDLE));
        CHECK_EQ(!!strstr(name, "LAST"), (f & ROCE_OPF_ONLY) == ROCE_OPF_LAST);
        CHECK_EQ(!!strstr(name, "SEND"), !!(f & ROCE_OPF_SEND));
        CHECK_EQ(!!strstr(name, "WRITE"), !!(f & ROCE_OPF_WRITE));
        if (f & ROCE_OPF_RECV_WQE) {
            CHECK(f & (ROCE_OPF_SEND | ROCE_OPF_IMM));
            CHECK(f & ROCE_OPF_LAST);
        }
    }
    CHECK_EQ(n_valid, 38);      /* RC 23, UC 12, UD 2, CNP 1. */
}

static void
test_helpers(void)
{
    CHECK(!strcmp(roce_opcode_name(ROCE_OP_RC_ACKNOWLEDGE),
                  "RC ACKNOWLEDGE"));
    CHECK(!strcmp(roce_ext_name(ROCE_EXT_ATOMIC_ACK), "AtomicAckETH"));
    CHECK_EQ(roce_ext_len(ROCE_EXT_RETH), 16);
    CHECK_EQ(roce_ext_len(ROCE_EXT_AETH), 4);
    CHECK_EQ(roce_ext_len(ROCE_EXT_DETH), 8);
    CHECK_EQ(roce_ext_len(ROCE_EXT_ATOMIC_ETH), 28);
    CHECK_EQ(roce_ext_len(ROCE_EXT_ATOMIC_ACK), 8);
    CHECK_EQ(roce_ext_len(ROCE_EXT_IMMDT), 4);
    CHECK_EQ(roce_ext_len(ROCE_EXT_IETH), 4);
    CHECK_EQ(roce_opcode_transport(0x65), ROCE_TRANSPORT_UD);
    CHECK_EQ(roce_opcode_transport(0x2b), ROCE_TRANSPORT_UC);
    CHECK_EQ(roce_opcode_ext_ofs(ROCE_OP_RC_SEND_ONLY, ROCE_EXT_RETH), 0);
}

int
main(void)
{
    test_layouts();
    test_consistency();
    test_helpers();
    return roce_test_exit();
}
