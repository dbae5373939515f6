/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>

#include "ovs/tnl-header.h"

#include <netinet/ip6.h>
#include <string.h>

#include "csum.h"
#include "packets.h"
#include "util.h"

/* The tunnel header template of a tnl_push action, read into a tuple and
 * adjusted for RDMA.  No dependency on the bridge: unit-tested alone. */

/* roce_tnl_type_from_ovs() repeats these so that the engine need not
 * include Open vSwitch headers. */
BUILD_ASSERT_DECL(OVS_VPORT_TYPE_VXLAN == ROCE_OVS_VPORT_TYPE_VXLAN);
BUILD_ASSERT_DECL(OVS_VPORT_TYPE_GENEVE == ROCE_OVS_VPORT_TYPE_GENEVE);

/* Fills the outer fields of 'tuple' from tnl_push action 'push' (VXLAN or
 * Geneve over IPv4 or IPv6).  Returns null on success, otherwise a
 * malloc()ed error.  Every length is checked before it is read. */
char *
ro_push_to_tuple(const struct ovs_action_push_tnl *push,
                 struct ro_tuple *tuple)
{
    const uint8_t *h = (const uint8_t *) push->header;
    uint32_t len = push->header_len;
    const struct eth_header *eth;
    size_t l3_len, l4;

    tuple->tnl_type = roce_tnl_type_from_ovs(push->tnl_type);
    if (tuple->tnl_type == ROCE_TNL_NONE) {
        return xasprintf("unsupported tunnel type %"PRIu32" (only VXLAN and "
                         "Geneve)", push->tnl_type);
    }
    if (len > sizeof push->header || len > sizeof tuple->header
        || len < ETH_HEADER_LEN) {
        return xasprintf("tunnel header length %"PRIu32" out of range", len);
    }

    eth = (const struct eth_header *) h;
    tuple->outer_dst_mac = eth->eth_dst;
    tuple->outer_src_mac = eth->eth_src;
    if (eth->eth_type == htons(ETH_TYPE_IP)) {
        const struct ip_header *ip = (const void *) (h + ETH_HEADER_LEN);

        if (len < ETH_HEADER_LEN + IP_HEADER_LEN) {
            return xstrdup("truncated IPv4 tunnel header");
        }
        l3_len = IP_IHL(ip->ip_ihl_ver) * 4;
        if (l3_len < IP_HEADER_LEN || len < ETH_HEADER_LEN + l3_len) {
            return xstrdup("bad IPv4 header length in tunnel header");
        }
        in6_addr_set_mapped_ipv4(&tuple->outer_src_ip,
                                 get_16aligned_be32(&ip->ip_src));
        in6_addr_set_mapped_ipv4(&tuple->outer_dst_ip,
                                 get_16aligned_be32(&ip->ip_dst));
        tuple->ttl = ip->ip_ttl;
        tuple->dscp = ip->ip_tos >> 2;
        tuple->outer_ipv6 = false;
    } else if (eth->eth_type == htons(ETH_TYPE_IPV6)) {
        const struct ovs_16aligned_ip6_hdr *ip6;

        l3_len = IPV6_HEADER_LEN;
        if (len < ETH_HEADER_LEN + l3_len) {
            return xstrdup("truncated IPv6 tunnel header");
        }
        ip6 = (const void *) (h + ETH_HEADER_LEN);
        memcpy(&tuple->outer_src_ip, &ip6->ip6_src, sizeof(struct in6_addr));
        memcpy(&tuple->outer_dst_ip, &ip6->ip6_dst, sizeof(struct in6_addr));
        tuple->ttl = ip6->ip6_hlim;
        tuple->dscp = (ntohl(get_16aligned_be32(&ip6->ip6_flow)) >> 22)
                      & 0x3f;
        tuple->outer_ipv6 = true;
    } else {
        return xasprintf("tunnel header has EtherType 0x%04"PRIx16
                         " (not IPv4/IPv6)", ntohs(eth->eth_type));
    }

    /* UDP, then the 8-byte VXLAN or Geneve base header (the VNI is in
     * bytes 4..6 of both). */
    l4 = ETH_HEADER_LEN + l3_len;
    if (len < l4 + UDP_HEADER_LEN + 8) {
        return xstrdup("truncated UDP tunnel header");
    }
    const struct udp_header *udp = (const void *) (h + l4);
    const uint8_t *tnl = h + l4 + UDP_HEADER_LEN;

    tuple->udp_src = ntohs(udp->udp_src);
    tuple->udp_dst = ntohs(udp->udp_dst);
    tuple->vni = (tnl[4] << 16) | (tnl[5] << 8) | tnl[6];
    tuple->tnl_port = push->tnl_port;
    memcpy(tuple->header, h, len);
    tuple->header_len = len;
    return NULL;
}

/* Sets the DSCP bits of the outer IP header in 'push' to 'dscp', keeping
 * the ECN bits, and recomputes the IPv4 template checksum the way OVS
 * computes it (over the template, total length 0). */
void
ro_push_set_dscp(struct ovs_action_push_tnl *push, uint8_t dscp)
{
    uint8_t *h = (uint8_t *) push->header;
    const struct eth_header *eth = (const struct eth_header *) h;

    if (eth->eth_type == htons(ETH_TYPE_IP)) {
        struct ip_header *ip = (void *) (h + ETH_HEADER_LEN);

        ip->ip_tos = (dscp << 2) | (ip->ip_tos & 0x3);
        ip->ip_csum = 0;
        ip->ip_csum = csum(ip, IP_IHL(ip->ip_ihl_ver) * 4);
    } else {
        struct ovs_16aligned_ip6_hdr *ip6 = (void *) (h + ETH_HEADER_LEN);
        uint32_t word = ntohl(get_16aligned_be32(&ip6->ip6_flow));

        word = (word & ~(0x3fu << 22)) | ((uint32_t) dscp << 22);
        put_16aligned_be32(&ip6->ip6_flow, htonl(word));
    }
}
