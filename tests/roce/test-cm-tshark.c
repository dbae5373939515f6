/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

/* Cross-check of the CM MAD encoder against Wireshark: each CM message is
 * wrapped in a RoCEv2 UD SEND to QP1 (Eth / IPv4 / UDP 4791 / BTH opcode
 * 0x64 / DETH Q_Key 0x80010000 / MAD / ICRC), written to a pcap, and
 * "tshark -V" must name the message and show its fields with our values.
 * Exits 77 (skip) if tshark is not installed.
 *
 * Usage: test-cm-tshark [print [keep]]: with one argument, prints tshark's
 * output; with two, also keeps the pcap for inspection. */


#include "roce/cm-ip.h"
#include "roce/cm-msg.h"
#include "roce/csum.h"
#include "roce/icrc.h"
#include "roce-pcap.h"
#include "roce-test.h"

#define FRAME_MAX 512

/* Builds the frame around 'mad'; returns its length. */
static size_t
build_frame(uint8_t *f, const uint8_t mad[ROCE_MAD_SIZE], uint32_t psn)
{
    static const uint8_t eth[14] = {
        0x02, 0, 0, 0, 0, 0x02,         /* Destination MAC. */
        0x02, 0, 0, 0, 0, 0x01,         /* Source MAC. */
        0x08, 0x00,                     /* IPv4. */
    };
    size_t ip_len = 20 + 8 + 12 + 8 + ROCE_MAD_SIZE + 4;
    uint8_t *ip = f + 14, *udp = ip + 20, *bth = udp + 8, *deth = bth + 12;

    memset(f, 0, FRAME_MAX);
    memcpy(f, eth, sizeof eth);
    ip[0] = 0x45;
    roce_put_be16(ip + 2, ip_len);
    roce_put_be16(ip + 6, 0x4000);      /* DF. */
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, "\xc0\xa8\x01\x0a\xc0\xa8\x01\x14", 8);
    roce_put_be16(ip + 10, roce_csum_finish(roce_csum_add(0, ip, 20)));
    roce_put_be16(udp, 0xc000);
    roce_put_be16(udp + 2, 4791);
    roce_put_be16(udp + 4, ip_len - 20);
    bth[0] = 0x64;                      /* UD SEND Only. */
    roce_put_be16(bth + 2, 0xffff);     /* P_Key. */
    roce_put_be32(bth + 4, ROCE_GSI_QPN);
    roce_put_be32(bth + 8, psn & 0xffffff);
    roce_put_be32(deth, ROCE_GSI_QKEY);
    roce_put_be32(deth + 4, ROCE_GSI_QPN);
    memcpy(deth + 8, mad, ROCE_MAD_SIZE);
    roce_icrc_fill(ip, ip_len - 4);
    return 14 + ip_len;
}

/* Checks that 'needle' appears in tshark's text about frame 'frame'. */
static void
expect(const char *out, int frame, const char *needle)
{
    char *text = roce_tshark_frame(out, frame);

    roce_test_checks++;
    if (!text || !strstr(text, needle)) {
        roce_test_failures++;
        fprintf(stderr, "frame %d: tshark output lacks \"%s\"\n",
                frame, needle);
    }
    free(text);
}

static void
add(struct roce_pcap *pcap, struct roce_cm_msg *msg, uint32_t n)
{
    uint8_t mad[ROCE_MAD_SIZE], frame[FRAME_MAX];
    size_t len;

    CHECK_OK(roce_cm_msg_encode(msg, mad));
    len = build_frame(frame, mad, n);
    roce_pcap_write(pcap, frame, len);
}

int
main(int argc, char *argv[])
{
    struct roce_pcap pcap_, *pcap = &pcap_;
    struct roce_cm_msg msg;
    char *out;

    if (!roce_tshark_available()) {
        printf("tshark not found: skipping\n");
        return ROCE_TEST_SKIP;
    }
    if (!roce_pcap_open(pcap)) {
        perror("pcap");
        return 1;
    }

    /* 1: REQ, RC, IPv4 A11 header, port 5001. */
    struct roce_cm_req *req = &msg.u.req;
    struct roce_cm_ip_hdr ip = { .ip_version = 4, .src_port = 0xc001 };
    memset(&msg, 0, sizeof msg);
    msg.attr_id = ROCE_CM_ATTR_REQ;
    msg.tid = 0x1122334455667788ULL;
    req->local_comm_id = 0xdeadbeef;
    req->service_id = roce_cm_ip_service_id(ROCE_RDMA_PS_TCP, 5001);
    req->local_ca_guid = 0x0002c90300a1b2c3ULL;
    req->local_qpn = 0x000123;
    req->responder_resources = 16;
    req->initiator_depth = 8;
    req->remote_cm_response_timeout = 20;
    req->starting_psn = 0xabcdef;
    req->local_cm_response_timeout = 19;
    req->retry_count = 7;
    req->pkey = 0xffff;
    req->path_mtu = 5;
    req->rnr_retry_count = 6;
    req->max_cm_retries = 15;
    req->primary.local_lid = req->primary.remote_lid = 0xffff;
    memcpy(req->primary.local_gid,
           "\0\0\0\0\0\0\0\0\0\0\xff\xff\xc0\xa8\x01\x0a", 16);
    memcpy(req->primary.remote_gid,
           "\0\0\0\0\0\0\0\0\0\0\xff\xff\xc0\xa8\x01\x14", 16);
    req->primary.flow_label = 0x12345;
    req->primary.traffic_class = 0x60;
    req->primary.hop_limit = 64;
    req->primary.sl = 5;
    req->primary.local_ack_timeout = 18;
    memcpy(ip.src_ip + 12, "\xc0\xa8\x01\x0a", 4);
    memcpy(ip.dst_ip + 12, "\xc0\xa8\x01\x14", 4);
    CHECK_OK(roce_cm_ip_hdr_encode(&ip, req->private_data,
                                   sizeof req->private_data));
    add(pcap, &msg, 1);

    /* 2: REP. */
    memset(&msg, 0, sizeof msg);
    msg.attr_id = ROCE_CM_ATTR_REP;
    msg.tid = 0x1122334455667788ULL;
    msg.u.rep.local_comm_id = 0x0badf00d;
    msg.u.rep.remote_comm_id = 0xdeadbeef;
    msg.u.rep.local_qpn = 0x000456;
    msg.u.rep.starting_psn = 0x654321;
    msg.u.rep.responder_resources = 4;
    msg.u.rep.initiator_depth = 2;
    msg.u.rep.target_ack_delay = 15;
    msg.u.rep.failover_accepted = ROCE_CM_FAILOVER_NOT_SUPPORTED;
    msg.u.rep.rnr_retry_count = 7;
    msg.u.rep.srq = true;
    msg.u.rep.local_ca_guid = 0x0002c90300d4e5f6ULL;
    add(pcap, &msg, 2);

    /* 3: RTU. */
    memset(&msg, 0, sizeof msg);
    msg.attr_id = ROCE_CM_ATTR_RTU;
    msg.tid = 0x1122334455667788ULL;
    msg.u.rtu.local_comm_id = 0xdeadbeef;
    msg.u.rtu.remote_comm_id = 0x0badf00d;
    add(pcap, &msg, 3);

    /* 4: REJ. */
    memset(&msg, 0, sizeof msg);
    msg.attr_id = ROCE_CM_ATTR_REJ;
    msg.tid = 0x99;
    msg.u.rej.local_comm_id = 0x0badf00d;
    msg.u.rej.remote_comm_id = 0xdeadbeef;
    msg.u.rej.message_rejected = ROCE_CM_MSG_REQ;
    msg.u.rej.reason = ROCE_CM_REJ_CONSUMER_DEFINED;
    add(pcap, &msg, 4);

    /* 5: DREQ. */
    memset(&msg, 0, sizeof msg);
    msg.attr_id = ROCE_CM_ATTR_DREQ;
    msg.tid = 0x77;
    msg.u.dreq.local_comm_id = 0xdeadbeef;
    msg.u.dreq.remote_comm_id = 0x0badf00d;
    msg.u.dreq.remote_qpn_eecn = 0x000456;
    add(pcap, &msg, 5);

    /* 6: DREP. */
    memset(&msg, 0, sizeof msg);
    msg.attr_id = ROCE_CM_ATTR_DREP;
    msg.tid = 0x77;
    msg.u.drep.local_comm_id = 0x0badf00d;
    msg.u.drep.remote_comm_id = 0xdeadbeef;
    add(pcap, &msg, 6);

    /* 7: MRA of a REQ. */
    memset(&msg, 0, sizeof msg);
    msg.attr_id = ROCE_CM_ATTR_MRA;
    msg.tid = 0x1122334455667788ULL;
    msg.u.mra.local_comm_id = 0x0badf00d;
    msg.u.mra.remote_comm_id = 0xdeadbeef;
    msg.u.mra.message_mraed = ROCE_CM_MSG_REQ;
    msg.u.mra.service_timeout = 23;
    add(pcap, &msg, 7);

    /* 8: REQ for an IPv6 connection (IPv6 GIDs and A11 addresses). */
    static const uint8_t v6a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0xa };
    static const uint8_t v6b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0xb };
    memset(&msg, 0, sizeof msg);
    msg.attr_id = ROCE_CM_ATTR_REQ;
    msg.tid = 0x8888;
    req->local_comm_id = 0x66;
    req->service_id = roce_cm_ip_service_id(ROCE_RDMA_PS_TCP, 18515);
    req->local_qpn = 0xfffffe;
    req->path_mtu = 3;
    memcpy(req->primary.local_gid, v6a, 16);
    memcpy(req->primary.remote_gid, v6b, 16);
    memset(&ip, 0, sizeof ip);
    ip.ip_version = 6;
    ip.src_port = 40000;
    memcpy(ip.src_ip, v6a, 16);
    memcpy(ip.dst_ip, v6b, 16);
    CHECK_OK(roce_cm_ip_hdr_encode(&ip, req->private_data,
                                   sizeof req->private_data));
    add(pcap, &msg, 8);
    roce_pcap_close(pcap);

    out = roce_tshark_text(pcap);
    if (argc > 1) {
        fputs(out, stdout);
    }
    CHECK(!strstr(out, "Malformed"));
    CHECK(!strstr(out, "Exception"));

    static const char *const req_fields[] = {
        "(UD) - SEND only (100)",
        "Destination Queue Pair: 0x000001",
        "Queue Key: 0x0000000080010000",
        "Source Queue Pair: 0x00000001",
        "Management Class: 0x07",
        "Class Version: 0x02",
        "Method: Send() (0x03)",
        "Transaction ID: 0x1122334455667788",
        "Attribute ID: 0x0010",
        "CM ConnectRequest",
        "Local Communication ID: 0xdeadbeef",
        "Protocol: 0x06",
        "Destination Port: 0x1389",
        "Local CA GUID: 0x0002c90300a1b2c3",
        "Local QPN: 0x000123",
        "Responder Resources: 0x10",
        "Initiator Depth: 0x08",
        "Remote CM Response Timeout: 0x14",
        "Transport Service Type: 0x0",
        "Starting PSN: 0xabcdef",
        "Local CM Response Timeout: 0x13",
        "Retry Count: 0x7",
        "Partition Key: 0xffff",
        "Path Packet Payload MTU: 0x5",
        "RNR Retry Count: 0x6",
        "Max CM Retries: 0xf",
        "Primary Local Port LID: 65535",
        "Primary Local Port GID: 192.168.1.10",
        "Primary Remote Port GID: 192.168.1.20",
        /* Not checked: Primary Flow Label and Packet Rate.  Wireshark 4.0
         * reads both from byte 88 (flow label as 3 bytes, packet rate as
         * 1), whereas IBTA Table 106 and Linux's ibta_vol1_c12.h put the
         * 20-bit flow label at 88[0] and the packet rate at 91[2]; the
         * KAT in test-cm-msg.c pins our layout to the table. */
        "Primary Traffic Class: 0x60",
        "Primary Hop Limit: 0x40",
        "Primary SL: 0x5",
        "Primary Local ACK Timeout: 0x12",
        "IP CM Major Version: 0x0",
        "IP CM IP Version: 0x4",
        "IP CM Source Port: 0xc001",
        "IP CM Source IP: 192.168.1.10",
        "IP CM Destination IP: 192.168.1.20",
    };
    for (size_t i = 0; i < sizeof req_fields / sizeof req_fields[0]; i++) {
        expect(out, 1, req_fields[i]);
    }
    static const char *const rep_fields[] = {
        "CM ConnectReply",
        "Local Communication ID: 0x0badf00d",
        "Remote Communication ID: 0xdeadbeef",
        "Local QPN: 0x000456",
        "Starting PSN: 0x654321",
        "Responder Resources: 0x04",
        "Initiator Depth: 0x02",
        "Target ACK Delay: 0x0f",
        "Failover Accepted: 0x1",
        "RNR Retry Count: 0x7",
        "SRQ: 0x1",
        "Local CA GUID: 0x0002c90300d4e5f6",
    };
    for (size_t i = 0; i < sizeof rep_fields / sizeof rep_fields[0]; i++) {
        expect(out, 2, rep_fields[i]);
    }
    expect(out, 3, "CM ReadyToUse");
    expect(out, 3, "Local Communication ID: 0xdeadbeef");
    expect(out, 3, "Remote Communication ID: 0x0badf00d");
    expect(out, 4, "CM ConnectReject");
    expect(out, 4, "Message REJected: 0x0");
    expect(out, 4, "Reason: 0x001c");
    expect(out, 4, "Transaction ID: 0x0000000000000099");
    expect(out, 5, "CM DisconnectRequest");
    expect(out, 5, "Remote QPN/EECN: 0x000456");
    expect(out, 6, "CM DisconnectReply");
    expect(out, 6, "Remote Communication ID: 0xdeadbeef");
    expect(out, 7, "Attribute ID: 0x0011");
    expect(out, 7, "CM MsgRcptAck");
    expect(out, 8, "CM ConnectRequest");
    expect(out, 8, "Destination Port: 0x4853");
    expect(out, 8, "Local QPN: 0xfffffe");
    expect(out, 8, "Path Packet Payload MTU: 0x3");
    /* (Wireshark formats the GIDs by the outer IP version, IPv4 here, so
     * they are not checked in this frame.) */
    expect(out, 8, "IP CM IP Version: 0x6");
    expect(out, 8, "IP CM Source Port: 0x9c40");
    expect(out, 8, "IP CM Source IP: 2001:db8::a");
    expect(out, 8, "IP CM Destination IP: 2001:db8::b");
    free(out);
    if (argc < 3) {
        roce_pcap_remove(pcap);
    } else {
        printf("kept %s (%s)\n", pcap->path, argv[2]);
    }
    return roce_test_exit();
}
