/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#include "roce/frame.h"

#include <string.h>
#include "roce/bytes.h"
#include "roce/csum.h"
#include "roce/hdr.h"
#include "roce/icrc.h"

/* Returns a short description of 'error'. */
const char *
roce_frame_error_str(enum roce_frame_error error)
{
    switch (error) {
    case ROCE_FRAME_OK: return "ok";
    case ROCE_FRAME_TOO_SHORT: return "truncated";
    case ROCE_FRAME_NOT_IP: return "not IP";
    case ROCE_FRAME_BAD_IP_HDR: return "bad IP header";
    case ROCE_FRAME_BAD_IP_LEN: return "bad IP length";
    case ROCE_FRAME_NOT_UDP: return "not UDP";
    case ROCE_FRAME_BAD_UDP_LEN: return "bad UDP length";
    case ROCE_FRAME_NOT_ROCE: return "not RoCEv2";
    case ROCE_FRAME_BAD_TUNNEL: return "bad tunnel header";
    case ROCE_FRAME_BAD_OPCODE: return "unsupported opcode";
    case ROCE_FRAME_BAD_TVER: return "bad BTH transport version";
    case ROCE_FRAME_BAD_PAD: return "bad pad count";
    case ROCE_FRAME_BAD_ICRC: return "bad ICRC";
    case ROCE_FRAME_BAD_PAYLOAD: return "unexpected payload";
    case ROCE_FRAME_BAD_UDP_CSUM: return "bad outer UDP checksum";
    case ROCE_FRAME_N_ERRORS: break;
    }
    return "unknown error";
}

/* Initializes 'opts' to the defaults. */
void
roce_frame_opts_init(struct roce_frame_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->verify_icrc = true;
    opts->allow_plain = true;
    opts->allow_overlay = true;
}

/* Stores the IPv4 address at 'v4' as IPv4-mapped IPv6 in 'a' (in place:
 * building a struct and copying it costs a store-forwarding stall). */
static void
set_v4mapped(struct in6_addr *a, const uint8_t *v4)
{
    memset(a->s6_addr, 0, 10);
    a->s6_addr[10] = a->s6_addr[11] = 0xff;
    memcpy(&a->s6_addr[12], v4, 4);
}

/* Parses Ethernet [+ VLAN tags] + IPv4/IPv6 + UDP header starting at
 * f[ofs], where the enclosing data ends at f[end].  On success fills 'o'
 * and stores in '*udp_end' where the UDP datagram ends (IP length rules:
 * trailing Ethernet padding is not part of it). */
static enum roce_frame_error
parse_l2l4(const uint8_t *f, size_t ofs, size_t end,
           struct roce_frame_l2l4 *o, size_t *udp_end)
{
    uint16_t eth_type;
    size_t l3, l4, ip_end, udp_len;

    if (end - ofs < ROCE_ETH_HDR_LEN) {
        return ROCE_FRAME_TOO_SHORT;
    }
    o->l2_ofs = ofs;
    memcpy(o->eth_dst, f + ofs, ROCE_ETH_ADDR_LEN);
    memcpy(o->eth_src, f + ofs + 6, ROCE_ETH_ADDR_LEN);
    o->vlan = false;
    o->vlan_tci = 0;
    l3 = ofs + 12;
    for (;;) {
        if (end - l3 < 2) {
            return ROCE_FRAME_TOO_SHORT;
        }
        eth_type = roce_get_be16(f + l3);
        l3 += 2;
        if (eth_type != ROCE_ETH_TYPE_VLAN && eth_type != ROCE_ETH_TYPE_QINQ) {
            break;
        }
        if (end - l3 < 2) {
            return ROCE_FRAME_TOO_SHORT;
        }
        if (!o->vlan) {
            o->vlan = true;
            o->vlan_tci = roce_get_be16(f + l3);
        }
        l3 += 2;
    }
    o->l3_ofs = l3;

    if (eth_type == ROCE_ETH_TYPE_IPV4) {
        const uint8_t *ip = f + l3;
        size_t ihl, tot;

        if (end - l3 < ROCE_IPV4_HDR_LEN) {
            return ROCE_FRAME_TOO_SHORT;
        }
        ihl = (size_t) (ip[0] & 0xf) * 4;
        if (ip[0] >> 4 != 4 || ihl < ROCE_IPV4_HDR_LEN) {
            return ROCE_FRAME_BAD_IP_HDR;
        }
        if (end - l3 < ihl) {
            return ROCE_FRAME_TOO_SHORT;
        }
        if (roce_csum_finish(roce_csum_add(0, ip, ihl))
            || roce_get_be16(ip + 6) & 0x3fff) {
            /* Bad checksum, or a fragment (MF or offset): RoCE is never
             * fragmented and we do not reassemble. */
            return ROCE_FRAME_BAD_IP_HDR;
        }
        tot = roce_get_be16(ip + 2);
        if (tot < ihl) {
            return ROCE_FRAME_BAD_IP_LEN;
        }
        if (tot > end - l3) {
            return ROCE_FRAME_TOO_SHORT;
        }
        if (ip[9] != ROCE_IPPROTO_UDP) {
            return ROCE_FRAME_NOT_UDP;
        }
        o->ip_version = 4;
        set_v4mapped(&o->ip_src, ip + 12);
        set_v4mapped(&o->ip_dst, ip + 16);
        o->dscp = ip[1] >> 2;
        o->ecn = ip[1] & 3;
        o->ttl = ip[8];
        o->flow_label = 0;
        l4 = l3 + ihl;
        ip_end = l3 + tot;
    } else if (eth_type == ROCE_ETH_TYPE_IPV6) {
        const uint8_t *ip = f + l3;
        uint32_t w;
        size_t plen;

        if (end - l3 < ROCE_IPV6_HDR_LEN) {
            return ROCE_FRAME_TOO_SHORT;
        }
        w = roce_get_be32(ip);
        if (w >> 28 != 6) {
            return ROCE_FRAME_BAD_IP_HDR;
        }
        plen = roce_get_be16(ip + 4);
        if (plen > end - l3 - ROCE_IPV6_HDR_LEN) {
            return ROCE_FRAME_TOO_SHORT;
        }
        if (ip[6] != ROCE_IPPROTO_UDP) {
            /* Extension headers included: RoCEv2 does not use them. */
            return ROCE_FRAME_NOT_UDP;
        }
        o->ip_version = 6;
        memcpy(o->ip_src.s6_addr, ip + 8, 16);
        memcpy(o->ip_dst.s6_addr, ip + 24, 16);
        o->dscp = (w >> 22) & 0x3f;
        o->ecn = (w >> 20) & 3;
        o->ttl = ip[7];
        o->flow_label = w & 0xfffff;
        l4 = l3 + ROCE_IPV6_HDR_LEN;
        ip_end = l4 + plen;
    } else {
        return ROCE_FRAME_NOT_IP;
    }

    o->l4_ofs = l4;
    if (ip_end - l4 < ROCE_UDP_HDR_LEN) {
        return ROCE_FRAME_BAD_IP_LEN;
    }
    o->udp_src = roce_get_be16(f + l4);
    o->udp_dst = roce_get_be16(f + l4 + 2);
    udp_len = roce_get_be16(f + l4 + 4);
    o->udp_csum = roce_get_be16(f + l4 + 6);
    if (udp_len != ip_end - l4) {
        return ROCE_FRAME_BAD_UDP_LEN;
    }
    *udp_end = ip_end;
    return ROCE_FRAME_OK;
}

/* True if the UDP checksum of the datagram at f[l->l4_ofs, end) is zero
 * (absent) or correct. */
static bool
udp_csum_ok(const uint8_t *f, const struct roce_frame_l2l4 *l, size_t end)
{
    size_t udp_len = end - l->l4_ofs;
    uint64_t sum;

    if (!l->udp_csum) {
        return true;
    }
    sum = roce_csum_pseudo(f + l->l3_ofs, l->ip_version == 6,
                           ROCE_IPPROTO_UDP, udp_len);
    return roce_csum_finish(roce_csum_add(sum, f + l->l4_ofs, udp_len)) == 0;
}

/* Parses the VXLAN or Geneve header at f[ofs] (UDP payload ending at
 * f[end]); returns where the inner Ethernet frame starts in '*inner'. */
static enum roce_frame_error
parse_tunnel(const uint8_t *f, size_t ofs, size_t end, struct roce_frame *rf,
             size_t *inner)
{
    const uint8_t *t = f + ofs;

    if (end - ofs < 8) {
        return ROCE_FRAME_TOO_SHORT;
    }
    if (rf->tnl_type == ROCE_TNL_VXLAN) {
        if (!(t[0] & 0x08)) {           /* I flag: VNI valid. */
            return ROCE_FRAME_BAD_TUNNEL;
        }
        *inner = ofs + ROCE_VXLAN_HDR_LEN;
    } else {
        size_t opt_len = (size_t) (t[0] & 0x3f) * 4;

        if (t[0] >> 6 != 0 || roce_get_be16(t + 2) != ROCE_ETH_TYPE_TEB) {
            return ROCE_FRAME_BAD_TUNNEL;
        }
        if (end - ofs - ROCE_GENEVE_HDR_LEN < opt_len) {
            return ROCE_FRAME_TOO_SHORT;
        }
        rf->geneve_opts = opt_len ? t + ROCE_GENEVE_HDR_LEN : NULL;
        rf->geneve_opts_len = opt_len;
        *inner = ofs + ROCE_GENEVE_HDR_LEN + opt_len;
    }
    rf->vni = roce_get_be24(t + 4);
    return ROCE_FRAME_OK;
}

/* Parses the BTH, extended headers, payload and ICRC of the RoCEv2 packet
 * whose UDP payload is f[ofs, end). */
static enum roce_frame_error
parse_transport(const uint8_t *f, size_t ofs, size_t end,
                struct roce_frame *rf)
{
    const uint8_t *bth = f + ofs;
    const struct roce_opcode_info *op;
    size_t avail = end - ofs;
    size_t body;

    if (avail < ROCE_BTH_LEN + ROCE_ICRC_LEN) {
        return ROCE_FRAME_TOO_SHORT;
    }
    rf->bth = bth;
    rf->opcode = roce_bth_opcode(bth);
    rf->se = roce_bth_se(bth);
    rf->mig = roce_bth_mig(bth);
    rf->pad = roce_bth_pad(bth);
    rf->tver = roce_bth_tver(bth);
    rf->pkey = roce_bth_pkey(bth);
    rf->fecn = roce_bth_fecn(bth);
    rf->becn = roce_bth_becn(bth);
    rf->dqpn = roce_bth_dqpn(bth);
    rf->ackreq = roce_bth_ackreq(bth);
    rf->psn = roce_bth_psn(bth);

    op = roce_opcode_info(rf->opcode);
    if (!(op->flags & ROCE_OPF_VALID)) {
        return ROCE_FRAME_BAD_OPCODE;
    }
    rf->op = op;
    if (rf->tver != 0) {
        return ROCE_FRAME_BAD_TVER;
    }
    if (avail < (size_t) op->hdr_len + ROCE_ICRC_LEN) {
        return ROCE_FRAME_TOO_SHORT;
    }
    for (int i = 0; i < ROCE_EXT_N; i++) {
        rf->ext[i] = (op->ext_mask >> i) & 1 ? bth + op->ext_ofs[i] : NULL;
    }

    body = avail - op->hdr_len - ROCE_ICRC_LEN;
    if (!(op->flags & ROCE_OPF_PAYLOAD) && body) {
        return ROCE_FRAME_BAD_PAYLOAD;
    }
    if (rf->pad > body) {
        return ROCE_FRAME_BAD_PAD;
    }
    rf->payload = bth + op->hdr_len;
    rf->payload_len = body - rf->pad;
    rf->icrc = roce_get_le32(f + end - ROCE_ICRC_LEN);
    return ROCE_FRAME_OK;
}

/* Parses 'frame' ('len' bytes, starting at the Ethernet destination
 * address) into 'rf'.  On error the fields of 'rf' parsed so far are valid
 * and the rest are zero; nothing outside frame[0, len) is ever read. */
enum roce_frame_error
roce_frame_parse(const uint8_t *frame, size_t len,
                 const struct roce_frame_opts *opts, struct roce_frame *rf)
{
    struct roce_frame_l2l4 *l;
    enum roce_frame_error error;
    size_t udp_end, inner_end, inner_udp_end;

    memset(rf, 0, sizeof *rf);
    error = parse_l2l4(frame, 0, len, &rf->outer, &udp_end);
    if (error) {
        return error;
    }
    rf->frame_len = udp_end;

    if (opts->allow_overlay
        && rf->outer.udp_dst == (opts->vxlan_port ? opts->vxlan_port
                                 : ROCE_VXLAN_PORT)) {
        rf->tnl_type = ROCE_TNL_VXLAN;
    } else if (opts->allow_overlay
               && rf->outer.udp_dst == (opts->geneve_port
                                        ? opts->geneve_port
                                        : ROCE_GENEVE_PORT)) {
        rf->tnl_type = ROCE_TNL_GENEVE;
    } else if (opts->allow_plain && rf->outer.udp_dst == ROCE_UDP_PORT) {
        rf->tnl_type = ROCE_TNL_NONE;
    } else {
        return ROCE_FRAME_NOT_ROCE;
    }

    if (rf->tnl_type == ROCE_TNL_NONE) {
        /* The only L2-L4 level is the RoCEv2 one: describe it as 'inner'
         * so that consumers need not care whether there was an overlay. */
        rf->inner = rf->outer;
        memset(&rf->outer, 0, sizeof rf->outer);
        inner_udp_end = udp_end;
    } else {
        size_t inner_ofs;

        if (opts->verify_outer_udp_csum
            && !udp_csum_ok(frame, &rf->outer, udp_end)) {
            return ROCE_FRAME_BAD_UDP_CSUM;
        }
        error = parse_tunnel(frame, rf->outer.l4_ofs + ROCE_UDP_HDR_LEN,
                             udp_end, rf, &inner_ofs);
        if (error) {
            return error;
        }
        inner_end = udp_end;
        error = parse_l2l4(frame, inner_ofs, inner_end, &rf->inner,
                           &inner_udp_end);
        if (error) {
            return error;
        }
        if (rf->inner.udp_dst != ROCE_UDP_PORT) {
            return ROCE_FRAME_NOT_ROCE;
        }
        /* RFC 6040 decapsulation: congestion experienced on the underlay
         * is congestion experienced by the inner, ECN-capable packet. */
        if (rf->outer.ecn == ROCE_ECN_CE && rf->inner.ecn != ROCE_ECN_NOT_ECT) {
            rf->inner.ecn = ROCE_ECN_CE;
        }
    }

    l = &rf->inner;
    error = parse_transport(frame, l->l4_ofs + ROCE_UDP_HDR_LEN,
                            inner_udp_end, rf);
    if (error) {
        return error;
    }
    rf->roce_len = inner_udp_end - ROCE_ICRC_LEN - l->l3_ofs;
    if (opts->verify_icrc && !roce_icrc_check(frame + l->l3_ofs,
                                              rf->roce_len)) {
        return ROCE_FRAME_BAD_ICRC;
    }
    return ROCE_FRAME_OK;
}
