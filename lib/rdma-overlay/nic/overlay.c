/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>

#include "nic/overlay.h"

#include <string.h>

#include "flow.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"

/* Value functions of the overlay objects (overlay.h).  They have no
 * dependency on the bridge, so that unit tests can link them alone. */

/* Returns the name of 'origin' as printed by rdma-overlay/dump-mappings. */
const char *
ro_mapping_origin_to_string(enum ro_mapping_origin origin)
{
    switch (origin) {
    case RO_MAPPING_LEARNED:
        return "learned";
    case RO_MAPPING_FLOW:
        return "flow";
    case RO_MAPPING_STATIC:
        return "static";
    }
    return "unknown";
}

/* Initializes 'dst' as a deep copy of 'src'. */
void
ro_vtep_clone(struct ro_vtep *dst, const struct ro_vtep *src)
{
    *dst = *src;
    dst->bridge = nullable_xstrdup(src->bridge);
    dst->port = nullable_xstrdup(src->port);
}

/* Frees the strings that 'vtep' owns (not 'vtep' itself). */
void
ro_vtep_destroy(struct ro_vtep *vtep)
{
    if (vtep) {
        free(vtep->bridge);
        free(vtep->port);
        vtep->bridge = vtep->port = NULL;
    }
}

/* Returns true if 'a' and 'b' describe the same VTEP with the same
 * configuration.  Every member takes part, so that a change of any of them
 * is exported as a delete and an add. */
bool
ro_vtep_equal(const struct ro_vtep *a, const struct ro_vtep *b)
{
    return (nullable_string_is_equal(a->bridge, b->bridge)
            && nullable_string_is_equal(a->port, b->port)
            && a->type == b->type
            && a->odp_port == b->odp_port
            && a->ofp_port == b->ofp_port
            && a->local_ip_flow == b->local_ip_flow
            && a->remote_ip_flow == b->remote_ip_flow
            && ipv6_addr_equals(&a->local_ip, &b->local_ip)
            && ipv6_addr_equals(&a->remote_ip, &b->remote_ip)
            && a->key_flow == b->key_flow
            && a->vni == b->vni
            && a->dst_port == b->dst_port
            && a->csum == b->csum);
}

/* Initializes 'dst' as a deep copy of 'src'. */
void
ro_binding_clone(struct ro_binding *dst, const struct ro_binding *src)
{
    *dst = *src;
    dst->bridge = nullable_xstrdup(src->bridge);
    dst->port = nullable_xstrdup(src->port);
    dst->type = nullable_xstrdup(src->type);
    dst->macs = (src->n_macs
                 ? xmemdup(src->macs, src->n_macs * sizeof *src->macs)
                 : NULL);
    dst->ips = (src->n_ips
                ? xmemdup(src->ips, src->n_ips * sizeof *src->ips)
                : NULL);
}

/* Frees what 'binding' owns (not 'binding' itself). */
void
ro_binding_destroy(struct ro_binding *binding)
{
    if (binding) {
        free(binding->bridge);
        free(binding->port);
        free(binding->type);
        free(binding->macs);
        free(binding->ips);
        memset(binding, 0, sizeof *binding);
    }
}

/* Initializes 'dst' as a deep copy of 'src'. */
void
ro_mapping_clone(struct ro_mapping *dst, const struct ro_mapping *src)
{
    *dst = *src;
    dst->bridge = nullable_xstrdup(src->bridge);
    dst->port = nullable_xstrdup(src->port);
    dst->tnl_port = nullable_xstrdup(src->tnl_port);
}

/* Frees what 'mapping' owns (not 'mapping' itself). */
void
ro_mapping_destroy(struct ro_mapping *mapping)
{
    if (mapping) {
        free(mapping->bridge);
        free(mapping->port);
        free(mapping->tnl_port);
        mapping->bridge = mapping->port = mapping->tnl_port = NULL;
    }
}

/* Returns true if 'a' and 'b' are the same mapping, including where it came
 * from: a mapping whose VTEP, VNI or origin changed is re-exported. */
bool
ro_mapping_equal(const struct ro_mapping *a, const struct ro_mapping *b)
{
    return (nullable_string_is_equal(a->bridge, b->bridge)
            && nullable_string_is_equal(a->port, b->port)
            && eth_addr_equals(a->mac, b->mac)
            && nullable_string_is_equal(a->tnl_port, b->tnl_port)
            && ipv6_addr_equals(&a->local_ip, &b->local_ip)
            && ipv6_addr_equals(&a->remote_ip, &b->remote_ip)
            && a->vni == b->vni
            && a->origin == b->origin);
}

/* Initializes 'tuple' as an empty, non-overlay tuple. */
void
ro_tuple_init(struct ro_tuple *tuple)
{
    memset(tuple, 0, sizeof *tuple);
    tuple->tnl_type = ROCE_TNL_NONE;
}

/* Initializes 'dst' as a deep copy of 'src'. */
void
ro_tuple_clone(struct ro_tuple *dst, const struct ro_tuple *src)
{
    *dst = *src;
    dst->egress_name = nullable_xstrdup(src->egress_name);
    dst->dp_type = nullable_xstrdup(src->dp_type);
    dst->dp_name = nullable_xstrdup(src->dp_name);
}

/* Frees what 'tuple' owns (not 'tuple' itself). */
void
ro_tuple_destroy(struct ro_tuple *tuple)
{
    if (tuple) {
        free(tuple->egress_name);
        free(tuple->dp_type);
        free(tuple->dp_name);
        tuple->egress_name = tuple->dp_type = tuple->dp_name = NULL;
    }
}

/* Returns true if 'a' and 'b' would put the same bytes on the wire and leave
 * by the same port.  Only the first 'header_len' bytes of the header take
 * part. */
bool
ro_tuple_equal(const struct ro_tuple *a, const struct ro_tuple *b)
{
    return (a->tnl_type == b->tnl_type
            && eth_addr_equals(a->outer_src_mac, b->outer_src_mac)
            && eth_addr_equals(a->outer_dst_mac, b->outer_dst_mac)
            && ipv6_addr_equals(&a->outer_src_ip, &b->outer_src_ip)
            && ipv6_addr_equals(&a->outer_dst_ip, &b->outer_dst_ip)
            && a->outer_ipv6 == b->outer_ipv6
            && a->vni == b->vni
            && a->udp_src == b->udp_src
            && a->udp_dst == b->udp_dst
            && a->dscp == b->dscp
            && a->ttl == b->ttl
            && a->tnl_port == b->tnl_port
            && a->egress_port == b->egress_port
            && nullable_string_is_equal(a->egress_name, b->egress_name)
            && nullable_string_is_equal(a->dp_type, b->dp_type)
            && nullable_string_is_equal(a->dp_name, b->dp_name)
            && a->header_len == b->header_len
            && !memcmp(a->header, b->header,
                       MIN(a->header_len, sizeof a->header))
            && eth_addr_equals(a->inner_src_mac, b->inner_src_mac)
            && eth_addr_equals(a->inner_dst_mac, b->inner_dst_mac)
            && ipv6_addr_equals(&a->inner_src_ip, &b->inner_src_ip)
            && ipv6_addr_equals(&a->inner_dst_ip, &b->inner_dst_ip)
            && a->inner_ipv6 == b->inner_ipv6
            && a->vlan == b->vlan
            && a->inner_ttl == b->inner_ttl
            && a->mtu == b->mtu);
}

/* Appends a one-line summary of 'tuple' to 'ds': for an overlay, the tunnel
 * type, VNI, the outer source and destination VTEPs and the DSCP; for
 * plain RoCEv2, "plain"; then the MTU and the egress port. */
void
ro_tuple_format_summary(const struct ro_tuple *tuple, struct ds *ds)
{
    if (tuple->tnl_type != ROCE_TNL_NONE) {
        ds_put_format(ds, "%s vni=%"PRIu32" ",
                      roce_tnl_type_name(tuple->tnl_type), tuple->vni);
        ro_format_ip(&tuple->outer_src_ip, ds);
        ds_put_cstr(ds, "->");
        ro_format_ip(&tuple->outer_dst_ip, ds);
        ds_put_format(ds, " dscp=%"PRIu8, tuple->dscp);
    } else {
        ds_put_cstr(ds, "plain");
    }
    ds_put_format(ds, " mtu=%"PRIu16" egress=%s", tuple->mtu,
                  tuple->egress_name ? tuple->egress_name : "-");
}

/* Formats 'ip', an IPv4-mapped or IPv6 address, as OVS prints either, or
 * "-" if it is unset. */
void
ro_format_ip(const struct in6_addr *ip, struct ds *ds)
{
    if (ipv6_addr_is_set(ip)) {
        ipv6_format_mapped(ip, ds);
    } else {
        ds_put_char(ds, '-');
    }
}

/* Appends 'tuple' to 'ds' as "name: value" lines, in a fixed order (the
 * format rdma-overlay/resolve prints; documented in ovs-rdma-overlay(7)).
 * Outer fields are printed only for an overlay tuple. */
void
ro_tuple_format(const struct ro_tuple *tuple, struct ds *ds)
{
    bool overlay = tuple->tnl_type != ROCE_TNL_NONE;

    ds_put_format(ds, "overlay: %s\n", roce_tnl_type_name(tuple->tnl_type));
    if (overlay) {
        ds_put_format(ds, "vni: %"PRIu32"\n", tuple->vni);
        ds_put_format(ds, "outer_src_mac: "ETH_ADDR_FMT"\n",
                      ETH_ADDR_ARGS(tuple->outer_src_mac));
        ds_put_format(ds, "outer_dst_mac: "ETH_ADDR_FMT"\n",
                      ETH_ADDR_ARGS(tuple->outer_dst_mac));
        ds_put_cstr(ds, "outer_src_ip: ");
        ro_format_ip(&tuple->outer_src_ip, ds);
        ds_put_cstr(ds, "\nouter_dst_ip: ");
        ro_format_ip(&tuple->outer_dst_ip, ds);
        ds_put_format(ds, "\nudp_src: %"PRIu16"%s\n", tuple->udp_src,
                      tuple->udp_src ? "" : " (per packet)");
        ds_put_format(ds, "udp_dst: %"PRIu16"\n", tuple->udp_dst);
        ds_put_format(ds, "dscp: %"PRIu8"\n", tuple->dscp);
        ds_put_format(ds, "ttl: %"PRIu8"\n", tuple->ttl);
        ds_put_format(ds, "tnl_port: %"PRIu32"\n",
                      odp_to_u32(tuple->tnl_port));
    }
    ds_put_format(ds, "egress: %s (%"PRIu32")\n",
                  tuple->egress_name ? tuple->egress_name : "-",
                  odp_to_u32(tuple->egress_port));
    ds_put_format(ds, "mtu: %"PRIu16"\n", tuple->mtu);
    ds_put_format(ds, "inner_src_mac: "ETH_ADDR_FMT"\n",
                  ETH_ADDR_ARGS(tuple->inner_src_mac));
    ds_put_format(ds, "inner_dst_mac: "ETH_ADDR_FMT"\n",
                  ETH_ADDR_ARGS(tuple->inner_dst_mac));
    ds_put_cstr(ds, "inner_src_ip: ");
    ro_format_ip(&tuple->inner_src_ip, ds);
    ds_put_cstr(ds, "\ninner_dst_ip: ");
    ro_format_ip(&tuple->inner_dst_ip, ds);
    ds_put_format(ds, "\nvlan: %"PRIu16"\n", tuple->vlan);
    ds_put_format(ds, "inner_ttl: %"PRIu8"\n", tuple->inner_ttl);
    if (overlay) {
        ds_put_format(ds, "header_len: %"PRIu32"\n", tuple->header_len);
        ds_put_cstr(ds, "header_hex: ");
        for (uint32_t i = 0; i < MIN(tuple->header_len,
                                     sizeof tuple->header); i++) {
            ds_put_format(ds, "%02"PRIx8, tuple->header[i]);
        }
        ds_put_char(ds, '\n');
    }
}
