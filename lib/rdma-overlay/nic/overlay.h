/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_OVERLAY_H
#define RDMA_OVERLAY_OVERLAY_H 1

/* The overlay objects that the extension exports to an RDMA NIC provider.
 *
 * These are plain values: every string is owned by the struct and freed by
 * the matching *_destroy() function, and a provider that wants to keep one
 * must clone it.  They are built on the main thread from Open vSwitch's
 * own state (tunnel port configuration, MAC learning tables, OpenFlow
 * tables, translation results), never from a parallel source of truth. */

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include "openvswitch/types.h"
#include "packets.h"
#include "roce/net.h"

struct ds;

/* The tunnel type of a VTEP or a tuple is the engine's 'enum
 * roce_tnl_type' (roce/net.h): ROCE_TNL_NONE for a port that is not on an
 * overlay (plain RoCEv2), ROCE_TNL_VXLAN or ROCE_TNL_GENEVE.  Every dump
 * prints it with roce_tnl_type_name(). */

/* A VTEP: one OpenFlow tunnel port of a bridge, as configured.
 *
 * IPv4 addresses are stored IPv4-mapped in 'local_ip' and 'remote_ip'. */
struct ro_vtep {
    char *bridge;               /* Bridge that owns the tunnel port. */
    char *port;                 /* Interface name of the tunnel port. */
    enum roce_tnl_type type;
    odp_port_t odp_port;        /* Shared datapath port (vxlan_sys_4789). */
    ofp_port_t ofp_port;

    bool local_ip_flow;         /* options:local_ip=flow. */
    bool remote_ip_flow;        /* options:remote_ip=flow. */
    struct in6_addr local_ip;   /* Unset (all-zero) if not configured. */
    struct in6_addr remote_ip;  /* Unset if 'remote_ip_flow'. */

    bool key_flow;              /* options:key=flow (or out_key=flow). */
    uint32_t vni;               /* Fixed VNI, if !key_flow. */

    uint16_t dst_port;          /* Outer UDP destination port, host order. */
    bool csum;                  /* options:csum=true. */
};

void ro_vtep_clone(struct ro_vtep *dst, const struct ro_vtep *src);
void ro_vtep_destroy(struct ro_vtep *);
bool ro_vtep_equal(const struct ro_vtep *, const struct ro_vtep *);

/* An RDMA-enabled port bound to a datapath. */
struct ro_binding {
    char *bridge;
    char *port;                 /* Interface name. */
    char *type;                 /* Interface type ("" = system). */
    odp_port_t odp_port;
    ofp_port_t ofp_port;
    struct eth_addr *macs;      /* DCN MAC(s) known for this port. */
    size_t n_macs;
    struct in6_addr *ips;       /* DCN IP(s) (IPv4-mapped), as configured
                                 * in other_config:rdma-overlay-ip. */
    size_t n_ips;
    int mtu;                    /* The port's MTU, 0 if unknown. */
    unsigned int socket_mode;   /* Permissions of the port's DCN socket. */
};

void ro_binding_clone(struct ro_binding *dst, const struct ro_binding *src);
void ro_binding_destroy(struct ro_binding *);

/* Where a MAC->VTEP mapping came from. */
enum ro_mapping_origin {
    RO_MAPPING_LEARNED,         /* MAC learning on a NORMAL bridge. */
    RO_MAPPING_FLOW,            /* OpenFlow flows that set tun_dst/tun_id. */
    RO_MAPPING_STATIC,          /* Added with rdma-overlay/add-mapping. */
};

const char *ro_mapping_origin_to_string(enum ro_mapping_origin);

/* One entry of the MAC->VTEP mapping table: frames from RDMA-enabled port
 * 'port' of 'bridge' to 'mac' leave through tunnel port 'tnl_port' to the
 * VTEP at 'remote_ip' with VNI 'vni', which is what Open vSwitch's own
 * translation does with them. */
struct ro_mapping {
    char *bridge;
    char *port;                 /* Source (RDMA-enabled) port. */
    struct eth_addr mac;        /* Destination DCN MAC. */
    char *tnl_port;             /* Tunnel port name. */
    struct in6_addr local_ip;   /* Source VTEP IP. */
    struct in6_addr remote_ip;  /* Destination VTEP IP. */
    uint32_t vni;
    enum ro_mapping_origin origin;
};

void ro_mapping_clone(struct ro_mapping *dst, const struct ro_mapping *src);
void ro_mapping_destroy(struct ro_mapping *);
bool ro_mapping_equal(const struct ro_mapping *, const struct ro_mapping *);

/* The overlay tuple of one RDMA connection (patent FIG 5): everything a NIC
 * needs to encapsulate the connection's packets itself.
 *
 * 'header' holds the outer header template exactly as Open vSwitch's
 * tnl_push action would push it for this flow (outer Ethernet, IPv4/IPv6,
 * UDP, VXLAN/Geneve), except that the IP DSCP bits carry 'dscp'.  As in
 * OVS's template, the fields a NIC fills per packet (IP total length and
 * checksum, UDP source port and length) are left as template values.
 *
 * For a port that is not on an overlay, 'tnl_type' is ROCE_TNL_NONE, the
 * outer fields and 'header' are unset and only the inner (plain RoCEv2)
 * fields below are meaningful. */
#define RO_TUPLE_MAX_HEADER 512

struct ro_tuple {
    enum roce_tnl_type tnl_type;

    /* Outer (underlay) header. */
    struct eth_addr outer_src_mac;
    struct eth_addr outer_dst_mac;
    struct in6_addr outer_src_ip;    /* Source VTEP (IPv4-mapped if v4). */
    struct in6_addr outer_dst_ip;    /* Destination VTEP. */
    bool outer_ipv6;
    uint32_t vni;
    uint16_t udp_src;                /* 0: filled per packet (entropy). */
    uint16_t udp_dst;
    uint8_t dscp;
    uint8_t ttl;
    odp_port_t tnl_port;             /* Datapath tunnel port. */
    odp_port_t egress_port;          /* Underlay port the frames leave by. */
    char *egress_name;
    char *dp_type;                   /* Datapath 'egress_port' belongs to */
    char *dp_name;                   /* (dpif type and base name). */
    uint8_t header[RO_TUPLE_MAX_HEADER];
    uint32_t header_len;

    /* Inner (DCN) header. */
    struct eth_addr inner_src_mac;
    struct eth_addr inner_dst_mac;
    struct in6_addr inner_src_ip;
    struct in6_addr inner_dst_ip;
    bool inner_ipv6;
    uint16_t vlan;                   /* 802.1Q VID, 0 if untagged. */
    uint8_t inner_ttl;
    uint16_t mtu;                    /* Largest inner IP packet that fits. */
};

void ro_tuple_init(struct ro_tuple *);
void ro_tuple_clone(struct ro_tuple *dst, const struct ro_tuple *src);
void ro_tuple_destroy(struct ro_tuple *);
bool ro_tuple_equal(const struct ro_tuple *, const struct ro_tuple *);
void ro_tuple_format(const struct ro_tuple *, struct ds *);
void ro_tuple_format_summary(const struct ro_tuple *, struct ds *);

/* Formats an IPv4-mapped or IPv6 address the way OVS prints either. */
void ro_format_ip(const struct in6_addr *, struct ds *);

#endif /* overlay.h */
