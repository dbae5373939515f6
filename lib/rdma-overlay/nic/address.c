/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#include <config.h>

#include "nic/address.h"

#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"

/* Parses 's' as a destination: "MAC", "IP" or "MAC@IP" (IPv4 or IPv6).
 * Returns null on success, otherwise a malloc()ed one-line error. */
char *
ro_dst_parse(const char *s, struct ro_dst *dst)
{
    const char *at = strchr(s, '@');
    char *mac_s = at ? xmemdup0(s, at - s) : NULL;
    const char *ip_s = at ? at + 1 : s;
    char *error = NULL;

    memset(dst, 0, sizeof *dst);
    if (mac_s) {
        if (!eth_addr_from_string(mac_s, &dst->mac)
            || eth_addr_is_zero(dst->mac)) {
            error = xasprintf("%s: invalid destination MAC", mac_s);
            goto out;
        }
        dst->has_mac = true;
    } else if (eth_addr_from_string(s, &dst->mac)) {
        if (eth_addr_is_zero(dst->mac)) {
            error = xasprintf("%s: invalid destination MAC", s);
        }
        dst->has_mac = true;
        goto out;
    }

    ovs_be32 ip4;
    if (ip_parse(ip_s, &ip4) && ip4) {
        in6_addr_set_mapped_ipv4(&dst->ip, ip4);
        dst->has_ip = true;
    } else if (ipv6_parse(ip_s, &dst->ip) && ipv6_addr_is_set(&dst->ip)) {
        dst->has_ip = true;
    } else {
        error = xasprintf("%s: destination is not a MAC, an IP address or "
                          "MAC@IP", s);
    }

out:
    free(mac_s);
    return error;
}

/* Formats 'dst' as ro_dst_parse() accepts it. */
void
ro_dst_format(const struct ro_dst *dst, struct ds *ds)
{
    if (dst->has_mac) {
        ds_put_format(ds, ETH_ADDR_FMT, ETH_ADDR_ARGS(dst->mac));
    }
    if (dst->has_mac && dst->has_ip) {
        ds_put_char(ds, '@');
    }
    if (dst->has_ip) {
        ipv6_format_mapped(&dst->ip, ds);
    }
}
