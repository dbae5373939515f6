/* Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0. */

#include "roce/net.h"

#include <arpa/inet.h>

/* Parses an IPv4 dotted quad (stored IPv4-mapped) or an IPv6 literal. */
bool
roce_addr_parse(const char *s, struct in6_addr *a)
{
    struct in_addr v4;

    if (inet_pton(AF_INET, s, &v4) == 1) {
        *a = roce_addr_from_v4(v4.s_addr);
        return true;
    }
    return inet_pton(AF_INET6, s, a) == 1;
}
