/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* Unit test of the CM message codecs (roce/cm-msg.h).
 *
 * The known-answer MADs below are written byte by byte from IBTA Vol 1
 * Tables 106-113 (offsets are MAD offsets: 24-byte header + the table's
 * byte number), independently of the field tables in cm-msg.c; each is
 * checked both ways: encode(fields) == bytes and decode(bytes) == fields.
 * The REQs carry the Annex A11 IP CM header for an IPv4 and an IPv6
 * connection. */

#include <arpa/inet.h>
#include <stdlib.h>

#include "roce/cm-ip.h"
#include "roce/cm-msg.h"
#include "roce-test.h"

#define TID UINT64_C(0x0123456789abcdef)
#define ACTIVE_ID 0xdeadbeef
#define PASSIVE_ID 0x0badf00d

/* Writes the hex digits of 'hex' (spaces ignored) at mad + 'off'. */
static void
hx(uint8_t *mad, size_t off, const char *hex)
{
    while (*hex) {
        if (*hex == ' ') {
            hex++;
            continue;
        }
        char byte[3] = { hex[0], hex[1], 0 };
        mad[off++] = strtoul(byte, NULL, 16);
        hex += 2;
    }
}

/* Starts a known-answer MAD: the 24-byte CM Send header. */
static void
kat_hdr(uint8_t *mad, const char *attr_id)
{
    memset(mad, 0, ROCE_MAD_SIZE);
    hx(mad, 0, "01 07 02 03  0000 0000  0123456789abcdef");
    hx(mad, 16, attr_id);
    hx(mad, 18, "0000  00000000");
}

static void
check_kat(const char *what, const struct roce_cm_msg *msg,
          const uint8_t *kat)
{
    uint8_t mad[ROCE_MAD_SIZE];
    struct roce_cm_msg got;

    printf("KAT %s\n", what);
    CHECK_OK(roce_cm_msg_encode(msg, mad));
    CHECK_MEM(mad, kat, ROCE_MAD_SIZE);
    CHECK_OK(roce_cm_msg_decode(kat, ROCE_MAD_SIZE, &got));
    CHECK(!memcmp(&got, msg, sizeof got));
}

/* A REQ as rdma_connect() over RoCEv2 would send it: RC, IPv4-mapped or
 * IPv6 GIDs, LIDs permissive, A11 header then consumer data "hi". */
static void
make_req(struct roce_cm_msg *msg, bool ipv6)
{
    struct roce_cm_req *req = &msg->u.req;
    struct roce_cm_ip_hdr ip = {
        .ip_version = ipv6 ? 6 : 4, .src_port = 0xc001,
    };

    memset(msg, 0, sizeof *msg);
    msg->attr_id = ROCE_CM_ATTR_REQ;
    msg->tid = TID;
    req->local_comm_id = ACTIVE_ID;
    req->service_id = roce_cm_ip_service_id(ROCE_RDMA_PS_TCP, 5001);
    req->local_ca_guid = UINT64_C(0x0002c90300a1b2c3);
    req->local_qkey = 0x11223344;
    req->local_qpn = 0x000123;
    req->responder_resources = 0x10;
    req->local_eecn = 0;
    req->initiator_depth = 0x08;
    req->remote_eecn = 0;
    req->remote_cm_response_timeout = 20;
    req->transport_service_type = ROCE_CM_TST_RC;
    req->end_to_end_flow_control = true;
    req->starting_psn = 0xabcdef;
    req->local_cm_response_timeout = 20;
    req->retry_count = 7;
    req->pkey = 0xffff;
    req->path_mtu = 5;
    req->rdc_exists = false;
    req->rnr_retry_count = 7;
    req->max_cm_retries = 15;
    req->srq = false;
    req->extended_transport_type = 0;
    req->primary.local_lid = 0xffff;
    req->primary.remote_lid = 0xffff;
    if (ipv6) {
        static const uint8_t l[16] = { 0xfd, [15] = 0x01 };
        static const uint8_t r[16] = { 0xfd, [15] = 0x02 };

        memcpy(req->primary.local_gid, l, 16);
        memcpy(req->primary.remote_gid, r, 16);
        memcpy(ip.src_ip, l, 16);
        memcpy(ip.dst_ip, r, 16);
    } else {
        static const uint8_t l[16] = {
            [10] = 0xff, 0xff, 192, 168, 1, 10
        };
        static const uint8_t r[16] = {
            [10] = 0xff, 0xff, 192, 168, 1, 20
        };

        memcpy(req->primary.local_gid, l, 16);
        memcpy(req->primary.remote_gid, r, 16);
        roce_cm_ip_set_ipv4(ip.src_ip, htonl(0xc0a8010a));
        roce_cm_ip_set_ipv4(ip.dst_ip, htonl(0xc0a80114));
    }
    req->primary.flow_label = 0x12345;
    req->primary.packet_rate = 3;
    req->primary.traffic_class = 0x60;
    req->primary.hop_limit = 64;
    req->primary.sl = 5;
    req->primary.subnet_local = true;
    req->primary.local_ack_timeout = 18;
    CHECK_OK(roce_cm_ip_hdr_encode(&ip, req->private_data,
                                   sizeof req->private_data));
    req->private_data[36] = 'h';
    req->private_data[37] = 'i';
}

static void
test_req_kat(bool ipv6)
{
    struct roce_cm_msg msg;
    uint8_t kat[ROCE_MAD_SIZE];

    make_req(&msg, ipv6);
    kat_hdr(kat, "0010");
    hx(kat, 24 + 0, "deadbeef");                /* Local Comm ID. */
    hx(kat, 24 + 4, "00000000");                /* Reserved. */
    hx(kat, 24 + 8, "00000000 01061389");       /* Service ID: TCP 5001. */
    hx(kat, 24 + 16, "0002c903 00a1b2c3");      /* Local CA GUID. */
    hx(kat, 24 + 24, "00000000");               /* Reserved. */
    hx(kat, 24 + 28, "11223344");               /* Local Q_Key. */
    hx(kat, 24 + 32, "000123 10");              /* QPN, resp. resources. */
    hx(kat, 24 + 36, "000000 08");              /* EECN, initiator depth. */
    /* Remote EECN; remote CM response timeout 20 = 10100b, TST RC 00b,
     * end-to-end flow control 1: 1010 0001. */
    hx(kat, 24 + 40, "000000 a1");
    /* Starting PSN; local CM response timeout 10100b, retry count 111b. */
    hx(kat, 24 + 44, "abcdef a7");
    /* P_Key; MTU 4096 (5 = 0101b), RDC 0, RNR retry 111b: 0101 0111;
     * max CM retries 1111b, SRQ 0, extended transport type 000b. */
    hx(kat, 24 + 48, "ffff 57 f0");
    hx(kat, 24 + 52, "ffff ffff");              /* Primary LIDs. */
    if (ipv6) {
        hx(kat, 24 + 56, "fd000000000000000000000000000001");
        hx(kat, 24 + 72, "fd000000000000000000000000000002");
    } else {
        hx(kat, 24 + 56, "00000000000000000000ffffc0a8010a");
        hx(kat, 24 + 72, "00000000000000000000ffffc0a80114");
    }
    /* Flow label 0x12345 in the top 20 bits, 4 reserved bits, then 2
     * reserved bits and packet rate 3 (000011b). */
    hx(kat, 24 + 88, "123450 03");
    /* Traffic class, hop limit; SL 0101b, subnet local 1, 3 reserved:
     * 0101 1000; local ACK timeout 18 = 10010b then 3 reserved bits. */
    hx(kat, 24 + 92, "60 40 58 90");
    /* Alternate path (96-139) all zero. */
    /* Private data: A11 header, then "hi". */
    if (ipv6) {
        hx(kat, 24 + 140, "00 60 c001");
        hx(kat, 24 + 144, "fd000000000000000000000000000001");
        hx(kat, 24 + 160, "fd000000000000000000000000000002");
    } else {
        hx(kat, 24 + 140, "00 40 c001");
        hx(kat, 24 + 144, "000000000000000000000000c0a8010a");
        hx(kat, 24 + 160, "000000000000000000000000c0a80114");
    }
    hx(kat, 24 + 176, "6869");
    check_kat(ipv6 ? "REQ IPv6" : "REQ IPv4", &msg, kat);
}

static void
test_rep_kat(void)
{
    struct roce_cm_msg msg = { .attr_id = ROCE_CM_ATTR_REP, .tid = TID };
    struct roce_cm_rep *rep = &msg.u.rep;
    uint8_t kat[ROCE_MAD_SIZE];

    rep->local_comm_id = PASSIVE_ID;
    rep->remote_comm_id = ACTIVE_ID;
    rep->local_qkey = 0x55667788;
    rep->local_qpn = 0x000456;
    rep->local_eecn = 0;
    rep->starting_psn = 0x654321;
    rep->responder_resources = 0x10;
    rep->initiator_depth = 0x08;
    rep->target_ack_delay = 15;
    rep->failover_accepted = ROCE_CM_FAILOVER_NOT_SUPPORTED;
    rep->end_to_end_flow_control = true;
    rep->rnr_retry_count = 7;
    rep->srq = true;
    rep->local_ca_guid = UINT64_C(0x0002c90300d4e5f6);
    rep->private_data[0] = 'o';
    rep->private_data[1] = 'k';
    rep->private_data[ROCE_CM_REP_PDATA - 1] = 0x7e;

    kat_hdr(kat, "0013");
    hx(kat, 24 + 0, "0badf00d deadbeef");       /* Local, remote Comm ID. */
    hx(kat, 24 + 8, "55667788");                /* Local Q_Key. */
    hx(kat, 24 + 12, "000456 00");              /* QPN, reserved. */
    hx(kat, 24 + 16, "000000 00");              /* EECN, reserved. */
    hx(kat, 24 + 20, "654321 00");              /* Starting PSN, reserved. */
    hx(kat, 24 + 24, "10 08");                  /* Resources, depth. */
    /* Target ACK delay 01111b, failover 01b (not supported), E2E 1:
     * 0111 1011; RNR retry 111b, SRQ 1, 4 reserved: 1111 0000. */
    hx(kat, 24 + 26, "7b f0");
    hx(kat, 24 + 28, "0002c903 00d4e5f6");      /* Local CA GUID. */
    hx(kat, 24 + 36, "6f6b");                   /* Private data. */
    hx(kat, 255, "7e");                         /* ...up to the end. */
    check_kat("REP", &msg, kat);
}

static void
test_rtu_kat(void)
{
    struct roce_cm_msg msg = { .attr_id = ROCE_CM_ATTR_RTU, .tid = TID };
    uint8_t kat[ROCE_MAD_SIZE];

    msg.u.rtu.local_comm_id = ACTIVE_ID;
    msg.u.rtu.remote_comm_id = PASSIVE_ID;
    msg.u.rtu.private_data[0] = 0x5a;
    msg.u.rtu.private_data[ROCE_CM_RTU_PDATA - 1] = 0xa5;
    kat_hdr(kat, "0014");
    hx(kat, 24 + 0, "deadbeef 0badf00d 5a");
    hx(kat, 255, "a5");
    check_kat("RTU", &msg, kat);
}

static void
test_rej_kat(void)
{
    struct roce_cm_msg msg = { .attr_id = ROCE_CM_ATTR_REJ, .tid = TID };
    struct roce_cm_rej *rej = &msg.u.rej;
    uint8_t kat[ROCE_MAD_SIZE];

    rej->local_comm_id = PASSIVE_ID;
    rej->remote_comm_id = ACTIVE_ID;
    rej->message_rejected = ROCE_CM_MSG_REP;
    rej->ari_length = 5;
    rej->reason = ROCE_CM_REJ_INVALID_SERVICE_ID;
    memcpy(rej->ari, "\x01\x02\x03\x04\x05", 5);
    rej->ari[ROCE_CM_REJ_ARI - 1] = 0x99;      /* Beyond ARI length. */
    rej->private_data[0] = 0x42;
    rej->private_data[ROCE_CM_REJ_PDATA - 1] = 0x24;

    kat_hdr(kat, "0012");
    hx(kat, 24 + 0, "0badf00d deadbeef");
    /* Message rejected 01b + 6 reserved: 0100 0000; ARI length 5 in the
     * top 7 bits: 0000 1010; reason 8. */
    hx(kat, 24 + 8, "40 0a 0008");
    hx(kat, 24 + 12, "0102030405");            /* ARI (72 bytes). */
    hx(kat, 24 + 83, "99");
    hx(kat, 24 + 84, "42");                     /* Private data (148). */
    hx(kat, 255, "24");
    check_kat("REJ", &msg, kat);
    CHECK(!strcmp(roce_cm_rej_reason_name(8), "invalid service ID"));
}

static void
test_dreq_drep_mra_kat(void)
{
    struct roce_cm_msg msg = { .attr_id = ROCE_CM_ATTR_DREQ, .tid = 7 };
    uint8_t kat[ROCE_MAD_SIZE];

    msg.u.dreq.local_comm_id = ACTIVE_ID;
    msg.u.dreq.remote_comm_id = PASSIVE_ID;
    msg.u.dreq.remote_qpn_eecn = 0x000456;
    msg.u.dreq.private_data[0] = 0x11;
    kat_hdr(kat, "0015");
    hx(kat, 8, "0000000000000007");
    hx(kat, 24 + 0, "deadbeef 0badf00d 000456 00 11");
    check_kat("DREQ", &msg, kat);

    memset(&msg, 0, sizeof msg);
    msg.attr_id = ROCE_CM_ATTR_DREP;
    msg.tid = 7;
    msg.u.drep.local_comm_id = PASSIVE_ID;
    msg.u.drep.remote_comm_id = ACTIVE_ID;
    kat_hdr(kat, "0016");
    hx(kat, 8, "0000000000000007");
    hx(kat, 24 + 0, "0badf00d deadbeef");
    check_kat("DREP", &msg, kat);

    memset(&msg, 0, sizeof msg);
    msg.attr_id = ROCE_CM_ATTR_MRA;
    msg.tid = TID;
    msg.u.mra.local_comm_id = PASSIVE_ID;
    msg.u.mra.remote_comm_id = ACTIVE_ID;
    msg.u.mra.message_mraed = ROCE_CM_MSG_REP;
    msg.u.mra.service_timeout = 23;
    msg.u.mra.private_data[0] = 0x33;
    kat_hdr(kat, "0011");
    /* Message MRAed 01b + 6 reserved; service timeout 10111b + 3 reserved
     * bits: 1011 1000. */
    hx(kat, 24 + 0, "0badf00d deadbeef 40 b8 33");
    check_kat("MRA", &msg, kat);
}

static const uint16_t all_attrs[] = {
    ROCE_CM_ATTR_REQ, ROCE_CM_ATTR_MRA, ROCE_CM_ATTR_REJ, ROCE_CM_ATTR_REP,
    ROCE_CM_ATTR_RTU, ROCE_CM_ATTR_DREQ, ROCE_CM_ATTR_DREP,
};
#define N_ATTRS (sizeof all_attrs / sizeof all_attrs[0])

/* Marks in 'covered' (232 * 8 bits, MSB first) the bits of 'attr_id''s
 * fields; returns false on overlap or overflow. */
static bool
coverage(uint16_t attr_id, uint8_t covered[ROCE_MAD_DATA_SIZE])
{
    struct roce_cm_field_info fi;
    bool ok = true;

    memset(covered, 0, ROCE_MAD_DATA_SIZE);
    for (size_t i = 0; roce_cm_field_info(attr_id, i, &fi); i++) {
        unsigned int first = fi.byte * 8 + fi.bit;

        if (first + fi.width > ROCE_MAD_DATA_SIZE * 8) {
            fprintf(stderr, "%s overflows\n", fi.name);
            return false;
        }
        for (unsigned int b = first; b < first + fi.width; b++) {
            uint8_t m = 0x80 >> (b % 8);

            if (covered[b / 8] & m) {
                fprintf(stderr, "%s overlaps at bit %u\n", fi.name, b);
                ok = false;
            }
            covered[b / 8] |= m;
        }
    }
    return ok;
}

/* The layout tables: no field overlaps another, all fit in 232 bytes,
 * and each message ends with its private data of the size IBTA gives. */
static void
test_layout_tables(void)
{
    static const size_t pdata[N_ATTRS] = {
        92, 222, 148, 196, 224, 220, 224,
    };

    for (size_t a = 0; a < N_ATTRS; a++) {
        uint8_t covered[ROCE_MAD_DATA_SIZE];
        struct roce_cm_field_info fi, last = { 0 };
        size_t n = 0;

        CHECK(coverage(all_attrs[a], covered));
        while (roce_cm_field_info(all_attrs[a], n, &fi)) {
            last = fi;
            n++;
        }
        CHECK(n >= 3);
        CHECK(!strcmp(last.name, "private_data"));
        CHECK_EQ(last.width, pdata[a] * 8);
        CHECK_EQ(last.byte + last.width / 8, ROCE_MAD_DATA_SIZE);

        struct roce_cm_msg msg = { .attr_id = all_attrs[a] };
        uint8_t *p;
        CHECK_EQ(roce_cm_private_data(&msg, &p), pdata[a]);
    }
    CHECK(!roce_cm_field_info(0x0017, 0, &(struct roce_cm_field_info) {0}));
    CHECK(!strcmp(roce_cm_attr_name(ROCE_CM_ATTR_REQ), "ConnectRequest"));
}

/* Reserved bits are written as zero and ignored when received. */
static void
test_reserved_ignored(void)
{
    for (size_t a = 0; a < N_ATTRS; a++) {
        uint8_t covered[ROCE_MAD_DATA_SIZE];
        uint8_t mad[ROCE_MAD_SIZE], mad2[ROCE_MAD_SIZE];
        struct roce_cm_msg msg, msg2;

        if (all_attrs[a] == ROCE_CM_ATTR_REQ) {
            make_req(&msg, false);
        } else {
            memset(&msg, 0, sizeof msg);
            msg.attr_id = all_attrs[a];
        }
        CHECK_OK(roce_cm_msg_encode(&msg, mad));
        coverage(all_attrs[a], covered);
        for (size_t i = 0; i < ROCE_MAD_DATA_SIZE; i++) {
            CHECK_EQ(mad[24 + i] & ~covered[i], 0);
            mad[24 + i] |= ~covered[i];
        }
        mad[18] = mad[19] = 0xff;
        CHECK_OK(roce_cm_msg_decode(mad, sizeof mad, &msg2));
        CHECK(!memcmp(&msg, &msg2, sizeof msg));
        CHECK_OK(roce_cm_msg_encode(&msg2, mad2));
        CHECK_EQ(mad2[18], 0);
        for (size_t i = 0; i < ROCE_MAD_DATA_SIZE; i++) {
            CHECK_EQ(mad2[24 + i], mad[24 + i] & covered[i]);
        }
    }
}

static void
expect_decode_error(const uint8_t *mad, size_t len, const char *what)
{
    struct roce_cm_msg msg;
    const char *err = roce_cm_msg_decode(mad, len, &msg);

    CHECK(err != NULL);
    if (err) {
        printf("  refused %s: %s\n", what, err);
    }
}

static void
test_decode_rejects(void)
{
    struct roce_cm_msg msg;
    uint8_t good[ROCE_MAD_SIZE + 1], mad[ROCE_MAD_SIZE + 1];

    make_req(&msg, false);
    CHECK_OK(roce_cm_msg_encode(&msg, good));
    good[ROCE_MAD_SIZE] = 0;

    expect_decode_error(good, 0, "empty");
    expect_decode_error(good, 24, "header only");
    expect_decode_error(good, 255, "short MAD");
    expect_decode_error(good, 257, "long MAD");

#define MUTATE(OFF, AND, OR, WHAT)                                     \
    memcpy(mad, good, ROCE_MAD_SIZE);                                  \
    mad[OFF] = (mad[OFF] & (AND)) | (OR);                              \
    expect_decode_error(mad, ROCE_MAD_SIZE, WHAT)

    MUTATE(0, 0, 2, "BaseVersion 2");
    MUTATE(1, 0, 0x04, "PerfMgt class");
    MUTATE(2, 0, 1, "CM ClassVersion 1");
    MUTATE(3, 0, 0x83, "response method");
    MUTATE(4, 0, 0x01, "nonzero status");
    MUTATE(17, 0, 0x17, "SIDR_REQ");
    MUTATE(17, 0, 0x01, "ClassPortInfo");
    MUTATE(16, 0, 0xff, "vendor attribute");
    MUTATE(24 + 50, 0x0f, 0x00, "REQ MTU 0");
    MUTATE(24 + 50, 0x0f, 0x60, "REQ MTU 6");
    MUTATE(24 + 50, 0x0f, 0xf0, "REQ MTU 15");
    MUTATE(24 + 43, 0xf9, 0x06, "REQ TST 3 without XRC");
    MUTATE(24 + 51, 0xf8, 0x01, "REQ XRC without TST 3");
    MUTATE(24 + 51, 0xf8, 0x07, "REQ ETT 7");

    /* TST 3 with ETT 1 is XRC and is accepted. */
    memcpy(mad, good, ROCE_MAD_SIZE);
    mad[24 + 43] |= 0x06;
    mad[24 + 51] |= 0x01;
    CHECK_OK(roce_cm_msg_decode(mad, ROCE_MAD_SIZE, &msg));
    CHECK_EQ(msg.u.req.transport_service_type, 3);
    CHECK_EQ(msg.u.req.extended_transport_type, 1);

    memset(&msg, 0, sizeof msg);
    msg.attr_id = ROCE_CM_ATTR_MRA;
    CHECK_OK(roce_cm_msg_encode(&msg, good));
    MUTATE(24 + 8, 0x3f, 0xc0, "MRA message-MRAed 3");

    memset(&msg, 0, sizeof msg);
    msg.attr_id = ROCE_CM_ATTR_REJ;
    CHECK_OK(roce_cm_msg_encode(&msg, good));
    MUTATE(24 + 8, 0x3f, 0xc0, "REJ message-rejected 3");
    MUTATE(24 + 9, 0x01, 73 << 1, "REJ ARI length 73");
    MUTATE(24 + 9, 0x01, 0xfe, "REJ ARI length 127");
    memcpy(mad, good, ROCE_MAD_SIZE);
    mad[24 + 9] = 72 << 1;
    CHECK_OK(roce_cm_msg_decode(mad, ROCE_MAD_SIZE, &msg));
    CHECK_EQ(msg.u.rej.ari_length, 72);

    memset(&msg, 0, sizeof msg);
    msg.attr_id = ROCE_CM_ATTR_REP;
    CHECK_OK(roce_cm_msg_encode(&msg, good));
    MUTATE(24 + 26, 0xf9, 0x06, "REP failover 3");
#undef MUTATE
}

static void
expect_encode_error(const struct roce_cm_msg *msg, const char *what)
{
    uint8_t mad[ROCE_MAD_SIZE];
    const char *err = roce_cm_msg_encode(msg, mad);

    CHECK(err != NULL);
    if (err) {
        printf("  encode refused %s: %s\n", what, err);
    }
}

/* Values wider than their fields are refused, not truncated. */
static void
test_encode_rejects(void)
{
    struct roce_cm_msg msg;

#define REQ_BAD(FIELD, VALUE)                                   \
    make_req(&msg, false);                                      \
    msg.u.req.FIELD = (VALUE);                                  \
    expect_encode_error(&msg, #FIELD " = " #VALUE)

    REQ_BAD(local_qpn, 1u << 24);
    REQ_BAD(local_eecn, 1u << 24);
    REQ_BAD(remote_eecn, 0xffffffffu);
    REQ_BAD(starting_psn, 1u << 24);
    REQ_BAD(remote_cm_response_timeout, 32);
    REQ_BAD(local_cm_response_timeout, 0xff);
    REQ_BAD(retry_count, 8);
    REQ_BAD(rnr_retry_count, 8);
    REQ_BAD(max_cm_retries, 16);
    REQ_BAD(path_mtu, 0);
    REQ_BAD(path_mtu, 16);
    REQ_BAD(transport_service_type, 4);
    REQ_BAD(extended_transport_type, 8);
    REQ_BAD(primary.flow_label, 1u << 20);
    REQ_BAD(primary.packet_rate, 64);
    REQ_BAD(primary.sl, 16);
    REQ_BAD(primary.local_ack_timeout, 32);
    REQ_BAD(alternate.flow_label, 0xfffff + 1);
#undef REQ_BAD

    memset(&msg, 0, sizeof msg);
    msg.attr_id = ROCE_CM_ATTR_MRA;
    msg.u.mra.service_timeout = 32;
    expect_encode_error(&msg, "MRA service timeout 32");
    msg.u.mra.service_timeout = 31;
    msg.u.mra.message_mraed = 3;
    expect_encode_error(&msg, "MRA message 3");

    memset(&msg, 0, sizeof msg);
    msg.attr_id = ROCE_CM_ATTR_REJ;
    msg.u.rej.ari_length = 73;
    expect_encode_error(&msg, "REJ ARI length 73");

    memset(&msg, 0, sizeof msg);
    msg.attr_id = ROCE_CM_ATTR_REP;
    msg.u.rep.target_ack_delay = 32;
    expect_encode_error(&msg, "REP target ACK delay 32");
    msg.u.rep.target_ack_delay = 0;
    msg.u.rep.rnr_retry_count = 8;
    expect_encode_error(&msg, "REP RNR retry 8");

    memset(&msg, 0, sizeof msg);
    msg.attr_id = ROCE_CM_ATTR_DREQ;
    msg.u.dreq.remote_qpn_eecn = 1u << 24;
    expect_encode_error(&msg, "DREQ QPN 2^24");

    memset(&msg, 0, sizeof msg);
    msg.attr_id = 0x0019;
    expect_encode_error(&msg, "LAP");
}

/* xorshift64*: deterministic, seeded from the command line if given. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Random MADs, biased to the extremes (bytes 0x00 and 0xff), through
 * decode -> encode -> decode: whatever decodes must re-encode to the
 * same bytes with reserved bits cleared, and decode again identically. */
static void
test_random_round_trips(void)
{
    for (size_t a = 0; a < N_ATTRS; a++) {
        uint8_t covered[ROCE_MAD_DATA_SIZE];
        int decoded = 0;

        coverage(all_attrs[a], covered);
        for (int iter = 0; iter < 20000; iter++) {
            uint8_t mad[ROCE_MAD_SIZE], mad2[ROCE_MAD_SIZE];
            struct roce_cm_msg msg, msg2;
            int mode = iter % 4;

            for (size_t i = 0; i < ROCE_MAD_SIZE; i++) {
                uint64_t r = rng();

                mad[i] = (mode == 0 ? 0xff : mode == 1 ? 0x00
                          : (r >> 8) % 3 == 0 ? 0xff
                          : (r >> 8) % 3 == 1 ? 0 : r);
            }
            hx(mad, 0, "01070203 0000");
            mad[16] = all_attrs[a] >> 8;
            mad[17] = all_attrs[a];
            if (all_attrs[a] == ROCE_CM_ATTR_REQ && iter % 2) {
                mad[24 + 50] = (mad[24 + 50] & 0x0f) | (1 + rng() % 5) << 4;
                mad[24 + 43] &= ~0x06;
                mad[24 + 51] &= ~0x07;
            }
            if (roce_cm_msg_decode(mad, sizeof mad, &msg)) {
                continue;
            }
            decoded++;
            CHECK_OK(roce_cm_msg_encode(&msg, mad2));
            /* ClassSpecific, the reserved field and AttributeModifier
             * are reserved for CM: zero on send, ignored on receive. */
            CHECK_MEM(mad2, mad, 6);
            CHECK_MEM(mad2 + 8, mad + 8, 10);
            CHECK_EQ(mad2[6] | mad2[7] | mad2[18] | mad2[19], 0);
            CHECK_EQ(roce_get_be32(mad2 + 20), 0);
            for (size_t i = 0; i < ROCE_MAD_DATA_SIZE; i++) {
                if (mad2[24 + i] != (mad[24 + i] & covered[i])) {
                    CHECK_EQ(mad2[24 + i], mad[24 + i] & covered[i]);
                    break;
                }
            }
            CHECK_OK(roce_cm_msg_decode(mad2, sizeof mad2, &msg2));
            CHECK(!memcmp(&msg, &msg2, sizeof msg));
        }
        printf("%s: %d of 20000 random MADs decoded and round-tripped\n",
               roce_cm_attr_name(all_attrs[a]), decoded);
        CHECK(decoded > 1000);
    }
}

/* Every field at its maximum, set through the struct. */
static void
test_max_values(void)
{
    struct roce_cm_msg msg, got;
    struct roce_cm_req *req = &msg.u.req;
    uint8_t mad[ROCE_MAD_SIZE];

    memset(&msg, 0xff, sizeof msg);
    msg.attr_id = ROCE_CM_ATTR_REQ;
    req->local_qpn = req->local_eecn = req->remote_eecn = 0xffffff;
    req->starting_psn = 0xffffff;
    req->remote_cm_response_timeout = req->local_cm_response_timeout = 31;
    req->transport_service_type = 3;
    req->extended_transport_type = 1;
    req->retry_count = req->rnr_retry_count = 7;
    req->path_mtu = 5;
    req->max_cm_retries = 15;
    req->end_to_end_flow_control = req->rdc_exists = req->srq = true;
    req->sap_supported = true;
    for (int i = 0; i < 2; i++) {
        struct roce_cm_path *p = i ? &req->alternate : &req->primary;

        p->flow_label = 0xfffff;
        p->packet_rate = 63;
        p->sl = 15;
        p->subnet_local = true;
        p->local_ack_timeout = 31;
    }
    CHECK_OK(roce_cm_msg_encode(&msg, mad));
    CHECK_OK(roce_cm_msg_decode(mad, sizeof mad, &got));
    CHECK_EQ(got.tid, UINT64_MAX);
    CHECK_EQ(got.u.req.service_id, UINT64_MAX);
    CHECK_EQ(got.u.req.local_qpn, 0xffffff);
    CHECK_EQ(got.u.req.primary.flow_label, 0xfffff);
    CHECK_EQ(got.u.req.alternate.local_ack_timeout, 31);
    /* Re-encoding the decoded message gives the same MAD. */
    uint8_t mad2[ROCE_MAD_SIZE];
    CHECK_OK(roce_cm_msg_encode(&got, mad2));
    CHECK_MEM(mad, mad2, ROCE_MAD_SIZE);
    /* Byte 90: low 4 bits of the flow label field are reserved. */
    CHECK_EQ(mad[24 + 90], 0xf0);
    CHECK_EQ(mad[24 + 91], 0x3f);
    CHECK_EQ(mad[24 + 94], 0xf8);
    CHECK_EQ(mad[24 + 95], 0xf8);
    CHECK_EQ(mad[24 + 139], 0xfc);              /* ACK timeout + SAP. */
}

int
main(int argc, char *argv[])
{
    if (argc > 1) {
        rng_state = strtoull(argv[1], NULL, 0) | 1;
    }
    test_req_kat(false);
    test_req_kat(true);
    test_rep_kat();
    test_rtu_kat();
    test_rej_kat();
    test_dreq_drep_mra_kat();
    test_layout_tables();
    test_reserved_ignored();
    test_decode_rejects();
    test_encode_rejects();
    test_random_round_trips();
    test_max_values();
    return roce_test_exit();
}
