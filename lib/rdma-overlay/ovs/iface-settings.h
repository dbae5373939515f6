/*
 * Copyright (c) 2026 The ovs-rdma-overlay authors.
 * Licensed under the Apache License, Version 2.0.
 */

#ifndef RDMA_OVERLAY_IFACE_SETTINGS_H
#define RDMA_OVERLAY_IFACE_SETTINGS_H 1

/* The extension's per-Interface configuration keys, other_config:
 *   rdma-overlay           true|false (default false).
 *   rdma-overlay-mac       The DCN MAC(s) behind the port, comma-separated.
 *   rdma-overlay-ip        The DCN IPv4/IPv6 address(es), comma-separated.
 *   rdma-overlay-socket-mode
 *                          Octal permissions of the port's DCN socket
 *                          (default 0660).
 *
 * (The global keys are the module glue's: see settings.h.) */

#include <stdbool.h>
#include <stddef.h>
#include "openvswitch/types.h"
#include "packets.h"

struct smap;

#define RO_DEFAULT_SOCKET_MODE 0660
#define RO_MAX_DCN_IPS 8

/* Interface other_config. */
struct ro_iface_settings {
    bool set;                   /* rdma-overlay key present. */
    bool enabled;
    struct eth_addr *macs;      /* rdma-overlay-mac, sorted, no duplicates. */
    size_t n_macs;
    struct in6_addr *ips;       /* rdma-overlay-ip, in the order given. */
    size_t n_ips;
    unsigned int socket_mode;   /* rdma-overlay-socket-mode. */
    char *error;                /* Non-null if a value is invalid. */
};

void ro_iface_settings_parse(const struct smap *other_config,
                             struct ro_iface_settings *);
void ro_iface_settings_destroy(struct ro_iface_settings *);

#endif /* iface-settings.h */
