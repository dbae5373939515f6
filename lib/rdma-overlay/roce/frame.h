/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#ifndef ROCE_FRAME_H
#define ROCE_FRAME_H 1

/* Receive-side parsing of RoCEv2 Ethernet frames.
 *
 * roce_frame_parse() takes a frame as received from a port: plain RoCEv2
 * (Ethernet [+802.1Q] + IPv4/IPv6 + UDP 4791 + BTH ...) or the same inside
 * a VXLAN or Geneve overlay (outer Ethernet [+802.1Q] + IPv4/IPv6 + UDP).
 * Every length is checked before it is used, so any byte string is safe
 * input.  On success it describes the frame: outer and inner addressing,
 * BTH fields, where each extended transport header is (per the opcode
 * table), the payload without its pad, and the ICRC, optionally verified.
 *
 * It does not look up or validate QPs: that is the transport's job. */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "roce/net.h"
#include "roce/opcode.h"

enum roce_frame_error {
    ROCE_FRAME_OK = 0,
    ROCE_FRAME_TOO_SHORT,       /* Ends inside a header or before ICRC. */
    ROCE_FRAME_NOT_IP,          /* EtherType is neither IPv4 nor IPv6. */
    ROCE_FRAME_BAD_IP_HDR,      /* Version, IHL, IPv4 header checksum,
                                 * fragment, IPv6 extension header. */
    ROCE_FRAME_BAD_IP_LEN,      /* IP length disagrees with the frame. */
    ROCE_FRAME_NOT_UDP,         /* IP protocol / next header not UDP. */
    ROCE_FRAME_BAD_UDP_LEN,     /* UDP length disagrees with IP length. */
    ROCE_FRAME_NOT_ROCE,        /* UDP dst port is not 4791 (nor a
                                 * tunnel port on the outer level). */
    ROCE_FRAME_BAD_TUNNEL,      /* Malformed VXLAN/Geneve header. */
    ROCE_FRAME_BAD_OPCODE,      /* Opcode not in the table. */
    ROCE_FRAME_BAD_TVER,        /* BTH transport version is not 0. */
    ROCE_FRAME_BAD_PAD,         /* PadCnt larger than the payload, or
                                 * nonzero on an opcode without payload. */
    ROCE_FRAME_BAD_ICRC,        /* ICRC mismatch (only if verifying). */
    ROCE_FRAME_BAD_PAYLOAD,     /* Payload on an opcode that has none. */
    ROCE_FRAME_BAD_UDP_CSUM,    /* Nonzero outer UDP checksum is wrong
                                 * (only if verify_outer_udp_csum). */
    ROCE_FRAME_N_ERRORS
};

const char *roce_frame_error_str(enum roce_frame_error);

/* Parse options. */
struct roce_frame_opts {
    bool verify_icrc;           /* Compute and compare the ICRC. */
    bool allow_plain;           /* Accept frames without an overlay. */
    bool allow_overlay;         /* Accept VXLAN/Geneve frames. */
    uint16_t vxlan_port;        /* 0: 4789. */
    uint16_t geneve_port;       /* 0: 6081. */
    bool verify_outer_udp_csum; /* Check a nonzero overlay UDP checksum.
                                 * Off by default: it costs a pass over
                                 * the frame, and the ICRC already covers
                                 * the RoCE packet; turn it on where the
                                 * NIC has not validated L4 checksums and
                                 * the outer headers (VNI) must be
                                 * trusted beyond the Ethernet FCS. */
};

/* Defaults: verify ICRC, accept plain and overlay, standard ports, do not
 * verify outer UDP checksums. */
void roce_frame_opts_init(struct roce_frame_opts *);

/* One Ethernet + IP + UDP level. */
struct roce_frame_l2l4 {
    uint8_t eth_dst[ROCE_ETH_ADDR_LEN];
    uint8_t eth_src[ROCE_ETH_ADDR_LEN];
    bool vlan;                  /* An 802.1Q tag was present. */
    uint16_t vlan_tci;
    uint8_t ip_version;         /* 4 or 6. */
    struct in6_addr ip_src;     /* IPv4-mapped for IPv4. */
    struct in6_addr ip_dst;
    uint8_t dscp;
    uint8_t ecn;
    uint8_t ttl;                /* TTL or hop limit. */
    uint32_t flow_label;        /* IPv6 only. */
    uint16_t udp_src;
    uint16_t udp_dst;
    uint16_t udp_csum;
    size_t l2_ofs;              /* Offsets into the frame. */
    size_t l3_ofs;
    size_t l4_ofs;
};

struct roce_frame {
    /* Overlay, if 'tnl_type' != ROCE_TNL_NONE. */
    enum roce_tnl_type tnl_type;
    uint32_t vni;               /* VXLAN VNI or Geneve VNI. */
    const uint8_t *geneve_opts; /* Geneve options (may be NULL/0). */
    size_t geneve_opts_len;
    struct roce_frame_l2l4 outer;

    /* RoCEv2 packet (the inner one for overlay frames). */
    struct roce_frame_l2l4 inner;

    /* BTH. */
    const uint8_t *bth;         /* Points into the frame. */
    const struct roce_opcode_info *op;
    uint8_t opcode;
    bool se;
    bool mig;
    uint8_t pad;
    uint8_t tver;
    uint16_t pkey;
    bool fecn;
    bool becn;
    uint32_t dqpn;
    bool ackreq;
    uint32_t psn;

    /* Extended transport headers, NULL if the opcode has none. */
    const uint8_t *ext[ROCE_EXT_N];

    const uint8_t *payload;     /* After the ETHs, pad removed. */
    size_t payload_len;
    uint32_t icrc;              /* As received (CRC register value). */
    size_t roce_len;            /* Inner IP header to ICRC, exclusive: the
                                 * span the ICRC covers. */
    size_t frame_len;           /* Parsed length (Ethernet padding of
                                 * short frames excluded). */
};

enum roce_frame_error roce_frame_parse(const uint8_t *frame, size_t len,
                                       const struct roce_frame_opts *,
                                       struct roce_frame *);

#endif /* roce/frame.h */
