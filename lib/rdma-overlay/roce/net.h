/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#ifndef ROCE_NET_H
#define ROCE_NET_H 1

/* The L2-L4 and tunnel constants shared by the encapsulator and the frame
 * parser, and the IPv4-mapped address convention both use. */

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define ROCE_ETH_ADDR_LEN 6
#define ROCE_ETH_HDR_LEN 14
#define ROCE_VLAN_HDR_LEN 4
#define ROCE_IPV4_HDR_LEN 20
#define ROCE_IPV6_HDR_LEN 40
#define ROCE_UDP_HDR_LEN 8
#define ROCE_VXLAN_HDR_LEN 8
#define ROCE_GENEVE_HDR_LEN 8      /* Without options. */
#define ROCE_GENEVE_MAX_OPT_LEN 252

#define ROCE_ETH_TYPE_IPV4 0x0800
#define ROCE_ETH_TYPE_IPV6 0x86dd
#define ROCE_ETH_TYPE_VLAN 0x8100
#define ROCE_ETH_TYPE_QINQ 0x88a8
#define ROCE_ETH_TYPE_TEB 0x6558   /* Geneve protocol type: Ethernet. */
#define ROCE_IPPROTO_UDP 17

#define ROCE_UDP_PORT 4791         /* RoCEv2. */

/* IP ECN codepoints (RFC 3168). */
#define ROCE_ECN_NOT_ECT 0
#define ROCE_ECN_ECT1 1
#define ROCE_ECN_ECT0 2
#define ROCE_ECN_CE 3
#define ROCE_VXLAN_PORT 4789
#define ROCE_GENEVE_PORT 6081

/* Outer UDP source port range Open vSwitch uses for tunnels
 * (netdev-native-tnl.c tnl_udp_port_min/max). */
#define ROCE_TNL_SPORT_MIN 32768
#define ROCE_TNL_SPORT_MAX 61000

enum roce_tnl_type {
    ROCE_TNL_NONE,              /* Plain RoCEv2, no overlay. */
    ROCE_TNL_VXLAN,
    ROCE_TNL_GENEVE,
};

/* OVS_VPORT_TYPE_* values found in ovs_action_push_tnl's tnl_type
 * (include/linux/openvswitch.h), repeated so that this engine need not
 * include Open vSwitch headers. */
#define ROCE_OVS_VPORT_TYPE_VXLAN 4
#define ROCE_OVS_VPORT_TYPE_GENEVE 5

/* Maps an OVS_VPORT_TYPE_* to a tunnel type; ROCE_TNL_NONE if the type is
 * not a tunnel this engine encapsulates. */
static inline enum roce_tnl_type
roce_tnl_type_from_ovs(uint32_t ovs_vport_type)
{
    return (ovs_vport_type == ROCE_OVS_VPORT_TYPE_VXLAN ? ROCE_TNL_VXLAN
            : ovs_vport_type == ROCE_OVS_VPORT_TYPE_GENEVE ? ROCE_TNL_GENEVE
            : ROCE_TNL_NONE);
}

const char *roce_tnl_type_name(enum roce_tnl_type);

/* Addresses are struct in6_addr throughout; IPv4 addresses are stored
 * IPv4-mapped (::ffff:a.b.c.d), as Open vSwitch does. */
static inline bool
roce_addr_is_v4(const struct in6_addr *a)
{
    static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                        0xff, 0xff };
    return !memcmp(a->s6_addr, prefix, sizeof prefix);
}

/* 'v4' in network byte order, as in struct in_addr. */
static inline struct in6_addr
roce_addr_from_v4(uint32_t v4_be)
{
    struct in6_addr a;

    memset(&a, 0, sizeof a);
    a.s6_addr[10] = a.s6_addr[11] = 0xff;
    memcpy(&a.s6_addr[12], &v4_be, 4);
    return a;
}

/* Parses "a.b.c.d" or an IPv6 literal into 'a' (mapped if IPv4). */
bool roce_addr_parse(const char *s, struct in6_addr *a);

#endif /* roce/net.h */
