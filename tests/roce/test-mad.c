/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* Unit test of the common MAD header codec (roce/mad.h). */

#include "roce/mad.h"
#include "roce-test.h"

/* A CM Send MAD header written byte by byte from IBTA 13.4.3. */
static const uint8_t hdr_kat[ROCE_MAD_HDR_SIZE] = {
    0x01,                       /* BaseVersion 1. */
    0x07,                       /* MgmtClass: Communication Management. */
    0x02,                       /* ClassVersion 2. */
    0x03,                       /* R = 0, Method = Send. */
    0x00, 0x00,                 /* Status. */
    0xa5, 0x5a,                 /* ClassSpecific. */
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,     /* TransactionID. */
    0x00, 0x10,                 /* AttributeID: ConnectRequest. */
    0x00, 0x00,                 /* Reserved. */
    0xfe, 0xdc, 0xba, 0x98,     /* AttributeModifier. */
};

static void
test_kat(void)
{
    struct roce_mad_hdr hdr = {
        .base_version = 1, .mgmt_class = 7, .class_version = 2,
        .method = 3, .status = 0, .class_specific = 0xa55a,
        .tid = UINT64_C(0x0123456789abcdef), .attr_id = 0x0010,
        .attr_mod = 0xfedcba98,
    };
    uint8_t mad[ROCE_MAD_SIZE];
    struct roce_mad_hdr got;

    memset(mad, 0xee, sizeof mad);
    roce_mad_hdr_encode(&hdr, mad);
    CHECK_MEM(mad, hdr_kat, sizeof hdr_kat);
    CHECK_EQ(mad[ROCE_MAD_HDR_SIZE], 0xee);     /* Wrote only 24 bytes. */

    CHECK_OK(roce_mad_hdr_decode(mad, sizeof mad, &got));
    CHECK_EQ(got.base_version, 1);
    CHECK_EQ(got.mgmt_class, 7);
    CHECK_EQ(got.class_version, 2);
    CHECK_EQ(got.method, 3);
    CHECK_EQ(got.status, 0);
    CHECK_EQ(got.class_specific, 0xa55a);
    CHECK_EQ(got.tid, UINT64_C(0x0123456789abcdef));
    CHECK_EQ(got.attr_id, 0x0010);
    CHECK_EQ(got.attr_mod, 0xfedcba98);
    CHECK_OK(roce_mad_cm_hdr_check(&got));

    /* The reserved field is ignored on receive. */
    mad[18] = 0xff;
    mad[19] = 0x01;
    CHECK_OK(roce_mad_hdr_decode(mad, sizeof mad, &got));
    CHECK_EQ(got.attr_mod, 0xfedcba98);
}

static void
test_reject(void)
{
    uint8_t mad[ROCE_MAD_SIZE + 1] = { 0 };
    struct roce_mad_hdr hdr;

    memcpy(mad, hdr_kat, sizeof hdr_kat);
    CHECK(roce_mad_hdr_decode(mad, 0, &hdr) != NULL);
    CHECK(roce_mad_hdr_decode(mad, ROCE_MAD_HDR_SIZE, &hdr) != NULL);
    CHECK(roce_mad_hdr_decode(mad, ROCE_MAD_SIZE - 1, &hdr) != NULL);
    CHECK(roce_mad_hdr_decode(mad, ROCE_MAD_SIZE + 1, &hdr) != NULL);
    CHECK_OK(roce_mad_hdr_decode(mad, ROCE_MAD_SIZE, &hdr));

    mad[0] = 2;
    CHECK(roce_mad_hdr_decode(mad, ROCE_MAD_SIZE, &hdr) != NULL);
    mad[0] = 1;

    /* Class checks: each byte of the header that matters to CM. */
    static const struct { int off; uint8_t val; } bad[] = {
        { 1, 0x01 },            /* Subnet management class. */
        { 1, 0x03 },            /* Subnet administration. */
        { 2, 0x01 },            /* ClassVersion 1. */
        { 3, 0x83 },            /* R bit set. */
        { 3, 0x01 },            /* Get. */
        { 4, 0x80 },            /* Status. */
        { 5, 0x01 },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t save = mad[bad[i].off];

        mad[bad[i].off] = bad[i].val;
        CHECK_OK(roce_mad_hdr_decode(mad, ROCE_MAD_SIZE, &hdr));
        CHECK(roce_mad_cm_hdr_check(&hdr) != NULL);
        mad[bad[i].off] = save;
    }
}

int
main(void)
{
    test_kat();
    test_reject();
    return roce_test_exit();
}
