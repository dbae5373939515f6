/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#ifndef ROCE_ENCAP_H
#define ROCE_ENCAP_H 1

/* Per-QP encapsulation templates.
 *
 * A template is every header byte that precedes the BTH, precomputed once
 * when a QP is bound to a path (connect, modify, revalidation):
 *
 *   [overlay prefix: outer Ethernet (+802.1Q), outer IPv4/IPv6, outer UDP,
 *    VXLAN or Geneve(+options)]
 *   inner Ethernet (+802.1Q), inner IPv4/IPv6, UDP (dst 4791)
 *
 * The overlay prefix is exactly the header Open vSwitch's tnl_push action
 * carries (struct ovs_action_push_tnl: header bytes, header_len,
 * tnl_type), so the tuple comes from OVS's own translation.  A plain
 * RoCEv2 port uses a template without the prefix.
 *
 * Per packet the only work is roce_encap_push() (copy the template, fill
 * lengths, IP checksums, outer UDP source port) and roce_encap_finish()
 * (ICRC, then the outer UDP checksum if the tunnel asks for one).
 *
 * A template is a self-contained value: a QP is rebound to a new path by
 * initializing a new template and swapping which one the QP uses; nothing
 * in the transport state depends on the template, except that the header
 * room of frames built afterwards is the new roce_encap_hdr_len(). */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "roce/net.h"

/* Large enough for OVS's biggest UDP tunnel header (Ethernet + IPv6 + UDP
 * + Geneve with 252 bytes of options = 322) plus an 802.1Q tag and the
 * inner Ethernet + 802.1Q + IPv6 + UDP headers. */
#define ROCE_ENCAP_MAX_HDR_LEN 400

/* Outer (overlay) prefix as produced by OVS's tnl_push action. */
struct roce_tnl_push {
    const uint8_t *header;      /* Outer Eth [+VLAN] + IP + UDP + tunnel. */
    size_t header_len;
    enum roce_tnl_type type;    /* From roce_tnl_type_from_ovs(). */
};

/* Everything needed to build a template. */
struct roce_encap_params {
    /* Overlay prefix; 'tnl.header == NULL' for plain RoCEv2. */
    struct roce_tnl_push tnl;
    int outer_dscp;             /* -1: keep the prefix's DSCP; else
                                 * rewrite it (e.g. 26, AF31). */
    uint16_t outer_sport_min;   /* Outer UDP source port range; 0, 0 means */
    uint16_t outer_sport_max;   /* OVS's 32768..61000. */

    /* Inner (or only) headers. */
    uint8_t eth_src[ROCE_ETH_ADDR_LEN];
    uint8_t eth_dst[ROCE_ETH_ADDR_LEN];
    bool vlan;                  /* Insert an 802.1Q tag with 'vlan_tci'. */
    uint16_t vlan_tci;
    struct in6_addr ip_src;     /* Both IPv4-mapped, or both IPv6. */
    struct in6_addr ip_dst;
    uint8_t dscp;               /* 6 bits. */
    uint8_t ecn;                /* 2 bits. */
    uint8_t ttl;                /* TTL or hop limit; 0 means 64. */
    uint32_t flow_label;        /* IPv6 only, 20 bits. */
    uint16_t udp_sport;         /* Flow entropy, e.g. roce_udp_sport(). */

    uint32_t egress;            /* Opaque to the engine: handed to the
                                 * 'tx_egress' callback with every frame
                                 * built from this template, so that the
                                 * caller knows where the frame goes
                                 * without parsing it. */
};

/* A precomputed template.  Treat as opaque; fields are public only so that
 * it can be embedded and copied by value. */
struct roce_encap {
    uint8_t hdr[ROCE_ENCAP_MAX_HDR_LEN];
    uint16_t hdr_len;           /* Bytes before the BTH. */
    uint16_t outer_l3_ofs;      /* Meaningful if 'tnl_type' != NONE. */
    uint16_t outer_l4_ofs;
    uint16_t inner_l3_ofs;
    uint16_t inner_l4_ofs;
    uint8_t tnl_type;           /* enum roce_tnl_type. */
    bool outer_ipv6;
    bool outer_udp_csum;        /* Tunnel asked for a UDP checksum. */
    bool inner_ipv6;
    uint16_t outer_sport;       /* Outer UDP source port (entropy). */
    uint32_t vni;               /* From the prefix, for diagnostics. */
    uint32_t egress;            /* From the parameters. */
};

enum roce_encap_error {
    ROCE_ENCAP_OK = 0,
    ROCE_ENCAP_BAD_TNL_HDR,     /* Prefix is not Eth+IP+UDP+VXLAN/Geneve. */
    ROCE_ENCAP_BAD_TNL_TYPE,    /* Unsupported tunnel type. */
    ROCE_ENCAP_BAD_ADDR,        /* Mixed or unusable inner addresses. */
    ROCE_ENCAP_TOO_LONG,        /* Exceeds ROCE_ENCAP_MAX_HDR_LEN. */
};

const char *roce_encap_error_str(enum roce_encap_error);

/* Defaults: no prefix, outer_dscp -1, TTL 64, everything else zero. */
void roce_encap_params_init(struct roce_encap_params *);

enum roce_encap_error roce_encap_init(struct roce_encap *,
                                      const struct roce_encap_params *);

static inline size_t
roce_encap_hdr_len(const struct roce_encap *e)
{
    return e->hdr_len;
}

/* Length of a complete frame whose transport part (BTH + ETHs + payload +
 * pad) is 'transport_len' bytes: header + transport + ICRC. */
static inline size_t
roce_encap_frame_len(const struct roce_encap *e, size_t transport_len)
{
    return e->hdr_len + transport_len + 4;
}

/* 'frame' has room for roce_encap_frame_len(e, transport_len) bytes and
 * holds the transport part at frame + roce_encap_hdr_len(e).  Writes the
 * headers; returns the frame length (including the ICRC, which
 * roce_encap_finish() fills in). */
size_t roce_encap_push(const struct roce_encap *, uint8_t *frame,
                       size_t transport_len);

/* Fills the ICRC and, if the tunnel wants one, the outer UDP checksum of a
 * frame prepared by roce_encap_push(); 'frame_len' is what it returned. */
void roce_encap_finish(const struct roce_encap *, uint8_t *frame,
                       size_t frame_len);

/* push + finish. */
size_t roce_encap_frame(const struct roce_encap *, uint8_t *frame,
                        size_t transport_len);

/* Builds an overlay prefix the way Open vSwitch's tnl_push would carry it
 * (IP total length 0 with the IPv4 checksum computed over that, UDP
 * source port 0, UDP checksum 0xffff when 'csum' or IPv6): for tests and
 * for callers that are not given one by OVS. */
struct roce_tnl_params {
    enum roce_tnl_type type;
    uint8_t eth_src[ROCE_ETH_ADDR_LEN];
    uint8_t eth_dst[ROCE_ETH_ADDR_LEN];
    bool vlan;
    uint16_t vlan_tci;
    struct in6_addr ip_src;     /* Both IPv4-mapped, or both IPv6. */
    struct in6_addr ip_dst;
    uint8_t tos;                /* DSCP << 2 | ECN (traffic class). */
    uint8_t ttl;                /* 0 means 64. */
    bool df;                    /* IPv4 don't-fragment. */
    uint16_t udp_dst;           /* 0: 4789 (VXLAN) or 6081 (Geneve). */
    bool csum;                  /* Request an outer UDP checksum. */
    uint32_t vni;               /* 24 bits. */
    const uint8_t *geneve_opts; /* Geneve options, multiple of 4 bytes. */
    size_t geneve_opts_len;
};

/* Writes the prefix to 'buf' (room for 'size' bytes); returns its length,
 * or 0 if it does not fit or the parameters are invalid. */
size_t roce_tnl_build(const struct roce_tnl_params *, uint8_t *buf,
                      size_t size);

#endif /* roce/encap.h */
