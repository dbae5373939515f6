/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

/* libFuzzer harness for encapsulation templates built from an overlay
 * prefix (the bytes of an OVS tnl_push action).  The first input byte
 * selects the tunnel type and inner options, the rest is the prefix.
 * roce_encap_init() must never misbehave; whenever it accepts a prefix,
 * a frame built through the template must parse back to the same packet
 * with a correct outer UDP checksum, unless the prefix's own IPv4 header
 * is broken (bad checksum or fragment bits), which the parser reports.
 *
 * Seeds (corpus-encap/): a selector byte followed by the VXLAN and Geneve
 * prefixes wt_tnl_prefix() builds (IPv4/IPv6, with and without csum). */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "roce/bytes.h"
#include "roce/csum.h"
#include "roce/encap.h"
#include "roce/frame.h"
#include "roce/hdr.h"
#include "roce/pkt.h"

#define REQUIRE(COND) do { if (!(COND)) { abort(); } } while (0)

static struct in6_addr
addr(bool v6, uint8_t last)
{
    struct in6_addr a = roce_addr_from_v4(0x0a000000);

    if (v6) {
        memset(&a, 0, sizeof a);
        a.s6_addr[0] = 0xfd;
    }
    a.s6_addr[15] = last;
    return a;
}

/* True if the outer IPv4 header of template 'e' would fail the parser's
 * header checks regardless of the length we fill in. */
static bool
outer_ipv4_broken(const struct roce_encap *e)
{
    const uint8_t *ip = e->hdr + e->outer_l3_ofs;

    return (!e->outer_ipv6
            && (roce_csum_finish(roce_csum_add(0, ip, (ip[0] & 0xf) * 4))
                || roce_get_be16(ip + 6) & 0x3fff));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t frame[ROCE_ENCAP_MAX_HDR_LEN + 2048];
    static const uint8_t payload[64] = { 0x55 };
    struct roce_encap_params prm;
    struct roce_frame_opts opts;
    struct roce_encap e;
    struct roce_frame rf;
    struct roce_pkt p, q;
    enum roce_frame_error err;
    uint8_t sel;
    bool v6;
    size_t n;

    if (size < 1) {
        return 0;
    }
    sel = data[0];
    v6 = sel & 1;
    roce_encap_params_init(&prm);
    prm.ip_src = addr(v6, 1);
    prm.ip_dst = addr(v6, 2);
    prm.vlan = sel & 2;
    prm.udp_sport = 0xc000 | sel;
    prm.tnl.type = (sel >> 2) % 3;
    prm.tnl.header = size > 1 ? data + 1 : NULL;
    prm.tnl.header_len = size - 1;
    prm.outer_dscp = sel & 0x80 ? 26 : -1;

    if (roce_encap_init(&e, &prm) != ROCE_ENCAP_OK) {
        return 0;
    }
    REQUIRE(e.hdr_len <= ROCE_ENCAP_MAX_HDR_LEN);

    memset(&p, 0, sizeof p);
    p.opcode = ROCE_OP_RC_SEND_ONLY;
    p.dqpn = 0x123456;
    p.psn = sel;
    p.payload = payload;
    p.payload_len = (sel >> 4) & 7;
    n = roce_pkt_build(&p, frame + e.hdr_len, sizeof frame - e.hdr_len - 4);
    REQUIRE(n);
    n = roce_encap_frame(&e, frame, n);

    roce_frame_opts_init(&opts);
    opts.verify_outer_udp_csum = true;
    if (e.tnl_type != ROCE_TNL_NONE) {
        uint16_t port = roce_get_be16(e.hdr + e.outer_l4_ofs + 2);

        /* Whatever port OVS configured, and nothing else. */
        opts.vxlan_port = e.tnl_type == ROCE_TNL_VXLAN ? port : port ^ 1;
        opts.geneve_port = e.tnl_type == ROCE_TNL_GENEVE ? port : port ^ 1;
        if (!opts.vxlan_port || !opts.geneve_port) {
            return 0;           /* 0 means "default port" to the parser. */
        }
        opts.allow_plain = false;
    }
    err = roce_frame_parse(frame, n, &opts, &rf);
    if (e.tnl_type != ROCE_TNL_NONE && outer_ipv4_broken(&e)) {
        REQUIRE(err == ROCE_FRAME_BAD_IP_HDR);
        return 0;
    }
    REQUIRE(err == ROCE_FRAME_OK);
    REQUIRE(rf.tnl_type == e.tnl_type);
    REQUIRE(rf.tnl_type == ROCE_TNL_NONE || rf.vni == e.vni);
    REQUIRE(rf.frame_len == n);
    roce_pkt_from_frame(&rf, &q);
    REQUIRE(q.opcode == p.opcode && q.dqpn == p.dqpn && q.psn == p.psn);
    REQUIRE(q.payload_len == p.payload_len
            && !memcmp(q.payload, p.payload, p.payload_len));
    return 0;
}
