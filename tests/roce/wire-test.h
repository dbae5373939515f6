/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#ifndef WIRE_TEST_H
#define WIRE_TEST_H 1

/* Header-only frame-building helpers shared by the wire tests, the tshark
 * cross-check and the fuzz seed generator.  The addresses and ports match
 * the known-answer frames of wire-kat.h. */

#include <stdlib.h>
#include <string.h>
#include "roce/bytes.h"
#include "roce/csum.h"
#include "roce/encap.h"
#include "roce/net.h"
#include "roce/pkt.h"

static inline void
wt_mac(uint8_t mac[6], uint8_t a, uint8_t last)
{
    memset(mac, 0, 6);
    mac[0] = a;
    mac[5] = last;
}

static inline struct in6_addr
wt_addr(const char *s)
{
    struct in6_addr a;

    if (!roce_addr_parse(s, &a)) {
        abort();
    }
    return a;
}

/* Inner parameters of kat_v4_write (and of kat_vxlan_ack with a different
 * UDP source port). */
static inline void
wt_inner_v4(struct roce_encap_params *p)
{
    roce_encap_params_init(p);
    wt_mac(p->eth_dst, 0x02, 2);
    wt_mac(p->eth_src, 0x02, 1);
    p->ip_src = wt_addr("10.0.0.1");
    p->ip_dst = wt_addr("10.0.0.2");
    p->dscp = 26;
    p->ecn = 2;
    p->ttl = 64;
    p->udp_sport = 0xc123;
}

/* Inner parameters of kat_v6_ud_send. */
static inline void
wt_inner_v6(struct roce_encap_params *p)
{
    roce_encap_params_init(p);
    wt_mac(p->eth_dst, 0x02, 2);
    wt_mac(p->eth_src, 0x02, 1);
    p->ip_src = wt_addr("2001:db8::1");
    p->ip_dst = wt_addr("2001:db8::2");
    p->dscp = 26;
    p->ecn = 2;
    p->ttl = 64;
    p->flow_label = 0x12345;
    p->udp_sport = 0xc456;
}

/* An OVS-style overlay prefix (kat_vxlan_ack's for VXLAN over IPv4). */
static inline size_t
wt_tnl_prefix(uint8_t *buf, size_t size, enum roce_tnl_type type, bool ipv6,
              bool csum, uint32_t vni, size_t geneve_opts_len)
{
    static const uint8_t opts[252] = {
        0x01, 0x02, 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef,
    };
    struct roce_tnl_params tp;

    memset(&tp, 0, sizeof tp);
    tp.type = type;
    wt_mac(tp.eth_dst, 0xaa, 2);
    wt_mac(tp.eth_src, 0xaa, 1);
    tp.ip_src = wt_addr(ipv6 ? "fd00::1" : "192.168.1.1");
    tp.ip_dst = wt_addr(ipv6 ? "fd00::2" : "192.168.1.2");
    tp.ttl = 64;
    tp.df = true;
    tp.csum = csum;
    tp.vni = vni;
    tp.geneve_opts = opts;
    tp.geneve_opts_len = geneve_opts_len;
    return roce_tnl_build(&tp, buf, size);
}

/* Sets the ECN field of the outer IP header of 'frame' (an untagged
 * overlay frame) to 'ecn', fixing the IPv4 header checksum: what RFC 6040
 * encapsulation adds to the header OVS's tnl_push carries. */
static inline void
wt_outer_ecn(uint8_t *frame, bool ipv6, uint8_t ecn)
{
    uint8_t *ip = frame + ROCE_ETH_HDR_LEN;

    if (ipv6) {
        ip[1] = (uint8_t) ((ip[1] & ~0x30) | (ecn & 3) << 4);
    } else {
        ip[1] = (uint8_t) ((ip[1] & ~3) | (ecn & 3));
        roce_put_be16(ip + 10, 0);
        roce_put_be16(ip + 10, roce_csum_finish(roce_csum_add(0, ip, 20)));
    }
}

/* Serializes 'pkt' behind the headers of 'e' in 'frame' and completes the
 * frame.  Returns its length, or 0 if it does not fit 'size'. */
static inline size_t
wt_build(const struct roce_encap *e, const struct roce_pkt *pkt,
         uint8_t *frame, size_t size)
{
    size_t hdr = roce_encap_hdr_len(e);
    size_t n;

    if (size < hdr + 4) {
        return 0;
    }
    n = roce_pkt_build(pkt, frame + hdr, size - hdr - 4);
    return n ? roce_encap_frame(e, frame, n) : 0;
}

#endif /* wire-test.h */
