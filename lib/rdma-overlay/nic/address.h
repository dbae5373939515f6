/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_ADDRESS_H
#define RDMA_OVERLAY_ADDRESS_H 1

/* Destinations of a resolution, as an operator or a DCN writes them. */

#include <stdbool.h>
#include <netinet/in.h>
#include "openvswitch/compiler.h"
#include "openvswitch/types.h"

struct ds;

/* A destination: a MAC, an IP (IPv4 stored IPv4-mapped), or both. */
struct ro_dst {
    bool has_mac;
    struct eth_addr mac;
    bool has_ip;
    struct in6_addr ip;
};

char *ro_dst_parse(const char *, struct ro_dst *) OVS_WARN_UNUSED_RESULT;
void ro_dst_format(const struct ro_dst *, struct ds *);

#endif /* address.h */
