/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* Unit test of the Annex A11 RDMA IP CM Service helpers (roce/cm-ip.h):
 * Service IDs as Linux's cma.c / librdmacm build them, and the 36-byte
 * private data header, byte by byte for IPv4 and IPv6. */

#include <arpa/inet.h>

#include "roce/cm-ip.h"
#include "roce-test.h"

static void
test_service_id(void)
{
    uint16_t ps, port;

    /* librdmacm: RDMA_IB_IP_PS_TCP = 0x0000000001060000, | port. */
    CHECK_EQ(roce_cm_ip_service_id(ROCE_RDMA_PS_TCP, 5001),
             UINT64_C(0x0000000001061389));
    CHECK_EQ(roce_cm_ip_service_id(ROCE_RDMA_PS_UDP, 0xffff),
             UINT64_C(0x000000000111ffff));
    CHECK_EQ(roce_cm_ip_service_id(ROCE_RDMA_PS_IB, 0),
             UINT64_C(0x00000000013f0000));

    CHECK_OK(roce_cm_ip_parse_service_id(UINT64_C(0x0000000001064e21),
                                         &ps, &port));
    CHECK_EQ(ps, ROCE_RDMA_PS_TCP);
    CHECK_EQ(port, 20001);
    CHECK(roce_cm_ip_parse_service_id(UINT64_C(0x0000000002064e21),
                                      &ps, &port) != NULL);
    CHECK(roce_cm_ip_parse_service_id(UINT64_C(0x1000000001064e21),
                                      &ps, &port) != NULL);
    CHECK(roce_cm_ip_parse_service_id(0, &ps, &port) != NULL);
}

static void
test_ipv4(void)
{
    static const uint8_t kat[ROCE_CM_IP_HDR_SIZE] = {
        0x00,                   /* MajV 0, MinV 0. */
        0x40,                   /* IPV 4, reserved. */
        0xc0, 0x01,             /* Source port 49153. */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 1,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2,
    };
    struct roce_cm_ip_hdr hdr = { .ip_version = 4, .src_port = 49153 };
    struct roce_cm_ip_hdr got;
    uint8_t pdata[ROCE_CM_REQ_PDATA];

    memset(hdr.src_ip, 0xaa, 16);   /* Must not leak into the pad. */
    roce_cm_ip_set_ipv4(hdr.src_ip, htonl(0x0a000001));
    roce_cm_ip_set_ipv4(hdr.dst_ip, htonl(0x0a000002));
    memset(pdata, 0x77, sizeof pdata);
    CHECK_OK(roce_cm_ip_hdr_encode(&hdr, pdata, sizeof pdata));
    CHECK_MEM(pdata, kat, sizeof kat);
    CHECK_EQ(pdata[ROCE_CM_IP_HDR_SIZE], 0x77);  /* Consumer data kept. */

    CHECK_OK(roce_cm_ip_hdr_decode(kat, sizeof kat, &got));
    CHECK_EQ(got.major, 0);
    CHECK_EQ(got.minor, 0);
    CHECK_EQ(got.ip_version, 4);
    CHECK_EQ(got.src_port, 49153);
    CHECK_EQ(ntohl(roce_cm_ip_get_ipv4(got.src_ip)), 0x0a000001);
    CHECK_EQ(ntohl(roce_cm_ip_get_ipv4(got.dst_ip)), 0x0a000002);

    /* Like cma.c, an IPv4 header's pad bytes and byte 1's low nibble are
     * ignored. */
    uint8_t odd[ROCE_CM_IP_HDR_SIZE];
    memcpy(odd, kat, sizeof odd);
    odd[1] |= 0x0f;
    odd[4] = odd[20] = 0xff;
    CHECK_OK(roce_cm_ip_hdr_decode(odd, sizeof odd, &got));
    CHECK_EQ(got.src_ip[0], 0);
    CHECK_EQ(ntohl(roce_cm_ip_get_ipv4(got.dst_ip)), 0x0a000002);
}

static void
test_ipv6(void)
{
    static const uint8_t kat[ROCE_CM_IP_HDR_SIZE] = {
        0x00, 0x60, 0x12, 0x34,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b,
    };
    struct roce_cm_ip_hdr hdr = { .ip_version = 6, .src_port = 0x1234 };
    struct roce_cm_ip_hdr got;
    uint8_t pdata[ROCE_CM_IP_HDR_SIZE];

    CHECK_EQ(inet_pton(AF_INET6, "2001:db8::a", hdr.src_ip), 1);
    CHECK_EQ(inet_pton(AF_INET6, "2001:db8::b", hdr.dst_ip), 1);
    CHECK_OK(roce_cm_ip_hdr_encode(&hdr, pdata, sizeof pdata));
    CHECK_MEM(pdata, kat, sizeof kat);
    CHECK_OK(roce_cm_ip_hdr_decode(kat, sizeof kat, &got));
    CHECK(!memcmp(&got, &hdr, sizeof got));
}

static void
test_rejects(void)
{
    struct roce_cm_ip_hdr hdr = { .ip_version = 4 };
    uint8_t pdata[ROCE_CM_IP_HDR_SIZE] = { 0x00, 0x40 };

    CHECK(roce_cm_ip_hdr_encode(&hdr, pdata, ROCE_CM_IP_HDR_SIZE - 1));
    CHECK(roce_cm_ip_hdr_decode(pdata, ROCE_CM_IP_HDR_SIZE - 1, &hdr));
    CHECK(roce_cm_ip_hdr_decode(pdata, 0, &hdr));
    CHECK_OK(roce_cm_ip_hdr_decode(pdata, ROCE_CM_IP_HDR_SIZE, &hdr));
    pdata[1] = 0x50;
    CHECK(roce_cm_ip_hdr_decode(pdata, ROCE_CM_IP_HDR_SIZE, &hdr));
    pdata[1] = 0x00;
    CHECK(roce_cm_ip_hdr_decode(pdata, ROCE_CM_IP_HDR_SIZE, &hdr));
    pdata[1] = 0x60;
    pdata[0] = 0x10;                            /* MajV 1. */
    CHECK(roce_cm_ip_hdr_decode(pdata, ROCE_CM_IP_HDR_SIZE, &hdr));
    pdata[0] = 0x01;                            /* MinV 1. */
    CHECK(roce_cm_ip_hdr_decode(pdata, ROCE_CM_IP_HDR_SIZE, &hdr));

    hdr.ip_version = 5;
    CHECK(roce_cm_ip_hdr_encode(&hdr, pdata, sizeof pdata));
    hdr.ip_version = 6;
    hdr.major = 1;
    CHECK(roce_cm_ip_hdr_encode(&hdr, pdata, sizeof pdata));
}

int
main(void)
{
    test_service_id();
    test_ipv4();
    test_ipv6();
    test_rejects();
    return roce_test_exit();
}
