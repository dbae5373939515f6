/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#include "roce/encap.h"

#include <string.h>
#include "roce/bytes.h"
#include "roce/csum.h"
#include "roce/icrc.h"
#include "roce/opcode.h"

/* Returns a human-readable description of 'error'. */
const char *
roce_encap_error_str(enum roce_encap_error error)
{
    switch (error) {
    case ROCE_ENCAP_OK: return "ok";
    case ROCE_ENCAP_BAD_TNL_HDR: return "malformed tunnel header";
    case ROCE_ENCAP_BAD_TNL_TYPE: return "unsupported tunnel type";
    case ROCE_ENCAP_BAD_ADDR: return "bad inner addresses";
    case ROCE_ENCAP_TOO_LONG: return "header too long";
    }
    return "unknown error";
}

/* Returns the name of a tunnel type, as OVS spells it. */
const char *
roce_tnl_type_name(enum roce_tnl_type type)
{
    switch (type) {
    case ROCE_TNL_NONE: return "none";
    case ROCE_TNL_VXLAN: return "vxlan";
    case ROCE_TNL_GENEVE: return "geneve";
    }
    return "unknown";
}

/* Initializes 'p' with defaults: plain RoCEv2, TTL 64, keep outer DSCP. */
void
roce_encap_params_init(struct roce_encap_params *p)
{
    memset(p, 0, sizeof *p);
    p->outer_dscp = -1;
    p->ttl = 64;
}

/* Writes an Ethernet header (with an 802.1Q tag if 'vlan') for 'eth_type';
 * returns its length. */
static size_t
put_eth(uint8_t *p, const uint8_t dst[ROCE_ETH_ADDR_LEN],
        const uint8_t src[ROCE_ETH_ADDR_LEN], bool vlan, uint16_t tci,
        uint16_t eth_type)
{
    memcpy(p, dst, ROCE_ETH_ADDR_LEN);
    memcpy(p + 6, src, ROCE_ETH_ADDR_LEN);
    if (vlan) {
        roce_put_be16(p + 12, ROCE_ETH_TYPE_VLAN);
        roce_put_be16(p + 14, tci);
        roce_put_be16(p + 16, eth_type);
        return ROCE_ETH_HDR_LEN + ROCE_VLAN_HDR_LEN;
    }
    roce_put_be16(p + 12, eth_type);
    return ROCE_ETH_HDR_LEN;
}

/* Writes an IP header carrying UDP with length fields zero (filled per
 * packet) and, for IPv4, the checksum of that zero-length header, as Open
 * vSwitch's tunnel headers have it.  Returns its length. */
static size_t
put_ip(uint8_t *p, bool ipv6, const struct in6_addr *src,
       const struct in6_addr *dst, uint8_t tos, uint8_t ttl, bool df,
       uint32_t flow_label)
{
    if (ipv6) {
        roce_put_be32(p, (6u << 28) | ((uint32_t) tos << 20)
                         | (flow_label & 0xfffff));
        roce_put_be16(p + 4, 0);
        p[6] = ROCE_IPPROTO_UDP;
        p[7] = ttl;
        memcpy(p + 8, src->s6_addr, 16);
        memcpy(p + 24, dst->s6_addr, 16);
        return ROCE_IPV6_HDR_LEN;
    }
    p[0] = 0x45;
    p[1] = tos;
    roce_put_be16(p + 2, 0);            /* Total length: per packet. */
    roce_put_be16(p + 4, 0);            /* ID: 0 is fine with DF. */
    roce_put_be16(p + 6, df ? 0x4000 : 0);
    p[8] = ttl;
    p[9] = ROCE_IPPROTO_UDP;
    roce_put_be16(p + 10, 0);
    memcpy(p + 12, &src->s6_addr[12], 4);
    memcpy(p + 16, &dst->s6_addr[12], 4);
    roce_put_be16(p + 10, roce_csum_finish(roce_csum_add(0, p, 20)));
    return ROCE_IPV4_HDR_LEN;
}

/* True if 'a' and 'b' are of the same family (both IPv4-mapped or both
 * IPv6). */
static bool
addrs_ok(const struct in6_addr *a, const struct in6_addr *b)
{
    return roce_addr_is_v4(a) == roce_addr_is_v4(b);
}

/* Builds an overlay prefix in Open vSwitch's tnl_push layout. */
size_t
roce_tnl_build(const struct roce_tnl_params *tp, uint8_t *buf, size_t size)
{
    uint8_t tmp[ROCE_ENCAP_MAX_HDR_LEN];
    bool ipv6 = !roce_addr_is_v4(&tp->ip_src);
    size_t n, opts_len = 0;
    uint8_t *udp;

    if (!addrs_ok(&tp->ip_src, &tp->ip_dst)
        || (tp->type != ROCE_TNL_VXLAN && tp->type != ROCE_TNL_GENEVE)) {
        return 0;
    }
    if (tp->type == ROCE_TNL_GENEVE) {
        opts_len = tp->geneve_opts_len;
        if (opts_len % 4 || opts_len > ROCE_GENEVE_MAX_OPT_LEN
            || (opts_len && !tp->geneve_opts)) {
            return 0;
        }
    }

    n = put_eth(tmp, tp->eth_dst, tp->eth_src, tp->vlan, tp->vlan_tci,
                ipv6 ? ROCE_ETH_TYPE_IPV6 : ROCE_ETH_TYPE_IPV4);
    n += put_ip(tmp + n, ipv6, &tp->ip_src, &tp->ip_dst, tp->tos,
                tp->ttl ? tp->ttl : 64, tp->df, 0);
    udp = tmp + n;
    roce_put_be16(udp, 0);
    roce_put_be16(udp + 2, tp->udp_dst ? tp->udp_dst
                           : tp->type == ROCE_TNL_VXLAN ? ROCE_VXLAN_PORT
                           : ROCE_GENEVE_PORT);
    roce_put_be16(udp + 4, 0);
    /* 0xffff marks "compute the checksum" and is neutral in the sum. */
    roce_put_be16(udp + 6, ipv6 || tp->csum ? 0xffff : 0);
    n += ROCE_UDP_HDR_LEN;

    if (tp->type == ROCE_TNL_VXLAN) {
        roce_put_be32(tmp + n, 0x08000000);         /* I flag. */
        roce_put_be32(tmp + n + 4, (tp->vni & 0xffffff) << 8);
        n += ROCE_VXLAN_HDR_LEN;
    } else {
        tmp[n] = opts_len / 4;                      /* Ver 0, opt len. */
        tmp[n + 1] = 0;                             /* O, C flags. */
        roce_put_be16(tmp + n + 2, ROCE_ETH_TYPE_TEB);
        roce_put_be32(tmp + n + 4, (tp->vni & 0xffffff) << 8);
        n += ROCE_GENEVE_HDR_LEN;
        if (opts_len) {
            memcpy(tmp + n, tp->geneve_opts, opts_len);
            n += opts_len;
        }
    }
    if (n > size) {
        return 0;
    }
    memcpy(buf, tmp, n);
    return n;
}

/* Skips an Ethernet header and any 802.1Q/802.1ad tags at 'p' (of 'len'
 * bytes); stores the EtherType that follows.  Returns the L3 offset or 0
 * if truncated. */
static size_t
skip_eth(const uint8_t *p, size_t len, uint16_t *eth_type)
{
    size_t ofs = 12;

    for (;;) {
        uint16_t type;

        if (len < ofs + 2) {
            return 0;
        }
        type = roce_get_be16(p + ofs);
        if (type != ROCE_ETH_TYPE_VLAN && type != ROCE_ETH_TYPE_QINQ) {
            *eth_type = type;
            return ofs + 2;
        }
        ofs += ROCE_VLAN_HDR_LEN;
    }
}

/* Rewrites the traffic class of the outer IP header at 'ip': the DSCP to
 * 'dscp' unless it is negative, the ECN field to 'ecn'; fixes the IPv4
 * checksum. */
static void
set_outer_tos(uint8_t *ip, bool ipv6, int dscp, uint8_t ecn)
{
    if (ipv6) {
        uint32_t w = roce_get_be32(ip);
        uint32_t tc = (w >> 20) & 0xff;

        tc = ((dscp < 0 ? tc >> 2 : (uint32_t) dscp & 0x3f) << 2)
             | (ecn & 3);
        roce_put_be32(ip, (w & ~(0xffu << 20)) | (tc << 20));
    } else {
        size_t ihl = (size_t) (ip[0] & 0xf) * 4;

        ip[1] = (uint8_t) (((dscp < 0 ? ip[1] >> 2 : dscp & 0x3f) << 2)
                           | (ecn & 3));
        roce_put_be16(ip + 10, 0);
        roce_put_be16(ip + 10, roce_csum_finish(roce_csum_add(0, ip, ihl)));
    }
}

/* Checks that 'tnl' is Ethernet + IP + UDP + a VXLAN/Geneve header whose
 * length accounts for the rest of it, and copies it into 'e'. */
static enum roce_encap_error
load_tnl_prefix(struct roce_encap *e, const struct roce_tnl_push *tnl)
{
    const uint8_t *h = tnl->header;
    size_t len = tnl->header_len;
    uint16_t eth_type;
    size_t l3, l4, th, ip_len;

    if (tnl->type != ROCE_TNL_VXLAN && tnl->type != ROCE_TNL_GENEVE) {
        return ROCE_ENCAP_BAD_TNL_TYPE;
    }
    if (len > ROCE_ENCAP_MAX_HDR_LEN) {
        return ROCE_ENCAP_TOO_LONG;
    }
    l3 = skip_eth(h, len, &eth_type);
    if (!l3) {
        return ROCE_ENCAP_BAD_TNL_HDR;
    }
    if (eth_type == ROCE_ETH_TYPE_IPV4) {
        if (len < l3 + ROCE_IPV4_HDR_LEN || h[l3] >> 4 != 4
            || (h[l3] & 0xf) < 5 || h[l3 + 9] != ROCE_IPPROTO_UDP) {
            return ROCE_ENCAP_BAD_TNL_HDR;
        }
        ip_len = (size_t) (h[l3] & 0xf) * 4;
        e->outer_ipv6 = false;
    } else if (eth_type == ROCE_ETH_TYPE_IPV6) {
        if (len < l3 + ROCE_IPV6_HDR_LEN || h[l3] >> 4 != 6
            || h[l3 + 6] != ROCE_IPPROTO_UDP) {
            return ROCE_ENCAP_BAD_TNL_HDR;
        }
        ip_len = ROCE_IPV6_HDR_LEN;
        e->outer_ipv6 = true;
    } else {
        return ROCE_ENCAP_BAD_TNL_HDR;
    }
    l4 = l3 + ip_len;
    th = l4 + ROCE_UDP_HDR_LEN;
    if (len < th + 8) {
        return ROCE_ENCAP_BAD_TNL_HDR;
    }
    if (tnl->type == ROCE_TNL_VXLAN) {
        if (len != th + ROCE_VXLAN_HDR_LEN || !(h[th] & 0x08)) {
            return ROCE_ENCAP_BAD_TNL_HDR;
        }
    } else {
        size_t opt_len = (size_t) (h[th] & 0x3f) * 4;

        if (h[th] >> 6 != 0 || len != th + ROCE_GENEVE_HDR_LEN + opt_len
            || roce_get_be16(h + th + 2) != ROCE_ETH_TYPE_TEB) {
            return ROCE_ENCAP_BAD_TNL_HDR;
        }
    }
    memcpy(e->hdr, h, len);
    e->hdr_len = len;
    e->outer_l3_ofs = l3;
    e->outer_l4_ofs = l4;
    e->outer_udp_csum = roce_get_be16(h + l4 + 6) != 0;
    e->vni = roce_get_be24(h + th + 4);
    e->tnl_type = tnl->type;
    return ROCE_ENCAP_OK;
}

/* A 32-bit mix of the inner flow identity, the entropy the outer UDP
 * source port is derived from (the role the RSS hash plays for OVS). */
static uint32_t
inner_flow_hash(const struct roce_encap_params *p)
{
    uint32_t h = p->udp_sport;

    for (int i = 0; i < 16; i += 4) {
        h = h * 0x9e3779b1u ^ roce_get_be32(&p->ip_src.s6_addr[i]);
        h = h * 0x9e3779b1u ^ roce_get_be32(&p->ip_dst.s6_addr[i]);
    }
    /* Murmur3 finalizer: every input bit affects every output bit. */
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

/* Builds template 'e' from 'p'.  On error 'e' is left unusable. */
enum roce_encap_error
roce_encap_init(struct roce_encap *e, const struct roce_encap_params *p)
{
    bool ipv6 = !roce_addr_is_v4(&p->ip_src);
    size_t inner_len;
    size_t n = 0;

    memset(e, 0, sizeof *e);
    e->egress = p->egress;
    if (!addrs_ok(&p->ip_src, &p->ip_dst)) {
        return ROCE_ENCAP_BAD_ADDR;
    }
    if (p->tnl.header) {
        enum roce_encap_error error = load_tnl_prefix(e, &p->tnl);
        uint32_t min = p->outer_sport_min, max = p->outer_sport_max;

        if (error) {
            e->hdr_len = 0;
            return error;
        }
        /* RFC 6040 (normal mode): the outer ECN field is a copy of the
         * inner one, so that the underlay may mark an ECN-capable
         * packet instead of dropping it (CE itself is never copied
         * out; templates are never CE anyway). */
        set_outer_tos(e->hdr + e->outer_l3_ofs, e->outer_ipv6,
                      p->outer_dscp,
                      (p->ecn & 3) == ROCE_ECN_CE ? ROCE_ECN_ECT0 : p->ecn);
        if (!min && !max) {
            min = ROCE_TNL_SPORT_MIN;
            max = ROCE_TNL_SPORT_MAX;
        } else if (max < min) {
            max = min;
        }
        /* Same scaling as OVS's netdev_tnl_get_src_port(). */
        e->outer_sport = (uint16_t) ((((uint64_t) inner_flow_hash(p)
                                       * (max - min)) >> 32) + min);
        n = e->hdr_len;
    }

    inner_len = ROCE_ETH_HDR_LEN + (p->vlan ? ROCE_VLAN_HDR_LEN : 0)
                + (ipv6 ? ROCE_IPV6_HDR_LEN : ROCE_IPV4_HDR_LEN)
                + ROCE_UDP_HDR_LEN;
    if (n + inner_len > ROCE_ENCAP_MAX_HDR_LEN) {
        e->hdr_len = 0;
        return ROCE_ENCAP_TOO_LONG;
    }

    n += put_eth(e->hdr + n, p->eth_dst, p->eth_src, p->vlan, p->vlan_tci,
                 ipv6 ? ROCE_ETH_TYPE_IPV6 : ROCE_ETH_TYPE_IPV4);
    e->inner_l3_ofs = n;
    e->inner_ipv6 = ipv6;
    n += put_ip(e->hdr + n, ipv6, &p->ip_src, &p->ip_dst,
                (uint8_t) ((p->dscp & 0x3f) << 2 | (p->ecn & 3)),
                p->ttl ? p->ttl : 64, true, p->flow_label);
    e->inner_l4_ofs = n;
    roce_put_be16(e->hdr + n, p->udp_sport);
    roce_put_be16(e->hdr + n + 2, ROCE_UDP_PORT);
    roce_put_be16(e->hdr + n + 4, 0);
    /* RoCEv2 sends a zero UDP checksum over IPv4 and IPv6 alike (as Linux
     * rxe does; RFC 6935/6936 allow it for IPv6 tunnels): the ICRC covers
     * the packet end to end and receivers must not check the UDP
     * checksum. */
    roce_put_be16(e->hdr + n + 6, 0);
    n += ROCE_UDP_HDR_LEN;
    e->hdr_len = n;
    return ROCE_ENCAP_OK;
}

/* Fills the length (and IPv4 checksum) of the IP header at 'ip' (a copy
 * of the template's), whose payload is 'l4_len' bytes.  The IPv4 checksum
 * in the template covers the template's total length, 0 in OVS's, so one
 * RFC 1624 update accounts for the new one, as OVS's
 * netdev_tnl_push_ip_header() does. */
static void
fill_ip_len(uint8_t *ip, bool ipv6, size_t l4_len)
{
    if (ipv6) {
        roce_put_be16(ip + 4, (uint16_t) l4_len);
    } else {
        uint16_t tot = (uint16_t) (l4_len + (size_t) (ip[0] & 0xf) * 4);
        uint16_t old = roce_get_be16(ip + 2);

        roce_put_be16(ip + 2, tot);
        roce_put_be16(ip + 10, roce_csum_update16(roce_get_be16(ip + 10),
                                                  old, tot));
    }
}

/* Copies the template in front of the transport part and fills every
 * length, the IPv4 checksums and the outer UDP source port. */
size_t
roce_encap_push(const struct roce_encap *e, uint8_t *frame,
                size_t transport_len)
{
    size_t frame_len = roce_encap_frame_len(e, transport_len);
    size_t inner_l4_len = ROCE_UDP_HDR_LEN + transport_len + ROCE_ICRC_LEN;

    memcpy(frame, e->hdr, e->hdr_len);
    fill_ip_len(frame + e->inner_l3_ofs, e->inner_ipv6, inner_l4_len);
    roce_put_be16(frame + e->inner_l4_ofs + 4, (uint16_t) inner_l4_len);

    if (e->tnl_type != ROCE_TNL_NONE) {
        uint8_t *udp = frame + e->outer_l4_ofs;

        fill_ip_len(frame + e->outer_l3_ofs, e->outer_ipv6,
                    frame_len - e->outer_l4_ofs);
        roce_put_be16(udp, e->outer_sport);
        roce_put_be16(udp + 4, (uint16_t) (frame_len - e->outer_l4_ofs));
    }
    return frame_len;
}

/* Computes the outer UDP checksum exactly as OVS's
 * netdev_tnl_calc_udp_csum() does: pseudo-header plus the UDP header with
 * its checksum field 0xffff (OVS's template value, neutral in the sum;
 * forced here so that any other nonzero "please checksum" marker in a
 * template cannot skew the result) plus the data; a zero result is sent
 * as 0xffff. */
static void
fill_outer_udp_csum(const struct roce_encap *e, uint8_t *frame,
                    size_t frame_len)
{
    const uint8_t *ip = frame + e->outer_l3_ofs;
    uint8_t *udp = frame + e->outer_l4_ofs;
    size_t udp_len = frame_len - e->outer_l4_ofs;
    uint64_t sum;
    uint16_t csum;

    sum = roce_csum_pseudo(ip, e->outer_ipv6, ROCE_IPPROTO_UDP, udp_len);
    roce_put_be16(udp + 6, 0xffff);
    sum = roce_csum_add(sum, udp, udp_len);
    csum = roce_csum_finish(sum);
    roce_put_be16(udp + 6, csum ? csum : 0xffff);
}

/* Completes a frame from roce_encap_push(): ICRC over the inner RoCEv2
 * packet, then the outer UDP checksum, which covers the ICRC. */
void
roce_encap_finish(const struct roce_encap *e, uint8_t *frame,
                  size_t frame_len)
{
    roce_icrc_fill(frame + e->inner_l3_ofs,
                   frame_len - e->inner_l3_ofs - ROCE_ICRC_LEN);
    if (e->tnl_type != ROCE_TNL_NONE && e->outer_udp_csum) {
        fill_outer_udp_csum(e, frame, frame_len);
    }
}

/* roce_encap_push() followed by roce_encap_finish(). */
size_t
roce_encap_frame(const struct roce_encap *e, uint8_t *frame,
                 size_t transport_len)
{
    size_t frame_len = roce_encap_push(e, frame, transport_len);

    roce_encap_finish(e, frame, frame_len);
    return frame_len;
}
